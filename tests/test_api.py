"""The Python API (amdsim/api.py): amdsim.run / amdsim.open, tables as Arrow and pandas, SQL, explain."""

from __future__ import annotations

import subprocess
import sys

import pyarrow as pa
import pytest

import amdsim
from amdsim.core.errors import InputError
from tests.records import leak_scenarios as scenarios


def test_import_amdsim_loads_no_heavy_module():
    code = ("import sys, amdsim; heavy = [m for m in ('numpy', 'pandas', 'duckdb', 'amdsim.api', 'amdsim.engine') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_open_a_run_folder(small_run):
    res = amdsim.open(small_run)
    assert res.kind == "run" and res.folder == small_run
    assert res.summary["run"]["complete"] is True
    assert "killchain" in res.tables and "summary" in res.tables
    kc = res.killchain
    assert len(kc) == pa.parquet.read_table(small_run / "killchain.parquet").num_rows
    assert {"threat", "stage", "time_s", "replication"} <= set(kc.columns)
    assert isinstance(res.arrow("engagements"), pa.Table)
    n = res.sql("SELECT count(*) AS n FROM engagements")["n"].iloc[0]
    assert n == len(res.table("engagements"))
    assert list(res.leakers.columns) == ["replication", "threat", "kind", "asset", "cause", "because", "launch_s",
                                         "impact_s"]
    assert len(res.leakers) == res.summary["leakers"]
    assert "killchain" in dir(res)


def test_bad_names_are_errors(small_run):
    res = amdsim.open(small_run)
    with pytest.raises(InputError, match="no such table"):
        res.arrow("nope")
    with pytest.raises(AttributeError):
        _ = res.nope
    with pytest.raises(InputError, match="SQL error"):
        res.sql("SELEKT 1")
    with pytest.raises(InputError):
        amdsim.open(small_run / "does_not_exist")


def test_run_with_overrides_and_a_batch(tmp_path):
    path = scenarios.write(scenarios.out_of_interceptors(), tmp_path)
    one = amdsim.run(path, out=tmp_path / "one", set={"batteries.0.interceptors_per_launcher": 2}, seed=5)
    assert one.kind == "run" and one.summary["run"]["seed"] == 5
    assert one.summary["magazines"]["bat"]["magazine_size"] == 2
    assert (one.folder / "scenario.yaml").is_file()
    batch = amdsim.run(path, out=tmp_path / "batch", replications=2, set=["c2.kill_assessment_delay_s=2"], workers=1)
    assert batch.kind == "batch" and sorted(batch.summaries) == [0, 1]
    assert set(batch.killchain.replication) == {0, 1}
    assert set(batch.leakers.cause) <= {"out_of_interceptors", "shots_missed"}
    doc = batch.explain(factors=["unlimited_interceptors"])
    assert doc["factors"]["unlimited_interceptors"]["n"] == 2
    assert "batch" in repr(batch)
