"""The bundled fratricide case (src/amdsim/data/fratricide_case.yaml, notional): a friendly aircraft with
a failed transponder returns over a battery that lost its link by chance. Fratricide in most
replications; the mitigation its header names (``# mitigation: --set PATH=VALUE``) removes it. The two
fratricide probabilities come with Wilson 95 % intervals (Wilson 1927, results/intervals.py) that do not
overlap."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import amdsim
from amdsim.engine.run import run_replication
from amdsim.results.intervals import wilson_interval
from amdsim.scenario import load_compiled

CASE = Path(amdsim.__file__).parent / "data" / "fratricide_case.yaml"
N = 6


def _mitigation() -> tuple[str, object]:
    line = next(x for x in CASE.read_text().splitlines() if x.startswith("# mitigation:"))
    m = re.fullmatch(r"# mitigation: --set ([\w.]+)=(\S+)", line.strip())
    assert m, line
    return m.group(1), json.loads(m.group(2))


def _batch(overrides: dict) -> list[dict]:
    cs = load_compiled(CASE, overrides)
    return [run_replication(cs, k) for k in range(N)]


@pytest.fixture(scope="module")
def runs():
    path, value = _mitigation()
    return _batch({}), _batch({path: value})


def test_fratricide_probability_with_and_without_mitigation(runs):
    case, mitigated = runs
    k_case = sum(s["fratricides"] > 0 for s in case)
    k_mit = sum(s["fratricides"] > 0 for s in mitigated)
    lo_case, hi_case = wilson_interval(k_case, N)
    lo_mit, hi_mit = wilson_interval(k_mit, N)
    assert k_case / N > 0.5, f"fratricide in {k_case} of {N}: expected most replications"
    assert k_mit == 0
    assert hi_mit < lo_case, f"intervals overlap: case [{lo_case:.2f}, {hi_case:.2f}], mitigated [{lo_mit:.2f}, {hi_mit:.2f}]"


def test_fratricide_record_names_shooter_identity_and_evidence(runs):
    case, _ = runs
    rec = next(s for s in case if s["fratricides"])["fratricide"][0]
    assert rec["name"] == "raven.1" and rec["allegiance"] == "friend" and rec["shooter"] == "guard"
    assert rec["identity"] == "suspect" and rec["rule"] == "silent_outside" and rec["autonomous"] is True
    assert "transponder failed" in rec["why"]
    errors = next(s for s in case if s["fratricides"])["identification"]["errors"]
    assert errors["guard"]["friendly_as_threat"] == ["raven.1"]
    # the network kept raven a friend: no error of the force's own
    assert "blue" not in errors or not errors["blue"]["friendly_as_threat"]


def test_threat_counts_leave_the_air_traffic_out(runs):
    case, _ = runs
    names = {t["name"] for t in case[0]["threats"]}
    assert names == {"cm_north.1", "cm_north.2"}


def test_battery_that_rejoins_before_the_return_does_not_fire():
    """The outage certain but over at 300 s (raven reaches the battery's radar at ~430 s): the battery is
    back on the network's identity, friend, and holds fire; the outage and the rejoin are in the record."""
    cs = load_compiled(CASE, {"c2_outages.0.prob": 1.0, "c2_outages.0.end_s": 300.0})
    s = run_replication(cs, 0)
    assert s["fratricides"] == 0
    assert [(o["what"], o["time_s"]) for o in s["c2_outages"]] == [("autonomous", 100.0), ("rejoined", 300.0)]
