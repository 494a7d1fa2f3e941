"""kill -9 at the write points of a run and of a batch, then a rerun or resume that must end
byte-identical (Parquet by content, tests/engine/golden.py; JSON by bytes) to an uninterrupted run,
with no temporary left behind (issue 17, "Interruptions and concurrency").

The write points are not found by timing: records/writer.py passes :func:`write_point` twice per
atomic file (temporary opened; temporary written, not renamed) and once per folder start and per
replication folder rename. A clean run under ``AMDSIM_WRITE_LOG`` lists them; a forked child under
``AMDSIM_KILL_AT_WRITE=N`` SIGKILLs itself at the N-th, exactly as ``kill -9`` would.

Covered: all 23 points of a single run's tables and summary (written from one simulated replication,
forked per point: the simulation itself writes nothing), the report's last point and one kill of the whole
`amdsim run` path (cli/common.py run_single); for a two-replication batch (54 points), 11: one of every
kind (first manifest, scenario copy, each replication's start, states table, summary and rename, the final
manifest), each followed by ``--resume``; ``AMDSIM_ALL_KILL_POINTS=1`` kills the batch at all 54.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from amdsim.records import writer
from tests.engine.golden import run_digests

DATA = Path(__file__).resolve().parents[1] / "data"
SCENARIO = DATA / "small.yaml"
SINGLE = {"duration_s": 90}      # short runs keep the suite fast; launches at 10..60 s still happen
BATCH = {"duration_s": 50}


def _child(fn, kill_at: int | None, log: str | None) -> None:
    os.environ.pop(writer.KILL_ENV, None)
    os.environ.pop(writer.LOG_ENV, None)
    if kill_at is not None:
        os.environ[writer.KILL_ENV] = str(kill_at)
    if log is not None:
        os.environ[writer.LOG_ENV] = log
    writer._points = 0
    fn()
    os._exit(0)


def in_child(fn, kill_at: int | None = None, log: Path | None = None) -> int:
    """Run ``fn`` in a forked child (the parent's compiled numba code and imports are reused); its exit
    code (-9: SIGKILLed)."""
    p = multiprocessing.get_context("fork").Process(target=_child, args=(fn, kill_at, str(log) if log else None))
    p.start()
    p.join(120)
    return p.exitcode


def write_points(fn, tmp_path: Path) -> list[str]:
    log = tmp_path / "points.log"
    log.unlink(missing_ok=True)
    assert in_child(fn, log=log) == 0
    return log.read_text().splitlines()


def strays(folder: Path) -> list[str]:
    """Temporaries and lock files anywhere under ``folder`` (a killed writer leaves its lock file; the next
    writer removes it when done)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.name.endswith(".tmp") or p.name.startswith(".tmp_") or p.name == ".amdsim.lock")


def folder_state(folder: Path) -> dict:
    """What must match an uninterrupted run: the file set, table contents and JSON bytes."""
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    runs = sorted({p.parent for p in folder.rglob("summary.json")})
    out: dict = {"files": files}
    for run in runs:
        out[str(run.relative_to(folder))] = run_digests(run)
    for name in ("manifest.json", "scenario.yaml"):
        if (folder / name).exists():
            out[name] = (folder / name).read_bytes()
    return out


# --- a single run -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def single():
    """One simulated replication (state + summary) and its uninterrupted folder."""
    from amdsim.engine.run import simulate
    from amdsim.records.summary import build_summary
    from amdsim.scenario import load_compiled

    cs = load_compiled(SCENARIO, overrides=SINGLE)
    r = simulate(cs, 0)
    return r, build_summary(r, 0, cs.seed)


def _write(single, out: Path):
    from amdsim.engine.run import write_run_folder

    return lambda: write_run_folder(single[0], dict(single[1]), out)


def test_every_write_point_of_a_run_recovers_byte_identical(single, tmp_path):
    ref = tmp_path / "ref"
    points = write_points(_write(single, ref), tmp_path)
    # 9 tables + scenario.yaml + summary.json, two points each, and the folder's start
    assert len(points) == 23 and points[0] == "ref:begin" and points[-1] == "summary.json:written"
    want = folder_state(ref)
    assert strays(ref) == []
    out = tmp_path / "run"
    for n in range(1, len(points) + 1):
        # the folder holds a previous run's complete outputs, as after `amdsim run` once before
        _write(single, out)()
        (out / "report.html").write_text("report of the previous run")
        assert in_child(_write(single, out), kill_at=n) == -9, f"not killed at point {n} ({points[n - 1]})"
        summary = out / "summary.json"
        assert not summary.exists(), f"killed at {points[n - 1]}: summary.json of a half-written folder"
        assert not (out / "report.html").exists(), f"killed at {points[n - 1]}: the previous report is left"
        _write(single, out)()              # the rerun, in this process
        assert strays(out) == [], f"killed at {points[n - 1]}: temporaries survive the rerun"
        assert folder_state(out) == want, f"killed at {points[n - 1]}"


