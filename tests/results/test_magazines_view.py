"""``amdsim query``: the magazines table is a view, like every other run table."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from amdsim.engine.run import run_replication
from amdsim.results.views import TABLES, run_query
from amdsim.scenario import load_compiled

from ..conftest import DATA


@pytest.fixture(scope="module")
def reload_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reloads_query")
    run_replication(load_compiled(DATA / "reloads.yaml"), 0, out)
    return out


def test_query_returns_the_magazines_table(reload_run):
    assert "magazines" in TABLES
    n = pq.read_metadata(reload_run / "magazines.parquet").num_rows
    got = run_query(reload_run, "SELECT count(*) AS n FROM magazines").to_pylist()
    assert got == [{"n": n}] and n > 0
    rows = run_query(reload_run, "SELECT shooter, max(rounds_in_reload) AS loading, min(reloads_left) AS spares, "
                                 "max(replication) AS rep FROM magazines GROUP BY shooter ORDER BY shooter").to_pylist()
    assert rows == [{"shooter": "bat_a", "loading": 2, "spares": 0, "rep": 0},
                    {"shooter": "bat_b", "loading": 0, "spares": 0, "rep": 0}]


def test_cli_query_on_magazines(reload_run, tmp_path):
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "amdsim", "query", str(reload_run),
                          "SELECT DISTINCT shooter FROM magazines ORDER BY shooter"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "bat_a" in res.stdout and "bat_b" in res.stdout
