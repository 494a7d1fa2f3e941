"""The offline tracker's defaults, named sensors, and association whose cost grows with the gated pairs."""

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.stats import chi2

from amdsim.bench.tracker import OSPA_FROM_SCAN, simulate_manoeuvring, simulate_scans
from amdsim.bench.tracker_reference import track as reference_track
from amdsim.tracking.associate import _sparse_assign, gnn_assign
from amdsim.tracking.gate import candidate_pairs, chi2_ppf3, gate_candidates, gate_pairs
from amdsim.tracking.offline import read_detections, track_detections
from amdsim.tracking.ospa import ospa


@pytest.mark.parametrize("prob", [0.9, 0.99, 0.999, 0.9999])
def test_chi2_quantile_in_closed_form_matches_scipy(prob):
    # Abramowitz & Stegun 26.4.4: the 3-dof CDF in closed form, inverted by bisection
    assert chi2_ppf3(prob) == pytest.approx(chi2.ppf(prob, 3), rel=1e-10)


def test_grid_pregate_gives_exactly_the_pairs_of_the_full_test():
    g = np.random.default_rng(4)
    n, m = 1500, 1200
    xp = g.uniform(0, 50_000, (n, 3))
    z = g.uniform(0, 50_000, (m, 3))
    A = g.normal(0, 1, (n, 3, 3))
    Pp = A @ A.transpose(0, 2, 1) * g.uniform(1e2, 3e6, (n, 1, 1))      # gates from metres to kilometres
    R = np.broadcast_to(np.diag([900.0, 900.0, 2500.0]), (m, 3, 3)).copy()
    full = gate_pairs(xp, Pp, z, R, 16.27)
    ci, cj = candidate_pairs(xp, Pp, z, R, 16.27)
    assert ci.size < n * m / 5                       # the pre-gate prunes
    for a, b in zip(full, gate_candidates(xp, Pp, z, R, 16.27, ci, cj), strict=True):
        np.testing.assert_array_equal(a, b)


def test_sparse_assignment_of_a_large_cluster_equals_the_dense_optimum():
    # the most pairs first, then the least cost: the dense matrix with BIG cells, solved by scipy
    g = np.random.default_rng(5)
    nt, nd = 60, 50
    mask = g.random((nt, nd)) < 0.08
    ti, di = np.nonzero(mask)
    cost = g.uniform(-3, 20, ti.size)
    t, d = _sparse_assign(ti, di, cost)
    dense = np.full((nt, nd), 1e9)
    dense[ti, di] = cost
    r, c = linear_sum_assignment(dense)
    ok = dense[r, c] < 1e9
    assert t.size == int(ok.sum())
    lookup = dict(zip(zip(ti.tolist(), di.tolist(), strict=True), cost.tolist(), strict=True))
    assert sum(lookup[p] for p in zip(t.tolist(), d.tolist(), strict=True)) == pytest.approx(dense[r[ok], c[ok]].sum())
    # and gnn_assign hands it to the sparse solver when the cluster is over DENSE_CELLS
    import amdsim.tracking.associate as assoc
    old, assoc.DENSE_CELLS = assoc.DENSE_CELLS, 10
    try:
        det_of = gnn_assign(ti.astype(np.int64), di.astype(np.int64), cost, nt, nd)
    finally:
        assoc.DENSE_CELLS = old
    assert (det_of >= 0).sum() == t.size


def _ospa(res, truth, conf_key="confirmed"):
    e = []
    for k in range(OSPA_FROM_SCAN, len(truth)):
        sel = res[conf_key] & (res["time_s"] == k)
        e.append(ospa(np.stack([res["x_m"][sel], res["y_m"][sel]], 1), truth[k], c=500.0, p=1.0))
    return float(np.mean(e))


def _cols(scans):
    k = np.array([len(z) for z in scans])
    z = np.concatenate(scans)
    return {"time_s": np.repeat(np.arange(len(scans), dtype=float), k), "sensor_id": np.zeros(len(z)),
            "x_m": z[:, 0], "y_m": z[:, 1]}


@pytest.mark.parametrize("sim", [simulate_scans, simulate_manoeuvring], ids=["quiet", "manoeuvring"])
def test_defaults_at_least_as_accurate_as_cv_gnn_tuned_to_the_truth(sim):
    # the brief: OSPA (c = 500 m, p = 1; Schuhmacher, Vo & Vo 2008) of `amdsim track`'s defaults (an
    # IMM of a quiet and a manoeuvring CV mode, Bar-Shalom, Li & Kirubarajan 2001, 11.7) no worse than the
    # standard CV Kalman + GNN tracker with q = 1 m^2/s^3 on quiet targets, and better on 3 g turns
    scans, truth = sim(60, 120, seed=11)
    cols = _cols(scans)
    ours = _ospa(track_detections(cols, 50.0), truth)
    cv = reference_track(cols["time_s"], np.zeros(len(cols["time_s"]), np.int64),
                         np.stack([cols["x_m"], cols["y_m"]], 1), 50.0, [1.0])
    cv_ospa = _ospa(cv, truth)
    if sim is simulate_scans:
        assert ours <= cv_ospa, (ours, cv_ospa)
    else:
        assert ours < 0.8 * cv_ospa, (ours, cv_ospa)


def test_reference_runs_the_same_algorithm():
    # the numpy reference and the tracker agree closely on the same detections (same models, gate, GNN)
    scans, truth = simulate_manoeuvring(40, 80, seed=2)
    cols = _cols(scans)
    ref = reference_track(cols["time_s"], np.zeros(len(cols["time_s"]), np.int64),
                          np.stack([cols["x_m"], cols["y_m"]], 1), 50.0, [0.25, 2500.0])
    assert _ospa(track_detections(cols, 50.0), truth) == pytest.approx(_ospa(ref, truth), rel=0.05)


def test_sensor_names_are_accepted_and_group_scans(tmp_path):
    g = np.random.default_rng(0)
    z = np.array([[0.0, 0.0], [10_000.0, 0.0]])
    rows = []
    for k in range(6):
        for name, p in (("north radar", z[0]), ("south radar", z[1])):
            rows.append((float(k), name, *(p + g.normal(0, 20, 2))))
    path = tmp_path / "named.parquet"
    pq.write_table(pa.table({"time_s": [r[0] for r in rows], "sensor_id": [r[1] for r in rows],
                             "x_m": [r[2] for r in rows], "y_m": [r[3] for r in rows]}), path)
    cols = read_detections(path)
    assert np.unique(cols["sensor_id"]).tolist() == [0.0, 1.0]
    res = track_detections(cols, 20.0)
    assert np.unique(res["track_id"][res["confirmed"]]).size == 2
