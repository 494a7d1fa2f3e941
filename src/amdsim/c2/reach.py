"""Where an interceptor can reach: the one flyout-reach and feasibility model C2 plans with.

The interceptor flies straight, boosting then coasting against quadratic drag (closed form in
:func:`flyout_distance`); the predicted intercept point is the first time the track, flown at
constant velocity, is inside that reach; a shot is feasible when the intercept lies inside the
interceptor type's range, altitude and time-of-flight envelope, and C2's Pk estimate falls off
towards the edge of the range envelope.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from amdsim.c2.reasons import Why
from amdsim.core.geodesy_compiled import ellipsoid_height
from amdsim.world.picture import Picture
from amdsim.world.state import World
from amdsim.world.tables import CompiledScenario

WHY_TIME_OF_FLIGHT = int(Why.TIME_OF_FLIGHT)
WHY_OUT_OF_RANGE = int(Why.OUT_OF_RANGE)
WHY_ALTITUDE = int(Why.ALTITUDE)


def flyout_distance(tau, launch_speed, boost_accel, boost_time, drag_coeff):
    """Distance (m) an interceptor covers in ``tau`` seconds, flying straight.

    Boost: dv/dt = a - k v^2, so v = v_T tanh(c + t sqrt(ak)) with v_T = sqrt(a/k),
    c = artanh(v0/v_T), and d = ln(cosh(c + t sqrt(ak)) / cosh(c)) / k. Coast: dv/dt = -k v^2, so
    d = ln(1 + k v_b t) / k from the burnout speed v_b. Broadcasts over arrays.
    """
    return np.vectorize(_flyout_distance, otypes=[float])(tau, launch_speed, boost_accel, boost_time, drag_coeff)


@njit(cache=True)
def _flyout_distance(tau, v0, a, tb, k):
    t1 = min(tau, tb)
    tc = max(tau - tb, 0.0)
    if k <= 1e-12:
        vb = v0 + a * tb
        return v0 * t1 + 0.5 * a * t1 * t1 + vb * tc
    vt = np.sqrt(a / k)
    c = np.arctanh(min(v0 / vt, 0.999999))
    s = np.sqrt(a * k)
    d = np.log(np.cosh(c + t1 * s) / np.cosh(c)) / k
    vb = vt * np.tanh(c + tb * s)
    return d + np.log1p(k * vb * tc) / k


@njit(cache=True)
def _reach_gap(rel, vel, k, m, tau, v0, a, tb, drag):
    """Distance from the interceptor's reach to the track at time ``tau`` (m); <= 0 means reachable."""
    x = rel[k, m, 0] + vel[m, 0] * tau
    y = rel[k, m, 1] + vel[m, 1] * tau
    z = rel[k, m, 2] + vel[m, 2] * tau
    return np.sqrt(x * x + y * y + z * z) - _flyout_distance(tau, v0, a, tb, drag)


@njit(cache=True)
def intercept_times(rel, vel, launch_speed, boost_accel, boost_time, drag_coeff, max_tof):  # pragma: no cover
    """(K,M) first time tau (s) at which the interceptor of shooter k can reach track m, inf if none
    within ``max_tof``: the first root of |rel + v tau| = d(tau), by a coarse scan then bisection.

    rel : (K,M,3) track position relative to the shooter (m); vel : (M,3) track velocity (m/s);
    the flyout parameters are (K,) arrays per shooter.
    """
    n_k, n_m = rel.shape[0], rel.shape[1]
    out = np.full((n_k, n_m), np.inf)
    n_scan = 32
    for k in range(n_k):
        v0, a, tb, drag = launch_speed[k], boost_accel[k], boost_time[k], drag_coeff[k]
        for m in range(n_m):
            lo = 0.0
            for i in range(1, n_scan + 1):
                hi = max_tof[k] * i / n_scan
                if _reach_gap(rel, vel, k, m, hi, v0, a, tb, drag) <= 0.0:
                    for _ in range(30):
                        mid = 0.5 * (lo + hi)
                        if _reach_gap(rel, vel, k, m, mid, v0, a, tb, drag) <= 0.0:
                            hi = mid
                        else:
                            lo = mid
                    out[k, m] = hi
                    break
                lo = hi
    return out


