"""The C2 stage: per blue force, evaluate threats, check engagement feasibility, assign weapons.

Reads only the force's perceived picture (never the truth), its shooters' state and the
engagement book; writes engagement orders. Threat evaluation, feasibility and the assignment
solver are pluggable functions of plain arrays (``c2/threat.py``, ``c2/reach.py``, ``c2/wta/``).
"""

from __future__ import annotations

import numpy as np

from amdsim.c2.coordination import CoordinationChannel
from amdsim.c2.doctrine import DOCTRINES
from amdsim.c2.reach import engagement_pk
from amdsim.c2.threat import threat_values
from amdsim.c2.wta import Assigner
from amdsim.core.constants import BALLISTIC_VULNERABILITY
from amdsim.core.kinds import BLUE, MoverKind
from amdsim.world.engagements import EngagementBook
from amdsim.world.messages import Orders
from amdsim.world.picture import Picture
from amdsim.world.state import World
from amdsim.world.tables import CompiledScenario

BALLISTIC_KIND = int(MoverKind.BALLISTIC_MISSILE)




def decide(w: World, cs: CompiledScenario, pictures: list[Picture], book: EngagementBook,
           coord: CoordinationChannel, solver: Assigner) -> Orders:
    """All blue forces' engagement orders for this step."""
    sh = cs.shooters
    t = w.t
    out: list[tuple] = []
    for f, pic in enumerate(pictures):
        if cs.force_side[f] != BLUE or pic.n == 0:
            continue
        shooters = np.flatnonzero((sh.force == f) & w.is_active[sh.host] & (w.rounds_left > 0)
                                  & (w.next_ready <= t + 1e-9) & (t < sh.endurance))
        if shooters.size == 0:
            continue
        eligible = _eligible_tracks(f, pic, book, coord, t, cs.max_track_age)
        if eligible.size == 0:
            continue
        tp = pic.take(eligible)
        kind, values = evaluate_threats(tp, w, cs)
        pk, pip = engagement_pk(w, cs, shooters, tp)
        # C2 plans with the default RV vulnerability: the kill draw uses each threat's own, which C2 does not know
        pk = pk * np.where(kind == BALLISTIC_KIND, BALLISTIC_VULNERABILITY, 1.0)[None, :]
        # reserve interceptors are kept for ballistic threats
        ballistic = kind == BALLISTIC_KIND
        short = (w.rounds_left[shooters] <= sh.reserve[shooters])[:, None] & ~ballistic[None, :]
        tight = ~sh.weapons_free[shooters][:, None] & ~(tp.confirmed & ballistic)[None, :]
        pk = np.where(short | tight, 0.0, pk)
        if not np.any(pk > 0):
            continue
        assignment = solver(values, pk)
        ordered: set[int] = set()
        for k, j in enumerate(assignment.tolist()):
            if j < 0 or pk[k, j] <= 0:
                continue
            s = shooters[k]
            doctrine = DOCTRINES[int(sh.doctrine[s])]
            # "look" doctrines commit one shooter per threat per decision, then wait for the assessment
            if j in ordered and not doctrine.shares_threats:
                continue
            ordered.add(j)
            rounds = min(doctrine.rounds(int(sh.salvo_size[s])), int(w.rounds_left[s]))
            out.append((s, tp.track_id[j], f, rounds, tp.truth[j], pip[k, j], pk[k, j]))
    if not out:
        return Orders(np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0, np.int16), np.zeros(0, np.int32),
                      np.zeros(0, np.int32), np.zeros((0, 3)), np.zeros(0))
    cols = list(zip(*out, strict=True))
    return Orders(np.array(cols[0], np.int32), np.array(cols[1], np.int64), np.array(cols[2], np.int16),
                  np.array(cols[3], np.int32), np.array(cols[4], np.int32), np.array(cols[5], float).reshape(-1, 3),
                  np.array(cols[6], float))


def _eligible_tracks(f: int, pic: Picture, book: EngagementBook, coord: CoordinationChannel, t: float,
                     max_age: float) -> np.ndarray:
    """Tracks C2 may engage now: confirmed, fresh (updated within ``max_age`` s), not engaged or
    awaiting an assessment, not believed dead, not taken by an ally."""
    ok = pic.confirmed & (t - pic.t_update <= max_age)
    status = book.status[f]
    for i, tid in enumerate(pic.track_id.tolist()):
        st = status.get(tid)
        if st is None:
            continue
        if st.believed_dead and pic.t_update[i] > st.next_allowed:
            st.believed_dead = False  # the picture shows it still flying: the kill assessment was wrong
        if st.inflight > 0 or st.awaiting > 0 or st.believed_dead or t < st.next_allowed:
            ok[i] = False
    ok &= ~coord.engaged_by_allies(f, t, pic.pos, pic.pos_sigma)
    return np.flatnonzero(ok)


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
    kind, threat, ttg = threat_values(pic.pos, pic.vel, w.pos[cs.asset_rows], cs.asset_value, cs.asset_radius)
    urgency = 1.0 / (1.0 + np.nan_to_num(ttg, nan=1e9) / 600.0)
    value = np.maximum(threat, VALUE_FLOOR * cs.asset_value.max()) * (0.5 + 0.5 * urgency)
    return kind, value














