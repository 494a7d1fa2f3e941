"""DIS (IEEE 1278.1-2012, protocol version 7) Entity State, Fire and Detonation PDUs.

Encoded here with :mod:`struct` (big-endian, the standard's network byte order) following the
standard's field layout, so no ``opendis`` dependency (it pins numpy < 2). Sizes without variable
parameters: Entity State 144 bytes, Fire 96 bytes, Detonation 104 bytes (IEEE 1278.1-2012, 7.2.2,
7.3.2, 7.3.3).

Conventions used for amdsim runs (all notional):

* entity id = (site 1, application 1, entity mover_id + 1); entity 0 is "no entity" in DIS.
* force id 1 friendly (side blue), 2 opposing (side red), 3 neutral.
* entity type: kind 2 (munition) for missiles and interceptors, 1 (platform) otherwise; domain
  2 air, 1 land, 3 surface; country 0 ("other"); category/subcategory from the mover kind.
* orientation (psi, theta, phi): Tait-Bryan z-y-x angles of the body frame relative to ECEF, body x
  along the velocity (heading and pitch from the velocity in the local NED frame, roll 0).
* dead reckoning algorithm 2 (DRM_FPW) with the linear acceleration (finite difference of the
  output velocities, ECEF, m/s^2) filled in.
* timestamp: relative, 2^31 units per hour, low bit 0 (1278.1-2012, 6.2.88).
"""

from __future__ import annotations

import json
import socket
import struct
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROTOCOL_VERSION = 7
EXERCISE_ID = 1
SITE_ID = 1
APPLICATION_ID = 1

PDU_ENTITY_STATE = 1
PDU_FIRE = 2
PDU_DETONATION = 3
FAMILY_ENTITY_INFORMATION = 1
FAMILY_WARFARE = 2

DRM_FPW = 2

# Detonation results (SISO-REF-010 enumerations)
DETONATION_ENTITY_IMPACT = 1
DETONATION_ENTITY_PROXIMATE = 2
DETONATION_GROUND_IMPACT = 3
DETONATION_DETONATION = 5

_HEADER = struct.Struct(">BBBBIHBB")  # 12 bytes
_ENTITY_ID = struct.Struct(">HHH")
_ENTITY_TYPE = struct.Struct(">BBHBBBB")
# header, entity id, force, n var params, type, alt type, velocity, location, orientation,
# appearance, DR algorithm, DR other params (15), DR linear accel, DR angular vel, marking charset,
# marking (11), capabilities
_ENTITY_STATE = struct.Struct(">12s6sBB8s8s3f3d3fIB15s3f3fB11sI")
_FIRE = struct.Struct(">12s6s6s6s6sI3d8sHHHH3ff")
_DETONATION = struct.Struct(">12s6s6s6s6s3f3d8sHHHH3fBBH")

# kind -> (entity kind, domain, category, subcategory); notional
_ENTITY_TYPES = {
    "ballistic_missile": (2, 2, 1, 1),
    "cruise_missile": (2, 2, 1, 2),
    "interceptor": (2, 2, 2, 1),
    "aircraft": (1, 2, 1, 1),
    "fighter": (1, 2, 1, 1),
    "aew": (1, 2, 9, 1),
    "ship": (1, 3, 1, 1),
    "battery": (1, 1, 28, 1),
    "radar_site": (1, 1, 40, 1),
    "launch_site": (1, 1, 29, 1),
    "asset": (1, 1, 50, 1),
}
_DEFAULT_TYPE = (1, 1, 0, 0)

WGS84_A = 6378137.0
WGS84_F = 1.0 / 298.257223563
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)


def geodetic2ecef(lat_deg, lon_deg, alt_m):
    """WGS84 geodetic to ECEF.

    Parameters
    ----------
    lat_deg, lon_deg, alt_m : array_like, shape (N,)
        Latitude and longitude in degrees, height above the ellipsoid in metres.

    Returns
    -------
    ndarray, shape (N, 3)
        ECEF position in metres.
    """
    lat = np.radians(np.asarray(lat_deg, float))
    lon = np.radians(np.asarray(lon_deg, float))
    h = np.asarray(alt_m, float)
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * np.sin(lat) ** 2)
    return np.stack([(n + h) * np.cos(lat) * np.cos(lon), (n + h) * np.cos(lat) * np.sin(lon),
                     (n * (1.0 - WGS84_E2) + h) * np.sin(lat)], axis=-1)


