"""Plausibility warnings (scenario/plausibility.py): each fires on its bad case naming the field path,
and stays silent on the demo, the bundled scenarios and near misses of each rule."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
import yaml

from amdsim.scenario import demo_path
from amdsim.scenario.load import scenario_from_dict
from amdsim.scenario.models import Scenario
from amdsim.scenario.plausibility import MAX_CRUISE_ROUTE_M, plausibility_warnings, radar_horizon_m

DATA = Path(__file__).parents[1] / "data"
BUNDLED = Path(demo_path()).parent


def _small() -> dict:
    """tests/data/small.yaml with a duration its cruise missiles can fly (silent: checked below)."""
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    raw["duration_s"] = 600
    return raw


def warnings_of(raw: dict) -> list:
    return plausibility_warnings(scenario_from_dict(copy.deepcopy(raw), file="sc.yaml"), "sc.yaml")


def paths(raw: dict) -> list[str]:
    return [w.path for w in warnings_of(raw)]


@pytest.mark.parametrize("name", sorted(p.name for p in BUNDLED.glob("*.yaml")))
def test_silent_on_bundled_scenarios(name):
    raw = yaml.safe_load((BUNDLED / name).read_text())
    assert warnings_of(raw) == []


def test_three_nations_first_draft_route_finding():
    """three_nations.yaml as first bundled (duration_s 1500): cm_capital's 395 km route takes 1,579 s at
    250 m/s, launched from 60 s, so a missile not shot down was still in flight at the end (neither leaker
    nor kill). The rule finds it; the bundled file now runs 1,900 s."""
    raw = yaml.safe_load((BUNDLED / "three_nations.yaml").read_text())
    raw["duration_s"] = 1500
    ws = [w for w in warnings_of(raw) if w.path.startswith("cruise_missiles[0]")]
    assert len(ws) == 1 and "1,579 s at 250 m/s" in ws[0].message and "cm_capital" in ws[0].message


def test_silent_on_the_small_test_scenario_with_time_to_fly():
    assert warnings_of(_small()) == []


def test_file_and_field_path_in_every_warning():
    raw = _small()
    raw["duration_s"] = 420        # the file as bundled in tests/data: its cruise missiles cannot arrive
    (w,) = warnings_of(raw)
    assert w.file == "sc.yaml" and w.path == "cruise_missiles[0].target"
    assert str(w).startswith("sc.yaml: cruise_missiles[0].target: route of 122 km")
    assert "duration_s 420" in w.message and "expected" in w.message


# ----- radians -------------------------------------------------------------------------------------


def _to_radians(node):
    """Every lat_deg/lon_deg of a raw scenario converted to radians (the mistake the rule looks for)."""
    if isinstance(node, dict):
        return {k: (math.radians(v) if k in ("lat_deg", "lon_deg") else _to_radians(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_to_radians(v) for v in node]
    return node


def _demo_in_radians() -> dict:
    raw = _to_radians(yaml.safe_load(Path(demo_path()).read_text()))
    raw.pop("ballistic_missiles")   # a 250 km ballistic range is 4.4 km read in degrees: refused as invalid already
    return raw


def test_radians_fire_on_the_demo_converted():
    raw = _demo_in_radians()
    ws = [w for w in warnings_of(raw) if "radians" in w.message]
    assert len(ws) == 1
    assert ws[0].path == "assets[0].position"
    assert "lat_deg 36.9" in ws[0].message and "look like radians" in ws[0].message   # the value expected


def _translated(raw: dict, dlat: float, dlon: float, scale: float = 1.0) -> dict:
    """The scenario moved by (dlat, dlon) degrees, optionally shrunk about its first asset."""
    lat0, lon0 = raw["assets"][0]["position"]["lat_deg"], raw["assets"][0]["position"]["lon_deg"]

    def move(node):
        if isinstance(node, dict):
            out = dict(node)
            if "lat_deg" in node:
                out["lat_deg"] = lat0 + (node["lat_deg"] - lat0) * scale + dlat
                out["lon_deg"] = lon0 + (node["lon_deg"] - lon0) * scale + dlon
            return {k: move(v) if k not in ("lat_deg", "lon_deg") else out[k] for k, v in out.items()}
        if isinstance(node, list):
            return [move(v) for v in node]
        return node

    return move(raw)


def test_radians_silent_near_zero_zero():
    """A real exercise in the Gulf of Guinea: every coordinate within +-pi/2, +-pi, but a 2-degree theatre."""
    raw = _translated(_small(), -37.0, -125.6)
    raw["duration_s"] = 900          # a degree of longitude is longer at the equator: the route is 152 km here
    lats = [p["lat_deg"] for p in _walk_points(raw)]
    lons = [p["lon_deg"] for p in _walk_points(raw)]
    assert max(map(abs, lats)) < math.pi / 2 and max(map(abs, lons)) < math.pi
    assert warnings_of(raw) == []


def test_radians_silent_on_a_small_exercise_area_near_zero_zero():
    """A 20 km exercise box near 0 N 0 E (extent under the rule's bound) whose raid still flies 30 km."""
    raw = _translated(_small(), -37.0, -125.6, scale=0.1)
    raw.pop("ballistic_missiles")
    raw["launch_sites"][0]["position"]["lon_deg"] = raw["assets"][0]["position"]["lon_deg"] - 0.27  # 30 km west
    assert [w for w in warnings_of(raw) if "radians" in w.message] == []


def _walk_points(node):
    if isinstance(node, dict):
        if "lat_deg" in node:
            yield node
        for v in node.values():
            yield from _walk_points(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk_points(v)


# ----- the other rules: each fires on its bad case, at its field -----------------------------------


def _long_route(r):
    r["duration_s"] = 100000       # time enough to fly it: only the length is implausible
    r["cruise_missiles"][0]["waypoints"] = [{"lat_deg": 60.0, "lon_deg": 150.0}]


def _late_bm(r):
    r["ballistic_missiles"][0]["launch_times_s"] = [60, 700]


def _late_salvo(r):
    r["cruise_missiles"][0]["salvo"]["start_s"] = 650


def _late_aew(r):
    r["aew"][0]["on_station_s"] = 600


def _uncovered_asset(r):
    r["assets"].append({"id": "far_port", "force": "blue_a", "position": {"lat_deg": 40.5, "lon_deg": 131.0}})


def _blind_battery(r):
    r["forces"].append({"id": "blue_c", "side": "blue", "nation": "Caledonia"})
    r["batteries"].append({"id": "bat_c", "force": "blue_c", "position": {"lat_deg": 36.90, "lon_deg": 126.96},
                           "interceptor": "sam"})
    r["link"]["drop_prob"] = 1.0          # no ally's report ever arrives


def _orbit_lap(r):
    r["fighters"] = [{"id": "cap", "force": "blue_a", "count": 2, "interceptor": "sam", "endurance_s": 3600,
                      "orbit": {"center": {"lat_deg": 36.5, "lon_deg": 126.5}, "radius_m": 200000,
                                "speed_mps": 220, "alt_m": 6000}}]


CASES = {
    "route-over-2500-km": (_long_route, "cruise_missiles[0].waypoints", f"{MAX_CRUISE_ROUTE_M / 1e3:,.0f} km"),
    "route-beyond-duration": (lambda r: r.update(duration_s=420), "cruise_missiles[0].target", "before the scenario ends"),
    "ballistic-launch-after-end": (_late_bm, "ballistic_missiles[0].launch_times_s[1]", "after the end"),
    "salvo-after-end": (_late_salvo, "cruise_missiles[0].salvo", "4 of 4 launches"),
    "aew-after-end": (_late_aew, "aew[0].on_station_s", "never flies"),
    "asset-uncovered": (_uncovered_asset, "assets[1].position", "outside every blue sensor's coverage"),
    "battery-blind": (_blind_battery, "batteries[2].radar", "can never fire"),
    "orbit-lap-beyond-endurance": (_orbit_lap, "fighters[0].orbit.radius_m", "longer than its endurance_s"),
}


@pytest.mark.parametrize(("change", "path", "words"), CASES.values(), ids=CASES.keys())
def test_each_rule_fires_at_its_field(change, path, words):
    raw = _small()
    change(raw)
    ws = warnings_of(raw)
    assert [w.path for w in ws] == [path], [str(w) for w in ws]
    assert words in ws[0].message and "expected" in ws[0].message


NEAR_MISSES = {
    "route-2260-km-with-time": lambda r: (r.update(duration_s=20000),
                                          r["cruise_missiles"][0].update(waypoints=[{"lat_deg": 36.8, "lon_deg": 139.0}])),
    "launch-just-before-end": lambda r: r["ballistic_missiles"][0].update(launch_times_s=[60, 599]),
    "asset-at-horizon-edge": lambda r: r["assets"].append(
        {"id": "near", "force": "blue_a", "position": {"lat_deg": 36.92, "lon_deg": 127.45, "alt_m": 30}}),
    "battery-of-a-sensorless-force-with-allies": lambda r: (
        r["forces"].append({"id": "blue_c", "side": "blue", "nation": "Caledonia"}),
        r["batteries"].append({"id": "bat_c", "force": "blue_c", "position": {"lat_deg": 36.90, "lon_deg": 126.96},
                               "interceptor": "sam"})),
    "orbit-lap-within-endurance": lambda r: (_orbit_lap(r), r["fighters"][0]["orbit"].update(radius_m=100000)),
}


@pytest.mark.parametrize("change", NEAR_MISSES.values(), ids=NEAR_MISSES.keys())
def test_near_misses_stay_silent(change):
    raw = _small()
    change(raw)
    assert warnings_of(raw) == []


def test_blind_battery_over_a_per_pair_link():
    """With per-pair links: only the pairs into the battery's force drop everything."""
    if "links" not in Scenario.model_fields:
        pytest.skip("this build has no per-pair links:")
    raw = _small()
    _blind_battery(raw)
    raw["link"]["drop_prob"] = 0.0
    raw["links"] = [{"between": ["blue_a", "blue_c"], "drop_prob": 1.0},
                    {"between": ["blue_b", "blue_c"], "one_way": True, "drop_prob": 1.0}]
    assert paths(raw) == ["batteries[2].radar"]
    raw["links"][1]["between"] = ["blue_c", "blue_b"]          # blue_b -> blue_c now delivers
    assert paths(raw) == []


def test_orbit_beyond_endurance_from_its_base():
    """From a base 350 km away the transit out and back takes 3,000 s of 3,400 s: 400 s on station, less
    than one 571 s lap (the schema refuses an endurance under the transit; this is the warning above it)."""
    if "air_bases" not in Scenario.model_fields:
        pytest.skip("this build has no air bases")
    from amdsim.scenario.plausibility import _distance_m

    raw = _small()
    _orbit_lap(raw)
    orbit = raw["fighters"][0]["orbit"]
    orbit["radius_m"] = 20000
    # a base due south of the orbit centre, 350 km away (330 km to the orbit: 1,500 s at 220 m/s)
    lat = orbit["center"]["lat_deg"] - 350e3 / (math.pi / 180 * 6_371_008.8)
    raw["air_bases"] = [{"id": "home", "force": "blue_a", "position": {"lat_deg": lat, "lon_deg": 126.5}}]
    assert _distance_m(lat, 126.5, orbit["center"]["lat_deg"], 126.5) == pytest.approx(350e3)
    raw["fighters"][0].update(base="home", endurance_s=3400)
    (w,) = warnings_of(raw)
    assert w.path == "fighters[0].orbit.center" and "leaving 400 s" in w.message
    raw["fighters"][0]["endurance_s"] = 3600                      # 600 s on station: one lap fits
    assert paths(raw) == []
    raw["aew"][0].pop("on_station_s", None)
    raw["aew"][0].update(base="home", endurance_s=1000)          # an AEW's endurance_s is its time on station
    raw["aew"][0]["orbit"]["radius_m"] = 30000                    # one lap at 150 m/s: 1,257 s
    assert paths(raw) == ["aew[0].endurance_s"]


def test_horizon_is_the_sensors_formula():
    """Skolnik (2001) eq. 8.1: the scenario's copy equals sensors/horizon.py's (the one the engine uses)."""
    from amdsim.sensors.horizon import radar_horizon_range

    for h1, h2, k in [(25.0, 30.0, 4 / 3), (9000.0, 0.0, 4 / 3), (0.0, 0.0, 1.0), (105.0, 60.0, 1.2), (-5.0, 10.0, 4 / 3)]:
        assert radar_horizon_m(h1, h2, k) == pytest.approx(float(radar_horizon_range(h1, h2, k)), rel=1e-12)
    # 4/3 earth, 25 m antenna, target on the surface: sqrt(2 * 8.495e6 * 25) = 20.6 km (Skolnik's 4.12 sqrt(h) km)
    assert radar_horizon_m(25.0, 0.0, 4 / 3) == pytest.approx(4.12e3 * math.sqrt(25.0), rel=2e-3)
