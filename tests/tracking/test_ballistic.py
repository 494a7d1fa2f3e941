"""Launch point and impact point of ballistic tracks against the analytic Kepler free-flight range
(non-rotating point mass) and against the engine's own flight on the rotating earth."""

import numpy as np
import pytest
from scipy.stats import chi2

from amdsim.core.geodesy import EARTH_MEAN_RADIUS as R_E
from amdsim.core.geodesy import EARTH_MU as MU
from amdsim.core.geodesy import ecef2geodetic, enu_basis, geodetic2ecef
from amdsim.core.kepler import speed_parameter
from amdsim.movers.ballistic import propagate_ballistic
from amdsim.tracking.ballistic import (
    ballistic_ground_cross,
    impact_point_predict,
    launch_point_estimate,
)


def _analytic_flight(v, gamma):
    """Range angle and time of flight between equal radii R_E (Bate, Mueller & White 1971, sec. 6.2:
    tan(psi/2) = Q sin g cos g / (1 - Q cos^2 g); time from Kepler's equation, symmetric arc)."""
    q = v**2 * R_E / MU
    psi = 2.0 * np.arctan2(q * np.sin(gamma) * np.cos(gamma), 1.0 - q * np.cos(gamma) ** 2)
    a = -MU / (2.0 * (v**2 / 2.0 - MU / R_E))
    h = R_E * v * np.cos(gamma)
    e = np.sqrt(1.0 - h**2 / (MU * a))
    f0 = np.arccos((h**2 / (MU * R_E) - 1.0) / e)             # true anomaly magnitude at launch
    ecc = 2.0 * np.arctan(np.sqrt((1 - e) / (1 + e)) * np.tan(f0 / 2.0))
    tof = 2.0 * np.sqrt(a**3 / MU) * (np.pi - (ecc - e * np.sin(ecc)))
    return psi, tof, q


@pytest.mark.parametrize(("v", "gamma_deg"), [(3000.0, 40.0), (4500.0, 30.0), (2000.0, 60.0)])
def test_impact_and_launch_points_match_kepler_range(v, gamma_deg):
    g = np.radians(gamma_deg)
    psi, tof, q = _analytic_flight(v, g)
    # the range equation of movers/ballistic.py agrees with the closed form used here
    assert speed_parameter(psi, g, R_E, R_E) == pytest.approx(q, rel=1e-9)
    launch = np.array([R_E, 0.0, 0.0])
    vel0 = v * np.array([np.sin(g), np.cos(g), 0.0])         # up = +x, downrange = +y at the launch point
    t_obs = 0.4 * tof
    p, vv = propagate_ballistic(launch[None], vel0[None], [np.inf], t_obs, max_substep=0.05, rotating=False)
    x = np.concatenate([p[0], vv[0]])[None]
    P = np.diag([30.0**2] * 3 + [5.0**2] * 3)[None]
    imp = impact_point_predict(x, P, ground_radius=R_E, rotating=False)
    lau = launch_point_estimate(x, P, ground_radius=R_E, rotating=False)
    assert imp.found.all() and lau.found.all()
    # analytic impact R_E (cos psi, sin psi, 0); cubature mean of a mildly nonlinear map: within 30 m
    assert np.linalg.norm(imp.pos_ecef[0] - R_E * np.array([np.cos(psi), np.sin(psi), 0.0])) < 30.0
    assert imp.time_s[0] == pytest.approx(tof - t_obs, abs=0.2)
    assert np.linalg.norm(lau.pos_ecef[0] - launch) < 30.0
    assert lau.time_s[0] == pytest.approx(-t_obs, abs=0.2)
    # with an exact state the crossing itself is at the metre level
    gp, gt, ok = ballistic_ground_cross(x[:, :3], x[:, 3:], ground_radius=R_E, rotating=False)
    assert ok[0] and np.linalg.norm(gp[0] - R_E * np.array([np.cos(psi), np.sin(psi), 0.0])) < 2.0
    assert gt[0] == pytest.approx(tof - t_obs, abs=0.01)


