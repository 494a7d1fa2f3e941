"""Ballistic missiles in flight: boost, free flight, glide, impact, on the rotating earth.

The equations of motion, the RK4 kernel and the launch solution that makes each missile hit its
aim point are in ``core/ballistic_flight.py`` (compilation solves with them, so they live in
``core``); this module flies the rows of the world with that kernel, per row in compiled code, and
keeps the world's derived columns (geodetic position, heading, powered flight) up to date.
"""

from __future__ import annotations

import numpy as np

from amdsim.core.ballistic_flight import H_MAX, P_BETA, P_ROTATING, empty_params, fly_rows
from amdsim.world.state import World
from amdsim.world.tables import CompiledScenario


def propagate_ballistic(pos, vel, ballistic_coeff, dt: float, max_substep: float = H_MAX, rotating: bool = True):
    """Advance unpowered ballistic states (N,3) ECEF (m, m/s) by ``dt`` seconds: RK4 sub-steps of at
    most ``max_substep`` s; gravity (J2 with the rotating frame's terms, or point mass when not
    ``rotating``) and USSA76 drag of ballistic coefficient ``ballistic_coeff`` (N,) kg/m^2 (inf: no
    drag), no impact test. Returns new (N,3) arrays."""
    p = np.array(pos, float, copy=True).reshape(-1, 3)
    v = np.array(vel, float, copy=True).reshape(-1, 3)
    n = p.shape[0]
    prm = empty_params(n)
    prm[:, P_BETA] = np.asarray(ballistic_coeff, float).reshape(-1)
    prm[:, P_ROTATING] = 1.0 if rotating else 0.0
    hit = np.zeros(n, np.bool_)
    t_hit = np.zeros(n)
    fly_rows(np.arange(n), p, v, np.zeros(n), np.full(n, float(dt)), prm, float(max_substep), hit, t_hit)
    return p, v


def advance_ballistic(w: World, cs: CompiledScenario, rows: np.ndarray, t_new: float) -> np.ndarray:
    """Fly the ballistic rows from ``w.t`` (or their launch, if later) to ``t_new``, in place.

    Returns (R,) bool: rows whose flight ended at their aim radius inside the step (their position is
    the crossing point). ``w.is_boosting`` marks the rows still under thrust at ``t_new``."""
    bt = cs.ballistic
    assert bt is not None  # compilation builds the table whenever a ballistic row exists
    start = np.maximum(w.t, w.t_launch[rows])
    tau0 = start - w.t_launch[rows]
    duration = t_new - start
    hit = np.zeros(rows.size, np.bool_)
    t_hit = np.zeros(rows.size)
    fly_rows(rows.astype(np.int64), w.pos, w.vel, tau0, duration, bt.params, H_MAX, hit, t_hit)
    w.is_boosting[rows] = bt.has_boost[rows] & (tau0 + duration < bt.t_cutoff[rows]) & ~hit
    w.refresh_geodetic(rows)
    east = np.stack([-np.sin(w.lon[rows]), np.cos(w.lon[rows]), np.zeros(rows.size)], axis=-1)
    up = w.pos[rows] / np.linalg.norm(w.pos[rows], axis=1, keepdims=True)
    north = np.cross(up, east)
    v = w.vel[rows]
    moving = np.einsum("ij,ij->i", v, v) > 0.0
    heading = np.arctan2(np.einsum("ij,ij->i", v, east), np.einsum("ij,ij->i", v, north))
    w.heading[rows] = np.where(moving, heading, w.heading[rows])
    return hit
