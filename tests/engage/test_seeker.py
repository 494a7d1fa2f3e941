"""The seeker of engage/flyout.py: acquisition inside range and gimbal, the handover from the
midcourse aim point to the true target, lost locks, and the seeker record in a whole run."""

import numpy as np
import pytest

from amdsim.engage.flyout import CPA, LOCKED, LOST

from .flyout_driver import engage
from .test_endgame_zarchan import adjoint_binomial

T = 0.5
OFFSET = (0.0, 0.0, 400.0)            # m, the midcourse aim point's error (normal to the line of sight)


def test_acquisition_at_the_seeker_range_hands_over_to_the_true_target():
    # 10 s flight at V_c = 4 km/s; the seeker acquires at 20 km, 5 s (10 T) before intercept: the
    # handover error is corrected, the miss is centimetres
    shot = engage(10.0, T, 5, aim_offset=OFFSET, seeker_range=20_000.0)
    assert shot.status == CPA
    assert shot.r_acq == pytest.approx(20_000.0, abs=4000.0 * 0.02 + 1.0)   # within one sub-step's closing
    assert shot.t_acq == pytest.approx(5.0, abs=0.03)
    assert shot.lock == LOCKED and shot.locks_lost == 0
    assert shot.miss < 0.1


def test_a_late_handover_misses_like_a_heading_error():
    # acquired 2.5 s (5 T) before intercept, the interceptor is on the aim point's collision course: a
    # heading error HE = 400 m / (2.5 s V_m) against the true target. Its miss is the fifth-order
    # binomial's heading-error adjoint at t_F = 2.5 s (Zarchan ch. 3 / 5), within 5 %
    shot = engage(10.0, T, 5, aim_offset=OFFSET, seeker_range=10_000.0)
    he = 400.0 / (2.5 * 3000.0)
    expected = abs(3000.0 * he * adjoint_binomial(2.5, T, 5, "HE"))
    assert shot.t_acq == pytest.approx(7.5, abs=0.03)
    assert shot.miss == pytest.approx(expected, rel=0.05)


def test_without_a_seeker_the_interceptor_hits_the_aim_point():
    # never acquiring (range 0): the miss is the aim point's error
    shot = engage(10.0, T, 5, aim_offset=OFFSET, seeker_range=0.0)
    assert np.isnan(shot.t_acq)
    assert shot.miss == pytest.approx(400.0, rel=0.01)


def test_the_gimbal_limit_prevents_acquisition():
    # a 400 m aim error seen from 1.5 km is 15 deg off the velocity: a 10 deg gimbal never sees the
    # target inside 1.5 km ... and a 30 deg gimbal does
    narrow = engage(10.0, T, 5, aim_offset=OFFSET, seeker_range=1500.0, gimbal=np.deg2rad(10.0))
    wide = engage(10.0, T, 5, aim_offset=OFFSET, seeker_range=1500.0, gimbal=np.deg2rad(30.0))
    assert np.isnan(narrow.t_acq)
    assert narrow.miss == pytest.approx(400.0, rel=0.01)
    assert np.isfinite(wide.t_acq)
    assert wide.miss < narrow.miss


def test_the_lock_is_lost_when_the_target_leaves_the_gimbal():
    # locked on from launch, nose on the target, against a 3 g manoeuvre: PN leads the target, and the
    # look angle grows past a 2 deg gimbal; the interceptor flies the (true-target) aim point again and
    # reacquires only if the target comes back into view
    shot = engage(10.0, T, 5, nT=30.0, gimbal=np.deg2rad(2.0))
    assert shot.t_acq == 0.0
    assert shot.locks_lost >= 1
    assert shot.lock in (LOCKED, LOST)


def test_seeker_record_in_a_run_is_reproducible(small_compiled):
    # whole replications: every shot that reached its closest approach acquired first; the seeker's
    # noise comes from its own stream, so two runs of one seed give the same misses
    from amdsim.core.rng import replication_seed
    from amdsim.engine.replication import new_replication
    from amdsim.engine.step import step

    def run():
        r = new_replication(small_compiled, replication_seed(small_compiled.seed, 0))
        while r.world.t < small_compiled.duration - 1e-9:
            step(r)
        return r.book

    a, b = run(), run()
    done = [i for i, o in enumerate(a.outcome) if o in ("kill", "miss")]
    assert done, "the small scenario should have intercepts"
    assert all(a.seeker_acquired[i] for i in done)
    assert all(np.isfinite(a.acquire_time[i]) and a.acquire_time[i] >= a.launch_time[i] for i in done)
    assert np.nanmax([a.acquire_range[i] for i in done]) <= small_compiled.itypes.seeker_range.max()
    np.testing.assert_array_equal(np.array(a.miss), np.array(b.miss))
    assert np.nanmedian([a.miss[i] for i in done]) > 0.01          # metres or decimetres, not micrometres
