"""Kinematic classification of tracks: ballistic missile, cruise missile or aircraft.

Rules (notional, from kinematics only; first rule that applies; thresholds in
``core/constants.py``):

1. ballistic: height above ``BALLISTIC_MIN_ALT_M`` (above any air-breather), or a measured
   acceleration within ``FREE_FALL_TOLERANCE_G`` of local gravity (free flight) while faster than
   ``BALLISTIC_MIN_SPEED_MPS``, or faster than ``BALLISTIC_ALWAYS_SPEED_MPS``, or faster than
   ``BALLISTIC_MIN_SPEED_MPS`` with a flight-path angle steeper than ``BALLISTIC_MIN_GAMMA_RAD``;
2. cruise missile: below ``CRUISE_MAX_ALT_M`` and faster than ``CRUISE_MIN_SPEED_MPS``;
3. aircraft: everything else.

The tracker uses it to decide which tracks get ballistic launch/impact estimates, C2's threat
evaluation to choose the approach model.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from amdsim.core.constants import (
    BALLISTIC_ALWAYS_SPEED_MPS,
    BALLISTIC_MIN_ALT_M,
    BALLISTIC_MIN_GAMMA_RAD,
    BALLISTIC_MIN_SPEED_MPS,
    CRUISE_MAX_ALT_M,
    CRUISE_MIN_SPEED_MPS,
    FREE_FALL_TOLERANCE_G,
)
from amdsim.core.geodesy import EARTH_MU, G0
from amdsim.core.geodesy_compiled import ellipsoid_height
from amdsim.core.kinds import MoverKind

CRUISE = int(MoverKind.CRUISE_MISSILE)
BALLISTIC = int(MoverKind.BALLISTIC_MISSILE)
AIRCRAFT = int(MoverKind.AIRCRAFT)


def gravity_ecef(pos):
    """Point-mass gravity ``-mu r / |r|^3`` (m/s^2) at ECEF positions of shape (..., 3)."""
    r = np.linalg.norm(pos, axis=-1, keepdims=True)
    return -EARTH_MU * pos / r**3


def threat_classify(pos, vel, acc=None):
    """Classify tracks as ballistic, cruise missile or aircraft from kinematics (rules in module docstring).

    Parameters
    ----------
    pos : ndarray, shape (n, 3)
        Track positions, ECEF (m).
    vel : ndarray, shape (n, 3)
        Track velocities, ECEF (m/s).
    acc : ndarray, shape (n, 3), optional
        Track accelerations, ECEF (m/s^2); without it the free-flight test is skipped.

    Returns
    -------
    ndarray, shape (n,), int64
        MoverKind codes.
    """
    pos = np.ascontiguousarray(pos, dtype=np.float64).reshape(-1, 3)
    vel = np.ascontiguousarray(vel, dtype=np.float64).reshape(-1, 3)
    free = np.zeros(pos.shape[0], np.bool_)
    if acc is not None:
        acc = np.asarray(acc, dtype=np.float64).reshape(-1, 3)
        free = np.linalg.norm(acc - gravity_ecef(pos), axis=1) < FREE_FALL_TOLERANCE_G * G0
    out = np.empty(pos.shape[0], np.int64)
    _classify_kernel(pos, vel, free, out)
    return out


@njit(cache=True)
def _classify_kernel(pos, vel, free, out):  # pragma: no cover - compiled
    """Rules 1-3 of the module docstring; ``free`` (n,) bool marks tracks measured in free fall."""
    for i in range(pos.shape[0]):
        alt = ellipsoid_height(pos[i, 0], pos[i, 1], pos[i, 2])
        sp = np.sqrt(vel[i, 0] ** 2 + vel[i, 1] ** 2 + vel[i, 2] ** 2)
        r = np.sqrt(pos[i, 0] ** 2 + pos[i, 1] ** 2 + pos[i, 2] ** 2)
        climb = (vel[i, 0] * pos[i, 0] + vel[i, 1] * pos[i, 1] + vel[i, 2] * pos[i, 2]) / r
        gamma = np.arcsin(min(max(climb / max(sp, 1e-9), -1.0), 1.0))
        if (alt > BALLISTIC_MIN_ALT_M or sp > BALLISTIC_ALWAYS_SPEED_MPS
                or (sp > BALLISTIC_MIN_SPEED_MPS and (free[i] or abs(gamma) > BALLISTIC_MIN_GAMMA_RAD))):
            out[i] = BALLISTIC
        elif alt < CRUISE_MAX_ALT_M and sp > CRUISE_MIN_SPEED_MPS:
            out[i] = CRUISE
        else:
            out[i] = AIRCRAFT
