"""Threat evaluation over tracks x defended assets: type, time to go, predicted miss, value, ranking.

All positions ECEF (m), velocities ECEF (m/s), accelerations ECEF (m/s^2); Earth rotation neglected
(docs/architecture.md). Kind codes are ``amdsim.core.kinds.MoverKind`` values (2 cruise missile,
3 ballistic missile, 4 aircraft).

Each track is first classified from its kinematics (ballistic missile, cruise missile or aircraft:
``tracking/classify.py``, thresholds in ``core/constants.py``).

Predicted approach to each asset:
- air-breathing (cruise, aircraft): straight line, closest point of approach
  ``t_cpa = max(0, -r.v / |v|^2)``, miss ``|r + v t_cpa|`` (r from asset to track);
- ballistic: gravity-only free flight (point-mass Earth, no drag) integrated with RK4 to the
  ellipsoid surface; time to go is the impact time and the miss the distance from impact point to
  the asset.

Likelihood that the track threatens the asset (documented function of miss m against the asset
radius R): ``L = 1`` for m <= R, ``L = exp(-((m - R) / R)^2 / 2)`` beyond (one radius outside the
asset: 0.61, two radii: 0.14). Threat value of a (track, asset) pair = asset value x L; a track's
threat value is its largest pair value, and tracks are ranked by it (ties: shorter time to go first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from amdsim.core.geodesy import G0, ecef2geodetic
from amdsim.core.geodesy_compiled import ellipsoid_height
from amdsim.core.gravity import free_accel
from amdsim.core.kinds import MoverKind
from amdsim.tracking.classify import threat_classify

CRUISE = int(MoverKind.CRUISE_MISSILE)
BALLISTIC = int(MoverKind.BALLISTIC_MISSILE)
AIRCRAFT = int(MoverKind.AIRCRAFT)


@dataclass
class ThreatList:
    """Threat evaluation result for n tracks against m assets.

    Attributes
    ----------
    kind : ndarray, shape (n,), int
        Classified kind code per track.
    time_to_go : ndarray, shape (n, m)
        Time to closest approach or impact (s).
    miss : ndarray, shape (n, m)
        Predicted miss distance from the asset (m).
    likelihood : ndarray, shape (n, m)
        Likelihood the track threatens the asset, in [0, 1].
    value : ndarray, shape (n, m)
        Asset value x likelihood.
    threat : ndarray, shape (n,)
        Threat value of each track (its largest pair value).
    asset : ndarray, shape (n,), int
        Index of the asset most threatened by each track.
    ranking : ndarray, shape (n,), int
        Track indices from most to least threatening.
    impact : ndarray, shape (n, 3)
        Predicted impact point of ballistic tracks, ECEF (m); NaN for air-breathers.
    """

    kind: np.ndarray
    time_to_go: np.ndarray
    miss: np.ndarray
    likelihood: np.ndarray
    value: np.ndarray
    threat: np.ndarray
    asset: np.ndarray
    ranking: np.ndarray
    impact: np.ndarray






def ballistic_impact(pos, vel, max_time=3600.0, n_steps=400, rotating=True):
    """Gravity-only impact prediction: free flight to the WGS84 surface under the engine's model of
    free flight (``core/gravity.free_accel``: J2 gravitation and the rotating frame's terms when
    ``rotating``, the scenario's ``earth.rotation``; point-mass gravity otherwise).

    RK4 on all tracks at once with a per-track step chosen from the flat-earth time of fall
    (``h + vz t - g t^2 / 2 = 0``, times 1.5), the surface crossing found by linear interpolation
    of height within the last step.

    Parameters
    ----------
    pos : ndarray, shape (n, 3)
        Positions, ECEF (m).
    vel : ndarray, shape (n, 3)
        Velocities, ECEF (m/s).
    max_time : float
        Longest prediction (s).
    n_steps : int
        RK4 steps per track.

    Returns
    -------
    t_impact : ndarray, shape (n,)
        Time to impact (s); NaN when no impact within ``max_time``.
    impact : ndarray, shape (n, 3)
        Impact point, ECEF (m); NaN where ``t_impact`` is NaN.
    """
    x = np.asarray(pos, dtype=np.float64).reshape(-1, 3).copy()
    v = np.asarray(vel, dtype=np.float64).reshape(-1, 3).copy()
    n = x.shape[0]
    _, _, h = ecef2geodetic(x)
    up = x / np.linalg.norm(x, axis=1, keepdims=True)
    vz = np.einsum("ij,ij->i", v, up)
    t_fall = (vz + np.sqrt(vz * vz + 2.0 * G0 * np.maximum(h, 0.0))) / G0
    dt = (np.minimum(1.5 * t_fall + 1.0, max_time) / n_steps)[:, None]
    t_imp = np.full(n, np.nan)
    imp = np.full((n, 3), np.nan)
    done = h <= 0.0
    t_imp[done] = 0.0
    imp[done] = x[done]
    _impact_kernel(x, v, h, dt[:, 0], n_steps, done, t_imp, imp, bool(rotating))
    return t_imp, imp


def threat_likelihood(miss, radius):
    """Likelihood that a track with predicted miss ``miss`` threatens an asset of radius ``radius``.

    ``1`` inside the radius, ``exp(-((miss - R) / R)^2 / 2)`` outside; both in metres, broadcasting.
    """
    r = np.maximum(np.asarray(radius, dtype=np.float64), 1.0)
    out = np.maximum(np.asarray(miss, dtype=np.float64) - r, 0.0) / r
    return np.where(np.isfinite(out), np.exp(-0.5 * out * out), 0.0)


def threat_evaluate(pos, vel, asset_pos, asset_value, asset_radius, acc=None, kind=None, rotating=True):
    """Classify, predict the approach to each asset, value and rank the tracks.

    Parameters
    ----------
    pos, vel : ndarray, shape (n, 3)
        Track positions (m) and velocities (m/s), ECEF.
    asset_pos : ndarray, shape (m, 3)
        Defended asset positions, ECEF (m).
    asset_value : ndarray, shape (m,)
        Asset values (any consistent unit).
    asset_radius : ndarray, shape (m,)
        Asset radii (m).
    acc : ndarray, shape (n, 3), optional
        Track accelerations (m/s^2) for the free-flight test.
    kind : ndarray, shape (n,), optional
        Known kind codes (skips the classification).

    Returns
    -------
    ThreatList
    """
    pos = np.asarray(pos, dtype=np.float64).reshape(-1, 3)
    vel = np.asarray(vel, dtype=np.float64).reshape(-1, 3)
    ap = np.asarray(asset_pos, dtype=np.float64).reshape(-1, 3)
    av = np.asarray(asset_value, dtype=np.float64).reshape(-1)
    k = threat_classify(pos, vel, acc) if kind is None else np.asarray(kind, dtype=np.int64).reshape(-1)
    # air-breathing: straight-line CPA
    r = pos[:, None, :] - ap[None, :, :]  # (n, m, 3)
    vv = np.einsum("ij,ij->i", vel, vel)[:, None]
    t_cpa = np.maximum(0.0, -np.einsum("nmk,nk->nm", r, vel) / np.maximum(vv, 1e-12))
    miss = np.linalg.norm(r + vel[:, None, :] * t_cpa[:, :, None], axis=-1)
    ttg = t_cpa
    # ballistic: gravity-only impact point
    impact = np.full(pos.shape, np.nan)
    is_b = k == BALLISTIC
    if np.any(is_b):
        t_imp, impact_b = ballistic_impact(pos[is_b], vel[is_b], rotating=rotating)
        impact[is_b] = impact_b
        ttg = ttg.copy()
        ttg[is_b] = t_imp[:, None]
        miss = miss.copy()
        miss[is_b] = np.linalg.norm(impact_b[:, None, :] - ap[None, :, :], axis=-1)
    like = threat_likelihood(miss, np.asarray(asset_radius, dtype=np.float64)[None, :])
    value = av[None, :] * like
    if ap.shape[0]:
        asset = np.argmax(value, axis=1)
        threat = value[np.arange(pos.shape[0]), asset]
        ttg_best = ttg[np.arange(pos.shape[0]), asset]
    else:
        asset = np.full(pos.shape[0], -1)
        threat = np.zeros(pos.shape[0])
        ttg_best = np.zeros(pos.shape[0])
    ranking = np.lexsort((np.nan_to_num(ttg_best, nan=np.inf), -threat))
    return ThreatList(k, ttg, miss, like, value, threat, asset, ranking, impact)




@njit(cache=True)
def _impact_kernel(x, v, h, dt, n_steps, done, t_imp, imp, rotating):  # pragma: no cover - compiled
    """RK4 of free flight (``free_accel``) per track until the height changes sign (in place)."""
    for i in range(x.shape[0]):
        if done[i]:
            continue
        px, py, pz = x[i, 0], x[i, 1], x[i, 2]
        vx, vy, vz = v[i, 0], v[i, 1], v[i, 2]
        hh = h[i]
        s = dt[i]
        for k in range(n_steps):
            # four stages of classical RK4 for r'' = free_accel(r, r')
            a1x, a1y, a1z = free_accel(px, py, pz, vx, vy, vz, rotating)
            qx, qy, qz = px + 0.5 * s * vx, py + 0.5 * s * vy, pz + 0.5 * s * vz
            ux, uy, uz = vx + 0.5 * s * a1x, vy + 0.5 * s * a1y, vz + 0.5 * s * a1z
            a2x, a2y, a2z = free_accel(qx, qy, qz, ux, uy, uz, rotating)
            qx, qy, qz = px + 0.5 * s * ux, py + 0.5 * s * uy, pz + 0.5 * s * uz
            wx, wy, wz = vx + 0.5 * s * a2x, vy + 0.5 * s * a2y, vz + 0.5 * s * a2z
            a3x, a3y, a3z = free_accel(qx, qy, qz, wx, wy, wz, rotating)
            qx, qy, qz = px + s * wx, py + s * wy, pz + s * wz
            zx, zy, zz = vx + s * a3x, vy + s * a3y, vz + s * a3z
            a4x, a4y, a4z = free_accel(qx, qy, qz, zx, zy, zz, rotating)
            nx = px + s / 6.0 * (vx + 2 * ux + 2 * wx + zx)
            ny = py + s / 6.0 * (vy + 2 * uy + 2 * wy + zy)
            nz = pz + s / 6.0 * (vz + 2 * uz + 2 * wz + zz)
            vx += s / 6.0 * (a1x + 2 * a2x + 2 * a3x + a4x)
            vy += s / 6.0 * (a1y + 2 * a2y + 2 * a3y + a4y)
            vz += s / 6.0 * (a1z + 2 * a2z + 2 * a3z + a4z)
            hn = ellipsoid_height(nx, ny, nz)
            if hn <= 0.0:
                f = hh / (hh - hn) if hh != hn else 1.0
                t_imp[i] = (k + f) * s
                imp[i, 0] = px + f * (nx - px)
                imp[i, 1] = py + f * (ny - py)
                imp[i, 2] = pz + f * (nz - pz)
                done[i] = True
                break
            px, py, pz, hh = nx, ny, nz, hn


def threat_values(pos, vel, asset_pos, asset_value, asset_radius, rotating=True):
    """The C2 stage's compiled path through :func:`threat_evaluate` (same rules, no acceleration input).

    Returns (kind (n,), threat value (n,), time to go to the most threatened asset (n,) s).
    """
    pos = np.ascontiguousarray(pos, dtype=np.float64).reshape(-1, 3)
    vel = np.ascontiguousarray(vel, dtype=np.float64).reshape(-1, 3)
    n = pos.shape[0]
    kind = threat_classify(pos, vel)
    is_b = kind == BALLISTIC
    impact = np.full((n, 3), np.nan)
    t_imp = np.full(n, np.nan)
    if np.any(is_b):
        t_imp[is_b], impact[is_b] = ballistic_impact(pos[is_b], vel[is_b], rotating=rotating)
    threat = np.zeros(n)
    ttg = np.zeros(n)
    _value_kernel(pos, vel, is_b, impact, t_imp, np.ascontiguousarray(asset_pos, dtype=np.float64).reshape(-1, 3),
                  np.asarray(asset_value, np.float64), np.asarray(asset_radius, np.float64), threat, ttg)
    return kind, threat, ttg




@njit(cache=True)
def _value_kernel(pos, vel, is_b, impact, t_imp, ap, av, ar, threat, ttg):  # pragma: no cover - compiled
    for i in range(pos.shape[0]):
        best = -1.0
        best_t = np.inf
        vv = max(vel[i, 0] ** 2 + vel[i, 1] ** 2 + vel[i, 2] ** 2, 1e-12)
        for j in range(ap.shape[0]):
            if is_b[i]:
                if np.isnan(t_imp[i]):
                    miss = np.inf
                    t = np.nan
                else:
                    miss = np.sqrt((impact[i, 0] - ap[j, 0]) ** 2 + (impact[i, 1] - ap[j, 1]) ** 2
                                   + (impact[i, 2] - ap[j, 2]) ** 2)
                    t = t_imp[i]
            else:
                rx, ry, rz = pos[i, 0] - ap[j, 0], pos[i, 1] - ap[j, 1], pos[i, 2] - ap[j, 2]
                t = max(0.0, -(rx * vel[i, 0] + ry * vel[i, 1] + rz * vel[i, 2]) / vv)
                cx, cy, cz = rx + vel[i, 0] * t, ry + vel[i, 1] * t, rz + vel[i, 2] * t
                miss = np.sqrt(cx * cx + cy * cy + cz * cz)
            rad = max(ar[j], 1.0)
            u = max(miss - rad, 0.0) / rad
            like = np.exp(-0.5 * u * u) if np.isfinite(u) else 0.0
            val = av[j] * like
            if val > best:
                best = val
                best_t = t
        threat[i] = max(best, 0.0)
        ttg[i] = best_t
