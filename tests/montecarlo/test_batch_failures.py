"""A batch survives a failed replication (issue 14): the failure is recorded with its error (manifest,
the replication's summary.json, stats), the others finish with the same bytes as ever, whatever the
workers; ``resume`` does not run it again, ``retry_failed`` runs only it; the CLI exits 3 naming it.

Replication 1 is made to fail deterministically by monkeypatching the engine's step in the processes
that run it: the in-process executor, or a process pool forked after the patch.
"""

from __future__ import annotations

import json
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

import amdsim.engine.run as engine_run
from amdsim.core.errors import SimulationError
from amdsim.montecarlo.batch import (
    InProcessExecutor,
    ReplicationsFailedError,
    replication_outcomes,
    run_batch,
)
from tests.conftest import cli_in_process

N = 3
BUG = "Python integer 3000000158 out of bounds for int32"


def _files(batch: Path, reps=range(N)) -> dict[str, bytes]:
    return {str(p.relative_to(batch)): p.read_bytes() for k in reps for p in sorted((batch / f"rep_{k:05d}").glob("*"))}


def _replication_of(r) -> int:
    """The replication index of a Replication: its seed sequence's spawn key (core/rng.replication_seed)."""
    return int(r.streams._seq.spawn_key[0])


def failing_step(fail: dict[int, BaseException], after_s: float = 30.0):
    """The engine step, raising ``fail[k]`` in replication k once the clock passes ``after_s``."""
    step = engine_run.step

    def patched(r):
        exc = fail.get(_replication_of(r))
        if exc is not None and r.world.t >= after_s:
            raise exc
        step(r)

    return patched


@pytest.fixture(scope="module")
def clean(tmp_path_factory, small_compiled) -> Path:
    """The batch without failures, from the usual process pool (2 workers)."""
    out = tmp_path_factory.mktemp("clean") / "batch"
    run_batch(small_compiled, N, out, workers=2, progress=False)
    return out


@pytest.fixture
def failed_batch(tmp_path, small_compiled, monkeypatch) -> Path:
    monkeypatch.setattr(engine_run, "step", failing_step({1: OverflowError(BUG)}))
    out = tmp_path / "failed"
    res = run_batch(small_compiled, N, out, executor=InProcessExecutor(), progress=False)
    monkeypatch.undo()
    assert res.completed == [0, 2] and res.failed == [1]
    assert res.failures == {1: f"OverflowError: {BUG}"}
    return out


def test_failure_recorded_and_the_others_unchanged(failed_batch, clean):
    man = json.loads((failed_batch / "manifest.json").read_text())
    assert man["completed"] == [0, 2] and man["failed"] == [1]
    assert man["failures"] == [{"replication": 1, "error": f"OverflowError: {BUG}"}]
    rep = failed_batch / "rep_00001"
    s = json.loads((rep / "summary.json").read_text())
    assert s["run"]["complete"] is False and s["run"]["replication"] == 1
    assert s["run"]["error"] == f"OverflowError: {BUG}" and s["run"]["error_type"] == "OverflowError"
    assert s["run"]["scenario_sha256"] == man["scenario_sha256"]
    tb = (rep / "error.txt").read_text()
    assert "Traceback" in tb and BUG in tb and "in replicate" in tb
    assert not list(rep.glob("*.parquet"))              # no state to write: no tables that look valid
    # the replications that ran are byte-identical to the pool batch without the failure
    assert _files(failed_batch, [0, 2]) == _files(clean, [0, 2])
    assert replication_outcomes(failed_batch) == ([0, 2], {1: f"OverflowError: {BUG}"})


