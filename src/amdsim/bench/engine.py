"""Engine benchmark: one replication of the demo scenario, single core.

Reports wall (and CPU) time per simulated second, per mover-step and the real-time factor (aim >= 1000x on
one core) of the demo as bundled (every nation tracking with its own Kalman trackers), and the same
with the perfect-picture baseline (``tracking.model=perfect``).
"""

from __future__ import annotations

import time

import numpy as np


def run(quick: bool = False) -> dict:
    import resource

    from amdsim.engine.run import simulate
    from amdsim.scenario import demo_path, load_compiled

    cs = load_compiled(demo_path())
    simulate(cs, 0)                         # warm-up: numba caches, imports
    reps = 2 if quick else 5
    walls, cpus = [], []
    mover_steps = 0
    for k in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        r = simulate(cs, k + 1)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        mover_steps = cs.n_steps * int(np.count_nonzero(r.world.t_launch < np.inf))
    wall = float(np.median(walls))
    perfect = _variant(demo_path(), {"tracking.model": "perfect"}, reps=1 if quick else 3)
    return {
        "tracking_model": cs.tracking["model"],
        "perfect_picture_wall_s_median": perfect,
        "perfect_picture_real_time_factor": round(cs.duration / perfect, 1),
        "scenario": cs.name,
        "simulated_s": cs.duration,
        "steps": cs.n_steps,
        "movers": cs.movers.n,
        "replications_timed": reps,
        "wall_s_median": round(wall, 4),
        "wall_s_min": round(float(np.min(walls)), 4),
        # CPU seconds of the process: steadier than wall time on a shared machine
        "cpu_s_median": round(float(np.median(cpus)), 4),
        "wall_per_simulated_s_ms": round(1000 * wall / cs.duration, 4),
        "wall_per_mover_step_us": round(1e6 * wall / max(mover_steps, 1), 4),
        "real_time_factor": round(cs.duration / wall, 1),
        "aim_real_time_factor": 1000,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _variant(cs_path, overrides: dict, reps: int) -> float:
    """Median wall time (s) of the demo with ``overrides`` (e.g. the perfect picture)."""
    from amdsim.engine.run import simulate
    from amdsim.scenario import load_compiled

    cs = load_compiled(cs_path, overrides=overrides)
    simulate(cs, 0)
    walls = []
    for k in range(reps):
        t0 = time.perf_counter()
        simulate(cs, k + 1)
        walls.append(time.perf_counter() - t0)
    return round(float(np.median(walls)), 4)
