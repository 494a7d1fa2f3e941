"""The multi-target tracker: filter consistency, track management, and the engine option."""

import numpy as np
import yaml
from scipy.stats import chi2

from amdsim.engine.run import run_replication
from amdsim.scenario import compile_scenario, scenario_from_dict
from amdsim.tracking.kalman import process_noise
from amdsim.tracking.tracker import Tracker

from ..conftest import DATA


def test_nees_of_a_constant_velocity_target_is_chi_square_consistent():
    # Bar-Shalom, Li & Kirubarajan (2001) sec. 5.4: the average NEES over Monte Carlo runs lies in the
    # two-sided 95 % chi-square interval for a consistent filter (6 states, 200 runs)
    rng = np.random.default_rng(3)
    runs, steps, q, sigma = 200, 40, 1.0, 50.0
    chol = np.linalg.cholesky(process_noise(np.array([1.0]), q)[0])
    nees = np.zeros(steps)
    for _ in range(runs):
        trk = Tracker(motion="cv", q=q, m=1, n=1, init_speed_sigma=300.0, gate_prob=1 - 1e-9)
        x = np.array([0.0, 0.0, 1000.0, 200.0, -50.0, 0.0])
        for k in range(steps):
            if k:
                # truth drawn from the filter's own discretised white-noise-acceleration model (dt = 1 s)
                x[:3] += x[3:]
                x += chol @ rng.standard_normal(6)
            z = x[:3] + rng.normal(0, sigma, 3)
            trk.step(float(k), z[None], np.eye(3)[None] * sigma**2)
            assert trk.size == 1
            e = trk.x[0] - x
            nees[k] += e @ np.linalg.solve(trk.P[0], e)
    avg = nees[10:] / runs
    lo, hi = chi2.ppf([0.025, 0.975], 6 * runs) / runs
    assert np.mean((avg >= lo) & (avg <= hi)) >= 0.85


def test_m_of_n_confirms_and_coasting_deletes():
    trk = Tracker(m=2, n=3, max_coast_s=10.0)
    R = np.eye(3)[None] * 100.0
    trk.step(0.0, np.array([[0.0, 0.0, 0.0]]), R)
    assert trk.size == 1 and not trk.confirmed[0]
    trk.step(1.0, np.array([[100.0, 0.0, 0.0]]), R)
    assert trk.confirmed[0]
    for t in range(2, 14):
        trk.step(float(t), np.zeros((0, 3)), np.zeros((0, 3, 3)))
    assert trk.size == 0


def test_engine_with_kalman_tracking_keeps_truth_bookkeeping(tmp_path):
    import pyarrow.parquet as pq

    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    raw["tracking"] = {"model": "kalman"}
    cs = compile_scenario(scenario_from_dict(raw))
    s = run_replication(cs, 0, tmp_path)
    assert s["counts"]["launched"] == 5
    tracks = pq.read_table(tmp_path / "tracks.parquet").to_pylist()
    own = [t for t in tracks if t["confirmed"] and t["track_id"] < 1_000_000_000]
    assert own and all(t["truth_id"] >= 0 for t in own)          # no false tracks without clutter
    assert all(t["pos_sigma_m"] > 0 for t in own)                 # estimates carry their uncertainty
    assert s["counts"]["killed"] >= 3


def test_demo_picture_quality_and_ballistic_estimates(tmp_path):
    # the bundled demo tracks with Kalman trackers: its summary scores each nation's picture against the
    # truth and lists the launch/impact point estimates of ballistic tracks with their 95 % ellipses
    from amdsim.scenario import demo_path, load_compiled

    cs = load_compiled(demo_path())
    assert cs.tracking["model"] == "kalman"
    s = run_replication(cs, 0, tmp_path)
    q = s["tracking"]["avalon"]
    assert q["threats_held"] >= 20 and q["false_tracks"] <= 2
    assert q["tracks_per_threat"] < 1.1                      # duplicates are rare
    assert 10.0 < q["median_error_m"] < 2000.0               # radar-level errors, not zero (not the truth)
    est = [e for e in s["ballistic_estimates"] if e["launch"] and e["impact"]]
    assert len(est) >= 3
    for e in est:
        assert e["truth"].startswith(("srbm", "mrbm"))         # only ballistic threats get estimates
        # the launch site lies within the boost phase's reach of the ballistic launch point
        assert e["launch"]["error_m"] < 50_000.0
    ratio = [e["impact"]["error_m"] / e["impact"]["ellipse95_semi_major_m"] for e in est]
    assert np.median(ratio) < 1.0                            # the truth mostly inside the 95 % ellipse
