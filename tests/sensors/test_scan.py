"""Field-of-regard masks and revisit scheduling."""

from __future__ import annotations

import numpy as np

from amdsim.sensors import field_of_regard_mask, scan_initial_times, scans_due


def test_sector_wraps_through_north_and_limits_apply():
    az = np.radians([[5.0, 345.0 - 360.0, 30.0, 180.0]] * 3)
    el = np.array([[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.5], [-0.2, 0.1, 0.0, 0.0]])
    rng = np.array([[10e3, 10e3, 10e3, 10e3], [10e3, 10e3, 10e3, 10e3], [10e3, 500.0, 10e3, 300e3]])
    mask = field_of_regard_mask(rng, az, el, az_center=np.radians([350.0, 0.0, 0.0]),
                                az_width=np.array([np.radians(40.0), 2 * np.pi, 2 * np.pi]),
                                el_min=np.array([-0.1, -0.1, -0.1]), el_max=np.array([0.3, 0.3, 0.3]),
                                min_range=np.array([0.0, 0.0, 1e3]), max_range=np.array([1e6, 1e6, 200e3]))
    assert mask.tolist() == [[True, True, False, False],
                             [True, True, True, False],   # all-round, but 0.5 rad is above el_max
                             [False, False, True, False]]  # el below el_min, inside min range, beyond max


def test_scans_due_moves_by_whole_revisits():
    next_scan = np.array([0.5, 1.0, 10.0])
    revisit = np.array([1.0, 0.25, 12.0])
    due, nxt = scans_due(1.0, next_scan, revisit)
    assert due.tolist() == [0, 1]
    assert np.allclose(nxt, [1.5, 1.25, 10.0])
    assert np.allclose(next_scan, [0.5, 1.0, 10.0])  # input untouched
    # A step longer than the revisit skips to the first time after t.
    due, nxt = scans_due(3.1, nxt, revisit)
    assert due.tolist() == [0, 1] and np.allclose(nxt, [3.5, 3.25, 10.0])


def test_initial_times_within_revisit():
    t = scan_initial_times(np.array([2.0, 10.0, 10.0]), np.random.default_rng(0))
    assert np.all((t >= 0) & (t < [2.0, 10.0, 10.0])) and t[1] != t[2]
