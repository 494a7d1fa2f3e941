"""Tracker benchmark: the offline GNN tracker on simulated detections (aims: 200 targets at >= 300
scans/s on one core, OSPA with c = 500 m, p = 1 reported)."""

from __future__ import annotations

import time

import numpy as np


def simulate_scans(n_targets: int, n_scans: int, pd: float = 0.9, n_fa: int = 10, sigma: float = 50.0,
                   seed: int = 0, box: float = 200_000.0):
    """Constant-velocity targets (250 m/s, random headings) in a square, 1 s scans, clutter uniform."""
    g = np.random.default_rng(seed)
    pos = g.uniform(0, box, (n_targets, 2))
    hdg = g.uniform(0, 2 * np.pi, n_targets)
    vel = 250.0 * np.stack([np.cos(hdg), np.sin(hdg)], axis=1)
    scans, truth = [], []
    for k in range(n_scans):
        p = pos + vel * k
        truth.append(p)
        seen = g.random(n_targets) < pd
        z = p[seen] + g.normal(0, sigma, (int(seen.sum()), 2))
        fa = g.uniform(p.min(axis=0) - 5000, p.max(axis=0) + 5000, (n_fa, 2))
        scans.append(np.concatenate([z, fa]))
    return scans, truth


def run_case(n_targets: int, n_scans: int) -> dict:
    from amdsim.tracking.gnn_tracker import GNNTracker
    from amdsim.tracking.ospa import ospa

    scans, truth = simulate_scans(n_targets, n_scans)
    trk = GNNTracker(q=25.0, m=2, n=3, delete_misses=3, init_speed_sigma=300.0)
    R1 = np.diag([50.0**2, 50.0**2, 1.0])
    errs = []
    t0 = time.perf_counter()
    for k, z2 in enumerate(scans):
        z = np.concatenate([z2, np.zeros((len(z2), 1))], axis=1)
        trk.step(float(k), z, np.broadcast_to(R1, (len(z), 3, 3)).copy())
        if k >= 10:
            est = trk.x[trk.confirmed, :2]
            errs.append(ospa(est, truth[k], c=500.0, p=1.0))
    wall = time.perf_counter() - t0
    return {"targets": n_targets, "scans": n_scans, "false_alarms_per_scan": 10, "pd": 0.9, "sigma_m": 50.0,
            "scans_per_s": round(n_scans / wall, 1), "mean_ospa_m": round(float(np.mean(errs)), 2),
            "aim_scans_per_s": 300 if n_targets == 200 else None}


def run(quick: bool = False) -> dict:
    scans = 60 if quick else 300
    return {"cases": [run_case(50, scans), run_case(200, scans)]}
