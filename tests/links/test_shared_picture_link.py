"""Data link between allied forces: update interval, latency, drops, and the fused picture."""

import numpy as np

from amdsim.links.shared_picture import SharedPictureLink, correlate_tracks
from amdsim.world.picture import Picture


def _picture(force, t, pos, vel, sigma=100.0):
    m = len(pos)
    return Picture(force, t, np.arange(m, dtype=np.int64), np.asarray(pos, float), np.asarray(vel, float),
                   np.full(m, sigma), np.ones(m, bool), np.full(m, t), np.full(m, force, np.int16),
                   np.arange(m, dtype=np.int32))


def _run_link(seed):
    link = SharedPictureLink(np.array(["blue", "blue", "red"]), latency=2.5, update=2.0, drop=0.4)
    rng = np.random.default_rng(seed)
    for t in range(7):                       # engine order: deliver what is due, then publish
        link.deliver(float(t))
        link.publish(float(t), [Picture.empty(f, float(t)) for f in range(3)], rng)
    return link


def test_link_log_in_full_latency_update_interval_and_drops():
    # default_rng(7).random() draws 0.625 0.897 | 0.776 0.225 | 0.300 0.874 | 0.005 0.821: one draw per
    # (sender, ally) pair per publication, a draw below drop = 0.4 loses the report. Publications every
    # 2 s (t = 0, 2, 4, 6); a sent report is logged as received at send time + 2.5 s, by the first step
    # at or after it. Force 2 (red) has no ally, so it neither sends nor receives.
    expected = [
        (0.0, 0, 1, "sent"), (0.0, 1, 0, "sent"),
        (2.0, 0, 1, "sent"), (2.0, 1, 0, "dropped"),
        (2.5, 0, 1, "received"), (2.5, 1, 0, "received"),
        (4.0, 0, 1, "dropped"), (4.0, 1, 0, "sent"),
        (4.5, 0, 1, "received"),
        (6.0, 0, 1, "dropped"), (6.0, 1, 0, "sent"),
    ]
    link = _run_link(7)
    assert link.log == expected
    assert _run_link(7).log == expected                   # deterministic for a given stream
    # what force 0 holds from force 1 is the report published at t = 0 (the t = 2 one was dropped,
    # the t = 4 one arrives at 6.5)
    assert link.received[0][1].time == 0.0 and link.received[1][0].time == 2.0
    assert link.received[2] == {}


def test_fused_picture_keeps_one_track_per_threat():
    link = SharedPictureLink(np.array([0, 0]), latency=1.0, update=1.0, drop=0.0)
    rng = np.random.default_rng(0)
    own0 = _picture(0, 0.0, [[0.0, 0.0, 0.0]], [[200.0, 0.0, 0.0]])
    # force 1 holds the same threat (300 m off, within 3 combined sigmas + 1 km) and a second threat 50 km away
    own1 = _picture(1, 0.0, [[300.0, 0.0, 0.0], [50_000.0, 0.0, 0.0]], [[200.0, 0.0, 0.0], [0.0, 100.0, 0.0]])
    link.publish(0.0, [own0, own1], rng)
    link.deliver(1.0)
    now = _picture(0, 1.0, [[200.0, 0.0, 0.0]], [[200.0, 0.0, 0.0]])
    fused = link.fused(0, now, 1.0)
    assert fused.n == 2
    # the allied track is extrapolated over the report's 1 s age and renumbered apart from own ids
    np.testing.assert_allclose(fused.pos[1], [50_000.0, 100.0, 0.0])
    assert fused.track_id[1] == 2_000_000_001 and fused.source_force[1] == 1
    assert correlate_tracks(now, own1).tolist() == [True, False]
