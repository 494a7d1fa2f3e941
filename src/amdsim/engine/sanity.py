"""Physical sanity checks after each step: non-finite states, impossible speeds and interceptors
without a guidance solution stop the run with a :class:`SimulationError` naming the mover and time.

Checked rows are those in the world during the step: active now, or ended inside the step (an
interceptor that expired or a threat that impacted this step must not carry a NaN out unseen).
"""

from __future__ import annotations

import numpy as np

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
    ended_now = np.isfinite(w.t_end) & (w.t_end >= w.t - dt - 1e-9)
    rows = np.flatnonzero(w.is_active | ended_now)
    if rows.size == 0:
        return
    pos, vel = w.pos[rows], w.vel[rows]
    finite = np.isfinite(pos).all(axis=1) & np.isfinite(vel).all(axis=1)
    if not finite.all():
        _raise_non_finite(r, int(rows[np.flatnonzero(~finite)[0]]))
    speed2 = np.einsum("ij,ij->i", vel, vel)
    fast = speed2 > MAX_SPEED**2
    if fast.any():
        row = int(rows[np.flatnonzero(fast)[0]])
        raise SimulationError(f"speed {np.sqrt(speed2[np.flatnonzero(fast)[0]]):.0f} m/s exceeds the physical limit "
                              f"{MAX_SPEED:.0f} m/s", time_s=w.t, mover=cs.movers.name[row])
    step = pos - w.pos_prev[rows]
    dist2 = np.einsum("ij,ij->i", step, step)
    limit = MAX_SPEED * dt + DISPLACEMENT_SLACK_M
    jump = dist2 > limit**2
    if jump.any():
        k = np.flatnonzero(jump)[0]
        raise SimulationError(f"moved {np.sqrt(dist2[k]):.0f} m in one {dt:g} s step, more than the physical limit "
                              f"{limit:.0f} m ({MAX_SPEED:.0f} m/s)", time_s=w.t, mover=cs.movers.name[int(rows[k])])


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
