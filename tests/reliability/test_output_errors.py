"""Output folders that cannot be written (issue 8): a clear OutputError (exit 4 from the CLI), no
traceback, no temporary or half-written file left behind that looks complete, files written before
left intact.

Tests run as root, where chmod does not stop writes: read-only folders are simulated by paths
that cannot be created (under a regular file, under /proc) or by monkeypatching the writer, and
a full disk by making the writer's fsync or Parquet write raise ``OSError(ENOSPC)``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

import amdsim.records.writer as writer
from amdsim.core.errors import OutputError
from amdsim.engine.run import run_replication

ORDER = ("movers", "sensors", "events", "states", "detections", "tracks", "engagements")
#: Files written after those tables and before summary.json (engine/run.py write_run_folder).
THEN = ("killchain.parquet", "scenario.yaml", "magazines.parquet")


@pytest.fixture(scope="module")
def quick_compiled():
    """The small scenario cut to 60 s: every table is written, quickly."""
    from dataclasses import replace

    from amdsim.scenario import load_compiled
    from tests.conftest import DATA

    return replace(load_compiled(DATA / "small.yaml"), duration=60.0)


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory, quick_compiled):
    out = tmp_path_factory.mktemp("clean") / "run"
    run_replication(quick_compiled, 0, out)
    return out


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder) -> list:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def fail_on_call(n: int, err: int = errno.ENOSPC):
    """An ``os.fsync`` that works ``n - 1`` times, then fails like a full disk."""
    real = os.fsync
    calls = {"n": 0}

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] >= n:
            raise OSError(err, os.strerror(err))
        real(fd)
    return fsync


# ------------------------------------------------------------------------ folders that cannot exist

@pytest.mark.parametrize("where", ["under_a_file", "is_a_file", "under_proc"])
def test_uncreatable_folder_is_an_output_error(tmp_path, quick_compiled, where):
    (tmp_path / "afile").write_text("not a folder")
    out = {"under_a_file": tmp_path / "afile" / "run", "is_a_file": tmp_path / "afile",
           "under_proc": "/proc/amdsim-cannot-exist/run"}[where]
    with pytest.raises(OutputError) as info:
        run_replication(quick_compiled, 0, out)
    assert str(out) in str(info.value)
    assert (tmp_path / "afile").read_text() == "not a folder"


def test_cli_exits_4_on_a_folder_under_a_regular_file(tmp_path):
    from tests.conftest import DATA

    (tmp_path / "afile").write_text("x")
    res = subprocess.run([sys.executable, "-m", "amdsim", "run", str(DATA / "small.yaml"), "--out", "afile/run",
                          "--no-report"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert res.returncode == 4, res.stderr
    assert "amdsim: cannot create the run folder afile/run: Not a directory" in res.stderr
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr


def test_read_only_folder_is_an_output_error(monkeypatch, tmp_path, quick_compiled):
    """As root chmod 555 does not stop writes, so the temp-file creation is made to fail as on EROFS."""
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(writer.tempfile, "mkstemp", read_only)
    with pytest.raises(OutputError, match=r"Read-only file system \(read-only file system: choose another --out\)"):
        run_replication(quick_compiled, 0, tmp_path / "run")
    assert list((tmp_path / "run").iterdir()) == []


# ------------------------------------------------------------------------ disk full

def test_disk_full_midway_keeps_earlier_files_and_leaves_nothing_half_written(monkeypatch, tmp_path, quick_compiled,
                                                                              clean_run):
    monkeypatch.setattr(writer.os, "fsync", fail_on_call(4))    # movers, sensors, events go through
    out = tmp_path / "run"
    with pytest.raises(OutputError) as info:
        run_replication(quick_compiled, 0, out)
    msg = str(info.value)
    assert "states.parquet" in msg and "No space left on device" in msg and "disk is full" in msg
    assert leftovers(out) == []
    for name in ORDER[:3]:
        assert digest(out / f"{name}.parquet") == digest(clean_run / f"{name}.parquet"), name
    assert not (out / "states.parquet").exists()
    assert not (out / "summary.json").exists(), "an interrupted folder must not look complete"


def test_disk_full_while_overwriting_a_complete_run(monkeypatch, tmp_path, quick_compiled, clean_run):
    """Re-running into a finished folder: the run starts by removing the previous run's outputs (the
    run-folder protocol, issue 17: nothing of an earlier run is left beside a new one), so a failed rewrite
    leaves no summary, no temporaries and only this run's tables written before the failure, each valid."""
    out = tmp_path / "run"
    run_replication(quick_compiled, 0, out)
    monkeypatch.setattr(writer.os, "fsync", fail_on_call(4))
    with pytest.raises(OutputError):
        run_replication(quick_compiled, 0, out)
    assert not (out / "summary.json").exists()
    assert leftovers(out) == []
    written = [name for name in ORDER if (out / f"{name}.parquet").exists()]
    assert written == list(ORDER[:3])        # the fourth fsync failed: states.parquet (and the rest) absent
    for name in written:
        pq.read_table(out / f"{name}.parquet")


def test_disk_full_inside_the_parquet_writer(monkeypatch, tmp_path, quick_compiled):
    """The writer dies after a few bytes: the temp file is removed and no truncated table appears."""
    real = writer.pq.write_table

    def partial(table, where, **kw):
        if "states" in table.schema.names or "speed_mps" in table.schema.names:
            where.write(b"PAR1 truncated")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(table, where, **kw)

    monkeypatch.setattr(writer.pq, "write_table", partial)
    out = tmp_path / "run"
    with pytest.raises(OutputError, match=r"states\.parquet: No space left on device"):
        run_replication(quick_compiled, 0, out)
    assert leftovers(out) == [] and not (out / "states.parquet").exists()
    assert sorted(p.name for p in out.iterdir()) == ["events.parquet", "movers.parquet", "sensors.parquet"]


def test_disk_full_on_the_summary_leaves_no_summary(monkeypatch, tmp_path, quick_compiled):
    monkeypatch.setattr(writer.os, "fsync", fail_on_call(len(ORDER) + len(THEN) + 1))
    out = tmp_path / "run"
    with pytest.raises(OutputError, match=r"summary\.json"):
        run_replication(quick_compiled, 0, out)
    assert not (out / "summary.json").exists() and leftovers(out) == []


def test_cli_exits_4_on_a_full_disk(monkeypatch, capsys, tmp_path):
    from amdsim.cli import main
    from tests.conftest import DATA

    monkeypatch.setattr(writer.os, "fsync", fail_on_call(2))
    monkeypatch.setattr(sys, "argv", ["amdsim", "run", str(DATA / "small.yaml"), "--out", str(tmp_path / "run"),
                                      "--no-report"])
    with pytest.raises(SystemExit) as info:
        main()
    err = capsys.readouterr().err
    assert info.value.code == 4
    assert "amdsim: cannot write" in err and "sensors.parquet: No space left on device" in err
    assert "Traceback" not in err
    assert leftovers(tmp_path / "run") == []


def test_summary_written_last_marks_completion(clean_run):
    summary = json.loads((clean_run / "summary.json").read_text())
    assert summary["run"]["complete"] is True
    newest_table = max((clean_run / f"{n}.parquet").stat().st_mtime_ns for n in ORDER)
    assert (clean_run / "summary.json").stat().st_mtime_ns >= newest_table
