"""Content hashes of a run folder: what the golden-output test compares.

Parquet files are hashed by content (column names, types and values), not by their bytes, so
that a new pyarrow writing different file metadata does not count as a changed result;
summary.json is hashed as written.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

TABLES = ("movers", "sensors", "events", "states", "detections", "tracks", "engagements", "killchain", "magazines")


def table_digest(table: pa.Table) -> str:
    h = hashlib.sha256()
    for name in table.column_names:
        col = table.column(name).combine_chunks()
        h.update(f"{name}:{col.type}:{len(col)}:{col.null_count}|".encode())
        if pa.types.is_floating(col.type) or pa.types.is_integer(col.type) or pa.types.is_boolean(col.type):
            h.update(np.ascontiguousarray(col.to_numpy(zero_copy_only=False)).tobytes())
        else:
            h.update(repr(col.to_pylist()).encode())
    return h.hexdigest()


def run_digests(folder: Path) -> dict[str, str]:
    out = {t: table_digest(pq.read_table(folder / f"{t}.parquet")) for t in TABLES}
    out["summary"] = hashlib.sha256((folder / "summary.json").read_bytes()).hexdigest()
    return out


if __name__ == "__main__":  # python tests/engine/golden.py RUN_FOLDER: print the digests to paste
    import json
    import sys

    print(json.dumps(run_digests(Path(sys.argv[1])), indent=4))
