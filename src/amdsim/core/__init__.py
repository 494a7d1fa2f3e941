"""Bottom layer: geodesy, units, random streams, errors, kinds and sourced constants. Imports nothing of amdsim."""
