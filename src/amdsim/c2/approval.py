"""Operators in the loop: engagement orders of a force under manual approval become proposals.

A force whose approval mode is *manual* does not fire on its C2's word alone: each order C2 gives
for it is held as a :class:`Proposal` that waits for an operator's ``approve`` or ``deny``. After
``decision_time`` seconds without an answer the doctrine's default applies: a weapons-free shooter
fires (management by exception), a weapons-tight one holds fire. An approved proposal becomes the
order C2 gave, placed at the step it is approved.

Operator inputs (:class:`Decision`) are applied at step boundaries in a fixed order (time, then
serial), so a session driven by people is replayed exactly from its inputs (``decisions.parquet``).
Every applied input and every default taken is a record row (:attr:`Operators.records`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from amdsim.world.engagements import EngagementBook
from amdsim.world.events import EventLog
from amdsim.world.messages import Orders

#: Operator actions that answer a proposal.
ANSWERS = ("approve", "deny")
#: Exercise-control actions (need no proposal): launch a waiting threat now, radar and link down/up.
CONTROL = ("inject", "radar_down", "radar_up", "link_down", "link_up")
#: Session settings recorded as the first rows of decisions.parquet (the replay reads them back).
SETTING = "manual"
#: The setting row that carries a root seed given on the command line.
SEED = "seed"
#: The console name of the doctrine's default, taken when a proposal's decision time runs out.
DOCTRINE = "doctrine"


@dataclass(frozen=True)
class Decision:
    """One operator input: at ``time`` (s, the step boundary it is applied at), from ``console``, for
    ``force`` (index, -1 none), ``what`` (one of :data:`ANSWERS` or :data:`CONTROL`), answering
    ``proposal`` (id, -1 none), with ``arg`` (the mover, sensor or force pair it acts on, "" none)."""

    time: float
    serial: int
    console: str
    force: int
    what: str
    proposal: int = -1
    arg: str = ""


@dataclass
class Proposal:
    """An engagement order waiting for an operator: the one-row :class:`Orders` and when it was made."""

    id: int
    time: float
    order: Orders
    weapons_free: bool

    @property
    def force(self) -> int:
        return int(self.order.force[0])


@dataclass
class Operators:
    """Approval state of a session: which forces are manual, the pending proposals, the inputs still
    to apply, and the record of what was done (one dict per row of ``decisions.parquet``)."""

    manual: np.ndarray                      # (F,) bool: force's orders wait for an operator
    decision_time: float = 30.0             # s an operator has before the doctrine's default applies
    proposals: dict[int, Proposal] = field(default_factory=dict)
    inputs: list[Decision] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    next_proposal: int = 0
    next_serial: int = 0
    seed: int | None = None                 # the session's root seed when not the scenario's (the replay uses it)

    def __post_init__(self) -> None:
        for f in np.flatnonzero(self.manual).tolist():
            self._record(0.0, -1, "session", f, SETTING, -1, f"decision_time={self.decision_time:g}", np.nan)
        if self.seed is not None:
            self._record(0.0, -1, "session", -1, SEED, -1, str(self.seed), np.nan)

    def submit(self, time: float, console: str, force: int, what: str, proposal: int = -1, arg: str = "",
               serial: int | None = None) -> Decision:
        """Queue an operator input to apply at the step boundary ``time`` (s). Not thread-safe: a live
        session calls it from the engine's own thread, between steps."""
        if serial is None:
            serial = self.next_serial
        self.next_serial = max(self.next_serial, serial + 1)
        d = Decision(float(time), int(serial), console, int(force), what, int(proposal), arg)
        self.inputs.append(d)
        self.inputs.sort(key=lambda x: (x.time, x.serial))
        return d

    def due(self, t: float) -> list[Decision]:
        """Inputs to apply at the step boundary ``t`` (s), in (time, serial) order, taken off the queue."""
        k = 0
        while k < len(self.inputs) and self.inputs[k].time <= t + 1e-9:
            k += 1
        out, self.inputs = self.inputs[:k], self.inputs[k:]
        return out

    def hold(self, t: float, orders: Orders, weapons_free: np.ndarray, book: EngagementBook,
             log: EventLog) -> Orders:
        """Orders of auto forces pass; those of manual forces become proposals (returned orders omit them).

        The proposed track is held for the force (``next_allowed`` = inf) so C2 does not propose it again
        while the operator decides; an approval places the order, a denial keeps the hold.
        """
        if orders.n == 0 or not self.manual.any():
            return orders
        held = self.manual[orders.force]
        for o in np.flatnonzero(held).tolist():
            one = take_orders(orders, np.array([o]))
            p = Proposal(self.next_proposal, float(t), one, bool(weapons_free[int(orders.shooter[o])]))
            self.next_proposal += 1
            self.proposals[p.id] = p
            book.status_of(p.force, int(orders.track_id[o])).next_allowed = np.inf
            log.add(t, "engagement_proposal", target=int(orders.truth[o]), force=p.force, pos=orders.pip[o],
                    value=float(orders.pk[o]), detail=f"proposal={p.id} track={int(orders.track_id[o])}")
        return take_orders(orders, np.flatnonzero(~held))

    def answer(self, d: Decision, book: EngagementBook, log: EventLog) -> Orders | None:
        """Apply an approve/deny input: the approved order (None for a denial or a stale answer)."""
        p = self.proposals.pop(d.proposal, None)
        if p is None or p.force != d.force:
            self._record(d.time, d.serial, d.console, d.force, d.what + "_ignored", d.proposal, d.arg, np.nan)
            return None
        return self._close(p, d.time, d.serial, d.console, d.what == "approve", book, log)

    def expire(self, t: float, book: EngagementBook, log: EventLog) -> list[Orders]:
        """Proposals whose decision time ran out by ``t``: the doctrine's default (fire if weapons free)."""
        out = []
        for pid in sorted(k for k, p in self.proposals.items() if p.time + self.decision_time <= t + 1e-9):
            p = self.proposals.pop(pid)
            o = self._close(p, t, -1, DOCTRINE, p.weapons_free, book, log)
            if o is not None:
                out.append(o)
        return out

    def note_control(self, d: Decision) -> None:
        """Record an exercise-control input as applied."""
        self._record(d.time, d.serial, d.console, d.force, d.what, -1, d.arg, np.nan)

    def _close(self, p: Proposal, t: float, serial: int, console: str, approve: bool, book: EngagementBook,
               log: EventLog) -> Orders | None:
        what = "approve" if approve else "deny"
        self._record(t, serial, console, p.force, what, p.id, "", t - p.time)
        log.add(t, "engagement_" + ("approved" if approve else "denied"), target=int(p.order.truth[0]), force=p.force,
                detail=f"proposal={p.id} by={console} latency_s={t - p.time:g}")
        if not approve:
            return None
        book.status_of(p.force, int(p.order.track_id[0])).next_allowed = t
        return p.order

    def _record(self, t, serial, console, force, what, proposal, arg, latency) -> None:
        self.records.append({"time": float(t), "serial": int(serial), "console": console, "force": int(force),
                             "what": what, "proposal": int(proposal), "arg": arg, "latency_s": float(latency)})


def take_orders(o: Orders, rows: np.ndarray) -> Orders:
    """The orders at ``rows`` (a new :class:`Orders`)."""
    return Orders(o.shooter[rows], o.track_id[rows], o.force[rows], o.rounds[rows], o.truth[rows], o.pip[rows],
                  o.pk[rows])


def concat_orders(parts: list[Orders]) -> Orders:
    """One :class:`Orders` of several, rows in the given order."""
    return Orders(*(np.concatenate([getattr(p, n) for p in parts]) for n in
                    ("shooter", "track_id", "force", "rounds", "truth", "pip", "pk")))
