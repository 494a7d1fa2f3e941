"""Track lifecycle after each scan, compiled: hit history, M-of-N confirmation, quality, deletion.

See the track state table in docs/architecture.md (tentative -> confirmed -> deleted).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def lifecycle(hit, seen, hist, age, misses, confirmed, t_update, Ppos, t, m, n, delete_misses,
              tentative_misses, max_coast, max_sigma):
    """Track management after a scan, in place: hit history (16 bits, newest in bit 0, shifted only on
    scans that saw the track or hit it), scans in view, consecutive misses in view, M-of-N
    confirmation, last update time. Returns (N,) bool: tracks to keep. A confirmed track goes after
    ``delete_misses`` misses once it has coasted half of ``max_coast`` s (at once when that is
    infinite), a tentative one after ``tentative_misses``; any track after ``max_coast`` s without an
    update or with a position sigma (root of trace(Ppos)/3, m) over ``max_sigma``."""
    keep = np.empty(hit.size, np.bool_)
    grace = max_coast / 2 if np.isfinite(max_coast) else 0.0
    window = (1 << n) - 1
    for i in range(hit.size):
        if seen[i] or hit[i]:
            hist[i] = ((hist[i] << 1) | (1 if hit[i] else 0)) & 0xFFFF
            age[i] += 1
        if hit[i]:
            misses[i] = 0
            t_update[i] = t
        elif seen[i]:
            misses[i] += 1
        bits = hist[i] & window
        count = 0
        while bits:
            count += bits & 1
            bits >>= 1
        if count >= m:
            confirmed[i] = True
        coast = t - t_update[i]
        if confirmed[i]:
            ok = misses[i] < delete_misses or coast < grace
        else:
            ok = misses[i] < tentative_misses
        sigma = np.sqrt((Ppos[i, 0, 0] + Ppos[i, 1, 1] + Ppos[i, 2, 2]) / 3.0)
        keep[i] = ok and sigma <= max_sigma and coast <= max_coast
    return keep