def ecef2geodetic_latlon(pos_ecef):
    """Geodetic latitude and longitude (rad) of ECEF points, shape (N, 3) -> two arrays (N,).

    Bowring's single iteration, better than 1e-9 rad near the surface (Bowring 1976)."""
    p = np.asarray(pos_ecef, float)
    x, y, z = p[..., 0], p[..., 1], p[..., 2]
    b = WGS84_A * (1.0 - WGS84_F)
    ep2 = (WGS84_A ** 2 - b ** 2) / b ** 2
    r = np.hypot(x, y)
    u = np.arctan2(z * WGS84_A, r * b)
    lat = np.arctan2(z + ep2 * b * np.sin(u) ** 3, r - WGS84_E2 * WGS84_A * np.cos(u) ** 3)
    return lat, np.arctan2(y, x)


def orientation_from_velocity(pos_ecef, vel_ecef):
    """DIS Euler angles (psi, theta, phi) in radians, body x along the velocity, zero roll.

    Parameters
    ----------
    pos_ecef, vel_ecef : ndarray, shape (N, 3)
        ECEF position (m) and velocity (m/s).

    Returns
    -------
    ndarray, shape (N, 3)
        psi, theta, phi (rad) relative to the ECEF axes. Stationary movers face north, level.
    """
    pos = np.atleast_2d(np.asarray(pos_ecef, float))
    vel = np.atleast_2d(np.asarray(vel_ecef, float))
    lat, lon = ecef2geodetic_latlon(pos)
    sl, cl, so, co = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
    # rows of the ECEF -> NED rotation
    north = np.stack([-sl * co, -sl * so, cl], -1)
    east = np.stack([-so, co, np.zeros_like(so)], -1)
    down = np.stack([-cl * co, -cl * so, -sl], -1)
    vn, ve, vd = (np.einsum("ij,ij->i", vel, a) for a in (north, east, down))
    heading = np.arctan2(ve, vn)
    pitch = np.arctan2(-vd, np.hypot(vn, ve))
    ch, sh, cp, sp = np.cos(heading), np.sin(heading), np.cos(pitch), np.sin(pitch)
    # body axes expressed in ECEF (roll 0): x forward, y right, z down
    bx = (cp * ch)[:, None] * north + (cp * sh)[:, None] * east - sp[:, None] * down
    by = -sh[:, None] * north + ch[:, None] * east
    bz = (sp * ch)[:, None] * north + (sp * sh)[:, None] * east + cp[:, None] * down
    psi = np.arctan2(bx[:, 1], bx[:, 0])
    theta = -np.arcsin(np.clip(bx[:, 2], -1.0, 1.0))
    phi = np.arctan2(by[:, 2], bz[:, 2])
    return np.stack([psi, theta, phi], -1)


def dis_timestamp(time_s: float) -> int:
    """Relative DIS timestamp: time past the hour in units of 3600/2^31 s, shifted left, low bit 0."""
    frac = (float(time_s) % 3600.0) / 3600.0
    return (min(int(frac * 2 ** 31), 2 ** 31 - 1) << 1) & 0xFFFFFFFE


def dis_timestamp_seconds(stamp: int) -> float:
    """Seconds past the hour of a relative DIS timestamp (inverse of :func:`dis_timestamp`)."""
    return (stamp >> 1) * 3600.0 / 2 ** 31


def _header(pdu_type: int, family: int, time_s: float, length: int) -> bytes:
    return _HEADER.pack(PROTOCOL_VERSION, EXERCISE_ID, pdu_type, family, dis_timestamp(time_s), length, 0, 0)


def _entity_id(entity: int) -> bytes:
    return _ENTITY_ID.pack(SITE_ID, APPLICATION_ID, entity & 0xFFFF)


def entity_number(mover_id: int) -> int:
    """DIS entity number of a mover (mover_id + 1; 0 for none, i.e. mover_id -1)."""
    return 0 if mover_id < 0 else int(mover_id) + 1


def entity_type_record(kind: str) -> bytes:
    """8-byte entity type record (kind, domain, country 0, category, subcategory, 0, 0)."""
    k, d, cat, sub = _ENTITY_TYPES.get(kind, _DEFAULT_TYPE)
    return _ENTITY_TYPE.pack(k, d, 0, cat, sub, 0, 0)


def force_id(side: str) -> int:
    """DIS force id: 1 friendly (blue), 2 opposing (red), 3 neutral."""
    return {"blue": 1, "red": 2}.get(str(side).lower(), 3)


