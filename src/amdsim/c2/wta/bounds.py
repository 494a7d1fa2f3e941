"""Static WTA: lower bounds on the optimal objective, used to state a heuristic's optimality gap.

- :func:`wta_lagrangian_bound`: Lagrangian relaxation of the one-target-per-weapon constraints (as
  tight as the set-partitioning LP of Ahuja, Kumar, Jha and Orlin 2007, sec. 5).
- :func:`wta_lower_bound`: the weaker continuous-relaxation bound (convex program in
  ``a_ij = -ln(1 - p_ij)``, Frank-Wolfe dual bound).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from amdsim.c2.wta.heuristic import _greedy_mmr, _iterated_local_search, _objective, _surv_without
from amdsim.c2.wta.problem import wta_check


def wta_lower_bound(values, pk, iters: int = 3000) -> float:
    """Lower bound on the optimal WTA objective from the continuous relaxation.

    With ``a_ij = -ln(1 - p_ij)`` the objective is ``sum_j V_j exp(-sum_i a_ij x_ij)``, convex in
    x; relaxing ``x_ij in {0, 1}`` to ``x_ij >= 0, sum_j x_ij <= 1`` gives a convex program whose
    minimum is below the integer optimum. It is minimised by exponentiated gradient, and at each
    iterate the Frank-Wolfe dual bound ``F(x) + min_y grad F . (y - x)`` (y a vertex: each weapon on
    its most negative gradient entry) is a valid bound; the best one is returned.

    Parameters
    ----------
    values : array_like, shape (n_targets,)
    pk : array_like, shape (n_weapons, n_targets)
    iters : int
        Iterations.

    Returns
    -------
    float
        A lower bound on ``min F`` (units of V).
    """
    v, p = wta_check(values, pk)
    if p.size == 0:
        return float(v.sum())
    return float(_relaxation_bound(v, p, iters))


@njit(cache=True)
def _relaxation_bound(v, p, iters):  # pragma: no cover - compiled
    n_w, n_t = p.shape
    a = -np.log(np.maximum(1.0 - p, 1e-12))
    x = np.zeros((n_w, n_t + 1))  # last slot: unassigned; start uniform on the feasible targets
    for i in range(n_w):
        c = 0
        for j in range(n_t):
            if p[i, j] > 0:
                c += 1
        for j in range(n_t):
            if p[i, j] > 0:
                x[i, j] = 1.0 / c
        if c == 0:
            x[i, n_t] = 1.0
    best = 0.0
    eta = 1.0 / max(v.max(), 1e-300)
    g = np.zeros((n_w, n_t + 1))
    for it in range(iters):
        s = np.zeros(n_t)
        for i in range(n_w):
            for j in range(n_t):
                s[j] += a[i, j] * x[i, j]
        e = v * np.exp(-s)
        lin = 0.0
        for i in range(n_w):
            gm = 0.0
            for j in range(n_t):
                g[i, j] = -a[i, j] * e[j]
                lin += g[i, j] * x[i, j]
                if g[i, j] < gm:
                    gm = g[i, j]
            lin -= gm
        lb = e.sum() - lin
        if lb > best:
            best = lb
        step = eta * 5.0 / np.sqrt(it + 1.0)  # exponentiated-gradient step on each weapon's simplex
        for i in range(n_w):
            z = 0.0
            for j in range(n_t + 1):
                if x[i, j] > 0:
                    x[i, j] *= np.exp(-step * g[i, j])
                    z += x[i, j]
            for j in range(n_t + 1):
                x[i, j] /= z
    return best


def wta_lagrangian_bound(values, pk, upper: float | None = None, iters: int = 300,
                         start: np.ndarray | None = None) -> float:
    """Lower bound on the optimal WTA objective by Lagrangian relaxation of the weapon constraints.

    With prices lambda_i >= 0 on the weapons, ``L(lambda) = sum_j min_S [V_j prod_{i in S} (1 - p_ij)
    + sum_{i in S} lambda_i] - sum_i lambda_i`` lets every target pick its own weapon set S and is
    below the optimum for any lambda; its maximum equals the LP bound of the set-partitioning
    (column) formulation of Ahuja, Kumar, Jha and Orlin (2007), sec. 5. Each target's subproblem is
    solved exactly by a compiled depth-first search (weapon i is only worth adding while
    ``V_j q p_ij > lambda_i``, q the current survival, which prunes it to a few weapons); lambda
    starts at each weapon's marginal return in the heuristic solution and moves by subgradient steps
    (Polyak step towards ``upper``).

    Parameters
    ----------
    values : array_like, shape (n_targets,)
    pk : array_like, shape (n_weapons, n_targets)
    upper : float, optional
        Objective of a known assignment (default: :func:`wta_heuristic`'s).
    iters : int
        Subgradient iterations.
    start : ndarray, shape (n_weapons,), optional
        An assignment whose marginal returns give the start prices (default: the iterated local
        search's); with ``upper`` it saves that search.

    Returns
    -------
    float
        The best bound found (units of V).
    """
    v, p = wta_check(values, pk)
    if p.size == 0:
        return float(v.sum())
    a = _iterated_local_search(v, p, _greedy_mmr(v, p), 1500, 3, 0) if start is None else np.asarray(start, np.int64)
    ub = _objective(v, p, a) if upper is None else float(upper)
    lam = np.zeros(p.shape[0])
    for i in range(p.shape[0]):  # marginal return of each weapon where it is (start prices)
        if a[i] >= 0:
            lam[i] = _surv_without(v, p, a, a[i], i) * p[i, a[i]]
    return float(_lagrangian_bound(v, p, lam, ub, iters))


def wta_assignment_bound(values, pk, slots: int | None = 1, iters: int = 1) -> float:
    """Lower bound on the optimal WTA objective: the Lagrangian function (:func:`wta_lagrangian_bound`'s
    ``L``) at the weapon prices of an assignment LP over target slots, the LP relaxation of the flow
    construction (``heuristic._flow_start``): slot k of target j credits weapon i with
    ``V_j p_ij (1 - pbar_j)^k``, each weapon and each slot used at most once; the prices are the LP's
    duals u_i of the weapon rows (scipy's HiGHS). Any prices give a valid bound; these are good ones.

    With ``slots=1`` (one weapon per target) every target's best single weapon (or none) costs exactly
    what the assignment pays, so the bound equals the assignment's surviving value unless some target
    would rather take two or more weapons at those prices: when it equals the objective of the linear
    assignment, that assignment is proven optimal (the certificate of the one-round instances, issue
    18). ``slots=None`` takes ``ceil(W / T) + 1`` slots, as the construction does (tight on two-round
    instances: within 0.4 % of the heuristic on Ahuja et al.'s classes).

    Parameters
    ----------
    values : array_like, shape (n_targets,)
    pk : array_like, shape (n_weapons, n_targets)
    slots : int or None
        Slots per target in the LP.
    iters : int
        Evaluations of ``L``: 1 at the LP's prices, more continue by subgradient steps from them.

    Returns
    -------
    float
        A valid lower bound (units of V), whatever the instance.
    """
    from scipy.optimize import linprog
    from scipy.sparse import eye, hstack, kron, vstack

    v, p = wta_check(values, pk)
    n_w, n_t = p.shape
    if p.size == 0:
        return float(v.sum())
    n_s = -(-n_w // n_t) + 1 if slots is None else int(slots)
    pbar = p.mean(axis=0)
    gain = (v[None, None, :] * p[:, None, :] * ((1.0 - pbar)[None, None, :] ** np.arange(n_s)[None, :, None]))
    a_ub = vstack([kron(eye(n_w), np.ones((1, n_s * n_t))), hstack([eye(n_s * n_t)] * n_w)]).tocsr()
    res = linprog(-gain.ravel(), A_ub=a_ub, b_ub=np.ones(n_w + n_s * n_t), bounds=(0, None), method="highs")
    if res.status != 0:
        return 0.0
    prices = np.maximum(-res.ineqlin.marginals[:n_w], 0.0)
    return float(_lagrangian_bound(v, p, prices, float(v.sum()), max(int(iters), 1)))


@njit(cache=True)
def _price_subproblem(vj, pj, lam, cand, lam_min, n_c, best_sel, q_st, c_st, m_st, cur):  # pragma: no cover
    """Exact ``min_S vj prod_{i in S} (1 - p_i) + sum_{i in S} lambda_i`` over S within cand[:n_c].

    Depth-first (explicit stack: numba's cache does not reload recursive functions safely) over
    candidates sorted by decreasing p. A subtree is cut when even the m most effective remaining
    weapons at the cheapest remaining price (lam_min: suffix minima) cannot beat the best value, and a
    weapon is only added while its marginal return ``vj q p_i`` exceeds its price.
    """
    best = vj
    best_sel[:] = False
    d = 0
    q_st[0] = 1.0
    c_st[0] = 0.0
    m_st[0] = 0
    fresh = True
    while d >= 0:
        q = q_st[d]
        cost = c_st[d]
        if fresh:
            fresh = False
            val = vj * q + cost
            if val < best:
                best = val
                best_sel[:] = False
                for m in range(d):
                    best_sel[cur[m]] = True
            k = m_st[d]
            lb = val
            qq = q
            for m in range(k, n_c):
                qq *= 1.0 - pj[cand[m]]
                b = vj * qq + cost + (m - k + 1) * lam_min[k]
                if b < lb:
                    lb = b
            if k >= n_c or lb >= best:
                d -= 1
                continue
        m = m_st[d]
        i = -1
        while m < n_c:
            c = cand[m]
            m += 1
            if vj * q * pj[c] > lam[c]:
                i = c
                break
        m_st[d] = m
        if i < 0:
            d -= 1
            continue
        cur[d] = i
        q_st[d + 1] = q * (1.0 - pj[i])
        c_st[d + 1] = cost + lam[i]
        m_st[d + 1] = m
        d += 1
        fresh = True
    return best


@njit(cache=True)
def _lagrangian_bound(v, p, lam, ub, iters):  # pragma: no cover - compiled
    n_w, n_t = p.shape
    best_lb = 0.0
    theta = 1.0
    cand = np.empty(n_w, np.int64)
    cur = np.empty(n_w, np.int64)
    q_st = np.empty(n_w + 1)
    c_st = np.empty(n_w + 1)
    m_st = np.empty(n_w + 1, np.int64)
    lam_min = np.empty(n_w + 1)
    best_sel = np.zeros(n_w, np.bool_)
    count = np.zeros(n_w)
    since = 0
    pj = np.empty(n_w)
    for _ in range(iters):
        total = -lam.sum()
        count[:] = 0.0
        for j in range(n_t):
            n_c = 0
            for i in range(n_w):
                pj[i] = p[i, j]
                if v[j] * p[i, j] > lam[i]:
                    cand[n_c] = i
                    n_c += 1
            srt = np.argsort(-pj[cand[:n_c]])
            cand[:n_c] = cand[:n_c][srt]
            lam_min[n_c] = np.inf
            for m in range(n_c - 1, -1, -1):
                lam_min[m] = min(lam_min[m + 1], lam[cand[m]])
            total += _price_subproblem(v[j], pj, lam, cand, lam_min, n_c, best_sel, q_st, c_st, m_st, cur)
            for i in range(n_w):
                if best_sel[i]:
                    count[i] += 1.0
        if total > best_lb + 1e-12 * (1.0 + abs(best_lb)):
            best_lb = total
            since = 0
        else:
            since += 1
            if since >= 25:
                theta *= 0.5
                since = 0
        g2 = 0.0
        for i in range(n_w):
            g = count[i] - 1.0
            if lam[i] <= 0.0 and g < 0.0:
                g = 0.0
            g2 += g * g
        if g2 == 0.0 or theta < 1e-6:
            break
        step = theta * (ub - total) / g2
        for i in range(n_w):
            lam[i] = max(0.0, lam[i] + step * (count[i] - 1.0))
    return best_lb
