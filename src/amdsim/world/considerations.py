"""What C2 made of every (shooter, threat) pair it considered: the evidence of the kill chain.

Each decision cycle C2 evaluates every available shooter against every eligible track of its
force and gives each pair a reason code (``c2/reasons.py``: feasible, out of range, track quality,
seeker basket, reserve, ...). This log keeps, per shooter and per true mover behind the track
(bookkeeping only: C2 never reads it back), how many cycles each reason applied, when the pair was
first and last considered, when it was first feasible and the last reason. ``records`` turns it into
the kill chain and the leak causes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

#: Number of reason codes (``c2.reasons.Why`` has values 0 .. N_REASONS - 1).
N_REASONS = 19


@dataclass
class Considerations:
    """(K shooters, N movers) arrays; a false track (truth -1) is not logged."""

    count: np.ndarray          # (K,N,N_REASONS) int32 cycles the pair had each reason
    first_time: np.ndarray     # (K,N) s first considered, inf never
    last_time: np.ndarray      # (K,N) s last considered, -inf never
    first_feasible: np.ndarray  # (K,N) s first cycle without an envelope or fire-control refusal, inf never
    last_why: np.ndarray       # (K,N) int8 reason at the last consideration, -1 never
    # reason segments (records/killchain.py, records/leak.py): runs of consecutive cycles with one reason;
    # a closed run is a row (shooter, mover, code, first s, last s, cycles) in ``_closed``, the open one per
    # pair starts at ``seg_start`` and has ``seg_cycles`` cycles so far
    seg_start: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))     # (K,N) s
    seg_cycles: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int32))  # (K,N)
    _closed: list[np.ndarray] = field(default_factory=list)   # (6, R) float rows of closed runs
    _cycle_now: float = -np.inf
    _cycle_prev: float = -np.inf
    # threat evaluation's rank per (force, mover) (:meth:`note_rank`): rows grow to the forces that ranked;
    # columns: first cycle s, last cycle s, cycles ranked, rank at the first cycle and of how many tracks,
    # best rank, rank at the last cycle and of how many (1 = most threatening; 0 never ranked)
    rank_first_time: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    rank_last_time: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    rank_cycles: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int32))
    rank_first: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int32))
    rank_first_of: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int32))
    rank_best: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int32))
    rank_last: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int32))
    rank_last_of: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int32))

    def __post_init__(self) -> None:
        if self.seg_start.shape != self.first_time.shape:
            self.seg_start = np.full(self.first_time.shape, np.inf)
            self.seg_cycles = np.zeros(self.first_time.shape, np.int32)

    @staticmethod
    def empty(n_shooters: int, n_movers: int) -> Considerations:
        return Considerations(np.zeros((n_shooters, n_movers, N_REASONS), np.int32),
                              np.full((n_shooters, n_movers), np.inf), np.full((n_shooters, n_movers), -np.inf),
                              np.full((n_shooters, n_movers), np.inf), np.full((n_shooters, n_movers), -1, np.int8))

    def segments(self) -> dict[str, np.ndarray]:
        """Every run of consecutive decision cycles in which a (shooter, mover) pair had one reason.

        Returns arrays (R,): ``shooter``, ``mover``, ``code`` (int), ``t_first``/``t_last`` (s, the first
        and last cycle of the run) and ``cycles``, sorted by shooter, mover and time. A run ends when the
        reason changes or the pair was not considered in a cycle (e.g. its track was not confirmed).
        """
        open_k, open_n = np.nonzero(self.seg_cycles > 0)
        rows = [*self._closed, np.stack([open_k, open_n, self.last_why[open_k, open_n], self.seg_start[open_k, open_n],
                                         self.last_time[open_k, open_n], self.seg_cycles[open_k, open_n]]).astype(float)]
        allr = np.concatenate(rows, axis=1)
        order = np.lexsort((allr[3], allr[1], allr[0]))
        allr = allr[:, order]
        return {"shooter": allr[0].astype(np.int32), "mover": allr[1].astype(np.int32), "code": allr[2].astype(np.int8),
                "t_first": allr[3], "t_last": allr[4], "cycles": allr[5].astype(np.int32)}

    def note(self, t: float, shooters: np.ndarray, truth: np.ndarray, why: np.ndarray, feasible_codes: tuple[int, ...]
             ) -> None:
        """Log one cycle: ``why`` (K',M) for ``shooters`` (K',) against tracks whose truth is ``truth`` (M,)."""
        real = truth >= 0
        if not real.any() or shooters.size == 0:
            return
        if t != self._cycle_now:
            self._cycle_prev, self._cycle_now = self._cycle_now, t
        closed = _note_kernel(float(t), float(self._cycle_prev), shooters.astype(np.int64),
                              truth[real].astype(np.int64), np.ascontiguousarray(why[:, real]).astype(np.int64),
                              np.asarray(feasible_codes, np.int64), self.count, self.first_time, self.last_time,
                              self.first_feasible, self.last_why, self.seg_start, self.seg_cycles)
        if closed.shape[1]:
            self._closed.append(closed)

    def note_rank(self, t: float, force: int, truth: np.ndarray, value: np.ndarray) -> None:
        """Log one cycle of force ``force``'s threat evaluation: ``value`` (M,) the threat value of each
        track C2 weighed, ``truth`` (M,) the mover behind it (-1 false). Rank 1 is the highest value
        (ties share a rank); a mover under two tracks keeps its better rank."""
        if truth.size == 0:
            return
        if self.rank_cycles.shape[0] <= force:
            self._grow_ranks(force + 1)
        order = np.sort(-value)
        rank = np.searchsorted(order, -value, side="left") + 1          # competition rank
        real = truth >= 0
        n, r = truth[real], rank[real]
        pick = np.lexsort((r, n))
        n, r = n[pick], r[pick]
        first = np.ones(n.size, bool)
        first[1:] = n[1:] != n[:-1]
        n, r = n[first], r[first].astype(np.int32)
        of = np.int32(truth.size)
        new = self.rank_cycles[force, n] == 0
        self.rank_first_time[force, n[new]] = t
        self.rank_first[force, n[new]] = r[new]
        self.rank_first_of[force, n[new]] = of
        self.rank_best[force, n] = np.where(new, r, np.minimum(self.rank_best[force, n], r))
        self.rank_last_time[force, n] = t
        self.rank_last[force, n] = r
        self.rank_last_of[force, n] = of
        self.rank_cycles[force, n] += 1

    def _grow_ranks(self, n_forces: int) -> None:
        n_movers = self.first_time.shape[1]
        pad = n_forces - self.rank_cycles.shape[0]

        def grow(a: np.ndarray, fill: float) -> np.ndarray:
            base = a if a.shape[1] == n_movers else np.zeros((0, n_movers), a.dtype)
            return np.concatenate([base, np.full((pad, n_movers), fill, a.dtype)])

        self.rank_first_time = grow(self.rank_first_time, np.inf)
        self.rank_last_time = grow(self.rank_last_time, -np.inf)
        for name in ("rank_cycles", "rank_first", "rank_first_of", "rank_best", "rank_last", "rank_last_of"):
            setattr(self, name, grow(getattr(self, name), 0))


@njit(cache=True)
def _note_kernel(t: float, cycle_prev: float, shooters: np.ndarray, truth: np.ndarray, why: np.ndarray,
                 feasible: np.ndarray, count: np.ndarray, first_time: np.ndarray, last_time: np.ndarray,
                 first_feasible: np.ndarray, last_why: np.ndarray, seg_start: np.ndarray, seg_cycles: np.ndarray
                 ) -> np.ndarray:
    """One cycle of :meth:`Considerations.note` in one compiled pass over the (shooter, track) pairs,
    row-major (``why`` (K',M') int, ``truth`` (M',) movers of the real tracks); updates the arrays in place
    and returns the reason runs it closes, (6, R) float rows (shooter, mover, code, first s, last s, cycles),
    in (shooter, mover) order.

    Runs first (before ``last_why``/``last_time`` move on): two tracks on one threat in a cycle, the last
    one stands for the pair. Then the counts: each track counts (duplicate pairs accumulate).
    """
    n_k, n_m = why.shape
    n_movers = first_time.shape[1]
    n = n_k * n_m
    flat = np.empty(n, np.int64)
    for a in range(n_k):
        for b in range(n_m):
            flat[a * n_m + b] = shooters[a] * n_movers + truth[b]
    order = np.argsort(flat, kind="mergesort")        # stable: the last of a group is the last noted
    closed = np.empty((6, n))
    n_closed = 0
    for q in range(n):
        i = order[q]
        if q + 1 < n and flat[order[q + 1]] == flat[i]:
            continue                                  # not the last of its pair
        k = flat[i] // n_movers
        m = flat[i] % n_movers
        c = why[i // n_m, i % n_m]
        prev_code = np.int64(last_why[k, m])
        prev_t = last_time[k, m]
        again = prev_t >= t                           # already noted in this cycle: same run
        if again and prev_code != c and prev_code >= 0:
            # ... unless the reason changed within the cycle (held back, then eligible with another reason):
            # the run so far ends at the previous cycle and the last reason holds this cycle, as in last_why
            before = seg_cycles[k, m] - 1
            if before > 0:
                closed[0, n_closed] = k
                closed[1, n_closed] = m
                closed[2, n_closed] = prev_code
                closed[3, n_closed] = seg_start[k, m]
                closed[4, n_closed] = cycle_prev
                closed[5, n_closed] = before
                n_closed += 1
            seg_start[k, m] = t
            seg_cycles[k, m] = 1
        fresh = ((prev_code != c) and not again) or ((prev_t < cycle_prev) and not again)
        if fresh and prev_code >= 0:
            closed[0, n_closed] = k
            closed[1, n_closed] = m
            closed[2, n_closed] = prev_code
            closed[3, n_closed] = seg_start[k, m]
            closed[4, n_closed] = prev_t
            closed[5, n_closed] = seg_cycles[k, m]
            n_closed += 1
        if fresh:
            seg_start[k, m] = t
            seg_cycles[k, m] = 0
        if not again:
            seg_cycles[k, m] += 1
    for i in range(n):
        k = flat[i] // n_movers
        m = flat[i] % n_movers
        c = why[i // n_m, i % n_m]
        count[k, m, c] += 1
        if t < first_time[k, m]:
            first_time[k, m] = t
        last_time[k, m] = t
        last_why[k, m] = c
        for f in feasible:
            if c == f:
                if t < first_feasible[k, m]:
                    first_feasible[k, m] = t
                break
    return closed[:, :n_closed].copy()
