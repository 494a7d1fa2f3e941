"""Tracker benchmark: the offline tracker on simulated detections.

Cases: 50 and 200 constant-velocity targets, 10 false alarms per scan, 1 s scans, 50 m noise,
Pd 0.9, for GNN with the CV model (the aim: 200 targets at >= 300 scans/s on one core) and for
JPDA and the IMM. Only the tracker's ``step`` calls are timed (after a warm-up run that compiles
the kernels); OSPA (c = 500 m, p = 1) over the confirmed tracks from scan 10 on is reported beside.
When Stone Soup is installed (``pip install amdsim[compare]``) its standard Kalman + GNN tracker
runs on the same detections (fewer scans: it takes about a second per scan at 200 targets) and
both trackers' OSPA over those scans is reported.
"""

from __future__ import annotations

import time

import numpy as np

SIGMA_M = 50.0
FALSE_ALARMS = 10
PD = 0.9
OSPA_FROM_SCAN = 10


def simulate_scans(n_targets: int, n_scans: int, pd: float = PD, n_fa: int = FALSE_ALARMS, sigma: float = SIGMA_M,
                   seed: int = 0, box: float = 200_000.0):
    """Constant-velocity targets (250 m/s, random headings) in a square, 1 s scans, clutter uniform
    over the targets' bounding box widened by 5 km. Returns scans[k] (M_k,2) m and truth[k] (T,2) m."""
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


#: The benchmark's tracker settings where they differ from a scenario's defaults: matched to Stone Soup's
#: reference tracker (bench/stonesoup_compare.py: q = 25 m^2/s^3, deletion after 3 scans without update).
BENCH_CONFIG = {"q": 25.0, "delete_misses": 3}


def track_scans(scans, truth, sigma: float = SIGMA_M, **config) -> dict:
    """Run :class:`~amdsim.tracking.tracker.Tracker` over 2-D scans (tracked in 3-D with a flat,
    tightly measured z); returns timing and mean OSPA."""
    from amdsim.tracking.ospa import ospa
    from amdsim.tracking.tracker import Tracker

    R1 = np.diag([sigma**2, sigma**2, 1.0])
    zs = [np.concatenate([z2, np.zeros((len(z2), 1))], axis=1) for z2 in scans]
    Rs = [np.broadcast_to(R1, (len(z), 3, 3)).copy() for z in zs]
    trk = Tracker(**{**BENCH_CONFIG, **config})
    est = []
    wall = 0.0
    for k, (z, R) in enumerate(zip(zs, Rs, strict=True)):
        t0 = time.perf_counter()
        trk.step(float(k), z, R)
        wall += time.perf_counter() - t0
        est.append(trk.x[trk.confirmed, :2].copy())
    errs = [ospa(est[k], truth[k], c=500.0, p=1.0) for k in range(OSPA_FROM_SCAN, len(scans))]
    return {"scans_per_s": round(len(scans) / wall, 1), "ms_per_scan": round(1e3 * wall / len(scans), 3),
            "mean_ospa_m": round(float(np.mean(errs)), 2)}


def run_case(n_targets: int, n_scans: int, **config) -> dict:
    scans, truth = simulate_scans(n_targets, n_scans)
    res = {"targets": n_targets, "scans": n_scans, "false_alarms_per_scan": FALSE_ALARMS, "pd": PD,
           "sigma_m": SIGMA_M, "motion": config.get("motion", "cv"), "association": config.get("association", "gnn")}
    res.update(track_scans(scans, truth, **config))
    if n_targets == 200 and res["motion"] == "cv" and res["association"] == "gnn":
        res["aim_scans_per_s"] = 300
    return res


def compare_stonesoup(n_targets: int, n_scans: int) -> dict:
    """Stone Soup's standard Kalman + GNN tracker vs ours on the same detections."""
    try:
        from amdsim.bench.stonesoup_compare import run_stonesoup
    except ImportError as exc:  # the comparison module itself is optional
        return {"skipped": str(exc)}
    scans, truth = simulate_scans(n_targets, n_scans, seed=1)
    try:
        theirs = run_stonesoup(scans, truth, sigma=SIGMA_M, ospa_from_scan=OSPA_FROM_SCAN)
    except ImportError as exc:
        return {"skipped": str(exc)}
    ours = track_scans(scans, truth)
    jpda = track_scans(scans, truth, association="jpda")
    return {"targets": n_targets, "scans": n_scans, "amdsim": ours, "amdsim_jpda": jpda, "stonesoup": theirs,
            "speed_ratio": round(ours["scans_per_s"] / max(theirs["scans_per_s"], 1e-9), 1),
            "ospa_difference_m": round(ours["mean_ospa_m"] - theirs["mean_ospa_m"], 2),
            "ospa_at_least_as_good": ours["mean_ospa_m"] <= theirs["mean_ospa_m"],
            "jpda_ospa_at_least_as_good": jpda["mean_ospa_m"] <= theirs["mean_ospa_m"]}


def run(quick: bool = False) -> dict:
    scans = 60 if quick else 300
    track_scans(*simulate_scans(20, 15), association="jpda", motion="imm")     # compile the kernels
    track_scans(*simulate_scans(20, 15))
    cases = [run_case(50, scans), run_case(200, scans), run_case(200, scans, association="jpda"),
             run_case(200, scans, motion="imm"), run_case(200, scans, motion="imm", association="jpda")]
    out = {"cases": cases}
    if not quick:
        out["stonesoup"] = [compare_stonesoup(50, 100), compare_stonesoup(200, 30)]
    return out
