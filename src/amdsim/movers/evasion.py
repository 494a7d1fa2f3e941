"""Evasive turns of hostile aircraft: who is shot at, since when, and which way to turn.

An aircraft with ``evasion:`` reacts to every interceptor in flight at it (an active interceptor
row whose ``icpt_target`` is the aircraft; the World is read, engage is not imported): from the
interceptor's launch plus the reaction time it turns away from the nearest such interceptor at
its turn acceleration (drag: tail-on, the course from the interceptor to the aircraft; beam:
across the interceptor's line of sight, on the side nearer the present course). The turn itself
is flown by ``movers.paths.route_advance_kernel`` at the constant rate n g0 / v of a level turn
(Anderson, *Introduction to Flight*, sec. 6.17); when no interceptor is left, it turns back at the
same rate and resumes its route. The tactics are notional: the beam and drag manoeuvres against
radar-guided missiles, without energy or fuel bookkeeping.
"""

from __future__ import annotations

import numpy as np

from amdsim.core.geodesy import great_circle_distance, initial_bearing
from amdsim.core.kinds import INTERCEPTOR_BEHAVIOR
from amdsim.world.state import World
from amdsim.world.tables import EVASION_CODES, CompiledScenario

#: Horizontal distance (m) below which an interceptor gives no bearing to turn from (it is overhead).
_OVERHEAD_M = 1.0


def evasion_cues(w: World, cs: CompiledScenario, t_end: float) -> tuple[np.ndarray, np.ndarray]:
    """Per mover row, the time (s) its evasive turn starts and the course (rad) it turns onto.

    The start is the earliest launch-plus-reaction time of the interceptors flying at the row (inf:
    none, or the row has no evasion); the course is taken from the nearest interceptor whose
    reaction time has passed by ``t_end``, at the positions of the step's start (the present
    course where none has).
    """
    m = cs.movers
    start = np.full(w.n, np.inf)
    course = w.heading.copy()
    if not np.any(m.evade_accel > 0.0):
        return start, course
    icpt = np.flatnonzero(w.is_active & (w.behavior == INTERCEPTOR_BEHAVIOR) & (w.icpt_target >= 0))
    tgt = w.icpt_target[icpt]
    keep = (m.evade_accel[tgt] > 0.0) & w.is_active[tgt]
    icpt, tgt = icpt[keep], tgt[keep]
    if icpt.size == 0:
        return start, course
    cue = w.t_launch[icpt] + m.evade_reaction[tgt]
    np.minimum.at(start, tgt, cue)
    due = cue < t_end
    icpt, tgt = icpt[due], tgt[due]
    if icpt.size == 0:
        return start, course
    dist = np.linalg.norm(w.pos[icpt] - w.pos[tgt], axis=1)
    order = np.lexsort((icpt, dist, tgt))             # per target the nearest first (ties: lower row)
    tgt_sorted = tgt[order]
    first = order[np.r_[True, tgt_sorted[1:] != tgt_sorted[:-1]]]
    rows, threat = tgt[first], icpt[first]
    ground = great_circle_distance(w.lat[rows], w.lon[rows], w.lat[threat], w.lon[threat])
    to_threat = initial_bearing(w.lat[rows], w.lon[rows], w.lat[threat], w.lon[threat])
    drag = to_threat + np.pi
    # beam: of the two courses square to the line of sight, the one nearer the present course
    beam_right = to_threat + 0.5 * np.pi
    nearer_right = np.cos(beam_right - w.heading[rows]) >= 0.0
    beam = np.where(nearer_right, beam_right, to_threat - 0.5 * np.pi)
    want = np.where(m.evade_kind[rows] == EVASION_CODES["beam"], beam, drag)
    want = (want + np.pi) % (2.0 * np.pi) - np.pi
    course[rows] = np.where(ground > _OVERHEAD_M, want, w.heading[rows])
    return start, course
