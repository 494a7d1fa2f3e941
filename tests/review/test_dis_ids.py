"""DIS entity ids through a table (IEEE 1278.1-2012, 6.2.28): entity numbers are 16 bits and 0, 65534,
65535 are reserved, so amdsim's mover ids are mapped, never truncated; event numbers roll over to 1."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from amdsim.review import dis
from amdsim.review.dis.pdu import NO_ENTITY

_ID = struct.Struct(">HHH")


def test_dense_ids_keep_the_simple_numbering():
    ids = dis.EntityIds(np.arange(200))
    assert [ids(m) for m in (0, 1, 199)] == [(1, 1, 1), (1, 1, 2), (1, 1, 200)]
    assert ids(-1) == NO_ENTITY == (1, 1, 0)
    assert ids(5) == (1, 1, dis.entity_number(5))


def test_beyond_65533_movers_the_application_number_counts_on():
    n = 3 * dis.MAX_ENTITY_NUMBER + 10
    ids = dis.EntityIds(np.arange(n)[::-1])          # any order in the movers table
    got = [ids(m) for m in range(n)]
    assert len(set(got)) == n                         # unique
    assert all(1 <= e <= dis.MAX_ENTITY_NUMBER and 1 <= a < 0xFFFF and s == 1 for s, a, e in got)
    assert got[dis.MAX_ENTITY_NUMBER - 1] == (1, 1, 65533) and got[dis.MAX_ENTITY_NUMBER] == (1, 2, 1)
    assert got[-1] == (1, 4, 10)
    with pytest.raises(KeyError, match="not in the run's movers table"):
        ids(n)
    with pytest.raises(ValueError, match="EntityIds"):
        dis.entity_number(70000)                      # no silent 16-bit wrap (it would be entity 4465)


def test_event_numbers_roll_over_to_one():
    assert [dis.event_number(k) for k in (1, 2, 65535, 65536, 65537, 2 * 65535 + 1)] == [1, 2, 65535, 1, 2, 1]
    fire = dis.encode_fire(1.0, 1, 2, 3, 65536, (1e6, 2e6, 3e6), (0, 0, 0))
    assert _ID.unpack_from(fire, 12 + 3 * 6) == (1, 1, 1)      # event id after shooter, target, munition


def _wide_copy(run_dir: Path, out: Path) -> dict[int, int]:
    """The run folder with every mover id m renamed m * 65536 + 5: truncated to 16 bits all ids would be 6."""
    out.mkdir()
    new = lambda a: np.where(np.asarray(a) >= 0, np.asarray(a, np.int64) * 65536 + 5, -1)  # noqa: E731
    cols = {"movers": ("mover_id", "parent_id"), "states": ("mover_id",), "events": ("actor_id", "target_id")}
    for name, idcols in cols.items():
        t = pq.read_table(run_dir / f"{name}.parquet")
        for c in idcols:
            t = t.set_column(t.schema.get_field_index(c), c, pa.array(new(t.column(c).to_numpy())))
        pq.write_table(t, out / f"{name}.parquet")
    (out / "scenario.yaml").write_bytes((run_dir / "scenario.yaml").read_bytes())   # force ids per nation
    old = pq.read_table(run_dir / "movers.parquet").column("mover_id").to_pylist()
    return {int(m) * 65536 + 5: int(m) for m in old}


def test_run_with_ids_beyond_16_bits_gets_unique_consistent_entities(run_dir, tmp_path):
    wide = _wide_copy(run_dir, tmp_path / "wide")
    pdus = dis.run_pdus(tmp_path / "wide")
    base = dis.run_pdus(run_dir)
    assert len(pdus) == len(base)
    # movers are numbered by rank, so the renamed run gets exactly the entity ids of the original
    assert [p.data for p in pdus] == [p.data for p in base]
    table = dis.EntityIds(list(wide))
    states = pq.read_table(tmp_path / "wide" / "states.parquet").to_pydict()
    es = [p for p in pdus if dis.decode_header(p.data)["pdu_type"] == 1]
    seen: dict[int, tuple] = {}
    for p, m in zip(es, sorted(zip(states["time_s"], states["mover_id"], strict=True)), strict=False):
        ent = _ID.unpack_from(p.data, 12)
        assert ent == table(m[1])
        assert seen.setdefault(m[1], ent) == ent        # one mover, one entity
    assert len(set(seen.values())) == len(seen)
