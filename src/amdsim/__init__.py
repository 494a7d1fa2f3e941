"""amdsim: constructive simulation of combined air and missile defense exercises.

Pipeline: scenario (YAML) -> movers -> sensors -> tracking -> links -> c2 -> engage -> records,
then montecarlo/results/review around it. SI units inside (metres, seconds, radians); degrees and
other units only at the YAML and report edges.
"""

__version__ = "0.1.0"
