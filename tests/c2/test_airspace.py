"""Airspace control (c2/airspace.py): who may engage in fighter, missile and joint engagement zones (JP
3-52 / JP 3-01), the stricter weapon control status of shooter and zone, and changes over time; then
the deconfliction at work in the engine: a fighter engagement zone over the fratricide case's battery
keeps the battery from firing there."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import amdsim
from amdsim.c2.airspace import airspace_rules, zone_wcs_at
from amdsim.core.units import DEG
from amdsim.engine.run import run_replication
from amdsim.scenario import load_compiled
from amdsim.world.identity import WCS_FREE, WCS_HOLD, WCS_TIGHT, ContestedTable

SQUARE = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)]


def _table(kinds: list[str], wcs: list[list[tuple[float, int]]], floor: float = 0.0, ceiling: float = 20_000.0):
    z = np.zeros(0)
    n = len(kinds)
    lat = np.array([p[0] for _ in kinds for p in SQUARE]) * DEG
    lon = np.array([p[1] for _ in kinds for p in SQUARE]) * DEG
    return ContestedTable(
        z.astype(bool), z, z, z, [], z.astype(bool), z.astype(np.int32), z.astype(np.int32), z, z, z, z, z, z, None,
        np.zeros(0, np.int16), [], z, z, z,
        zone_name=[f"z{i}" for i in range(n)], zone_fighters=np.array([k in ("fez", "jez") for k in kinds]),
        zone_batteries=np.array([k in ("mez", "jez") for k in kinds]), zone_offset=np.arange(n, dtype=np.int32) * 4,
        zone_count=np.full(n, 4, np.int32), zone_min_alt=np.full(n, floor), zone_max_alt=np.full(n, ceiling),
        zone_lat=lat, zone_lon=lon, zone_wcs_time=[np.array([c[0] for c in w]) for w in wcs],
        zone_wcs=[np.array([c[1] for c in w], np.int8) for w in wcs])


FIGHTER, BATTERY = True, False
#: (zone kinds, shooter is fighter, track inside?, may engage)
CASES = [
    (["mez"], BATTERY, True, True), (["mez"], FIGHTER, True, False),
    (["fez"], BATTERY, True, False), (["fez"], FIGHTER, True, True),
    (["jez"], BATTERY, True, True), (["jez"], FIGHTER, True, True),
    (["mez"], FIGHTER, False, True), (["fez"], BATTERY, False, True),
    (["mez", "fez"], FIGHTER, True, True), (["mez", "fez"], BATTERY, True, True),
]


@pytest.mark.parametrize(("kinds", "fighter", "inside", "allowed"), CASES,
                         ids=[f"{'+'.join(c[0])}-{'fighter' if c[1] else 'battery'}-{'in' if c[2] else 'out'}"
                              for c in CASES])
def test_who_may_engage_where(kinds, fighter, inside, allowed):
    tab = _table(kinds, [[(0.0, WCS_FREE)]] * len(kinds))
    lat = np.array([0.5 if inside else 2.0]) * DEG
    ok, _ = airspace_rules(tab, np.array([fighter]), np.array([WCS_FREE], np.int8), lat, np.array([0.5]) * DEG,
                           np.array([5_000.0]), 0.0)
    assert bool(ok[0, 0]) is allowed


def test_above_the_ceiling_is_outside():
    tab = _table(["fez"], [[(0.0, WCS_FREE)]], ceiling=3_000.0)
    ok, _ = airspace_rules(tab, np.array([BATTERY]), np.array([WCS_FREE], np.int8), np.array([0.5]) * DEG,
                           np.array([0.5]) * DEG, np.array([5_000.0]), 0.0)
    assert ok[0, 0]


def test_status_is_the_stricter_and_changes_in_time():
    tab = _table(["mez"], [[(0.0, WCS_FREE), (100.0, WCS_TIGHT), (200.0, WCS_HOLD)]])
    assert [int(zone_wcs_at(tab, t)[0]) for t in (0.0, 99.0, 100.0, 150.0, 250.0)] == [0, 0, 1, 1, 2]
    args = (np.array([0.5, 2.0]) * DEG, np.array([0.5, 0.5]) * DEG, np.array([5e3, 5e3]))
    _, wcs = airspace_rules(tab, np.array([BATTERY, BATTERY]), np.array([WCS_FREE, WCS_TIGHT], np.int8), *args, 150.0)
    # inside: the zone's tight over a free battery; outside: each battery's own
    assert wcs.tolist() == [[WCS_TIGHT, WCS_FREE], [WCS_TIGHT, WCS_TIGHT]]


def test_fighter_zone_over_the_battery_keeps_it_from_firing():
    """The case with a fez over the whole area: the battery holds fire (reason airspace), nobody dies."""
    box = [{"lat_deg": a, "lon_deg": b} for a, b in ((34.0, 8.0), (37.0, 8.0), (37.0, 12.0), (34.0, 12.0))]
    cs = load_compiled(Path(amdsim.__file__).parent / "data" / "fratricide_case.yaml",
                       {"airspace_zones": [{"id": "fez_all", "kind": "fez", "polygon": box}]})
    s = run_replication(cs, 0)
    assert s["fratricides"] == 0 and s["interceptors_expended"] == 0


def test_fighters_are_vectored_only_at_tracks_their_rules_allow():
    """roe_allows (c2/fighters.py's filter): a track in a mez, a friend, or not held by an autonomous
    shooter is refused; without rules every track is allowed."""
    from amdsim.c2.identify import roe_allows
    from amdsim.world.identity import Identity, Roe
    from amdsim.world.picture import Picture

    pic = Picture.empty(0, 0.0).take(np.zeros(0, int))
    assert roe_allows(pic, 0).size == 0
    m = 4
    pic = Picture(0, 0.0, np.arange(m, dtype=np.int64), np.zeros((m, 3)), np.zeros((m, 3)), np.ones(m), np.ones(m, bool),
                  np.zeros(m), np.zeros(m, np.int16), np.arange(m, dtype=np.int32))
    assert roe_allows(pic, 0).all()
    ident = np.array([[Identity.HOSTILE, Identity.HOSTILE, Identity.FRIEND, Identity.SUSPECT]], np.int8)
    pic.roe = Roe(ident, np.zeros((1, m), np.int8), np.array([[True, True, True, False]]),
                  np.full((1, m), WCS_FREE, np.int8), np.zeros(1, bool), np.array([[True, False, True, True]]))
    assert roe_allows(pic, 0).tolist() == [True, False, False, False]
