"""Drive the flyout kernel directly in Zarchan's planar homing geometry, far from any earth effect.

The interceptor starts at ``P0`` flying along +y (rotated by the heading error towards +z), the
target ``V_c t_F`` ahead, flying towards it at ``vt``; a step target manoeuvre ``nT`` (m/s^2) acts
along +z, normal to the initial line of sight (Zarchan, Tactical and Strategic Missile Guidance,
6th ed., ch. 2, the engagement model of the linear analysis). Gravity is off (``GRAVITY_NONE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from amdsim.core.constants import FLYOUT_STATE_WIDTH
from amdsim.engage.flyout import CPA, EXPIRED, FRESH, GRAVITY_NONE, PN, pn_flyout

P0 = np.array([6.5e6, 0.0, 0.0])
E_LOS = np.array([0.0, 1.0, 0.0])
E_LAT = np.array([0.0, 0.0, 1.0])


@dataclass
class Shot:
    miss: float
    t_cpa: float
    status: int
    t_acq: float = np.nan
    r_acq: float = np.nan
    locks_lost: int = 0
    lock: int = FRESH
    # (t, achieved lateral acceleration (3,), interceptor position, velocity, target position) at step ends
    history: list = field(default_factory=list)


def engage(tf: float, T: float, order: int, N: float = 3.0, nT: float = 0.0, he: float = 0.0, vm: float = 3000.0,
           vt: float = 1000.0, dt: float = 0.5, law: int = PN, amax: float = 1e6, angle_sigma: float = 0.0,
           glint: float = 0.0, rng: np.random.Generator | None = None, upd: float = 0.01,
           gimbal: float = np.pi / 2, seeker_range: float = 1e9, aim_offset=(0.0, 0.0, 0.0),
           max_time: float | None = None) -> Shot:
    """Fly one engagement of flight time ``tf`` (s) to its closest approach (see the module docstring).

    ``T`` (s) and ``order``: the binomial guidance system; ``he`` heading error (rad); ``aim_offset`` (m)
    the midcourse aim point's error, flown until the seeker (``seeker_range`` m, ``gimbal`` rad) acquires.
    """
    r0 = (vm + vt) * tf
    tp = P0 + r0 * E_LOS
    tv = -vt * E_LOS
    ta = nT * E_LAT
    off = np.asarray(aim_offset, float)

    def target(t):
        return tp + tv * t + 0.5 * ta * t * t, tv + ta * t

    pm = P0[None].copy()
    vmv = (vm * (np.cos(he) * E_LOS + np.sin(he) * E_LAT))[None].copy()
    tof = np.zeros(1)
    ctrl = np.zeros((1, FLYOUT_STATE_WIDTH))
    lock = np.full(1, FRESH, np.int8)
    one = np.ones(1)
    t = 0.0
    shot = Shot(np.nan, np.nan, 0)
    t_end = max_time if max_time is not None else 3.0 * tf + 10.0
    while t < t_end:
        p0, v0 = target(t)
        p1, v1 = target(t + dt)
        if rng is not None:
            noise = rng.standard_normal((1, int(np.ceil(dt / upd - 1e-9)) + 1, 6))
        else:
            noise = np.zeros((1, 0, 6))
        st, ms, te, tacq, racq, nlost, acc = pn_flyout(
            pm, vmv, tof, ctrl, lock, np.zeros(1), p0[None], v0[None], p1[None], v1[None], (p0 + off)[None],
            (p1 + off)[None], np.array([law], np.int64), one * N, one * T, np.array([order], np.int64), one * amax,
            one * 0.0, one * 0.0, one * 0.0, one * 1e9, one * seeker_range, one * gimbal, one * angle_sigma,
            one * glint, one * upd, noise, dt, GRAVITY_NONE)
        if np.isfinite(tacq[0]) and np.isnan(shot.t_acq):
            shot.t_acq, shot.r_acq = t + tacq[0], racq[0]
        shot.locks_lost += int(nlost[0])
        shot.lock = int(lock[0])
        if st[0] == CPA:
            shot.miss, shot.t_cpa, shot.status = float(ms[0]), t + te[0], CPA
            return shot
        if st[0] == EXPIRED:
            shot.status = EXPIRED
            return shot
        t += dt
        shot.history.append((t, acc[0].copy(), pm[0].copy(), vmv[0].copy(), target(t)[0]))
    return shot
