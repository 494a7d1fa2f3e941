"""Ballistic flight from burnout: point-mass gravity and optional drag, RK4 sub-stepped.

The burnout state that reaches the aim point (free-flight range equation, minimum-energy, lofted
and depressed trajectories) is computed at compile time by ``core/kepler.py``; this module flies it.
Earth rotation is neglected (docs/architecture.md).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from amdsim.core.geodesy import EARTH_MU

#: Sea-level air density (kg/m^3) and scale height (m) of the exponential atmosphere used for drag.
RHO0 = 1.225
SCALE_HEIGHT = 7200.0










def gravity_drag_accel(pos, vel, ballistic_coeff, mu: float = EARTH_MU):
    """Acceleration (m/s^2), shape (N,3): point-mass gravity plus drag in an exponential atmosphere.

    Drag deceleration is rho v^2 / (2 beta) opposite the velocity, beta the ballistic coefficient
    (kg/m^2); ``inf`` means no drag.
    """
    r = np.linalg.norm(pos, axis=-1, keepdims=True)
    acc = -mu * pos / r**3
    beta = np.asarray(ballistic_coeff, float)[..., None]
    has_drag = np.isfinite(beta)
    if np.any(has_drag):
        h = r - 6_371_008.8
        rho = RHO0 * np.exp(-np.clip(h, 0.0, None) / SCALE_HEIGHT)
        speed = np.linalg.norm(vel, axis=-1, keepdims=True)
        drag = np.where(has_drag, -rho * speed * vel / (2.0 * np.where(has_drag, beta, 1.0)), 0.0)
        acc = acc + drag
    return acc


def propagate_ballistic(pos, vel, ballistic_coeff, dt: float, max_substep: float = 0.25):
    """Advance ballistic states (N,3) by ``dt`` seconds with classical RK4 sub-steps of at most
    ``max_substep`` seconds (gravity and drag as in :func:`gravity_drag_accel`)."""
    p = np.array(pos, float, copy=True).reshape(-1, 3)
    v = np.array(vel, float, copy=True).reshape(-1, 3)
    n_sub = max(1, int(np.ceil(dt / max_substep)))
    _rk4_kernel(p, v, np.asarray(ballistic_coeff, float).reshape(-1), dt / n_sub, n_sub, EARTH_MU)
    return p, v


@njit(cache=True)
def _accel(p, v, beta, mu, out):  # pragma: no cover - compiled
    r = np.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2])
    g = -mu / (r * r * r)
    out[0], out[1], out[2] = g * p[0], g * p[1], g * p[2]
    if np.isfinite(beta):
        h = max(r - 6_371_008.8, 0.0)
        rho = RHO0 * np.exp(-h / SCALE_HEIGHT)
        sp = np.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
        k = -rho * sp / (2.0 * beta)
        out[0] += k * v[0]
        out[1] += k * v[1]
        out[2] += k * v[2]


@njit(cache=True)
def _rk4_kernel(p, v, beta, h, n_sub, mu):  # pragma: no cover - compiled
    a1 = np.empty(3)
    a2 = np.empty(3)
    a3 = np.empty(3)
    a4 = np.empty(3)
    p2 = np.empty(3)
    v2 = np.empty(3)
    p3 = np.empty(3)
    v3 = np.empty(3)
    p4 = np.empty(3)
    v4 = np.empty(3)
    for i in range(p.shape[0]):
        for _ in range(n_sub):
            _accel(p[i], v[i], beta[i], mu, a1)
            for j in range(3):
                p2[j] = p[i, j] + 0.5 * h * v[i, j]
                v2[j] = v[i, j] + 0.5 * h * a1[j]
            _accel(p2, v2, beta[i], mu, a2)
            for j in range(3):
                p3[j] = p[i, j] + 0.5 * h * v2[j]
                v3[j] = v[i, j] + 0.5 * h * a2[j]
            _accel(p3, v3, beta[i], mu, a3)
            for j in range(3):
                p4[j] = p[i, j] + h * v3[j]
                v4[j] = v[i, j] + h * a3[j]
            _accel(p4, v4, beta[i], mu, a4)
            for j in range(3):
                p[i, j] += h / 6.0 * (v[i, j] + 2 * v2[j] + 2 * v3[j] + v4[j])
                v[i, j] += h / 6.0 * (a1[j] + 2 * a2[j] + 2 * a3[j] + a4[j])
