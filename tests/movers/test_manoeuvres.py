"""Threat manoeuvres flown by the route kernel: weave, jink, g-limited pop-up and dive, evasive turn.

Each is measured from the positions the movers stage writes (second differences at a small step),
not from the kernel's own formulas, and checked against kinematics: uniform circular motion
a = v^2 / r, and the coordinated level turn of Anderson, *Introduction to Flight* (7th ed.,
sec. 6.17): omega = g0 sqrt(n^2 - 1) / V, R = V^2 / (g0 sqrt(n^2 - 1)) for the load factor n.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from amdsim.core.errors import InputError
from amdsim.core.geodesy import (
    EARTH_MEAN_RADIUS,
    G0,
    ecef2geodetic,
    enu_basis,
    geodetic2ecef,
    great_circle_distance,
    initial_bearing,
)
from amdsim.core.kinds import Behavior, MoverKind
from amdsim.movers.advance import advance_movers
from amdsim.scenario import compile_scenario, load_compiled, scenario_from_dict
from amdsim.world.state import Fate, initial_world

DT = 0.05
V = 250.0

BASE = {
    "name": "manoeuvres", "start_utc": "2030-01-01T00:00:00Z", "duration_s": 600, "step_s": 1.0, "seed": 3,
    "forces": [{"id": "b", "side": "blue", "nation": "B"}, {"id": "r", "side": "red", "nation": "R"}],
    "assets": [{"id": "base", "force": "b", "position": {"lat_deg": 36.9, "lon_deg": 126.95, "alt_m": 0},
                "radius_m": 500}],
    "launch_sites": [{"id": "ship", "force": "r", "position": {"lat_deg": 36.7, "lon_deg": 126.6, "alt_m": 0}}],
}


def _scenario(terminal: dict | None = None, seed: int = 3, aircraft: dict | None = None) -> dict:
    sc = copy.deepcopy(BASE)
    sc["seed"] = seed
    if terminal is not None:
        sc["cruise_missiles"] = [{"id": "cm", "force": "r", "site": "ship", "launch_times_s": [0.0],
                                  "speed_mps": V, "cruise_alt_m": 30.0, "target": "base", "terminal": terminal}]
    if aircraft is not None:
        sc["aircraft"] = [aircraft]
        sc["interceptor_types"] = [{"id": "sam"}]
        sc["batteries"] = [{"id": "bat", "force": "b", "position": {"lat_deg": 36.9, "lon_deg": 126.95},
                            "launchers": 1, "interceptors_per_launcher": 1, "interceptor": "sam"}]
    return sc


def _compile(sc: dict):
    return compile_scenario(scenario_from_dict(sc))


def _fly_missile(terminal: dict, dt: float = DT, seed: int = 3):
    """Positions (K,3), velocities (K,3), nominal courses (K,) of the scenario's cruise missile to impact."""
    cs = _compile(_scenario(terminal, seed))
    w = initial_world(cs)
    row = int(np.flatnonzero(cs.movers.kind == MoverKind.CRUISE_MISSILE)[0])
    pos, vel, course = [], [], []
    for _ in range(int(400 / dt)):
        ev = advance_movers(w, cs, dt)
        w.t += dt
        hit = row in ev.impacted
        pos.append(ev.impact_pos[0].copy() if hit else w.pos[row].copy())
        vel.append(w.vel[row].copy())
        course.append(w.nominal_heading[row])
        if hit:
            return cs, row, np.array(pos), np.array(vel), np.array(course)
    raise AssertionError("the missile never reached its target")


def _horizontal_frames(pos, course):
    """Per point: up, and the horizontal unit vector to the right of the course (ECEF)."""
    lat, lon, _ = ecef2geodetic(pos)
    basis = enu_basis(lat, lon)
    east, north, up = basis[:, 0], basis[:, 1], basis[:, 2]
    right = np.cos(course)[:, None] * east - np.sin(course)[:, None] * north
    return up, right


