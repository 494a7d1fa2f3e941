"""amdsim: constructive simulation of combined air and missile defense exercises.

Pipeline: scenario (YAML) -> movers -> sensors -> tracking -> links -> c2 -> engage -> records,
then montecarlo/results/review around it. SI units inside (metres, seconds, radians); degrees and
other units only at the YAML and report edges.
"""

__version__ = "0.1.0"

#: The Python API (``amdsim/api.py``: ``amdsim.run``, ``amdsim.open``, ``amdsim.Results``), imported on
#: first use so that ``import amdsim`` (and the CLI's start-up) stays fast.
_API = ("run", "open", "Results")


def __getattr__(name: str):
    if name in _API:
        import importlib

        # by name, not ``from amdsim import api``: every layer imports ``amdsim.__version__`` from here,
        # and the API (the top of the layers) must not look like their dependency to import-linter
        return getattr(importlib.import_module("amdsim.api"), name)
    raise AttributeError(f"module 'amdsim' has no attribute {name!r}")
