"""Track lifecycle after each scan, compiled: hit history, M-of-N confirmation, quality, deletion.

See the track state table in docs/architecture.md (tentative -> confirmed -> deleted).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def lifecycle(hit, seen, hist, age, misses, confirmed, t_update, Ppos, t, m, n, delete_misses,
              tentative_misses, max_coast, max_sigma, delete_miss_prob=0.0):
    """Track management after a scan, in place: hit history (16 bits, newest in bit 0, shifted only on
    scans that saw the track or hit it), scans in view, consecutive misses in view, M-of-N
    confirmation, last update time. Returns (N,) bool: tracks to keep. A confirmed track goes after
    ``delete_misses`` misses once it has coasted half of ``max_coast`` s (at once when that is
    infinite), a tentative one after ``tentative_misses``; any track after ``max_coast`` s without an
    update or with a position sigma (root of trace(Ppos)/3, m) over ``max_sigma``.

    With ``delete_miss_prob`` > 0 a confirmed track's miss count to deletion also grows with how
    seldom it is seen: it goes only once K misses in a row, K = ln(delete_miss_prob) / ln(1 - Pd),
    would be that unlikely for a target still there, Pd being the track's own hit fraction over the
    last 8 scans in view before the miss run (a sequential test on the miss run; Blackman & Popoli 1999, 6.6: deletion
    tuned to the detection probability, not a fixed count), and at least ``delete_misses``."""
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
            need = delete_misses
            if delete_miss_prob > 0.0:
                w = min(age[i] - misses[i], 16 - misses[i], 8)   # scans in view before the miss run
                recent = hist[i] >> misses[i]
                hits = 0
                for b in range(max(w, 0)):
                    hits += (recent >> b) & 1
                pd = min(max(hits / max(w, 1), 0.05), 0.95)
                need = max(delete_misses, int(np.ceil(np.log(delete_miss_prob) / np.log(1.0 - pd))))
            ok = misses[i] < need or coast < grace
        else:
            ok = misses[i] < tentative_misses
        sigma = np.sqrt((Ppos[i, 0, 0] + Ppos[i, 1, 1] + Ppos[i, 2, 2]) / 3.0)
        keep[i] = ok and sigma <= max_sigma and coast <= max_coast
    return keep
