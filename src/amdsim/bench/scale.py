"""Scale benchmark: the bundled theatre (``amdsim/data/theatre.yaml``: three nations, 300 threats, 20
batteries, 10 radars, 2 AEW orbits, 16 fighters) with its raid scaled 1x, 3x and 10x.

The raid is scaled programmatically (:func:`scale_raid`): every threat salvo fires ``factor`` times as
many rounds in the same window (count x factor, interval / factor) and explicit launch-time lists are
repeated ``factor`` times, 1 s apart. Each factor runs one replication in a fresh process (one core,
numba cache warm, its own peak memory). Reported per factor: threats, movers, wall seconds, wall per
simulated second and the real-time factor (aim: more than 200x real time at 1x); across factors the
``growth_exponent``, the least-squares slope of log(wall) against log(threats) (1.0 is linear; the aim
is <= 1.2), and the peak resident memory.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

FACTORS = (1, 3, 10)
AIM_REAL_TIME_FACTOR = 200.0
AIM_GROWTH_EXPONENT = 1.2
#: Simulated seconds of a ``--quick`` run (the full theatre is 1800 s).
QUICK_DURATION_S = 600.0
THREAT_KEYS = ("cruise_missiles", "ballistic_missiles", "aircraft")


def theatre_path() -> Path:
    """The bundled theatre scenario."""
    from importlib.resources import files

    return Path(str(files("amdsim") / "data" / "theatre.yaml"))


def scale_raid(raw: dict, factor: int) -> dict:
    """A copy of scenario dict ``raw`` with every threat group firing ``factor`` times as many rounds."""
    out = copy.deepcopy(raw)
    for key in THREAT_KEYS:
        for group in out.get(key) or []:
            if group.get("salvo"):
                group["salvo"]["count"] = int(group["salvo"]["count"]) * factor
                group["salvo"]["interval_s"] = float(group["salvo"].get("interval_s", 5.0)) / factor
            elif group.get("launch_times_s"):
                group["launch_times_s"] = sorted(float(t) + k for t in group["launch_times_s"] for k in range(factor))
    return out


def _one(factor: int, duration_s: float | None = None) -> dict:
    """Run the theatre scaled ``factor`` times in this process (its first ``duration_s`` s if given);
    its figures as a dict."""
    import resource
    import time

    from amdsim.engine.run import simulate
    from amdsim.scenario.compile import compile_scenario
    from amdsim.scenario.load import read_scenario_dict, scenario_from_dict

    path = theatre_path()
    raw = scale_raid(read_scenario_dict(path), factor)
    if duration_s is not None:
        raw["duration_s"] = float(duration_s)
    cs = compile_scenario(scenario_from_dict(raw, file=str(path)), base_dir=path.parent, file=str(path))
    threats = int(np.count_nonzero(cs.movers.is_threat))
    t0 = time.perf_counter()
    c0 = time.process_time()
    simulate(cs, 0)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return {"factor": factor, "threats": threats, "movers": int(cs.movers.n), "simulated_s": cs.duration,
            "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "wall_per_simulated_s_ms": round(1000 * wall / cs.duration, 3),
            "real_time_factor": round(cs.duration / wall, 1),
            "real_time_factor_cpu": round(cs.duration / cpu, 1),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def growth_exponent(threats: list[int], walls: list[float]) -> float:
    """Least-squares slope of log(wall) against log(threats)."""
    return float(np.polyfit(np.log(np.asarray(threats, float)), np.log(np.asarray(walls, float)), 1)[0])


def run(quick: bool = False) -> dict:
    """Run every factor in its own process; ``quick`` simulates the first ``QUICK_DURATION_S`` s only
    (the first salvos of every kind are in the air by then)."""
    rows = []
    dur = QUICK_DURATION_S if quick else None
    # warm the numba cache in a first process, so that no factor pays for compilation
    subprocess.run([sys.executable, "-c", "from amdsim.bench.scale import _one; _one(1, 120.0)"], check=True,
                   capture_output=True)
    for f in FACTORS:
        res = subprocess.run([sys.executable, "-c", f"import json; from amdsim.bench.scale import _one; "
                              f"print(json.dumps(_one({f}, {dur})))"], check=True, capture_output=True, text=True)
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
    exp = growth_exponent([r["threats"] for r in rows], [r["cpu_s"] for r in rows])
    exp_wall = growth_exponent([r["threats"] for r in rows], [r["wall_s"] for r in rows])
    return {"scenario": "theatre", "quick": quick, "runs": rows,
            "real_time_factor_1x": rows[0]["real_time_factor"],
            # on CPU seconds: what one free core would give (wall time moves with the machine's load)
            "real_time_factor_1x_cpu": rows[0]["real_time_factor_cpu"],
            "growth_exponent": round(exp, 3), "growth_exponent_wall": round(exp_wall, 3),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in rows),
            "aims": {"real_time_factor_1x": AIM_REAL_TIME_FACTOR, "growth_exponent": AIM_GROWTH_EXPONENT}}
