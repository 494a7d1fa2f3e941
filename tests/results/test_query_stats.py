"""amdsim query and stats over a small batch and a summary-only sweep."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from amdsim.core.errors import InputError
from amdsim.results.stats import batch_statistics, write_statistics
from amdsim.results.views import run_query

N = 2


@pytest.fixture(scope="module")
def batch(tmp_path_factory, small_compiled) -> Path:
    """A batch folder of the small scenario written replication by replication (the batch layout)."""
    from amdsim.engine.run import run_replication

    out = tmp_path_factory.mktemp("qb")
    for k in range(N):
        run_replication(small_compiled, k, out / f"rep_{k:05d}")
    (out / "manifest.json").write_text("{}")
    return out


def _summary(k: int, leakers: int, ipk: float | None) -> dict:
    s = {"run": {"replication": k, "complete": True}, "leakers": leakers, "zero_leakers": leakers == 0,
         "leakers_per_asset": {"base": leakers}}
    if ipk is not None:
        s["interceptors_per_kill"] = ipk
    return s       # no double_engagements, no tables: optional fields may be missing


@pytest.fixture
def fake_sweep(tmp_path) -> Path:
    """Two variants of 4 replications, summaries only; variant_01 has exactly one leaker fewer in each."""
    base = [2, 1, 3, 2]
    for v, shift in ((0, 0), (1, -1)):
        for k, n in enumerate(base):
            d = tmp_path / f"variant_{v:02d}" / f"rep_{k:05d}"
            d.mkdir(parents=True)
            (d / "summary.json").write_text(json.dumps(_summary(k, n + shift, 1.5 if k else None)))
    (tmp_path / "sweep.json").write_text(json.dumps({"variants": [
        {"name": "variant_00", "overrides": {"a": 1}}, {"name": "variant_01", "overrides": {"a": 2}}]}))
    return tmp_path


def test_views_carry_replication_and_match_files(batch):
    t = run_query(batch, "SELECT replication, count(*) AS n FROM events GROUP BY 1 ORDER BY 1").to_pylist()
    assert [r["replication"] for r in t] == list(range(N))
    for r in t:
        assert r["n"] == pq.read_metadata(batch / f"rep_{r['replication']:05d}" / "events.parquet").num_rows
    s = run_query(batch, "SELECT replication, leakers, counts_launched FROM summary ORDER BY 1").to_pylist()
    assert [r["replication"] for r in s] == list(range(N)) and all(r["counts_launched"] == 5 for r in s)
    for view in ("engagements", "tracks", "states", "detections", "movers"):
        assert run_query(batch, f"SELECT count(DISTINCT replication) AS n FROM {view}").to_pylist()[0]["n"] == N


def test_bad_sql_is_an_input_error(batch):
    with pytest.raises(InputError, match="SQL"):
        run_query(batch, "SELEC nonsense")
    with pytest.raises(InputError, match="no run folders"):
        run_query(batch.parent, "SELECT 1")      # a folder with no run, batch or sweep inside


def test_stats_of_a_batch(batch):
    st = batch_statistics(batch)
    assert st["kind"] == "batch" and st["n_replications"] == N
    m = st["metrics"]
    leak = run_query(batch, "SELECT avg(leakers) AS m FROM summary").to_pylist()[0]["m"]
    assert m["leakers"]["mean"] == pytest.approx(leak)
    assert m["zero_leakers"]["n"] == N and 0 <= m["zero_leakers"]["lo"] <= m["zero_leakers"]["hi"] <= 1
    low = m["low_flyer_detection_range_m"]   # the small scenario's cruise missiles fly at 30 m
    assert low["n"] == N and 1e3 < low["mean"] < 4e5
    assert "leakers_per_asset_base" in m and "double_engagements" in m


def test_sweep_comparison_is_paired(fake_sweep):
    st = batch_statistics(fake_sweep)
    assert st["kind"] == "sweep" and st["baseline"] == "variant_00"
    assert st["variants"]["variant_01"]["overrides"] == {"a": 2}
    diff = next(c for c in st["comparison"] if c["variant"] == "variant_01" and c["metric"] == "leakers")
    # paired differences are all exactly -1: zero-width interval (unpaired it would be ~ +-1.3)
    assert diff["diff"] == -1 and diff["lo"] == pytest.approx(-1) and diff["hi"] == pytest.approx(-1)
    assert diff["n_pairs"] == 4
    ipk = st["variants"]["variant_00"]["metrics"]["interceptors_per_kill"]
    assert ipk["n"] == 3                      # one replication lacks the field: left out, not a crash
    jpath, cpath = write_statistics(st, fake_sweep)
    json.loads(jpath.read_text())             # strict JSON (NaN written as null)
    rows = list(csv.DictReader(cpath.open()))
    assert {r["variant"] for r in rows} == {"variant_00", "variant_01"}


def test_cli_query_outputs_and_errors(batch, tmp_path):
    run = [sys.executable, "-m", "amdsim"]
    r = subprocess.run([*run, "query", str(batch), "SELECT replication, leakers FROM summary ORDER BY 1",
                        "--csv", str(tmp_path / "q.csv"), "--parquet", str(tmp_path / "q.parquet")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert len(list(csv.DictReader((tmp_path / "q.csv").open()))) == N
    assert pq.read_table(tmp_path / "q.parquet").num_rows == N
    r = subprocess.run([*run, "query", str(batch), "SELECT nope FROM events"], capture_output=True, text=True)
    assert r.returncode == 2 and "SQL error" in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run([*run, "stats", str(batch)], capture_output=True, text=True)
    assert r.returncode == 0 and (batch / "stats.json").is_file() and (batch / "stats.csv").is_file()