def encode_entity_state(time_s: float, mover_id: int, force: int, kind: str, pos_ecef, vel_ecef,
                        orientation, accel_ecef=(0.0, 0.0, 0.0), marking: str = "",
                        alive: bool = True) -> bytes:
    """One Entity State PDU (144 bytes).

    Parameters
    ----------
    time_s : float
        Simulation time (s).
    mover_id : int
        amdsim mover id (entity number mover_id + 1).
    force : int
        DIS force id.
    kind : str
        amdsim mover kind (chooses the entity type record).
    pos_ecef : sequence of 3 float
        ECEF location (m), sent as float64.
    vel_ecef, accel_ecef : sequence of 3 float
        ECEF velocity (m/s) and acceleration (m/s^2), sent as float32.
    orientation : sequence of 3 float
        psi, theta, phi (rad).
    marking : str
        Up to 11 ASCII characters.
    alive : bool
        False sets the appearance damage bits to "destroyed" (bits 3-4 = 3).
    """
    etype = entity_type_record(kind)
    appearance = 0 if alive else (3 << 3)
    mark = marking.encode("ascii", "replace")[:11].ljust(11, b"\0")
    body = _ENTITY_STATE.pack(
        _header(PDU_ENTITY_STATE, FAMILY_ENTITY_INFORMATION, time_s, _ENTITY_STATE.size),
        _entity_id(entity_number(mover_id)), force, 0, etype, etype,
        *map(float, vel_ecef), *map(float, pos_ecef), *map(float, orientation), appearance,
        DRM_FPW, b"\0" * 15, *map(float, accel_ecef), 0.0, 0.0, 0.0, 1, mark, 0)
    return body


def encode_fire(time_s: float, shooter_id: int, target_id: int, munition_id: int, event_number: int,
                pos_ecef, vel_ecef, munition_kind: str = "interceptor", range_m: float = 0.0) -> bytes:
    """One Fire PDU (96 bytes): shooter fires munition (an interceptor mover) at target.

    ``pos_ecef`` is the launch point (m, float64), ``vel_ecef`` the munition's initial velocity (m/s).
    """
    return _FIRE.pack(
        _header(PDU_FIRE, FAMILY_WARFARE, time_s, _FIRE.size),
        _entity_id(entity_number(shooter_id)), _entity_id(entity_number(target_id)),
        _entity_id(entity_number(munition_id)), _ENTITY_ID.pack(SITE_ID, APPLICATION_ID, event_number & 0xFFFF),
        0, *map(float, pos_ecef), entity_type_record(munition_kind), 1000, 1000, 1, 0,
        *map(float, vel_ecef), float(range_m))


def encode_detonation(time_s: float, shooter_id: int, target_id: int, munition_id: int, event_number: int,
                      pos_ecef, vel_ecef=(0.0, 0.0, 0.0), result: int = DETONATION_DETONATION,
                      munition_kind: str = "interceptor") -> bytes:
    """One Detonation PDU (104 bytes, no variable parameters) at ``pos_ecef`` (m, float64)."""
    return _DETONATION.pack(
        _header(PDU_DETONATION, FAMILY_WARFARE, time_s, _DETONATION.size),
        _entity_id(entity_number(shooter_id)), _entity_id(entity_number(target_id)),
        _entity_id(entity_number(munition_id)), _ENTITY_ID.pack(SITE_ID, APPLICATION_ID, event_number & 0xFFFF),
        *map(float, vel_ecef), *map(float, pos_ecef), entity_type_record(munition_kind), 1000, 1000, 1, 0,
        0.0, 0.0, 0.0, result, 0, 0)


def decode_header(pdu: bytes) -> dict:
    """PDU header fields (for tests and tools)."""
    v, ex, typ, fam, ts, length, status, _ = _HEADER.unpack_from(pdu)
    return {"version": v, "exercise": ex, "pdu_type": typ, "family": fam, "timestamp": ts,
            "length": length, "status": status}


@dataclass(frozen=True)
class TimedPdu:
    """A PDU and the simulation time (s) it belongs to."""

    time_s: float
    data: bytes


