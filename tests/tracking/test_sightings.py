"""Fire-control sightings: which own radar updated which track when (tracking/sightings.py, world/picture.py)."""

import numpy as np

from amdsim.tracking.sightings import SIGHTING_HORIZON_S, SightingLog
from amdsim.world.picture import Sightings


class _Cs:
    """The two tables SightingLog reads: sensor 0 on host 5 (a battery), sensor 1 on host 7 (no shooter)."""

    class sensors:  # noqa: N801
        host = np.array([5, 7])

    class shooters:  # noqa: N801
        host = np.array([5])

    force_names = ("a", "b")


def test_only_radars_on_a_shooter_host_are_logged():
    log = SightingLog(_Cs())
    log.note(0, 0, np.array([3, 3, -1, 9]), 10.0)
    log.note(0, 1, np.array([4]), 10.0)          # not a fire-control radar
    s = log.of(0)
    assert sorted(s.track_id.tolist()) == [3, 9]
    assert set(s.sensor.tolist()) == {0}
    assert log.of(1).track_id.size == 0


def test_a_new_sighting_replaces_the_old_and_old_ones_age_out():
    log = SightingLog(_Cs())
    log.note(0, 0, np.array([3]), 10.0)
    log.note(0, 0, np.array([3]), 12.0)
    assert log.of(0).time.tolist() == [12.0]
    log.note(0, 0, np.array([8]), 12.0 + SIGHTING_HORIZON_S + 1.0)
    assert log.of(0).track_id.tolist() == [8]


def test_held_matrix_and_pairs_agree():
    s = Sightings(np.array([3, 9, 9], np.int64), np.array([0, 0, 1], np.int32), np.array([10.0, 4.0, 11.0]))
    sensor_host = np.array([5, 7])
    tracks = np.array([9, 3, 4], np.int64)
    shooter_host = np.array([5, 7])
    since = np.full((2, 3), 5.0)
    held = s.held(tracks, sensor_host, shooter_host, since)
    # host 5's radar saw 3 at 10 (>= 5) and 9 at 4 (< 5); host 7's radar saw 9 at 11
    assert held.tolist() == [[False, True, False], [True, False, False]]
    pairs = s.held_pairs(np.array([3, 9, 9, 4]), np.array([5, 5, 7, 5]), np.array([5.0, 5.0, 5.0, 0.0]), sensor_host)
    assert pairs.tolist() == [True, False, True, False]
