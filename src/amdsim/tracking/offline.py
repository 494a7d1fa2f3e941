"""The offline tracker: run the multi-target tracker over recorded detections in a Parquet file.

Input columns: ``time_s``, ``sensor_id`` (numbers or names), ``x_m``, ``y_m`` and optionally ``z_m`` (a local
Cartesian frame), with optional per-row standard deviations ``sigma_m`` or ``sigma_x_m``,
``sigma_y_m``, ``sigma_z_m``. Output: one row per track per scan time: ``time_s``, ``track_id``,
``x_m``, ``y_m`` (``z_m``), ``vx_mps``, ``vy_mps`` (``vz_mps``), ``confirmed`` and ``quality``
(hit fraction over the last scans, 0-1).
2-D data are tracked in 3-D with a flat, tightly measured z (removed on output).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from amdsim.core.errors import InputError, Problem
from amdsim.tracking.tracker import Tracker, TrackerConfig

REQUIRED = ("time_s", "sensor_id", "x_m", "y_m")


def read_detections(path: Path) -> dict[str, np.ndarray]:
    """Read and check a detections Parquet file; InputError names the file and the column."""
    name = str(path)
    if not Path(path).is_file():
        raise InputError(Problem(name, "", "file not found (expected a Parquet file of detections)"))
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise InputError(Problem(name, "", f"not a readable Parquet file ({type(exc).__name__})")) from None
    cols = {}
    for col in (*REQUIRED, "z_m", "sigma_m", "sigma_x_m", "sigma_y_m", "sigma_z_m"):
        if col not in table.column_names:
            if col in REQUIRED:
                raise InputError(Problem(name, col, f"missing column; expected columns {', '.join(REQUIRED)}"
                                                     " (+ optional z_m, sigma_m)"))
            continue
        if col == "sensor_id" and _is_text(table.schema.field(col).type):
            names = table.column(col).to_numpy(zero_copy_only=False)
            if any(v is None for v in names):
                raise InputError(Problem(name, col, "contains empty (null) sensor names"))
            # scans group by sensor: a name becomes the index of its sorted unique names
            cols[col] = np.unique(names.astype(str), return_inverse=True)[1].astype(float)
            continue
        try:
            arr = table.column(col).to_numpy(zero_copy_only=False).astype(float)
        except (pa.ArrowInvalid, ValueError, TypeError):
            raise InputError(Problem(name, col, f"expected numbers, found {table.schema.field(col).type}")) from None
        if not np.all(np.isfinite(arr)):
            raise InputError(Problem(name, col, "contains NaN or infinite values"))
        cols[col] = arr
    if cols["time_s"].size == 0:
        raise InputError(Problem(name, "", "no rows: expected at least one detection"))
    for col in ("sigma_m", "sigma_x_m", "sigma_y_m", "sigma_z_m"):
        if col in cols and np.any(cols[col] <= 0):
            raise InputError(Problem(name, col, "standard deviations must be positive"))
    return cols


def _is_text(t: pa.DataType) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t)
                or (pa.types.is_dictionary(t) and pa.types.is_string(t.value_type)))


def offline_config(settings: dict | None = None, **extras) -> TrackerConfig:
    """The offline tracker: a scenario's ``tracking:`` settings (``settings``: field -> value; the
    scenario's defaults for the rest) and ``extras`` (e.g. ``clutter_density``).

    It departs from the engine's tracker on purpose where the engine's rules need what a detections
    file does not tell: no coast limit (the file gives no sensor revisit to scale it by: a track goes
    after ``delete_misses`` missed scans, every scan counting as in view) and the bare tracker's
    300 m/s initial speed sigma (aircraft and cruise missiles; the engine's INIT_SPEED_SIGMA_MPS also
    covers ballistic missiles)."""
    return TrackerConfig.from_settings(settings or {}, **extras)


def track_detections(cols: dict[str, np.ndarray], sigma_m: float, config: TrackerConfig | None = None,
                     progress=None) -> dict[str, np.ndarray]:
    """Track the detections scan by scan (one scan = one (time, sensor) group); returns output columns.

    ``sigma_m``: measurement noise (m) of the rows that give none (``amdsim track --sigma``).
    ``config`` defaults to :func:`offline_config` (): the scenario's ``tracking:`` defaults."""
    has_z = "z_m" in cols
    k = cols["time_s"].size
    z = np.stack([cols["x_m"], cols["y_m"], cols["z_m"] if has_z else np.zeros(k)], axis=1)
    sig = np.empty((k, 3))
    for i, axis in enumerate("xyz"):
        sig[:, i] = cols.get(f"sigma_{axis}_m", cols.get("sigma_m", np.full(k, sigma_m)))
    if not has_z:
        sig[:, 2] = 1.0
    R = np.zeros((k, 3, 3))
    R[:, [0, 1, 2], [0, 1, 2]] = sig**2
    order = np.lexsort((cols["sensor_id"], cols["time_s"]))
    keys = np.stack([cols["time_s"][order], cols["sensor_id"][order]], axis=1)
    starts = np.flatnonzero(np.r_[True, np.any(keys[1:] != keys[:-1], axis=1)])
    ends = np.r_[starts[1:], k]
    trk = Tracker(config or offline_config())
    if not has_z:
        trk.make_planar()
    out: dict[str, list] = {c: [] for c in ("time_s", "track_id", "x", "confirmed", "quality")}
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        idx = order[s:e]
        t = float(cols["time_s"][idx[0]])
        trk.step(t, z[idx], R[idx])
        out["time_s"].append(np.full(trk.size, t))
        out["track_id"].append(trk.track_id.copy())
        out["x"].append(trk.x.copy())
        out["confirmed"].append(trk.confirmed.copy())
        out["quality"].append(trk.quality)
        if progress is not None:
            progress(e)
    x = np.concatenate(out["x"]) if out["x"] else np.zeros((0, 6))
    res = {"time_s": np.concatenate(out["time_s"]), "track_id": np.concatenate(out["track_id"]),
           "x_m": x[:, 0], "y_m": x[:, 1], "vx_mps": x[:, 3], "vy_mps": x[:, 4],
           "confirmed": np.concatenate(out["confirmed"]), "quality": np.concatenate(out["quality"])}
    if has_z:
        res["z_m"], res["vz_mps"] = x[:, 2], x[:, 5]
    return res


def tracks_table(res: dict[str, np.ndarray]) -> pa.Table:
    """The output columns of :func:`track_detections` as a table, in the documented order (the CLI
    writes it; records sit above tracking)."""
    order = ["time_s", "track_id", "x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps", "confirmed", "quality"]
    return pa.table({k: res[k] for k in order if k in res})
