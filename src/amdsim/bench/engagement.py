"""Engagement benchmark: the Monte Carlo of the demo's engagements and the cost of the flyout kernel.

A batch of replications of the bundled demo (``amdsim/data/demo.yaml``) runs into a temporary
folder; every shot is one trial of its interceptor type against its target's type, and
:func:`amdsim.results.sspk.sspk_table` gives the single-shot kill probability of each pair with a
95 % Wilson interval (kills / shots) and the mean P_k at the shots' miss distances (Student t),
and the miss distribution (median, 90th percentile). Alongside, the wall time of one major step
(1 s) of :func:`amdsim.engage.flyout.pn_flyout` for 64 interceptors in their endgame, seeker noise
on, per interceptor and simulated second.
"""

from __future__ import annotations

import shutil
import tempfile
from importlib.resources import files
from pathlib import Path

import numpy as np

from amdsim.bench import median_time


def _demo() -> Path:
    return Path(str(files("amdsim") / "data" / "demo.yaml"))


def _kernel_time(n: int = 64, reps: int = 20) -> float:
    """Median wall time (s) of one 1 s major step of the flyout kernel for ``n`` interceptors closing
    head-on from 10 km on manoeuvring targets, locked on, noise drawn every 0.01 s."""
    from amdsim.core.constants import FLYOUT_STATE_WIDTH
    from amdsim.engage.flyout import FRESH, GRAVITY_ROTATING, pn_flyout

    rng = np.random.default_rng(1)
    base = np.array([-3.05e6, 4.05e6, 3.82e6])
    up = base / np.linalg.norm(base)
    east = np.cross([0.0, 0.0, 1.0], up)
    east /= np.linalg.norm(east)
    pm = base + 10_000.0 * up
    one = np.ones(n)
    tp0 = np.tile(pm + 10_000.0 * east, (n, 1)) + rng.normal(0.0, 50.0, (n, 3))
    tv = np.tile(-300.0 * east, (n, 1))
    ta = np.tile(30.0 * up, (n, 1))
    tp1, tv1 = tp0 + tv + 0.5 * ta, tv + ta
    noise = rng.standard_normal((n, 101, 6))

    def step():
        p, v = np.tile(pm, (n, 1)), np.tile(1000.0 * east, (n, 1))
        ctrl, lock = np.zeros((n, FLYOUT_STATE_WIDTH)), np.full(n, FRESH, np.int8)
        pn_flyout(p, v, np.full(n, 10.0), ctrl, lock, np.zeros(n), tp0, tv, tp1, tv1, tp0, tp1, np.zeros(n, np.int64),
                  one * 4.0, one * 0.5, np.full(n, 5, np.int64), one * 300.0, one * 0.0, one * 0.0, one * 5e-6,
                  one * 1e9, one * 15_000.0, one * 1.0, one * 1e-3, one * 0.3, one * 0.01, noise, 1.0, GRAVITY_ROTATING)

    return median_time(step, reps) / n


def run(quick: bool) -> dict:
    """Run the benchmark; ``quick`` runs 2 replications of the demo instead of 10."""
    import os

    from amdsim.montecarlo.batch import run_batch
    from amdsim.results.sspk import sspk_table

    n = 2 if quick else 10
    workers = min(2, os.cpu_count() or 1)
    out: dict = {"scenario": "demo", "replications": n, "workers": workers}
    tmp = Path(tempfile.mkdtemp(prefix="amdsim-bench-engagement-"))
    try:
        run_batch(_demo(), n, tmp / "batch", workers=workers, progress=False)
        pairs = sspk_table(tmp / "batch")
        pooled = sspk_table(tmp / "batch", pooled=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def r(x):
        return round(float(x), 4) if np.isfinite(x) else None

    keep = ("shots", "kills", "sspk", "sspk_lo", "sspk_hi", "sspk_from_miss", "sspk_from_miss_lo",
            "sspk_from_miss_hi", "miss_median_m", "miss_p90_m", "expired")
    out["sspk"] = {f"{p['interceptor_type']} vs {p['threat_type']}": {k: (p[k] if isinstance(p[k], int) else r(p[k]))
                                                                      for k in keep} for p in pairs}
    if pooled:
        out["pooled"] = {k: (pooled[0][k] if isinstance(pooled[0][k], int) else r(pooled[0][k])) for k in keep}
    out["interval"] = "95 % Wilson (sspk), Student t (sspk_from_miss)"
    out["flyout_kernel_us_per_interceptor_step"] = round(1e6 * _kernel_time(reps=5 if quick else 20), 2)
    return out
