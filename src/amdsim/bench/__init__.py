"""Benchmarks behind ``amdsim bench``: each module has ``run(quick: bool) -> dict``.

Timings belong here and in the JSON that ``amdsim bench`` writes, never in test asserts.
"""

BENCHMARKS: dict[str, str] = {
    "engine": "amdsim.bench.engine",
    "sensors": "amdsim.bench.sensors",
    "tracker": "amdsim.bench.tracker",
    "siap": "amdsim.bench.siap",
    "wta": "amdsim.bench.wta",
    "montecarlo": "amdsim.bench.montecarlo",
    "startup": "amdsim.bench.startup",
    "engagement": "amdsim.bench.engagement",
    "scale": "amdsim.bench.scale",
    "first_run": "amdsim.bench.first_run",
}


def median_time(fn, reps: int) -> float:
    """Median wall time (s) of ``reps`` calls of ``fn`` after one warm-up call (numba compile, caches)."""
    import time

    fn()
    walls = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
    walls.sort()
    n = len(walls)
    return float(walls[n // 2] if n % 2 else 0.5 * (walls[n // 2 - 1] + walls[n // 2]))
