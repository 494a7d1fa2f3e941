"""Combat identification (c2/identify.py): the decision list as a table of cases, the geometry of the
evidence (friendly-origin polygon, corridor centreline distance), and the rules of engagement per
weapon control status (JP 3-01 definitions: free engages any target not positively identified as
friendly, tight only targets positively identified as hostile, hold none)."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.c2.airspace import in_polygon
from amdsim.c2.identify import corridor_distance, identity_rules
from amdsim.core.units import DEG
from amdsim.world.identity import (
    WCS_FREE,
    WCS_HOLD,
    WCS_TIGHT,
    ContestedTable,
    Identity,
    Rule,
    engageable,
)

I, R = Identity, Rule  # noqa: E741  (short names keep the case table readable)
P = I.PENDING
#: (case, evidence, expected identity, expected rule). Evidence keys: prev, iff, silent, origin_in,
#: origin_out, ret, civil, speed (m/s), descent (m/s), net (an ally's identity), squawk (a mode 3/C
#: reply). Thresholds: 2 silent, 600 m/s, 80 m/s.
CASES = [
    ("nothing yet", {}, P, R.NONE),
    ("one silent interrogation", {"silent": 1}, P, R.NONE),
    ("silent, no territory given", {"silent": 2}, I.UNKNOWN, R.SILENT),
    ("silent, first seen outside", {"silent": 2, "origin_out": True}, I.SUSPECT, R.SILENT_OUTSIDE),
    ("iff reply", {"iff": True}, I.FRIEND, R.IFF_REPLY),
    ("iff reply beats a hostile profile", {"iff": True, "speed": 900.0}, I.FRIEND, R.IFF_REPLY),
    ("iff reply beats a held hostile", {"iff": True, "prev": I.HOSTILE}, I.FRIEND, R.IFF_REPLY),
    ("friendly origin", {"origin_in": True, "silent": 5}, I.ASSUMED_FRIEND, R.ORIGIN),
    ("return corridor", {"ret": True, "silent": 5, "origin_out": True}, I.ASSUMED_FRIEND, R.RETURN_CORRIDOR),
    ("civil corridor", {"civil": True, "silent": 5}, I.NEUTRAL, R.CIVIL_CORRIDOR),
    ("missile speed", {"speed": 700.0}, I.HOSTILE, R.PROFILE_SPEED),
    ("attack dive", {"descent": 120.0}, I.HOSTILE, R.PROFILE_DESCENT),
    ("held friend", {"prev": I.FRIEND, "silent": 9, "origin_out": True}, I.FRIEND, R.HELD),
    ("held assumed friend over a dive", {"prev": I.ASSUMED_FRIEND, "descent": 150.0}, I.ASSUMED_FRIEND, R.HELD),
    ("procedure before profile", {"ret": True, "speed": 700.0}, I.ASSUMED_FRIEND, R.RETURN_CORRIDOR),
    ("suspect is re-evaluated", {"prev": I.SUSPECT, "speed": 700.0}, I.HOSTILE, R.PROFILE_SPEED),
    ("held hostile", {"prev": I.HOSTILE, "silent": 0}, I.HOSTILE, R.HELD),
    ("ally says friend", {"net": I.FRIEND, "silent": 5, "origin_out": True}, I.FRIEND, R.NETWORK),
    ("ally says hostile over own assumed friend", {"net": I.HOSTILE, "prev": I.ASSUMED_FRIEND}, I.HOSTILE, R.NETWORK),
    ("own held friend over ally's hostile", {"net": I.HOSTILE, "prev": I.FRIEND}, I.FRIEND, R.HELD),
    ("iff over ally's hostile", {"net": I.HOSTILE, "iff": True}, I.FRIEND, R.IFF_REPLY),
    ("ally's suspect is not shared", {"net": I.SUSPECT, "silent": 2}, I.UNKNOWN, R.SILENT),
    ("civil squawk, civil profile", {"squawk": True, "silent": 5, "origin_out": True}, I.NEUTRAL, R.CIVIL_SQUAWK),
    ("civil squawk at missile speed", {"squawk": True, "speed": 700.0}, I.HOSTILE, R.PROFILE_SPEED),
    ("civil squawk in a return corridor", {"squawk": True, "ret": True}, I.ASSUMED_FRIEND, R.RETURN_CORRIDOR),
]
#: The same evidence under the looser order (profile_before_procedure): a hostile profile wins
LOOSE = [
    ("profile before corridor", {"ret": True, "speed": 700.0}, I.HOSTILE, R.PROFILE_SPEED),
    ("profile before held assumed friend", {"prev": I.ASSUMED_FRIEND, "descent": 150.0}, I.HOSTILE, R.PROFILE_DESCENT),
    ("profile before origin", {"origin_in": True, "descent": 150.0}, I.HOSTILE, R.PROFILE_DESCENT),
    ("held friend still wins", {"prev": I.FRIEND, "speed": 700.0}, I.FRIEND, R.HELD),
    ("iff still wins", {"iff": True, "speed": 700.0}, I.FRIEND, R.IFF_REPLY),
]


def _run(ev: dict, loose: bool) -> tuple[int, int]:
    a = lambda key, default, dt=bool: np.array([ev.get(key, default)], dt)  # noqa: E731
    ident, rule = identity_rules(a("prev", int(P), np.int8), a("iff", False), a("silent", 0, int), a("origin_in", False),
                                 a("origin_out", False), a("ret", False), a("civil", False), a("speed", 250.0, float),
                                 a("descent", 0.0, float), n_silent=2, hostile_speed=600.0, hostile_descent=80.0,
                                 profile_first=loose, network=a("net", int(P), np.int8), civil_squawk=a("squawk", False))
    return int(ident[0]), int(rule[0])


@pytest.mark.parametrize(("evidence", "identity", "rule"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_identity_rules_table(evidence, identity, rule):
    assert _run(evidence, loose=False) == (int(identity), int(rule))


@pytest.mark.parametrize(("evidence", "identity", "rule"), [c[1:] for c in LOOSE], ids=[c[0] for c in LOOSE])
def test_identity_rules_looser_order(evidence, identity, rule):
    assert _run(evidence, loose=True) == (int(identity), int(rule))


def test_rules_vectorised_match_one_by_one():
    """All cases at once give the same answers as one at a time (no coupling between rows)."""
    evs = [c[1] for c in CASES]
    col = lambda key, default, dt=bool: np.array([e.get(key, default) for e in evs], dt)  # noqa: E731
    ident, rule = identity_rules(col("prev", int(P), np.int8), col("iff", False), col("silent", 0, int),
                                 col("origin_in", False), col("origin_out", False), col("ret", False), col("civil", False),
                                 col("speed", 250.0, float), col("descent", 0.0, float), 2, 600.0, 80.0,
                                 network=col("net", int(P), np.int8), civil_squawk=col("squawk", False))
    assert ident.tolist() == [int(c[2]) for c in CASES]
    assert rule.tolist() == [int(c[3]) for c in CASES]


@pytest.mark.parametrize(("status", "allowed"), [
    (WCS_FREE, {I.UNKNOWN, I.SUSPECT, I.HOSTILE}),
    (WCS_TIGHT, {I.HOSTILE}),
    (WCS_HOLD, set()),
], ids=["free", "tight", "hold"])
def test_weapon_control_status(status, allowed):
    ids = np.array([int(i) for i in Identity])
    ok = engageable(ids, np.full(ids.size, status))
    assert {Identity(int(i)) for i in ids[ok]} == allowed


def test_in_polygon_square_and_concave():
    sq_lat, sq_lon = np.array([0.0, 0.0, 1.0, 1.0]) * DEG, np.array([0.0, 1.0, 1.0, 0.0]) * DEG
    lat = np.array([0.5, 1.5, 0.5, -0.1, 0.999]) * DEG
    lon = np.array([0.5, 0.5, 1.5, 0.5, 0.001]) * DEG
    assert in_polygon(lat, lon, sq_lat, sq_lon).tolist() == [True, False, False, False, True]
    # a U shape: the notch (0.5, 0.5)-(1, 0.5) is outside
    u_lat = np.array([0, 0, 1, 1, 0.25, 0.25, 1, 1]) * DEG
    u_lon = np.array([0, 1, 1, 0.75, 0.75, 0.25, 0.25, 0]) * DEG
    assert in_polygon(np.array([0.6, 0.1, 0.6]) * DEG, np.array([0.5, 0.5, 0.1]) * DEG, u_lat, u_lon).tolist() == [
        False, True, True]


def _corridor(lat_deg, lon_deg) -> ContestedTable:
    z = np.zeros(0)
    return ContestedTable(z.astype(bool), z, z, z, ["c"], np.array([True]), np.array([0], np.int32),
                          np.array([len(lat_deg)], np.int32), np.array([1e4]), np.array([0.0]), np.array([1e4]),
                          np.array([300.0]), np.array(lat_deg) * DEG, np.array(lon_deg) * DEG, None,
                          np.zeros(0, np.int16), [], z, z, z)


def test_corridor_distance_against_geometry():
    """A north-south centreline along lon 10 deg from lat 35 to 36: a point 0.1 deg of longitude east at
    lat 35.5 lies R * 0.1 deg * cos(35 deg) across (the segment's tangent plane); a point north of the end
    lies at its great-circle distance to the end point (R * 0.2 deg)."""
    tab = _corridor([35.0, 36.0], [10.0, 10.0])
    r = 6_371_000.0
    d = corridor_distance(np.array([35.5, 36.2, 35.5]) * DEG, np.array([10.1, 10.0, 10.0]) * DEG, tab)[:, 0]
    assert d[0] == pytest.approx(r * 0.1 * DEG * np.cos(35 * DEG), rel=1e-9)
    assert d[1] == pytest.approx(r * 0.2 * DEG, rel=1e-9)
    assert d[2] == pytest.approx(0.0, abs=1e-6)


def test_shared_identity_follows_link_ids_and_aliases():
    """Force 0's picture: its own track 5 (fused with ally 1's track 7: alias), ally 1's unfused track 9
    (id 2e9 + 9 on the link), ally 2's track 3 (3e9 + 3) whose ally is not linked. Ally 1 decided 7 friend,
    9 hostile; ally 2 decided 3 neutral."""
    from amdsim.c2.identify import shared_identity
    from amdsim.links.shared_picture import ALLY_ID_OFFSET as OFF
    from amdsim.world.identity import IdentityMemory
    from amdsim.world.picture import Picture

    ids = np.array([5, 2 * OFF + 9, 3 * OFF + 3], np.int64)
    m = ids.size
    pic = Picture(0, 0.0, ids, np.zeros((m, 3)), np.zeros((m, 3)), np.ones(m), np.ones(m, bool), np.zeros(m),
                  np.zeros(m, np.int16), np.arange(m, dtype=np.int32))
    pic.aliases = (np.array([2 * OFF + 7], np.int64), np.array([5], np.int64))
    mem = lambda tids, idents: IdentityMemory(np.array(tids, np.int64), np.array(idents, np.int8),  # noqa: E731
                                              np.zeros(len(tids), np.int8), np.zeros(len(tids), bool))
    memory = {("force", 1): mem([7, 9], [I.FRIEND, I.HOSTILE]), ("force", 2): mem([3], [I.NEUTRAL])}
    assert shared_identity(pic, memory, np.array([1])).tolist() == [I.FRIEND, I.HOSTILE, I.PENDING]
    assert shared_identity(pic, memory, np.array([1, 2])).tolist() == [I.FRIEND, I.HOSTILE, I.NEUTRAL]
    assert shared_identity(pic, memory, np.array([], int)).tolist() == [I.PENDING] * 3
