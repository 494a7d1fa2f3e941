"""The C2 stage: per blue force, evaluate threats, check engagement feasibility, assign weapons.

Reads only the force's perceived picture (never the truth), its shooters' state and the
engagement book; writes engagement orders. Threat evaluation, feasibility and the assignment
solver are pluggable functions of plain arrays (``c2/threat.py``, ``c2/reach.py``, ``c2/wta/``).
"""

from __future__ import annotations

import numpy as np

from amdsim.c2.coordination import CoordinationChannel
from amdsim.c2.doctrine import DOCTRINES
from amdsim.c2.fighters import shooter_available
from amdsim.c2.fire_control import fire_control_check
from amdsim.c2.identify import apply_roe
from amdsim.c2.reach import engagement_pk
from amdsim.c2.reasons import Why
from amdsim.c2.threat import threat_values
from amdsim.c2.wta import Assigner
from amdsim.core.constants import BALLISTIC_VULNERABILITY
from amdsim.core.kinds import BLUE, MoverKind
from amdsim.world.considerations import Considerations
from amdsim.world.engagements import EngagementBook
from amdsim.world.messages import Orders
from amdsim.world.picture import Picture
from amdsim.world.state import World
from amdsim.world.tables import CompiledScenario

BALLISTIC_KIND = int(MoverKind.BALLISTIC_MISSILE)




#: Reason codes of a pair that C2 could have engaged (reserve and weapons control are choices, not limits).
FEASIBLE_CODES = (int(Why.FEASIBLE), int(Why.ENGAGED), int(Why.RESERVE), int(Why.WEAPONS_TIGHT), int(Why.IDENTITY),
                  int(Why.AIRSPACE))


def decide(w: World, cs: CompiledScenario, pictures: list[Picture], book: EngagementBook,
           coord: CoordinationChannel, solver: Assigner, considered: Considerations | None = None) -> Orders:
    """All blue forces' engagement orders for this step.

    Every shooter present (host alive, within its endurance) is weighed against every confirmed track;
    each pair's :class:`~amdsim.c2.reasons.Why` code goes to ``considered`` (the kill chain's
    evidence) when given. Only shooters with rounds and a ready launcher are assigned.
    """
    sh = cs.shooters
    t = w.t
    out: list[tuple] = []
    for f, pic in enumerate(pictures):
        if cs.force_side[f] != BLUE or pic.n == 0:
            continue
        present = np.flatnonzero((sh.force == f) & w.is_active[sh.host] & shooter_available(w, cs))
        if present.size == 0:
            continue
        track_why = _track_reasons(f, pic, book, coord, t, cs.max_track_age)
        if considered is not None:
            held_back = np.flatnonzero(track_why > 0)
            considered.note(t, present, pic.truth[held_back],
                            np.broadcast_to(track_why[held_back], (present.size, held_back.size)), FEASIBLE_CODES)
        eligible = np.flatnonzero(track_why == Why.FEASIBLE)
        if eligible.size == 0:
            continue
        tp = pic.take(eligible)
        kind, values = evaluate_threats(tp, w, cs)
        if considered is not None:
            considered.note_rank(t, f, tp.truth, values)
        pk, pip, tau, why = engagement_pk(w, cs, present, tp)
        # the track must be good enough for the shot: requirements, own/remote track, seeker basket, capacity
        if cs.check_track_quality:
            pk = pk * fire_control_check(w, cs, present, tp, pip, tau, why, book)
        # C2 plans with the default RV vulnerability: the kill draw uses each threat's own, which C2 does not know
        pk = pk * np.where(kind == BALLISTIC_KIND, BALLISTIC_VULNERABILITY, 1.0)[None, :]
        # the shooter's state, after the envelope: a pair it could reach says why it cannot fire now
        empty = (w.rounds_left[present] <= 0)[:, None]
        busy = (w.next_ready[present] > t + 1e-9)[:, None]
        ok = why == Why.FEASIBLE
        why[ok & empty] = Why.NO_ROUNDS
        why[ok & ~empty & busy] = Why.LAUNCHER_BUSY
        # reserve interceptors are kept for ballistic threats; weapons tight engages confirmed ballistic tracks only
        ballistic = kind == BALLISTIC_KIND
        short = (w.rounds_left[present] <= sh.reserve[present])[:, None] & ~ballistic[None, :]
        tight = ~sh.weapons_free[present][:, None] & ~(tp.confirmed & ballistic)[None, :]
        why[(why == Why.FEASIBLE) & short] = Why.RESERVE
        why[(why == Why.FEASIBLE) & tight] = Why.WEAPONS_TIGHT
        apply_roe(why, tp, present)          # identity and autonomy (c2/identify.py; no-op without them)
        pk = np.where(why == Why.FEASIBLE, pk, 0.0)
        ready = np.flatnonzero(~(empty | busy)[:, 0] & np.any(pk > 0, axis=1))
        if ready.size:
            assignment = solver(values, pk[ready])
            ordered: set[int] = set()
            for k, j in zip(ready.tolist(), assignment.tolist(), strict=True):
                if j < 0 or pk[k, j] <= 0:
                    continue
                s = int(present[k])
                doctrine = DOCTRINES[int(sh.doctrine[s])]
                # "look" doctrines commit one shooter per threat per decision, then wait for the assessment
                if j in ordered and not doctrine.shares_threats:
                    continue
                ordered.add(j)
                why[k, j] = Why.ENGAGED
                rounds = min(doctrine.rounds(int(sh.salvo_size[s])), int(w.rounds_left[s]))
                out.append((s, tp.track_id[j], f, rounds, tp.truth[j], pip[k, j], pk[k, j]))
        if considered is not None:
            considered.note(t, present, tp.truth, why, FEASIBLE_CODES)
    if not out:
        return Orders(np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0, np.int16), np.zeros(0, np.int32),
                      np.zeros(0, np.int32), np.zeros((0, 3)), np.zeros(0))
    cols = list(zip(*out, strict=True))
    return Orders(np.array(cols[0], np.int32), np.array(cols[1], np.int64), np.array(cols[2], np.int16),
                  np.array(cols[3], np.int32), np.array(cols[4], np.int32), np.array(cols[5], float).reshape(-1, 3),
                  np.array(cols[6], float))


