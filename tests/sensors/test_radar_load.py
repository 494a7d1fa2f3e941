"""A multifunction radar's time budget (sensors/radar_load.py) against hand-computed loads, and at
work in the engine: search revisit grows with the tracks held, the track capacity caps, dropped
detections are counted, and a threat lost to saturation leaks with the cause radar_saturated."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.sensors.radar_load import frame_budget

#: tau_t r_t = 0.01 s/s per track, tau_u r_u = 0.02 s/s per missile, f_min = 0.2.
#: (tracks, missiles) -> (f_search, f_track, f_uplink, held), by hand:
HAND = [
    ((0, 0), (1.0, 0.0, 0.0, 0)),
    ((30, 10), (0.5, 0.3, 0.2, 30)),           # 10 x 0.02 = 0.2 uplink, 30 x 0.01 = 0.3 track
    ((100, 10), (0.2, 0.6, 0.2, 60)),           # track capacity (1 - 0.2 - 0.2) / 0.01 = 60 of 100
    ((80, 0), (0.2, 0.8, 0.0, 80)),             # exactly at capacity 0.8 / 0.01
    ((81, 0), (0.2, 0.8, 0.0, 80)),
    ((5, 50), (0.2, 0.0, 0.8, 0)),              # uplinks first: 50 x 0.02 = 1.0, capped at 0.8, no track left
]


@pytest.mark.parametrize(("load", "expected"), HAND, ids=[f"{t}tracks-{m}missiles" for (t, m), _ in HAND])
def test_frame_budget_hand_computed(load, expected):
    n_t, n_m = load
    f_s, f_t, f_u, held = frame_budget(np.array([n_t]), np.array([n_m]), np.array([0.01]), np.array([0.02]),
                                       np.array([0.2]))
    assert (float(f_s[0]), float(f_t[0]), float(f_u[0]), int(held[0])) == pytest.approx(expected, abs=1e-12)
    assert f_s[0] + f_t[0] + f_u[0] == pytest.approx(1.0)


def _run(small_scenario_path, dwell: float):
    from amdsim.engine.run import run_replication
    from amdsim.scenario import load_compiled

    cs = load_compiled(small_scenario_path, {
        "aew": [], "duration_s": 300,
        "radars.0.radar.multifunction": {"track_dwell_s": dwell, "track_rate_hz": 1.0, "min_search_fraction": 0.2}})
    return run_replication(cs, 0)


def test_search_slows_and_capacity_caps_under_the_raid(small_scenario_path):
    """Track dwell 0.5 s at 1 Hz: one track fits (0.8 / 0.5); with it the search share is 0.5, the
    revisit 2 s / 0.5 = 4 s; when more are wanted the others' detections are dropped."""
    s = _run(small_scenario_path, 0.5)
    r = s["radar_load"]["radars"]["radar_a"]
    assert r["max_tracks_wanted"] >= 2 and r["scans_at_capacity"] > 0
    assert set(r["series"]["tracks_held"]) <= {0, 1}
    assert set(r["series"]["revisit_s"]) == {2.0, 4.0}
    assert sum(s["radar_load"]["saturation_drops"].values()) > 0


def test_saturated_radar_is_a_leak_cause(small_scenario_path):
    """Track dwell 0.9 s: no track fits; every threat the only radar sees is dropped and leaks unseen,
    the cause radar_saturated rather than not_detected."""
    s = _run(small_scenario_path, 0.9)
    causes = {t["leak_cause"] for t in s["threats"] if t["fate"] == "leaked"}
    assert causes == {"radar_saturated"}
