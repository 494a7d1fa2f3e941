"""Chi-square gating of predicted tracks against detections, compiled, with a coarse spatial pre-gate.

A (track, detection) pair is in the gate when the squared Mahalanobis distance of the innovation,
d^2 = nu' S^-1 nu with S = H P H' + R, is below the chi-square quantile of the gate probability
(Bar-Shalom, Willett & Tian, *Tracking and Data Fusion*, 2011, 2.3). Returns the gated pairs as
parallel arrays ``ti, di, d2, logdet``, sorted by track then detection, which association
(``associate.py``, ``jpda.py``) consumes.

The exact test needs S per pair; testing all N x M pairs costs N x M. Above ``PREGATE_PAIRS`` pairs
a sorted grid of the detections (cubes of the median gate radius, compiled) first lists, for each
track, the detections within the ball that contains its gate (radius sqrt(gate (tr P + max tr R)):
the largest eigenvalue of S is at most its trace), so the work grows with the gated pairs, not with
tracks x detections (coarse gating: Blackman & Popoli, *Design and Analysis of Modern Tracking
Systems*, 1999, 6.3). A k-d tree (scipy.spatial.cKDTree) did the same 5x slower: its per-track
Python lists, and a second to import.
Both paths give the same pairs in the same order.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Above this many (track, detection) pairs the k-d tree pre-gate lists the candidates.
PREGATE_PAIRS = 250_000


def chi2_ppf3(prob: float) -> float:
    """The chi-square quantile with 3 degrees of freedom: x with P(chi^2_3 <= x) = prob, by bisection on
    the closed-form CDF erf(sqrt(x/2)) - sqrt(2x/pi) exp(-x/2) (Abramowitz & Stegun 1964, 26.4.4),
    so the tracker needs no scipy.stats (a second of start-up)."""
    if not 0.0 < prob < 1.0:
        raise ValueError(f"gate probability must be in (0, 1), got {prob}")
    lo, hi = 0.0, 1.0
    while _chi2_cdf3(hi) < prob:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if _chi2_cdf3(mid) < prob:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-13 * hi:
            break
    return 0.5 * (lo + hi)


def _chi2_cdf3(x: float) -> float:
    r = math.sqrt(x)
    return math.erf(r / math.sqrt(2.0)) - math.sqrt(2.0 / math.pi) * r * math.exp(-0.5 * x)


@njit(cache=True, inline="always")
def _pair_test(xp, Pp, z, R, i, j, gate, trp, trr):
    """(d^2, ln|S|) of pair (i, j), or (-1, 0) when outside the gate."""
    a0 = z[j, 0] - xp[i, 0]
    a1 = z[j, 1] - xp[i, 1]
    a2 = z[j, 2] - xp[i, 2]
    e2 = a0 * a0 + a1 * a1 + a2 * a2
    if e2 > gate * (trp[i] + trr[j]):
        return -1.0, 0.0
    s00 = Pp[i, 0, 0] + R[j, 0, 0]
    s01 = Pp[i, 0, 1] + R[j, 0, 1]
    s02 = Pp[i, 0, 2] + R[j, 0, 2]
    s11 = Pp[i, 1, 1] + R[j, 1, 1]
    s12 = Pp[i, 1, 2] + R[j, 1, 2]
    s22 = Pp[i, 2, 2] + R[j, 2, 2]
    # adjugate of the symmetric 3x3 S
    c00 = s11 * s22 - s12 * s12
    c01 = s02 * s12 - s01 * s22
    c02 = s01 * s12 - s02 * s11
    c11 = s00 * s22 - s02 * s02
    c12 = s01 * s02 - s00 * s12
    c22 = s00 * s11 - s01 * s01
    det = s00 * c00 + s01 * c01 + s02 * c02
    if det <= 0.0:
        return -1.0, 0.0
    q = (a0 * (c00 * a0 + c01 * a1 + c02 * a2) + a1 * (c01 * a0 + c11 * a1 + c12 * a2)
         + a2 * (c02 * a0 + c12 * a1 + c22 * a2)) / det
    if q > gate:
        return -1.0, 0.0
    return q, np.log(det)


@njit(cache=True)
def _traces(Pp, R):
    trp = np.empty(Pp.shape[0])
    for i in range(Pp.shape[0]):
        trp[i] = Pp[i, 0, 0] + Pp[i, 1, 1] + Pp[i, 2, 2]
    trr = np.empty(R.shape[0])
    for j in range(R.shape[0]):
        trr[j] = R[j, 0, 0] + R[j, 1, 1] + R[j, 2, 2]
    return trp, trr


@njit(cache=True)
def _grow(ti, di, d2, ld, k, cap):
    ti2 = np.empty(cap, np.int64)
    di2 = np.empty(cap, np.int64)
    d22 = np.empty(cap)
    ld2 = np.empty(cap)
    ti2[:k] = ti[:k]
    di2[:k] = di[:k]
    d22[:k] = d2[:k]
    ld2[:k] = ld[:k]
    return ti2, di2, d22, ld2


@njit(cache=True)
def gate_pairs(xp, Pp, z, R, gate):
    """Pairs (track, detection) inside the chi-square gate, testing every pair.

    xp (N,3) predicted positions, Pp (N,3,3) their covariances, z (M,3) measured positions,
    R (M,3,3) their covariances, gate: threshold on the squared Mahalanobis distance.
    A cheap Euclidean test (|nu|^2 <= gate * (tr P + tr R), implied by the exact test since the
    largest eigenvalue of S is at most its trace) screens the pairs before the 3x3 inverse.
    Returns ti, di (P,) int64, d2, logdet (P,) float64.
    """
    n, m = xp.shape[0], z.shape[0]
    cap = 4 * (n + m) + 16
    ti = np.empty(cap, np.int64)
    di = np.empty(cap, np.int64)
    d2 = np.empty(cap)
    ld = np.empty(cap)
    trp, trr = _traces(Pp, R)
    k = 0
    for i in range(n):
        for j in range(m):
            q, lg = _pair_test(xp, Pp, z, R, i, j, gate, trp, trr)
            if q < 0.0:
                continue
            if k == cap:
                cap *= 2
                ti, di, d2, ld = _grow(ti, di, d2, ld, k, cap)
            ti[k] = i
            di[k] = j
            d2[k] = q
            ld[k] = lg
            k += 1
    return ti[:k], di[:k], d2[:k], ld[:k]


@njit(cache=True)
def gate_candidates(xp, Pp, z, R, gate, ci, cj):
    """The exact test of :func:`gate_pairs` on candidate pairs (ci, cj) (P,) only (sorted by track, then
    detection: the output keeps their order)."""
    trp, trr = _traces(Pp, R)
    keep = np.zeros(ci.size, np.bool_)
    d2 = np.empty(ci.size)
    ld = np.empty(ci.size)
    for p in range(ci.size):
        q, lg = _pair_test(xp, Pp, z, R, ci[p], cj[p], gate, trp, trr)
        if q >= 0.0:
            keep[p] = True
            d2[p] = q
            ld[p] = lg
    return ci[keep], cj[keep], d2[keep], ld[keep]


def gated(xp: np.ndarray, Pp: np.ndarray, z: np.ndarray, R: np.ndarray,
          gate: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Gated pairs ``ti, di, d2, logdet`` (see :func:`gate_pairs`), through the k-d tree pre-gate when
    tracks x detections exceeds ``PREGATE_PAIRS``."""
    n, m = xp.shape[0], z.shape[0]
    if n * m <= PREGATE_PAIRS:
        return gate_pairs(xp, Pp, z, R, gate)
    ci, cj = candidate_pairs(xp, Pp, z, R, gate)
    return gate_candidates(xp, Pp, z, R, gate, ci, cj)


