"""The kill chain (records/killchain.py): killchain.parquet against the event log, the engagement
book, the world's fates and C2's reason log it is built from."""

from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from amdsim.c2.reasons import REASON_NAMES
from amdsim.records.killchain import COLUMNS, STAGES, kill_chain, killchain_table, reason_segments
from amdsim.world.state import Fate


@pytest.fixture(scope="module")
def chain(demo_replication):
    import pandas as pd  # noqa: F401  (pandas comes with the test extras)

    return killchain_table(demo_replication).to_pandas()


def test_columns_and_stage_names(chain):
    assert list(chain.columns) == list(COLUMNS)
    assert set(chain.stage) <= set(STAGES)
    assert {"launched", "first_detected", "track_confirmed", "classified", "considered", "ordered",
            "interceptor_launched", "intercept", "kill_assessment", "killed", "impact"} <= set(chain.stage)


def test_each_threat_and_blue_force_starts_at_launch_and_ends_with_its_fate(demo_replication, chain):
    r = demo_replication
    cs, w = r.cs, r.world
    blue = [cs.force_names[f] for f in range(len(cs.force_names)) if cs.force_side[f] == 0]
    launched = np.flatnonzero(cs.movers.is_threat & (w.fate != Fate.PENDING))
    end = {Fate.KILLED: "killed", Fate.IMPACT: "impact", Fate.FLYING: "in_flight_at_end"}
    for n in launched.tolist():
        for f in blue:
            g = chain[(chain.threat_id == n) & (chain.force == f)]
            assert g.stage.iloc[0] == "launched" and g.time_s.iloc[0] == w.t_launch[n]
            last = g[g.stage.isin(end.values())]
            assert last.stage.tolist() == [end[int(w.fate[n])]]
            t_end = last.time_s.iloc[0]
            assert t_end == (w.t_end[n] if np.isfinite(w.t_end[n]) else w.t)
            assert np.all(np.diff(g.time_s.to_numpy()) >= 0)
            # what the picture and C2 made of it ends with the threat (orders may still follow on a coasting track)
            before = g[g.stage.isin(["first_detected", "track_confirmed", "classified", "considered"])]
            assert np.all(before.time_s <= t_end) and np.all(before.end_time_s.fillna(0) <= t_end)
            # a second interceptor's closest approach in the step of the kill comes after it (and misses)
            assert np.all(g[g.stage == "intercept"].time_s <= t_end + r.cs.dt)


def test_first_detection_matches_the_world_and_names_a_sensor_of_the_force(demo_replication, chain):
    r = demo_replication
    cs = r.cs
    det = chain[chain.stage == "first_detected"]
    assert len(det) > 0
    for row in det.itertuples():
        f = cs.force_names.index(row.force)
        assert row.time_s == r.world.first_detect[f, row.threat_id]
        s = cs.sensors.name.index(row.sensor)
        assert cs.sensors.force[s] == f


def test_intercepts_are_the_books_closest_approaches(demo_replication, chain):
    book = demo_replication.book
    icpt = chain[chain.stage == "intercept"].drop_duplicates("shot_id").sort_values("shot_id")
    shots = [s for s in range(book.n_shots) if book.outcome[s] in ("kill", "miss")]
    assert icpt.shot_id.tolist() == shots
    np.testing.assert_allclose(icpt.value.to_numpy(), [book.miss[s] for s in shots])
    assert icpt.reason.tolist() == [book.outcome[s] for s in shots]


def test_killed_rows_name_the_killers_shooter(demo_replication, chain):
    r = demo_replication
    w, book, sh = r.world, r.book, r.cs.shooters
    for row in chain[chain.stage == "killed"].itertuples():
        shot = int(w.icpt_shot[w.killed_by[row.threat_id]])
        assert row.shooter == sh.name[book.shooter[shot]] and row.time_s == w.t_end[row.threat_id]


def test_considered_rows_agree_with_cs_reason_log(demo_replication, chain):
    """Per (shooter, threat): the cycles of the reasons in ``detail`` are decision cycles up to the
    threat's end; the reason log counts (cycle, track) pairs, so two tracks on one threat in a cycle
    count twice there and once here."""
    r = demo_replication
    c, w = r.considered, r.world
    sh = r.cs.shooters
    cons = chain[chain.stage == "considered"]
    assert len(cons) > 0
    for row in cons.itertuples():
        k = sh.name.index(row.shooter)
        n = row.threat_id
        cycles = {name: int(v) for name, v in (item.split(":") for item in row.detail.split())}
        assert cycles[row.reason] == row.cycles == max(cycles.values())
        assert row.time_s == c.first_time[k, n]
        dt = r.cs.c2_interval
        assert sum(cycles.values()) <= round((row.end_time_s - row.time_s) / dt) + 1
        assert all(cycles.get(REASON_NAMES[i], 0) <= v for i, v in enumerate(c.count[k, n]))
        assert set(cycles) <= {REASON_NAMES[i] for i, v in enumerate(c.count[k, n]) if v}
        if c.last_time[k, n] <= w.t_end[n]:
            assert row.end_time_s == c.last_time[k, n]
        else:
            assert row.end_time_s <= w.t_end[n]


