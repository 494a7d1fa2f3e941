"""Track-to-track correlation and covariance-intersection fusion on the shared picture.

Sources: covariance intersection — S. J. Julier & J. K. Uhlmann, "A non-divergent estimation
algorithm in the presence of unknown correlations", Proc. American Control Conference, 1997 (the
CI estimate is consistent for any cross-correlation; the minimum-trace weight gives a covariance no
larger than either input's). Track-to-track association test — Y. Bar-Shalom & X.-R. Li,
*Multitarget-Multisensor Tracking: Principles and Techniques*, 1995, and Bar-Shalom, Li &
Kirubarajan, *Estimation with Applications to Tracking and Navigation*, 2001 (chi-square test on
the difference of two track estimates, here with the cross-covariance neglected). NEES as the
consistency measure: Bar-Shalom, Li & Kirubarajan 2001, sec. 5.4.
"""

import numpy as np
import pytest

from amdsim.links.shared_picture import SharedPictureLink
from amdsim.tracking.fusion import associate, covariance_intersection, information_fusion
from amdsim.tracking.perfect import PerfectTracker
from amdsim.world.picture import Picture


def _random_spd(rng, k, d, scales):
    a = rng.normal(size=(k, d, d))
    q, _ = np.linalg.qr(a)
    return q @ (np.asarray(scales)[None, :, None] * np.swapaxes(q, 1, 2))


def _nees(err, p):
    return np.einsum("ki,ki->k", err, np.linalg.solve(p, err[:, :, None])[:, :, 0])


def _correlated_errors(rng, p1, p2, rho, k):
    """Errors e1 ~ N(0,P1), e2 ~ N(0,P2) sharing a common component: cross-covariance rho L1 L2'."""
    l1, l2 = np.linalg.cholesky(p1), np.linalg.cholesky(p2)
    z0, z1, z2 = (rng.normal(size=(k, p1.shape[-1])) for _ in range(3))
    w1 = np.sqrt(rho) * z0 + np.sqrt(1.0 - rho) * z1
    w2 = np.sqrt(rho) * z0 + np.sqrt(1.0 - rho) * z2
    return np.einsum("kij,kj->ki", l1, w1), np.einsum("kij,kj->ki", l2, w2)


FIG = {}


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_ci_is_consistent_under_unknown_correlation_and_naive_fusion_is_not(rho):
    """Julier & Uhlmann 1997: CI stays consistent (mean NEES <= state dimension) whatever the
    correlation; the information sum treats correlated tracks as independent and is overconfident."""
    rng = np.random.default_rng(11)
    k, d = 4000, 6
    # comparable but different covariances per run: [pos m^2, vel (m/s)^2] blocks, random orientation
    p1 = np.zeros((k, d, d))
    p2 = np.zeros((k, d, d))
    p1[:, :3, :3] = _random_spd(rng, k, 3, [2500.0, 900.0, 400.0])
    p2[:, :3, :3] = _random_spd(rng, k, 3, [3600.0, 1600.0, 300.0])
    p1[:, 3:, 3:] = _random_spd(rng, k, 3, [100.0, 64.0, 25.0])
    p2[:, 3:, 3:] = _random_spd(rng, k, 3, [81.0, 49.0, 36.0])
    truth = rng.normal(size=(k, d)) * 1e4
    e1, e2 = _correlated_errors(rng, p1, p2, rho, k)
    x1, x2 = truth + e1, truth + e2

    x_ci, p_ci, w = covariance_intersection(x1, p1, x2, p2)
    x_nv, p_nv = information_fusion(x1, p1, x2, p2)
    nees_ci = _nees(x_ci - truth, p_ci).mean()
    nees_nv = _nees(x_nv - truth, p_nv).mean()
    FIG[rho] = (nees_ci, nees_nv)
    print(f"rho={rho}: mean NEES CI {nees_ci:.2f}, naive {nees_nv:.2f} (dimension {d})")
    # the inputs themselves are consistent (sanity of the Monte Carlo)
    assert abs(_nees(e1, p1).mean() - d) < 0.3
    assert nees_ci <= d
    assert np.all((w >= 0.0) & (w <= 1.0))
    if rho == 0.0:
        assert abs(nees_nv - d) < 0.3             # independent errors: the information sum is exact
    else:
        assert nees_nv > d * (1.0 + 0.5 * rho)    # correlated errors: overconfident


