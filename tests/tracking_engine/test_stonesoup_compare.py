"""The Stone Soup comparison harness tracks: its KF-CV + GNN reference, fed the benchmark's
detections, must hold the targets well inside the 500 m OSPA cut-off."""

import numpy as np
import pytest

pytest.importorskip("stonesoup")

from amdsim.bench.stonesoup_compare import run_stonesoup
from amdsim.bench.tracker import simulate_scans


def test_stonesoup_reference_tracks_the_benchmark_scans():
    scans, truth = simulate_scans(20, 40, seed=0)
    res = run_stonesoup(scans, truth, sigma=50.0, ospa_from_scan=10)
    assert res["tracker"].startswith("stonesoup ")
    assert res["scans"] == 40
    assert res["s_per_scan"] > 0 and np.isclose(res["scans_per_s"] * res["s_per_scan"], 1.0)
    assert res["mean_ospa_m"] < 150.0
