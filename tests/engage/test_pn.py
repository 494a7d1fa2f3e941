"""The flyout kernel in the earth's gravity: hits on non-manoeuvring targets, gravity compensated on
both earth models, boost and drag as C2's reach model assumes them, a non-finite state where there is
no guidance solution."""

import numpy as np
import pytest

from amdsim.core.constants import FLYOUT_STATE_WIDTH
from amdsim.core.geodesy import geodetic2ecef
from amdsim.engage.flyout import (
    CPA,
    EXPIRED,
    FRESH,
    GRAVITY_NONE,
    GRAVITY_POINT,
    GRAVITY_ROTATING,
    pn_flyout,
)


def _fly(pm, vm, tgt_p, tgt_v, dt, t_max, gravity, N=4.0, max_accel=400.0, boost=0.0, boost_time=0.0, drag=0.0,
         T=0.3, order=3, max_tof=1e9, aim_off=np.zeros(3)):
    """Fly one interceptor against a constant-velocity target; returns (status, miss, time, pm, vm)."""
    pm, vm = pm[None].astype(float).copy(), vm[None].astype(float).copy()
    tof, ctrl, lock = np.zeros(1), np.zeros((1, FLYOUT_STATE_WIDTH)), np.full(1, FRESH, np.int8)
    one = np.ones(1)
    t = 0.0
    while t < t_max:
        p0, p1 = tgt_p + tgt_v * t, tgt_p + tgt_v * (t + dt)
        st, ms, te, *_ = pn_flyout(pm, vm, tof, ctrl, lock, np.zeros(1), p0[None], tgt_v[None], p1[None],
                                   tgt_v[None], (p0 + aim_off)[None], (p1 + aim_off)[None], np.zeros(1, np.int64),
                                   one * N, one * T, np.array([order], np.int64), one * max_accel, one * boost,
                                   one * boost_time, one * drag, one * max_tof, one * 15_000.0, one * 1.0,
                                   one * 0.0, one * 0.0, one * 0.01, np.zeros((1, 0, 6)), dt, gravity)
        if st[0] != 0:
            return int(st[0]), float(ms[0]), t + float(te[0]), pm[0], vm[0]
        t += dt
    return 0, np.nan, t, pm[0], vm[0]


def _site(alt):
    return np.asarray(geodetic2ecef(np.deg2rad(37.0), np.deg2rad(127.0), alt), float)


def _enu(lat=37.0, lon=127.0):
    la, lo = np.deg2rad(lat), np.deg2rad(lon)
    east = np.array([-np.sin(lo), np.cos(lo), 0.0])
    north = np.array([-np.sin(la) * np.cos(lo), -np.sin(la) * np.sin(lo), np.cos(la)])
    up = np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    return east, north, up


@pytest.mark.parametrize("gravity", [GRAVITY_POINT, GRAVITY_ROTATING], ids=["point_mass", "rotating"])
def test_pn_hits_a_crossing_cruise_missile_in_gravity(gravity):
    # the command compensates the interceptor's own free acceleration (gravity, Coriolis, centrifugal):
    # against a target flying straight and level in the earth-fixed frame the miss is centimetres
    east, north, up = _enu()
    pm = _site(20.0)
    tgt = pm + 25_000.0 * north + 3_000.0 * east + 500.0 * up
    tgt_v = 250.0 * east - 100.0 * north
    vm = 900.0 * north + 150.0 * up
    status, miss, _, _, _ = _fly(pm, vm, tgt, tgt_v, 1.0, 120.0, gravity)
    assert status == CPA
    assert miss < 0.05


def test_gravity_acts_on_an_interceptor_that_cannot_steer():
    # the hits above are not vacuous: with no lateral acceleration left (limit 1e-6 m/s^2) the
    # interceptor falls g t^2 / 2 below the gravity-free trajectory
    _, north, up = _enu()
    pm = _site(20.0)
    far = pm + 1e7 * north
    a = _fly(pm, 900.0 * north, far, np.zeros(3), 1.0, 10.0, GRAVITY_POINT, max_accel=1e-6)
    b = _fly(pm, 900.0 * north, far, np.zeros(3), 1.0, 10.0, GRAVITY_NONE, max_accel=1e-6)
    drop = float(np.dot(b[3] - a[3], up))
    assert drop == pytest.approx(0.5 * 9.8 * 10.0 ** 2, rel=0.03)     # free fall, g about 9.80 m/s^2 at 37 N


def test_feasibility_flyout_distance_matches_the_simulated_interceptor():
    # the C2's closed-form reach d(t) = boost + ln(1 + k v_b t)/k must agree with the flown kinematics
    from amdsim.c2.reach import flyout_distance

    v0, a, tb, k = 50.0, 250.0, 6.0, 5e-6
    pm = np.array([6.5e6, 0.0, 0.0])
    far = pm + np.array([0.0, 1e9, 0.0])
    status, _, _, p, _ = _fly(pm, np.array([0.0, v0, 0.0]), far, np.zeros(3), 1.0, 60.0, GRAVITY_NONE,
                              max_accel=100.0, boost=a, boost_time=tb, drag=k, max_tof=60.0)
    assert status == EXPIRED
    assert p[1] == pytest.approx(flyout_distance(60.0, v0, a, tb, k), rel=1e-4)


def test_an_aim_point_at_zero_range_leaves_a_non_finite_state():
    # no guidance solution: engine.sanity.check_world reports the interceptor by name
    pm = np.array([6.5e6, 0.0, 0.0])
    _, _, _, _, v = _fly(pm, np.array([0.0, 900.0, 0.0]), pm + np.array([0.0, 9e4, 0.0]), np.zeros(3), 1.0,
                              1.0, GRAVITY_NONE, aim_off=np.array([0.0, -9e4, 0.0]))
    assert not np.isfinite(v).all()
