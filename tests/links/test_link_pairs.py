"""Links per pair of forces: latency, update interval, drop and capacity per (sender, receiver).

Expected values follow from the link's rules (links/shared_picture.py docstring): a report
published at t reaches its receiver at t + latency[src, dst], by the first step at or after it;
each pair publishes every update[src, dst]; a report carries at most capacity[src, dst] tracks,
confirmed first, then the freshest, then the most accurate.
"""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import yaml

from amdsim.c2.coordination import CoordinationChannel
from amdsim.engine.replication import new_replication
from amdsim.engine.run import run_replication
from amdsim.engine.step import step
from amdsim.links.shared_picture import SharedPictureLink, report_priority
from amdsim.scenario import compile_scenario, scenario_from_dict
from amdsim.world.picture import Picture

from ..conftest import DATA
from ..engine.golden import run_digests


def _pic(force, t, n, confirmed=None, t_update=None, sigma=None):
    conf = np.ones(n, bool) if confirmed is None else np.asarray(confirmed, bool)
    tu = np.full(n, t) if t_update is None else np.asarray(t_update, float)
    sig = np.full(n, 100.0) if sigma is None else np.asarray(sigma, float)
    pos = 6.4e6 * np.array([1.0, 0, 0]) + np.arange(n)[:, None] * np.array([0, 50_000.0, 0])
    return Picture(force, t, np.arange(n, dtype=np.int64), pos, np.zeros((n, 3)), sig, conf, tu,
                   np.full(n, force, np.int16), np.arange(n, dtype=np.int32))


def _received(link, src, dst):
    sent = [t for t, s, d, what in link.log if (s, d) == (src, dst) and what == "sent"]
    got = [t for t, s, d, what in link.log if (s, d) == (src, dst) and what == "received"]
    return sent, got


def test_each_pair_has_its_own_latency_and_update_clock():
    lat = np.array([[0, 1.0, 5.0], [1.0, 0, 1.0], [5.0, 1.0, 0]])
    upd = np.array([[2.0, 2.0, 3.0], [2.0, 2.0, 2.0], [3.0, 2.0, 2.0]])
    link = SharedPictureLink(np.zeros(3, int), latency=lat, update=upd, drop=0.0)
    rng = np.random.default_rng(0)
    for t in range(10):
        link.deliver(float(t))
        link.publish(float(t), [_pic(f, float(t), 1) for f in range(3)], rng)
    sent01, got01 = _received(link, 0, 1)
    sent02, got02 = _received(link, 0, 2)
    assert sent01 == [0.0, 2.0, 4.0, 6.0, 8.0] and got01 == [1.0, 3.0, 5.0, 7.0, 9.0]
    assert sent02 == [0.0, 3.0, 6.0, 9.0] and got02 == [5.0, 8.0]    # 5 s late, every 3 s
    # the link's schedule (which paces picture builds) is the earliest pair due
    assert link.next_publish == 10.0


def test_drop_is_per_pair_and_draws_in_sender_receiver_order():
    drop = np.array([[0, 1.0, 0.0], [0.0, 0, 0.0], [0.0, 0.0, 0]])
    link = SharedPictureLink(np.zeros(3, int), latency=1.0, update=1.0, drop=drop)
    rng = np.random.default_rng(0)
    for t in range(4):
        link.deliver(float(t))
        link.publish(float(t), [_pic(f, float(t), 1) for f in range(3)], rng)
    assert set(link.received[1]) == {2} and set(link.received[2]) == {0, 1} and set(link.received[0]) == {1, 2}
    # one draw per pair with a drop probability above 0: only 0 -> 1, once per publication (4 draws)
    ref = np.random.default_rng(0)
    ref.random(4)
    assert rng.random() == ref.random()
    assert sum(1 for _, s, d, w in link.log if (s, d) == (0, 1) and w == "dropped") == 4


def test_uniform_pairs_log_exactly_as_the_single_link_did():
    """Scalars and the equal (F,F) matrices give the same sends, drops and deliveries for one stream."""
    def run(link):
        rng = np.random.default_rng(3)
        for t in range(9):
            link.deliver(float(t))
            link.publish(float(t), [_pic(f, float(t), 2) for f in range(4)], rng)
        return link.log

    side = np.array([0, 0, 1, 0])
    a = run(SharedPictureLink(side, latency=2.5, update=2.0, drop=0.3))
    b = run(SharedPictureLink(side, latency=np.full((4, 4), 2.5), update=np.full((4, 4), 2.0),
                              drop=np.full((4, 4), 0.3), capacity=np.full((4, 4), -1)))
    assert a == b and any(w == "dropped" for *_, w in a)


def test_capacity_keeps_confirmed_then_freshest_then_most_accurate():
    # 6 tracks at t = 10: ids 0..5
    pic = _pic(0, 10.0, 6, confirmed=[False, True, True, True, True, False],
               t_update=[10.0, 4.0, 9.0, 9.0, 10.0, 10.0], sigma=[10.0, 50.0, 300.0, 80.0, 500.0, 5.0])
    # confirmed: 1 (age 6), 2 (age 1, 300 m), 3 (age 1, 80 m), 4 (age 0) -> order 4, 3, 2, 1; then 5, 0 by sigma
    assert report_priority(pic, 10.0, 3).tolist() == [2, 3, 4]
    assert report_priority(pic, 10.0, 1).tolist() == [4]
    assert report_priority(pic, 10.0, 5).tolist() == [1, 2, 3, 4, 5]
    assert report_priority(pic, 10.0, -1).tolist() == list(range(6))
    link = SharedPictureLink(np.zeros(2, int), latency=1.0, update=1.0, drop=0.0,
                             capacity=np.array([[-1, 2], [-1, -1]]))
    link.publish(10.0, [pic, _pic(1, 10.0, 6)], np.random.default_rng(0))
    link.deliver(11.0)
    assert link.received[1][0].track_id.tolist() == [3, 4]           # the lowest priorities dropped
    assert link.received[0][1].n == 6 and link.trimmed.tolist() == [[0, 4], [0, 0]]


