"""CV/CA models and the IMM of tracking/kalman.py: matrices against Bar-Shalom et al. (2001), NEES of the
CA filter in 2-D, and the IMM on a manoeuvring target."""

import numpy as np
import pytest
from scipy.stats import chi2

from amdsim.tracking.kalman import (
    ca_model,
    cv_in_ca_model,
    cv_model,
    imm_combine,
    imm_mix,
    imm_step,
    kalman_predict,
    kalman_update,
    mahalanobis_sq,
    position_matrix,
)


def test_cv_blocks_follow_the_state_layout():
    # Bar-Shalom et al. 2001, eq. 6.2.2-12: per axis q [[dt^3/3, dt^2/2], [dt^2/2, dt]]; layout [x y z vx vy vz]
    F, Q = cv_model(np.array([2.0]), 3.0, dim=3)
    assert F[0, 0, 3] == 2.0 and F[0, 1, 4] == 2.0 and F[0, 0, 1] == 0.0
    assert Q[0, 2, 2] == pytest.approx(3.0 * 8 / 3) and Q[0, 2, 5] == pytest.approx(3.0 * 2) and Q[0, 5, 5] == 6.0
    assert Q[0, 0, 4] == 0.0
    Fc, Qc = cv_in_ca_model(np.array([2.0]), 3.0, dim=2)
    assert np.all(Fc[0, 4:, :] == 0.0) and np.all(Qc[0, 4:, :] == 0.0)
    np.testing.assert_allclose(Fc[0, :4, :4], cv_model(np.array([2.0]), 3.0, dim=2)[0][0])


def test_ca_filter_nees_per_step_in_95pct_band():
    # Bar-Shalom et al. 2001, sec. 5.4.2: at each step the run-average NEES times the number of runs is
    # chi-square with runs*n dof; a consistent filter has about 95% of the steps inside the two-sided band.
    rng = np.random.default_rng(11)
    runs, steps, dim, q, sig = 300, 30, 2, 2.0, 50.0
    F, Q = ca_model(np.array([1.0]), q, dim)
    F, Q = F[0], Q[0]
    n = 3 * dim
    H = position_matrix(dim, n)
    R = np.broadcast_to(np.eye(dim) * sig**2, (runs, dim, dim))
    P0 = np.diag([sig**2] * dim + [40.0**2] * dim + [5.0**2] * dim)
    truth = np.tile(np.r_[0.0, 0.0, 200.0, 50.0, 2.0, -1.0], (runs, 1))
    x = truth + rng.normal(size=(runs, n)) @ np.linalg.cholesky(P0).T
    P = np.broadcast_to(P0, (runs, n, n)).copy()
    Lq = np.linalg.cholesky(Q + 1e-12 * np.eye(n))
    lo, hi = chi2.ppf([0.025, 0.975], runs * n) / runs
    inside = []
    for _ in range(steps):
        truth = truth @ F.T + rng.normal(size=(runs, n)) @ Lq.T
        x, P = kalman_predict(x, P, F, Q)
        x, P, _, _ = kalman_update(x, P, truth[:, :dim] + rng.normal(size=(runs, dim)) * sig, R, H)
        inside.append(lo <= mahalanobis_sq(truth - x, P).mean() <= hi)
    assert np.mean(inside) >= 0.85


def test_imm_mixing_identity_and_combination():
    x = np.array([[[1.0, 2.0], [3.0, 6.0]]])
    P = np.broadcast_to(np.eye(2), (1, 2, 2, 2)).copy()
    x0, P0, c = imm_mix(x, P, np.array([[0.25, 0.75]]), np.eye(2))
    np.testing.assert_allclose(x0, x)
    np.testing.assert_allclose(P0, P)
    np.testing.assert_allclose(c, [[0.25, 0.75]])
    xc, Pc = imm_combine(x, P, np.array([[0.5, 0.5]]))
    np.testing.assert_allclose(xc, [[2.0, 4.0]])
    # spread of the means adds to the covariance: 0.5*(1,2)(1,2)' + 0.5*(1,2)(1,2)' with d = +-(1,2)
    np.testing.assert_allclose(Pc[0], np.eye(2) + np.array([[1.0, 2.0], [2.0, 4.0]]))