def candidate_pairs(xp: np.ndarray, Pp: np.ndarray, z: np.ndarray, R: np.ndarray,
                    gate: float) -> tuple[np.ndarray, np.ndarray]:
    """(track, detection) pairs (ci, cj) whose Euclidean distance is within sqrt(gate (tr P_i + max tr R)),
    a ball holding track i's gate, sorted by track then detection."""
    trp = np.trace(Pp, axis1=1, axis2=2)
    trr = float(np.trace(R, axis1=1, axis2=2).max())
    radius = np.sqrt(gate * (trp + trr)) * (1.0 + 1e-9)
    cell = max(float(np.median(radius)), 1e-3)
    return grid_candidates(np.ascontiguousarray(xp), radius, np.ascontiguousarray(z), cell)


@njit(cache=True)
def grid_candidates(xp, radius, z, cell):
    """Sorted-grid bucketing: the detections z (M,3) hashed into cubes of side ``cell`` (m) and sorted by
    cube; each track i (xp (N,3)) visits the cubes its ball of ``radius[i]`` (N,) m touches, or scans every
    detection when that ball spans more cubes than there are detections. Returns (ci, cj) sorted by track,
    then detection."""
    n, m = xp.shape[0], z.shape[0]
    lo = np.empty(3)
    span = np.empty(3, np.int64)
    for a in range(3):
        lo[a] = z[:, a].min()
        span[a] = np.int64((z[:, a].max() - lo[a]) / cell) + 1
    key = np.empty(m, np.int64)
    for j in range(m):
        c0 = np.int64((z[j, 0] - lo[0]) / cell)
        c1 = np.int64((z[j, 1] - lo[1]) / cell)
        c2 = np.int64((z[j, 2] - lo[2]) / cell)
        key[j] = (c0 * span[1] + c1) * span[2] + c2
    order = np.argsort(key, kind="mergesort")
    skey = key[order]
    cap = 4 * (n + m) + 16
    ci = np.empty(cap, np.int64)
    cj = np.empty(cap, np.int64)
    k = 0
    buf = np.empty(m, np.int64)
    for i in range(n):
        r = radius[i]
        r2 = r * r
        reach = np.int64(np.ceil(r / cell))
        nb = 0
        if (2 * reach + 1) ** 3 > m:
            for j in range(m):
                d0 = z[j, 0] - xp[i, 0]
                d1 = z[j, 1] - xp[i, 1]
                d2 = z[j, 2] - xp[i, 2]
                if d0 * d0 + d1 * d1 + d2 * d2 <= r2:
                    buf[nb] = j
                    nb += 1
        else:
            lo0 = np.int64(np.floor((xp[i, 0] - r - lo[0]) / cell))
            lo1 = np.int64(np.floor((xp[i, 1] - r - lo[1]) / cell))
            lo2 = np.int64(np.floor((xp[i, 2] - r - lo[2]) / cell))
            hi0 = np.int64(np.floor((xp[i, 0] + r - lo[0]) / cell))
            hi1 = np.int64(np.floor((xp[i, 1] + r - lo[1]) / cell))
            hi2 = np.int64(np.floor((xp[i, 2] + r - lo[2]) / cell))
            for c0 in range(max(lo0, 0), min(hi0, span[0] - 1) + 1):
                for c1 in range(max(lo1, 0), min(hi1, span[1] - 1) + 1):
                    for c2 in range(max(lo2, 0), min(hi2, span[2] - 1) + 1):
                        kk = (c0 * span[1] + c1) * span[2] + c2
                        a = np.searchsorted(skey, kk)
                        while a < m and skey[a] == kk:
                            j = order[a]
                            d0 = z[j, 0] - xp[i, 0]
                            d1 = z[j, 1] - xp[i, 1]
                            d2 = z[j, 2] - xp[i, 2]
                            if d0 * d0 + d1 * d1 + d2 * d2 <= r2:
                                buf[nb] = j
                                nb += 1
                            a += 1
            buf[:nb].sort()
        if k + nb > cap:
            cap = 2 * (k + nb)
            ci2 = np.empty(cap, np.int64)
            cj2 = np.empty(cap, np.int64)
            ci2[:k] = ci[:k]
            cj2[:k] = cj[:k]
            ci, cj = ci2, cj2
        for q in range(nb):
            ci[k] = i
            cj[k] = buf[q]
            k += 1
    return ci[:k], cj[:k]
