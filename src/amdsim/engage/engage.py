"""The engage stage: launch ordered interceptors, fly them, assess kills.

Orders wait ``reaction_time`` before launch. Each launch takes the shooter's next interceptor
row; the interceptor leaves at ``launch_speed`` towards the predicted intercept point (plus the
host's velocity for fighters) and then flies :func:`~amdsim.engage.flyout.pn_flyout`.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from amdsim.c2.decide import Orders
from amdsim.engage.book import EngagementBook
from amdsim.engage.flyout import (
    CPA,
    EXPIRED,
    MAX_SUBSTEP,
    SEEKER_RANGE,
    kill_probability,
    pn_flyout,
)
from amdsim.engine.state import Fate, World
from amdsim.kinds import INTERCEPTOR_BEHAVIOR, Behavior
from amdsim.records.events import EventLog
from amdsim.scenario.compile import CompiledScenario
from amdsim.tracking.picture import Picture


@dataclass
class LaunchQueue:
    """Launches waiting for the shooter's reaction time: heap of (time, serial, shot row)."""

    heap: list = field(default_factory=list)
    serial: int = 0
    pip: dict = field(default_factory=dict)


def place_orders(w: World, cs: CompiledScenario, orders: Orders, book: EngagementBook, queue: LaunchQueue,
                 log: EventLog, coord=None, pictures=None, streams=None) -> None:
    """Book each ordered round as a shot and queue its launch after the reaction time.

    With coordination on, the order is announced to the allies and the launch waits at least one
    link latency plus a step, so that an earlier ally intent can still cancel it.
    """
    sh = cs.shooters
    hold = cs.link_latency + cs.dt if (coord is not None and coord.enabled) else 0.0
    for o in range(orders.n):
        s = int(orders.shooter[o])
        f = int(orders.force[o])
        tid = int(orders.track_id[o])
        st = book.status_of(f, tid)
        log.add(w.t, "engagement_order", actor=int(sh.host[s]), target=int(orders.truth[o]), force=f,
                pos=orders.pip[o], value=float(orders.pk[o]), detail=f"shooter={sh.name[s]} track={tid} rounds={int(orders.rounds[o])}")
        reaction = max(cs.itypes.reaction_time[sh.itype[s]], hold)
        if hold > 0 and pictures is not None:
            pic = pictures[f]
            k = np.flatnonzero(pic.track_id == tid)
            if k.size:
                coord.announce(w.t, f, pic.pos[k[0]], pic.vel[k[0]], streams.link, cs.link_drop,
                               sigma=float(pic.pos_sigma[k[0]]))
        for r in range(int(orders.rounds[o])):
            if w.rounds_left[s] <= 0:
                break
            w.rounds_left[s] -= 1   # reserved now; the interceptor row is taken at launch
            t_launch = w.t + reaction + r * sh.reload[s]
            shot = book.add_shot(s, -1, int(orders.truth[o]), tid, f, w.t, t_launch)
            st.inflight += 1
            st.shots += 1
            heapq.heappush(queue.heap, (t_launch, queue.serial, shot))
            queue.serial += 1
            queue.pip[shot] = orders.pip[o].copy()
        w.next_ready[s] = w.t + reaction + int(orders.rounds[o]) * sh.reload[s]


def launch_due(w: World, cs: CompiledScenario, book: EngagementBook, queue: LaunchQueue, log: EventLog,
               coord=None, pictures=None) -> None:
    """Put every interceptor whose launch time has come into the air (or cancel it, see coordination)."""
    sh = cs.shooters
    it = cs.itypes
    while queue.heap and queue.heap[0][0] <= w.t + 1e-9:
        _, _, shot = heapq.heappop(queue.heap)
        s = book.shooter[shot]
        host = int(sh.host[s])
        ty = int(sh.itype[s])
        if not w.is_active[host]:
            book.outcome[shot] = "not_launched"
            _close_shot(book, shot)
            continue
        if coord is not None and coord.enabled and pictures is not None:
            f = book.force[shot]
            pic = pictures[f]
            k = np.flatnonzero(pic.track_id == book.track[shot])
            if k.size and coord.yields_to_ally(f, book.order_time[shot], w.t, pic.pos[k[0]], float(pic.pos_sigma[k[0]])):
                book.outcome[shot] = "cancelled"
                _close_shot(book, shot)
                w.rounds_left[s] += 1   # the round stays on the launcher
                log.add(w.t, "engagement_cancelled", actor=host, target=book.target[shot], force=f,
                        detail="an ally engaged first")
                continue
        row = int(w.next_row[s])
        w.next_row[s] += 1
        book.interceptor[shot] = row
        up = w.pos[host] / np.linalg.norm(w.pos[host])
        start = w.pos[host] + up * 5.0
        pip = queue.pip.pop(shot)
        d = pip - start
        d = d / max(np.linalg.norm(d), 1e-9)
        w.pos[row] = start
        w.pos_prev[row] = start
        w.vel[row] = d * it.launch_speed[ty] + (w.vel[host] if sh.is_fighter[s] else 0.0)
        w.is_active[row] = True
        w.fate[row] = Fate.FLYING
        w.t_launch[row] = w.t
        w.behavior[row] = Behavior.INTERCEPTOR
        w.icpt_target[row] = book.target[shot]
        w.icpt_track[row] = book.track[shot]
        w.icpt_shot[row] = shot
        w.refresh_geodetic(np.array([row]))
        book.launch_time[shot] = w.t
        log.add(w.t, "interceptor_launch", actor=row, target=book.target[shot], force=book.force[shot],
                pos=start, detail=f"shooter={sh.name[s]}")


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


def assess_kills(w: World, cs: CompiledScenario, book: EngagementBook, streams) -> None:
    """Kill assessment: ``ka_delay`` after an intercept, C2 learns its outcome, wrong with ``ka_error``."""
    if not book.pending_assessments:
        return
    keep = []
    for when, f, track, shot in book.pending_assessments:
        if when + cs.ka_delay > w.t + 1e-9:
            keep.append((when, f, track, shot))
            continue
        truth_kill = book.outcome[shot] == "kill"
        wrong = streams.assessment.random() < cs.ka_error
        believed = truth_kill != wrong
        st = book.status_of(f, track)
        st.awaiting = max(st.awaiting - 1, 0)
        if believed:
            st.believed_dead = True
            st.next_allowed = w.t + 2 * cs.ka_delay
        else:
            st.next_allowed = w.t
    book.pending_assessments = keep


def _close_shot(book: EngagementBook, shot: int) -> None:
    book.close(shot)
    st = book.status_of(book.force[shot], book.track[shot])
    st.inflight = max(st.inflight - 1, 0)


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