def _cross_track(pos, start, end):
    """Great-circle cross-track distance (m, + right) of the points from the leg start -> end (the
    sphere the routes fly on: asin(sin(d13 / R) sin(b13 - b12)) R)."""
    lat, lon, _ = ecef2geodetic(pos)
    la1, lo1, la2, lo2 = np.radians([start["lat_deg"], start["lon_deg"], end["lat_deg"], end["lon_deg"]])
    d13 = great_circle_distance(la1, lo1, lat, lon) / EARTH_MEAN_RADIUS
    b13, b12 = initial_bearing(la1, lo1, lat, lon), initial_bearing(la1, lo1, la2, lo2)
    return np.arcsin(np.sin(d13) * np.sin(b13 - b12)) * EARTH_MEAN_RADIUS


def _accel(pos, dt):
    """Second differences: acceleration (K-2, 3) at the interior points."""
    return (pos[2:] - 2.0 * pos[1:-1] + pos[:-2]) / dt**2


# -- weave and jink --------------------------------------------------------------------------------

WEAVE = {"kind": "weave", "g": 3.0, "period_s": 6.0, "start_range_m": 10_000.0}


def test_weave_lateral_acceleration_is_g_times_g0_with_the_given_period():
    cs, row, pos, _, course = _fly_missile(WEAVE)
    acc = _accel(pos, DT)
    _, right = _horizontal_frames(pos[1:-1], course[1:-1])
    a_lat = np.einsum("ij,ij->i", acc, right)[:-1]          # the impact step is not a whole step
    a = 3.0 * G0
    inside = np.abs(a_lat) > 0.05 * a
    assert np.abs(a_lat).max() == pytest.approx(a, rel=0.02)
    # the period: upward zero crossings of the lateral acceleration, inside the manoeuvre
    sig = a_lat[np.flatnonzero(inside)[0]:]
    up = np.flatnonzero((sig[:-1] < 0.0) & (sig[1:] >= 0.0))
    assert up.size >= 3
    assert np.diff(up).mean() * DT == pytest.approx(6.0, rel=0.02)
    # and the shape: side a cos(w tau) against the time to go tau (9000 m = 6 whole periods at 250 m/s)
    assert cs.movers.term_range[row] == pytest.approx(9000.0)
    tau = (len(pos) - 2 - np.arange(a_lat.size)) * DT
    expected = np.where(tau < 36.0, cs.movers.term_side[row] * a * np.cos(2 * np.pi / 6.0 * tau), 0.0)
    steady = np.abs(tau - 36.0) > 2 * DT
    assert np.abs(a_lat - expected)[steady].max() < 0.03 * a


def test_weaving_missile_impacts_within_its_targets_radius():
    cs, _, pos, _, _ = _fly_missile(WEAVE)
    target = cs.movers.pos0[cs.asset_rows[0]]
    # the cruise height (30 m) is the only distance left: the offset closes at the target
    _, _, alt = ecef2geodetic(pos[-1])
    assert alt == pytest.approx(30.0, abs=1e-6)
    assert np.linalg.norm(pos[-1] - target) < 30.0 + 1e-3 < cs.asset_radius[0]
    # ... after a real weave: the largest offset is 2 A = 2 a / w^2 to one side
    off = _cross_track(pos, BASE["launch_sites"][0]["position"], BASE["assets"][0]["position"])
    amp = 3.0 * G0 / (2 * np.pi / 6.0) ** 2
    assert np.abs(off).max() == pytest.approx(2 * amp, rel=0.05)


def test_jink_sidesteps_at_g_and_closes_at_the_target():
    term = {"kind": "jink", "g": 3.0, "period_s": 4.0, "start_range_m": 10_000.0}
    cs, row, pos, _, course = _fly_missile(term)
    m = cs.movers
    signs = m.jink_sign[m.jink_offset[row]:m.jink_offset[row] + m.jink_count[row]]
    assert m.jink_count[row] == 10 and signs.sum() == 0 and set(signs) <= {-1.0, 1.0}
    acc = _accel(pos, DT)
    _, right = _horizontal_frames(pos[1:-1], course[1:-1])
    a_lat = np.abs(np.einsum("ij,ij->i", acc, right)[:-1])
    a = 3.0 * G0
    on = a_lat > 0.05 * a
    # bang-bang: the lateral acceleration is +-a except in the steps where it switches
    assert np.mean(np.abs(a_lat[on] - a) < 0.02 * a) > 0.9
    assert a_lat.max() < 1.02 * a
    assert on.sum() * DT == pytest.approx(40.0, rel=0.05)
    target = cs.movers.pos0[cs.asset_rows[0]]
    assert np.linalg.norm(pos[-1] - target) < 30.0 + 1e-3


