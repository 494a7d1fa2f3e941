"""Interceptors in flight: guide each one over the step just simulated and resolve its endgame.

Each interceptor flies :func:`~amdsim.engage.flyout.pn_flyout` against the true target's motion
over the step, aimed at the force's perceived track (the aim offset is the track's error); at the
closest approach the kill is drawn from the miss distance (``flyout.kill_probability``) times the
target's vulnerability, from the ``kill`` stream in row order.
"""

from __future__ import annotations

import numpy as np

from amdsim.core.kinds import INTERCEPTOR_BEHAVIOR
from amdsim.engage.flyout import (
    CPA,
    EXPIRED,
    MAX_SUBSTEP,
    SEEKER_RANGE,
    kill_probability,
    pn_flyout,
)
from amdsim.world.engagements import EngagementBook
from amdsim.world.events import EventLog
from amdsim.world.picture import Picture
from amdsim.world.state import Fate, World
from amdsim.world.tables import CompiledScenario


def fly_interceptors(w: World, cs: CompiledScenario, pictures: list[Picture], book: EngagementBook,
                     streams, log: EventLog, dt: float) -> None:
    """Advance interceptors over the step just simulated (target truth moved from pos_prev to pos)."""
    rows = np.flatnonzero(w.is_active & (w.behavior == INTERCEPTOR_BEHAVIOR))
    if rows.size == 0:
        return
    it = cs.itypes
    sh = cs.shooters
    shots = w.icpt_shot[rows]
    shooter = np.asarray(book.shooter, np.int64)[shots]
    ty = sh.itype[shooter]
    tgt = w.icpt_target[rows]
    # a target that is already gone: the interceptor self-destructs
    lost = ~w.is_active[tgt] & (w.fate[tgt] != Fate.FLYING)
    t_start = w.t - dt
    launched_now = w.t_launch[rows] > t_start + 1e-9
    sub_dt = np.where(launched_now, w.t - w.t_launch[rows], dt)
    aim_off = _aim_offsets(w, rows, pictures, book)
    pm = w.pos[rows].copy()
    vm = w.vel[rows].copy()
    tof = w.t - dt - w.t_launch[rows]
    tof = np.maximum(tof, 0.0)
    # interceptors launched mid-step fly only the rest of it (target from its interpolated position)
    frac = np.clip((dt - sub_dt) / dt, 0.0, 1.0)[:, None]
    tgt0 = w.pos_prev[tgt] + frac * (w.pos[tgt] - w.pos_prev[tgt])
    status = np.zeros(rows.size, np.int8)
    miss = np.full(rows.size, np.nan)
    t_ev = np.zeros(rows.size)
    fly = ~lost & (sub_dt > 1e-9)
    if np.any(fly):
        # one sub-step length for all rows keeps the kernel simple; launched-now rows use their own dt
        for group_dt in np.unique(np.round(sub_dt[fly], 9)):
            g = fly & (np.round(sub_dt, 9) == group_dt)
            idx = np.flatnonzero(g)
            p, v, tf = pm[idx], vm[idx], tof[idx]
            st, ms, te = pn_flyout(p, v, tf, tgt0[idx], w.pos[tgt[idx]], aim_off[idx], it.nav_gain[ty[idx]],
                                   it.max_accel[ty[idx]], it.boost_accel[ty[idx]], it.boost_time[ty[idx]],
                                   it.drag_coeff[ty[idx]], it.max_tof[ty[idx]], float(group_dt), MAX_SUBSTEP,
                                   SEEKER_RANGE)
            pm[idx], vm[idx], tof[idx] = p, v, tf
            status[idx], miss[idx], t_ev[idx] = st, ms, te
    w.pos[rows] = pm
    w.vel[rows] = vm
    w.refresh_geodetic(rows)
    t_event = w.t - sub_dt + t_ev
    # endgames in row order: kill draws come from the kill stream in a fixed order
    done = np.flatnonzero((status == CPA) | (status == EXPIRED) | lost)
    if done.size == 0:
        return
    pk_all = kill_probability(np.nan_to_num(miss, nan=1e9), it.pk_max[ty], it.lethal_radius[ty]) * \
        cs.movers.vulnerability[tgt]
    draws = streams.kill.random(done.size)
    for n_done, i in enumerate(done.tolist()):
        row = int(rows[i])
        shot = int(shots[i])
        target = int(tgt[i])
        f = book.force[shot]
        w.is_active[row] = False
        w.fate[row] = Fate.EXPIRED
        w.t_end[row] = t_event[i]
        w.vel[row] = 0.0
        book.end_time[shot] = float(t_event[i])
        book.close(shot)
        st = book.status_of(f, book.track[shot])
        st.inflight = max(st.inflight - 1, 0)
        if lost[i] or status[i] == EXPIRED:
            book.outcome[shot] = "target_lost" if lost[i] else "expired"
            log.add(float(t_event[i]), "interceptor_expired", actor=row, target=target, force=f, pos=w.pos[row],
                    detail=book.outcome[shot])
            st.next_allowed = float(t_event[i])
            continue
        pk = float(pk_all[i])
        kill = bool(draws[n_done] < pk) and w.is_active[target]
        book.miss[shot] = float(miss[i])
        book.pk[shot] = pk
        book.outcome[shot] = "kill" if kill else "miss"
        log.add(float(t_event[i]), "intercept", actor=row, target=target, force=f, pos=w.pos[row],
                value=float(miss[i]), detail="hit" if kill else "miss")
        if kill:
            w.is_active[target] = False
            w.fate[target] = Fate.KILLED
            w.t_end[target] = float(t_event[i])
            w.killed_by[target] = row
            w.vel[target] = 0.0
        book.pending_assessments.append((float(t_event[i]) + 0.0, f, book.track[shot], shot))
        st.awaiting += 1            # "look": no new shot at this track until the assessment is in


def _aim_offsets(w: World, rows: np.ndarray, pictures: list[Picture], book: EngagementBook) -> np.ndarray:
    """Perceived minus true target position for each interceptor (zero where the track is gone)."""
    off = np.zeros((rows.size, 3))
    forces = np.asarray(book.force, np.int64)[w.icpt_shot[rows]]
    for f in np.unique(forces).tolist():
        pic = pictures[f]
        sel = np.flatnonzero(forces == f)
        if pic.n == 0:
            continue
        order = np.argsort(pic.track_id, kind="stable")
        ids = pic.track_id[order]
        want = w.icpt_track[rows[sel]]
        k = np.clip(np.searchsorted(ids, want), 0, ids.size - 1)
        found = ids[k] == want
        idx = order[k[found]]
        off[sel[found]] = pic.pos[idx] - w.pos[w.icpt_target[rows[sel[found]]]]
    return off
