"""The homing loop of engage/flyout.py against the linear theory of Zarchan, *Tactical and Strategic
Missile Guidance* (6th ed., AIAA 2012): ch. 2 (the linear engagement and the closed forms of ideal
PN), ch. 3 (the method of adjoints), ch. 5 (miss distance of the single time constant and of the
fifth-order binomial guidance system), ch. 6 (covariance analysis of the noise), ch. 8 (augmented PN).

The linear loop (ch. 2-3): y'' = n_T - n_L, lambda = y / (V_c t_go), n_c = N' V_c lambda', and
n_L = H(s) n_c with H(s) = 1/(1 + sT/n)^n. Its adjoint in the Laplace domain (ch. 3; the time-varying
gain 1/t_go becomes an integration in s) gives the miss for a step target manoeuvre n_T and for a
heading error HE as

    M_nT(s) = n_T / s^3 * G(s),   M_HE(s) = -V_m HE / s^2 * G(s),   G(s) = exp(-N' int_s^inf H(p)/p dp).

For the single lag, int_s^inf dp / (p (1 + pT)) = ln((1 + sT)/(sT)), so G = (sT/(1 + sT))^N' and with
N' = 3 the inverse transforms are the closed forms (x = t_F / T)

    M_nT = 0.5 n_T T^2 x^2 e^-x,           M_HE = -V_m HE T x e^-x (1 - x/2).

For the fifth-order binomial (u = sT/5) G = (u/(1 + u))^N' exp(N' sum_{k=1..4} 1/(k (1 + u)^k)),
inverted numerically (Talbot). Each is checked here against a forward integration of the linear loop
(scipy), and the kernel's 3-D nonlinear miss against them.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from amdsim.engage.flyout import APN, CPA, PN

from .flyout_driver import engage

VM, VT = 3000.0, 1000.0
VC = VM + VT
T = 0.5                       # s, guidance-system time constant of the kernel runs
NT = 30.0                     # m/s^2, a 3 g step target manoeuvre
HE = np.deg2rad(1.0)          # rad, heading error
X = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]   # t_F / T


def linear_loop(tf, T, order, N=3.0, nT=0.0, ydot0=0.0, apn=False, Vc=VC, t_eval=None):
    """Forward integration of the linear homing loop (module docstring): (miss m, solution).

    State [y, y', x_1..x_n] with x_n = n_L; APN adds N'/2 n_T to the command (ch. 8)."""
    tau = T / order

    def f(t, s):
        y, yd, x = s[0], s[1], s[2:]
        tgo = max(tf - t, 1e-12)
        nc = N * Vc * (y + yd * tgo) / (Vc * tgo ** 2) + (0.5 * N * nT if apn else 0.0)
        dx = np.empty(order)
        prev = nc
        for k in range(order):
            dx[k] = (prev - x[k]) / tau
            prev = x[k]
        return np.concatenate([[yd, nT - x[-1]], dx])

    end = tf * (1 - 1e-9)
    sol = solve_ivp(f, (0.0, end), np.r_[0.0, ydot0, np.zeros(order)], rtol=1e-11, atol=1e-12, method="LSODA",
                    t_eval=t_eval, dense_output=t_eval is None)
    if t_eval is None:
        yend = sol.sol(end)
    else:
        yend = solve_ivp(f, (0.0, end), np.r_[0.0, ydot0, np.zeros(order)], rtol=1e-11, atol=1e-12,
                         method="LSODA").y[:, -1]
    return yend[0] + yend[1] * (tf - end), sol


def closed_form_step(x, nT, T):
    """Zarchan ch. 5, single time constant, N' = 3: miss for a step target manoeuvre (m)."""
    return 0.5 * nT * T ** 2 * x ** 2 * np.exp(-x)


def closed_form_heading_error(x, vm, he, T):
    """Zarchan ch. 5, single time constant, N' = 3: miss for a heading error (m, signed)."""
    return -vm * he * T * x * np.exp(-x) * (1 - x / 2)


def adjoint_binomial(tf, T, order, kind, N=3.0):
    """Miss per unit n_T (kind 'nT', m per m/s^2) or per unit -V_m HE (kind 'HE', s) of the n-th order
    binomial guidance system: numerical inverse Laplace transform of the adjoint (module docstring)."""
    mp = pytest.importorskip("mpmath")

    def g(s):
        u = s * T / order
        return (u / (1 + u)) ** N * mp.exp(N * sum(1 / (k * (1 + u) ** k) for k in range(1, order)))

    power = 3 if kind == "nT" else 2
    return float(mp.invertlaplace(lambda s: g(s) / s ** power, tf, method="talbot"))


@pytest.mark.parametrize("x", X)
def test_zarchan_ch5_single_lag_closed_forms_are_the_linear_loop(x):
    # the derivation above against an independent forward integration of the linear loop
    m_nt, _ = linear_loop(x * 1.0, 1.0, 1, nT=NT)
    m_he, _ = linear_loop(x * 1.0, 1.0, 1, ydot0=-VM * HE)
    assert m_nt == pytest.approx(closed_form_step(x, NT, 1.0), rel=1e-6, abs=1e-9)
    assert m_he == pytest.approx(closed_form_heading_error(x, VM, HE, 1.0), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("x", [1.0, 2.0, 3.0, 5.0, 8.0])
def test_zarchan_ch3_fifth_order_binomial_adjoint_is_the_linear_loop(x):
    m_nt, _ = linear_loop(x, 1.0, 5, nT=1.0)
    m_he, _ = linear_loop(x, 1.0, 5, ydot0=-1.0)
    assert m_nt == pytest.approx(adjoint_binomial(x, 1.0, 5, "nT"), rel=1e-6, abs=1e-9)
    assert m_he == pytest.approx(-adjoint_binomial(x, 1.0, 5, "HE"), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("x", X)
def test_zarchan_ch5_single_lag_step_maneuver_miss(x):
    # kernel (3-D, nonlinear) against the closed form: within 2 % or 1 % of n_T T^2 (nonlinearity)
    shot = engage(x * T, T, 1, nT=NT)
    assert shot.status == CPA
    assert shot.miss == pytest.approx(closed_form_step(x, NT, T), rel=0.02, abs=0.01 * NT * T ** 2)


@pytest.mark.parametrize("x", X)
def test_zarchan_ch5_single_lag_heading_error_miss(x):
    shot = engage(x * T, T, 1, he=HE)
    assert shot.status == CPA
    assert shot.miss == pytest.approx(abs(closed_form_heading_error(x, VM, HE, T)), rel=0.02,
                                      abs=0.01 * VM * HE * T)


def test_zarchan_ch5_single_lag_heading_error_miss_vanishes_at_twice_the_time_constant():
    # the closed form's zero at t_F = 2T (N' = 3): the kernel's miss there is under 1 % of the peak
    peak = VM * HE * T * np.exp(-1) * 0.5
    assert engage(2 * T, T, 1, he=HE).miss < 0.01 * peak


@pytest.mark.parametrize("x", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0])
def test_zarchan_ch5_fifth_order_binomial_adjoint_miss_curves(x):
    # the fifth-order binomial guidance system: kernel against the adjoint curves (per unit input)
    step = engage(x * T, T, 5, nT=NT)
    head = engage(x * T, T, 5, he=HE)
    assert step.miss == pytest.approx(abs(NT * adjoint_binomial(x * T, T, 5, "nT")), rel=0.02,
                                      abs=0.01 * NT * T ** 2)
    assert head.miss == pytest.approx(abs(VM * HE * adjoint_binomial(x * T, T, 5, "HE")), rel=0.02,
                                      abs=0.01 * VM * HE * T)


@pytest.mark.parametrize("nav", [3.0, 4.0, 5.0], ids=["N3", "N4", "N5"])
def test_zarchan_ch2_ideal_pn_step_maneuver_command_within_1_percent_to_2_percent_of_tf(nav):
    # ideal PN (T = 0) against a step manoeuvre: n_c / n_T = N'/(N'-2) (1 - (1 - t/t_F)^(N'-2)) (ch. 2);
    # the integration must hold it within 1 % down to t_go = 0.02 t_F, where the old fixed-step
    # first-order sub-steps fell 3-8 % short
    tf, nt = 10.0, 10.0
    shot = engage(tf, 0.0, 1, N=nav, nT=nt, dt=0.1)
    t = np.array([h[0] for h in shot.history])
    a = np.array([np.linalg.norm(h[1]) for h in shot.history])
    sel = (t >= 0.1 * tf) & (t <= 0.98 * tf + 1e-9)
    expected = nt * nav / (nav - 2) * (1 - (1 - t[sel] / tf) ** (nav - 2))
    np.testing.assert_allclose(a[sel], expected, rtol=0.01)
    assert t[sel][-1] >= 0.98 * tf - 1e-9
    assert shot.miss < 1e-3


@pytest.mark.parametrize("nav", [3.0, 4.0, 5.0], ids=["N3", "N4", "N5"])
def test_zarchan_ch2_ideal_pn_heading_error_command(nav):
    # n_c = V_m HE N / t_F (1 - t/t_F)^(N-2), within 1 % of its initial value down to 2 % of t_F
    tf, he = 10.0, np.deg2rad(2.0)
    shot = engage(tf, 0.0, 1, N=nav, he=he, vm=3000.0, vt=1000.0, dt=0.1)
    t = np.array([h[0] for h in shot.history])
    a = np.array([np.linalg.norm(h[1]) for h in shot.history])
    sel = t <= 0.98 * tf + 1e-9
    scale = 3000.0 * he * nav / tf
    np.testing.assert_allclose(a[sel], scale * (1 - t[sel] / tf) ** (nav - 2), atol=0.01 * scale)


@pytest.mark.parametrize("order", [1, 5], ids=["single_lag", "fifth_order"])
def test_zarchan_ch3_lagged_acceleration_follows_the_linear_loop(order):
    # the achieved acceleration n_L(t) of the lagged loop against the linear integration, within 1 % of
    # the peak down to 2 % of the flight time
    tf = 4.0 * T
    shot = engage(tf, T, order, nT=NT, dt=0.05)
    t = np.array([h[0] for h in shot.history])
    a = np.array([h[1][2] for h in shot.history])           # along the manoeuvre (+z)
    sel = t <= 0.98 * tf + 1e-9
    _, sol = linear_loop(tf, T, order, nT=NT)
    lin = sol.sol(t[sel])[1 + order]
    np.testing.assert_allclose(a[sel], lin, atol=0.01 * np.abs(lin).max())


@pytest.mark.parametrize("order", [1, 5], ids=["single_lag", "fifth_order"])
def test_miss_does_not_depend_on_the_major_step(order):
    # 1 s, 0.5 s and 0.2 s major steps: the target's cubic motion is exact for a step manoeuvre, the
    # sub-steps and the closed-form closest approach do not depend on the major step
    for kw in ({"nT": NT}, {"nT": NT, "amax": 60.0}, {"he": 3 * HE}):
        misses = [engage(5.0, T, order, dt=dt, **kw).miss for dt in (1.0, 0.5, 0.2)]
        np.testing.assert_allclose(misses, misses[0], rtol=1e-5, atol=1e-6)
    limited = engage(5.0, T, order, nT=NT, amax=60.0).miss
    assert limited > 5.0 * engage(5.0, T, order, nT=NT).miss        # the limit does bite


@pytest.mark.parametrize("x", [3.0, 5.0, 8.0])
def test_zarchan_ch8_apn_step_maneuver_miss_follows_the_linear_loop(x):
    # APN with the target acceleration estimated behind the track loop's lag: the linear loop with
    # N'/2 n_T added to the command. With a lag APN does not remove the miss (its curve changes sign),
    # but it needs far less acceleration than PN, whose demand grows to N'/(N'-2) n_T (ch. 8)
    lin, _ = linear_loop(x * T, T, 5, nT=NT, apn=True)
    apn = engage(x * T, T, 5, nT=NT, law=APN, dt=0.05)
    pn = engage(x * T, T, 5, nT=NT, law=PN, dt=0.05)
    assert apn.miss == pytest.approx(abs(lin), rel=0.03, abs=0.01 * NT * T ** 2)
    peak = [max(np.linalg.norm(h[1]) for h in shot.history) for shot in (apn, pn)]
    assert peak[0] < 0.8 * peak[1]


def covariance_miss(tf, T, order, phi, glint, N=3.0, Vc=VC):
    """1-sigma miss (m, one axis) of the linear loop driven by white line-of-sight noise of spectral
    density ``phi`` (Zarchan ch. 6, covariance analysis): angle noise (rad^2 s) enters the seeker's
    track loop as lambda + v; glint (m^2 s) as lambda + v / (V_c t_go)."""
    n, tau = order, T / order
    m = 3 + (n - 1)                                           # y, y', z (track loop), the other lags

    def f(t, p):
        tgo = max(tf - t, 1e-12)
        A = np.zeros((m, m))
        B = np.zeros(m)
        gain = 1.0 / (Vc * tgo) if glint else 1.0
        A[0, 1] = 1.0
        A[2, 0], A[2, 2], B[2] = 1.0 / (Vc * tgo * tau), -1.0 / tau, gain / tau
        c_y, c_z, c_v = N / (tgo * tau), -N * Vc / tau, N * Vc * gain / tau
        if n == 1:
            A[1, 0], A[1, 2], B[1] = -c_y, -c_z, -c_v
        else:
            A[3, 0], A[3, 2], A[3, 3], B[3] = c_y / tau, c_z / tau, -1.0 / tau, c_v / tau
            for k in range(1, n - 1):
                A[3 + k, 2 + k], A[3 + k, 3 + k] = 1.0 / tau, -1.0 / tau
            A[1, 1 + n] = -1.0
        P = p.reshape(m, m)
        return (A @ P + P @ A.T + np.outer(B, B) * phi).ravel()

    sol = solve_ivp(f, (0.0, tf * (1 - 1e-7)), np.zeros(m * m), rtol=1e-8, atol=1e-14, method="LSODA")
    return float(np.sqrt(sol.y[0, -1]))


@pytest.mark.parametrize("order", [1, 5], ids=["single_lag", "fifth_order"])
@pytest.mark.parametrize("source", ["angle", "glint"])
def test_zarchan_ch6_noise_miss_matches_the_covariance_analysis(order, source):
    # Monte Carlo of the kernel with angle noise (1 mrad) or glint (1 m), a new draw every 0.01 s:
    # RMS 3-D miss = sqrt(2) x the covariance analysis's 1-sigma per axis (white noise of density
    # sigma^2 dt). 300 runs: the RMS's relative standard error is 0.5/sqrt(300) = 3 %; tolerance 12 %
    upd, tf = 0.01, 5.0
    sa, sg = (1e-3, 0.0) if source == "angle" else (0.0, 1.0)
    rng = np.random.default_rng(20240615 + order)
    misses = np.array([engage(tf, T, order, angle_sigma=sa, glint=sg, rng=rng, upd=upd).miss for _ in range(300)])
    expected = np.sqrt(2.0) * covariance_miss(tf, T, order, (sa or sg) ** 2 * upd, glint=source == "glint")
    assert np.sqrt(np.mean(misses ** 2)) == pytest.approx(expected, rel=0.12)
