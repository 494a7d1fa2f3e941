"""The offline tracker (`amdsim track`) and the OSPA/GOSPA metrics."""

import subprocess
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from amdsim.bench.tracker import simulate_scans
from amdsim.tracking.ospa import gospa, ospa


def test_ospa_and_gospa_hand_computed_values():
    # Schuhmacher et al. (2008) definition: one matched pair 30 m apart, one unmatched, c = 100, p = 1
    X = np.array([[0.0, 0.0]])
    Y = np.array([[30.0, 0.0], [1000.0, 0.0]])
    assert ospa(X, Y, c=100.0, p=1.0) == pytest.approx((30.0 + 100.0) / 2)
    assert gospa(X, Y, c=100.0, p=1.0) == pytest.approx(30.0 + 100.0 / 2)
    assert ospa(X, X, c=100.0) == 0.0 and ospa([], [], c=100.0) == 0.0 and ospa(X, [], c=100.0) == 100.0


def _detections_file(tmp_path, n_targets=20, n_scans=60):
    scans, truth = simulate_scans(n_targets, n_scans, seed=1)
    rows = {"time_s": [], "sensor_id": [], "x_m": [], "y_m": []}
    for k, z in enumerate(scans):
        rows["time_s"] += [float(k)] * len(z)
        rows["sensor_id"] += [0] * len(z)
        rows["x_m"] += z[:, 0].tolist()
        rows["y_m"] += z[:, 1].tolist()
    path = tmp_path / "det.parquet"
    pq.write_table(pa.table(rows), path)
    return path, truth


@pytest.mark.parametrize("options", [[], ["--model", "imm", "--association", "jpda"], ["--model", "ca"]],
                         ids=["cv-gnn", "imm-jpda", "ca-gnn"])
def test_track_cli_follows_targets_in_clutter(tmp_path, options):
    det, truth = _detections_file(tmp_path)
    out = tmp_path / "tracks.parquet"
    res = subprocess.run([sys.executable, "-m", "amdsim", "track", str(det), "--out", str(out), *options],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    t = pq.read_table(out).to_pydict()
    assert set(t) == {"time_s", "track_id", "x_m", "y_m", "vx_mps", "vy_mps", "confirmed", "quality"}
    assert all(0.0 <= v <= 1.0 for v in t["quality"])
    time_s, conf = np.array(t["time_s"]), np.array(t["confirmed"])
    x, y = np.array(t["x_m"]), np.array(t["y_m"])
    errs = [ospa(np.stack([x[(time_s == k) & conf], y[(time_s == k) & conf]], axis=1), truth[k], c=500.0)
            for k in range(20, 60)]
    # 20 targets, Pd 0.9, 10 false alarms per scan, 50 m noise: steady-state OSPA well under the 500 m cut-off
    # (with the scenario's tracking defaults, 20 m/s^2 process noise and deletion after 4 misses, the
    # CV/GNN run gives about 55 m; the CLI's former defaults, q = 25 m^2/s^3 and 3 misses, about 43 m)
    assert np.mean(errs) < 120.0
    speeds = np.hypot(np.array(t["vx_mps"]), np.array(t["vy_mps"]))[conf & (time_s > 20)]
    assert np.median(speeds) == pytest.approx(250.0, rel=0.1)


@pytest.mark.parametrize(
    ("table", "words"),
    [({"time_s": [0.0], "x_m": [1.0], "y_m": [2.0]}, "sensor_id"),
     ({"time_s": ["a"], "sensor_id": [0], "x_m": [1.0], "y_m": [2.0]}, "time_s"),
     ({"time_s": [], "sensor_id": [], "x_m": [], "y_m": []}, "no rows")],
    ids=["missing-column", "wrong-type", "empty"],
)
def test_track_cli_refuses_bad_files_with_the_column(tmp_path, table, words):
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table(table), path)
    res = subprocess.run([sys.executable, "-m", "amdsim", "track", str(path), "--out", str(tmp_path / "o.parquet")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and words in res.stderr and "Traceback" not in res.stderr
    corrupt = tmp_path / "corrupt.parquet"
    corrupt.write_bytes(b"PAR1 not really")
    res = subprocess.run([sys.executable, "-m", "amdsim", "track", str(corrupt), "--out", str(tmp_path / "o.parquet")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "Parquet" in res.stderr


@pytest.mark.parametrize(
    ("options", "words"),
    [(["--gate", "0.3"], "--gate"), (["--process-noise", "0"], "--process-noise"), (["--confirm", "3/2"], "--confirm"),
     (["--confirm", "two"], "--confirm")],
    ids=["gate", "process-noise", "m-over-n", "not-m-of-n"],
)
def test_track_cli_refuses_settings_a_scenario_file_would_refuse(tmp_path, options, words):
    # the options are the scenario's `tracking:` fields, checked against the same bounds (models.Tracking)
    det, _ = _detections_file(tmp_path, n_targets=2, n_scans=3)
    res = subprocess.run([sys.executable, "-m", "amdsim", "track", str(det), "--out", str(tmp_path / "o.parquet"),
                          *options], capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and words in res.stderr and "Traceback" not in res.stderr


def test_deprecated_q_option_still_works_as_the_square_root(tmp_path):
    """`amdsim track --q Q` (before the options derived from the scenario's tracking: fields) keeps
    working: it warns and runs as --process-noise sqrt(Q), giving the very same tracks."""
    import subprocess
    import sys

    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = np.repeat(np.arange(8.0), 2)
    det = tmp_path / "det.parquet"
    pq.write_table(pa.table({"time_s": t, "sensor_id": np.zeros(16, np.int32),
                             "x_m": np.tile([0.0, 5000.0], 8) + t * 100.0, "y_m": np.zeros(16)}), det)
    outs = []
    for args in (["--q", "25"], ["--process-noise", "5"]):
        out = tmp_path / f"tracks{len(outs)}.parquet"
        res = subprocess.run([sys.executable, "-m", "amdsim", "track", str(det), "--out", str(out), *args],
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        outs.append(pq.read_table(out))
        if args[0] == "--q":
            assert "deprecated" in res.stderr and "--process-noise 5" in res.stderr
    assert outs[0].equals(outs[1])
