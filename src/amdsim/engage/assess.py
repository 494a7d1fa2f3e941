"""Kill assessment: ``c2.kill_assessment_delay_s`` after an intercept, C2 learns its outcome,
wrong with probability ``c2.kill_assessment_error`` (draws from the ``assessment`` stream)."""

from __future__ import annotations

from amdsim.world.engagements import EngagementBook
from amdsim.world.state import World
from amdsim.world.tables import CompiledScenario


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
