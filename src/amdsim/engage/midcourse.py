"""Midcourse guidance: the aim point an interceptor flies on until its seeker acquires the target.

Three sources, as in coalition air defence (``c2/fire_control.py`` plans with the same three):

- **inertial** (interceptor type ``midcourse: inertial``): the track as predicted at launch, flown
  at constant velocity; no update after launch.
- **own radar** (command guidance, the shooter does not engage on remote): the battery uplinks its
  track whenever one of its own radars (sensors on its host) has updated it since the last uplink;
  between updates the interceptor flies on the last one.
- **remote** (command guidance, the shooter engages on remote): the force's fused track, every step
  the picture holds it (an ally's data reach the interceptor through the shooter's picture).

The aim point at time t is ``aim_pos + aim_vel (t - aim_t)`` (World columns ``icpt_aim_*``). The
flyout kernel (``engage/flyout.py``) guides on it until the seeker locks on the true target.
"""

from __future__ import annotations

import numpy as np

from amdsim.world.engagements import EngagementBook
from amdsim.world.picture import Picture
from amdsim.world.state import World
from amdsim.world.tables import CompiledScenario

INERTIAL, OWN_RADAR, REMOTE = 0, 1, 2


def midcourse_mode(cs: CompiledScenario, shooters: np.ndarray) -> np.ndarray:
    """(K,) int8 midcourse source of each shooter's interceptors: INERTIAL, OWN_RADAR or REMOTE."""
    sh = cs.shooters
    command = cs.itypes.command_guided[sh.itype[shooters]]
    return np.where(~command, INERTIAL, np.where(sh.engage_on_remote[shooters], REMOTE, OWN_RADAR)).astype(np.int8)


def start_aim(w: World, row: int, pos: np.ndarray, vel: np.ndarray, t: float) -> None:
    """Interceptor ``row`` leaves on the track state ``pos`` (m), ``vel`` (m/s) valid at ``t`` (s)."""
    w.icpt_aim_pos[row] = pos
    w.icpt_aim_vel[row] = vel
    w.icpt_aim_t[row] = t


def update_aim(w: World, cs: CompiledScenario, rows: np.ndarray, pictures: list[Picture],
               book: EngagementBook) -> None:
    """Uplink the new track states to the interceptors ``rows`` in flight (module docstring)."""
    if rows.size == 0:
        return
    shots = w.icpt_shot[rows]
    shooter = np.asarray(book.shooter, np.int64)[shots]
    force = np.asarray(book.force, np.int64)[shots]
    mode = midcourse_mode(cs, shooter)
    for f in np.unique(force[mode != INERTIAL]).tolist():
        pic = pictures[f]
        sel = np.flatnonzero((force == f) & (mode != INERTIAL))
        if pic.n == 0 or sel.size == 0:
            continue
        order = np.argsort(pic.track_id, kind="stable")
        ids = pic.track_id[order]
        want = _current_ids(pic, w.icpt_track[rows[sel]])
        k = np.clip(np.searchsorted(ids, want), 0, ids.size - 1)
        found = ids[k] == want
        idx = order[k]
        assert pic.sightings is not None
        own = pic.sightings.held_pairs(want, cs.shooters.host[shooter[sel]], w.icpt_aim_t[rows[sel]] + 1e-9,
                                       cs.sensors.host)
        fresh = found & np.where(mode[sel] == REMOTE, True, own)
        r = rows[sel[fresh]]
        w.icpt_aim_pos[r] = pic.pos[idx[fresh]]
        w.icpt_aim_vel[r] = pic.vel[idx[fresh]]
        w.icpt_aim_t[r] = pic.time


def _current_ids(pic: Picture, want: np.ndarray) -> np.ndarray:
    """The ids under which the picture holds the tracks ``want`` now: the id itself, else the id the
    link last fused it into, else an allied id last fused into it (``Picture.aliases``)."""
    if pic.aliases is None or pic.aliases[0].size == 0:
        return want
    out = want.copy()
    missing = ~np.isin(want, pic.track_id)
    if missing.any():
        related = pic.related_ids(want[missing])
        present = set(pic.track_id.tolist())
        for i in np.flatnonzero(missing).tolist():
            out[i] = next((k for k in related.get(int(want[i]), ()) if k in present), int(want[i]))
    return out


def aim_points(w: World, rows: np.ndarray, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
    """(n,3) aim points of interceptors ``rows`` at ``t0`` and ``t1`` (s)."""
    p, v, ta = w.icpt_aim_pos[rows], w.icpt_aim_vel[rows], w.icpt_aim_t[rows][:, None]
    return p + v * (t0 - ta), p + v * (t1 - ta)
