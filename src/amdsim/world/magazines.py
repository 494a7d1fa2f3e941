"""Magazines as state: the rounds on every launcher of every shooter, their reloads and reservations.

A shooter (battery or fighter, row of :class:`~amdsim.world.tables.ShooterTable`) has
``launchers`` launchers (a fighter: one, itself). Each launcher is a row of :class:`Magazines`
(M rows): the rounds loaded on it, the rounds of those booked by orders not yet launched
(``reserved``), and a reload in progress (``in_reload`` rounds arriving at ``reload_until`` s).
A battery may hold ``reload_rounds`` spare rounds (``reloads:`` in the YAML); a launcher that fires
its last round starts reloading from that stock at once and is full again ``reload_time`` s later
(fewer rounds if the stock runs short). Launchers fire in turn (round robin over the launchers
that have a round).

``World.rounds_left[s]`` stays what C2 reads: the ready rounds of shooter ``s``, i.e. the sum over
its launchers of ``loaded - reserved``. Every function here keeps it equal to that sum.

The ballistic reserve (doctrine ``reserve``) is not a magazine property: it is the C2 rule in
``c2/decide.py`` (a shooter with ``rounds_left <= reserve`` fires only at ballistic threats); the
records show it next to the magazine.

Each round fired is an interceptor mover row: a shooter owns the contiguous rows
``[first_row, row_end)``; nothing here hands out more rounds than rows remain (``rearm`` is limited
by them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from amdsim.core.kinds import MoverKind
from amdsim.world.tables import CompiledScenario

__all__ = ["Magazines", "World", "advance_reloads", "initial_magazines", "ready_rounds", "rearm", "release", "reserve",
           "take"]


@dataclass
class Magazines:
    """Launcher rows (M) and per-shooter magazine counters (K)."""

    shooter: np.ndarray       # (M,) int32 shooter row of each launcher
    index: np.ndarray         # (M,) int32 launcher number within its shooter (0-based)
    capacity: np.ndarray      # (M,) int32 rounds the launcher holds when full
    loaded: np.ndarray        # (M,) int32 rounds on the launcher (ready + reserved)
    reserved: np.ndarray      # (M,) int32 rounds of ``loaded`` booked by orders not yet launched
    in_reload: np.ndarray     # (M,) int32 rounds being loaded
    reload_until: np.ndarray  # (M,) s when the reload in progress ends, inf: none
    first: np.ndarray         # (K,) int32 first launcher row of each shooter
    count: np.ndarray         # (K,) int32 launchers of each shooter
    reserve_turn: np.ndarray  # (K,) int32 launcher (0..count-1) the next reservation starts from
    fire_turn: np.ndarray     # (K,) int32 launcher (0..count-1) the next launch starts from
    reloads_left: np.ndarray  # (K,) int32 spare rounds not yet put on a launcher
    reloads_used: np.ndarray  # (K,) int32 spare rounds put on launchers (reloads started)
    fired: np.ndarray         # (K,) int32 rounds launched
    rearmed: np.ndarray       # (K,) int32 rounds added by :func:`rearm`
    row_end: np.ndarray       # (K,) int32 one past the shooter's last interceptor mover row
    version: int = 0          # bumped on every change (the recorder writes a row set per change)

    @property
    def m(self) -> int:
        return int(self.shooter.size)

    def touch(self) -> None:
        self.version += 1


class World(Protocol):
    """What these functions use of :class:`amdsim.world.state.World` (which holds the Magazines, so
    this module cannot import it)."""

    t: float
    rounds_left: np.ndarray   # (K,) int32 ready rounds per shooter (what C2 reads)
    next_row: np.ndarray      # (K,) int32 next interceptor mover row of each shooter
    mag: Magazines


def _row_end(cs: CompiledScenario) -> np.ndarray:
    """One past the last interceptor row of each shooter: its contiguous block of INTERCEPTOR rows
    with the shooter's host as parent, cut at the next shooter's first row."""
    sh, mv = cs.shooters, cs.movers
    k = sh.n
    out = np.zeros(k, np.int32)
    starts = np.sort(sh.first_row.astype(np.int64))
    for s in range(k):                      # once per replication at start, not the step
        a = int(sh.first_row[s])
        nxt = starts[starts > a]
        b = int(nxt[0]) if nxt.size else mv.n
        run = (mv.kind[a:b] == MoverKind.INTERCEPTOR) & (mv.parent[a:b] == sh.host[s])
        bad = np.flatnonzero(~run)
        out[s] = a + (int(bad[0]) if bad.size else b - a)
    return out


def initial_magazines(cs: CompiledScenario) -> Magazines:
    """Magazines at t = 0: each shooter's ``rounds`` spread over its launchers (the first
    ``rounds % launchers`` launchers one more), its ``reload_rounds`` in stock, nothing reserved."""
    sh = cs.shooters
    k = sh.n
    count = np.maximum(sh.launchers.astype(np.int32), 1)
    first = np.zeros(k, np.int32)
    if k:
        first[1:] = np.cumsum(count)[:-1]
    shooter = np.repeat(np.arange(k, dtype=np.int32), count)
    index = (np.arange(shooter.size, dtype=np.int32) - first[shooter]).astype(np.int32)
    rounds = sh.rounds.astype(np.int32)
    base = rounds // count
    extra = rounds % count
    capacity = (base[shooter] + (index < extra[shooter])).astype(np.int32)
    m = shooter.size
    return Magazines(
        shooter=shooter, index=index, capacity=capacity, loaded=capacity.copy(), reserved=np.zeros(m, np.int32),
        in_reload=np.zeros(m, np.int32), reload_until=np.full(m, np.inf), first=first, count=count,
        reserve_turn=np.zeros(k, np.int32), fire_turn=np.zeros(k, np.int32),
        reloads_left=sh.reload_rounds.astype(np.int32).copy(), reloads_used=np.zeros(k, np.int32),
        fired=np.zeros(k, np.int32), rearmed=np.zeros(k, np.int32), row_end=_row_end(cs))


def ready_rounds(mag: Magazines, k: int) -> np.ndarray:
    """(K,) int32 ready rounds per shooter: the sum of ``loaded - reserved`` over its launchers."""
    return np.bincount(mag.shooter, weights=mag.loaded - mag.reserved, minlength=k).astype(np.int32)


def _sync(w: World, shooters: np.ndarray) -> None:
    """``w.rounds_left`` of ``shooters`` from the launchers (the one place it is written here)."""
    mag = w.mag
    ready = ready_rounds(mag, w.rounds_left.size)
    w.rounds_left[shooters] = ready[shooters]
    mag.touch()


def reserve(w: World, cs: CompiledScenario, shooter: int, n: int) -> int:
    """Book up to ``n`` ready rounds of ``shooter`` for an order; returns how many were booked.

    Rounds are booked on the launchers in turn (one per launcher with a free round, round robin),
    so that a salvo leaves from several launchers, as fired by :func:`take`.
    """
    mag = w.mag
    s = int(shooter)
    a, c = int(mag.first[s]), int(mag.count[s])
    booked = 0
    for _ in range(int(n)):
        free = mag.loaded[a:a + c] - mag.reserved[a:a + c]
        j = _next_in_turn(free > 0, int(mag.reserve_turn[s]))
        if j < 0:
            break
        mag.reserved[a + j] += 1
        mag.reserve_turn[s] = (j + 1) % c
        booked += 1
    if booked:
        _sync(w, np.array([s]))
    return booked


def release(w: World, cs: CompiledScenario, shooter: int, n: int = 1) -> int:
    """Give back ``n`` booked rounds of ``shooter`` (a cancelled launch: the round stays on its
    launcher and is ready again); returns how many were released."""
    return _unbook(w, cs, int(shooter), int(n), fire=False).size


def take(w: World, cs: CompiledScenario, shooter: int, n: int = 1) -> np.ndarray:
    """Launch ``n`` booked rounds of ``shooter``: each leaves the next launcher in turn that holds a
    booked round. Returns the launcher rows used (M-row indices). A launcher left empty starts a
    reload from the shooter's stock (full at ``w.t + reload_time``) if any stock remains.

    If fewer rounds are booked than ``n``, ready rounds are taken instead (and if none are ready,
    fewer than ``n`` launcher rows come back).
    """
    s = int(shooter)
    used = _unbook(w, cs, s, int(n), fire=True)
    mag = w.mag
    short = int(n) - used.size
    if short > 0:     # not booked beforehand: book now, then fire
        got = reserve(w, cs, s, short)
        if got:
            used = np.concatenate([used, _unbook(w, cs, s, got, fire=True)])
    if used.size:
        mag.fired[s] += used.size
        _start_reloads(w, cs, used)
        _sync(w, np.array([s]))
    return used


def _unbook(w: World, cs: CompiledScenario, s: int, n: int, fire: bool) -> np.ndarray:
    mag = w.mag
    a, c = int(mag.first[s]), int(mag.count[s])
    out: list[int] = []
    for _ in range(n):
        j = _next_in_turn(mag.reserved[a:a + c] > 0, int(mag.fire_turn[s]))
        if j < 0:
            break
        mag.reserved[a + j] -= 1
        if fire:
            mag.loaded[a + j] -= 1
        mag.fire_turn[s] = (j + 1) % c
        out.append(a + j)
    if out and not fire:
        _sync(w, np.array([s]))
    return np.array(out, dtype=np.int64)


def _next_in_turn(ok: np.ndarray, start: int) -> int:
    """The first index ``>= start`` (cyclically) where ``ok`` holds, -1 if none."""
    c = ok.size
    if c == 0:
        return -1
    order = (np.arange(c) + start) % c
    hit = np.flatnonzero(ok[order])
    return int(order[hit[0]]) if hit.size else -1


def _start_reloads(w: World, cs: CompiledScenario, launchers: np.ndarray) -> None:
    """Empty launchers among ``launchers`` not reloading yet take a reload from their shooter's stock."""
    mag = w.mag
    for r in np.unique(launchers):     # the launchers of one launch: one or a few
        s = int(mag.shooter[r])
        if mag.loaded[r] > 0 or mag.in_reload[r] > 0 or mag.reloads_left[s] <= 0:
            continue
        n = int(min(mag.capacity[r], mag.reloads_left[s]))
        mag.reloads_left[s] -= n
        mag.reloads_used[s] += n
        mag.in_reload[r] = n
        mag.reload_until[r] = w.t + float(cs.shooters.reload_time[s])


