"""Track-to-track association and covariance-intersection fusion (vectorised over track pairs).

Association test (Bar-Shalom & Li 1995, *Multitarget-Multisensor Tracking: Principles and
Techniques*, ch. 8; Bar-Shalom, Li & Kirubarajan 2001, *Estimation with Applications to Tracking
and Navigation*, sec. on track-to-track association): two tracks i, j of the same target have a
position difference D = x_i - x_j with covariance P_i + P_j - P_ij - P_ji. The cross-covariance
P_ij (common process noise, shared prior) is unknown across a data link and is **neglected** here,
so the test statistic is

    d^2 = D' (P_i + P_j + floor^2 I)^-1 D  ~  chi-square(3)

gated at ``chi2.ppf(gate_prob, 3)``. Neglecting a positive cross-covariance over-states the
difference covariance, i.e. the gate is a little wider than the exact one. ``floor`` (m) keeps
near-perfect tracks (tiny covariances, the perfect-tracking baseline) and unmodelled errors such as
timing misalignment from failing the test. Among the gated pairs a global nearest-neighbour
assignment (``scipy.optimize.linear_sum_assignment`` on d^2: the most pairs, then the least total
d^2) pairs each track with at most one track of the other list.

Fusion (Julier & Uhlmann 1997, "A non-divergent estimation algorithm in the presence of unknown
correlations", Proc. American Control Conference): covariance intersection

    P^-1 = w P1^-1 + (1 - w) P2^-1,   x = P (w P1^-1 x1 + (1 - w) P2^-1 x2),

with w in [0, 1] minimising trace(P). The result is consistent whatever the (unknown) correlation
between the two estimates, where the naive information sum (w = 1 and 1 - w = 1) is overconfident
as soon as the errors are positively correlated. trace(P) is convex in w, so a vectorised
golden-section search (with both end points checked) finds the minimum. Over the 6-D [pos, vel]
state the trace adds m^2 and (m/s)^2, i.e. it weighs a velocity error like the position error it
makes in one second.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.stats import chi2

#: Default gate probability of the track-to-track association test.
T2T_GATE_PROB = 0.99
#: Default absolute floor (m, 1-sigma per axis) added to the difference covariance.
T2T_FLOOR_M = 25.0

_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def association_d2(pos1: np.ndarray, cov1: np.ndarray, pos2: np.ndarray, cov2: np.ndarray,
                   floor_m: float = T2T_FLOOR_M, max_d2: float | None = None) -> np.ndarray:
    """(M, N) chi-square statistic d^2 = D' (P1 + P2 + floor^2 I)^-1 D for every pair of tracks.

    ``pos1`` (M,3), ``cov1`` (M,3,3), ``pos2`` (N,3), ``cov2`` (N,3,3); cross-covariance neglected.
    With ``max_d2`` given, pairs that cannot have d^2 <= max_d2 (|D|^2 > max_d2 * trace(S), since
    d^2 >= |D|^2 / lambda_max(S) >= |D|^2 / trace(S)) are set to +inf without a solve.
    """
    m, n = len(pos1), len(pos2)
    out = np.full((m, n), np.inf)
    if m == 0 or n == 0:
        return out
    diff = pos1[:, None, :] - pos2[None, :, :]                                   # (M,N,3)
    r2 = np.einsum("mnk,mnk->mn", diff, diff)
    tr = (np.trace(cov1, axis1=1, axis2=2)[:, None] + np.trace(cov2, axis1=1, axis2=2)[None, :]
          + 3.0 * floor_m ** 2)
    cand = np.ones((m, n), bool) if max_d2 is None else r2 <= max_d2 * tr
    i, j = np.nonzero(cand)
    if i.size == 0:
        return out
    s = cov1[i] + cov2[j] + floor_m ** 2 * np.eye(3)
    d = diff[i, j]
    out[i, j] = np.einsum("kj,kj->k", d, np.linalg.solve(s, d[:, :, None])[:, :, 0])
    return out


def associate(pos1: np.ndarray, cov1: np.ndarray, pos2: np.ndarray, cov2: np.ndarray,
              gate_prob: float = T2T_GATE_PROB, floor_m: float = T2T_FLOOR_M) -> tuple[np.ndarray, np.ndarray]:
    """Gated global-nearest-neighbour track-to-track pairs: index arrays (i into list 1, j into list 2).

    Each track of either list appears in at most one pair; only pairs with d^2 within the
    chi-square(3) gate at ``gate_prob`` are returned. Deterministic for given inputs.
    """
    gate = chi2_gate(gate_prob, 3)
    d2 = association_d2(pos1, cov1, pos2, cov2, floor_m, max_d2=gate)
    ok = d2 <= gate
    empty = np.zeros(0, np.int64)
    if not ok.any():
        return empty, empty
    rows = np.flatnonzero(ok.any(axis=1))
    cols = np.flatnonzero(ok.any(axis=0))
    sub_ok = ok[np.ix_(rows, cols)]
    # a non-gated pair costs more than every gated pair together: the assignment first takes the
    # most gated pairs, then the least total d^2 among them
    big = gate * (min(rows.size, cols.size) + 1) + 1.0
    cost = np.where(sub_ok, d2[np.ix_(rows, cols)], big)
    r, c = linear_sum_assignment(cost)
    keep = sub_ok[r, c]
    return rows[r[keep]].astype(np.int64), cols[c[keep]].astype(np.int64)


def block_cov(pos_cov: np.ndarray, vel_cov: np.ndarray) -> np.ndarray:
    """(K,6,6) block-diagonal [pos, vel] covariance from the (K,3,3) blocks."""
    p = np.zeros((len(pos_cov), 6, 6))
    p[:, :3, :3] = pos_cov
    p[:, 3:, 3:] = vel_cov
    return p


def _sym_inv(p: np.ndarray) -> np.ndarray:
    inv = np.linalg.inv(p)
    return 0.5 * (inv + np.swapaxes(inv, -1, -2))


def _ci_trace(i1: np.ndarray, i2: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.trace(np.linalg.inv(w[:, None, None] * i1 + (1.0 - w)[:, None, None] * i2), axis1=1, axis2=2)


def ci_weight(p1: np.ndarray, p2: np.ndarray, iters: int = 40) -> np.ndarray:
    """(K,) covariance-intersection weight w in [0, 1] minimising trace(P) for each pair (golden section)."""
    i1, i2 = _sym_inv(p1), _sym_inv(p2)
    k = len(p1)
    a, b = np.zeros(k), np.ones(k)
    c = b - _GOLDEN * (b - a)
    d = a + _GOLDEN * (b - a)
    fc, fd = _ci_trace(i1, i2, c), _ci_trace(i1, i2, d)
    for _ in range(iters):                       # interval shrinks by 0.618 each pass: 40 -> 4e-9
        left = fc < fd                           # minimum in [a, d]
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        nc = b - _GOLDEN * (b - a)
        nd = a + _GOLDEN * (b - a)
        # reuse the surviving interior point; evaluate the new one
        f_new = _ci_trace(i1, i2, np.where(left, nc, nd))
        fd, fc = np.where(left, fc, f_new), np.where(left, f_new, fd)
        c, d = nc, nd
    w = 0.5 * (a + b)
    cands = np.stack([w, np.zeros(k), np.ones(k)])                               # (3,K)
    tr = np.stack([_ci_trace(i1, i2, cw) for cw in cands])
    return cands[np.argmin(tr, axis=0), np.arange(k)]


def covariance_intersection(x1: np.ndarray, p1: np.ndarray, x2: np.ndarray, p2: np.ndarray,
                            w: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Covariance-intersection fusion of K pairs of estimates: ``x`` (K,d), ``p`` (K,d,d).

    Returns the fused state (K,d), covariance (K,d,d) and the weights (K,). ``w`` (K,) fixes the
    weights; by default each pair's weight minimises trace(P) (:func:`ci_weight`).
    """
    if len(x1) == 0:
        return np.zeros_like(x1), np.zeros_like(p1), np.zeros(0)
    if w is None:
        w = ci_weight(p1, p2)
    i1, i2 = _sym_inv(p1), _sym_inv(p2)
    info = w[:, None, None] * i1 + (1.0 - w)[:, None, None] * i2
    p = _sym_inv(info)
    y = (w[:, None] * np.einsum("kij,kj->ki", i1, x1) + (1.0 - w)[:, None] * np.einsum("kij,kj->ki", i2, x2))
    x = np.einsum("kij,kj->ki", p, y)
    return x, p, w


def information_fusion(x1: np.ndarray, p1: np.ndarray, x2: np.ndarray, p2: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Naive fusion as if the two estimates were independent: P^-1 = P1^-1 + P2^-1 (for comparison)."""
    i1, i2 = _sym_inv(p1), _sym_inv(p2)
    p = _sym_inv(i1 + i2)
    x = np.einsum("kij,kj->ki", p, np.einsum("kij,kj->ki", i1, x1) + np.einsum("kij,kj->ki", i2, x2))
    return x, p


@lru_cache(maxsize=64)
def chi2_gate(prob: float, dof: int) -> float:
    """Chi-square quantile P(chi2_dof <= g) = prob, cached (scipy's ppf costs ~150 us a call)."""
    return float(chi2.ppf(prob, dof))