def test_coordination_uses_the_pair_latency_and_drop_and_holds_for_the_slowest_engaging_ally():
    lat = np.array([[0, 1.0, 7.0, 0.5], [3.0, 0, 1.0, 1.0], [4.0, 2.0, 0, 1.0], [9.0, 9.0, 9.0, 0]])
    drop = np.zeros((4, 4))
    drop[0, 1] = 1.0
    # force 3 is red (never an ally); force 2 has no shooters
    ch = CoordinationChannel(np.array([0, 0, 0, 1]), lat, True, drop=drop,
                             engagers=np.array([True, True, False, True]))
    # force 0 waits for force 1's intents (3 s), not for force 2's (no shooters) or red's
    np.testing.assert_allclose(ch.hold_times(1.0), [4.0, 2.0, 8.0, 0.0])
    rng = np.random.default_rng(0)
    ch.announce(0.0, 0, np.zeros(3), np.zeros(3), rng, drop=0.0)
    ch.deliver(6.9)
    assert ch.intents[1] == [] and ch.intents[2] == []             # 0 -> 1 dropped, 0 -> 2 takes 7 s
    ch.deliver(7.0)
    assert len(ch.intents[2]) == 1 and ch.intents[1] == []
    # a scalar latency and no drop table: every pair alike, the caller's drop probability
    flat = CoordinationChannel(np.array([0, 0]), 2.0, True)
    np.testing.assert_allclose(flat.hold_times(1.0), [3.0, 3.0])


def _raw(change):
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    raw["forces"].append({"id": "blue_c", "side": "blue", "nation": "Caledonia"})
    raw["radars"].append({"id": "radar_c", "force": "blue_c", "position": {"lat_deg": 37.2, "lon_deg": 126.5, "alt_m": 50},
                          "radar": {"ref_range_m": 200000, "max_range_m": 300000, "revisit_s": 2}})
    change(raw)
    return raw


def _compiled(change=lambda raw: None):
    return compile_scenario(scenario_from_dict(_raw(change)))


def test_in_one_scenario_a_long_latency_pair_delivers_later_than_a_short_one():
    def change(raw):
        raw["duration_s"] = 40
        raw["links"] = [{"between": ["blue_a", "blue_b"], "latency_s": 1.0},
                        {"between": ["blue_a", "blue_c"], "latency_s": 9.0, "update_s": 4.0}]
    cs = _compiled(change)
    assert cs.links.latency[0, 1] == cs.links.latency[1, 0] == 1.0 and cs.links.latency[0, 3] == 9.0   # blue_c: 3
    assert cs.links.latency[1, 3] == 2.0                             # blue_b <-> blue_c: the link: default
    r = new_replication(cs, np.random.SeedSequence(0))
    for _ in range(cs.n_steps):
        step(r)
    sent_ab, got_ab = _received(r.link, 0, 1)
    sent_ac, got_ac = _received(r.link, 0, 3)
    assert got_ab and got_ac
    assert [g - s for s, g in zip(sent_ab, got_ab, strict=False)] == [1.0] * len(got_ab)
    assert [g - s for s, g in zip(sent_ac, got_ac, strict=False)] == [9.0] * len(got_ac)
    assert np.all(np.diff(sent_ac) == 4.0) and np.all(np.diff(sent_ab) == 2.0)
    assert min(got_ac) > min(got_ab)


def test_a_links_entry_that_restates_the_default_changes_nothing(tmp_path):
    base = run_replication(_compiled(), 0, tmp_path / "a")
    same = run_replication(_compiled(lambda raw: raw.update(links=[
        {"between": ["blue_b", "blue_a"], "latency_s": 2.0, "update_s": 2.0, "drop_prob": 0.0}])), 0, tmp_path / "b")
    assert run_digests(tmp_path / "a") == run_digests(tmp_path / "b")     # every table and summary.json
    assert base["interceptors_expended"] > 0 and base["leakers"] == same["leakers"]


def test_one_way_latency_sets_each_forces_engagement_hold(tmp_path):
    """Coordination on: a shot waits for the slowest intent from an ally with shooters, plus a step.
    blue_a -> blue_b takes 12 s (one way), blue_b -> blue_a the default 2 s; reaction time 4 s:
    blue_b's shots leave 13 s after their order, blue_a's 4 s after (max(4, 2 + 1))."""
    cs = _compiled(lambda raw: raw.update(links=[{"between": ["blue_a", "blue_b"], "latency_s": 12.0,
                                                  "one_way": True}]))
    assert cs.links.latency[0, 1] == 12.0 and cs.links.latency[1, 0] == 2.0
    run_replication(cs, 0, tmp_path)
    eng = pq.read_table(tmp_path / "engagements.parquet").to_pylist()
    first = {}
    for shot in eng:
        if shot["launch_time_s"] == shot["launch_time_s"]:      # launched (not NaN)
            first.setdefault((shot["force"], shot["order_time_s"]), shot["launch_time_s"] - shot["order_time_s"])
    delays = {f: min(d for (g, _), d in first.items() if g == f) for f in {g for g, _ in first}}
    assert delays.get("blue_b") == 13.0 and delays.get("blue_a") == 4.0
