"""Acceleration of a free body in the earth-fixed (ECEF) frame: WGS84 gravity with J2, and the
frame terms of the rotating earth.

Engine positions and velocities are ECEF (earth-fixed, rotating with the earth at ``OMEGA_EARTH``).
A body moving freely in that frame feels, besides gravitation, the centrifugal and Coriolis
accelerations of the frame (Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed.,
sec. 3.7; Zipfel, *Modeling and Simulation of Aerospace Vehicle Dynamics*, 2nd ed., sec. 10.2):

.. math:: \\ddot{\\mathbf r} = \\mathbf g_{J2}(\\mathbf r)
          - \\boldsymbol\\omega \\times (\\boldsymbol\\omega \\times \\mathbf r)
          - 2\\, \\boldsymbol\\omega \\times \\dot{\\mathbf r},
          \\qquad \\boldsymbol\\omega = (0, 0, \\omega_E)

and the J2 zonal gravitation (Vallado eq. 8-30):

.. math:: \\mathbf g_{J2} = -\\frac{\\mu}{r^3}\\Big[x\\big(1 + \\tfrac32 J_2 \\tfrac{a^2}{r^2}(1 - 5\\tfrac{z^2}{r^2})\\big),\\;
          y\\big(\\dots\\big),\\; z\\big(1 + \\tfrac32 J_2 \\tfrac{a^2}{r^2}(3 - 5\\tfrac{z^2}{r^2})\\big)\\Big].

``rotating = False`` gives the non-rotating point-mass model the first wave used (ECEF treated as
inertial, no J2), kept for comparison (``earth.rotation: false``). The scalar functions are numba
kernels for the per-row integrators; :func:`accel` is their numpy twin (tests, compile time).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from amdsim.core.geodesy import EARTH_MU, WGS84_A

#: Earth rotation rate (rad/s), WGS84 (NIMA TR8350.2, table 3.1).
OMEGA_EARTH = 7.292115e-5
#: Second zonal harmonic of the earth's gravitation, WGS84 (NIMA TR8350.2: C20 = -4.84166774985e-4,
#: J2 = -sqrt(5) C20).
J2 = 1.08262982131e-3


@njit(cache=True)
def gravity_j2(x: float, y: float, z: float) -> tuple[float, float, float]:
    """WGS84 gravitation with J2 at ECEF ``(x, y, z)`` (m): (gx, gy, gz) in m/s^2 (module docstring)."""
    r2 = x * x + y * y + z * z
    r = np.sqrt(r2)
    k = 1.5 * J2 * WGS84_A * WGS84_A / r2
    zz = z * z / r2
    g = -EARTH_MU / (r2 * r)
    return g * x * (1.0 + k * (1.0 - 5.0 * zz)), g * y * (1.0 + k * (1.0 - 5.0 * zz)), g * z * (1.0 + k * (3.0 - 5.0 * zz))


@njit(cache=True)
def gravity_point(x: float, y: float, z: float) -> tuple[float, float, float]:
    """Point-mass gravitation -mu r / |r|^3 (m/s^2)."""
    r2 = x * x + y * y + z * z
    g = -EARTH_MU / (r2 * np.sqrt(r2))
    return g * x, g * y, g * z


@njit(cache=True)
def free_accel(x: float, y: float, z: float, vx: float, vy: float, vz: float,
               rotating: bool) -> tuple[float, float, float]:
    """Acceleration (m/s^2) in the ECEF frame of a body at ``(x, y, z)`` (m) moving at ``(vx, vy, vz)``
    (m/s, relative to the earth) under gravity alone: J2 gravitation plus centrifugal and Coriolis
    terms when ``rotating``, point-mass gravitation otherwise."""
    if not rotating:
        return gravity_point(x, y, z)
    gx, gy, gz = gravity_j2(x, y, z)
    w = OMEGA_EARTH
    # -w x (w x r) = w^2 (x, y, 0);  -2 w x v = 2 w (vy, -vx, 0)
    return gx + w * w * x + 2.0 * w * vy, gy + w * w * y - 2.0 * w * vx, gz


def accel(pos: NDArray[np.float64], vel: NDArray[np.float64], rotating: bool = True) -> NDArray[np.float64]:
    """(N,3) numpy twin of :func:`free_accel` over (N,3) ECEF positions (m) and velocities (m/s)."""
    pos = np.asarray(pos, float)
    vel = np.asarray(vel, float)
    x, y, z = pos[..., 0], pos[..., 1], pos[..., 2]
    r2 = np.sum(pos * pos, axis=-1)
    r = np.sqrt(r2)
    g = -EARTH_MU / (r2 * r)
    if not rotating:
        point: NDArray[np.float64] = g[..., None] * pos
        return point
    k = 1.5 * J2 * WGS84_A ** 2 / r2
    zz = z * z / r2
    out = np.stack([g * x * (1 + k * (1 - 5 * zz)), g * y * (1 + k * (1 - 5 * zz)), g * z * (1 + k * (3 - 5 * zz))],
                   axis=-1)
    w = OMEGA_EARTH
    out[..., 0] += w * w * x + 2 * w * vel[..., 1]
    out[..., 1] += w * w * y - 2 * w * vel[..., 0]
    return out