def test_lateral_manoeuvres_are_reproducible_from_the_seed():
    term = {"kind": "jink", "g": 3.0, "period_s": 4.0, "start_range_m": 10_000.0}
    _, _, p1, v1, _ = _fly_missile(term, seed=11)
    _, _, p2, v2, _ = _fly_missile(term, seed=11)
    assert np.array_equal(p1, p2) and np.array_equal(v1, v2)
    signs = {tuple(_compile(_scenario(term, seed=s)).movers.jink_sign) for s in range(8)}
    assert len(signs) > 1, "the jinks' sides do not depend on the seed"


def test_weave_needs_a_final_leg_of_one_period():
    sc = _scenario({"kind": "weave", "g": 3.0, "period_s": 6.0, "start_range_m": 10_000.0})
    # a last waypoint 1 km short of the target
    sc["cruise_missiles"][0]["waypoints"] = [{"lat_deg": 36.9, "lon_deg": 126.939}]
    with pytest.raises(InputError, match=r"cruise_missiles\[0\]\.terminal\.period_s"):
        _compile(sc)


# -- pop-up and dive at a load limit -------------------------------------------------------------

POPUP = {"kind": "popup", "g": 3.0, "start_range_m": 12_000.0, "alt_m": 600.0}


def _normal_accel(pos, vel, dt):
    """Acceleration normal to the velocity (m/s^2) at the interior points, from second differences."""
    acc = _accel(pos, dt)
    t = vel[1:-1] / np.linalg.norm(vel[1:-1], axis=1, keepdims=True)
    return np.linalg.norm(acc - np.einsum("ij,ij->i", acc, t)[:, None] * t, axis=1)[:-1]


def test_popup_load_factor_never_exceeds_its_g():
    _, _, pos, vel, _ = _fly_missile(POPUP)
    a_n = _normal_accel(pos, vel, DT)
    # arcs of radius v^2/(n g0): the load is n g0 on them, and never above (uniform circular motion);
    # the sphere's curvature adds v^2 / R_earth = 0.01 m/s^2
    assert a_n.max() <= 3.0 * G0 * 1.01
    assert a_n.max() >= 3.0 * G0 * 0.98
    _, _, alt = ecef2geodetic(pos[:-1])
    assert alt.max() == pytest.approx(600.0, abs=0.5)
    # flown at its speed along the path
    assert np.linalg.norm(vel[:-1], axis=1) == pytest.approx(V, rel=1e-9)


def test_popup_without_g_keeps_the_old_kinked_profile():
    term = {k: v for k, v in POPUP.items() if k != "g"}
    _, _, pos, vel, _ = _fly_missile(term)
    # the old profile breaks its slope at the start and at the apex: far beyond 3 g there
    assert _normal_accel(pos, vel, DT).max() > 10 * 3.0 * G0


def test_dive_load_factor_never_exceeds_its_g():
    term = {"kind": "dive", "g": 0.5, "start_range_m": 3_000.0}
    _, _, pos, vel, _ = _fly_missile(term)
    a_n = _normal_accel(pos, vel, DT)
    assert a_n.max() <= 0.5 * G0 * 1.02
    _, _, alt = ecef2geodetic(pos)
    assert alt[-1] == pytest.approx(0.0, abs=0.5)
    assert np.all(np.diff(alt[-int(10 / DT):]) <= 1e-9)          # descending to the end