def test_ci_trace_no_larger_than_either_and_follows_the_better_track():
    """Julier & Uhlmann 1997: with the minimum-trace weight, trace(P_CI) <= min(trace P1, trace P2)."""
    rng = np.random.default_rng(3)
    k = 500
    p1 = _random_spd(rng, k, 6, rng.uniform(1.0, 1e4, size=6))
    p2 = _random_spd(rng, k, 6, rng.uniform(1.0, 1e4, size=6))
    x1, x2 = rng.normal(size=(k, 6)), rng.normal(size=(k, 6))
    _, p, _ = covariance_intersection(x1, p1, x2, p2)
    tr = np.trace(p, axis1=1, axis2=2)
    assert np.all(tr <= np.minimum(np.trace(p1, axis1=1, axis2=2), np.trace(p2, axis1=1, axis2=2)) * (1 + 1e-9))
    assert np.all(np.linalg.eigvalsh(p) > 0)

    # one track far better: the fused estimate is (nearly) that track
    good = np.eye(6)[None] * 100.0
    poor = np.eye(6)[None] * 1e6
    xg, xp = np.array([[0.0, 0, 0, 10, 0, 0]]), np.array([[3000.0, -2000, 500, 50, 20, 0]])
    x, p, w = covariance_intersection(xg, good, xp, poor)
    assert w[0] > 0.99
    assert np.linalg.norm(x[0, :3] - xg[0, :3]) < 50.0
    assert np.trace(p[0]) < 1.02 * np.trace(good[0])


def _pic(force, t, pos, vel, pos_sig, vel_sig, truth, ids=None):
    """Tracks with covariance ``pos_sig`` (a scalar sigma, m, or a 3x3 covariance, m^2) and ``vel_sig``."""
    m = len(pos)
    ids = np.arange(m, dtype=np.int64) if ids is None else np.asarray(ids, np.int64)
    pc = np.asarray(pos_sig, float)
    pc = pc ** 2 * np.eye(3) if pc.ndim == 0 else pc
    pc = np.repeat(pc[None], m, 0)
    return Picture(force, t, ids, np.asarray(pos, float), np.asarray(vel, float),
                   np.sqrt(np.trace(pc, axis1=1, axis2=2) / 3), np.ones(m, bool), np.full(m, t),
                   np.full(m, force, np.int16), np.asarray(truth, np.int32), pc,
                   np.repeat(np.eye(3)[None] * vel_sig ** 2, m, 0))


def _targets(rng, n, spacing=5000.0):
    """n true target states well apart: positions on a grid with jitter, random velocities."""
    grid = np.stack(np.meshgrid(np.arange(5), np.arange(5), np.arange(2), indexing="ij"), -1).reshape(-1, 3)
    pos = 6.4e6 * np.array([1.0, 0, 0]) + grid[rng.permutation(len(grid))[:n]] * spacing
    pos = pos + rng.uniform(-500, 500, size=(n, 3))
    vel = rng.normal(size=(n, 3)) * 200.0
    return pos, vel


def test_two_forces_same_ten_targets_plus_three_ally_only_make_thirteen_tracks():
    """Bar-Shalom & Li 1995: gated chi-square test + global nearest neighbour -> one track per threat."""
    rng = np.random.default_rng(5)
    pos, vel = _targets(rng, 13)
    latency = 1.5
    link = SharedPictureLink(np.array([0, 0]), latency=latency, update=1.0, drop=0.0)
    # radar-like tracks, long across the line of sight: the force's along y, the ally's along x
    c_own, c_ally, s_vel = np.diag([40.0, 300.0, 60.0]) ** 2, np.diag([300.0, 40.0, 60.0]) ** 2, 10.0
    l_own, l_ally = np.linalg.cholesky(c_own), np.linalg.cholesky(c_ally)
    t0, t1 = 0.0, latency
    own_rows, ally_rows = np.arange(10), np.arange(13)
    ally = _pic(1, t0, pos[ally_rows] + rng.normal(size=(13, 3)) @ l_ally.T,
                vel[ally_rows] + rng.normal(size=(13, 3)) * s_vel, c_ally, s_vel, ally_rows, ids=100 + ally_rows)
    link.publish(t0, [Picture.empty(0, t0), ally], rng)
    link.deliver(t1)
    truth_now = pos + vel * t1
    own = _pic(0, t1, truth_now[own_rows] + rng.normal(size=(10, 3)) @ l_own.T,
               vel[own_rows] + rng.normal(size=(10, 3)) * s_vel, c_own, s_vel, own_rows, ids=own_rows + 7)
    fused = link.fused(0, own, t1)

    assert fused.n == 13
    assert sorted(fused.truth.tolist()) == list(range(13))          # each true target exactly once
    mine = fused.source_force == 0
    assert sorted(fused.track_id[mine].tolist()) == (own_rows + 7).tolist()   # fused tracks keep own ids
    assert sorted(fused.track_id[~mine].tolist()) == [2_000_000_000 + 100 + r for r in (10, 11, 12)]
    # the allied track improves the own track: smaller covariance, and on average a smaller error
    order = np.argsort(fused.track_id[mine])
    tr_f = np.trace(fused.pos_cov[mine][order], axis1=1, axis2=2)
    assert np.all(tr_f < np.trace(own.pos_cov, axis1=1, axis2=2))
    err_f = np.linalg.norm(fused.pos[mine][order] - truth_now[own_rows], axis=1)
    err_o = np.linalg.norm(own.pos - truth_now[own_rows], axis=1)
    assert err_f.mean() < err_o.mean()
    # ally-only tracks: extrapolated over the report's age, covariance grown
    extra = ~mine
    assert np.all(np.trace(fused.pos_cov[extra], axis1=1, axis2=2) > np.trace(c_ally) + 3 * (s_vel * t1) ** 2)
    assert fused.pos_cov.shape == (13, 3, 3) and fused.vel_cov.shape == (13, 3, 3)


