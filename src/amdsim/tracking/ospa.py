"""Multi-target tracking metrics: OSPA and GOSPA between estimated and true point sets.

OSPA (Schuhmacher, Vo & Vo, "A consistent metric for performance evaluation of multi-object
filters", IEEE TSP 56(8), 2008): with cut-off c and order p, for |X| = m <= |Y| = n,
d = ( (min_pi sum_i min(c, |x_i - y_pi(i)|)^p + c^p (n - m)) / n )^(1/p).
GOSPA (Rahmathullah, Garcia-Fernandez & Svensson, FUSION 2017) with alpha = 2 drops the
normalisation: d = ( sum of assigned min(c,.)^p + c^p/2 (unassigned) )^(1/p).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def _cut_costs(X: np.ndarray, Y: np.ndarray, c: float, p: float) -> tuple[np.ndarray, np.ndarray]:
    d = np.linalg.norm(X[:, None, :] - Y[None, :, :], axis=-1)
    cost = np.minimum(d, c) ** p
    rows, cols = linear_sum_assignment(cost)
    return cost, cost[rows, cols]


def ospa(X, Y, c: float = 500.0, p: float = 1.0) -> float:
    """OSPA distance (m) between point sets X (m,d) and Y (n,d)."""
    X = np.atleast_2d(np.asarray(X, float)) if len(X) else np.zeros((0, 1))
    Y = np.atleast_2d(np.asarray(Y, float)) if len(Y) else np.zeros((0, 1))
    m, n = len(X), len(Y)
    if m == 0 and n == 0:
        return 0.0
    if m == 0 or n == 0:
        return float(c)
    if m > n:
        X, Y, m, n = Y, X, n, m
    _, assigned = _cut_costs(X, Y, c, p)
    return float(((assigned.sum() + c**p * (n - m)) / n) ** (1.0 / p))


def gospa(X, Y, c: float = 500.0, p: float = 1.0) -> float:
    """GOSPA distance (alpha = 2) between point sets X (m,d) and Y (n,d)."""
    X = np.atleast_2d(np.asarray(X, float)) if len(X) else np.zeros((0, 1))
    Y = np.atleast_2d(np.asarray(Y, float)) if len(Y) else np.zeros((0, 1))
    m, n = len(X), len(Y)
    if m == 0 or n == 0:
        return float((c**p / 2.0 * (m + n)) ** (1.0 / p))
    d = np.linalg.norm(X[:, None, :] - Y[None, :, :], axis=-1)
    rows, cols = linear_sum_assignment(np.minimum(d, c) ** p)
    real = d[rows, cols] < c
    total = np.sum(d[rows, cols][real] ** p) + c**p / 2.0 * (m + n - 2 * int(real.sum()))
    return float(total ** (1.0 / p))
