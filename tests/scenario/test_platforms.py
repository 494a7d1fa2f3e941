"""Platforms (``platforms:``): a ship or ground site is one mover carrying its radars and batteries.

Checks: one mover row hosts every sensor and shooter of the platform (so "a shooter's fire-control
radars are the sensors with its host" holds), it moves once per step along its route (the distance
is speed x dt, the great-circle geometry of ``core/geodesy.py``) and its antennas move with it; a
defended platform is its own asset row (threat evaluation and impacts see it); bad input names the
field; the old forms (a ship radar and a ship battery each with its route) still compile as before.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace

import numpy as np
import pytest

from amdsim.c2.decide import evaluate_threats
from amdsim.core.errors import InputError
from amdsim.core.geodesy import enu_basis, great_circle_distance
from amdsim.core.kinds import MoverKind
from amdsim.engage.impact import asset_hit
from amdsim.movers.advance import advance_movers
from amdsim.scenario import compile_scenario, demo_path, scenario_from_dict
from amdsim.scenario.load import read_scenario_dict
from amdsim.scenario.models import PlatformAsset
from amdsim.world.state import initial_world

DEG = np.pi / 180

SHIP = {
    "id": "frigate", "force": "blue", "kind": "ship",
    "position": {"lat_deg": 36.80, "lon_deg": 126.50, "alt_m": 0},
    "route": {"speed_mps": 12.0, "waypoints": [{"lat_deg": 36.40, "lon_deg": 126.50}]},
    "defended": {"value": 8, "radius_m": 800},
    "radars": [
        {"id": "search", "mast_height_m": 30, "radar": {"ref_range_m": 220000, "max_range_m": 400000, "revisit_s": 2}},
        {"id": "fc", "mast_height_m": 25, "radar": {"ref_range_m": 150000, "max_range_m": 200000, "revisit_s": 1}},
    ],
    "batteries": [
        {"id": "area", "launchers": 4, "interceptors_per_launcher": 8, "interceptor": "sam"},
        {"id": "point", "launchers": 2, "interceptors_per_launcher": 6, "interceptor": "sam",
         "doctrine": {"mode": "salvo", "salvo_size": 2}},
    ],
}


def _raw(**extra) -> dict:
    raw = {
        "name": "platform test", "start_utc": "2030-01-01T00:00:00Z", "duration_s": 60, "step_s": 1.0,
        "forces": [{"id": "blue", "side": "blue", "nation": "A"}, {"id": "red", "side": "red", "nation": "R"}],
        "assets": [{"id": "town", "force": "blue", "position": {"lat_deg": 37.0, "lon_deg": 127.0}, "value": 5}],
        "launch_sites": [{"id": "sea", "force": "red", "position": {"lat_deg": 36.8, "lon_deg": 125.0}}],
        "cruise_missiles": [{"id": "cm", "force": "red", "site": "sea", "launch_times_s": [5.0], "target": "frigate"}],
        "interceptor_types": [{"id": "sam", "max_range_m": 80000}],
        "platforms": [copy.deepcopy(SHIP)],
        "tracking": {"model": "perfect"},
    }
    raw.update(extra)
    return raw


@pytest.fixture(scope="module")
def cs():
    return compile_scenario(scenario_from_dict(_raw()))


def test_a_ship_with_two_radars_and_two_batteries_is_one_mover_hosting_all_of_them(cs):
    m = cs.movers
    ships = np.flatnonzero(m.kind == MoverKind.SHIP)
    assert ships.size == 1
    row = int(ships[0])
    assert m.name[row] == "frigate" and m.type_name[row] == "ship"
    assert cs.sensors.name == ["frigate.search", "frigate.fc"]
    assert cs.shooters.name == ["frigate.area", "frigate.point"]
    assert set(cs.sensors.host.tolist()) == {row} and set(cs.shooters.host.tolist()) == {row}
    np.testing.assert_allclose(cs.sensors.height_offset, [30.0, 25.0])
    assert cs.sensors.platform == ["ship", "ship"]
    np.testing.assert_array_equal(cs.shooters.rounds, [32, 12])
    np.testing.assert_array_equal(cs.shooters.launchers, [4, 2])
    # the lead's rule: a shooter's fire-control radars are the sensors with its host
    for s in range(cs.shooters.n):
        assert np.flatnonzero(cs.sensors.host == cs.shooters.host[s]).tolist() == [0, 1]
    # each battery's interceptor rows hang off the platform
    icpt = np.flatnonzero(m.kind == MoverKind.INTERCEPTOR)
    assert icpt.size == 32 + 12 and set(m.parent[icpt].tolist()) == {row}


def test_the_ship_moves_once_per_step_and_its_antennas_move_with_it(cs):
    w = initial_world(cs)
    row = int(np.flatnonzero(cs.movers.kind == MoverKind.SHIP)[0])
    lat0, lon0 = float(w.lat[row]), float(w.lon[row])
    dt = 1.0
    for _ in range(10):
        advance_movers(w, cs, dt)
        w.t += dt
    # 10 steps at 12 m/s due south: 120 m along the great circle
    moved = great_circle_distance(lat0, lon0, w.lat[row], w.lon[row])
    assert moved == pytest.approx(120.0, abs=0.01)
    assert w.lat[row] < lat0 and w.lon[row] == pytest.approx(lon0, abs=1e-9)
    # the antenna of every radar is its mast height above the (moved) ship, as sensors/sense.py places it
    up = enu_basis(w.lat[cs.sensors.host], w.lon[cs.sensors.host])[:, 2, :]
    antennas = w.pos[cs.sensors.host] + up * cs.sensors.height_offset[:, None]
    np.testing.assert_allclose(np.linalg.norm(antennas - w.pos[row], axis=1), [30.0, 25.0], atol=1e-6)


def test_a_defended_platform_is_its_own_asset_row(cs):
    row = int(np.flatnonzero(cs.movers.kind == MoverKind.SHIP)[0])
    assert cs.asset_rows.tolist() == [0, row]          # the town, then the ship: no second mover for the ship
    np.testing.assert_allclose(cs.asset_value, [5.0, 8.0])
    np.testing.assert_allclose(cs.asset_radius, [1000.0, 800.0])
    # the cruise missile aimed at the ship homes on the ship's row
    cm = int(np.flatnonzero(cs.movers.kind == MoverKind.CRUISE_MISSILE)[0])
    assert cs.movers.aim_asset[cm] == row and cs.movers.home_on[cm] == row
    w = initial_world(cs)
    for _ in range(20):
        advance_movers(w, cs, 1.0)
        w.t += 1.0
    # impacts: a point 500 m from the moved ship hits the ship (index 1 of the assets), 900 m does not
    east = enu_basis(w.lat[row], w.lon[row])[0]
    assert asset_hit(w, cs, w.pos[row] + 500.0 * east) == 1
    assert asset_hit(w, cs, w.pos[row] + 900.0 * east) == -1
    # threat evaluation: a track heading straight for the ship is worth the ship's value, one heading away less
    north = enu_basis(w.lat[row], w.lon[row])[1]
    pos = np.stack([w.pos[row] + 40_000.0 * north, w.pos[row] + 40_000.0 * north])
    vel = np.stack([-250.0 * north, 250.0 * north])
    pic = SimpleNamespace(pos=pos, vel=vel, n=2)      # evaluate_threats reads the tracks' states only
    _, values = evaluate_threats(pic, w, cs)
    assert values[0] > values[1]
    assert values[0] >= 8.0 * 0.5


def test_the_defended_platform_appears_among_the_scenario_assets():
    sc = scenario_from_dict(_raw())
    entry = sc.assets[-1]
    assert isinstance(entry, PlatformAsset) and entry.id == "frigate" and entry.platform == "frigate"
    assert entry.route is not None and entry.value == 8 and entry.radius_m == 800
    # without defended: no asset entry, and a threat may not aim at it
    raw = _raw()
    del raw["platforms"][0]["defended"]
    with pytest.raises(InputError, match=r"cruise_missiles\[0\]\.target"):
        scenario_from_dict(raw)


@pytest.mark.parametrize("change, path", [
    (lambda p: p["batteries"][0].update(position={"lat_deg": 36.0, "lon_deg": 126.0}), r"platforms\[0\].*batteries\[0\]\.position"),
    (lambda p: p["batteries"][1].update(route={"speed_mps": 5, "waypoints": [{"lat_deg": 36, "lon_deg": 126}]}), r"batteries\[1\]\.route"),
    (lambda p: p["batteries"][1].update(id="search"), r"batteries\[1\]\.id: 'search' is used twice"),
    (lambda p: p["batteries"][0].update(interceptor="nope"), r"platforms\[0\]\.batteries\[0\]\.interceptor"),
    (lambda p: p["radars"][0]["radar"].update(el_min_deg=50, el_max_deg=40), r"platforms\[0\]\.radars\[0\]\.radar\.el_min_deg"),
    (lambda p: p.update(kind="submarine"), r"platforms\[0\]\.kind"),
    (lambda p: p.update(id="town"), r"platforms\[0\]\.id.*already used by assets\[0\]"),
], ids=["battery-position", "battery-route", "duplicate-inner-id", "unknown-interceptor", "radar-elevation", "kind",
        "duplicate-id"])
def test_bad_platform_input_names_the_field(change, path):
    raw = _raw()
    change(raw["platforms"][0])
    with pytest.raises(InputError, match=path):
        scenario_from_dict(raw)


def test_a_platform_radar_may_not_take_the_name_of_another_entity():
    raw = _raw(cruise_missiles=[])
    raw["assets"].append({"id": "frigate.search", "force": "blue", "position": {"lat_deg": 37.5, "lon_deg": 127.0}})
    with pytest.raises(InputError, match=r"platforms\[0\]\.radars\[0\]\.id: its name 'frigate.search'"):
        scenario_from_dict(raw)


def test_a_ground_site_without_route_or_defended_is_a_static_host():
    raw = _raw(cruise_missiles=[])
    raw["platforms"][0].update(kind="ground", position={"lat_deg": 37.1, "lon_deg": 127.1, "alt_m": 50})
    del raw["platforms"][0]["route"]
    del raw["platforms"][0]["defended"]
    cs = compile_scenario(scenario_from_dict(raw))
    row = int(np.flatnonzero(cs.movers.kind == MoverKind.GROUND_SITE)[0])
    assert cs.sensors.platform == ["ground", "ground"] and cs.asset_rows.tolist() == [0]
    w = initial_world(cs)
    p0 = w.pos[row].copy()
    advance_movers(w, cs, 1.0)
    np.testing.assert_array_equal(w.pos[row], p0)


def test_the_demo_carrier_group_is_a_platform_and_the_old_ship_forms_still_compile_as_before():
    sc = scenario_from_dict(read_scenario_dict(demo_path()))
    assert [p.id for p in sc.platforms] == ["carrier_group"] and not sc.air_bases
    cs = compile_scenario(sc)
    row = cs.movers.name.index("carrier_group")
    assert cs.movers.kind[row] == MoverKind.SHIP and row in cs.asset_rows.tolist()
    assert cs.movers.sortie_rows.size == 0
    # the old ship: a ship radar and a battery, each its own mover with its own copy of the route
    raw = _raw(cruise_missiles=[], platforms=[])
    route = SHIP["route"]
    raw["radars"] = [{"id": "old_radar", "force": "blue", "mount": "ship", "position": SHIP["position"], "route": route}]
    raw["batteries"] = [{"id": "old_sam", "force": "blue", "position": SHIP["position"], "route": route,
                         "interceptor": "sam"}]
    cs = compile_scenario(scenario_from_dict(raw))
    radar, sam = cs.movers.name.index("old_radar"), cs.movers.name.index("old_sam")
    assert cs.movers.kind[radar] == MoverKind.SHIP_RADAR and cs.movers.kind[sam] == MoverKind.BATTERY
    assert cs.sensors.host.tolist() == [radar] and cs.shooters.host.tolist() == [sam]
    assert not np.isin(cs.movers.kind, [MoverKind.SHIP, MoverKind.GROUND_SITE, MoverKind.AIR_BASE]).any()