def _manoeuvre_truth(runs):
    # 2-D: 250 m/s east for 30 s, 40 m/s^2 (about 4 g) north for 15 s, then straight for 25 s
    acc = np.zeros((70, 2))
    acc[30:45, 1] = 40.0
    pos, vel = np.zeros(2), np.array([250.0, 0.0])
    out = []
    for a in acc:
        pos = pos + vel + 0.5 * a
        vel = vel + a
        out.append(pos.copy())
    return np.array(out), acc


def test_imm_follows_a_manoeuvre_better_than_cv_and_switches_mode():
    rng = np.random.default_rng(5)
    runs, sig = 100, 50.0
    truth, _ = _manoeuvre_truth(runs)
    z = truth[None] + rng.normal(size=(runs, *truth.shape)) * sig           # (runs, 70, 2)
    R = np.broadcast_to(np.eye(2) * sig**2, (runs, 2, 2))
    dt = np.ones(runs)
    # CV-only filter
    Fv, Qv = cv_model(dt, 1.0, 2)
    H4 = position_matrix(2, 4)
    xv = np.concatenate([z[:, 0], np.tile([250.0, 0.0], (runs, 1))], axis=1)
    Pv = np.broadcast_to(np.diag([sig**2] * 2 + [50.0**2] * 2), (runs, 4, 4)).copy()
    # IMM: CV (q = 1) and CA (white jerk q = 100) on the 6-state
    F = np.stack([cv_in_ca_model(dt, 1.0, 2)[0], ca_model(dt, 100.0, 2)[0]], axis=1)
    Q = np.stack([cv_in_ca_model(dt, 1.0, 2)[1], ca_model(dt, 100.0, 2)[1]], axis=1)
    trans = np.array([[0.95, 0.05], [0.10, 0.90]])
    H6 = position_matrix(2, 6)
    x1 = np.concatenate([xv, np.zeros((runs, 2))], axis=1)
    P1 = np.broadcast_to(np.diag([sig**2] * 2 + [50.0**2] * 2 + [10.0**2] * 2), (runs, 6, 6)).copy()
    xi, Pi = np.stack([x1, x1], axis=1), np.stack([P1, P1], axis=1)
    mu = np.tile([0.9, 0.1], (runs, 1))
    err_cv, err_imm, p_ca = [], [], []
    for k in range(1, 70):
        xv, Pv = kalman_predict(xv, Pv, Fv, Qv)
        xv, Pv, _, _ = kalman_update(xv, Pv, z[:, k], R, H4)
        xi, Pi, mu = imm_step(xi, Pi, mu, trans, F, Q, z[:, k], R, H6)
        xc, _ = imm_combine(xi, Pi, mu)
        err_cv.append(np.sqrt(np.mean(np.sum((xv[:, :2] - truth[k]) ** 2, axis=1))))
        err_imm.append(np.sqrt(np.mean(np.sum((xc[:, :2] - truth[k]) ** 2, axis=1))))
        p_ca.append(mu[:, 1].mean())
    err_cv, err_imm, p_ca = map(np.array, (err_cv, err_imm, p_ca))
    quiet, turn = slice(14, 29), slice(33, 44)        # steps k-1: k = 15..29 before, k = 34..44 inside the turn
    assert p_ca[quiet].mean() < 0.3 < 0.6 < p_ca[turn].mean()
    assert err_imm[turn].mean() < 0.5 * err_cv[turn].mean()
    # the price of the CA mode in straight flight (measured ~1.3x here) stays bounded
    assert err_imm[quiet].mean() < 1.5 * err_cv[quiet].mean()