def test_reason_segments_stop_at_the_threats_end(demo_replication):
    r = demo_replication
    seg = reason_segments(r)
    assert np.all(seg["t_last"] <= r.world.t_end[seg["mover"]] + 1e-9)


def test_orders_then_re_engagements(demo_replication, chain):
    log = demo_replication.log
    orders = [(log.target[i], log.force[i]) for i, k in enumerate(log.kind) if k == "engagement_order"]
    got = chain[chain.stage.isin(["ordered", "re_engaged"])]
    assert len(got) == len(orders)
    assert got.groupby(["threat_id", "force"]).stage.apply(lambda s: (s == "ordered").sum()).eq(1).all()


def test_killchain_parquet_and_query_view(small_run):
    t = pq.read_table(small_run / "killchain.parquet")
    assert t.column_names == list(COLUMNS)
    from amdsim.results.views import run_query

    q = run_query(small_run, "SELECT stage, count(*) AS n FROM killchain GROUP BY stage").to_pylist()
    assert {d["stage"] for d in q} >= {"launched", "first_detected", "considered"}
    s = json.loads((small_run / "summary.json").read_text())
    assert sum(d["n"] for d in q if d["stage"] == "launched") == s["counts"]["launched"] * 2   # two blue forces


def test_kill_chain_columns_have_one_length(demo_replication):
    cols = kill_chain(demo_replication)
    assert len({len(v) for v in cols.values()}) == 1


def test_ranked_stage_follows_confirmation_and_comes_from_c2s_rank_log(demo_replication, chain):
    """C2 ranks only tracks it may engage, so a threat is ranked after its track is confirmed and before
    (or in the cycle of) its first order; the row's numbers are the rank log's (world/considerations.py)."""
    r = demo_replication
    cons = r.considered
    ranked = chain[chain.stage == "ranked"]
    assert len(ranked) > 0
    for row in ranked.itertuples():
        f = r.cs.force_names.index(row.force)
        assert row.time_s == cons.rank_first_time[f, row.threat_id]
        assert row.cycles == cons.rank_cycles[f, row.threat_id] >= 1
        assert 1 <= row.value <= int(row.reason.split(" of ")[1])
        g = chain[(chain.threat_id == row.threat_id) & (chain.force == row.force)]
        conf = g[g.stage == "track_confirmed"].time_s
        assert len(conf) == 1 and conf.iloc[0] <= row.time_s
        orders = g[g.stage == "ordered"].time_s
        assert orders.empty or row.time_s <= orders.iloc[0]
    # every ordered (threat, force) was ranked first
    ordered = chain[chain.stage == "ordered"][["threat_id", "force"]].drop_duplicates()
    pairs = set(map(tuple, ranked[["threat_id", "force"]].to_numpy().tolist()))
    assert all((t, f) in pairs for t, f in ordered.to_numpy().tolist())


def test_rank_log_competition_rank_and_best_of_two_tracks():
    """note_rank: rank 1 = highest value, ties share a rank, a mover under two tracks keeps the better."""
    from amdsim.world.considerations import Considerations

    c = Considerations.empty(1, 5)
    c.note_rank(10.0, 1, np.array([3, 0, -1, 3]), np.array([5.0, 9.0, 9.0, 1.0]))
    assert c.rank_cycles.shape == (2, 5)
    assert c.rank_first[1, 0] == 1 and c.rank_first[1, 3] == 3 and c.rank_first_of[1, 3] == 4
    c.note_rank(11.0, 1, np.array([3, 0]), np.array([7.0, 2.0]))
    assert c.rank_best[1, 3] == 1 and c.rank_last[1, 0] == 2 and c.rank_first[1, 0] == 1
    assert c.rank_cycles[1].tolist() == [2, 0, 0, 2, 0] and c.rank_first_time[1, 3] == 10.0
    assert c.rank_last_time[1, 3] == 11.0 and c.rank_cycles[0].sum() == 0