def advance_reloads(w: World, cs: CompiledScenario) -> np.ndarray:
    """Finish every reload due by ``w.t``: its rounds become ready. Returns the shooters changed."""
    mag = w.mag
    due = mag.reload_until <= w.t + 1e-9
    if not due.any():
        return np.zeros(0, np.int64)
    mag.loaded[due] += mag.in_reload[due]
    mag.in_reload[due] = 0
    mag.reload_until[due] = np.inf
    changed = np.unique(mag.shooter[due])
    _sync(w, changed)
    return changed


def rearm(w: World, cs: CompiledScenario, shooters: np.ndarray) -> np.ndarray:
    """Refill the launchers of ``shooters`` to capacity (fighters on landing at their base).

    A shooter can hold no more rounds than interceptor mover rows it has left
    (``row_end - next_row``, less the rounds already loaded, in reload or in stock): rounds beyond
    that are not added. Booked rounds are kept. Returns (len(shooters),) int32 rounds added.
    """
    mag = w.mag
    shooters = np.atleast_1d(np.asarray(shooters, dtype=np.int64))
    k = w.rounds_left.size
    added = np.zeros(shooters.size, np.int32)
    if shooters.size == 0:
        return added
    sel = np.zeros(k, bool)
    sel[shooters] = True
    rows = np.flatnonzero(sel[mag.shooter])          # launchers of the selected shooters, by shooter
    held = (np.bincount(mag.shooter, weights=mag.loaded + mag.in_reload, minlength=k).astype(np.int64)
            + mag.reloads_left)
    room = np.maximum(mag.row_end.astype(np.int64) - w.next_row.astype(np.int64) - held, 0)   # (K,)
    deficit = np.maximum(mag.capacity[rows] - mag.loaded[rows] - mag.in_reload[rows], 0).astype(np.int64)
    owner = mag.shooter[rows]
    csum = np.cumsum(deficit)
    start = np.zeros(k, np.int64)                     # cumulative deficit before each shooter's first row
    first_pos = np.searchsorted(owner, owner, side="left")
    before = csum[first_pos] - deficit[first_pos]
    start[owner] = before
    within = csum - start[owner]                      # cumulative deficit inside the shooter, inclusive
    give = np.clip(room[owner] - (within - deficit), 0, deficit).astype(np.int32)
    mag.loaded[rows] += give
    per = np.bincount(owner, weights=give, minlength=k).astype(np.int32)
    mag.rearmed += per
    _sync(w, np.flatnonzero(sel))
    added[:] = per[shooters]
    return added
