"""Plausibility warnings and --strict on the commands, and threats in flight at the end in the console summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

DATA = Path(__file__).parents[1] / "data"


def amdsim(*args):
    return subprocess.run([sys.executable, "-m", "amdsim", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def _scenario(tmp_path, **changes) -> Path:
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    raw.update(changes)
    p = tmp_path / "sc.yaml"
    p.write_text(yaml.safe_dump(raw))
    return p


def test_validate_warns_and_strict_fails(tmp_path):
    bad = _scenario(tmp_path, duration_s=420)         # its cruise missiles cannot reach the base in 420 s
    res = amdsim("validate", bad)
    assert res.returncode == 0, res.stderr
    assert "1 warning" in res.stdout
    assert f"warning: {bad}: cruise_missiles[0].target: route of 122 km" in res.stderr
    res = amdsim("validate", "--strict", bad)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "cruise_missiles[0].target" in res.stderr and "an error with --strict" in res.stderr
    ok = _scenario(tmp_path, duration_s=600)
    res = amdsim("validate", "--strict", ok)
    assert res.returncode == 0 and "warning" not in res.stderr


def test_run_strict_refuses_before_writing(tmp_path):
    bad = _scenario(tmp_path, duration_s=420)
    out = tmp_path / "out"
    res = amdsim("run", bad, "--out", out, "--strict")
    assert res.returncode == 2 and "cruise_missiles[0].target" in res.stderr and not out.exists()
    res = amdsim("run", bad, "-n", 2, "--out", out, "--strict")
    assert res.returncode == 2 and not out.exists()
    res = amdsim("sweep", bad, "--set", "link.latency_s=1,2", "-n", 1, "--out", out, "--strict")
    assert res.returncode == 2 and "cruise_missiles[0].target" in res.stderr and not out.exists()


def test_sweep_warning_printed_once_with_its_variants(tmp_path):
    sc = _scenario(tmp_path, duration_s=600)
    res = amdsim("sweep", sc, "--set", "duration_s=420,600", "-n", 1, "-w", 1, "--out", tmp_path / "sw")
    assert res.returncode == 0, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("warning:")]
    assert len(lines) == 1 and "cruise_missiles[0].target" in lines[0] and "only in variant_00" in lines[0]


def test_threats_in_flight_at_the_end_are_shown(tmp_path):
    """No interceptors and 200 s: the 4 cruise missiles (489 s of flight) and the ballistic missile are in the air."""
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    raw["duration_s"] = 200
    for b in raw["batteries"]:
        b["interceptors_per_launcher"] = 0
    sc = tmp_path / "sc.yaml"
    sc.write_text(yaml.safe_dump(raw))
    res = amdsim("run", sc, "--out", tmp_path / "run", "--no-report")
    assert res.returncode == 0, res.stderr
    s = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert s["counts"]["in_flight_at_end"] == 5
    row = next(ln for ln in res.stderr.splitlines() if "still in flight at the end" in ln)
    assert "5 (" in row and "srbm" in row
    assert "warning:" in res.stderr           # and the scenario said so beforehand
