import numpy as np

from amdsim.tracking.metrics import false_tracks, track_breaks


def test_breaks_and_false_tracks():
    # truth 0 followed by track 1, then 2, then 1 again (2 breaks); truth 1 by track 3 only; track 9 is false
    time = np.array([0, 1, 2, 3, 0, 1, 2, 3, 1], float)
    truth = np.array([0, 0, 0, 0, 1, 1, 1, 1, -1])
    track = np.array([1, 1, 2, 1, 3, 3, 3, 3, 9])
    perm = np.random.default_rng(0).permutation(time.size)
    assert track_breaks(truth[perm], track[perm], time[perm]) == 2
    assert false_tracks(truth, track) == 1
