"""The command line: bad input exits 2 naming file and field path, never a traceback."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).parents[1] / "data"


def amdsim(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "amdsim", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def _mutated(tmp_path, change):
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    change(raw)
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(raw))
    return p


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda r: r["cruise_missiles"][0].update(speed_mps=-5), "cruise_missiles[0].speed_mps", "greater than 0"),
        (lambda r: r["cruise_missiles"][0].update(target="nowhere"), "cruise_missiles[0].target", "unknown asset"),
        (lambda r: r["radars"][0].update(colour="red"), "radars[0].colour", "unknown field"),
        (lambda r: r.update(duration_s="long"), "duration_s", "valid number"),
        (lambda r: r["ballistic_missiles"][0].update(launch_times_s=[90, 60]), "ballistic_missiles[0].launch_times_s",
         "increasing"),
        (lambda r: r["batteries"][0].update(interceptor="nope"), "batteries[0].interceptor", "unknown interceptor"),
        (lambda r: r.pop("forces"), "forces", "required"),
    ],
    ids=["negative-speed", "missing-asset", "unknown-field", "wrong-type", "times-out-of-order", "unknown-type",
         "missing-field"],
)
def test_validate_reports_file_field_and_expectation(tmp_path, change, path, words):
    bad = _mutated(tmp_path, change)
    res = amdsim("validate", bad)
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    assert str(bad) in res.stderr and path in res.stderr and words in res.stderr


def test_run_refuses_bad_input_without_traceback_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"name: [unclosed\n")
    res = amdsim("run", bad, "--out", tmp_path / "out")
    assert res.returncode == 2 and "not valid YAML" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "out").exists()
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    res = amdsim("validate", binary)
    assert res.returncode == 2 and "UTF-8" in res.stderr


def test_every_problem_is_listed_at_once(tmp_path):
    def change(r):
        r["cruise_missiles"][0]["speed_mps"] = -1
        r["batteries"][1]["launchers"] = 0
    res = amdsim("validate", _mutated(tmp_path, change))
    assert res.returncode == 2
    assert "cruise_missiles[0].speed_mps" in res.stderr and "batteries[1].launchers" in res.stderr


def test_validate_ok_and_schema(tmp_path):
    res = amdsim("validate", DATA / "small.yaml")
    assert res.returncode == 0 and "ok" in res.stdout
    res = amdsim("schema", "--out", tmp_path / "s.json")
    schema = json.loads((tmp_path / "s.json").read_text())
    assert "cruise_missiles" in schema["properties"]
    assert "(m/s)" in json.dumps(schema)       # units travel with the field descriptions


def test_help_explains_each_command():
    for cmd in ("run", "demo", "validate", "schema", "bench"):
        res = amdsim(cmd, "--help")
        assert res.returncode == 0 and len(res.stdout) > 200, cmd


def test_missing_dem_is_reported_by_validate_with_its_field(tmp_path):
    def change(r):
        r["earth"] = {"dem_path": "no_such_dem.tif"}
    res = amdsim("validate", _mutated(tmp_path, change))
    assert res.returncode == 2 and "earth.dem_path" in res.stderr and "not found" in res.stderr


def test_unwritable_output_is_reported_before_simulating(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = amdsim("run", DATA / "small.yaml", "--out", blocker / "out")
    assert res.returncode == 4 and "Traceback" not in res.stderr
    assert "simulating" not in res.stderr
