"""Ballistic free flight on the non-rotating point-mass earth (``rotating=False``, the first wave's
model, kept for comparison) against the Kepler two-body solution."""

import numpy as np
import pytest

from amdsim.core.geodesy import EARTH_MU, geodetic2ecef
from amdsim.core.kepler import (
    burnout_state,
    kepler_apogee_radius,
    minimum_energy_gamma,
    speed_parameter,
)
from amdsim.movers.ballistic import propagate_ballistic

DEG = np.pi / 180
R = 6_371_000.0


def _fly_to_impact(p, v, rt, dt=1.0):
    p, v = p[None, :].copy(), v[None, :].copy()
    r_max, t = 0.0, 0.0
    while True:
        p1, v1 = propagate_ballistic(p, v, np.array([np.inf]), dt, rotating=False)
        r_max = max(r_max, np.linalg.norm(p1))
        t += dt
        if np.dot(p1[0], v1[0]) < 0 and np.linalg.norm(p1) <= rt:
            r0, r1 = np.linalg.norm(p), np.linalg.norm(p1)
            f = (r0 - rt) / (r0 - r1)
            return p[0] + f * (p1[0] - p[0]), r_max, t - dt * (1 - f), v
        p, v = p1, v1


def test_minimum_energy_angle_is_textbook():
    # Bate, Mueller & White (1971) eq. 6.2-19: gamma* = (pi - Psi)/4 for equal burnout/re-entry radii
    for psi in (0.05, 0.3, 1.0):
        g = minimum_energy_gamma(psi, R, R * (1 + 1e-12))
        assert g == pytest.approx((np.pi - psi) / 4, abs=1e-5)
        q = speed_parameter(psi, g, R, R)
        # minimum-energy speed parameter: Q = 2 sin(Psi/2) / (1 + sin(Psi/2)) (ibid. eq. 6.2-20)
        assert q == pytest.approx(2 * np.sin(psi / 2) / (1 + np.sin(psi / 2)), rel=1e-9)


@pytest.mark.parametrize("range_km", [300, 1000, 3000])
def test_minimum_energy_trajectory_range_and_apogee_match_kepler(range_km):
    psi = range_km * 1000 / R
    r0 = np.array([R, 0.0, 0.0])
    rt = R * np.array([np.cos(psi), np.sin(psi), 0.0])
    p, v = burnout_state(r0, rt, "minimum_energy")
    gamma = (np.pi - psi) / 4
    apogee = kepler_apogee_radius(R, np.linalg.norm(v), gamma)
    impact, r_max, _, _ = _fly_to_impact(p, v, R)
    assert np.linalg.norm(impact - rt) < 5.0                       # lands within 5 m of the aim point
    assert r_max == pytest.approx(apogee, abs=20.0)               # apogee within 20 m (sampled at 1 s)
    # energy is conserved along the arc (RK4, 0.25 s sub-steps)
    e0 = 0.5 * v @ v - EARTH_MU / R
    pp, vv = propagate_ballistic(p[None], v[None], np.array([np.inf]), 100.0, rotating=False)
    e1 = 0.5 * vv[0] @ vv[0] - EARTH_MU / np.linalg.norm(pp[0])
    assert abs(e1 - e0) / abs(e0) < 1e-9


def test_lofted_and_depressed_bracket_minimum_energy_apogee():
    lat0, lon0 = 39.1 * DEG, 126.2 * DEG
    r0 = geodetic2ecef(lat0, lon0, 0.0)
    rt = geodetic2ecef(36.9 * DEG, 126.95 * DEG, 0.0)
    apogees = {}
    for kind in ("depressed", "minimum_energy", "lofted"):
        p, v = burnout_state(r0, rt, kind, 10 * DEG)
        impact, r_max, _, _ = _fly_to_impact(p, v, np.linalg.norm(rt))
        assert np.linalg.norm(impact - rt) < 10.0
        apogees[kind] = r_max
    assert apogees["depressed"] < apogees["minimum_energy"] < apogees["lofted"]


def test_zero_time_step_returns_state_unchanged():
    p, v = np.array([[R + 1e5, 0, 0]]), np.array([[0, 7000.0, 0]])
    p1, v1 = propagate_ballistic(p, v, np.array([np.inf]), 0.0)
    np.testing.assert_array_equal(p1, p)
    np.testing.assert_array_equal(v1, v)


@pytest.mark.parametrize("alt_km", [0.0, 20.0, 80.0], ids=["equal-radii", "20km-burnout", "80km-burnout"])
@pytest.mark.parametrize("range_km", [300.0, 1000.0, 3000.0])
def test_minimum_energy_gamma_closed_form_minimises_the_burnout_speed(alt_km, range_km):
    """Bate, Mueller & White 6.2: the closed-form gamma* (tan 2 gamma* = sin Psi / (rho - cos Psi)) is the
    minimum of the free-flight range equation's Q(gamma), found here by a bounded numerical search."""
    from scipy.optimize import minimize_scalar

    from amdsim.core.kepler import minimum_energy_gamma, speed_parameter

    rt = 6_371_000.0
    r0 = rt + alt_km * 1e3
    psi = range_km * 1e3 / rt
    res = minimize_scalar(lambda g: speed_parameter(psi, g, r0, rt), bounds=(1e-4, np.pi / 2 - 1e-4),
                          method="bounded", options={"xatol": 1e-12})
    assert minimum_energy_gamma(psi, r0, rt) == pytest.approx(res.x, abs=1e-7)
