"""C2's reason log per (shooter, threat) (world/considerations.py) and its codes (c2/reasons.py)."""

import numpy as np

from amdsim.c2.reasons import Why
from amdsim.world.considerations import N_REASONS, Considerations


def test_the_log_has_a_slot_for_every_reason():
    assert len(Why) == N_REASONS
    assert sorted(w.value for w in Why) == list(range(N_REASONS))


def test_counts_first_last_and_first_feasible():
    c = Considerations.empty(2, 4)
    shooters = np.array([0, 1])
    truth = np.array([2, -1, 3])     # the false track (-1) is not logged
    why = np.array([[Why.OUT_OF_RANGE, Why.FEASIBLE, Why.SEEKER_BASKET],
                    [Why.FEASIBLE, Why.FEASIBLE, Why.TRACK_QUALITY]], np.int8)
    c.note(10.0, shooters, truth, why, (int(Why.FEASIBLE),))
    why2 = why.copy()
    why2[0, 0] = Why.FEASIBLE
    c.note(12.0, shooters, truth, why2, (int(Why.FEASIBLE),))
    assert c.count[0, 2, Why.OUT_OF_RANGE] == 1 and c.count[0, 2, Why.FEASIBLE] == 1
    assert c.count[0, 3, Why.SEEKER_BASKET] == 2
    assert c.first_time[0, 2] == 10.0 and c.last_time[0, 2] == 12.0
    assert c.first_feasible[0, 2] == 12.0 and c.first_feasible[1, 2] == 10.0
    assert np.isinf(c.first_feasible[0, 3])
    assert c.last_why[1, 3] == Why.TRACK_QUALITY
    assert c.count[:, 0].sum() == 0 and c.count[:, 1].sum() == 0
