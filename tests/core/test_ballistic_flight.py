"""Ballistic flight on the rotating earth (core/ballistic_flight.py) against analytic and independent
solutions: the Coriolis deflection, mirror-image shots east and west, the boost of each preset
against the rocket equation with its losses, the Jacobi integral of the free arc."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from amdsim.core.atmosphere import density
from amdsim.core.ballistic_flight import (
    P_KICK,
    P_ROTATING,
    P_TCO,
    BoostProgram,
    NoLaunchSolutionError,
    _boost_params,
    _burnout,
    empty_params,
    flight_path_angle,
    flight_to_impact,
    solve_launch,
)
from amdsim.core.constants import BOOST_PRESETS
from amdsim.core.geodesy import (
    EARTH_MU,
    WGS84_A,
    destination,
    ecef2geodetic,
    enu_basis,
    geodetic2ecef,
)
from amdsim.core.gravity import J2, OMEGA_EARTH
from amdsim.movers.ballistic import propagate_ballistic
from amdsim.scenario.compile.ballistic import boost_program
from amdsim.scenario.models import Boost

W = OMEGA_EARTH


def _preset(name: str) -> BoostProgram:
    return boost_program(Boost().resolved(name))


# -- the test's own equations (Vallado, Fundamentals of Astrodynamics and Applications, 4th ed.,
#    eq. 8-30 for J2; the rotating frame's terms from Goldstein, Poole & Safko, Classical Mechanics,
#    3rd ed., sec. 4.10, eq. 4.107: a = a_inertial - 2 w x v - w x (w x r))
def _j2_gravity(r):
    x, y, z = r
    rn = np.linalg.norm(r)
    k = 1.5 * J2 * (WGS84_A / rn) ** 2
    zz = (z / rn) ** 2
    return -EARTH_MU / rn**3 * np.array([x * (1 + k * (1 - 5 * zz)), y * (1 + k * (1 - 5 * zz)),
                                         z * (1 + k * (3 - 5 * zz))])


def _rotating_rhs(_t, s):
    r, v = s[:3], s[3:]
    w = np.array([0.0, 0.0, W])
    return np.r_[v, _j2_gravity(r) - 2.0 * np.cross(w, v) - np.cross(w, np.cross(w, r))]


def _jacobi(r, v):
    """1/2 v^2 + U_J2(r) - 1/2 w^2 (x^2 + y^2), U_J2 = -mu/r [1 - J2 (a/r)^2 P2(z/r)] (Vallado eq. 8-22)."""
    rn = np.linalg.norm(r, axis=-1)
    p2 = 0.5 * (3 * (r[..., 2] / rn) ** 2 - 1)
    u = -EARTH_MU / rn * (1 - J2 * (WGS84_A / rn) ** 2 * p2)
    return 0.5 * np.sum(v * v, axis=-1) + u - 0.5 * W**2 * (r[..., 0] ** 2 + r[..., 1] ** 2)


# -- first-order Coriolis deflection -----------------------------------------------------------------
@pytest.mark.parametrize(("lat_deg", "heading", "elev_deg"),
                         [(45.0, "north", 45.0), (45.0, "south", 45.0), (-30.0, "north", 60.0), (30.0, "north", 90.0)],
                         ids=["45N-north", "45N-south", "30S-north", "30N-vertical"])
def test_coriolis_deflection_matches_first_order_formula(lat_deg, heading, elev_deg):
    """A short, low shot along the meridian at speed V and elevation theta (no drag), landing back on
    the launch point's tangent plane after T: the Coriolis term -2 w x v (Goldstein, Poole & Safko,
    Classical Mechanics, 3rd ed., sec. 4.10, eq. 4.107) with w = W (0, cos phi, sin phi) in ENU gives
    an east acceleration 2W (sin phi v_n - cos phi v_u); integrated twice over v_n = +-V cos theta,
    v_u = V sin theta - g t, T = 2 V sin theta / g, to first order in W:

        x_east(T) = W T^2 V (+-sin phi cos theta - cos phi sin theta / 3).

    For a vertical throw this is the classic westward landing (4/3) W cos phi V^3 / g^2 (Landau &
    Lifshitz, Mechanics, sec. 39, problem 1). Gravity has no east component on the meridian, so the
    whole east displacement is the Coriolis deflection; second-order terms (W T)^2 are < 1e-5."""
    phi = np.radians(lat_deg)
    theta = np.radians(elev_deg)
    v_mag = 200.0
    pad = geodetic2ecef(phi, 0.3, 0.0)
    e, n, u = enu_basis(phi, 0.3)
    sign = 1.0 if heading == "north" else -1.0
    p = pad[None].copy()
    v = (v_mag * (sign * np.cos(theta) * n + np.sin(theta) * u))[None]
    dt, t = 0.05, 0.0
    while True:
        p1, v1 = propagate_ballistic(p, v, [np.inf], dt, max_substep=dt)
        h0, h1 = (p - pad)[0] @ u, (p1 - pad)[0] @ u
        if t > 1.0 and h1 < 0.0:
            f = h0 / (h0 - h1)
            p_land, t_land = p[0] + f * (p1[0] - p[0]), t + f * dt
            break
        p, v, t = p1, v1, t + dt
    east = (p_land - pad) @ e
    expected = W * t_land**2 * v_mag * (sign * np.sin(phi) * np.cos(theta) - np.cos(phi) * np.sin(theta) / 3.0)
    assert abs(expected) > 1.0                                   # a deflection of metres ...
    assert east == pytest.approx(expected, rel=0.01)             # ... to first order in W
    if elev_deg == 90.0:
        g = 2 * v_mag / t_land
        assert east == pytest.approx(-4.0 / 3.0 * W * np.cos(phi) * v_mag**3 / g**2, rel=0.01)
    # on the non-rotating earth the shot stays in the meridian plane
    p, v = pad[None].copy(), (v_mag * (sign * np.cos(theta) * n + np.sin(theta) * u))[None]
    p2, _ = propagate_ballistic(p, v, [np.inf], t_land, rotating=False)
    assert abs((p2[0] - pad) @ e) < 1e-6


# -- mirror-image shots ------------------------------------------------------------------------------
def _mirror_solutions(rotating: bool):
    lat0 = np.radians(30.0)
    pad = geodetic2ecef(lat0, 0.0, 0.0)
    out = {}
    for name, bearing in (("east", np.pi / 2), ("west", -np.pi / 2)):
        lat, lon, _ = destination(lat0, 0.0, bearing, 2_000e3)
        aim = geodetic2ecef(float(lat), float(lon), 0.0)
        out[name] = (solve_launch(pad, aim, "minimum_energy", 0.0, _preset("MRBM"), rotating=rotating), aim)
    return out


def test_mirror_shots_east_and_west_no_longer_mirror_and_match_an_independent_integration():
    """Two aim points 2,000 km due east and due west of a pad at 30 N (an MRBM, minimum energy): on the
    non-rotating earth the two solutions mirror each other (same apogee and time of flight); on the
    rotating earth they do not, and the apogee and free-flight time of each agree with a scipy
    DOP853 integration of the rotating-frame equations written in this test from its burnout state."""
    flat = _mirror_solutions(rotating=False)
    (se, _), (sw, _) = flat["east"], flat["west"]
    assert se.time_of_flight == pytest.approx(sw.time_of_flight, abs=0.01)
    assert se.apogee_radius == pytest.approx(sw.apogee_radius, abs=1.0)
    assert se.params[P_KICK] == pytest.approx(sw.params[P_KICK], abs=1e-6)

    rot = _mirror_solutions(rotating=True)
    (se, ae), (sw, aw) = rot["east"], rot["west"]
    assert se.miss < 1.0 and sw.miss < 1.0
    assert abs(se.time_of_flight - sw.time_of_flight) > 10.0      # the eastward arc flies longer ...
    assert abs(se.apogee_radius - sw.apogee_radius) > 2_000.0     # ... and higher: no mirror image
    for sol, aim in ((se, ae), (sw, aw)):
        r_aim = np.linalg.norm(aim)

        def lands(_t, s, r_aim=r_aim):
            return np.linalg.norm(s[:3]) - r_aim
        lands.terminal, lands.direction = True, -1

        def apogee(_t, s):
            return np.dot(s[:3], s[3:])
        apogee.direction = -1
        ivp = solve_ivp(_rotating_rhs, (0.0, 4000.0), np.r_[sol.burnout_pos, sol.burnout_vel], method="DOP853",
                        rtol=1e-12, atol=1e-6, events=(lands, apogee))
        t_free = ivp.t_events[0][0]
        r_apo = np.linalg.norm(ivp.y_events[1][0][:3])
        assert sol.time_of_flight - sol.params[P_TCO] == pytest.approx(t_free, abs=0.02)
        assert sol.apogee_radius == pytest.approx(r_apo, abs=2.0)         # sampled every 0.25 s
        assert np.linalg.norm(ivp.y_events[0][0][:3] - aim) < 5.0


# -- the boost against the rocket equation -----------------------------------------------------------
@pytest.mark.parametrize("preset", sorted(BOOST_PRESETS))
def test_boost_burnout_speed_is_rocket_equation_less_gravity_drag_and_steering_losses(preset):
    """Sutton & Biblarz, Rocket Propulsion Elements, 9th ed., ch. 4: the burnout speed of a constant
    thrust, constant exhaust-speed motor is c ln(m0/mf) less the gravity loss int g sin(gamma) dt and
    the drag loss int D/m dt (and, for thrust off the velocity, the steering loss int a_T (1 - cos
    alpha) dt). The losses are integrated here by scipy alongside an independent statement of the
    same boost (non-rotating earth, point-mass gravity, USSA76 drag, the pitch programme), and the
    kernel's burnout state agrees with it."""
    b = _preset(preset)
    lat, lon = np.radians(39.0), np.radians(126.0)
    pad = geodetic2ecef(lat, lon, 0.0)
    basis = enu_basis(lat, lon)
    up, az = basis[2], np.cos(np.radians(160.0)) * basis[1] + np.sin(np.radians(160.0)) * basis[0]
    kick = np.radians({"SRBM": 30.0, "MRBM": 18.0, "IRBM": 11.0, "ICBM": 5.5}[preset])   # about the solved kicks
    prm = empty_params(1)[0]
    prm[P_ROTATING] = 0.0                                   # inertial frame, point-mass gravity
    p = _boost_params(prm, b, basis, np.radians(160.0), kick, b.burn_time)
    p_bo, v_bo = _burnout(pad, p)

    c, k, a0 = b.exhaust_speed, b.k, b.accel0
    t_v, t_k = b.vertical_time, b.vertical_time + b.pitch_over_time

    def rhs(t, s):
        r, v = s[:3], s[3:6]
        sp = np.linalg.norm(v)
        frac = 1.0 - k * t
        a_t = a0 / frac
        if t >= t_k and sp > 1.0 and np.dot(v, up) / sp <= np.cos(kick):
            e_t = v / sp
        else:
            th = np.clip((t - t_v) / (t_k - t_v), 0.0, 1.0) * kick
            e_t = np.cos(th) * up + np.sin(th) * az
        g = -EARTH_MU * r / np.linalg.norm(r) ** 3
        rho = float(density(ecef2geodetic(r)[2]))
        drag = rho * sp * sp / (2.0 * b.beta0 * frac)
        vhat = v / sp if sp > 1e-9 else e_t
        acc = a_t * e_t + g - drag * vhat
        return np.r_[v, acc, -np.dot(g, vhat), drag, a_t * (1.0 - np.dot(e_t, vhat))]

    # the programme's switches are kinks: integrate piecewise between them
    s = np.r_[pad, np.zeros(3), 0.0, 0.0, 0.0]
    for t0, t1 in ((0.0, t_v), (t_v, t_k), (t_k, b.burn_time)):
        s = solve_ivp(rhs, (t0, t1), s, method="DOP853", rtol=1e-10, atol=1e-6, max_step=0.5).y[:, -1]
    v_ivp = np.linalg.norm(s[3:6])
    gravity_loss, drag_loss, steering_loss = s[6:9]
    ideal = c * np.log(b.mass_ratio)
    assert b.ideal_dv() == pytest.approx(ideal, rel=1e-12)
    # the rocket equation with the losses (an identity of d|v|/dt, integrated independently)
    assert v_ivp == pytest.approx(ideal - gravity_loss - drag_loss - steering_loss, abs=0.05)
    assert gravity_loss > 100.0 and drag_loss > 20.0 and steering_loss >= 0.0
    # the kernel's burnout against that integration
    assert np.linalg.norm(v_bo) == pytest.approx(v_ivp, abs=0.02)
    assert np.linalg.norm(p_bo - s[:3]) < 1.0
    # the presets' documented ideal velocities (core/constants.BOOST_PRESETS)
    assert ideal == pytest.approx({"SRBM": 3830.0, "MRBM": 5933.0, "IRBM": 7290.0, "ICBM": 8717.0}[preset], abs=1.0)


