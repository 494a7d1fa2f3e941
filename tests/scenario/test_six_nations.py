"""The bundled six-nation scenario (src/amdsim/data/six_nations.yaml) validates and runs: six blue nations
with radars, batteries, a ship, fighters and an AEW against cruise and ballistic missiles; the fifth and
sixth nations' tracks reach their allies under ids offset by 5e9 and 6e9."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from amdsim.links.shared_picture import ALLY_ID_OFFSET
from amdsim.scenario import demo_path, load_compiled
from amdsim.scenario.plausibility import check_file

SIX = Path(demo_path()).parent / "six_nations.yaml"


def test_six_nations_validates_with_every_kind_of_platform():
    cs = load_compiled(SIX)
    blue = [f for f, side in zip(cs.force_names, cs.force_side, strict=True) if side == 0]
    assert blue == ["avalon", "borealis", "caledonia", "dalmatia", "estoria", "fennland"]
    movers = cs.movers
    kinds = {(cs.force_names[int(f)], int(k)) for f, k in zip(movers.force, movers.kind, strict=True)}
    from amdsim.core.kinds import KIND_NAMES

    names = {KIND_NAMES[k] for _, k in kinds}
    for kind in ("radar_site", "battery", "fighter", "aew", "cruise_missile", "ballistic_missile"):
        assert kind in names, kind
    assert names & {"ship", "ship_radar"}         # the ship group (a platform, or a ship-mounted radar)
    assert cs.shooters.is_fighter.sum() >= 2 and (~cs.shooters.is_fighter).sum() >= 5
    assert check_file(SIX) == []              # no plausibility warning


@pytest.fixture(scope="module")
def six_run(tmp_path_factory) -> Path:
    from amdsim.engine.run import run_replication

    out = tmp_path_factory.mktemp("six")
    run_replication(load_compiled(SIX), 0, out)
    return out


def test_six_nations_runs_and_shares_wide_ids(six_run):
    s = json.loads((six_run / "summary.json").read_text())
    assert s["run"]["complete"] and s["counts"]["launched"] == 36
    assert s["counts"]["killed"] + s["leakers"] + s["counts"]["impact_ground"] + s["counts"]["in_flight_at_end"] == 36
    assert set(s["tracking"]) == {"avalon", "borealis", "caledonia", "dalmatia", "estoria", "fennland"}
    tracks = pq.read_table(six_run / "tracks.parquet", columns=["force", "track_id", "source_force"]).to_pylist()
    # the early-warning nation (fifth force) and its allies' pictures: its tracks under ids >= 5e9
    from_estoria = [t for t in tracks if t["source_force"] == "estoria" and t["force"] != "estoria"]
    assert from_estoria and min(t["track_id"] for t in from_estoria) >= 5 * ALLY_ID_OFFSET
    # Fennland's battery has no radar and Fennland no ground sensor: its shots are on allied tracks only
    eng = pq.read_table(six_run / "engagements.parquet").to_pylist()
    remote = [e for e in eng if e["shooter"] == "airbase_remote"]
    assert remote and all(e["track_id"] >= ALLY_ID_OFFSET for e in remote)
