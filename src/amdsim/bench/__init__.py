"""Benchmarks behind ``amdsim bench``: each module has ``run(quick: bool) -> dict``.

Timings belong here and in the JSON that ``amdsim bench`` writes, never in test asserts.
"""

BENCHMARKS: dict[str, str] = {
    "engine": "amdsim.bench.engine",
    "sensors": "amdsim.bench.sensors",
    "tracker": "amdsim.bench.tracker",
    "wta": "amdsim.bench.wta",
    "montecarlo": "amdsim.bench.montecarlo",
}