# -- the Jacobi integral ---------------------------------------------------------------------------
def test_jacobi_integral_of_the_free_arc_is_conserved_in_the_rotating_frame():
    """Without drag the earth-fixed frame's energy 1/2 v^2 + U_J2(r) - 1/2 w^2 (x^2 + y^2) is an
    integral of the motion: the Jacobi integral h = sum q' dL/dq' - L of the rotating frame's
    Lagrangian L = 1/2 (v + w x r)^2 - U, conserved as L has no explicit time (Goldstein, Poole &
    Safko, Classical Mechanics, 3rd ed., sec. 8.2). Along an IRBM's free arc of ~1,300 s it holds
    to 1e-10, while the plain 1/2 v^2 - mu/r does not."""
    pad = geodetic2ecef(np.radians(39.1), np.radians(126.2), 100.0)
    lat, lon, _ = destination(np.radians(39.1), np.radians(126.2), np.radians(100.0), 5_000e3)
    sol = solve_launch(pad, geodetic2ecef(float(lat), float(lon), 0.0), "minimum_energy", 0.0, _preset("IRBM"))
    p, v = sol.burnout_pos[None], sol.burnout_vel[None]
    e0 = _jacobi(p[0], v[0])
    plain0 = 0.5 * v[0] @ v[0] - EARTH_MU / np.linalg.norm(p[0])
    drift, plain_drift = 0.0, 0.0
    for _ in range(26):
        p, v = propagate_ballistic(p, v, [np.inf], 50.0)
        drift = max(drift, abs(_jacobi(p[0], v[0]) - e0) / abs(e0))
        plain_drift = max(plain_drift, abs(0.5 * v[0] @ v[0] - EARTH_MU / np.linalg.norm(p[0]) - plain0) / abs(plain0))
    assert drift < 1e-10
    assert plain_drift > 1e-5


