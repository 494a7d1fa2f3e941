"""Ids wide enough everywhere (issue 14: ``OverflowError: Python integer 3000000158 out of bounds for int32``).

Allied track ids are offset by (force index + 1) x 1e9 (``links/shared_picture.ALLY_ID_OFFSET``), so with
six blue forces the sixth force's tracks reach its allies as ids >= 6e9. The run here has six blue forces
of which only the sixth has a sensor; the first force's battery can fire only on those tracks. The test
scans everything the replication holds (World, pictures, engagement book, launch queue, the stages' own
state, the recorder's chunks) and every table of the run folder for narrowing: every integer column that
holds a track id must be int64, and the wide ids must really have travelled through each of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from amdsim.links.shared_picture import ALLY_ID_OFFSET
from tests.engine.coalition import remote_holder, write

SIXTH = 6 * ALLY_ID_OFFSET        # the sixth force (index 5) is offset by (5 + 1) x 1e9


def _walk(obj, path: str, seen: set[int], depth: int = 0) -> Iterator[tuple[str, object]]:
    """(path, value) of every array, int and container reachable from ``obj`` (dataclasses, plain
    objects of amdsim, dicts, lists, tuples)."""
    if depth > 8 or id(obj) in seen:
        return
    if isinstance(obj, np.ndarray | int | np.integer):
        yield path, obj
        return
    if isinstance(obj, str | bytes | float | bool | type(None)) or (callable(obj) and not hasattr(obj, "__dict__")):
        return
    seen.add(id(obj))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        items = [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)]
        items += [(k, v) for k, v in vars(obj).items() if k not in {f.name for f in dataclasses.fields(obj)}]
    elif isinstance(obj, dict):
        items = [(str(k), v) for k, v in obj.items()]
    elif isinstance(obj, list | tuple):
        items = [(f"[{i}]", v) for i, v in enumerate(obj)]
    elif type(obj).__module__.startswith("amdsim") and hasattr(obj, "__dict__"):
        items = list(vars(obj).items())
    else:
        return
    for name, value in items:
        yield from _walk(value, f"{path}.{name}" if not name.startswith("[") else f"{path}{name}", seen, depth + 1)


def _holds_track_ids(path: str) -> bool:
    """A value named like a track id by the last part of its path: ``track``, ``track_id(s)``,
    ``icpt_track``, ``*_track_id`` (not counts such as ``max_tracks``)."""
    last = path.rsplit(".", 1)[-1].split("[", 1)[0].lower()
    return last in {"track", "track_id", "track_ids", "tid", "tids"} or last.endswith(("_track", "_track_id",
                                                                                      "_track_ids"))


@pytest.fixture(scope="module")
def replication(tmp_path_factory):
    """The six-force replication, run to the end with the pictures and orders of every C2 cycle captured
    (the pictures are empty at the end: every threat is gone), and its run folder."""
    import amdsim.engine.step as step_mod
    from amdsim.engine.run import simulate, write_run_folder
    from amdsim.records.summary import build_summary
    from amdsim.scenario import load_compiled
    from amdsim.world.picture import Picture

    folder = tmp_path_factory.mktemp("ids")
    cs = load_compiled(write(remote_holder(6), folder / "six.yaml"))
    assert cs.force_names[5] == "b5" and cs.force_side[6] != cs.force_side[5]
    orders, pictures = [], []
    decide = step_mod.decide

    def capture(*args, **kwargs):
        out = decide(*args, **kwargs)
        orders.append(out)
        pictures.extend(p for a in args if isinstance(a, list) for p in a if isinstance(p, Picture))
        return out

    mp = pytest.MonkeyPatch()
    mp.setattr(step_mod, "decide", capture)
    try:
        r = simulate(cs, 0)
    finally:
        mp.undo()
    write_run_folder(r, build_summary(r, 0, cs.seed), folder / "run")
    return r, (orders, pictures), folder / "run"


def test_every_track_id_array_of_the_replication_is_int64(replication):
    r, (orders, pictures), _ = replication
    found: dict[str, np.ndarray] = {}
    for path, value in _walk({"r": r, "c2_pictures": pictures}, "", set()):
        if isinstance(value, np.ndarray) and value.dtype.kind in "iu" and _holds_track_ids(path):
            assert value.dtype == np.int64, f"{path} holds track ids as {value.dtype}"
            found[path] = value
    for k, o in enumerate(orders):
        assert o.track_id.dtype == np.int64, f"orders of cycle {k}: track_id {o.track_id.dtype}"
    # the scan saw the arrays that carry track ids, and the wide ids really flowed through them
    assert ".r.world.icpt_track" in found
    assert found[".r.world.icpt_track"].max() >= SIXTH
    b0 = [p.track_id for p in pictures if p.force == 0 and p.n]
    assert b0 and max(int(t.max()) for t in b0) >= SIXTH       # the first force's picture, as C2 read it
    assert any(p.startswith(".r.recorder.tracks") and v.size and v.max() >= SIXTH for p, v in found.items())
    assert any(p.startswith(".r.tracking") for p in found)    # the trackers' own id arrays were scanned too
    assert max(int(o.track_id.max()) for o in orders if o.n) >= SIXTH


def test_engagement_book_holds_wide_ids(replication):
    r, _, _ = replication
    cols = r.book.columns(r.cs.shooters.name)
    assert cols["track_id"].dtype == np.int64
    assert r.book.n_shots > 0 and min(r.book.track) >= SIXTH       # b0 fires only on the sixth force's tracks
    assert np.array_equal(cols["track_id"], np.array(r.book.track, np.int64))   # no wrap on the way
    assert all(tid >= SIXTH for tid in r.book.status[0])           # per-track status keyed on the wide ids


def test_every_track_id_column_of_the_run_folder_is_int64(replication):
    _, _, run = replication
    seen = 0
    for path in sorted(run.glob("*.parquet")):
        schema = pq.read_schema(path)
        for f in schema:
            if "track" in f.name and pa.types.is_integer(f.type):
                assert f.type == pa.int64(), f"{path.name}: {f.name} is {f.type}"
                seen += 1
    assert seen >= 2     # tracks.parquet and engagements.parquet at least
    eng = pq.read_table(run / "engagements.parquet").to_pylist()
    assert eng and all(e["track_id"] >= SIXTH and e["force"] == "b0" for e in eng)
    tracks = pq.read_table(run / "tracks.parquet", columns=["force", "track_id", "source_force"]).to_pylist()
    wide = [t for t in tracks if t["force"] == "b0"]
    assert wide and all(t["track_id"] >= SIXTH and t["source_force"] == "b5" for t in wide)


def test_views_and_viewer_keep_wide_ids(replication):
    """DuckDB views (results/views.py) and the viewer's JSON (review/server.py) keep the ids exact."""
    import json

    from amdsim.results.views import run_query
    from amdsim.review.server import RunData

    _, _, run = replication
    row = run_query(run, "SELECT any_value(typeof(track_id)) AS t, min(track_id) AS lo, max(track_id) AS hi "
                         "FROM engagements").to_pylist()[0]
    assert row["t"] == "BIGINT" and row["lo"] >= SIXTH
    eng = pq.read_table(run / "engagements.parquet").column("track_id").to_pylist()
    body = json.loads(RunData(run).body("engagements", 0))
    assert body["track_id"] == eng and min(body["track_id"]) >= SIXTH