def test_same_bytes_from_a_process_pool(failed_batch, small_compiled, tmp_path, monkeypatch):
    """The failing replication fails the same way in worker processes: every file equals the in-process batch."""
    monkeypatch.setattr(engine_run, "step", failing_step({1: OverflowError(BUG)}))
    with ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("fork")) as pool:
        res = run_batch(small_compiled, N, tmp_path / "pool", executor=pool, progress=False)
    assert res.failed == [1]
    assert _files(tmp_path / "pool") == _files(failed_batch)
    assert (json.loads((tmp_path / "pool" / "manifest.json").read_text())["failures"]
            == json.loads((failed_batch / "manifest.json").read_text())["failures"])


def test_simulation_error_keeps_partial_results(small_compiled, tmp_path, monkeypatch):
    err = SimulationError("speed 99999 m/s above the physical limit", time_s=31.0, mover="cm.2")
    monkeypatch.setattr(engine_run, "step", failing_step({0: err}))
    res = run_batch(small_compiled, 2, tmp_path / "b", executor=InProcessExecutor(), progress=False)
    assert res.completed == [1] and res.failed == [0]
    assert res.failures[0] == err.user_message() and "cm.2" in res.failures[0]
    s = json.loads((tmp_path / "b" / "rep_00000" / "summary.json").read_text())
    assert s["run"]["complete"] is False and s["run"]["simulated_to_s"] > 29
    assert (tmp_path / "b" / "rep_00000" / "events.parquet").is_file()   # the partial tables are kept


def test_stats_count_and_exclude_failed(failed_batch, clean):
    from amdsim.results.stats import batch_statistics

    st = batch_statistics(failed_batch)
    assert st["n_replications"] == N and st["n_failed"] == 1
    assert st["failed"] == [{"replication": 1, "error": f"OverflowError: {BUG}"}]
    base = batch_statistics(clean)
    assert base["n_failed"] == 0 and base["metrics"]["leakers"]["n"] == N
    assert st["metrics"]["leakers"]["n"] == N - 1
    # the mean is that of replications 0 and 2 only
    leak = [json.loads((clean / f"rep_{k:05d}" / "summary.json").read_text())["leakers"] for k in (0, 2)]
    assert st["metrics"]["leakers"]["mean"] == pytest.approx(sum(leak) / 2)


def test_resume_keeps_failed_retry_runs_only_them(failed_batch, clean, small_compiled, monkeypatch):
    ran: list[int] = []
    step = engine_run.step

    def counting(r):
        if r.world.t == 0.0:
            ran.append(_replication_of(r))
        step(r)

    monkeypatch.setattr(engine_run, "step", counting)
    res = run_batch(small_compiled, N, failed_batch, executor=InProcessExecutor(), progress=False, resume=True)
    assert ran == [] and res.skipped == N and res.failed == [1]      # failed ones are not run again
    res = run_batch(small_compiled, N, failed_batch, executor=InProcessExecutor(), progress=False,
                    resume=True, retry_failed=True)
    assert ran == [1] and res.completed == [0, 1, 2] and res.failed == [] and res.skipped == 2
    assert _files(failed_batch) == _files(clean)                      # the retried one: the usual bytes
    man = json.loads((failed_batch / "manifest.json").read_text())
    assert man["completed"] == [0, 1, 2] and man["failures"] == []
    assert not list(failed_batch.glob(".tmp_*"))


def test_interrupted_batch_resumes_without_the_failed(small_compiled, tmp_path, monkeypatch, clean):
    """Replication 1 fails, then Ctrl-C during replication 2: the failure is already in the manifest;
    --resume runs replication 2 only."""
    out = tmp_path / "int"
    monkeypatch.setattr(engine_run, "step", failing_step({1: OverflowError(BUG), 2: KeyboardInterrupt()}))
    with pytest.raises(KeyboardInterrupt):
        run_batch(small_compiled, N, out, executor=InProcessExecutor(), progress=False)
    man = json.loads((out / "manifest.json").read_text())
    assert man["failed"] == [1] and not (out / "rep_00002").exists()
    monkeypatch.undo()
    res = run_batch(small_compiled, N, out, executor=InProcessExecutor(), progress=False, resume=True)
    assert res.completed == [0, 2] and res.failed == [1] and len(res.rep_wall_s) == 1
    assert _files(out, [0, 2]) == _files(clean, [0, 2])


