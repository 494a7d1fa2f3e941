"""Engagement on a track of known quality, end to end (issue 14).

One battery with a short-range fire-control radar (45 km) defends its base against six cruise
missiles; an allied radar 180 km off their path holds them from far out but coarsely (1.5 deg in
angle: kilometres across). Three ways to fight:

- unconstrained (``c2.check_track_quality: false``, engage on remote): shoots early on the coarse
  track;
- engage on remote with a launch requirement (150-200 m) and no radar of its own: the coarse track
  never qualifies, so no shot is taken;
- launch on remote with fire-control handover (command guidance from its own radar): the basket rule
  holds the shot until the intercept point lies where its own radar will guide the interceptor: later
  shots, fewer interceptors per kill, fewer expired.
"""

import copy

import numpy as np
import pytest

from amdsim.c2.reasons import Why
from amdsim.engine.run import simulate
from amdsim.scenario.compile import compile_scenario
from amdsim.scenario.load import scenario_from_dict

REPS = 2

BASE = {
 "name": "coarse remote track", "start_utc": "2030-01-01T00:00:00Z", "duration_s": 900, "seed": 11,
 "forces": [{"id": "shooter", "side": "blue", "nation": "A"}, {"id": "spotter", "side": "blue", "nation": "B"},
            {"id": "red", "side": "red", "nation": "R"}],
 "assets": [{"id": "base", "force": "shooter", "position": {"lat_deg": 36.0, "lon_deg": 127.0}}],
 "launch_sites": [{"id": "west", "force": "red", "position": {"lat_deg": 36.0, "lon_deg": 124.9}}],
 "cruise_missiles": [{"id": "cm", "force": "red", "site": "west", "salvo": {"count": 6, "start_s": 10, "interval_s": 20},
     "speed_mps": 250, "cruise_alt_m": 3000, "target": "base", "rcs_m2": 1.0}],
 "radars": [{"id": "coarse", "force": "spotter", "position": {"lat_deg": 37.6, "lon_deg": 125.8}, "mast_height_m": 30,
     "radar": {"ref_range_m": 300000, "max_range_m": 300000, "revisit_s": 4, "sigma_range_m": 300, "sigma_az_deg": 1.5, "sigma_el_deg": 1.5}}],
 "interceptor_types": [{"id": "sam", "max_range_m": 100000, "max_tof_s": 120, "min_range_m": 2000, "max_accel_mps2": 300,
     "lethal_radius_m": 10, "pk_max": 0.9, "reaction_time_s": 4}],
 "batteries": [{"id": "bat", "force": "shooter", "position": {"lat_deg": 36.0, "lon_deg": 127.0, "alt_m": 10},
     "launchers": 4, "interceptors_per_launcher": 10, "interceptor": "sam", "doctrine": {"mode": "shoot_look_shoot"},
     "radar": {"ref_range_m": 60000, "max_range_m": 45000, "revisit_s": 1, "sigma_range_m": 15, "sigma_az_deg": 0.1, "sigma_el_deg": 0.1}}],
 "link": {"latency_s": 2, "update_s": 2},
 "tracking": {"model": "kalman"},
}
def variant(name):
    """The compiled scenario of one way to fight (module docstring)."""
    raw = copy.deepcopy(BASE)
    b = raw["batteries"][0]
    if name == "unconstrained":
        raw["c2"] = {"check_track_quality": False}
        b["fire_control"] = {"engage_on_remote": True}
    elif name == "eor_requirement":
        del b["radar"]
        b["fire_control"] = {"engage_on_remote": True}
        raw["interceptor_types"][0]["launch_requirements"] = {"max_pos_sigma_m": 200}
    elif name == "lor_handover":
        b["fire_control"] = {"launch_on_remote": True, "engage_on_remote": False}
    return compile_scenario(scenario_from_dict(raw))


def _fight(name):
    cs = variant(name)
    out = {"shots": 0, "kills": 0, "expired": 0, "first_launch": [], "why": np.zeros(len(Why), np.int64)}
    for rep in range(REPS):
        r = simulate(cs, rep, record_detections=False)
        launched = [i for i, o in enumerate(r.book.outcome) if o not in ("not_launched", "cancelled")]
        out["shots"] += len(launched)
        out["kills"] += sum(r.book.outcome[i] == "kill" for i in launched)
        out["expired"] += sum(r.book.outcome[i] == "expired" for i in launched)
        out["first_launch"].append(min((r.book.launch_time[i] for i in launched), default=np.inf))
        out["why"] += r.considered.count.sum(axis=(0, 1))
    return out


@pytest.fixture(scope="module")
def fights():
    return {name: _fight(name) for name in ("unconstrained", "eor_requirement", "lor_handover")}


def test_engage_on_remote_with_a_requirement_refuses_the_coarse_track(fights):
    f = fights["eor_requirement"]
    assert f["shots"] == 0
    assert f["why"][Why.TRACK_QUALITY] > 100


def test_launch_on_remote_with_handover_shoots_later_and_kills(fights):
    u, h = fights["unconstrained"], fights["lor_handover"]
    assert min(h["first_launch"]) > max(u["first_launch"]) + 60.0
    assert h["kills"] >= 5 * REPS                      # of the 6 missiles per replication
    assert h["why"][Why.SEEKER_BASKET] > 0             # the early shots it held back


def test_interceptors_per_kill_and_expired_shots_fall_against_the_unconstrained_run(fights):
    u, h = fights["unconstrained"], fights["lor_handover"]
    assert u["kills"] > 0 and h["kills"] > 0
    assert h["shots"] / h["kills"] < 0.8 * u["shots"] / u["kills"]
    assert h["expired"] / h["shots"] < u["expired"] / u["shots"]
