"""C2's one reach model (c2/reach.py): the closed-form flyout distance, the first intercept time and
the envelope check, against direct computations done here."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from amdsim.c2.reach import _engagement_kernel, flyout_distance, intercept_times
from amdsim.c2.reasons import Why
from amdsim.core.geodesy import geodetic2ecef


@pytest.mark.parametrize("k", [0.0, 5e-6, 2e-5], ids=["no-drag", "drag", "high-drag"])
def test_flyout_distance_matches_integrating_boost_and_coast_with_quadratic_drag(k):
    """dv/dt = a - k v^2 during boost, -k v^2 after (the model's own equations), integrated numerically."""
    v0, a, tb = 50.0, 200.0, 6.0

    def rhs(t, y):
        return [y[1], (a if t < tb else 0.0) - k * y[1] ** 2]

    for tau in (3.0, 6.0, 20.0, 60.0):
        sol = solve_ivp(rhs, (0.0, tau), [0.0, v0], rtol=1e-10, atol=1e-8, max_step=0.05)
        assert flyout_distance(tau, v0, a, tb, k) == pytest.approx(sol.y[0, -1], rel=1e-6)


def test_head_on_intercept_time_is_the_root_of_reach_equals_range():
    """A target closing head-on at u from r0: the intercept is the first tau with d(tau) = r0 - u tau."""
    v0, a, tb, k, u, r0 = 50.0, 200.0, 6.0, 5e-6, 300.0, 40_000.0
    rel = np.array([[[r0, 0.0, 0.0]]])
    vel = np.array([[-u, 0.0, 0.0]])
    tau = intercept_times(rel, vel, np.array([v0]), np.array([a]), np.array([tb]), np.array([k]), np.array([90.0]))
    want = brentq(lambda t: flyout_distance(t, v0, a, tb, k) - (r0 - u * t), 1e-6, 90.0, xtol=1e-10)
    assert tau[0, 0] == pytest.approx(want, abs=1e-6)


def test_a_target_outrunning_the_interceptor_has_no_intercept():
    rel = np.array([[[20_000.0, 0.0, 0.0]]])
    vel = np.array([[3000.0, 0.0, 0.0]])        # faster than the interceptor ever flies
    tau = intercept_times(rel, vel, np.array([50.0]), np.array([200.0]), np.array([6.0]), np.array([5e-6]),
                          np.array([90.0]))
    assert np.isinf(tau[0, 0])


def test_envelope_gives_pk_inside_and_zero_beyond_max_range_or_below_min_altitude():
    shooter = geodetic2ecef(0.0, 0.0, 0.0)[None, :]
    up = shooter[0] / np.linalg.norm(shooter[0])
    east = np.array([0.0, 1.0, 0.0])
    # targets: 30 km east at 3 km (inside), 150 km east (beyond max range), 30 km east at 0.5 m (too low)
    tpos = np.stack([shooter[0] + 30e3 * east + 3000 * up, shooter[0] + 150e3 * east + 3000 * up,
                     geodetic2ecef(0.0, 30e3 / 6_378_137.0, 0.5)])
    tvel = np.tile(-250.0 * east, (3, 1))
    tvel[2] = 0.0                               # a hovering target stays below the floor
    pk = np.zeros((1, 3))
    pip = np.zeros((1, 3, 3))
    tau = np.full((1, 3), np.inf)
    why = np.zeros((1, 3), np.int8)
    one = np.ones(1)
    _engagement_kernel(shooter, tpos, tvel, 50 * one, 200 * one, 6 * one, 5e-6 * one, 90 * one, 3000 * one,
                       100e3 * one, 10 * one, 25e3 * one, 0.9 * one, pk, pip, tau, why)
    edge = 1.0 - (np.linalg.norm(pip[0, 0] - shooter[0]) / 100e3) ** 4
    assert pk[0, 0] == pytest.approx(0.9 * edge, rel=1e-9)
    assert pk[0, 1] == 0.0 and pk[0, 2] == 0.0
    # the reasons: feasible; 150 km away the 90 s flight cannot catch it or it is out of range; too low
    assert why[0, 0] == Why.FEASIBLE
    assert why[0, 1] in (Why.TIME_OF_FLIGHT, Why.OUT_OF_RANGE)
    assert why[0, 2] == Why.ALTITUDE
    # the time of flight is the one to the intercept point
    assert np.isfinite(tau[0, 0]) and tau[0, 0] > 0
