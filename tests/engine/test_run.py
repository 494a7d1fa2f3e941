"""End to end: the run folder, determinism, and the engine's event log."""

import hashlib
import json

import pyarrow.parquet as pq

from amdsim.engine.run import run_replication

TABLES = ("movers", "sensors", "events", "states", "detections", "tracks", "engagements")


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_run_folder_has_every_table_and_summary(small_run):
    for name in TABLES:
        assert (small_run / f"{name}.parquet").is_file(), name
    summary = json.loads((small_run / "summary.json").read_text())
    assert summary["run"]["complete"] is True
    assert summary["counts"]["launched"] == 5
    fates = {t["fate"] for t in summary["threats"]}
    assert fates <= {"killed", "leaked", "impact", "in_flight"}
    assert not list(small_run.glob(".*.tmp")), "temporary files left behind"


def test_same_seed_gives_byte_identical_files(tmp_path, small_compiled):
    run_replication(small_compiled, 3, tmp_path / "a")
    run_replication(small_compiled, 3, tmp_path / "b")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    run_replication(small_compiled, 4, tmp_path / "c")
    assert _digest(tmp_path / "a")["events.parquet"] != _digest(tmp_path / "c")["events.parquet"]


def test_event_log_is_consistent_with_engagements(small_run):
    ev = pq.read_table(small_run / "events.parquet").to_pylist()
    eng = pq.read_table(small_run / "engagements.parquet").to_pylist()
    kinds = [e["kind"] for e in ev]
    times = [e["time_s"] for e in ev]
    assert times == sorted(times)
    launches = [e for e in ev if e["kind"] == "interceptor_launch"]
    assert len(launches) == sum(1 for s in eng if s["interceptor_id"] >= 0)
    intercepts = [e for e in ev if e["kind"] == "intercept"]
    assert len(intercepts) == sum(1 for s in eng if s["outcome"] in ("kill", "miss"))
    kills = [e for e in intercepts if e["detail"] == "hit"]
    summary = json.loads((small_run / "summary.json").read_text())
    assert len(kills) == summary["counts"]["killed"]
    assert kinds.count("launch") == 5
    # every detection event reports a range (metres) consistent with the radar horizon of a 30 m target
    det = [e for e in ev if e["kind"] == "detection"]
    assert det and all(e["value"] > 0 for e in det)


def test_interceptor_shot_has_a_miss_distance_and_pk(small_run):
    eng = pq.read_table(small_run / "engagements.parquet").to_pylist()
    done = [s for s in eng if s["outcome"] in ("kill", "miss")]
    assert done
    for s in done:
        assert s["miss_m"] >= 0 and 0 <= s["pk"] <= 1
        assert s["end_time_s"] > s["launch_time_s"] >= s["order_time_s"]
