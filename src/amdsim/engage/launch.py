"""Engagement orders become launches: book each round, wait the reaction time, put it in the air.

Orders wait ``reaction_time`` before launch. Each launch takes the shooter's next interceptor
row; the interceptor leaves at ``launch_speed`` towards the predicted intercept point (plus the
host's velocity for fighters) and then flies :func:`~amdsim.engage.flyout.pn_flyout`.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from amdsim.core.kinds import Behavior
from amdsim.engage.midcourse import start_aim
from amdsim.world.engagements import EngagementBook
from amdsim.world.events import EventLog
from amdsim.world.magazines import advance_reloads, release, reserve, take
from amdsim.world.messages import Orders
from amdsim.world.state import Fate, World
from amdsim.world.tables import CompiledScenario


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
    hold = coord.hold_times(cs.dt) if (coord is not None and coord.enabled) else np.zeros(len(cs.force_names))
    for o in range(orders.n):
        s = int(orders.shooter[o])
        f = int(orders.force[o])
        tid = int(orders.track_id[o])
        st = book.status_of(f, tid)
        log.add(w.t, "engagement_order", actor=int(sh.host[s]), target=int(orders.truth[o]), force=f,
                pos=orders.pip[o], value=float(orders.pk[o]), detail=f"shooter={sh.name[s]} track={tid} rounds={int(orders.rounds[o])}")
        reaction = max(cs.itypes.reaction_time[sh.itype[s]], hold[f])
        if hold[f] > 0 and pictures is not None:
            pic = pictures[f]
            k = np.flatnonzero(pic.track_id == tid)
            if k.size:
                coord.announce(w.t, f, pic.pos[k[0]], pic.vel[k[0]], streams.link, cs.link_drop,
                               sigma=float(pic.pos_sigma[k[0]]))
        for r in range(int(orders.rounds[o])):
            if reserve(w, cs, s, 1) == 0:   # booked on a launcher now (world/magazines.py); the row at launch
                break
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
    advance_reloads(w, cs)   # reloads finished by now: their rounds are ready (world/magazines.py)
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
            release(w, cs, s)   # not fired: the round stays on its launcher
            continue
        if coord is not None and coord.enabled and pictures is not None:
            f = book.force[shot]
            pic = pictures[f]
            k = np.flatnonzero(pic.track_id == book.track[shot])
            if k.size and coord.yields_to_ally(f, book.order_time[shot], w.t, pic.pos[k[0]], float(pic.pos_sigma[k[0]])):
                book.outcome[shot] = "cancelled"
                _close_shot(book, shot)
                release(w, cs, s)   # the round stays on its launcher
                log.add(w.t, "engagement_cancelled", actor=host, target=book.target[shot], force=f,
                        detail="an ally engaged first")
                continue
        take(w, cs, s, 1)   # off its launcher (in turn); an empty launcher starts reloading
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
        start_aim(w, row, *_track_state(pictures, book.force[shot], book.track[shot], pip), w.t)
        w.refresh_geodetic(np.array([row]))
        book.launch_time[shot] = w.t
        log.add(w.t, "interceptor_launch", actor=row, target=book.target[shot], force=book.force[shot],
                pos=start, detail=f"shooter={sh.name[s]}")






def _track_state(pictures, force: int, track_id: int, pip: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The engaged track's position and velocity in the force's picture now; the ordered intercept
    point, standing still, if the picture no longer holds it."""
    if pictures is not None:
        pic = pictures[force]
        k = np.flatnonzero(pic.track_id == track_id)
        if k.size:
            return pic.pos[k[0]].copy(), pic.vel[k[0]].copy()
    return pip.copy(), np.zeros(3)


def _close_shot(book: EngagementBook, shot: int) -> None:
    book.close(shot)
    st = book.status_of(book.force[shot], book.track[shot])
    st.inflight = max(st.inflight - 1, 0)