def test_kill_while_the_report_is_written_leaves_no_complete_folder_beside_an_old_report(single, tmp_path):
    from amdsim.records.writer import begin_run_folder, folder_lock
    from amdsim.review.report import write_report

    out = tmp_path / "run"

    def run_and_report():
        with folder_lock(out):
            begin_run_folder(out)
            _write(single, out)()
            write_report(out)

    run_and_report()
    (out / "report.html").write_text("report of the previous run")
    # the begin of the run, its 23 table points (above), then the report's: killed with the report's
    # temporary written, not renamed
    assert in_child(run_and_report, kill_at=1 + 23 + 2) == -9
    assert (out / "summary.json").exists() and not (out / "report.html").exists()
    assert [p.name for p in out.glob(".report.html.*.tmp")], "the killed report's temporary should be there"
    run_and_report()
    assert strays(out) == [] and (out / "report.html").read_text().startswith("<!doctype html>")


def test_kill_during_amdsim_run_then_rerun(tmp_path):
    """The whole `amdsim run` path (cli/common.py run_single: lock, clear, simulate, write, report)."""
    from amdsim.cli.common import run_single

    out = tmp_path / "run"
    points = write_points(lambda: run_single(SCENARIO, out, report=False, overrides=SINGLE), tmp_path)
    want = folder_state(out)
    k = points.index("summary.json:written") + 1
    assert in_child(lambda: run_single(SCENARIO, out, report=False, overrides=SINGLE), kill_at=k) == -9
    assert not (out / "summary.json").exists() and strays(out)
    run_single(SCENARIO, out, report=False, overrides=SINGLE)
    assert strays(out) == [] and folder_state(out) == want


# --- a batch ------------------------------------------------------------------------------------

def _batch(out: Path, resume: bool = False, n: int = 2):
    from amdsim.montecarlo.batch import InProcessExecutor, run_batch

    return lambda: run_batch(SCENARIO, n, out, resume=resume, progress=False, overrides=BATCH,
                             executor=InProcessExecutor())


def _sample(points: list[str]) -> list[int]:
    """1-based indices of one point of every kind: the first manifest and scenario copy, the start, a table
    and the summary of each replication, each replication's rename, and the last manifest (every point
    with ``AMDSIM_ALL_KILL_POINTS=1``: 54, about four minutes)."""
    if os.environ.get("AMDSIM_ALL_KILL_POINTS"):
        return list(range(1, len(points) + 1))
    picks = [points.index("manifest.json:open"), points.index("scenario.yaml:written")]
    for rep in ("rep_00000", "rep_00001"):
        k = points.index(f"{rep}:rename")
        starts = [i for i in range(k) if points[i].startswith(".tmp_rep_")]
        picks += [starts[-1], points.index("states.parquet:written", starts[-1]), k - 1, k]
    picks.append(len(points) - 1)
    return sorted({i + 1 for i in picks})


def test_batch_killed_at_every_kind_of_write_point_resumes_byte_identical(tmp_path):
    ref = tmp_path / "ref"
    points = write_points(_batch(ref), tmp_path)
    want = folder_state(ref)
    assert json.loads((ref / "manifest.json").read_text())["complete"] is True
    sample = _sample(points)
    assert len(sample) >= 9
    for n in sample:
        out = tmp_path / f"kill_{n}"
        assert in_child(_batch(out), kill_at=n) == -9, f"not killed at {points[n - 1]}"
        manifest = out / "manifest.json"
        if manifest.exists():
            assert json.loads(manifest.read_text())["complete"] is False, f"killed at {points[n - 1]}"
        _batch(out, resume=True)()
        assert strays(out) == [], f"killed at {points[n - 1]}: temporaries survive the resume"
        assert folder_state(out) == want, f"killed at {points[n - 1]}"
