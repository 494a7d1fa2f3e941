"""Batches: byte-identical results for 1 and 2 workers, after kill -9 and --resume, and on a Dask cluster."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from amdsim.core.errors import InputError
from amdsim.montecarlo.batch import completed_replications, run_batch

N = 3


def _files(batch: Path) -> dict[str, bytes]:
    """Every table and summary of every replication, by relative path."""
    out = {}
    for p in sorted(batch.glob("rep_*/*")):
        out[str(p.relative_to(batch))] = p.read_bytes()
    return out


@pytest.fixture(scope="module")
def batch_one(tmp_path_factory, small_compiled) -> Path:
    out = tmp_path_factory.mktemp("b1") / "batch"
    res = run_batch(small_compiled, N, out, workers=1, progress=False)
    assert res.completed == list(range(N))
    return out


def test_batch_layout_and_manifest(batch_one, small_compiled):
    man = json.loads((batch_one / "manifest.json").read_text())
    assert man["completed"] == list(range(N))
    assert man["root_seed"] == small_compiled.seed
    assert man["scenario_sha256"] == small_compiled.scenario_hash
    assert completed_replications(batch_one) == list(range(N))
    for k in range(N):
        s = json.loads((batch_one / f"rep_{k:05d}" / "summary.json").read_text())
        assert s["run"]["replication"] == k and s["run"]["complete"]
    assert not list(batch_one.glob(".tmp_*"))
    # replications differ from each other (different seeds), so the comparison below means something
    assert _files(batch_one)["rep_00000/events.parquet"] != _files(batch_one)["rep_00001/events.parquet"]


def test_two_workers_give_identical_bytes(batch_one, small_compiled, tmp_path):
    out = tmp_path / "b2"
    run_batch(small_compiled, N, out, workers=2, progress=False)
    assert _files(out) == _files(batch_one)


def test_existing_batch_needs_resume_and_same_seed(batch_one, small_compiled):
    with pytest.raises(InputError, match="--resume"):
        run_batch(small_compiled, N, batch_one, workers=1, progress=False)
    with pytest.raises(InputError, match="root_seed"):
        run_batch(small_compiled, N, batch_one, workers=1, progress=False, resume=True, root_seed=12345)
    res = run_batch(small_compiled, N, batch_one, workers=1, progress=False, resume=True)
    assert res.skipped == N and res.rep_wall_s == []


def test_kill_minus_nine_then_resume_is_identical(batch_one, small_scenario_path, tmp_path):
    """Issue 8: kill -9 at random moments, then --resume; every file equals the uninterrupted batch."""
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "amdsim", "run", str(small_scenario_path), "-n", str(N), "-w", "2",
           "--out", str(out), "--no-report"]
    rng = random.Random(8)
    for attempt in range(3):
        proc = subprocess.Popen(cmd + (["--resume"] if attempt else []), start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 4.0))
        os.killpg(proc.pid, signal.SIGKILL)      # the batch and its workers, at once
        proc.wait()
        for rep in out.glob("rep_*"):            # whatever is in place is complete
            assert (rep / "summary.json").is_file()
    subprocess.run([*cmd, "--resume"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=300)
    assert not list(out.glob(".tmp_*"))
    assert _files(out) == _files(batch_one)
    assert json.loads((out / "manifest.json").read_text())["completed"] == list(range(N))


def test_dask_cluster_equals_local(batch_one, small_compiled, tmp_path):
    """A LocalCluster of separate worker processes on 127.0.0.1 writes the same bytes as the local pool."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        out = tmp_path / "dask"
        res = run_batch(small_compiled, N, out, cluster=cluster.scheduler_address, progress=False)
    assert res.completed == list(range(N))
    assert _files(out) == _files(batch_one)


def test_bad_cluster_address_is_an_input_error(small_compiled, tmp_path, monkeypatch):
    monkeypatch.setattr("amdsim.montecarlo.batch.CONNECT_TIMEOUT_S", 1.0)
    with pytest.raises(InputError, match="Dask scheduler"):
        run_batch(small_compiled, 1, tmp_path / "x", cluster="tcp://127.0.0.1:9", progress=False)
