"""Atomic, deterministic writers: Parquet tables and JSON, temp file + rename.

Parquet files carry no creation timestamps and are written with fixed options, so the same
table gives the same bytes (checked by the determinism tests).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from amdsim.core.errors import OutputError

_UMASK = os.umask(0)
os.umask(_UMASK)


def begin_run_folder(out: Path) -> None:
    """Create the run folder ``out`` (and parents) for a new run, or raise :class:`OutputError`.

    A ``summary.json`` left by an earlier run is removed first: it marks a folder complete, and
    must not vouch for tables that this run is about to replace (if this run stops half way, the
    folder has no summary and so does not look complete).
    """
    out = Path(out)
    try:
        if out.exists() and not out.is_dir():
            raise OutputError(f"cannot write the run folder {out}: it exists and is not a folder")
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the run folder {out}: {_reason(exc)}") from None


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` through a temporary file in the same folder, then rename."""
    path = Path(path)
    table = table.replace_schema_metadata(None)
    _atomic(path, lambda fh: pq.write_table(table, fh, compression="zstd", use_dictionary=True,
                                             write_statistics=True, store_schema=True,
                                             data_page_version="2.0"), binary=True)


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
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
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
