"""Proportional navigation: closed-form heading-error response, hits on non-manoeuvring targets,
and a miss distance that does not depend on the major time step."""

import numpy as np
import pytest

from amdsim.engage.flyout import CPA, pn_flyout

# Far from the earth so that gravity (~4e-10 m/s^2 here) does not disturb the planar check.
FAR = np.array([1e12, 0.0, 0.0])


def _run(pm, vm, tgt_p, tgt_v, N, dt, t_max, max_accel=1e6, boost=0.0, drag=0.0, record_accel=False):
    pm, vm = pm[None].astype(float).copy(), vm[None].astype(float).copy()
    tof = np.zeros(1)
    t = 0.0
    accel = []
    one = np.ones(1)
    while t < t_max:
        tgt0 = (tgt_p + tgt_v * t)[None]
        tgt1 = (tgt_p + tgt_v * (t + dt))[None]
        v_before = vm.copy()
        status, miss, t_ev = pn_flyout(pm, vm, tof, tgt0, tgt1, np.zeros((1, 3)), one * N, one * max_accel,
                                       one * boost, one * 0.0, one * drag, one * 1e9, dt, 0.02, 0.0)
        if record_accel and status[0] == 0:
            accel.append((t, np.linalg.norm(vm - v_before) / dt))
        if status[0] == CPA:
            return miss[0], t + t_ev[0], accel
        t += dt
    raise AssertionError("no closest approach")


@pytest.mark.parametrize("nav", [3.0, 4.0, 5.0], ids=["N3", "N4", "N5"])
def test_zarchan_2_heading_error_acceleration_matches_the_closed_form(nav):
    # Zarchan, Tactical and Strategic Missile Guidance (6th ed.), ch. 2, closed-form linearised PN with heading
    # error HE against a non-manoeuvring target: n_c(t) = Vm HE N / tF (1 - t/tF)^(N-2).
    vm_speed, he, tf = 1000.0, np.deg2rad(2.0), 10.0
    target = FAR + np.array([0.0, vm_speed * tf, 0.0])
    vm = vm_speed * np.array([np.sin(he), np.cos(he), 0.0])
    miss, t_hit, acc = _run(FAR.copy(), vm, target, np.zeros(3), nav, 0.02, 2 * tf, record_accel=True)
    assert miss < 0.5
    assert t_hit == pytest.approx(tf, rel=2e-3)
    ts = np.array([a[0] for a in acc])
    an = np.array([a[1] for a in acc])
    expected = vm_speed * he * nav / tf * (1 - ts / tf) ** (nav - 2)
    early = ts < 0.8 * tf
    np.testing.assert_allclose(an[early], expected[early], rtol=0.03, atol=0.2)


def test_pn_hits_a_constant_velocity_crossing_target():
    target = FAR + np.array([0.0, 30_000.0, 3_000.0])
    tgt_v = np.array([250.0, -100.0, 0.0])
    vm = np.array([0.0, 900.0, 100.0])
    miss, _, _ = _run(FAR.copy(), vm, target, tgt_v, 4.0, 0.5, 120.0, max_accel=400.0)
    assert miss < 1.0


def test_miss_distance_does_not_depend_on_the_major_step():
    # a turn-limited interceptor misses a crossing target; the closest approach is solved in
    # closed form within the sub-step, so the major step must not change it
    target = FAR + np.array([0.0, 20_000.0, 0.0])
    tgt_v = np.array([300.0, 0.0, 0.0])
    vm = np.array([0.0, 800.0, 0.0])
    misses = [_run(FAR.copy(), vm, target, tgt_v, 3.0, dt, 100.0, max_accel=15.0)[0] for dt in (0.1, 0.5, 1.0, 2.0)]
    assert misses[0] > 20.0                       # the acceleration limit forces a real miss
    np.testing.assert_allclose(misses, misses[0], rtol=1e-6)


def test_feasibility_flyout_distance_matches_the_simulated_interceptor():
    # the C2's closed-form reach d(t) = boost + ln(1 + k v_b t)/k must agree with the flown kinematics
    from amdsim.c2.reach import flyout_distance

    one = np.ones(1)
    v0, a, tb, k = 50.0, 250.0, 6.0, 5e-6
    pm, vm, tof = FAR[None].copy(), np.array([[0.0, v0, 0.0]]), np.zeros(1)
    far_target = FAR + np.array([0.0, 1e9, 0.0])
    for _ in range(60):
        pn_flyout(pm, vm, tof, far_target[None], far_target[None], np.zeros((1, 3)), one * 3, one * 100, one * a,
                  one * tb, one * k, one * 1e9, 1.0, 0.02, 0.0)
    flown = pm[0, 1] - FAR[1]
    assert flown == pytest.approx(flyout_distance(60.0, v0, a, tb, k), rel=2e-3)
