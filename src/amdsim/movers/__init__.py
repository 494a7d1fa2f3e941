"""movers stage."""
