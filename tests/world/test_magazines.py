"""Magazines as state (world/magazines.py): rounds per launcher, launchers in turn, reloads, rearming.

Every expected count below follows from the bookkeeping rules stated in the module docstring
(launchers hold ``rounds // launchers`` rounds, the first ``rounds % launchers`` one more; an
emptied launcher reloads ``min(capacity, spare)`` rounds in ``reload_time_s``), worked by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from amdsim.scenario import compile_scenario, scenario_from_dict
from amdsim.world.magazines import advance_reloads, ready_rounds, rearm, release, reserve, take
from amdsim.world.state import initial_world

from ..conftest import DATA


def _compiled(**battery):
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    raw["batteries"][0].update(battery)
    return compile_scenario(scenario_from_dict(raw))


def _consistent(w, cs):
    """World.rounds_left (what C2 reads) is the sum of ready rounds over each shooter's launchers."""
    np.testing.assert_array_equal(w.rounds_left, ready_rounds(w.mag, cs.shooters.n))
    assert (w.mag.reserved <= w.mag.loaded).all() and (w.mag.loaded <= w.mag.capacity).all()


def test_rounds_are_spread_over_the_launchers_and_rows_cover_the_spares():
    cs = _compiled(launchers=4, interceptors_per_launcher=3, reloads=5, reload_time_s=60.0)
    w = initial_world(cs)
    mag = w.mag
    rows = np.flatnonzero(mag.shooter == 0)
    assert mag.capacity[rows].tolist() == [3, 3, 3, 3] and mag.index[rows].tolist() == [0, 1, 2, 3]
    assert w.rounds_left[0] == 12 and mag.reloads_left[0] == 5
    # 12 loaded + 5 spare rounds: 17 interceptor mover rows, the next shooter's rows start after them
    assert mag.row_end[0] - cs.shooters.first_row[0] == 17 == cs.shooters.first_row[1] - cs.shooters.first_row[0]
    assert cs.shooters.reload_rounds.tolist() == [5, 0] and cs.shooters.reload_time[0] == 60.0
    _consistent(w, cs)


def test_default_battery_has_no_reloads_and_loads_as_before():
    cs = _compiled()
    w = initial_world(cs)
    assert cs.shooters.reload_rounds.tolist() == [0, 0]
    np.testing.assert_array_equal(w.rounds_left, cs.shooters.rounds)
    assert (w.mag.row_end - cs.shooters.first_row).tolist() == cs.shooters.rounds.tolist()


def test_launchers_fire_in_turn_and_bookings_keep_rounds_left_the_ready_count():
    cs = _compiled(launchers=3, interceptors_per_launcher=2)
    w = initial_world(cs)
    a = int(w.mag.first[0])
    assert reserve(w, cs, 0, 4) == 4                       # one per launcher, round robin: 0, 1, 2, 0
    assert w.mag.reserved[a:a + 3].tolist() == [2, 1, 1]
    assert w.rounds_left[0] == 2
    _consistent(w, cs)
    used = take(w, cs, 0, 3)
    assert (used - a).tolist() == [0, 1, 2]                # fired in turn
    assert w.mag.loaded[a:a + 3].tolist() == [1, 1, 1] and w.mag.reserved[a:a + 3].tolist() == [1, 0, 0]
    assert w.rounds_left[0] == 2 and w.mag.fired[0] == 3
    assert release(w, cs, 0) == 1                          # a cancelled launch: the round is ready again
    assert w.rounds_left[0] == 3
    assert reserve(w, cs, 0, 10) == 3                      # no more than the ready rounds
    assert w.rounds_left[0] == 0
    _consistent(w, cs)


def test_magazine_drains_then_reloads_from_the_spares():
    """2 launchers x 2 rounds, 3 spares, 60 s to reload: launcher 1 empties at t = 10 and is full at
    t = 70 (2 spares); launcher 2 empties at t = 20 and gets the last spare at t = 80."""
    cs = _compiled(launchers=2, interceptors_per_launcher=2, reloads=3, reload_time_s=60.0)
    w = initial_world(cs)
    a = int(w.mag.first[0])
    w.t = 10.0
    take(w, cs, 0, 2)                                      # launchers 1 then 2: one round each
    assert w.mag.loaded[a:a + 2].tolist() == [1, 1]
    take(w, cs, 0, 1)                                      # launcher 1 empty: reload starts
    assert w.mag.loaded[a:a + 2].tolist() == [0, 1] and w.mag.in_reload[a] == 2
    assert w.mag.reload_until[a] == 70.0 and w.mag.reloads_left[0] == 1 and w.rounds_left[0] == 1
    w.t = 20.0
    take(w, cs, 0, 1)                                      # launcher 2 empty: the last spare
    assert w.mag.in_reload[a + 1] == 1 and w.mag.reload_until[a + 1] == 80.0 and w.mag.reloads_left[0] == 0
    assert w.rounds_left[0] == 0 and take(w, cs, 0, 1).size == 0   # nothing ready while reloading
    w.t = 69.0
    assert advance_reloads(w, cs).size == 0 and w.rounds_left[0] == 0
    w.t = 70.0
    assert advance_reloads(w, cs).tolist() == [0] and w.rounds_left[0] == 2
    w.t = 80.0
    advance_reloads(w, cs)
    assert w.rounds_left[0] == 3 and w.mag.reloads_used[0] == 3
    assert w.mag.fired[0] == 4 and w.mag.fired[0] + w.rounds_left[0] == 4 + 3
    _consistent(w, cs)


def test_rearm_refills_to_capacity_within_the_rows_left():
    cs = _compiled(launchers=1, interceptors_per_launcher=4)
    w = initial_world(cs)
    take(w, cs, 0, 3)
    w.next_row[0] += 3                                     # launch_due takes a mover row per round fired
    # the rows of the 3 rounds fired are spent: a shooter cannot hold more rounds than rows it has left
    assert rearm(w, cs, np.array([0])).tolist() == [0] and w.rounds_left[0] == 1
    w.mag.row_end[0] += 3                                  # as if the platform had rows for a second sortie
    assert rearm(w, cs, np.array([0])).tolist() == [3] and w.rounds_left[0] == 4 and w.mag.rearmed[0] == 3
    assert rearm(w, cs, np.array([0, 1])).tolist() == [0, 0]   # already full
    _consistent(w, cs)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_bookkeeping_keeps_the_invariants(seed):
    cs = _compiled(launchers=3, interceptors_per_launcher=3, reloads=7, reload_time_s=5.0)
    w = initial_world(cs)
    rng = np.random.default_rng(seed)
    fired = 0
    for step in range(300):
        w.t = float(step)
        advance_reloads(w, cs)
        op = rng.integers(3)
        if op == 0:
            reserve(w, cs, 0, int(rng.integers(1, 4)))
        elif op == 1:
            fired += take(w, cs, 0, int(rng.integers(1, 3))).size
        elif w.mag.reserved.sum():
            release(w, cs, 0)
        _consistent(w, cs)
    m = w.mag
    on = int(m.loaded[m.shooter == 0].sum() + m.in_reload[m.shooter == 0].sum())
    assert m.fired[0] == fired and fired + on + m.reloads_left[0] == 9 + 7   # no round made or lost
