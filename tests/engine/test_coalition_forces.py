"""Any number of allied forces (issue 14): 1, 2, 3 and 6 blue forces run (`amdsim run`) and batch
(`amdsim run -n`), with the blue forces in any order in the file and red first or last."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from tests.conftest import cli_in_process
from tests.engine.coalition import coalition, write

amdsim_in_process = cli_in_process


CASES = [(1, False, None), (1, True, None), (2, False, 2), (2, True, 3), (3, False, 4), (3, True, 5),
         (6, False, 6), (6, True, 7)]


@pytest.mark.parametrize(("n_blue", "red_first", "shuffle"), CASES,
                         ids=[f"{n}blue-red{'first' if r else 'last'}" for n, r, _ in CASES])
def test_run_with_any_number_and_order_of_forces(tmp_path, monkeypatch, capsys, n_blue, red_first, shuffle):
    sc = coalition(n_blue, red_first=red_first, shuffle=shuffle)
    order = [f["id"] for f in sc["forces"]]
    assert (order[0] == "red") == red_first and (order[-1] == "red") != red_first
    if shuffle is not None:
        assert [f for f in order if f != "red"] != sorted(f for f in order if f != "red")  # really shuffled
    path = write(sc, tmp_path / "sc.yaml")
    out = tmp_path / "run"
    assert amdsim_in_process(monkeypatch, "run", path, "--out", out, "--no-report", "--strict") == 0
    err = capsys.readouterr().err
    assert "warning:" not in err and "threats launched" in err
    s = json.loads((out / "summary.json").read_text())
    assert s["run"]["complete"] and s["counts"]["launched"] == 5
    assert set(s["tracking"]) == {f"b{i}" for i in range(n_blue)}      # one picture per blue force
    eng = pq.read_table(out / "engagements.parquet")
    assert eng.num_rows > 0
    assert set(eng.column("force").to_pylist()) <= {f"b{i}" for i in range(0, n_blue, 2)}  # forces with batteries
    movers = pq.read_table(out / "movers.parquet").to_pylist()
    assert {m["force"] for m in movers if m["kind"] == "radar_site"} == {f"b{i}" for i in range(n_blue)}


BATCHES = [(1, True, None), (2, False, 1), (3, True, 2), (6, False, 3)]


@pytest.mark.parametrize(("n_blue", "red_first", "shuffle"), BATCHES,
                         ids=[f"{n}blue-red{'first' if r else 'last'}" for n, r, _ in BATCHES])
def test_batch_with_any_number_of_forces(tmp_path, monkeypatch, n_blue, red_first, shuffle):
    path = write(coalition(n_blue, red_first=red_first, shuffle=shuffle), tmp_path / "sc.yaml")
    out = tmp_path / "batch"
    assert amdsim_in_process(monkeypatch, "run", path, "-n", 2, "-w", 1, "--out", out, "--no-report") == 0
    man = json.loads((out / "manifest.json").read_text())
    assert man["completed"] == [0, 1] and man["failed"] == [] and man["failures"] == []
    for k in range(2):
        s = json.loads((out / f"rep_{k:05d}" / "summary.json").read_text())
        assert s["run"]["complete"] and s["run"]["replication"] == k
