"""montecarlo stage."""
