"""Reading run and batch folders for the review tools (report, viewer, CZML, DIS).

A run folder holds the Parquet tables of docs/architecture.md ("Run folder"); a batch folder holds
``manifest.json`` and one run folder per replication (``rep_00000/``, ...).
"""

from __future__ import annotations

import json
from pathlib import Path

from amdsim.core.errors import InputError

TABLES = ("movers", "events", "states", "detections", "tracks", "engagements", "sensors", "magazines")


def is_batch(folder: str | Path) -> bool:
    """True for a batch folder (``manifest.json`` or ``rep_*`` sub-folders, no ``states.parquet``)."""
    folder = Path(folder)
    if (folder / "states.parquet").exists():
        return False
    return (folder / "manifest.json").exists() or any(folder.glob("rep_*/states.parquet"))


def replication_dirs(folder: str | Path) -> list[Path]:
    """Run folders of a batch in replication order (``[folder]`` for a single run)."""
    folder = Path(folder)
    if not is_batch(folder):
        return [folder]
    return sorted(p for p in folder.glob("rep_*") if p.is_dir() and (p / "movers.parquet").exists())


def check_folder(folder: str | Path) -> Path:
    """The folder as a Path if it is a run or batch folder; InputError (file, what was expected) otherwise."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("expected a run or batch folder (from amdsim run), found no such directory",
                         file=str(folder))
    if not replication_dirs(folder) or not (replication_dirs(folder)[0] / "movers.parquet").exists():
        raise InputError("expected a run folder (movers.parquet, states.parquet, events.parquet, ...) "
                         "or a batch folder (manifest.json, rep_00000/, ...)", file=str(folder))
    return folder


def load_table(run_dir: str | Path, name: str) -> dict:
    """A run table as a dict of column name -> numpy array (numbers) or list (strings).

    A missing optional table (tracks, detections, engagements, sensors, magazines) reads as empty columns;
    a missing movers/states/events table is an InputError.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(run_dir) / f"{name}.parquet"
    if not path.exists():
        if name in ("movers", "states", "events"):
            raise InputError(f"expected {name}.parquet in the run folder", file=str(run_dir))
        return {}
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputError(f"unreadable Parquet table: {exc}", file=str(path)) from None
    out = {}
    for col in table.column_names:
        arr = table.column(col)
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type) or pa.types.is_dictionary(arr.type):
            out[col] = arr.to_pylist()
        else:
            out[col] = arr.to_numpy(zero_copy_only=False)
            if out[col].dtype == object:
                out[col] = np.asarray(arr.to_pylist())
    return out


def load_summary(run_dir: str | Path) -> dict:
    """summary.json of a run folder ({} if absent or unreadable)."""
    path = Path(run_dir) / "summary.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
