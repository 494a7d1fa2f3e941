"""The run-folder protocol (records/writer.py; issue 17): two writers of one folder, a resume of a folder
of another kind or another -n, stale outputs and temporaries of an earlier run."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from amdsim.core.errors import InputError, OutputError
from amdsim.records.writer import begin_run_folder, folder_lock

DATA = Path(__file__).resolve().parents[1] / "data"
SCENARIO = DATA / "small.yaml"
SHORT = {"duration_s": 30}


def _hold(folder: str, ready, release) -> None:
    with folder_lock(Path(folder)):
        os.makedirs(os.path.join(folder, ".tmp_rep_00000.livewriter"), exist_ok=True)
        ready.set()
        release.wait(60)
    os._exit(0)


@pytest.fixture
def live_writer(tmp_path):
    """Another process holding the lock of ``tmp_path/out`` (a live batch writing rep 0's temporary)."""
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    out = tmp_path / "out"
    p = ctx.Process(target=_hold, args=(str(out), ready, release))
    p.start()
    assert ready.wait(30)
    yield out, p.pid
    release.set()
    p.join(30)


def _batch(out, n=2, resume=False):
    from amdsim.montecarlo.batch import InProcessExecutor, run_batch

    return run_batch(SCENARIO, n, out, resume=resume, progress=False, overrides=SHORT, executor=InProcessExecutor())


def test_second_writer_is_refused_and_live_temporaries_survive(live_writer):
    out, pid = live_writer
    for attempt in (lambda: begin_run_folder(out), lambda: _batch(out, resume=True)):
        with pytest.raises(OutputError) as err:
            attempt()
        msg = str(err.value)
        assert "being written by another amdsim process" in msg and f"pid {pid}" in msg and "--out" in msg
    assert (out / ".tmp_rep_00000.livewriter").is_dir(), "a resume deleted a live writer's temporary folder"


def test_lock_is_released_when_its_holder_is_killed(tmp_path):
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    out = tmp_path / "out"
    p = ctx.Process(target=_hold, args=(str(out), ready, release))
    p.start()
    assert ready.wait(30)
    p.kill()                       # kill -9: the kernel drops the flock with the process
    p.join(30)
    with folder_lock(out):         # no stale lock
        pass


def test_cli_second_writer_exit_4_with_message(live_writer, monkeypatch, capsys):
    from tests.conftest import cli_in_process

    out, pid = live_writer
    code = cli_in_process(monkeypatch, "run", SCENARIO, "--out", out, "--no-report", "--set", "duration_s=30")
    assert code == 4
    assert f"pid {pid}" in capsys.readouterr().err


@pytest.fixture(scope="module")
def batch3(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch3") / "b"
    _batch(out, n=3)
    return out


def test_resume_refuses_another_n_and_keeps_the_manifest(batch3):
    before = (batch3 / "manifest.json").read_bytes()
    for n in (1, 5):
        with pytest.raises(InputError, match="n_replications"):
            _batch(batch3, n=n, resume=True)
    assert (batch3 / "manifest.json").read_bytes() == before
    assert json.loads(before)["n_replications"] == 3 and json.loads(before)["complete"] is True


def test_resume_refuses_a_single_run_folder_and_a_run_refuses_a_batch(tmp_path, batch3):
    from amdsim.engine.run import run_replication
    from amdsim.scenario import load_compiled

    single = tmp_path / "single"
    run_replication(load_compiled(SCENARIO, overrides=SHORT), 0, single)
    with pytest.raises(InputError, match="single run"):
        _batch(single, n=3, resume=True)
    assert not (single / "manifest.json").exists() and not list(single.glob("rep_*"))
    with pytest.raises(InputError, match="holds a batch"):
        begin_run_folder(batch3)
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "sweep.json").write_text("{}")
    with pytest.raises(InputError, match="holds a sweep"):
        _batch(sweep, n=3, resume=True)
    assert sorted(p.name for p in sweep.iterdir()) == ["sweep.json"]


def test_a_new_run_removes_the_previous_outputs_and_temporaries(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    stale = ["report.html", "summary.json", "explain.json", "run.czml", ".movers.parquet.abcd1234.tmp",
             "report.html.tmp"]
    for name in stale:
        (out / name).write_text("from an earlier run")
    (out / "notes.txt").write_text("the user's own file")
    t0 = time.time()
    begin_run_folder(out)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]     # the lock file goes with the lock
    assert time.time() - t0 < 5


def test_no_fixed_temporary_names_outside_the_writer():
    """The class of `report.html.tmp`: every file goes through records/writer.py's unique temporaries."""
    src = Path(__file__).resolve().parents[2] / "src" / "amdsim"
    offenders = [str(p.relative_to(src)) for p in src.rglob("*.py")
                 if p.name != "writer.py" and ('".tmp"' in p.read_text() or "'.tmp'" in p.read_text())]
    assert offenders == []
