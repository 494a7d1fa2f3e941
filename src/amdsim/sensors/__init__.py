"""sensors stage."""
