"""Small scenarios, each built so that its leakers leak for one cause (records/leak.py's decision list).

The base: one blue battery at an air base, a radar beside it, cruise missiles flying 90 km from a
ship in the west straight at the base (250 m/s, 50 m: the radar's horizon is ~55 km), the perfect
tracking baseline, no kill-assessment errors. Each builder changes what its cause needs.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

BASE: dict = {
    "name": "leak cause test",
    "start_utc": "2030-01-01T00:00:00Z",
    "duration_s": 420,
    "step_s": 1.0,
    "seed": 11,
    "output_rate_s": 5.0,
    "forces": [{"id": "blue", "side": "blue", "nation": "Avalon"}, {"id": "red", "side": "red", "nation": "Opfor"}],
    "assets": [{"id": "base", "force": "blue", "position": {"lat_deg": 36.0, "lon_deg": 127.0, "alt_m": 10},
                "value": 10, "radius_m": 1500}],
    "launch_sites": [{"id": "ship", "force": "red", "position": {"lat_deg": 36.0, "lon_deg": 126.0, "alt_m": 0}}],
    "cruise_missiles": [{"id": "cm", "force": "red", "site": "ship", "launch_times_s": [10], "speed_mps": 250,
                         "cruise_alt_m": 50, "target": "base", "rcs_m2": 0.5}],
    "radars": [{"id": "radar", "force": "blue", "position": {"lat_deg": 36.02, "lon_deg": 127.0, "alt_m": 20},
                "mast_height_m": 20, "radar": {"ref_range_m": 150000, "max_range_m": 200000, "revisit_s": 2}}],
    "interceptor_types": [{"id": "sam", "max_range_m": 40000, "max_tof_s": 60, "min_range_m": 2000, "min_alt_m": 10,
                           "pk_max": 0.9, "reaction_time_s": 4}],
    "batteries": [{"id": "bat", "force": "blue", "position": {"lat_deg": 36.0, "lon_deg": 127.01, "alt_m": 10},
                   "launchers": 2, "interceptors_per_launcher": 4, "interceptor": "sam"}],
    "c2": {"kill_assessment_error": 0.0},
}


def base() -> dict:
    return copy.deepcopy(BASE)


def not_detected() -> dict:
    """No blue sensor at all: the battery has no radar of its own and there is no radar site."""
    s = base()
    s["radars"] = []
    return s


def detected_too_late() -> dict:
    """A radar that sees 5 km and an interceptor that needs 25 s from order to launch."""
    s = base()
    s["radars"][0]["radar"]["max_range_m"] = 5000
    s["interceptor_types"][0]["reaction_time_s"] = 25
    return s


def no_shooter_in_envelope() -> dict:
    """The only battery is 110 km south of the base; its interceptor reaches 40 km."""
    s = base()
    s["batteries"][0]["position"] = {"lat_deg": 35.0, "lon_deg": 127.0, "alt_m": 10}
    return s


def ballistic_above_fighter_ceiling() -> dict:
    """A ballistic missile against a base defended only by fighters whose missiles reach 8 km up."""
    s = base()
    s["duration_s"] = 600
    s["cruise_missiles"] = []
    s["batteries"] = []
    s["launch_sites"].append({"id": "tel", "force": "red", "position": {"lat_deg": 38.7, "lon_deg": 127.0, "alt_m": 100}})
    s["ballistic_missiles"] = [{"id": "srbm", "force": "red", "site": "tel", "launch_times_s": [10], "aim": "base",
                                "range_class": "SRBM"}]
    s["radars"][0]["radar"].update({"ref_range_m": 400000, "max_range_m": 600000, "el_max_deg": 89})
    s["interceptor_types"] = [{"id": "aam", "launch_speed_mps": 250, "max_range_m": 50000, "max_tof_s": 60,
                               "min_range_m": 1500, "min_alt_m": 5, "max_alt_m": 8000, "pk_max": 0.8,
                               "reaction_time_s": 2}]
    s["fighters"] = [{"id": "cap", "force": "blue", "count": 2, "missiles": 4, "interceptor": "aam",
                      "orbit": {"center": {"lat_deg": 36.3, "lon_deg": 127.0}, "radius_m": 20000,
                                "speed_mps": 220, "alt_m": 6000}}]
    return s


def out_of_interceptors() -> dict:
    """One round in the battery, three cruise missiles."""
    s = base()
    s["cruise_missiles"][0].pop("launch_times_s")
    s["cruise_missiles"][0]["salvo"] = {"count": 3, "start_s": 10, "interval_s": 8}
    s["batteries"][0].update({"launchers": 1, "interceptors_per_launcher": 1})
    return s


def saturated() -> dict:
    """Three cruise missiles from three sides at once; the battery needs 300 s between launches."""
    s = base()
    s["launch_sites"] += [{"id": "ship_s", "force": "red", "position": {"lat_deg": 35.19, "lon_deg": 127.0, "alt_m": 0}},
                          {"id": "ship_e", "force": "red", "position": {"lat_deg": 36.0, "lon_deg": 128.0, "alt_m": 0}}]
    cm = s["cruise_missiles"][0]
    s["cruise_missiles"] = [cm, {**cm, "id": "cm_s", "site": "ship_s"}, {**cm, "id": "cm_e", "site": "ship_e"}]
    s["batteries"][0].update({"reload_s": 300, "launchers": 4})
    return s


def shots_missed() -> dict:
    """Interceptors that almost never kill (Pk_max 0.001), plenty of them."""
    s = base()
    s["interceptor_types"][0]["pk_max"] = 0.001
    s["batteries"][0].update({"launchers": 4, "interceptors_per_launcher": 16})
    return s


def track_lost() -> dict:
    """The only radar watches the launch area (30 km); the battery at the base has no radar."""
    s = base()
    s["radars"][0]["position"] = {"lat_deg": 36.02, "lon_deg": 126.05, "alt_m": 20}
    s["radars"][0]["radar"]["max_range_m"] = 30000
    return s


def withheld_weapons_tight() -> dict:
    """Weapons tight: the battery may engage confirmed ballistic tracks only; the threat is a cruise missile."""
    s = base()
    s["batteries"][0]["doctrine"] = {"weapons_free": False}
    return s


def withheld_reserve() -> dict:
    """The battery's every round is its ballistic reserve; the threat is a cruise missile."""
    s = base()
    s["batteries"][0]["doctrine"] = {"reserve": 8}
    return s


def coordination_delay() -> dict:
    """Coordination between two nations over a link with 300 s latency: every shot waits for it."""
    s = base()
    s["forces"].insert(1, {"id": "ally", "side": "blue", "nation": "Borealis"})
    s["batteries"].append({"id": "ally_bat", "force": "ally", "position": {"lat_deg": 37.5, "lon_deg": 128.5,
                                                                          "alt_m": 10},
                           "launchers": 1, "interceptors_per_launcher": 4, "interceptor": "sam"})
    s["link"] = {"latency_s": 300, "update_s": 2}
    s["c2"]["coordination"] = True
    return s


CASES = {
    "not_detected": [not_detected],
    "detected_too_late": [detected_too_late],
    "no_shooter_in_envelope": [no_shooter_in_envelope, ballistic_above_fighter_ceiling],
    "out_of_interceptors": [out_of_interceptors],
    "saturated": [saturated],
    "shots_missed": [shots_missed],
    "track_lost": [track_lost],
    "withheld": [withheld_weapons_tight, withheld_reserve],
    "coordination_delay": [coordination_delay],
}


def write(doc: dict, folder: Path, name: str = "scenario.yaml") -> Path:
    path = Path(folder) / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path