def test_crossing_pair_300m_apart_is_not_merged_and_pairs_correctly():
    """A crossing pair 300 m apart with 50 m sigmas: d^2 = 300^2 / (2*50^2 + floor^2 + growth) is far
    outside the chi-square(3) gate (the old 3-sigma + 1 km Euclidean gate merged them)."""
    link = SharedPictureLink(np.array([0, 0]), latency=1.0, update=1.0, drop=0.0)
    base = np.array([6.4e6, 0.0, 0.0])
    a, b = base, base + np.array([0.0, 300.0, 0.0])
    va, vb = np.array([0.0, 250.0, 0.0]), np.array([0.0, -250.0, 0.0])   # closing head-on in y
    # the ally sees only B, the force only A
    ally = _pic(1, 0.0, [b - vb], [vb], 50.0, 5.0, [1])
    link.publish(0.0, [Picture.empty(0, 0.0), ally], np.random.default_rng(0))
    link.deliver(1.0)
    fused = link.fused(0, _pic(0, 1.0, [a], [va], 50.0, 5.0, [0]), 1.0)
    assert fused.n == 2 and sorted(fused.truth.tolist()) == [0, 1]

    # both see both, with noise: two tracks, each fused with the right allied track
    rng = np.random.default_rng(9)
    hits = 0
    for _ in range(50):
        own = _pic(0, 1.0, np.array([a, b]) + rng.normal(size=(2, 3)) * 50.0, [va, vb], 50.0, 5.0, [0, 1])
        al = _pic(1, 1.0, np.array([a, b]) + rng.normal(size=(2, 3)) * 50.0, [va, vb], 50.0, 5.0, [0, 1])
        i, j = associate(own.pos, own.pos_cov, al.pos, al.pos_cov)
        hits += int(np.array_equal(own.truth[i], al.truth[j]) and i.size == 2)
    assert hits >= 45


def test_two_allies_seeing_a_threat_the_force_does_not_make_one_track():
    link = SharedPictureLink(np.array([0, 0, 0]), latency=1.0, update=1.0, drop=0.0)
    rng = np.random.default_rng(2)
    p, v = np.array([6.4e6, 1000.0, 2000.0]), np.array([-300.0, 0.0, 10.0])
    a1 = _pic(1, 0.0, [p + rng.normal(size=3) * 80.0], [v], 80.0, 10.0, [4])
    a2 = _pic(2, 0.0, [p + rng.normal(size=3) * 120.0], [v], 120.0, 10.0, [4])
    link.publish(0.0, [Picture.empty(0, 0.0), a1, a2], rng)
    link.deliver(1.0)
    fused = link.fused(0, Picture.empty(0, 1.0), 1.0)
    assert fused.n == 1 and fused.truth.tolist() == [4]
    assert fused.track_id[0] == 2_000_000_000 and fused.source_force[0] == 1   # first ally's id
    # the force's own track on it absorbs both allies'
    fused = link.fused(0, _pic(0, 1.0, [p + v], [v], 60.0, 10.0, [4], ids=[42]), 1.0)
    assert fused.n == 1 and fused.track_id.tolist() == [42] and fused.source_force.tolist() == [0]


def test_perfect_tracks_of_a_manoeuvring_threat_still_correlate_through_latency():
    """The perfect-tracking baseline (1 m^2 covariances): the allied report extrapolated over 4 s
    misses a 3 g manoeuvre by 0.5 a T^2 = 240 m; the link's process noise keeps it in the gate."""
    tracker = PerfectTracker(2, 3, hold_s=100.0)
    tracker.update(np.array([0, 0, 1, 1, 1]), np.array([0, 1, 0, 1, 2]), 0.0)
    pos0 = np.array([[6.4e6, 0, 0], [6.4e6, 20_000, 0], [6.4e6, 40_000, 0]])
    vel0 = np.array([[0, 300.0, 0], [0, -250.0, 0], [0, 0, 200.0]])
    acc = np.array([[30.0, 0, 0], [0, 0, 0], [0, 0, -9.8]])
    alive = np.ones(3, bool)
    link = SharedPictureLink(np.array([0, 0]), latency=2.0, update=2.0, drop=0.0)
    link.publish(0.0, [tracker.picture(0, 0.0, pos0, vel0, alive), tracker.picture(1, 0.0, pos0, vel0, alive)],
                 np.random.default_rng(0))
    link.deliver(4.0)
    t = 4.0
    pos, vel = pos0 + vel0 * t + 0.5 * acc * t ** 2, vel0 + acc * t
    own = tracker.picture(0, t, pos, vel, alive)
    fused = link.fused(0, own, t)
    assert sorted(fused.truth.tolist()) == [0, 1, 2] and fused.n == 3
    # the own (exact) estimate dominates the fusion
    mine = fused.source_force == 0
    assert np.abs(fused.pos[mine] - pos[fused.truth[mine]]).max() < 5.0