def test_impact_ellipse_covers_monte_carlo_impacts():
    g = np.radians(40.0)
    launch = geodetic2ecef(np.radians(30.0), np.radians(40.0), 0.0)
    E = enu_basis(np.radians(30.0), np.radians(40.0))
    vel0 = 3000.0 * (np.sin(g) * E[2] + np.cos(g) * (0.6 * E[0] + 0.8 * E[1]))
    p, vv = propagate_ballistic(launch[None], vel0[None], [np.inf], 120.0, max_substep=0.05)
    x = np.concatenate([p[0], vv[0]])
    A = np.random.default_rng(3).normal(size=(6, 6))
    P = np.diag([200.0**2] * 3 + [20.0**2] * 3) + 0.3 * np.diag([200.0] * 3 + [20.0] * 3) @ (A @ A.T / 6) @ np.diag(
        [200.0] * 3 + [20.0] * 3)
    imp = impact_point_predict(x[None], P[None], prob=0.95)
    assert imp.found[0]
    # on the WGS84 ellipsoid: the geodetic height of the predicted impact is ~0
    assert abs(ecef2geodetic(imp.pos_ecef)[2][0]) < 5.0
    samples = np.random.default_rng(4).multivariate_normal(x, P, size=4000)
    gp, _, ok = ballistic_ground_cross(samples[:, :3], samples[:, 3:])
    assert ok.all()
    lat, lon, _ = ecef2geodetic(imp.pos_ecef[0])
    En = enu_basis(lat, lon)[:2]
    d = (gp - imp.pos_ecef[0]) @ En.T                          # (K,2) east, north offsets
    C = En @ imp.cov_ecef[0] @ En.T
    m2 = np.einsum("ki,ij,kj->k", d, np.linalg.inv(C), d)
    inside = np.mean(m2 <= chi2.ppf(0.95, 2))
    assert 0.93 <= inside <= 0.97                               # 95% +/- ~3 sigma of a binomial with K=4000
    mc = np.sqrt(np.sort(np.linalg.eigvalsh(np.cov(d.T)))[::-1] * chi2.ppf(0.95, 2))
    assert imp.semi_axes[0] == pytest.approx(mc, rel=0.08)


def test_states_under_ground_or_never_landing_are_not_found():
    x = np.array([[R_E - 100.0, 0, 0, 0, 100.0, 0],                  # below the sphere
                  [R_E + 500e3, 0, 0, 0, 7700.0, 0]])                 # near-circular orbit, never lands
    gp, gt, ok = ballistic_ground_cross(x[:, :3], x[:, 3:], ground_radius=R_E, max_time_s=600.0)
    assert not ok.any() and np.isnan(gp).all() and np.isnan(gt).all()


@pytest.mark.parametrize("bearing_deg", [90.0, 270.0, 0.0], ids=["east", "west", "north"])
def test_rotating_earth_impact_prediction_is_the_engine_free_flight(bearing_deg):
    """The defence's impact prediction (rotating earth, J2, no drag) lands where the engine's free
    flight of the same state lands (core/ballistic_flight.py, crossing of the aim radius), to a few
    metres; the non-rotating prediction of the same state is off by kilometres (Coriolis)."""
    from amdsim.core.ballistic_flight import P_R_IMPACT, empty_params, flight_to_impact

    lat, lon = np.radians(38.0), np.radians(127.0)
    E = enu_basis(lat, lon)
    b, g = np.radians(bearing_deg), np.radians(40.0)
    p0 = geodetic2ecef(lat, lon, 0.0) + 60e3 * E[2]
    v0 = 3000.0 * (np.sin(g) * E[2] + np.cos(g) * (np.sin(b) * E[0] + np.cos(b) * E[1]))
    prm = empty_params(1)[0]
    # the engine's flight ends on the radius of its aim point: the sphere of the ellipsoid's radius near impact
    first, *_ = ballistic_ground_cross(p0[None], v0[None], step_s=1.0)
    r_ground = float(np.linalg.norm(first[0]))
    prm[P_R_IMPACT] = r_ground
    truth, tof, _, _, _, hit = flight_to_impact(p0, v0, prm, 0.25, 4000.0)
    assert hit
    gp, gt, ok = ballistic_ground_cross(p0[None], v0[None], step_s=1.0, ground_radius=r_ground)
    assert ok[0] and np.linalg.norm(gp[0] - truth) < 5.0 and gt[0] == pytest.approx(tof, abs=0.05)
    inertial, _, ok = ballistic_ground_cross(p0[None], v0[None], step_s=1.0, ground_radius=r_ground, rotating=False)
    assert ok[0] and np.linalg.norm(inertial[0] - truth) > 2_000.0
