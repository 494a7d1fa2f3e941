"""Physical sanity checks after each step: non-finite states, impossible speeds and interceptors
without a guidance solution stop the run with a :class:`SimulationError` naming the mover and time.

Checked rows are those in the world during the step: active now, or ended inside the step (an
interceptor that expired or a threat that impacted this step must not carry a NaN out unseen).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from amdsim.core.constants import MAX_SPEED_MPS
from amdsim.core.errors import SimulationError
from amdsim.core.kinds import INTERCEPTOR_BEHAVIOR

MAX_SPEED = MAX_SPEED_MPS
#: Slack on the distance covered in one step (m), for rounding in the ECEF <-> geodetic round trip.
DISPLACEMENT_SLACK_M = 1.0


def check_world(r) -> None:
    """Raise :class:`SimulationError` if any mover of replication ``r`` left physics this step.

    Checks, in order: finite position and velocity (for an interceptor, a non-finite state means
    its guidance had no solution: aim point at zero range or not finite), speed at most
    :data:`MAX_SPEED`, and distance covered in the step at most ``MAX_SPEED * dt``.
    """
    w, cs = r.world, r.cs
    dt = cs.dt
    limit = MAX_SPEED * dt + DISPLACEMENT_SLACK_M
    what, row, value = _first_violation(w.t, dt, w.t_end, w.is_active, w.pos, w.vel, w.pos_prev, MAX_SPEED ** 2,
                                        limit ** 2)
    if what == NON_FINITE:
        _raise_non_finite(r, row)
    if what == TOO_FAST:
        raise SimulationError(f"speed {value:.0f} m/s exceeds the physical limit {MAX_SPEED:.0f} m/s", time_s=w.t,
                              mover=cs.movers.name[row])
    if what == JUMPED:
        raise SimulationError(f"moved {value:.0f} m in one {dt:g} s step, more than the physical limit "
                              f"{limit:.0f} m ({MAX_SPEED:.0f} m/s)", time_s=w.t, mover=cs.movers.name[row])


#: Codes of :func:`_first_violation`.
NONE, NON_FINITE, TOO_FAST, JUMPED = 0, 1, 2, 3


@njit(cache=True)
def _first_violation(t, dt, t_end, is_active, pos, vel, pos_prev, max_speed2, limit2):
    """(code, row, value) of the first check a row in the world this step fails, in the order of
    :func:`check_world` (all rows non-finite first, then speed (value m/s), then distance (value m));
    ``(NONE, -1, 0.0)`` when all pass. One compiled pass instead of a dozen numpy calls per step."""
    n = pos.shape[0]
    checked = np.zeros(n, np.bool_)
    for i in range(n):
        checked[i] = is_active[i] or (np.isfinite(t_end[i]) and t_end[i] >= t - dt - 1e-9)
    for i in range(n):
        if checked[i]:
            for j in range(3):
                if not (np.isfinite(pos[i, j]) and np.isfinite(vel[i, j])):
                    return NON_FINITE, i, 0.0
    for i in range(n):
        if checked[i]:
            s2 = vel[i, 0] * vel[i, 0] + vel[i, 1] * vel[i, 1] + vel[i, 2] * vel[i, 2]
            if s2 > max_speed2:
                return TOO_FAST, i, np.sqrt(s2)
    for i in range(n):
        if checked[i]:
            d0, d1, d2 = pos[i, 0] - pos_prev[i, 0], pos[i, 1] - pos_prev[i, 1], pos[i, 2] - pos_prev[i, 2]
            dist2 = d0 * d0 + d1 * d1 + d2 * d2
            if dist2 > limit2:
                return JUMPED, i, np.sqrt(dist2)
    return NONE, -1, 0.0


def _raise_non_finite(r, row: int) -> None:
    w, cs = r.world, r.cs
    name = cs.movers.name[row]
    if w.behavior[row] == INTERCEPTOR_BEHAVIOR:
        target = int(w.icpt_target[row])
        against = f" against {cs.movers.name[target]}" if 0 <= target < cs.movers.n else ""
        raise SimulationError(f"interceptor has no valid guidance solution{against}: its state became non-finite "
                              "(aim point not finite or at zero range, or zero speed)", time_s=w.t, mover=name,
                              details={"target": target})
    raise SimulationError("non-finite position or velocity", time_s=w.t, mover=name)