def engagement_pk(w: World, cs: CompiledScenario, shooters: np.ndarray, pic: Picture):
    """(K,M) estimated single-shot Pk (0 where infeasible), (K,M,3) predicted intercept points, (K,M)
    times of flight to them (s, inf if none) and (K,M) int8 :class:`~amdsim.c2.reasons.Why` codes of the
    envelope (FEASIBLE, TIME_OF_FLIGHT, OUT_OF_RANGE or ALTITUDE).

    The intercept time is the first root of |p + v tau - s| = d(tau) (constant-velocity target,
    :func:`flyout_distance` for the interceptor). Feasible when the intercept lies inside the
    envelope: range and altitude (above the ellipsoid) limits and the time of flight. The Pk estimate
    is the interceptor's Pk_max, degraded towards the edge of the range envelope.
    """
    sh = cs.shooters
    it = cs.itypes
    ty = sh.itype[shooters]
    spos = np.ascontiguousarray(w.pos[sh.host[shooters]])                           # (K,3)
    pk = np.zeros((shooters.size, pic.n))
    pip = np.zeros((shooters.size, pic.n, 3))
    tau = np.full((shooters.size, pic.n), np.inf)
    why = np.zeros((shooters.size, pic.n), np.int8)
    _engagement_kernel(spos, np.ascontiguousarray(pic.pos), np.ascontiguousarray(pic.vel), it.launch_speed[ty],
                       it.boost_accel[ty], it.boost_time[ty], it.drag_coeff[ty], it.max_tof[ty], it.min_range[ty],
                       it.max_range[ty], it.min_alt[ty], it.max_alt[ty], it.pk_max[ty], pk, pip, tau, why)
    return pk, pip, tau, why


@njit(cache=True)
def _engagement_kernel(spos, tpos, tvel, v0, acc, tb, drag, max_tof, rmin, rmax, amin, amax, pk_max,
                       pk, pip, tau_out, why):  # pragma: no cover - compiled
    n_scan = 32
    for k in range(spos.shape[0]):
        for m in range(tpos.shape[0]):
            rel = np.empty((1, 1, 3))
            for j in range(3):
                rel[0, 0, j] = tpos[m, j] - spos[k, j]
            vel = tvel[m:m + 1]
            # first reachable time: coarse scan then bisection (as intercept_times)
            tau = np.inf
            lo = 0.0
            for i in range(1, n_scan + 1):
                hi = max_tof[k] * i / n_scan
                if _reach_gap(rel, vel, 0, 0, hi, v0[k], acc[k], tb[k], drag[k]) <= 0.0:
                    for _ in range(30):
                        mid = 0.5 * (lo + hi)
                        if _reach_gap(rel, vel, 0, 0, mid, v0[k], acc[k], tb[k], drag[k]) <= 0.0:
                            hi = mid
                        else:
                            lo = mid
                    tau = hi
                    break
                lo = hi
            if not np.isfinite(tau):
                for j in range(3):
                    pip[k, m, j] = tpos[m, j]
                why[k, m] = WHY_TIME_OF_FLIGHT
                continue
            tau_out[k, m] = tau
            for j in range(3):
                pip[k, m, j] = tpos[m, j] + tvel[m, j] * tau
            dx, dy, dz = pip[k, m, 0] - spos[k, 0], pip[k, m, 1] - spos[k, 1], pip[k, m, 2] - spos[k, 2]
            rng = np.sqrt(dx * dx + dy * dy + dz * dz)
            alt = ellipsoid_height(pip[k, m, 0], pip[k, m, 1], pip[k, m, 2])
            if not rmin[k] <= rng <= rmax[k]:
                why[k, m] = WHY_OUT_OF_RANGE
            elif not amin[k] * 0.5 <= alt <= amax[k]:
                why[k, m] = WHY_ALTITUDE
            else:
                edge = min(max(1.0 - (rng / rmax[k]) ** 4, 0.2), 1.0)
                pk[k, m] = pk_max[k] * edge
