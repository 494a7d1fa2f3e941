"""CZML export: structure (czml3 round trip) and positions equal to states.parquet."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq
from czml3 import Document

from amdsim.review.czml import write_czml


def test_czml_structure_and_positions(run_dir, tmp_path):
    out = write_czml(run_dir, tmp_path / "run.czml")
    packets = json.loads(out.read_text())
    Document(packets=packets)  # czml3 validates every packet
    assert packets[0]["id"] == "document" and "clock" in packets[0]
    states = pq.read_table(run_dir / "states.parquet").to_pydict()
    movers = {p["id"]: p for p in packets if p["id"].startswith("mover/")}
    assert {f"mover/{m}" for m in states["mover_id"]} == set(movers)
    for m in set(states["mover_id"]):
        rows = [i for i, x in enumerate(states["mover_id"]) if x == m]
        want = np.array([[states[c][i] for c in ("time_s", "lon_deg", "lat_deg", "alt_m")] for i in rows])
        want = want[np.argsort(want[:, 0])]
        got = np.array(movers[f"mover/{m}"]["position"]["cartographicDegrees"]).reshape(-1, 4)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
        assert "availability" in movers[f"mover/{m}"] and "path" in movers[f"mover/{m}"]
    events = pq.read_table(run_dir / "events.parquet").to_pydict()
    n_ev = sum(k in ("detection", "intercept", "impact") for k in events["kind"])
    assert sum(p["id"].startswith("event/") for p in packets) == n_ev


def test_export_czml_cli(run_dir, tmp_path):
    out = tmp_path / "x.czml"
    res = subprocess.run([sys.executable, "-m", "amdsim", "export", "czml", str(run_dir), "--out", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert json.loads(out.read_text())[0]["id"] == "document"
    bad = subprocess.run([sys.executable, "-m", "amdsim", "export", "czml", str(tmp_path / "nope")],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "run or batch folder" in bad.stderr