@pytest.mark.parametrize("term", [WEAVE, POPUP], ids=["weave", "popup"])
def test_velocity_is_the_instantaneous_one_at_the_steps_end(term):
    # a cubic Hermite between two step ends (pos, vel) of a 1 s step matches the 0.05 s path
    _, _, fine, _, _ = _fly_missile(term, dt=0.05)
    _, _, coarse, vcoarse, _ = _fly_missile(term, dt=1.0)
    k = np.arange(1, min(len(coarse), len(fine) // 20) - 2)
    p0, p1, v0, v1 = coarse[k - 1], coarse[k], vcoarse[k - 1], vcoarse[k]
    mid = 0.5 * (p0 + p1) + 0.125 * (v0 - v1) * 1.0           # Hermite at s = 1/2
    truth = fine[20 * k + 9]                  # the fine run at the same instant (row j is at (j + 1) dt)
    err = np.linalg.norm(mid - truth, axis=1)
    assert np.median(err) < 0.01 and err.max() < 1.0
    # same steps, same path: positions do not depend on the step
    assert np.abs(np.linalg.norm(coarse[k] - fine[20 * k + 19], axis=1)).max() < 0.05


@pytest.mark.parametrize("terminal, message", [
    ({"kind": "weave", "g": 3.0}, "needs both 'g' and 'period_s'"),
    ({"kind": "popup", "period_s": 4.0}, "period_s applies to weave and jink only"),
    ({"kind": "none", "g": 2.0}, "g applies to a manoeuvre"),
    ({"kind": "weave", "g": 10.0, "period_s": 10.0}, "crosses the track"),
    ({"kind": "popup", "g": 0.2, "start_range_m": 4000.0, "alt_m": 1500.0}, "cannot climb"),
], ids=["weave-no-period", "popup-period", "none-g", "too-wide", "popup-infeasible"])
def test_bad_terminal_manoeuvres_are_refused_with_the_field_path(terminal, message):
    with pytest.raises(InputError, match=message) as exc:
        scenario_from_dict(_scenario(terminal), file="x.yaml")
    assert "cruise_missiles[0]" in str(exc.value)


# -- evasive turn of an aircraft -----------------------------------------------------------------

AC_SPEED = 240.0


def _aircraft(g: float, kind: str = "drag", reaction_s: float = 2.0) -> dict:
    return {"id": "bomber", "force": "r", "site": "ship", "launch_times_s": [0.0],
            "route": {"speed_mps": AC_SPEED, "alt_m": 8000.0,
                      "waypoints": [{"lat_deg": 36.7, "lon_deg": 127.6}, {"lat_deg": 37.5, "lon_deg": 127.6}]},
            "evasion": {"g": g, "reaction_s": reaction_s, "kind": kind}}


def _fly_aircraft(g, kind="drag", t_shot=20.0, t_gone=80.0, t_end=200.0, dt=DT):
    """An interceptor (held still) is launched at the aircraft at ``t_shot`` from the south and ends at ``t_gone``."""
    cs = _compile(_scenario(aircraft=_aircraft(g, kind)))
    w = initial_world(cs)
    ac = int(np.flatnonzero(cs.movers.kind == MoverKind.AIRCRAFT)[0])
    icpt = int(np.flatnonzero(cs.movers.kind == MoverKind.INTERCEPTOR)[0])
    out = {"t": [], "pos": [], "heading": [], "mode": []}
    for step in range(round(t_end / dt)):
        w.t = step * dt                                       # no drift of the clock over the steps
        if step == round(t_shot / dt):
            w.is_active[icpt] = True
            w.fate[icpt] = Fate.FLYING
            w.behavior[icpt] = Behavior.INTERCEPTOR
            w.t_launch[icpt] = w.t
            w.icpt_target[icpt] = ac
            # 20 km south of the aircraft, at its height
            lat, lon = w.lat[ac] - 20e3 / 6.371e6, w.lon[ac]
            w.pos[icpt] = geodetic2ecef(lat, lon, w.alt[ac])
            w.refresh_geodetic(np.array([icpt]))
            out["threat"] = (lat, lon)
        if step == round(t_gone / dt):
            w.is_active[icpt] = False
        advance_movers(w, cs, dt)
        w.t += dt
        out["t"].append(w.t)
        out["pos"].append(w.pos[ac].copy())
        out["heading"].append(w.heading[ac])
        out["mode"].append(int(w.man_mode[ac]))
    return cs, ac, {k: np.array(v) if k != "threat" else v for k, v in out.items()}


def test_evasive_turn_rate_is_that_of_a_coordinated_level_turn_anderson_6_17():
    g = 4.0
    _, _, tr = _fly_aircraft(g)
    head = np.unwrap(tr["heading"])
    rate = np.diff(head) / DT
    turning = np.abs(rate) > 1e-3
    # Anderson 6.17: a level turn at load factor n = sqrt(1 + g^2) has omega = g0 sqrt(n^2 - 1) / V
    n = np.sqrt(1.0 + g * g)
    omega = G0 * np.sqrt(n * n - 1.0) / AC_SPEED
    assert omega == pytest.approx(g * G0 / AC_SPEED)
    full = np.abs(rate[turning])
    assert np.median(full) == pytest.approx(omega, rel=1e-6)
    assert full.max() <= omega * (1 + 1e-6)
    # the radius from the positions: |a| = V^2 / R with R = V^2 / (g0 sqrt(n^2 - 1))
    acc = np.linalg.norm(_accel(tr["pos"], DT), axis=1)
    on = np.flatnonzero(turning[1:] & turning[:-1])
    radius = AC_SPEED**2 / (G0 * np.sqrt(n * n - 1.0))
    assert np.median(acc[on]) == pytest.approx(AC_SPEED**2 / radius, rel=0.01)


def test_evasive_turn_starts_after_the_reaction_time_goes_tail_on_and_resumes_the_route():
    _, _, tr = _fly_aircraft(4.0)
    t, head, mode = tr["t"], np.unwrap(tr["heading"]), tr["mode"]
    after_launch = t > 1.0                                        # the first step sets the route's course
    first_turn = t[after_launch][np.flatnonzero(np.abs(np.diff(head[after_launch])) > 1e-4)[0] + 1]
    assert first_turn == pytest.approx(20.0 + 2.0, abs=2 * DT)   # launch + reaction_s
    # drag: tail-on to the interceptor (held still, south of it), i.e. flying directly away from it
    held = (t > 40.0) & (t < 80.0)
    lat, lon, _ = ecef2geodetic(tr["pos"][held])
    away = initial_bearing(lat, lon, *tr["threat"]) + np.pi
    assert np.abs(np.sin(tr["heading"][held] - away)).max() < 2e-3
    assert np.all(np.cos(tr["heading"][held]) > 0.99)                # northwards
    assert np.all(mode[held] == 2)
    # the interceptor gone at 80 s: it turns back and flies its route east to the first waypoint again
    assert mode[-1] == 0
    lat, lon, _ = ecef2geodetic(tr["pos"][-1])
    wp = np.radians([36.7, 127.6])
    assert tr["heading"][-1] == pytest.approx(float(initial_bearing(lat, lon, *wp)), abs=1e-3)


def test_beam_turns_square_to_the_interceptor():
    _, _, tr = _fly_aircraft(4.0, kind="beam")
    held = (tr["t"] > 40.0) & (tr["t"] < 80.0)
    # the interceptor (held still) 20 km south of where the aircraft was at 20 s: it flies across the
    # line of sight, which turns as it flies, on the side of its eastbound course
    lat, lon, _ = ecef2geodetic(tr["pos"][held])
    to_threat = initial_bearing(lat, lon, *tr["threat"])
    rel = tr["heading"][held] - to_threat
    assert np.abs(np.cos(rel)).max() < 2e-3
    assert np.all(np.sin(rel) < 0.0) is not np.all(np.sin(rel) > 0.0)    # one side throughout


def test_aircraft_without_evasion_hold_their_route():
    sc = _scenario(aircraft={**_aircraft(4.0), "evasion": None})
    cs = _compile(sc)
    assert not np.any(cs.movers.evade_accel > 0)


def test_a_scenario_without_the_new_fields_compiles_to_the_old_manoeuvres(small_scenario_path):
    m = load_compiled(small_scenario_path).movers
    cm = m.kind == MoverKind.CRUISE_MISSILE
    assert np.all(m.term_kind[cm] == 1) and np.all(m.term_accel == 0.0) and m.jink_sign.size == 0
    assert not np.any(m.evade_accel > 0)
