"""Threat evaluation: classification, CPA, gravity-only impact prediction, likelihood and ranking."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.c2.threat import (
    AIRCRAFT,
    BALLISTIC,
    CRUISE,
    ballistic_impact,
    threat_evaluate,
    threat_likelihood,
)
from amdsim.core.geodesy import EARTH_MU, WGS84_A, enu_basis, geodetic2ecef
from amdsim.tracking.classify import gravity_ecef, threat_classify


def test_impact_matches_spherical_range_equation_on_the_equator():
    # Along the equator the WGS84 surface is a circle of radius a, so the free-flight range angle from
    # the surface is Psi = 2 atan(nu sin g cos g / (1 - nu cos^2 g)), nu = v^2 a / mu
    # (Wheelon 1959; Regan & Anandakrishnan, "Dynamics of Atmospheric Re-Entry", 1993, eq. 2.41).
    for v, gam in ((1000.0, 45.0), (2000.0, 40.0), (3000.0, 30.0)):
        g = np.radians(gam)
        pos = np.array([[WGS84_A + 1e-3, 0.0, 0.0]])
        vel = np.array([[v * np.sin(g), v * np.cos(g), 0.0]])
        t, imp = ballistic_impact(pos, vel, rotating=False)   # the spherical, non-rotating textbook case
        nu = v * v * WGS84_A / EARTH_MU
        psi = 2 * np.arctan(nu * np.sin(g) * np.cos(g) / (1 - nu * np.cos(g) ** 2))
        assert np.arctan2(imp[0, 1], imp[0, 0]) * WGS84_A == pytest.approx(psi * WGS84_A, abs=20.0)
        assert t[0] > 0


def test_classification_from_kinematics():
    lat, lon = np.radians(30.0), np.radians(40.0)
    e, _, u = enu_basis(lat, lon)
    pos = geodetic2ecef(np.full(5, lat), np.full(5, lon), np.array([30.0, 8000.0, 60e3, 20e3, 200.0]))
    # sea-skimmer 250 m/s; airliner at 8 km; re-entry at 60 km; 985 m/s diving in free flight; helicopter
    vel = np.array([250 * e, 230 * e, 2500 * e - 1000 * u, 900 * e - 400 * u, 60 * e])
    acc = np.zeros((5, 3))
    acc[3] = gravity_ecef(pos[3])  # free flight at 20 km, 985 m/s: ballistic
    kinds = threat_classify(pos, vel, acc)
    assert kinds.tolist() == [CRUISE, AIRCRAFT, BALLISTIC, BALLISTIC, AIRCRAFT]


def test_cpa_likelihood_and_ranking():
    lat, lon = np.radians(30.0), np.radians(40.0)
    assets = geodetic2ecef(np.array([lat, lat]), np.array([lon, lon + np.radians(1.0)]), np.zeros(2))
    e, n, _ = enu_basis(lat, lon)
    pos = assets[0] + np.array([-50e3 * e + 2e3 * n, -50e3 * e + 30e3 * n, -200e3 * e])
    vel = np.array([250 * e, 250 * e, 250 * e])
    tl = threat_evaluate(pos, vel, assets, asset_value=[10.0, 1.0], asset_radius=[5e3, 5e3],
                         kind=np.array([CRUISE, CRUISE, AIRCRAFT]))
    # straight-line CPA: 50 km at 250 m/s -> 200 s; miss = cross-track offset (flat to < 0.2 %)
    assert tl.time_to_go[0, 0] == pytest.approx(200.0, rel=2e-3)
    assert tl.miss[0, 0] == pytest.approx(2e3, rel=2e-2)
    assert tl.miss[1, 0] == pytest.approx(30e3, rel=2e-2)
    assert tl.likelihood[0, 0] == 1.0
    # documented likelihood: one radius outside -> exp(-1/2)
    assert threat_likelihood(10e3, 5e3) == pytest.approx(np.exp(-0.5))
    # track 0 heads straight at the valuable asset; track 2 too but farther out (same value, later)
    assert tl.ranking[0] == 0 and tl.ranking[-1] == 1
    assert tl.asset[0] == 0 and tl.threat[1] < tl.threat[0]


def test_ballistic_track_valued_by_predicted_impact():
    asset = geodetic2ecef(np.zeros(2), np.array([0.0, 1.0]), np.zeros(2))  # launch point; 1 rad away
    v, g = 2000.0, np.radians(40.0)
    # free flight that lands near longitude psi (range equation above)
    pos = np.array([[WGS84_A + 1e-3, 0.0, 0.0]])
    vel = np.array([[v * np.sin(g), v * np.cos(g), 0.0]])
    nu = v * v * WGS84_A / EARTH_MU
    psi = 2 * np.arctan(nu * np.sin(g) * np.cos(g) / (1 - nu * np.cos(g) ** 2))
    target = geodetic2ecef(np.zeros(1), np.array([psi]), np.zeros(1))
    tl = threat_evaluate(pos, vel, np.vstack([target, asset]), [5.0, 5.0, 5.0], [2e3, 2e3, 2e3], rotating=False)
    assert tl.kind[0] == BALLISTIC
    assert tl.miss[0, 0] < 100.0 and tl.asset[0] == 0
    assert tl.likelihood[0, 1] < 1e-6


def test_compiled_threat_values_agree_with_threat_evaluate():
    # the C2 stage's compiled path must give the kinds, values and times to go of the reference
    from amdsim.c2.threat import threat_evaluate, threat_values
    from amdsim.core.geodesy import geodetic2ecef

    rng = np.random.default_rng(5)
    n = 60
    lat, lon = np.radians(rng.uniform(35, 38, n)), np.radians(rng.uniform(125, 130, n))
    alt = np.where(np.arange(n) % 3 == 0, rng.uniform(40e3, 120e3, n), rng.uniform(20, 9000, n))
    pos = geodetic2ecef(lat, lon, alt)
    vel = rng.normal(0, 1, (n, 3)) * np.where(np.arange(n) % 3 == 0, 2000.0, 250.0)[:, None]
    ap = geodetic2ecef(np.radians([36.9, 35.1]), np.radians([126.95, 129.05]), np.array([30.0, 5.0]))
    av, ar = np.array([10.0, 6.0]), np.array([1500.0, 1500.0])
    tl = threat_evaluate(pos, vel, ap, av, ar)
    kind, threat, ttg = threat_values(pos, vel, ap, av, ar)
    np.testing.assert_array_equal(kind, tl.kind)
    np.testing.assert_allclose(threat, tl.threat, rtol=1e-9, atol=1e-12)
    best_ttg = tl.time_to_go[np.arange(n), tl.asset]
    finite = np.isfinite(best_ttg)
    np.testing.assert_allclose(ttg[finite], best_ttg[finite], rtol=1e-9)


def test_rotating_impact_prediction_matches_the_engines_free_flight():
    """C2's quick impact point flies the same model as the missiles (core/gravity.free_accel): checked
    against an independent scipy integration of r'' = free_accel(r, r') to the ellipsoid."""
    from scipy.integrate import solve_ivp

    from amdsim.core.geodesy import ecef2geodetic
    from amdsim.core.gravity import accel

    lat, lon = np.radians(37.0), np.radians(127.0)
    pos = geodetic2ecef(np.array([lat]), np.array([lon]), np.array([60e3]))
    up = pos[0] / np.linalg.norm(pos[0])
    east = np.array([-np.sin(lon), np.cos(lon), 0.0])
    vel = (1500.0 * east + 300.0 * up)[None]
    t, imp = ballistic_impact(pos, vel)

    def rhs(_, y):
        return np.r_[y[3:], accel(y[None, :3], y[None, 3:])[0]]

    def ground(_, y):
        return ecef2geodetic(y[None, :3])[2][0]
    ground.terminal = True
    sol = solve_ivp(rhs, (0, 2000), np.r_[pos[0], vel[0]], events=ground, rtol=1e-10, atol=1e-6)
    ref = sol.y_events[0][0][:3]
    assert np.linalg.norm(imp[0] - ref) < 30.0
    assert t[0] == pytest.approx(sol.t_events[0][0], abs=0.2)
    _, flat = ballistic_impact(pos, vel, rotating=False)
    assert np.linalg.norm(flat[0] - ref) > 1000.0      # the non-rotating point-mass model lands elsewhere
