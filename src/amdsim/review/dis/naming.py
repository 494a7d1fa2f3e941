"""Who is who on a DIS stream: unique 11-character markings, force ids and country codes per nation,
and the entity-name mapping published beside the stream.

* Markings (IEEE 1278.1-2012, 6.2.29 Entity Marking record) hold 11 ASCII characters, and amdsim
  names are longer ('cm_salvo1.10' .. 'cm_salvo1.15' all cut to 'cm_salvo1.1'). :func:`entity_markings`
  keeps a name that fits and is unique as it is, and gives a longer one a unique short form, its
  head and tail around '~' ('cm_sal~o1.12'), or its head and a serial if that collides.
* Force ids (SISO-REF-010, Force ID): 1 friendly, 2 opposing, 3 neutral, and for the n-th nation of
  a side (n = 2..10) "Friendly n" = 3n - 2, "Opposing n" = 3n - 1, so that a coalition's nations can
  be told apart on the wire. A force's ``dis.force_id`` in the scenario overrides it.
* Country codes (SISO-REF-010, Country): a force's ``dis.country``; default 0 ("Other"), since
  amdsim's nations are notional.
* The mapping: ``dis_entities.json`` in the run folder (:func:`entity_table`), one row per entity
  (its DIS entity identifier, marking, full name, kind, force, nation, side, force id, country).
  Chosen over Comment or Set Data PDUs because another simulator or a gateway can load a JSON file
  without a DIS datum parser, the markings on the wire are already unique (so a receiver that never
  sees the file still tells every entity apart), and a file is there for a listener that joins late.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from amdsim.records.writer import write_json_atomic
from amdsim.review.dis.pdu import APPLICATION_ID, EXERCISE_ID, PROTOCOL_VERSION, SITE_ID, force_id

MARKING_CHARS = 11
ENTITIES_FILE = "dis_entities.json"
#: SISO-REF-010 has Friendly/Opposing/Neutral 2..10: at most this many nations per side get their own id.
MAX_NATIONS_PER_SIDE = 10
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _ascii(name: str) -> str:
    return str(name).encode("ascii", "replace").decode("ascii")


def entity_markings(names: Sequence[str]) -> list[str]:
    """A unique marking of at most 11 ASCII characters for each name (module docstring), in order.

    Names that fit are kept first (so a short name is never displaced by another's short form).
    """
    text = [_ascii(n) for n in names]
    out: list[str | None] = [None] * len(text)
    used: set[str] = set()
    counts: dict[str, int] = {}
    for t in text:
        counts[t] = counts.get(t, 0) + 1
    for i, t in enumerate(text):
        if len(t) <= MARKING_CHARS and counts[t] == 1:
            out[i] = t
            used.add(t)
    serial = 0
    for i, t in enumerate(text):
        if out[i] is not None:
            continue
        cand = t[:5] + "~" + t[-5:] if len(t) > MARKING_CHARS else t
        while cand in used:
            serial += 1
            tag, s = "", serial
            while s:
                s, r = divmod(s, 36)
                tag = _BASE36[r] + tag
            cand = t[:MARKING_CHARS - 1 - len(tag)] + "~" + tag
        out[i] = cand
        used.add(cand)
    return [str(m) for m in out]


def force_ids(forces: Sequence[dict]) -> dict[str, tuple[int, int]]:
    """``{force id: (DIS force id, country code)}`` from the scenario's ``forces`` entries (raw dicts).

    Default force id: the n-th distinct nation of a side (in scenario order) gets "Friendly n" (blue)
    or "Opposing n" (red), 3n - 2 or 3n - 1 (SISO-REF-010); beyond ten nations the plain 1 or 2.
    ``dis: {force_id, country}`` in a force entry overrides both.
    """
    nations: dict[str, list[str]] = {"blue": [], "red": []}
    out: dict[str, tuple[int, int]] = {}
    for f in forces:
        side, nation = str(f.get("side", "")), str(f.get("nation", f.get("id", "")))
        seen = nations.setdefault(side, [])
        if nation not in seen:
            seen.append(nation)
        n = seen.index(nation) + 1
        base = force_id(side)
        default = base + 3 * (n - 1) if n <= MAX_NATIONS_PER_SIDE else base
        dis = f.get("dis") or {}
        fid = dis.get("force_id")
        out[str(f.get("id"))] = (int(default if fid is None else fid), int(dis.get("country") or 0))
    return out


def run_forces(run_dir: str | Path) -> list[dict]:
    """The ``forces`` entries of the scenario a run folder was run from (its ``scenario.yaml``; [] if none)."""
    import yaml

    run_dir = Path(run_dir)
    for cand in (run_dir / "scenario.yaml", run_dir.parent / "scenario.yaml"):
        if cand.is_file():
            try:
                doc = yaml.safe_load(cand.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError):
                return []
            forces = doc.get("forces") if isinstance(doc, dict) else None
            return [f for f in forces if isinstance(f, dict)] if isinstance(forces, list) else []
    return []


def entity_table(entities: list[dict], address: tuple[str, int] | None = None) -> dict:
    """The document of ``dis_entities.json``: the exercise's ids and one row per entity."""
    return {"protocol_version": PROTOCOL_VERSION, "exercise_id": EXERCISE_ID, "site_id": SITE_ID,
            "application_id": APPLICATION_ID, "destination": f"{address[0]}:{address[1]}" if address else None,
            "marking_note": "Entity State markings are at most 11 ASCII characters; 'name' is the full amdsim name",
            "entities": entities}


def write_entity_table(run_dir: str | Path, doc: dict) -> Path:
    """Write ``dis_entities.json`` into the run folder (atomically); returns its path."""
    path = Path(run_dir) / ENTITIES_FILE
    write_json_atomic(doc, path)
    return path


def read_entity_table(path: str | Path) -> dict:
    """A ``dis_entities.json`` document (for receivers and tests)."""
    return json.loads(Path(path).read_text())


__all__ = ["ENTITIES_FILE", "MARKING_CHARS", "entity_markings", "entity_table", "force_ids", "read_entity_table",
           "run_forces", "write_entity_table"]
