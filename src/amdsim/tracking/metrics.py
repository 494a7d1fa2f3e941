"""Track-continuity counts against truth: track breaks and false tracks (OSPA/GOSPA are in ospa.py)."""
from __future__ import annotations

import numpy as np


def track_breaks(truth_id: np.ndarray, track_id: np.ndarray, time_s: np.ndarray) -> int:
    """Number of times a truth object's associated track id changes (Blackman & Popoli 1999, 13.6).

    Rows (K,) pair a confirmed track with the truth it follows (truth_id -1 rows are ignored). For each
    truth, rows in time order; every change of track_id between consecutive rows counts one break.
    """
    ok = truth_id >= 0
    t, k, s = np.asarray(truth_id)[ok], np.asarray(track_id)[ok], np.asarray(time_s)[ok]
    o = np.lexsort((k, s, t))                      # stable: by truth, then time, then track id
    t, k = t[o], k[o]
    same = t[1:] == t[:-1]
    return int(np.count_nonzero(same & (k[1:] != k[:-1])))


def false_tracks(truth_id: np.ndarray, track_id: np.ndarray) -> int:
    """Number of distinct confirmed track ids never associated with any truth (truth_id -1 on every row)."""
    ids = np.unique(track_id)
    true_ids = np.unique(np.asarray(track_id)[np.asarray(truth_id) >= 0])
    return int(np.setdiff1d(ids, true_ids).size)