def run_pdus(run_dir: str | Path) -> list[TimedPdu]:
    """Every PDU of a run folder in time order (Entity State per mover and output instant first,
    then that instant's Fire/Detonation PDUs).

    Fire: ``interceptor_launch`` events (shooter from the event detail or the interceptor's parent).
    Detonation: ``intercept`` (proximate detonation on a hit, plain detonation on a miss; same event
    number as the interceptor's Fire) and ``impact`` (entity impact on an asset, ground impact else).
    """
    from amdsim.review.data import load_table

    run_dir = Path(run_dir)
    movers = load_table(run_dir, "movers")
    states = load_table(run_dir, "states")
    events = load_table(run_dir, "events")
    side = dict(zip(movers["mover_id"].tolist(), movers["side"], strict=False))
    names = dict(zip(movers["mover_id"].tolist(), movers["name"], strict=False))
    parent = dict(zip(movers["mover_id"].tolist(), movers["parent_id"].tolist(), strict=False))
    mkind = dict(zip(movers["mover_id"].tolist(), movers["kind"], strict=False))
    by_name = {v: k for k, v in names.items()}

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
        mid = int(ids[i])
        out.append(TimedPdu(float(t[i]), encode_entity_state(
            t[i], mid, force_id(side.get(mid, "")), kinds[i], pos[i], vel[i], orient[i], acc[i],
            names.get(mid, str(mid)), bool(alive[i]))))

    ev_pdus: list[TimedPdu] = []
    evt = np.asarray(events["time_s"], float)
    ev_pos = geodetic2ecef(events["lat_deg"], events["lon_deg"], events["alt_m"]) if len(evt) else np.zeros((0, 3))
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
            ev_pdus.append(TimedPdu(evt[j], encode_fire(evt[j], shooter, target, actor, next_number, p, v0)))
            next_number += 1
        elif kind == "intercept":
            number, shooter = fire_number.get(actor, (next_number, parent.get(actor, -1)))
            if actor not in fire_number:
                next_number += 1
            hit = "hit" in str(events["detail"][j]) or "kill" in str(events["detail"][j])
            ev_pdus.append(TimedPdu(evt[j], encode_detonation(
                evt[j], shooter, target, actor, number, p, _last_velocity(actor, evt[j], t, ids, vel),
                DETONATION_ENTITY_PROXIMATE if hit else DETONATION_DETONATION)))
        elif kind == "impact":
            ev_pdus.append(TimedPdu(evt[j], encode_detonation(
                evt[j], parent.get(actor, -1), target, actor, next_number, p,
                _last_velocity(actor, evt[j], t, ids, vel),
                DETONATION_ENTITY_IMPACT if target >= 0 else DETONATION_GROUND_IMPACT,
                munition_kind=mkind.get(actor, "ballistic_missile"))))
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


def pcap_write(path: str | Path, pdus: list[TimedPdu], address: tuple[str, int] = ("127.0.0.1", 3000),
               source_port: int = 3000) -> Path:
    """Write PDUs as a classic pcap (Ethernet/IPv4/UDP) file; packet times = simulation times."""
    path = Path(path)
    dst = socket.inet_aton(socket.gethostbyname(address[0]))
    src = socket.inet_aton("127.0.0.1")
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for k, p in enumerate(pdus):
            udp = struct.pack(">HHHH", source_port, address[1], 8 + len(p.data), 0) + p.data
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), k & 0xFFFF, 0x4000, 64, 17, 0, src, dst)
            ip = ip[:10] + struct.pack(">H", _ip_checksum(ip)) + ip[12:]
            frame = b"\0" * 6 + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip + udp
            sec = int(p.time_s)
            f.write(struct.pack("<IIII", sec, round((p.time_s - sec) * 1e6) % 1000000, len(frame), len(frame)))
            f.write(frame)
    return path


def _ip_checksum(header: bytes) -> int:
    s = sum(struct.unpack(">10H", header))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def stream_run(run_dir: str | Path, address: tuple[str, int] = ("127.0.0.1", 3000), realtime: bool = False,
               speed: float = 1.0, pcap_path: str | Path | None = None) -> int:
    """Send a run folder's PDUs over UDP to ``address``; return the number of PDUs sent.

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
    """
    from amdsim.core.errors import InputError

    if speed <= 0:
        raise InputError(f"speed must be positive, got {speed}", file="--speed")
    pdus = run_pdus(run_dir)
    if pcap_path is not None:
        pcap_write(pcap_path, pdus, address)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    try:
        t0_wall = time.monotonic()
        t0_sim = pdus[0].time_s if pdus else 0.0
        for p in pdus:
            if realtime:
                wait = (p.time_s - t0_sim) / speed - (time.monotonic() - t0_wall)
                if wait > 0:
                    time.sleep(wait)
            sock.sendto(p.data, address)
    finally:
        sock.close()
    return len(pdus)