# -- the launch solution -------------------------------------------------------------------------
@pytest.mark.parametrize("trajectory", ["minimum_energy", "lofted", "depressed", "quasi_ballistic"])
def test_launch_solution_keeps_the_shape_and_hits(trajectory):
    """Newton's method on azimuth, kick and cut-off: the miss is under 0.5 m and the burnout
    flight-path angle is the Kepler closed form's shape (core/kepler.py) for the range left."""
    from amdsim.core.ballistic_flight import GlideProgram, target_gamma

    pad = geodetic2ecef(np.radians(39.1), np.radians(126.2), 100.0)
    aim = geodetic2ecef(np.radians(35.1), np.radians(129.05), 5.0)
    glide = GlideProgram(2.0, 25e3, 900.0, 5.0) if trajectory == "quasi_ballistic" else None
    sol = solve_launch(pad, aim, trajectory, np.radians(8.0), _preset("SRBM"),
                       beta=5000.0 if glide else np.inf, glide=glide)
    assert sol.miss < 0.5
    assert flight_path_angle(sol.burnout_pos, sol.burnout_vel) == pytest.approx(
        target_gamma(sol.burnout_pos, aim, trajectory, np.radians(8.0)), abs=2e-6)
    imp, tof, *_, hit = flight_to_impact(sol.pos0, sol.vel0, sol.params, 0.25, 5000.0)
    assert hit and np.linalg.norm(imp - aim) < 0.5 and tof == pytest.approx(sol.time_of_flight)


def test_out_of_reach_aim_point_says_so():
    pad = geodetic2ecef(np.radians(39.1), np.radians(126.2), 100.0)
    lat, lon, _ = destination(np.radians(39.1), np.radians(126.2), np.radians(180.0), 2_000e3)
    with pytest.raises(NoLaunchSolutionError, match="out of reach"):
        solve_launch(pad, geodetic2ecef(float(lat), float(lon), 0.0), "minimum_energy", 0.0, _preset("SRBM"))
