"""Leak causes (records/leak.py): each cause from a scenario built to produce it, the demo's leakers,
and the rules copied into docs/architecture.md."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from amdsim.engine.run import simulate
from amdsim.records.leak import LEAK_CAUSES, leak_causes, leakers
from amdsim.scenario import load_compiled
from tests.records import leak_scenarios as scenarios

ROOT = Path(__file__).parents[2]


def _causes(tmp_path, build):
    cs = load_compiled(scenarios.write(build(), tmp_path))
    r = simulate(cs, 0)
    return r, {cs.movers.name[n]: ce for n, ce in leak_causes(r).items()}


CASES = [(cause, build) for cause, builds in scenarios.CASES.items() for build in builds]


def test_the_causes_are_the_issues_nine():
    assert set(LEAK_CAUSES) == {"not_detected", "detected_too_late", "no_shooter_in_envelope", "out_of_interceptors",
                                "saturated", "shots_missed", "track_lost", "withheld", "coordination_delay"}
    assert set(scenarios.CASES) == set(LEAK_CAUSES)       # a scenario built for every cause


@pytest.mark.parametrize(("cause", "build"), CASES, ids=[b.__name__ for _, b in CASES])
def test_a_scenario_built_for_a_cause_gives_that_cause(tmp_path, cause, build):
    _, found = _causes(tmp_path, build)
    assert found, "the scenario was built to leak"
    causes = {name: c for name, (c, _) in found.items()}
    if cause == "saturated":
        # the round the battery did fire may miss: that leaker's cause is its shots
        assert "saturated" in causes.values() and set(causes.values()) <= {"saturated", "shots_missed"}, causes
    else:
        assert set(causes.values()) == {cause}, causes
    for _, ev in found.values():
        assert ev["because"] and isinstance(ev["rule"], int)


def test_not_detected_evidence_has_no_detection(tmp_path):
    _, found = _causes(tmp_path, scenarios.not_detected)
    (_, ev), = found.values()
    assert all(v is None for v in ev["first_detection_s"].values())
    assert ev["first_detected_by"] == {}


def test_track_lost_evidence_shows_the_track_ending_before_the_chance(tmp_path):
    _, found = _causes(tmp_path, scenarios.track_lost)
    (_, ev), = found.values()
    bat, = ev["shooters"]
    assert bat["shooter"] == "bat" and bat["chance_from"] == "truth"
    assert ev["last_track_s"]["blue"] < bat["chance_s"][1]
    assert ev["first_detected_by"] == {"blue": "radar"}


def test_out_of_interceptors_names_the_empty_battery(tmp_path):
    r, found = _causes(tmp_path, scenarios.out_of_interceptors)
    assert len(found) >= 1
    for _, ev in found.values():
        assert ev["rule"] == 4
        assert [s["verdict"] for s in ev["shooters"]] == ["no_rounds"]
        assert "bat" in ev["because"] and "no rounds" in ev["because"]
    assert r.world.rounds_left[0] == 0


def test_shots_missed_lists_every_round(tmp_path):
    r, found = _causes(tmp_path, scenarios.shots_missed)
    (_, ev), = found.values()
    assert len(ev["shots"]) == sum(1 for t in r.book.target if t == leakers(r)[0])
    assert {s["outcome"] for s in ev["shots"]} <= {"miss", "expired"}


def test_coordination_delay_shows_the_held_round(tmp_path):
    _, found = _causes(tmp_path, scenarios.coordination_delay)
    (_, ev), = found.values()
    shot, = ev["shots"]
    assert shot["launch_s"] is None and shot["outcome"] == "in_flight"   # still held when the threat hit
    assert "held" in ev["because"]


def test_every_demo_leaker_has_a_cause_and_evidence(demo_replication):
    r = demo_replication
    rows = leakers(r)
    found = leak_causes(r)
    assert rows.size > 0 and sorted(found) == rows.tolist()
    names = set(r.cs.shooters.name)
    for cause, ev in found.values():
        assert cause in LEAK_CAUSES
        assert ev["impact_s"] is not None and ev["launch_s"] <= ev["impact_s"]
        assert ev["because"]
        assert {s["shooter"] for s in ev["shooters"]} <= names
        for s in ev["shooters"]:
            assert s["chance_s"][0] <= s["chance_s"][1]


def test_leak_causes_in_summary_json(small_run):
    import json

    s = json.loads((small_run / "summary.json").read_text())
    for t in s["threats"]:
        assert ("leak_cause" in t) and ("leak_evidence" in t)
        assert (t["leak_cause"] is not None) == (t["fate"] == "leaked")
        if t["fate"] == "leaked":
            assert t["leak_cause"] in LEAK_CAUSES


def test_architecture_md_copies_the_decision_list():
    """docs/architecture.md's "Leak causes" section carries the rules of records/leak.py, in order."""
    import amdsim.records.leak as leak

    doc = (ROOT / "docs" / "architecture.md").read_text()
    section = doc[doc.index("## Leak causes"):]
    rules = re.findall(r"^(\d+)\. ``(\w+)``", leak.__doc__, flags=re.M)
    assert [int(n) for n, _ in rules] == list(range(1, 12))
    copied = re.findall(r"^(\d+)\. `(\w+)`", section, flags=re.M)
    assert copied[:11] == [(n, c) for n, c in rules]
    assert np.all([c in LEAK_CAUSES for _, c in rules])
