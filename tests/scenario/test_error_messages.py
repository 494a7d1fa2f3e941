"""Error messages a newcomer understands (issue 19): the expected form with an example instead of
pydantic's jargon, "did you mean" for misspelled fields, choices and references, and schema and
reference problems listed in one pass. Each row: a change to tests/data/small.yaml, the field path,
fragments the message must contain, and fragments it must not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import cli_in_process

DATA = Path(__file__).resolve().parents[1] / "data"

CASES = [
    # (id, change, path, must contain, must not contain)
    ("list-for-mapping", lambda r: r["assets"][0].update(position=[36.9, 126.95]), "assets[0].position",
     ["expected a mapping of Position's fields", "got a list [36.9, 126.95]", "e.g. `position: {lat_deg:"],
     ["valid dictionary", "instance of"]),
    ("text-for-mapping", lambda r: r.update(link="fast"), "link",
     ["expected a mapping of Link's fields", "got the text 'fast'", "e.g. `link: {"], ["instance of"]),
    ("text-for-list-entry", lambda r: r["forces"].__setitem__(0, "blue_a"), "forces[0]",
     ["expected a mapping of Force's fields", "got the text 'blue_a'", "e.g. `forces: [{id: "], []),
    ("number-not-a-choice", lambda r: r["radars"][0]["radar"].update(swerling=2), "radars[0].radar.swerling",
     ["expected one of 0, 1, 3", "(got 2)"], []),
    ("empty-value", lambda r: r["link"].update(latency_s=None), "link.latency_s",
     ["not a valid number", "(got an empty value)"], ["None"]),
    ("misspelled-field", lambda r: r["radars"][0].update(mast_hieght_m=12), "radars[0].mast_hieght_m",
     ["unknown field 'mast_hieght_m'", "did you mean 'mast_height_m'?", "fields of RadarSite"],
     ["Extra inputs"]),
    ("misspelled-top-field", lambda r: r.update(duraton_s=60), "duraton_s",
     ["unknown field 'duraton_s'", "did you mean 'duration_s'?"], []),
    ("misspelled-choice", lambda r: r["forces"][0].update(side="bleu"), "forces[0].side",
     ["expected one of 'blue', 'red'", "did you mean 'blue'?", "(got 'bleu')"], ["Input should be"]),
    ("number-with-unit", lambda r: r.update(step_s="1s"), "step_s",
     ["not a valid number", "plain number (s)", "without units or quotes", "(got '1s')", "e.g. `step_s: "],
     ["unable to parse"]),
    ("count-as-word", lambda r: r["batteries"][0].update(launchers="two"), "batteries[0].launchers",
     ["not a valid whole number", "(got 'two')", "e.g. `launchers: "], ["unable to parse"]),
    ("negative-speed", lambda r: r["cruise_missiles"][0].update(speed_mps=-5), "cruise_missiles[0].speed_mps",
     ["expected a value greater than 0 (m/s)", "(got -5)"], ["Input should"]),
    ("missing-required", lambda r: r["cruise_missiles"][0].pop("target"), "cruise_missiles[0].target",
     ["required field is missing", "e.g. `target: "], []),
    ("list-where-mapping-list", lambda r: r.update(forces={"id": "blue_a"}), "forces",
     ["expected a list (`- item` lines, or [a, b]), got a mapping", "e.g. `forces: [{"], []),
    ("bad-identifier", lambda r: r["assets"][0].update(id="air base"), "assets[0].id",
     ["expected identifier: letters, digits", "(got 'air base')"], ["String should match pattern"]),
    ("reference-typo", lambda r: r["batteries"][0].update(interceptor="sma"), "batteries[0].interceptor",
     ["unknown interceptor type 'sma'", "expected one of 'sam'", "did you mean 'sam'?"], []),
    ("force-typo", lambda r: r["radars"][0].update(force="blue_aa"), "radars[0].force",
     ["unknown force 'blue_aa'", "did you mean 'blue_a'"], []),
]


def _write(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    change(raw)
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(raw, sort_keys=False))
    return p


@pytest.mark.parametrize(("change", "path", "want", "unwanted"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_message_says_what_was_expected(tmp_path, monkeypatch, capsys, change, path, want, unwanted):
    bad = _write(tmp_path, change)
    assert cli_in_process(monkeypatch, "validate", bad) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    line = next((ln for ln in err.splitlines() if f"{bad}: {path}:" in ln), None)
    assert line is not None, err
    for fragment in want:
        assert fragment in line, (fragment, line)
    for fragment in unwanted:
        assert fragment not in line, (fragment, line)


def test_schema_and_reference_problems_listed_in_one_pass(tmp_path, monkeypatch, capsys):
    """A schema error (a list where a mapping belongs) no longer hides a dangling reference elsewhere;
    the reference's path keeps its index although an earlier, broken entry was set aside."""
    def change(r):
        r["assets"][0]["position"] = [36.9, 126.95]       # schema error in the only asset
        r["batteries"][0]["launchers"] = "two"           # schema error in batteries[0]
        r["batteries"][1]["interceptor"] = "sma"         # reference error in batteries[1]
        r["radars"][0]["force"] = "blue_c"               # reference error, no close name
        r["duration_s"] = -1                             # a required top-level field with an error
    bad = _write(tmp_path, change)
    assert cli_in_process(monkeypatch, "validate", bad) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "assets[0].position: expected a mapping" in err
    assert "batteries[0].launchers: not a valid whole number" in err
    assert "duration_s: expected a value greater than 0" in err
    assert "batteries[1].interceptor: unknown interceptor type 'sma'" in err and "did you mean 'sam'?" in err
    assert "radars[0].force: unknown force 'blue_c'" in err
    # the asset set aside for its schema error is not reported again as a dangling target
    assert "unknown asset 'base'" not in err
    assert "5 problems found:" in err


def test_example_comes_from_a_bundled_scenario():
    from amdsim.scenario.diagnose import example

    assert example(("radars", 3, "radar", "revisit_s")).startswith("revisit_s: ")
    assert example(("no_such_field",)) == ""


def test_no_reference_noise_when_the_forces_themselves_are_wrong(tmp_path, monkeypatch, capsys):
    """forces given as a mapping: one problem, not one 'unknown force' per entity."""
    bad = _write(tmp_path, lambda r: r.update(forces={"id": "blue_a"}))
    assert cli_in_process(monkeypatch, "validate", bad) == 2
    err = capsys.readouterr().err
    assert "forces: expected a list" in err and "unknown force" not in err

