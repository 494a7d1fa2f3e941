"""Static WTA: the exact solver (subset dynamic program, branch and bound).

:func:`wta_exact`: up to :data:`DP_MAX_WEAPONS` weapons a dynamic program over weapon subsets,
target by target, ``O(n_targets 3^n_weapons)`` (10 x 10: about 1 ms; 16 weapons: about 0.5 s).
Beyond, depth-first branch and bound (compiled), weapons taken strongest first, targets tried in
order of marginal return, incumbent from :func:`~amdsim.c2.wta.heuristic.wta_heuristic`. The bound
uses the diminishing returns of F: a weapon's reduction of F can only shrink as other weapons are
added, so ``F(partial) - sum_{i remaining} max_j V_j q_j p_ij`` is a lower bound (``q_j`` the current
survival of target j); it is combined with ``sum_j V_j q_j prod_{i remaining} (1 - p_ij)`` (every
remaining weapon fired at every target). Identical rows (one battery's rounds) are tied so their
permutations are not enumerated. Exponential in the worst case; a node limit returns the best found
with ``optimal=False``. Measured (``amdsim bench --only wta``): exact 10 x 10 in 1.2 ms per solve.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit, objmode

from amdsim.c2.wta.heuristic import wta_heuristic
from amdsim.c2.wta.problem import WTAResult, _drop_idle, wta_check, wta_objective

DP_MAX_WEAPONS = 16
""":func:`wta_exact` uses the subset dynamic program up to this many weapons, branch and bound beyond."""


# ------------------------------------------------------------------------------ branch and bound
#: Nodes between two looks at the clock in the branch and bound (a look costs about a microsecond).
CLOCK_EVERY_NODES = 4096


@njit(cache=True)
def _bnb(v, p, tie, inc_a, inc_f, max_nodes, deadline):  # pragma: no cover - compiled
    """Depth-first branch and bound over weapons in the given order.

    tie[i] is True when row i equals row i-1; then a[i] >= a[i-1] (with -1 read as n_t) removes the
    permutations of identical rounds. The search stops after ``max_nodes`` nodes or at ``deadline``
    (``time.perf_counter()`` seconds, read every :data:`CLOCK_EVERY_NODES` nodes). Returns (best
    assignment, best value, nodes, completed).
    """
    n_w, n_t = p.shape
    best_a = inc_a.copy()
    best_f = inc_f
    a = np.full(n_w, -1, np.int64)
    s = v.copy()
    # per-depth saved state and branch lists
    order = np.empty((n_w + 1, n_t + 1), np.int64)
    n_opt = np.zeros(n_w + 1, np.int64)
    pos = np.zeros(n_w + 1, np.int64)
    saved = np.empty(n_w + 1)
    gains = np.empty(n_t)
    nodes = 0
    depth = 0
    fresh = True
    tol = 1e-12 * (1.0 + v.sum())
    while depth >= 0:
        if fresh:
            nodes += 1
            if nodes % CLOCK_EVERY_NODES == 0:
                with objmode(now="float64"):
                    now = time.perf_counter()
                if now > deadline:
                    max_nodes = nodes - 1   # out of time: unwind as at the node limit
            f = s.sum()
            if depth == n_w:
                if f < best_f - tol:
                    best_f = f
                    best_a[:] = a
                depth -= 1
                fresh = False
                continue
            # bound 1: diminishing returns; bound 2: every remaining weapon at every target
            red = 0.0
            for k in range(depth, n_w):
                m = 0.0
                for j in range(n_t):
                    d = s[j] * p[k, j]
                    if d > m:
                        m = d
                red += m
            lb1 = f - red
            lb2 = 0.0
            for j in range(n_t):
                q = s[j]
                for k in range(depth, n_w):
                    q *= 1.0 - p[k, j]
                lb2 += q
            lb = lb1 if lb1 > lb2 else lb2
            if lb >= best_f - tol or nodes > max_nodes:
                depth -= 1
                fresh = False
                continue
            # branches: feasible targets by decreasing marginal return; -1 only if nothing helps
            i = depth
            lo = 0
            if tie[i]:
                lo = a[i - 1] if a[i - 1] >= 0 else n_t
            cnt = 0
            for j in range(n_t):
                gains[j] = s[j] * p[i, j]
            idx = np.argsort(-gains)
            for jj in range(n_t):
                j = idx[jj]
                if j >= lo and gains[j] > 0.0:
                    order[depth, cnt] = j
                    cnt += 1
            if cnt == 0 and (not tie[i] or lo <= n_t):
                order[depth, 0] = -1
                cnt = 1
            n_opt[depth] = cnt
            pos[depth] = 0
        # undo the previous branch at this depth
        i = depth
        if a[i] >= 0:
            s[a[i]] = saved[depth]
            a[i] = -1
        if pos[depth] >= n_opt[depth] or nodes > max_nodes:
            depth -= 1
            fresh = False
            continue
        j = order[depth, pos[depth]]
        pos[depth] += 1
        if j >= 0:
            saved[depth] = s[j]
            s[j] *= 1.0 - p[i, j]
        a[i] = j
        depth += 1
        fresh = True
    return best_a, best_f, nodes, nodes <= max_nodes


# ------------------------------------------------------------------------------- subset dynamic program
@njit(cache=True)
def _subset_dp(v, p):  # pragma: no cover - compiled
    """Exact WTA by dynamic programming over weapon subsets, O(n_targets 3^n_weapons).

    best_j[M] = min over S subset of (M and the weapons feasible on j) of
    best_{j-1}[M minus S] + V_j prod_{i in S} (1 - p_ij): the least surviving value of targets 0..j
    using only weapons in M. The optimum is best_{n_t}[all weapons].
    """
    n_w, n_t = p.shape
    n_m = 1 << n_w
    prev = np.zeros(n_m)
    cur = np.empty(n_m)
    choice = np.zeros((n_t, n_m), np.int64)
    cost = np.empty(n_m)
    for j in range(n_t):
        feas = 0
        for i in range(n_w):
            if p[i, j] > 0.0:
                feas |= 1 << i
        cost[0] = v[j]
        for m in range(1, n_m):  # cost of every weapon set on target j, lowest bit peeled off
            low = m & -m
            i = 0
            while (1 << i) != low:
                i += 1
            cost[m] = cost[m ^ low] * (1.0 - p[i, j])
        for m in range(n_m):
            avail = m & feas
            best = prev[m] + cost[0]
            bs = 0
            sub = avail
            while sub > 0:
                val = prev[m ^ sub] + cost[sub]
                if val < best:
                    best = val
                    bs = sub
                sub = (sub - 1) & avail
            cur[m] = best
            choice[j, m] = bs
        prev, cur = cur, prev
    a = np.full(n_w, -1, np.int64)
    m = n_m - 1
    for j in range(n_t - 1, -1, -1):
        sub = choice[j, m]
        for i in range(n_w):
            if (sub >> i) & 1:
                a[i] = j
        m ^= sub
    return a, prev[n_m - 1]


def wta_exact(values, pk, max_nodes: int = 50_000_000, method: str = "auto",
              time_limit_s: float | None = 60.0) -> WTAResult:
    """Optimal WTA: subset dynamic program up to :data:`DP_MAX_WEAPONS` weapons, else branch and bound.

    Parameters
    ----------
    values : array_like, shape (n_targets,)
    pk : array_like, shape (n_weapons, n_targets)
    max_nodes : int
        Branch-and-bound node limit; when reached the best assignment found is returned with
        ``optimal=False``.
    time_limit_s : float or None
        Wall-clock limit of the branch and bound (s; None: none). When the node or time limit stops the
        search, the result has ``optimal=False``, ``stopped_by`` ("nodes" or "time"), and the gap
        ``(F - LB) / F`` to the Lagrangian lower bound (:func:`~amdsim.c2.wta.bounds.wta_lagrangian_bound`).
    method : {"auto", "dp", "bnb"}
        Force one of the two exact methods (tests); ``"dp"`` needs <= 25 weapons (memory 2^n).

    Returns
    -------
    WTAResult
        ``solver="exact"``; ``optimal`` True unless the node limit stopped the search.
    """
    t0 = time.perf_counter()
    v, p = wta_check(values, pk)
    n_w = p.shape[0]
    if n_w == 0 or v.size == 0:
        a = np.full(n_w, -1, np.int64)
        return WTAResult(a, float(v.sum()), "exact", True, time.perf_counter() - t0)
    if method not in ("auto", "dp", "bnb"):
        raise ValueError(f"method must be auto, dp or bnb, got {method!r}")
    if method == "dp" or (method == "auto" and n_w <= DP_MAX_WEAPONS):
        a = _drop_idle(v, p, _subset_dp(v, p)[0])
        return WTAResult(a, wta_objective(v, p, a), "exact", True, time.perf_counter() - t0)
    # branch and bound: strongest weapons first (largest max V_j p_ij); identical rows adjacent and tied
    strength = (p * v).max(axis=1)
    perm = np.lexsort((*p.T[::-1], -strength))
    pp = np.ascontiguousarray(p[perm])
    tie = np.zeros(n_w, np.bool_)
    tie[1:] = np.all(pp[1:] == pp[:-1], axis=1)
    inc = wta_heuristic(v, pp).assignment      # incumbent: the heuristic's (both constructions, kicks)
    inc_f = wta_objective(v, pp, inc)
    inc = _sorted_ties(inc, tie, v.size)
    deadline = np.inf if time_limit_s is None else t0 + float(time_limit_s)
    best, _, nodes, done = _bnb(v, pp, tie, inc, inc_f + 1e-9 * (1.0 + v.sum()), max_nodes, deadline)
    a = np.empty(n_w, np.int64)
    a[perm] = best
    a = _drop_idle(v, p, a)
    f = wta_objective(v, p, a)
    if done:
        return WTAResult(a, f, "exact", True, time.perf_counter() - t0)
    from amdsim.c2.wta.bounds import wta_assignment_bound, wta_lagrangian_bound

    lb = min(max(wta_lagrangian_bound(v, p, upper=f, iters=200, start=a), wta_assignment_bound(v, p, slots=None)), f)
    return WTAResult(a, f, "exact", False, time.perf_counter() - t0, lower_bound=lb,
                     stopped_by="nodes" if nodes > max_nodes else "time")


def _sorted_ties(a: np.ndarray, tie: np.ndarray, n_t: int) -> np.ndarray:
    """Sort the targets within each run of identical rows (same objective, satisfies the tie rule)."""
    a = a.copy()
    key = np.where(a < 0, n_t, a)
    start = 0
    for i in range(1, a.size + 1):  # runs of ties: at most n_weapons, only on the exact path
        if i == a.size or not tie[i]:
            key[start:i] = np.sort(key[start:i])
            start = i
    return np.where(key == n_t, -1, key)
