"""The report's ballistic section (review/ballistic.py) from a run's events and summary."""

from __future__ import annotations

import numpy as np

from amdsim.review.ballistic import ballistic_rows, ballistic_section


def _events(rows):
    keys = ("time_s", "kind", "actor_id", "target_id", "force", "value")
    return {k: (list(v) if k in ("kind", "force") else np.array(v)) for k, v in zip(keys, zip(*rows, strict=True),
                                                                                        strict=True)}


MOVERS = {"mover_id": np.array([0, 5, 6]), "name": ["radar", "bm.1", "cm.1"],
          "kind": ["radar", "ballistic_missile", "cruise_missile"]}


def test_rows_pair_warning_detection_and_the_uncued_counterfactual():
    ev = _events([(100.0, "launch", 5, -1, "red", np.nan), (100.0, "launch", 6, -1, "red", np.nan),
                  (140.0, "launch_warning", -1, 5, "blue", 1234.0),
                  (143.0, "detection", 0, 5, "blue", 250e3), (171.0, "uncued_detection", 0, 5, "blue", 180e3),
                  (190.0, "detection", 0, 5, "blue", 100e3),            # a later detection is not the first
                  (120.0, "detection", 0, 6, "blue", 50e3)])            # a cruise missile: not in the section
    summary = {"ballistic_estimates": [
        {"time_s": 200.0, "force": "blue", "truth_id": 5, "launch": {"error_m": 4000.0}},
        {"time_s": 180.0, "force": "blue", "truth_id": 5, "launch": {"error_m": 9000.0}}]}
    rows, has_lw = ballistic_rows(MOVERS, ev, summary)
    assert has_lw
    assert rows == [["bm.1", "blue", 100.0, 40.0, 43.0, 250.0, 71.0, 28.0, 1234.0, 9000.0]]
    html = ballistic_section("unused", MOVERS, ev, summary)
    assert "launch warning and first detection" in html and "bm.1" in html and ">28<" in html


def test_without_a_warning_the_first_detection_is_the_radars_own_and_no_ballistic_threat_no_section():
    ev = _events([(10.0, "launch", 5, -1, "red", np.nan), (30.0, "detection", 0, 5, "blue", 9e4)])
    rows, has_lw = ballistic_rows(MOVERS, ev, {})
    assert not has_lw and rows[0][4] == 20.0 and rows[0][6] == 20.0 and np.isnan(rows[0][7])
    assert "No launch warning" in ballistic_section("unused", MOVERS, ev, {})
    no_bm = {"mover_id": np.array([0]), "name": ["radar"], "kind": ["radar"]}
    assert ballistic_section("unused", no_bm, ev, {}) == ""