def test_sweep_survives_a_failed_replication(small_scenario_path, tmp_path, monkeypatch):
    from amdsim.montecarlo.sweep import run_sweep
    from amdsim.results.stats import batch_statistics

    monkeypatch.setattr(engine_run, "step", failing_step({1: OverflowError(BUG)}))
    doc = run_sweep(small_scenario_path, [("batteries.interceptors_per_launcher", [4, 4])], 2, tmp_path / "s",
                    progress=False, executor=InProcessExecutor())
    assert doc["failures"] == {"variant_00": {1: f"OverflowError: {BUG}"}, "variant_01": {1: f"OverflowError: {BUG}"}}
    st = batch_statistics(tmp_path / "s")
    assert [v["folder"] for v in st["variants"].values()] == ["variant_00", "variant_01"]     # keyed by name
    for v in st["variants"].values():
        assert v["n_failed"] == 1 and v["metrics"]["leakers"]["n"] == 1
    assert {c["n_pairs"] for c in st["comparison"] if c["metric"] == "leakers"} == {1}


_cli = cli_in_process


@pytest.fixture
def in_process_pool(monkeypatch):
    """The CLI's local pool replaced by the in-process executor, so that a patched step applies."""
    import amdsim.montecarlo.batch as batch

    monkeypatch.setattr(batch, "_run_local", lambda cs, todo, out, seed, workers, on_result:
                        batch._run_on(InProcessExecutor(), cs, todo, out, seed, on_result))


def test_cli_exit_3_names_failures_then_resume_and_retry(small_scenario_path, tmp_path, monkeypatch, capsys,
                                                         in_process_pool):
    out = tmp_path / "cli"
    step = engine_run.step
    monkeypatch.setattr(engine_run, "step", failing_step({1: OverflowError(BUG)}))
    assert _cli(monkeypatch, "run", small_scenario_path, "-n", N, "--out", out, "--no-report") == 3
    err = capsys.readouterr().err
    assert "rep_00001" in err and f"OverflowError: {BUG}" in err and "1 of 3 replications failed" in err
    assert "--retry-failed" in err
    assert _cli(monkeypatch, "run", small_scenario_path, "-n", N, "--out", out, "--no-report", "--resume") == 3
    assert "rep_00001" in capsys.readouterr().err
    assert _cli(monkeypatch, "stats", out) == 0
    printed = capsys.readouterr()
    assert "rep_00001" in printed.out and "left out" in printed.out
    assert json.loads((out / "stats.json").read_text())["n_failed"] == 1
    monkeypatch.setattr(engine_run, "step", step)
    assert _cli(monkeypatch, "run", small_scenario_path, "-n", N, "--out", out, "--no-report", "--resume",
                "--retry-failed") == 0
    assert json.loads((out / "manifest.json").read_text())["completed"] == [0, 1, 2]


def test_replications_failed_is_exit_status_3():
    exc = ReplicationsFailedError({"b": {4: "OverflowError: x", 1: "KeyError: y"}, "c": {}}, 10)
    assert exc.exit_code == 3 and exc.n_failed == 2 and list(exc.failures) == ["b"]
    assert list(exc.failures["b"]) == [1, 4] and exc.user_message().startswith("2 of 10 replications failed")


def test_cli_sweep_exit_3(small_scenario_path, tmp_path, monkeypatch, capsys, in_process_pool):
    monkeypatch.setattr(engine_run, "step", failing_step({0: OverflowError(BUG)}))
    code = _cli(monkeypatch, "sweep", small_scenario_path, "--set", "batteries.interceptors_per_launcher=4,4",
                "-n", 2, "--out", tmp_path / "sw")
    assert code == 3
    err = capsys.readouterr().err
    assert "variant_00/rep_00000" in err and "variant_01/rep_00000" in err and "2 of 4 replications failed" in err
