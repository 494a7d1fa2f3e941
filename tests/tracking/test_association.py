"""The tracker's association kernels against direct computations: gating, clusters, GNN, JPDA."""

import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.stats import chi2

from amdsim.tracking.associate import gnn_assign, hungarian
from amdsim.tracking.gate import gate_pairs
from amdsim.tracking.jpda import _cheap_jpda, _exact_jpda, jpda_weights


def _random_scene(rng, n, m, spread=2000.0):
    xp = rng.uniform(0, spread, (n, 3))
    A = rng.normal(0, 60.0, (n, 3, 3))
    Pp = A @ np.swapaxes(A, 1, 2) + np.eye(3) * 100.0
    z = rng.uniform(0, spread, (m, 3))
    B = rng.normal(0, 30.0, (m, 3, 3))
    R = B @ np.swapaxes(B, 1, 2) + np.eye(3) * 25.0
    return xp, Pp, z, R


def test_gate_pairs_match_the_dense_mahalanobis_test():
    rng = np.random.default_rng(0)
    xp, Pp, z, R = _random_scene(rng, 40, 60)
    gate = chi2.ppf(0.999, 3)
    ti, di, d2, logdet = gate_pairs(xp, Pp, z, R, gate)
    S = Pp[:, None] + R[None]
    nu = z[None] - xp[:, None]
    dense = np.einsum("nmi,nmi->nm", nu, np.linalg.solve(S, nu[..., None])[..., 0])
    want = np.argwhere(dense <= gate)
    assert want.shape[0] > 20
    np.testing.assert_array_equal(np.stack([ti, di], 1), want)
    np.testing.assert_allclose(d2, dense[ti, di], rtol=1e-9)
    np.testing.assert_allclose(logdet, np.linalg.slogdet(S[ti, di])[1], rtol=1e-9)


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (6, 6), (7, 4)])
def test_hungarian_equals_scipy_on_dense_matrices(shape):
    rng = np.random.default_rng(sum(shape))
    for _ in range(50):
        a = rng.uniform(0, 10, shape)
        rows_first = a.shape[0] <= a.shape[1]
        col = hungarian(a if rows_first else a.T)
        ours = (a if rows_first else a.T)[np.arange(col.size), col].sum()
        r, c = linear_sum_assignment(a)
        assert len(set(col.tolist())) == col.size
        assert ours == pytest.approx(a[r, c].sum(), abs=1e-9)


def test_gnn_assign_by_clusters_equals_one_dense_assignment():
    # the largest set of gated pairs, then the least total cost: what linear_sum_assignment gives on the
    # whole matrix with a prohibitive cost outside the gates
    rng = np.random.default_rng(1)
    for trial in range(40):
        n, m = rng.integers(1, 30), rng.integers(1, 30)
        gated = rng.random((n, m)) < 0.08
        cost = rng.uniform(0, 20, (n, m))
        ti, di = np.nonzero(gated)
        det_of = gnn_assign(ti.astype(np.int64), di.astype(np.int64), cost[ti, di], n, m)
        a = np.where(gated, cost, 1e9)
        r, c = linear_sum_assignment(a)
        ok = gated[r, c]
        assigned = det_of >= 0
        assert assigned.sum() == ok.sum(), trial
        assert cost[np.flatnonzero(assigned), det_of[assigned]].sum() == pytest.approx(cost[r[ok], c[ok]].sum())
        assert np.all(gated[np.flatnonzero(assigned), det_of[assigned]])
        assert len(set(det_of[assigned].tolist())) == assigned.sum()


def _brute_jpda(G, miss):
    """Marginal association probabilities by listing every feasible joint event (Bar-Shalom, Willett &
    Tian, *Tracking and Data Fusion*, 2011, 6.2): each track takes no detection or one gated detection,
    no detection goes to two tracks; event weight = prod G (taken) x prod miss (not taken)."""
    nt, nd = G.shape
    acc = np.zeros((nt, nd + 1))
    for choice in itertools.product(range(-1, nd), repeat=nt):
        taken = [c for c in choice if c >= 0]
        if len(taken) != len(set(taken)) or any(c >= 0 and G[i, c] == 0 for i, c in enumerate(choice)):
            continue
        w = np.prod([G[i, c] if c >= 0 else miss for i, c in enumerate(choice)])
        for i, c in enumerate(choice):
            acc[i, c + 1] += w
    return acc / acc[0].sum()


def test_exact_jpda_marginals_equal_brute_force_enumeration():
    rng = np.random.default_rng(2)
    for _ in range(30):
        nt, nd = rng.integers(1, 5), rng.integers(1, 5)
        G = rng.uniform(0.1, 5.0, (nt, nd)) * (rng.random((nt, nd)) < 0.7)
        beta = _exact_jpda(G, 0.1)
        np.testing.assert_allclose(beta, _brute_jpda(G, 0.1), rtol=1e-10)
        np.testing.assert_allclose(beta.sum(axis=1), 1.0)


def test_cheap_jpda_is_the_pdaf_for_a_lone_track():
    # one track: Fitzgerald's formula reduces to the PDAF weights G_j / (sum G + b) (Bar-Shalom 2011, 3.4)
    G = np.array([[0.5, 2.0, 0.0, 1.5]])
    np.testing.assert_allclose(_cheap_jpda(G, 0.2), _exact_jpda(G, 0.2), rtol=1e-12)


def test_jpda_weights_split_a_shared_detection_between_two_tracks():
    # two tracks equally far from one detection each get half of it (up to the no-detection weight)
    ti = np.array([0, 1], np.int64)
    di = np.array([0, 0], np.int64)
    d2 = np.array([1.0, 1.0])
    logdet = np.array([10.0, 10.0])
    beta, beta0 = jpda_weights(ti, di, d2, logdet, 2, 1, 0.9, 0.999, chi2.ppf(0.999, 3), 1e-9)
    assert beta[0] == pytest.approx(beta[1])
    assert beta0[0] + beta[0] == pytest.approx(1.0)
    assert beta.sum() <= 1.0 + 1e-12
