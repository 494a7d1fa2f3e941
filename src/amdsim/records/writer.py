"""The run-folder protocol: atomic, deterministic writers (temp file + rename), a lock against two
writers, and the start of a run that removes the previous run's outputs.

Parquet files carry no creation timestamps and are written with fixed options, so the same
table gives the same bytes (checked by the determinism tests).

The protocol (docs/architecture.md, "Run-folder protocol"), used by single runs, batches, sweeps,
explain and the report:

1. A writer holds :func:`folder_lock` (``fcntl.flock`` on ``FOLDER/.amdsim.lock``) for as long as
   it writes; a second process is refused at once with the holder's pid.
2. A run starts with :func:`begin_run_folder`: the previous run's outputs (:data:`RUN_OUTPUTS`) and
   stray temporaries are removed, so nothing of an earlier run is left beside the new one.
3. Every file is written to a unique temporary name (``.NAME.XXXXXXXX.tmp``, ``mkstemp``) in the
   same folder, fsynced, then renamed over ``NAME``.
4. summary.json is renamed last of the run's tables: a folder is complete only once it is there
   (a batch: ``manifest.json`` with ``complete: true``, rewritten after the last replication).

Kill points for tests: every atomic write passes :func:`write_point` twice (temporary opened; temporary
written, not yet renamed). With ``AMDSIM_WRITE_LOG=FILE`` each point's label is appended to FILE; with
``AMDSIM_KILL_AT_WRITE=N`` the process SIGKILLs itself at its N-th point (1-based), as ``kill -9`` would.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from amdsim.core.errors import InputError, OutputError

_UMASK = os.umask(0)
os.umask(_UMASK)


#: The lock file of a run, batch or sweep folder, there while a writer holds it (names the writer's pid).
LOCK_FILE = ".amdsim.lock"
#: Files a run writes into its folder; :func:`begin_run_folder` removes them before a new run.
RUN_OUTPUTS = ("movers.parquet", "sensors.parquet", "events.parquet", "states.parquet", "detections.parquet",
               "tracks.parquet", "engagements.parquet", "killchain.parquet", "magazines.parquet",
               "scenario.yaml", "error.txt", "summary.json", "report.html", "explain.json", "run.czml",
               "decisions.parquet")
#: Files derived from a whole batch; removed when a batch (or its resume) starts, rewritten at its end.
BATCH_OUTPUTS = ("report.html", "stats.json", "stats.csv")
KILL_ENV = "AMDSIM_KILL_AT_WRITE"
LOG_ENV = "AMDSIM_WRITE_LOG"

_held: dict[str, list] = {}      # resolved folder -> [file object, depth]: re-entrant within a process
_points = 0                      # write points passed in this process (only counted under KILL_ENV)


def write_point(label: str) -> None:
    """A point at which a kill -9 could stop a writer (see the module docstring); a no-op normally."""
    global _points
    log = os.environ.get(LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(label + "\n")
    at = os.environ.get(KILL_ENV)
    if at:
        _points += 1
        if _points == int(at):
            os.kill(os.getpid(), signal.SIGKILL)


@contextlib.contextmanager
def folder_lock(folder: Path, what: str = "run folder") -> Iterator[Path]:
    """Hold the writer's lock of ``folder`` (created if absent) for the ``with`` block.

    Re-entrant within one process; another process holding it gets an :class:`OutputError` naming its
    pid at once (no waiting: two writers of one folder is a mistake to report, not to queue).
    The lock is ``fcntl.flock`` on ``folder/.amdsim.lock``: the kernel drops it when its holder exits,
    killed or not, so a stale lock never blocks a rerun. The holder removes the file on release (while
    still holding it; a process that locked the removed file sees another inode at the path and retries),
    so a finished folder holds only its outputs.
    """
    import fcntl

    folder = Path(folder)
    try:
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"cannot write the {what} {folder}: it exists and is not a folder")
        folder.mkdir(parents=True, exist_ok=True)
        key = str(folder.resolve())
    except OSError as exc:
        raise OutputError(f"cannot create the {what} {folder}: {_reason(exc)}") from None
    if key in _held:
        _held[key][1] += 1
        try:
            yield folder
        finally:
            _held[key][1] -= 1
        return
    path = folder / LOCK_FILE
    while True:
        try:
            fh = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held across the yield)
        except OSError as exc:
            raise OutputError(f"cannot lock the {what} {folder}: {_reason(exc)}") from None
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise OutputError(f"{folder} is being written by another amdsim process ({holder}); wait for it to "
                              "finish or choose another --out") from None
        try:       # the holder before us may have removed the file after we opened it: lock the one in place
            same = os.fstat(fh.fileno()).st_ino == os.stat(path).st_ino
        except OSError:
            same = False
        if same:
            break
        fh.close()
    fh.seek(0)
    fh.truncate()
    fh.write(f"pid {os.getpid()}\n")
    fh.flush()
    _held[key] = [fh, 1]
    try:
        yield folder
    finally:
        del _held[key]
        _unlink(str(path))     # removed while still held, so no one can lock a file that is on its way out
        fh.close()             # closing the file releases the flock


def remove_stray_temporaries(folder: Path) -> None:
    """Remove the temporaries a killed writer left in ``folder`` (``.NAME.XXXX.tmp`` and the old fixed
    ``NAME.tmp``); call only under :func:`folder_lock`, when no live writer of the folder can own them."""
    for p in Path(folder).glob("*.tmp"):
        if p.is_file():
            _unlink(str(p))


def begin_run_folder(out: Path) -> None:
    """Start a run in folder ``out`` (created with parents): remove the previous run's outputs, or raise.

    Removes every file of :data:`RUN_OUTPUTS` (summary.json first: it marks a folder complete and
    must not vouch for tables this run is about to replace) and stray temporaries, under the folder's
    lock. Refuses (:class:`InputError`, ``--out``) a folder that holds a batch or sweep: a single run would
    be mixed into it.
    """
    out = Path(out)
    with folder_lock(out):
        if (out / "manifest.json").exists() or (out / "sweep.json").exists() or any(out.glob("rep_[0-9]*")):
            raise InputError(f"{out} holds a batch or sweep (manifest.json, rep_XXXXX/); a single run would be "
                             "mixed into it: choose another --out (or continue the batch with -n N --resume)",
                             file="--out")
        try:
            for name in RUN_OUTPUTS:
                (out / name).unlink(missing_ok=True)
            remove_stray_temporaries(out)
        except OSError as exc:
            raise OutputError(f"cannot clear the run folder {out}: {_reason(exc)}") from None
        write_point(f"{out.name}:begin")


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` through a temporary file in the same folder, then rename."""
    path = Path(path)
    table = table.replace_schema_metadata(None)
    _atomic(path, lambda fh: pq.write_table(table, fh, compression="zstd", use_dictionary=True,
                                             write_statistics=True, store_schema=True,
                                             data_page_version="2.0"), binary=True)


