"""Chi-square gating of predicted tracks against detections, compiled.

A (track, detection) pair is in the gate when the squared Mahalanobis distance of the innovation,
d^2 = nu' S^-1 nu with S = H P H' + R, is below the chi-square quantile of the gate probability
(Bar-Shalom, Willett & Tian, *Tracking and Data Fusion*, 2011, 2.3). Returns the gated pairs as
parallel arrays ``ti, di, d2, logdet``, which association (``associate.py``, ``jpda.py``) consumes.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def gate_pairs(xp, Pp, z, R, gate):
    """Pairs (track, detection) inside the chi-square gate.

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
    trp = np.empty(n)
    for i in range(n):
        trp[i] = Pp[i, 0, 0] + Pp[i, 1, 1] + Pp[i, 2, 2]
    trr = np.empty(m)
    for j in range(m):
        trr[j] = R[j, 0, 0] + R[j, 1, 1] + R[j, 2, 2]
    k = 0
    for i in range(n):
        for j in range(m):
            a0 = z[j, 0] - xp[i, 0]
            a1 = z[j, 1] - xp[i, 1]
            a2 = z[j, 2] - xp[i, 2]
            e2 = a0 * a0 + a1 * a1 + a2 * a2
            if e2 > gate * (trp[i] + trr[j]):
                continue
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
                continue
            q = (a0 * (c00 * a0 + c01 * a1 + c02 * a2) + a1 * (c01 * a0 + c11 * a1 + c12 * a2)
                 + a2 * (c02 * a0 + c12 * a1 + c22 * a2)) / det
            if q > gate:
                continue
            if k == cap:
                cap *= 2
                ti2 = np.empty(cap, np.int64)
                di2 = np.empty(cap, np.int64)
                d22 = np.empty(cap)
                ld2 = np.empty(cap)
                ti2[:k] = ti[:k]
                di2[:k] = di[:k]
                d22[:k] = d2[:k]
                ld2[:k] = ld[:k]
                ti, di, d2, ld = ti2, di2, d22, ld2
            ti[k] = i
            di[k] = j
            d2[k] = q
            ld[k] = np.log(det)
            k += 1
    return ti[:k], di[:k], d2[:k], ld[:k]
