"""CZML export: structure (czml3 round trip) and positions equal to states.parquet."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq
import pytest
from czml3 import Document

from amdsim.review.czml import write_czml


def test_czml_structure_and_positions(run_dir, tmp_path):
    out = write_czml(run_dir, tmp_path / "run.czml")
    packets = json.loads(out.read_text())
    Document(packets=packets)  # czml3 validates every packet
    assert packets[0]["id"] == "document" and "clock" in packets[0]
    states = pq.read_table(run_dir / "states.parquet").to_pydict()
    names = dict(zip(*pq.read_table(run_dir / "movers.parquet", columns=["mover_id", "name"]).to_pydict().values(),
                     strict=True))
    movers = {int(next(k for k, v in names.items() if f"mover/{v}" == p["id"])): p
              for p in packets if p["id"].startswith("mover/")}
    assert set(states["mover_id"]) == set(movers)
    for m in set(states["mover_id"]):
        rows = [i for i, x in enumerate(states["mover_id"]) if x == m]
        want = np.array([[states[c][i] for c in ("time_s", "lon_deg", "lat_deg", "alt_m")] for i in rows])
        want = want[np.argsort(want[:, 0])]
        got = np.array(movers[m]["position"]["cartographicDegrees"]).reshape(-1, 4)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
        assert "availability" in movers[m] and "path" in movers[m]
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


# --- coverage against a target altitude, moving with its host, names -------------------------------

def _radar_host(run_dir):
    sens = pq.read_table(run_dir / "sensors.parquet").to_pydict()
    k = sens["name"].index("radar_a")
    return k, sens


def test_coverage_radius_is_the_horizon_range(run_dir, tmp_path):
    """radar_a (small.yaml: site at 40 m, mast 25 m) against a 30 m sea-skimmer: the 4/3-earth horizon
    range d = sqrt(2 k R h1) + sqrt(2 k R h2) (Skolnik, Introduction to Radar Systems, 3rd ed., eq. 8.1),
    about 4.12 km x (sqrt(h1 m) + sqrt(h2 m)): 55.8 km, not the instrumented 400 km."""
    k, sens = _radar_host(run_dir)
    assert sens["height_offset_m"][k] == 25.0
    packets = json.loads(write_czml(run_dir, tmp_path / "c.czml", target_alt_m=30.0).read_text())
    Document(packets=packets)
    ell = next(p for p in packets if p["id"] == "sensor/radar_a")["ellipse"]
    h1, h2, kR = 40.0 + 25.0, 30.0, 4.0 / 3.0 * 6_371_008.8
    want = np.sqrt(2 * kR * h1) + np.sqrt(2 * kR * h2)
    assert ell["semiMajorAxis"] == pytest.approx(want, rel=1e-9) and ell["semiMinorAxis"] == ell["semiMajorAxis"]
    assert ell["semiMajorAxis"] == pytest.approx(4.12e3 * (np.sqrt(h1) + np.sqrt(h2)), rel=5e-3)
    high = json.loads(write_czml(run_dir, tmp_path / "h.czml", target_alt_m=10_000.0).read_text())
    assert next(p for p in high if p["id"] == "sensor/radar_a")["ellipse"]["semiMajorAxis"] == \
        sens["max_range_m"][k]                                 # a high flyer: capped at the instrumented range


def test_coverage_moves_with_its_host_and_its_height(run_dir, tmp_path):
    """A host that moves (its states shifted east over time) drags its ellipse; a host that climbs
    (the AEW) gets a sampled radius, each sample the horizon range for that height."""
    import shutil

    import pyarrow as pa

    folder = tmp_path / "moving"
    shutil.copytree(run_dir, folder)
    k, sens = _radar_host(folder)
    radar_host, aew_host = sens["host_id"][k], sens["host_id"][sens["name"].index("aew")]
    st = pq.read_table(folder / "states.parquet")
    d = st.to_pydict()
    t, ids = np.array(d["time_s"]), np.array(d["mover_id"])
    lon, alt = np.array(d["lon_deg"]), np.array(d["alt_m"])
    lon = np.where(ids == radar_host, lon + t * 1e-4, lon)          # the site sails east
    alt = np.where(ids == aew_host, 1000.0 + 20.0 * t, alt)           # the AEW climbs at 20 m/s
    st = st.set_column(st.schema.get_field_index("lon_deg"), "lon_deg", pa.array(lon))
    st = st.set_column(st.schema.get_field_index("alt_m"), "alt_m", pa.array(alt))
    pq.write_table(st, folder / "states.parquet")
    packets = json.loads(write_czml(folder, folder / "m.czml").read_text())
    Document(packets=packets)
    rows = np.argsort(t[ids == radar_host])
    want = np.stack([t[ids == radar_host][rows], lon[ids == radar_host][rows], np.array(d["lat_deg"])[ids == radar_host][rows]], -1)
    pos = np.array(next(p for p in packets if p["id"] == "sensor/radar_a")["position"]["cartographicDegrees"]).reshape(-1, 4)
    np.testing.assert_allclose(pos[:, :3], want, atol=1e-9)
    assert np.ptp(pos[:, 1]) > 0.01 and np.all(pos[:, 3] == 0.0)
    axis = next(p for p in packets if p["id"] == "sensor/aew")["ellipse"]["semiMajorAxis"]
    samples = np.array(axis["number"]).reshape(-1, 2)
    assert "epoch" in axis and len(samples) == np.sum(ids == aew_host)
    ka = sens["name"].index("aew")
    from amdsim.sensors.horizon import radar_horizon_range

    h = 1000.0 + 20.0 * samples[:, 0] + sens["height_offset_m"][ka]
    np.testing.assert_allclose(samples[:, 1], np.minimum(radar_horizon_range(h, 30.0), sens["max_range_m"][ka]))


def test_events_and_entities_are_named(run_dir, tmp_path):
    packets = json.loads(write_czml(run_dir, tmp_path / "n.czml").read_text())
    names = set(pq.read_table(run_dir / "movers.parquet").column("name").to_pylist())
    events = [p for p in packets if p["id"].startswith("event/")]
    assert events
    for p in events:
        assert any(n in p["name"] for n in names) and "actor" not in p["description"], p["name"]
    assert all(p["id"][len("mover/"):] in names for p in packets if p["id"].startswith("mover/"))
