"""Global nearest neighbour assignment on gated (tracks x detections) costs."""
from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def gnn_assign(cost: np.ndarray, gated: np.ndarray) -> np.ndarray:
    """Assign detections to tracks minimizing total cost over gated pairs.

    Parameters: cost (N, M) float, gated (N, M) bool. Returns assoc (N,) int: detection index per
    track, -1 for none. Pairs outside the gate are never assigned.
    """
    n, m = cost.shape
    assoc = np.full(n, -1, dtype=np.int64)
    if n == 0 or m == 0 or not gated.any():
        return assoc
    big = float(np.max(cost[gated])) * 2.0 + 1e6
    c = np.where(gated, cost, big)
    r, k = linear_sum_assignment(c)
    ok = gated[r, k]
    assoc[r[ok]] = k[ok]
    return assoc
