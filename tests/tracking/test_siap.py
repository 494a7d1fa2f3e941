"""SIAP measures of an air picture (SIAP SE TF Technical Report 2001-003, Votruba et al. 2001) on
hand-built picture logs whose answers are counted by hand, and the miss-run deletion rule."""

import numpy as np
import pytest

from amdsim.review.siap import siap_section
from amdsim.tracking.lifecycle import lifecycle
from amdsim.tracking.siap import siap_measures


def _log(rows):
    """rows: (time, track, truth, error) of force 0's own confirmed tracks."""
    a = np.array(rows, float)
    n = len(rows)
    return {"time_s": a[:, 0], "track_id": a[:, 1].astype(np.int64), "truth_id": a[:, 2].astype(np.int64),
            "error_m": a[:, 3], "confirmed": np.ones(n, bool), "force_index": np.zeros(n, np.int16),
            "source_force": np.zeros(n, np.int16)}


def test_measures_of_a_hand_counted_picture():
    rows = [
        # threat 7: track 1 at t = 0, 5; gap at 10; track 2 from 15 (one break); duplicate track 3 at 15
        (0, 1, 7, 100.0), (5, 1, 7, 200.0), (15, 2, 7, 300.0), (15, 3, 7, 400.0), (20, 2, 7, 500.0),
        # threat 8: track 4 throughout (no break); track 9 follows nothing (spurious) at 0 and 5
        (0, 4, 8, 50.0), (5, 4, 8, 50.0), (10, 4, 8, 50.0), (15, 4, 8, 50.0), (20, 4, 8, 50.0),
        (0, 9, -1, np.nan), (5, 9, -1, np.nan),
    ]
    s = siap_measures(_log(rows), 0, np.array([300.0, 500.0, 700.0]))
    assert s["threats_held"] == 2
    # in scope: threat 7 at 0, 5, 10, 15, 20 (5), threat 8 (5); held: 4 + 5
    assert s["completeness"] == pytest.approx(9 / 10, abs=1e-5)
    # confirmed tracks on held threat-instants: 10 rows on 9 instants
    assert s["ambiguity"] == pytest.approx(10 / 9, abs=1e-5)
    assert s["spuriousness"] == pytest.approx(2 / 12, abs=1e-5)
    # the duplicate (track 3) is no break: track 2, the older, holds threat 7 from t = 15 on
    assert s["track_breaks"] == 1
    assert s["breaks_per_threat"] == pytest.approx(0.5, abs=1e-5)
    # longest segment: threat 7 span 20 s, track 1 held 0-5, track 2 15-20 -> 5/20; threat 8: 1
    assert s["longest_segment"] == pytest.approx((0.25 + 1.0) / 2, abs=1e-5)
    e = np.array([100, 200, 300, 400, 500, 50, 50, 50, 50, 50.0])
    assert s["median_error_m"] == pytest.approx(np.median(e), abs=1e-5)
    assert s["rms_error_m"] == pytest.approx(np.sqrt(np.mean(e**2)), abs=1e-5)
    assert s["raw_measurement_error_m"] == 500.0
    html = siap_section({"siap": {"blue": s}})
    assert "breaks per threat held" in html and "&#10007;" in html      # 0.5 misses the 0.2 aim


def test_a_track_swapped_to_another_threat_breaks_both():
    # tracks 1 and 2 swap threats 5 and 6 at t = 10: each threat's primary track number changes once
    rows = [(0, 1, 5, 10.0), (0, 2, 6, 10.0), (5, 1, 5, 10.0), (5, 2, 6, 10.0),
            (10, 2, 5, 10.0), (10, 1, 6, 10.0), (15, 2, 5, 10.0), (15, 1, 6, 10.0)]
    s = siap_measures(_log(rows), 0)
    assert s["track_breaks"] == 2
    assert s["completeness"] == 1.0 and s["ambiguity"] == 1.0 and s["spuriousness"] == 0.0


def _run_of_misses(pd_hist_bits: int, miss_prob: float) -> int:
    """Misses in view a confirmed track survives, its last 8 scans in view having ``pd_hist_bits`` hits."""
    hist = np.array([(1 << pd_hist_bits) - 1], np.int64)
    age, misses = np.array([8], np.int64), np.zeros(1, np.int64)
    conf, t_up = np.array([True]), np.zeros(1)
    P = np.eye(3)[None] * 100.0
    for k in range(1, 100):
        keep = lifecycle(np.array([False]), np.array([True]), hist, age, misses, conf, t_up, P, float(k), 2, 3,
                         4, 2, np.inf, 1e9, miss_prob)
        if not keep[0]:
            return k - 1
    return 99


def test_deletion_waits_longer_for_a_track_seldom_seen():
    # (1 - Pd)^K < 0.01: Pd 0.875 (7 of 8) -> K = 3, at least delete_misses = 4; Pd 0.5 (4 of 8) -> K = 7
    assert _run_of_misses(7, 0.01) == 3
    assert _run_of_misses(4, 0.01) == int(np.ceil(np.log(0.01) / np.log(0.5))) - 1 == 6
    assert _run_of_misses(4, 0.0) == 3            # the fixed count without the rule
