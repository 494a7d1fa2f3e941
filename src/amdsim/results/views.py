"""DuckDB views over a run, batch or sweep folder: one view per table, plus ``summary`` from summary.json.

Every view over a batch has a ``replication`` column (from the ``rep_XXXXX`` folder name; 0 for a
single run folder), and over a sweep a ``variant`` column, the variant's name from sweep.json
(``"aew[id=aew_avalon] removed"``; ``variant_XX`` for a sweep that names none), and
``variant_index``, its number (the ``variant_XX`` folder; 0 is the baseline).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from amdsim.core.errors import InputError

TABLES = ("events", "engagements", "tracks", "states", "detections", "movers", "sensors", "magazines",
          "killchain")
_REP = re.compile(r"rep_(\d+)$")
_VAR = re.compile(r"variant_(\d+)$")


def _folder_number(pattern: re.Pattern[str], name: str) -> int:
    """The number in a folder name already known to match ``pattern`` (``rep_XXXXX``, ``variant_XX``)."""
    m = pattern.match(name)
    if m is None:
        raise ValueError(f"{name!r} does not match {pattern.pattern!r}")
    return int(m.group(1))


def run_folders(folder: Path) -> list[tuple[int | None, int, Path]]:
    """``(variant, replication, run_folder)`` of every complete-or-partial run folder under ``folder``.

    ``folder`` may be a run folder (summary.json), a batch (rep_XXXXX/) or a sweep (variant_XX/).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder (expected a run, batch or sweep folder)", file=str(folder))
    if (folder / "summary.json").is_file():
        return [(None, 0, folder)]
    out: list[tuple[int | None, int, Path]] = []
    variants = sorted(p for p in folder.iterdir() if p.is_dir() and _VAR.match(p.name))
    for vdir in variants or [folder]:
        v = _folder_number(_VAR, vdir.name) if variants else None
        for rdir in sorted(p for p in vdir.iterdir() if p.is_dir() and _REP.match(p.name)):
            if (rdir / "summary.json").is_file():
                out.append((v, _folder_number(_REP, rdir.name), rdir))
    if not out:
        raise InputError(f"{folder} holds no run folders (no summary.json, rep_XXXXX/ or variant_XX/)",
                         file=str(folder))
    return out


def variant_names(sweep_dir: str | Path) -> dict[int, str]:
    """``{variant number: name}`` of a sweep folder from its sweep.json; ``variant_XX`` for a variant
    it does not name (a sweep of an older amdsim, whose names were its folders')."""
    folder = Path(sweep_dir)
    names: dict[int, str] = {}
    try:
        listed = json.loads((folder / "sweep.json").read_text()).get("variants", [])
        for i, v in enumerate(listed):
            if isinstance(v, dict) and v.get("name"):
                m = _VAR.match(str(v.get("folder", "")))
                names[_folder_number(_VAR, m.group(0)) if m else i] = str(v["name"])
    except (OSError, ValueError, AttributeError, TypeError):
        pass
    for d in folder.glob("variant_*"):
        if _VAR.match(d.name):
            names.setdefault(_folder_number(_VAR, d.name), d.name)
    return names


def open_views(folder: Path, con=None):
    """Open (or use) a DuckDB connection with the views of ``folder``; returns the connection."""
    import duckdb

    runs = run_folders(folder)
    sweep = runs[0][0] is not None
    con = con or duckdb.connect()
    names = variant_names(folder) if sweep else {}
    vname = "CASE variant_index " + " ".join(f"WHEN {i} THEN {_sql_str(n)}" for i, n in sorted(names.items())) + \
        " END AS variant"
    for name in TABLES:
        files = [str(r / f"{name}.parquet") for _, _, r in runs if (r / f"{name}.parquet").is_file()]
        if not files:
            continue
        cols = "CAST(regexp_extract(filename, 'rep_(\\d+)/[^/]*$', 1) AS INTEGER) AS replication"
        if len(runs) == 1 and runs[0][0] is None and not _REP.match(runs[0][2].name):
            cols = "0 AS replication"
        if sweep:
            cols += ", CAST(regexp_extract(filename, 'variant_(\\d+)/rep_', 1) AS INTEGER) AS variant_index"
        lst = "[" + ", ".join(_sql_str(f) for f in files) + "]"
        inner = f"SELECT * EXCLUDE (filename), {cols} FROM read_parquet({lst}, filename=true, union_by_name=true)"
        con.execute(f"CREATE OR REPLACE VIEW {name} AS " +
                    (f"SELECT *, {vname} FROM ({inner})" if sweep else inner))
    con.register("summary_arrow", summary_table(runs, names))
    con.execute("CREATE OR REPLACE VIEW summary AS SELECT * FROM summary_arrow")
    return con


def summary_table(runs, names: dict[int, str] | None = None):
    """One row per run: scalar summary fields flattened (``counts_killed``, ``leakers_<asset>`` ...);
    over a sweep ``variant`` (its name in ``names``, else ``variant_XX``) and ``variant_index`` first."""
    import pyarrow as pa

    rows = []
    for v, k, r in runs:
        s = read_summary(r)
        row = ({"variant": (names or {}).get(v, f"variant_{v:02d}"), "variant_index": v, "replication": k}
               if v is not None else {"replication": k})
        row.update(flatten_summary(s))
        rows.append(row)
    keys: list[str] = []
    for row in rows:
        keys.extend(c for c in row if c not in keys)
    return pa.Table.from_pylist([{c: row.get(c) for c in keys} for row in rows])


def read_summary(folder: Path) -> dict:
    try:
        return json.loads((Path(folder) / "summary.json").read_text())
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {folder}/summary.json: {exc}", file=str(folder)) from None


def flatten_summary(s: dict) -> dict:
    """Scalar fields of a summary.json, nested dicts joined with ``_``; lists are left out."""
    out: dict = {}
    for key, val in s.items():
        if key == "run" and isinstance(val, dict):
            out.update({f"{k}": v for k, v in val.items() if _scalar(v) and k != "replication"})
        elif isinstance(val, dict):
            out.update({f"{key}_{k}": v for k, v in val.items() if _scalar(v)})
        elif _scalar(val):
            out[key] = val
    return out


def _scalar(v) -> bool:
    return v is None or isinstance(v, (bool, int, float, str))


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def run_query(folder: Path, sql: str):
    """Run ``sql`` against the views of ``folder``; returns a pyarrow Table. Bad SQL raises InputError."""
    import duckdb

    con = open_views(folder)
    try:
        return con.sql(sql).to_arrow_table()
    except duckdb.Error as exc:
        msg = str(exc).strip().splitlines()
        raise InputError(f"SQL error: {' '.join(m.strip() for m in msg[:3])} (views: "
                         f"{', '.join(v for v in (*TABLES, 'summary'))})", file="SQL") from None


__all__ = ["TABLES", "flatten_summary", "open_views", "read_summary", "run_folders", "run_query", "summary_table", "variant_names"]
