"""When the periodic parts of a step run: the C2 decision cycle, fighter vectoring, picture builds.

Predicates here only read; the one call that moves a clock forward (:meth:`Schedule.begin_c2_cycle`)
says so in its name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from amdsim.links.shared_picture import SharedPictureLink
from amdsim.records.recorder import Recorder
from amdsim.world.engagements import EngagementBook

#: Fighter vectoring runs on every ``FIGHTER_CYCLE``-th C2 cycle (the 1st, 4th, 7th, ...): intercept
#: geometry for fighters changes slowly (notional choice, 3 x the 2 s default cycle = 6 s).
FIGHTER_CYCLE = 3
#: Tolerance (s) on "the time has come" comparisons of float clocks.
EPS_T = 1e-9


@dataclass
class Schedule:
    """The C2 decision clock of one replication."""

    c2_interval: float
    next_decision: float = 0.0
    c2_cycles: int = 0

    def c2_due(self, t: float) -> bool:
        """A C2 decision cycle is due at ``t`` (s)."""
        return t + EPS_T >= self.next_decision

    def begin_c2_cycle(self, t: float) -> int:
        """Start the C2 cycle due at ``t``: move the clock to the next cycle; returns this cycle's number (1-based)."""
        self.next_decision += self.c2_interval * max(
            1.0, np.floor((t + EPS_T - self.next_decision) / self.c2_interval) + 1)
        self.c2_cycles += 1
        return self.c2_cycles

    @staticmethod
    def fighters_due(cycle: int) -> bool:
        """Fighter vectoring runs in C2 cycle ``cycle`` (see :data:`FIGHTER_CYCLE`)."""
        return cycle % FIGHTER_CYCLE == 1

    def pictures_due(self, t: float, recorder: Recorder, link: SharedPictureLink, book: EngagementBook) -> bool:
        """Pictures feed C2, interceptor guidance, the link and the records: build them only when one runs."""
        return (self.c2_due(t) or recorder.due(t) or t + EPS_T >= link.next_publish
                or bool(book.status_inflight_any()))
