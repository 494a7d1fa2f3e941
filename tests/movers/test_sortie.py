"""Sorties from an air base (movers/sortie.py, c2/fighters.shooter_available).

The expected times are computed from the geometry in the tests: great-circle distances on the mean
earth sphere (``core/geodesy.py``, the movers' own horizontal model) over the orbit speed, climbs
and descents at the aircraft's climb rate. Each run records a log of (time, event, aircraft) and
per-step state, and the assertions compare them with those figures within one step.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import pytest

from amdsim.c2.fighters import shooter_available
from amdsim.core.errors import InputError
from amdsim.core.geodesy import great_circle_distance
from amdsim.core.kinds import MoverKind, SortiePhase
from amdsim.core.rng import replication_seed
from amdsim.engine.replication import new_replication
from amdsim.engine.sanity import check_world
from amdsim.engine.step import step
from amdsim.scenario import compile_scenario, demo_path, scenario_from_dict
from amdsim.scenario.load import read_scenario_dict

DEG = np.pi / 180
DT = 1.0
BASE = {"lat_deg": 37.0, "lon_deg": 127.0, "alt_m": 20.0}
ORBIT = {"center": {"lat_deg": 37.0, "lon_deg": 126.0}, "radius_m": 20000, "speed_mps": 220, "alt_m": 6000}
AAM = {"id": "aam", "boost_accel_mps2": 250, "boost_time_s": 4, "launch_speed_mps": 250, "max_accel_mps2": 350,
       "max_tof_s": 60, "min_range_m": 1500, "max_range_m": 50000, "min_alt_m": 5, "max_alt_m": 20000,
       "lethal_radius_m": 8, "pk_max": 0.8, "reaction_time_s": 2}
#: Six cruise missiles flying east past the fighters' orbit, after the fighters are on station.
RAID = {"id": "cm", "force": "red", "site": "sea", "salvo": {"count": 6, "start_s": 100, "interval_s": 20},
        "speed_mps": 250, "cruise_alt_m": 100, "target": "town"}


def _raw(duration=1800.0, fighters=None, aew=None, raid=True, base=None) -> dict:
    raw = {
        "name": "sortie test", "start_utc": "2030-01-01T00:00:00Z", "duration_s": duration, "step_s": DT, "seed": 1,
        "forces": [{"id": "blue", "side": "blue", "nation": "A"}, {"id": "red", "side": "red", "nation": "R"}],
        "assets": [{"id": "town", "force": "blue", "position": {"lat_deg": 37.0, "lon_deg": 127.2, "alt_m": 20}}],
        "launch_sites": [{"id": "sea", "force": "red", "position": {"lat_deg": 37.0, "lon_deg": 124.6}}],
        "cruise_missiles": [copy.deepcopy(RAID)] if raid else [],
        "air_bases": [{"id": "field", "force": "blue", "position": dict(BASE), "turnaround_s": 300, **(base or {})}],
        "fighters": fighters or [],
        "aew": aew or [],
        "interceptor_types": [dict(AAM)],
        "tracking": {"model": "perfect"},
    }
    return raw


def _fighter(**kw) -> dict:
    return {"id": "viper", "force": "blue", "count": 1, "base": "field", "sorties": 2, "takeoff_s": 20.0,
            "orbit": copy.deepcopy(ORBIT), "missiles": 2, "interceptor": "aam", "endurance_s": 5000.0, **kw}


@dataclass
class Trace:
    """One replication stepped to its end: the event log and the per-step state of aircraft ``row``."""

    cs: object
    r: object
    row: int
    t: list = field(default_factory=list)
    phase: list = field(default_factory=list)
    active: list = field(default_factory=list)
    available: list = field(default_factory=list)
    rounds: list = field(default_factory=list)
    lat: list = field(default_factory=list)
    lon: list = field(default_factory=list)
    alt: list = field(default_factory=list)
    heading: list = field(default_factory=list)
    speed: list = field(default_factory=list)

    def events(self, kind: str) -> list[tuple[float, str, float]]:
        lg = self.r.log
        return [(lg.time[i], lg.detail[i], lg.value[i]) for i in range(len(lg))
                if lg.kind[i] == kind and lg.actor[i] == self.row]

    def at(self, t: float) -> int:
        """Index of the step that ends at ``t`` (s)."""
        return int(np.argmin(np.abs(np.asarray(self.t) - t)))


def _run(raw: dict, kind=MoverKind.FIGHTER) -> Trace:
    cs = compile_scenario(scenario_from_dict(raw))
    r = new_replication(cs, replication_seed(1, 0))
    row = int(next(x for x in cs.movers.sortie_rows if cs.movers.kind[x] == kind))
    sh = np.flatnonzero(cs.shooters.host == row)
    tr = Trace(cs, r, row)
    w = r.world
    for _ in range(cs.n_steps):
        step(r)
        check_world(r)
        tr.t.append(w.t)
        tr.phase.append(int(w.sortie_phase[row]))
        tr.active.append(bool(w.is_active[row]))
        tr.available.append(bool(shooter_available(w, cs)[sh[0]]) if sh.size else False)
        tr.rounds.append(int(w.rounds_left[sh[0]]) if sh.size else 0)
        tr.lat.append(float(w.lat[row]))
        tr.lon.append(float(w.lon[row]))
        tr.alt.append(float(w.alt[row]))
        tr.heading.append(float(w.heading[row]))
        tr.speed.append(float(np.linalg.norm(w.vel[row])))
    return tr


def _dist_m(lat1, lon1, lat2, lon2) -> float:
    return float(great_circle_distance(lat1, lon1, lat2, lon2))


def _base_to_orbit_m(orbit=ORBIT) -> float:
    c = orbit["center"]
    return _dist_m(BASE["lat_deg"] * DEG, BASE["lon_deg"] * DEG, c["lat_deg"] * DEG, c["lon_deg"] * DEG) - orbit["radius_m"]


@pytest.fixture(scope="module")
def fighter_run() -> Trace:
    return _run(_raw(fighters=[_fighter()]))


def test_fighter_takes_off_at_takeoff_s_and_reaches_its_orbit_after_distance_over_speed(fighter_run):
    tr = fighter_run
    (t_off, detail, _), *_ = tr.events("takeoff")
    assert t_off == 20.0 and detail == "sortie 1 of 2"
    # on the ground (not in the world) until then, at the base
    assert not any(a for t, a in zip(tr.t, tr.active, strict=True) if t < 20.0)
    t_on = tr.events("on_station")[0][0]
    transit = _base_to_orbit_m() / ORBIT["speed_mps"]          # the climb (6 km at 75 m/s) fits inside it
    assert t_on - t_off == pytest.approx(transit, abs=DT)
    k = tr.at(np.ceil(t_on))
    assert tr.alt[k] == pytest.approx(ORBIT["alt_m"], abs=1e-6)
    c = ORBIT["center"]
    assert _dist_m(tr.lat[k], tr.lon[k], c["lat_deg"] * DEG, c["lon_deg"] * DEG) == pytest.approx(ORBIT["radius_m"], abs=5.0)
    # outbound at the orbit speed (horizontal) while climbing at 75 m/s at most
    outbound = [s for s, p in zip(tr.speed, tr.phase, strict=True) if p == SortiePhase.OUTBOUND]
    assert min(outbound) >= ORBIT["speed_mps"] - 1e-6
    assert max(outbound) <= np.hypot(ORBIT["speed_mps"], 75.0) + 1e-6


def test_c2_tasks_a_based_fighter_only_on_station(fighter_run):
    tr = fighter_run
    for p, a in zip(tr.phase, tr.available, strict=True):
        assert a == (p == SortiePhase.ON_STATION)
    on = tr.events("on_station")[0][0]
    rtb = tr.events("rtb")[0][0]
    lg = tr.r.log
    orders = [lg.time[i] for i in range(len(lg)) if lg.kind[i] == "engagement_order" and lg.actor[i] == tr.row]
    assert orders, "the raid flies past the orbit: the fighter should fire"
    assert all(on <= t <= rtb for t in orders)


def test_winchester_return_landing_turnaround_and_second_sortie(fighter_run):
    tr = fighter_run
    t_rtb, reason, fuel_rtb = tr.events("rtb")[0]
    assert reason == "winchester"
    k = tr.at(t_rtb)
    assert tr.rounds[k] == 0
    # home at the orbit speed: the descent (6 km at 75 m/s = 80 s) fits inside the flight
    home = _dist_m(tr.lat[k], tr.lon[k], BASE["lat_deg"] * DEG, BASE["lon_deg"] * DEG) / ORBIT["speed_mps"]
    t_land, detail, fuel_land = tr.events("landing")[0]
    assert detail == "sortie 1 of 2"
    assert t_land - t_rtb == pytest.approx(home, abs=DT)
    assert fuel_land == pytest.approx(fuel_rtb - (t_land - t_rtb), abs=1e-6)
    j = tr.at(np.ceil(t_land))
    assert tr.alt[j] == pytest.approx(BASE["alt_m"], abs=1e-6) and not tr.active[j]
    # turnaround: back in the air exactly turnaround_s after landing, missiles back to the full load
    t_off2, detail2, _ = tr.events("takeoff")[1]
    assert detail2 == "sortie 2 of 2"
    assert t_off2 == pytest.approx(t_land + 300.0, abs=1e-9)
    ground = [i for i, t in enumerate(tr.t) if t_land + DT <= t < t_off2]
    assert ground and not any(tr.active[i] for i in ground)
    assert all(tr.phase[i] == SortiePhase.GROUND for i in ground)
    assert tr.rounds[tr.at(np.ceil(t_off2) + DT)] == 2
    # its radar is off while it is on the ground: no detection from its host between landing and take-off
    det = tr.r.recorder.detections
    hosts = [(c["time_s"], c["host_id"]) for c in det]
    assert not any(((t > t_land + DT) & (t < t_off2) & (h == tr.row)).any() for t, h in hosts)
    # the second sortie reaches the orbit after the same transit
    t_on2 = tr.events("on_station")[1][0]
    assert t_on2 - t_off2 == pytest.approx(_base_to_orbit_m() / ORBIT["speed_mps"], abs=DT)
    assert tr.r.world.sorties_left[tr.row] == 0


def test_bingo_fuel_brings_the_fighter_home_with_fuel_to_spare():
    endurance = 900.0
    tr = _run(_raw(duration=1500.0, fighters=[_fighter(endurance_s=endurance, sorties=1)], raid=False))
    t_off = tr.events("takeoff")[0][0]
    t_rtb, reason, fuel = tr.events("rtb")[0]
    assert reason == "bingo"
    assert fuel == pytest.approx(endurance - (t_rtb - t_off), abs=1e-9)
    k = tr.at(t_rtb)
    home = _dist_m(tr.lat[k], tr.lon[k], BASE["lat_deg"] * DEG, BASE["lon_deg"] * DEG) / ORBIT["speed_mps"]
    assert home < fuel <= home + 2 * DT + 1e-9
    t_land, _, fuel_land = tr.events("landing")[0]
    assert 0.0 <= fuel_land <= 3 * DT
    assert tr.phase[tr.at(np.ceil(t_land))] == SortiePhase.DONE
    assert not tr.active[-1]


AEW_ORBIT = {"center": {"lat_deg": 37.0, "lon_deg": 126.4}, "radius_m": 20000, "speed_mps": 160, "alt_m": 9000}


def _aew(**kw) -> dict:
    return {"id": "eye", "force": "blue", "base": "field", "takeoff_s": 10.0, "endurance_s": 600.0,
            "climb_rate_mps": 60.0, "orbit": copy.deepcopy(AEW_ORBIT), **kw}


def test_aew_from_its_base_is_on_station_after_the_transit_and_home_after_its_endurance():
    tr = _run(_raw(duration=1500.0, aew=[_aew()], raid=False), kind=MoverKind.AEW)
    t_off = tr.events("takeoff")[0][0]
    t_on = tr.events("on_station")[0][0]
    assert t_off == 10.0
    assert t_on - t_off == pytest.approx(_base_to_orbit_m(AEW_ORBIT) / AEW_ORBIT["speed_mps"], abs=DT)
    t_rtb, reason, fuel = tr.events("rtb")[0]
    assert reason == "endurance" and np.isnan(fuel)
    assert t_on + 600.0 <= t_rtb + 1e-9 < t_on + 600.0 + DT + 1e-9
    # its radar scans only while it flies
    k = tr.at(t_rtb)
    home = _dist_m(tr.lat[k], tr.lon[k], BASE["lat_deg"] * DEG, BASE["lon_deg"] * DEG) / AEW_ORBIT["speed_mps"]
    t_land = tr.events("landing")[0][0]
    assert t_land - t_rtb == pytest.approx(home, abs=DT)
    assert not tr.active[-1] and tr.phase[-1] == SortiePhase.DONE


def test_aew_with_its_orbit_over_the_base_climbs_in_a_hold_before_going_on_station():
    orbit = {"center": dict(BASE), "radius_m": 5000, "speed_mps": 160, "alt_m": 9000}
    orbit["center"].pop("alt_m")
    tr = _run(_raw(duration=900.0, aew=[_aew(climb_rate_mps=15.0, orbit=orbit)], raid=False), kind=MoverKind.AEW)
    t_off = tr.events("takeoff")[0][0]
    t_on = tr.events("on_station")[0][0]
    climb = (9000.0 - BASE["alt_m"]) / 15.0                  # 599 s, the 5 km to the orbit take 31 s
    assert climb <= t_on - t_off <= climb + 120.0
    out = [i for i, p in enumerate(tr.phase) if p == SortiePhase.OUTBOUND]
    # it holds near the base (a standard-rate turn of radius v / (3 deg/s) = 3.1 km) at its cruise speed
    assert max(_dist_m(tr.lat[i], tr.lon[i], BASE["lat_deg"] * DEG, BASE["lon_deg"] * DEG) for i in out) < 15_000.0
    assert min(tr.speed[i] for i in out if tr.t[i] > t_off + DT) >= 160.0 - 1e-6
    assert max(np.diff([tr.alt[i] for i in out])) <= 15.0 * DT + 1e-6
    assert tr.alt[tr.at(np.ceil(t_on))] == pytest.approx(9000.0, abs=1e-6)


def test_runway_heading_gives_a_straight_climb_out_before_the_turn():
    tr = _run(_raw(duration=120.0, fighters=[_fighter(takeoff_s=0.0)], raid=False, base={"runway_heading_deg": 90.0}))
    first = [i for i, t in enumerate(tr.t) if t <= 30.0]
    assert all(tr.heading[i] == pytest.approx(90.0 * DEG, abs=1e-9) for i in first)
    assert tr.lon[first[-1]] > BASE["lon_deg"] * DEG                 # east of the base, the orbit lies west
    later = tr.heading[tr.at(60.0)]
    assert abs(abs(later) - np.pi / 2) < 0.2                         # turned round to fly west


def test_without_a_base_fighters_and_aew_behave_as_before():
    cs = compile_scenario(scenario_from_dict(read_scenario_dict(demo_path())))
    r = new_replication(cs, replication_seed(cs.seed, 0))
    w = r.world
    assert cs.movers.sortie_rows.size == 0 and (w.sortie_phase == SortiePhase.NONE).all()
    for _ in range(5):
        step(r)
    np.testing.assert_array_equal(shooter_available(w, cs), w.t < cs.shooters.endurance)
    aircraft = np.isin(cs.movers.kind, [MoverKind.FIGHTER, MoverKind.AEW])
    assert w.is_active[aircraft].all()


@pytest.mark.parametrize("change, match", [
    (lambda raw: raw["fighters"][0].update(base="nowhere"), r"fighters\[0\]\.base: unknown air base 'nowhere'"),
    (lambda raw: raw["fighters"][0].pop("base"), r"fighters\[0\].*sorties, takeoff_s need a base"),
    (lambda raw: raw["fighters"][0].update(endurance_s=500.0), r"fighters\[0\]\.endurance_s: 500 s of fuel"),
    (lambda raw: raw["aew"][0].update(on_station_s=100.0), r"aew\[0\].*with base, expected takeoff_s"),
    (lambda raw: raw["aew"][0].pop("base"), r"aew\[0\].*need a base"),
    (lambda raw: raw["air_bases"][0].update(runway_heading_deg=360.0), r"air_bases\[0\]\.runway_heading_deg"),
], ids=["unknown-base", "sortie-fields-without-base", "endurance-too-short", "aew-on-station-with-base",
        "aew-fields-without-base", "runway-heading"])
def test_bad_sortie_input_names_the_field(change, match):
    raw = _raw(fighters=[_fighter()], aew=[_aew()])
    change(raw)
    with pytest.raises(InputError, match=match):
        scenario_from_dict(raw)