def _track_reasons(f: int, pic: Picture, book: EngagementBook, coord: CoordinationChannel, t: float,
                   max_age: float) -> np.ndarray:
    """(M,) int8 per track: ``FEASIBLE`` if C2 may engage it now, -1 if it is not confirmed (not
    considered), else why not: stale (not updated within ``max_age`` s), the force already engaging it
    or awaiting the assessment, believed dead, taken by an ally."""
    why = np.where(pic.confirmed, int(Why.FEASIBLE), -1).astype(np.int8)
    why[pic.confirmed & (t - pic.t_update > max_age)] = Why.TRACK_STALE
    status = book.status[f]
    # the ids C2 engaged are the ones whose aliases matter (the others have no status)
    if status:          # no status at all: nothing is engaged, believed dead or awaited
        related = pic.related_ids(np.fromiter(status.keys(), np.int64, len(status)))
        feasible, dead, engaging = int(Why.FEASIBLE), int(Why.BELIEVED_DEAD), int(Why.ENGAGING)
        codes, t_update = why.tolist(), pic.t_update.tolist()
        for i, tid in enumerate(pic.track_id.tolist()):
            if codes[i] != feasible:
                continue
            # the threat's status under this id and under every id the link fused it with
            for st in [status.get(k) for k in (tid, *related.get(tid, ()))]:
                if st is None:
                    continue
                if st.believed_dead and t_update[i] > st.next_allowed:
                    st.believed_dead = False  # the picture shows it still flying: the kill assessment was wrong
                if st.believed_dead:
                    codes[i] = dead
                elif st.inflight > 0 or st.awaiting > 0 or t < st.next_allowed:
                    codes[i] = engaging
        why = np.array(codes, np.int8)
    ally = coord.engaged_by_allies(f, t, pic.pos, pic.pos_sigma)
    why[(why == Why.FEASIBLE) & ally] = Why.ALLY_ENGAGED
    return why


#: A hostile track is always worth this fraction of the most valuable asset: its route may still turn.
VALUE_FLOOR = 0.1


def evaluate_threats(pic: Picture, w: World, cs: CompiledScenario):
    """Threat evaluation of the picture (``c2/threat.py``): (kind codes, threat values).

    Value = most threatened asset's value x likelihood (straight-line closest approach for
    air-breathers, gravity-only impact point for ballistic tracks), floored at ``VALUE_FLOOR`` of the
    most valuable asset because cruise missiles fly dog-legs that a straight line does not foresee,
    and weighted up as the time to go shrinks.
    """

    if cs.asset_rows.size == 0:
        kind, _, _ = threat_values(pic.pos, pic.vel, np.zeros((0, 3)), np.zeros(0), np.zeros(0))
        return kind, np.ones(pic.n)
    kind, threat, ttg = threat_values(pic.pos, pic.vel, w.pos[cs.asset_rows], cs.asset_value, cs.asset_radius,
                                      rotating=cs.earth_rotation)
    urgency = 1.0 / (1.0 + np.nan_to_num(ttg, nan=1e9) / 600.0)
    value = np.maximum(threat, VALUE_FLOOR * cs.asset_value.max()) * (0.5 + 0.5 * urgency)
    return kind, value














