"""Sensors benchmark: radar x target evaluations per second, 50 radars x 500 targets, one core.

One evaluation is line of sight over the 4/3 earth, slant range, azimuth/elevation, field of regard,
SNR from the range equation with sea multipath, and Pd (Swerling tables). The scene is a notional
theatre (radars on the ground, on masts and in the air; targets from sea-skimming to 15 km), so
the early rejections (range window, horizon) are exercised as they are in a run. Aim: >= 20 million
evaluations per second. Also timed: the same work composed from the numpy reference functions.
"""

from __future__ import annotations

import time

import numpy as np

from amdsim.bench import median_time


def _scene(n_s: int, n_t: int, seed: int = 0):
    from amdsim.core.geodesy import geodetic2ecef
    from amdsim.sensors import RadarParams

    g = np.random.default_rng(seed)
    radar_alt = np.where(g.random(n_s) < 0.2, g.uniform(8000, 10000, n_s), g.uniform(10, 40, n_s))
    radars = geodetic2ecef(np.radians(g.uniform(30, 38, n_s)), np.radians(g.uniform(30, 40, n_s)), radar_alt)
    targets = geodetic2ecef(np.radians(g.uniform(29, 39, n_t)), np.radians(g.uniform(29, 41, n_t)),
                            np.where(g.random(n_t) < 0.5, g.uniform(10, 50, n_t), g.uniform(50, 15000, n_t)))
    params = RadarParams(ref_range=g.uniform(100e3, 450e3, n_s), ref_rcs=1.0, ref_snr_db=13.0, pfa=1e-6,
                         n_pulses=g.integers(1, 4, n_s), swerling=g.integers(0, 4, n_s), wavelength=0.1,
                         az_center=g.uniform(-np.pi, np.pi, n_s),
                         az_width=np.where(g.random(n_s) < 0.7, 2 * np.pi, np.radians(120.0)),
                         el_min=-0.2, el_max=1.2, min_range=1e3, max_range=500e3, multipath=True)
    rcs = g.uniform(0.05, 5.0, n_t)
    return radars, targets, params, rcs


def run(quick: bool = False) -> dict:
    from amdsim.core.geodesy import ecef2geodetic
    from amdsim.sensors import (
        ecef2rae,
        evaluate_pairs,
        field_of_regard_mask,
        line_of_sight_clear,
        multipath_loss_db,
        pd_exact,
        snr_reference,
    )

    n_s, n_t = 50, 500
    radars, targets, params, rcs = _scene(n_s, n_t)
    t0 = time.perf_counter()
    params.tables()
    table_s = time.perf_counter() - t0
    reps = 30 if quick else 300
    out = evaluate_pairs(radars, targets, rcs, params)
    geo = ecef2geodetic(radars)
    h_t = ecef2geodetic(targets)[2]
    fused = median_time(lambda: evaluate_pairs(radars, targets, rcs, params, out=out), reps)
    fused_pre = median_time(lambda: evaluate_pairs(radars, targets, rcs, params, radar_geodetic=geo, target_alt=h_t,
                                             out=out), reps)

    def composed():
        los = line_of_sight_clear(radars, targets)
        pol = ecef2rae(targets, radars)
        fov = field_of_regard_mask(pol.range, pol.azimuth, pol.elevation, params.az_center, params.az_width,
                                   params.el_min, params.el_max, params.min_range, params.max_range)
        snr_db = (10 * np.log10(snr_reference(pol.range, rcs, params.ref_range, params.ref_rcs,
                                              10 ** (params.ref_snr_db / 10)))
                  - multipath_loss_db(geo[2][:, None], h_t[None, :], pol.range, params.wavelength[:, None]))
        return np.where(los.clear & fov, pd_exact(10 ** (snr_db / 10), params.pfa[:, None],
                                                  params.n_pulses[:, None], params.swerling[:, None]), 0.0)

    numpy_ref = median_time(composed, max(3, reps // 30))
    # Worst case: a dense cluster where (nearly) every pair survives to the SNR and Pd stages.
    from amdsim.core.geodesy import geodetic2ecef

    g = np.random.default_rng(1)
    d_radars = geodetic2ecef(np.radians(g.uniform(35, 35.5, n_s)), np.radians(g.uniform(35, 35.5, n_s)),
                             g.uniform(10, 40, n_s))
    d_targets = geodetic2ecef(np.radians(g.uniform(34.5, 36, n_t)), np.radians(g.uniform(34.5, 36, n_t)),
                              g.uniform(2000, 10000, n_t))
    d_out = evaluate_pairs(d_radars, d_targets, rcs, params)
    dense = median_time(lambda: evaluate_pairs(d_radars, d_targets, rcs, params, out=d_out), reps)
    dense_no_angles = median_time(lambda: evaluate_pairs(d_radars, d_targets, rcs, params, out=d_out, with_angles=False),
                            reps)
    no_angles = median_time(lambda: evaluate_pairs(radars, targets, rcs, params, out=out, with_angles=False), reps)
    pairs = n_s * n_t
    return {
        "radars": n_s,
        "targets": n_t,
        "pairs": pairs,
        "visible_fraction": round(float(out.visible.mean()), 4),
        "mean_pd": round(float(out.pd.mean()), 4),
        "pd_tables_build_s": round(table_s, 4),
        "fused_ms_per_scan": round(1e3 * fused, 4),
        "fused_evals_per_s": round(pairs / fused),
        "fused_pregeodetic_ms_per_scan": round(1e3 * fused_pre, 4),
        "fused_pregeodetic_evals_per_s": round(pairs / fused_pre),
        "dense_visible_fraction": round(float(d_out.visible.mean()), 4),
        "dense_fused_evals_per_s": round(pairs / dense),
        "dense_fused_no_angles_evals_per_s": round(pairs / dense_no_angles),
        "fused_no_angles_evals_per_s": round(pairs / no_angles),
        "numpy_composed_ms_per_scan": round(1e3 * numpy_ref, 3),
        "numpy_composed_evals_per_s": round(pairs / numpy_ref),
        "target_evals_per_s": 20_000_000,
        "repetitions": reps,
    }