def write_text_atomic(text: str, path: Path) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a unique temporary file in the same folder, then rename."""
    _atomic(Path(path), lambda fh: fh.write(text.encode("utf-8")), binary=True)


def write_json_atomic(obj, path: Path) -> None:
    _atomic(Path(path), lambda fh: fh.write(json.dumps(obj, indent=2, sort_keys=False, default=_jsonable) + "\n"),
            binary=False)


#: Name of the scenario copy in run and batch folders.
SCENARIO_COPY = "scenario.yaml"


def write_scenario_copy(cs, out: Path) -> bool:
    """Write ``out/scenario.yaml``: the scenario as run (the YAML's fields with ``--set`` overrides
    applied, so it hashes to the summary's ``scenario_sha256``) under a comment naming the source
    file (relative paths in it, such as ``earth.dem_path``, are relative to that file's folder).
    Returns False, writing nothing, for a compiled scenario that does not know its source."""
    import yaml

    src = getattr(cs, "extras", {}).get("scenario_source")
    if not src:
        return False
    text = getattr(cs, "extras", {}).get("scenario_copy_text")
    if text is None:   # the same for every replication of a batch: dump it once (a third of a run folder's writing)
        text = ("# amdsim: the scenario of this folder as run (overrides applied); `amdsim explain` reruns it\n"
                f"# source: {json.dumps(src['path'])}\n" + yaml.safe_dump(src["raw"], sort_keys=False, allow_unicode=True))
        cs.extras["scenario_copy_text"] = text
    _atomic(Path(out) / SCENARIO_COPY, lambda fh: fh.write(text), binary=False)
    return True


def _jsonable(o):
    import numpy as np

    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return None if not np.isfinite(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, np.bool_):
        return bool(o)
    return str(o)


def _atomic(path: Path, write, binary: bool) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write to {path.parent}: {_reason(exc)}") from None
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb" if binary else "w") as fh:
            write_point(f"{path.name}:open")
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        write_point(f"{path.name}:written")
        os.replace(tmp, path)
    except OSError as exc:
        _unlink(tmp)
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from None
    except BaseException:
        _unlink(tmp)
        raise


def _reason(exc: OSError) -> str:
    """The operating system's reason, with a hint for the usual causes."""
    hints = {errno.ENOSPC: " (the disk is full: free space or choose another --out)",
             errno.EDQUOT: " (disk quota exceeded)",
             errno.EROFS: " (read-only file system: choose another --out)",
             errno.EACCES: " (permission denied: choose a folder you can write)",
             errno.EPERM: " (operation not permitted: choose a folder you can write)",
             errno.ENOTDIR: " (a part of the path is a file, not a folder)",
             errno.ENOENT: " (a part of the path does not exist and cannot be created)"}
    text = exc.strerror or str(exc) or type(exc).__name__
    hint = hints.get(exc.errno, "") if exc.errno is not None else ""
    return text + hint


def _unlink(p: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(p)
