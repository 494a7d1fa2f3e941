"""Predicted intercept point, envelope feasibility and Pk for the WTA."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.c2.intercept import (
    Flyout,
    engagement_feasible,
    engagement_pk,
    flyout_distance,
    intercept_solve,
)
from amdsim.core.geodesy import geodetic2ecef


def _fly(**kw):
    base = dict(launch_speed=0.0, boost_accel=0.0, boost_time=0.0, coast_speed=1000.0, min_range=0.0,
                max_range=1e9, min_alt=-1e9, max_alt=1e9, max_tof=1e9)
    base.update(kw)
    return Flyout(**base)


def test_head_on_and_crossing_closed_form():
    # Constant-speed interceptor vc against a constant-velocity target:
    # head-on from range R at closing speed u: tau = R / (vc + u);
    # crossing at right angles at range R: vc tau = sqrt(R^2 + u^2 tau^2) -> tau = R / sqrt(vc^2 - u^2).
    s = np.zeros((1, 3))
    tp = np.array([[50e3, 0, 0], [0, 40e3, 0]])
    tv = np.array([[-300.0, 0, 0], [300.0, 0, 0]])
    tof, pip = intercept_solve(s, tp, tv, _fly())
    assert tof[0, 0] == pytest.approx(50e3 / 1300.0, rel=1e-12)
    assert tof[0, 1] == pytest.approx(40e3 / np.sqrt(1000.0**2 - 300.0**2), rel=1e-12)
    assert pip[0, 0] == pytest.approx([50e3 - 300.0 * tof[0, 0], 0, 0])
    assert pip[0, 1] == pytest.approx([300.0 * tof[0, 1], 40e3, 0])


def test_boost_phase_and_coast_intercepts_lie_on_the_flyout():
    fly = _fly(launch_speed=50.0, boost_accel=100.0, boost_time=10.0, coast_speed=1000.0)
    s = np.zeros((1, 3))
    tp = np.array([[50e3, 0, 0], [500.0, 0, 0], [3e3, 20e3, 5e3]])
    tv = np.array([[-300.0, 0, 0], [-300.0, 0, 0], [200.0, -100.0, 0]])
    tof, pip = intercept_solve(s, tp, tv, fly)
    assert tof[0, 1] < 10.0 < tof[0, 0]  # the close target is met during boost
    # head-on during boost: 50 t + 50 t^2 = 500 - 300 t -> t = (-350 + sqrt(350^2 + 4*50*500)) / 100
    assert tof[0, 1] == pytest.approx((-350 + np.sqrt(350**2 + 200 * 500)) / 100, rel=1e-9)
    d = flyout_distance(tof, 50.0, 100.0, 10.0, 1000.0)
    assert np.linalg.norm(pip[0], axis=1) == pytest.approx(d[0], rel=1e-9)


def test_target_outrunning_the_interceptor_has_no_intercept():
    tof, pip = intercept_solve(np.zeros((1, 3)), np.array([[10e3, 0, 0]]), np.array([[1200.0, 0, 0]]), _fly())
    assert np.isnan(tof[0, 0]) and np.all(np.isnan(pip))


def test_no_feasible_shot_beyond_the_envelope():
    lat, lon = np.radians(33.0), np.radians(35.0)
    shooter = geodetic2ecef(lat, lon, 0.0)[None, :]
    fly = _fly(min_range=3e3, max_range=70e3, min_alt=50.0, max_alt=25e3, max_tof=90.0,
               launch_speed=30.0, boost_accel=250.0, boost_time=6.0, coast_speed=1100.0)
    g = np.random.default_rng(4)
    n = 400
    tlat = lat + np.radians(g.uniform(-1.5, 1.5, n))
    tlon = lon + np.radians(g.uniform(-1.5, 1.5, n))
    talt = g.uniform(0.0, 40e3, n)
    tp = geodetic2ecef(tlat, tlon, talt)
    tv = g.normal(0.0, 400.0, (n, 3))
    tof, pip = intercept_solve(shooter, tp, tv, fly)
    ok = engagement_feasible(shooter, tof, pip, fly)
    assert ok.any() and (~ok).any()
    from amdsim.core.geodesy import ecef2geodetic

    rng = np.linalg.norm(pip[0] - shooter[0], axis=1)
    _, _, alt = ecef2geodetic(np.nan_to_num(pip[0]))
    inside = np.isfinite(tof[0]) & (rng >= 3e3) & (rng <= 70e3) & (alt >= 50) & (alt <= 25e3) & (tof[0] <= 90)
    assert np.array_equal(ok[0], inside)
    # a launcher not ready or out of rounds has no feasible shot at all
    assert not engagement_feasible(shooter, tof, pip, fly, ready=False).any()
    assert not engagement_feasible(shooter, tof, pip, fly, rounds_left=0).any()


def test_pk_by_threat_type_and_feasibility():
    table = np.array([[0, 0, 0.7, 0.5, 0.9], [0, 0, 0.0, 0.8, 0.3]])  # columns: MoverKind codes
    kinds = np.array([2, 3, 4, 9])
    feas = np.array([[True, True, False, True], [True, True, True, True]])
    p = engagement_pk(table, kinds, feas)
    assert p.tolist() == [[0.7, 0.5, 0.0, 0.0], [0.0, 0.8, 0.3, 0.0]]
