"""IFF interrogation (sensors/iff.py) and the outages of degraded C2 (links/degrade.py), on the bundled
fratricide case: a transponder answers with its reply probability (binomial bounds), stops at its
failure time, red movers never answer, an airliner answers only the civil mode 3/C; an outage makes its
battery autonomous and rejoins."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from amdsim.links.degrade import degrade_c2
from amdsim.links.shared_picture import SharedPictureLink
from amdsim.scenario import load_compiled
from amdsim.sensors.iff import interrogate
from amdsim.world.events import EventLog
from amdsim.world.identity import Allegiance, initial_contested
from amdsim.world.messages import Detections


@pytest.fixture(scope="module")
def cs():
    from pathlib import Path

    import amdsim

    return load_compiled(Path(amdsim.__file__).parent / "data" / "fratricide_case.yaml")


def _detections(t: float, sensor: int, target: int, n: int, rng_m: float = 50_000.0) -> Detections:
    z = np.zeros(n)
    return Detections(t, np.full(n, sensor, np.int32), np.full(n, target, np.int32), np.full(n, rng_m), z, z, z,
                      np.zeros((n, 3)), np.zeros((n, 3, 3)))


def _state(cs, seed: int = 1):
    st = initial_contested(cs, np.random.default_rng(seed), np.random.default_rng(seed + 1))
    assert st is not None
    return st


def test_reply_fraction_matches_reply_probability(cs):
    """2000 interrogations of raven (reply_prob 0.95) before its failure: the replies lie inside the
    binomial 99.9 % interval."""
    st = _state(cs)
    raven = cs.movers.name.index("raven.1")
    rng = np.random.default_rng(7)
    n = 2000
    for k in range(n):
        interrogate(st, cs, _detections(10.0 + k * 1e-3, 0, raven, 1), rng)
    lo, hi = stats.binom.interval(0.999, n, 0.95)
    assert lo <= st.replies <= hi
    assert st.interrogations == n


def test_failed_transponder_red_and_civil_never_answer(cs):
    st = _state(cs)
    m = cs.movers
    raven = m.name.index("raven.1")
    red = int(np.flatnonzero(m.is_threat)[0])
    civil = int(np.flatnonzero(m.allegiance == Allegiance.NEUTRAL)[0])
    rng = np.random.default_rng(3)
    for target in (red, civil):
        interrogate(st, cs, _detections(10.0, 0, target, 50), rng)
    interrogate(st, cs, _detections(80.0, 0, raven, 50), rng)     # fail_at_s 80: failed from then on
    assert st.replies == 0 and st.interrogations == 150
    assert st.last_civil[0, civil] == 10.0 and st.last_civil[0, red] == -np.inf   # the airliner squawks mode 3/C
    assert st.silent[0, raven] == 50 and st.silent[0, red] == 50
    interrogate(st, cs, _detections(20.0, 0, raven, 3, rng_m=400_000.0), rng)   # beyond iff_range_m
    assert st.interrogations == 150


def test_chance_failure_drawn_per_replication(cs):
    """fail_prob 1 fails the transponder from the start; 0 (the case) keeps the set failure time."""
    raven = cs.movers.name.index("raven.1")
    assert _state(cs).iff_fail_at[raven] == 80.0
    tab = cs.extras["contested"]
    saved = tab.iff_fail_prob.copy()
    try:
        tab.iff_fail_prob[raven] = 1.0
        assert _state(cs).iff_fail_at[raven] == 0.0
    finally:
        tab.iff_fail_prob[:] = saved


def test_outage_makes_battery_autonomous_then_rejoins(cs):
    st = _state(cs, seed=0)
    tab = st.table
    st.outage_on[:] = True
    saved = tab.outage_end.copy()
    tab.outage_end[:] = 200.0
    try:
        link = SharedPictureLink.from_table(cs.force_side, cs.links)
        log = EventLog()
        trail = []
        for t in (50.0, 100.0, 150.0, 200.0, 250.0):
            degrade_c2(st, link, t, log)
            trail.append(bool(st.autonomous[0]))
        assert trail == [False, True, True, False, False]
        assert [e[1] for e in st.c2_log] == ["autonomous", "rejoined"]
        assert log.kinds() == ["autonomous", "rejoined"]
    finally:
        tab.outage_end[:] = saved


def test_force_outage_cuts_the_link_both_ways():
    from amdsim.world.identity import ContestedState, ContestedTable

    side = np.array([0, 0, 1], np.int8)
    link = SharedPictureLink(side, 1.0, 2.0, 0.0)
    z = np.zeros(0)
    tab = ContestedTable(z.astype(bool), z, z, z, [], z.astype(bool), z.astype(np.int32), z.astype(np.int32), z, z, z, z,
                         z, z, None, np.array([1], np.int16), [np.array([0], np.int32)], np.array([10.0]),
                         np.array([20.0]), np.array([1.0]))
    st = ContestedState(tab, z, np.zeros((0, 0)), np.zeros((0, 0), np.int32), np.array([True]), np.zeros(1, bool),
                        np.zeros(3, bool), {})
    degrade_c2(st, link, 10.0, EventLog())
    assert not link.linked[0, 1] and not link.linked[1, 0] and st.link_cut.tolist() == [False, True, False]
    degrade_c2(st, link, 20.0, EventLog())
    assert link.linked[0, 1] and link.linked[1, 0]
