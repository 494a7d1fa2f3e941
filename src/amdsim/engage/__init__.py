"""engage stage."""
