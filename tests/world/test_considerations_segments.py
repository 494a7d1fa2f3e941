"""C2's reason runs per (shooter, mover) (Considerations.segments): the kill chain's time line."""

import numpy as np

from amdsim.c2.reasons import Why
from amdsim.world.considerations import Considerations

FEAS = (int(Why.FEASIBLE),)


def _note(c, t, why):
    c.note(t, np.array([0]), np.array([1]), np.array([[why]], np.int8), FEAS)


def test_runs_split_where_the_reason_changes_and_where_a_cycle_is_missed():
    c = Considerations.empty(1, 3)
    for t in (0.0, 2.0, 4.0):
        _note(c, t, Why.OUT_OF_RANGE)
    _note(c, 6.0, Why.FEASIBLE)
    # cycle 8 s: another pair only (the track of mover 1 was not confirmed then)
    c.note(8.0, np.array([0]), np.array([2]), np.array([[Why.FEASIBLE]], np.int8), FEAS)
    for t in (10.0, 12.0):
        _note(c, t, Why.FEASIBLE)
    seg = c.segments()
    mine = seg["mover"] == 1
    got = list(zip(seg["code"][mine].tolist(), seg["t_first"][mine].tolist(), seg["t_last"][mine].tolist(),
                   seg["cycles"][mine].tolist(), strict=True))
    assert got == [(Why.OUT_OF_RANGE, 0.0, 4.0, 3), (Why.FEASIBLE, 6.0, 6.0, 1), (Why.FEASIBLE, 10.0, 12.0, 2)]


def test_run_cycles_add_up_to_the_counts():
    rng = np.random.default_rng(4)
    c = Considerations.empty(3, 5)
    for i in range(40):
        shooters = np.flatnonzero(rng.random(3) < 0.8)
        truth = np.flatnonzero(rng.random(5) < 0.7)
        why = rng.integers(0, 4, (shooters.size, truth.size)).astype(np.int8)
        c.note(2.0 * i, shooters, truth, why, FEAS)
    seg = c.segments()
    for k in range(3):
        for n in range(5):
            sel = (seg["shooter"] == k) & (seg["mover"] == n)
            by_code = np.bincount(seg["code"][sel].astype(int), weights=seg["cycles"][sel], minlength=c.count.shape[2])
            np.testing.assert_array_equal(by_code, c.count[k, n])
            assert np.all(seg["t_first"][sel] <= seg["t_last"][sel])
            assert np.all(seg["t_first"][sel][1:] > seg["t_last"][sel][:-1])   # runs do not overlap
