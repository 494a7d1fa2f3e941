"""DIS streaming of a run folder: the run's PDU sequence and its sending over UDP.

Role: read a run folder (movers, states, events tables), build its time-ordered sequence of
Entity State (IEEE 1278.1-2012, 7.2.2), Fire (7.3.2) and Detonation (7.3.3) PDUs with
:mod:`amdsim.review.dis.pdu`, and send them as UDP datagrams (unicast or broadcast, the transport
of IEEE 1278.2), either as fast as possible or paced to the wall clock. Event points given in
geodetic coordinates are converted to DIS world coordinates (WGS84 ECEF) with
:mod:`amdsim.core.geodesy`.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import numpy as np

from amdsim.core.errors import InputError
from amdsim.core.geodesy import geodetic2ecef
from amdsim.review.data import load_table
from amdsim.review.dis.naming import (
    entity_markings,
    entity_table,
    force_ids,
    run_forces,
    write_entity_table,
)
from amdsim.review.dis.pcap import pcap_write
from amdsim.review.dis.pdu import (
    DETONATION_DETONATION,
    DETONATION_ENTITY_IMPACT,
    DETONATION_ENTITY_PROXIMATE,
    DETONATION_GROUND_IMPACT,
    EntityIds,
    TimedPdu,
    encode_detonation,
    encode_entity_state,
    encode_fire,
    force_id,
    orientation_from_velocity,
)


def event_positions(events: dict) -> np.ndarray:
    """ECEF points (m), shape (N, 3), of an events table's ``lat_deg``/``lon_deg``/``alt_m`` columns
    (degrees converted to the radians :func:`amdsim.core.geodesy.geodetic2ecef` takes)."""
    if not len(events["time_s"]):
        return np.zeros((0, 3))
    lat = np.radians(np.asarray(events["lat_deg"], float))
    lon = np.radians(np.asarray(events["lon_deg"], float))
    return geodetic2ecef(lat, lon, np.asarray(events["alt_m"], float))


def run_entities(run_dir: str | Path, movers: dict | None = None) -> list[dict]:
    """One row per mover of a run folder, in mover order: its DIS entity identifier, unique marking,
    full name, kind, force, nation, side, DIS force id and country code (``dis_entities.json``)."""
    movers = movers if movers is not None else load_table(run_dir, "movers")
    ids_table = EntityIds(movers["mover_id"])
    per_force = force_ids(run_forces(run_dir))
    marks = entity_markings(list(movers["name"]))
    out = []
    for i, m in enumerate(np.asarray(movers["mover_id"]).tolist()):
        force, side = str(movers["force"][i]), str(movers["side"][i])
        fid, country = per_force.get(force, (force_id(side), 0))
        out.append({"entity": list(ids_table(m)), "marking": marks[i], "name": str(movers["name"][i]),
                    "mover_id": int(m), "kind": str(movers["kind"][i]), "force": force,
                    "nation": str(movers["nation"][i]) if "nation" in movers else "", "side": side,
                    "force_id": int(fid), "country": int(country)})
    return out


def run_pdus(run_dir: str | Path) -> list[TimedPdu]:
    """Every PDU of a run folder in time order (Entity State per mover and output instant first,
    then that instant's Fire/Detonation PDUs).

    Fire: ``interceptor_launch`` events (shooter from the event detail or the interceptor's parent).
    Detonation: ``intercept`` (proximate detonation on a hit, plain detonation on a miss; same event
    number as the interceptor's Fire) and ``impact`` (entity impact on an asset, ground impact else).
    Entity identifiers come from the run's movers table (:class:`~amdsim.review.dis.pdu.EntityIds`),
    so no mover id is ever truncated to 16 bits; markings, force ids and countries from
    :func:`run_entities`.
    """

    run_dir = Path(run_dir)
    movers = load_table(run_dir, "movers")
    states = load_table(run_dir, "states")
    events = load_table(run_dir, "events")
    names = dict(zip(movers["mover_id"].tolist(), movers["name"], strict=False))
    entity = {e["mover_id"]: e for e in run_entities(run_dir, movers)}
    country = {m: e["country"] for m, e in entity.items()}
    parent = dict(zip(movers["mover_id"].tolist(), movers["parent_id"].tolist(), strict=False))
    mkind = dict(zip(movers["mover_id"].tolist(), movers["kind"], strict=False))
    by_name = {v: k for k, v in names.items()}
    ids_table = EntityIds(movers["mover_id"])

    out: list[TimedPdu] = []
    t = np.asarray(states["time_s"], float)
    ids = np.asarray(states["mover_id"], np.int64)
    pos = np.stack([np.asarray(states[c], float) for c in ("x_m", "y_m", "z_m")], -1)
    vel = np.stack([np.asarray(states[c], float) for c in ("vx_mps", "vy_mps", "vz_mps")], -1)
    alive = np.asarray(states["alive"], bool) if "alive" in states else np.ones(len(t), bool)
    kinds = list(states["kind"])
    # acceleration: finite difference of each mover's consecutive velocities (rows sorted by id, time)
    order = np.lexsort((t, ids))
    acc = np.zeros_like(vel)
    if len(order) > 1:
        same = ids[order][1:] == ids[order][:-1]
        dt = np.diff(t[order])
        ok = same & (dt > 0)
        dv = np.diff(vel[order], axis=0)
        a = np.zeros_like(dv)
        a[ok] = dv[ok] / dt[ok, None]
        acc[order[1:]] = a
    orient = orientation_from_velocity(pos, vel) if len(t) else np.zeros((0, 3))
    for i in np.lexsort((ids, t)):
        e = entity[int(ids[i])]
        out.append(TimedPdu(float(t[i]), encode_entity_state(
            t[i], e["mover_id"], e["force_id"], kinds[i], pos[i], vel[i], orient[i], acc[i],
            e["marking"], bool(alive[i]), ids=ids_table, country=e["country"])))

    ev_pdus: list[TimedPdu] = []
    evt = np.asarray(events["time_s"], float)
    ev_pos = event_positions(events)
    fire_number: dict[int, tuple[int, int]] = {}  # interceptor -> (event number, shooter)
    next_number = 1
    for j in np.argsort(evt, kind="stable"):
        kind = events["kind"][j]
        actor, target = int(events["actor_id"][j]), int(events["target_id"][j])
        p = ev_pos[j]
        if not np.all(np.isfinite(p)):
            p = _last_position(actor, evt[j], t, ids, pos)
        if kind == "interceptor_launch":
            shooter = parent.get(actor, -1)
            if shooter < 0:
                shooter = _detail_shooter(events["detail"][j], by_name)
            fire_number[actor] = (next_number, shooter)
            v0 = _last_velocity(actor, evt[j], t, ids, vel)
            ev_pdus.append(TimedPdu(evt[j], encode_fire(evt[j], shooter, target, actor, next_number, p, v0,
                                                        ids=ids_table, country=country.get(actor, 0))))
            next_number += 1
        elif kind == "intercept":
            number, shooter = fire_number.get(actor, (next_number, parent.get(actor, -1)))
            if actor not in fire_number:
                next_number += 1
            hit = "hit" in str(events["detail"][j]) or "kill" in str(events["detail"][j])
            ev_pdus.append(TimedPdu(evt[j], encode_detonation(
                evt[j], shooter, target, actor, number, p, _last_velocity(actor, evt[j], t, ids, vel),
                DETONATION_ENTITY_PROXIMATE if hit else DETONATION_DETONATION, ids=ids_table,
                country=country.get(actor, 0))))
        elif kind == "impact":
            ev_pdus.append(TimedPdu(evt[j], encode_detonation(
                evt[j], parent.get(actor, -1), target, actor, next_number, p,
                _last_velocity(actor, evt[j], t, ids, vel),
                DETONATION_ENTITY_IMPACT if target >= 0 else DETONATION_GROUND_IMPACT,
                munition_kind=mkind.get(actor, "ballistic_missile"), ids=ids_table, country=country.get(actor, 0))))
            next_number += 1
    merged = out + ev_pdus
    merged.sort(key=lambda p: p.time_s)  # stable: entity states before events of the same instant
    return merged


def _detail_shooter(detail, by_name: dict) -> int:
    """Shooter mover id from an ``interceptor_launch`` detail ("shooter=NAME" or JSON)."""
    text = str(detail)
    try:
        d = json.loads(text)
        if isinstance(d, dict):
            text = f"shooter={d.get('shooter', '')}"
    except ValueError:
        pass
    for part in text.split():
        if part.startswith("shooter="):
            return int(by_name.get(part.split("=", 1)[1], -1))
    return -1


def _last_row(mover: int, time_s: float, t: np.ndarray, ids: np.ndarray) -> int:
    rows = np.flatnonzero((ids == mover) & (t <= time_s + 1e-9))
    if rows.size == 0:
        rows = np.flatnonzero(ids == mover)
        return int(rows[0]) if rows.size else -1
    return int(rows[np.argmax(t[rows])])


def _last_position(mover, time_s, t, ids, pos):
    r = _last_row(mover, time_s, t, ids)
    return pos[r] if r >= 0 else np.zeros(3)


def _last_velocity(mover, time_s, t, ids, vel):
    r = _last_row(mover, time_s, t, ids)
    return vel[r] if r >= 0 else np.zeros(3)


#: Default ceiling of the send rate (PDUs per second): what a listener on loopback keeps up with. Measured
#: (docs/architecture.md, "DIS stream"): a Python listener on 127.0.0.1 that decodes each PDU (default
#: receive buffer) lost 42-66 % of the demo's 9,411 PDUs sent unpaced, 22 % at 50,000 PDU/s, 0-0.1 % at
#: 20,000 PDU/s and none at 10,000 PDU/s or below, on a shared two-core machine; 2,000 PDU/s keeps a tenfold margin for slower
#: receivers and sends the demo in about 5 s.
DEFAULT_RATE_PDU_S = 2000.0
#: Sleeps shorter than this are skipped (the pacing sends small bursts instead), seconds.
_MIN_SLEEP_S = 0.002


def stream_run(run_dir: str | Path, address: tuple[str, int] = ("127.0.0.1", 3000), realtime: bool = False,
               speed: float = 1.0, pcap_path: str | Path | None = None,
               rate_pdu_s: float = DEFAULT_RATE_PDU_S) -> int:
    """Send a run folder's PDUs over UDP to ``address``; return the number of PDUs sent.

    Writes the entity-name mapping ``dis_entities.json`` into the run folder first
    (:mod:`amdsim.review.dis.naming`).

    Parameters
    ----------
    run_dir : path
        A run folder (see docs/architecture.md).
    address : (host, port)
        UDP destination (unicast or broadcast).
    realtime : bool
        Pace the sends to the wall clock (simulation seconds / ``speed``); otherwise as fast as
        possible.
    speed : float
        Playback speed factor when ``realtime`` (2 = twice real time).
    pcap_path : path, optional
        Also write the PDUs to this pcap file.
    rate_pdu_s : float
        At most this many PDUs per second (default :data:`DEFAULT_RATE_PDU_S`, which a listener on
        loopback receives without loss): consecutive PDUs at least 1/rate apart (small bursts within
        2 ms), also within one output instant of a ``realtime`` stream; 0 sends as fast as the socket
        takes them (and, with ``realtime``, each instant's PDUs at once).
    """

    if speed <= 0:
        raise InputError(f"speed must be positive, got {speed}", file="--speed")
    if not rate_pdu_s >= 0:
        raise InputError(f"the PDU rate must be 0 (unpaced) or positive, got {rate_pdu_s}", file="--dis-rate")
    pdus = run_pdus(run_dir)
    write_entity_table(run_dir, entity_table(run_entities(run_dir), address))
    if pcap_path is not None:
        pcap_write(pcap_path, pdus, address)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    try:
        t0_wall = time.monotonic()
        t0_sim = pdus[0].time_s if pdus else 0.0
        gap = 1.0 / rate_pdu_s if rate_pdu_s > 0 else 0.0
        next_free = 0.0        # the earliest the next PDU may go (s from the start): PDUs at least `gap` apart
        for p in pdus:
            due = max((p.time_s - t0_sim) / speed if realtime else 0.0, next_free)
            wait = due - (time.monotonic() - t0_wall)
            if wait > _MIN_SLEEP_S or (realtime and wait > 0):
                time.sleep(wait)
            sock.sendto(p.data, address)
            next_free = due + gap
    finally:
        sock.close()
    return len(pdus)
