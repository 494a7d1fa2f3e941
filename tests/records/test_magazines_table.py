"""magazines.parquet and the summary's magazines, from a run of tests/data/reloads.yaml.

bat_a has one launcher of 2 rounds and 2 spares, 30 s to reload: the expected sequence (worked from
world/magazines.py's rules) is 2 ready -> booked and fired -> 0 on the launcher, 2 in reload (the
spares), reload done 30 s after it started -> 2 ready again, no spares left.
"""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest

from amdsim.engine.run import run_replication
from amdsim.scenario import load_compiled

from ..conftest import DATA

COLUMNS = ["time_s", "shooter_id", "shooter", "force", "nation", "interceptor_type", "launcher", "rounds_ready",
           "rounds_reserved", "rounds_in_reload", "reload_done_s", "reloads_left", "ballistic_reserve"]


@pytest.fixture(scope="module")
def reload_run(tmp_path_factory):
    cs = load_compiled(DATA / "reloads.yaml")
    out = tmp_path_factory.mktemp("reloads")
    summary = run_replication(cs, 0, out)
    return cs, out, summary


def _changes(rows):
    """The rows where the launcher's state changed (the output-rate copies in between dropped)."""
    out, prev = [], None
    for r in rows:
        key = (r["rounds_ready"], r["rounds_reserved"], r["rounds_in_reload"], r["reloads_left"])
        if key != prev:
            out.append(r)
            prev = key
    return out


def test_table_columns_and_a_full_snapshot_at_every_output_time(reload_run):
    cs, out, _ = reload_run
    t = pq.read_table(out / "magazines.parquet")
    assert t.column_names == COLUMNS
    rows = t.to_pylist()
    launchers = {(r["shooter"], r["launcher"]) for r in rows}
    assert launchers == {("bat_a", 1), ("bat_b", 1), ("bat_b", 2)}
    times = np.array([r["time_s"] for r in rows])
    for out_t in np.arange(0.0, cs.duration + 1e-9, cs.output_rate):
        assert {(r["shooter"], r["launcher"]) for r, x in zip(rows, times, strict=True) if x == out_t} == launchers
    host = {n: int(h) for n, h in zip(cs.shooters.name, cs.shooters.host, strict=True)}
    assert all(r["shooter_id"] == host[r["shooter"]] for r in rows)
    assert {r["nation"] for r in rows if r["shooter"] == "bat_a"} == {"Avalon"}
    assert {r["ballistic_reserve"] for r in rows if r["shooter"] == "bat_a"} == {1}


def test_the_launcher_drains_reloads_and_fires_again(reload_run):
    _, out, _ = reload_run
    rows = [r for r in pq.read_table(out / "magazines.parquet").to_pylist() if r["shooter"] == "bat_a"]
    ch = _changes(rows)
    assert (ch[0]["time_s"], ch[0]["rounds_ready"], ch[0]["reloads_left"]) == (0.0, 2, 2)
    start = next(r for r in ch if r["rounds_in_reload"] > 0)
    assert (start["rounds_ready"], start["rounds_reserved"], start["rounds_in_reload"], start["reloads_left"]) == (0, 0, 2, 0)
    assert start["reload_done_s"] == start["time_s"] + 30.0
    done = ch[ch.index(start) + 1]
    assert done["time_s"] == start["time_s"] + 30.0 and done["rounds_ready"] + done["rounds_reserved"] == 2
    assert done["rounds_in_reload"] == 0 and np.isnan(done["reload_done_s"])
    # rounds only leave by launches: every drop of (ready + booked) outside a reload is one launch
    eng = pq.read_table(out / "engagements.parquet").to_pylist()
    launches = sorted(e["launch_time_s"] for e in eng if e["shooter"] == "bat_a" and e["interceptor_id"] >= 0)
    assert len(launches) >= 3 and any(x > done["time_s"] for x in launches)   # it fired after the reload


def test_summary_magazines_per_shooter(reload_run):
    _, out, summary = reload_run
    mags = summary["magazines"]
    a, b = mags["bat_a"], mags["bat_b"]
    assert (a["launchers"], a["magazine_size"], a["reloads"], a["reloads_used"], a["reserve"]) == (1, 2, 2, 2, 1)
    assert (b["launchers"], b["magazine_size"], b["reloads"], b["reloads_used"], b["reserve"]) == (2, 8, 0, 0, 0)
    for name, m in mags.items():
        assert m["fired"] == summary["interceptors_by_shooter"].get(name, 0)
        assert m["fired"] + m["left"] == m["magazine_size"] + m["reloads"]            # no round made or lost
        assert m["left"] == m["ready"] + m["booked"] + m["in_reload"] + m["reloads_left"]
        assert m["nation"] in ("Avalon", "Borealis") and m["interceptor_type"] == "sam"
    last = [r for r in pq.read_table(out / "magazines.parquet").to_pylist() if r["shooter"] == "bat_a"][-1]
    assert last["rounds_ready"] == a["ready"]
