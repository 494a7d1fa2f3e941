"""DIS PDU encoding: Entity State, Fire and Detonation PDUs (IEEE 1278.1-2012, protocol version 7).

Role: turn one entity or event into the bytes of one PDU. Encoded here with :mod:`struct`
(big-endian, the standard's network byte order) following the standard's field layout, so no
``opendis`` dependency (it pins numpy < 2). Implements, of IEEE 1278.1-2012:

* 6.2.66 PDU Header record and 6.2.88 Timestamp (relative, 2^31 units per hour, low bit 0);
* 6.2.28 Entity Identifier, 6.2.29 Entity Marking, 6.2.30 Entity Type and 6.2.33 Euler Angles
  records;
* 7.2.2 Entity State PDU (144 bytes without variable parameters), with its dead reckoning
  parameters field;
* 7.3.2 Fire PDU (96 bytes) and 7.3.3 Detonation PDU (104 bytes without variable parameters),
  with the 6.2.19 Descriptor (munition) record.

Conventions used for amdsim runs (all notional):

* entity id: the 6.2.28 Entity Identifier is three 16-bit numbers (site, application, entity), and
  entity numbers 0 (NO_ENTITY), 65534 (RQST_ASSIGN_ID) and 65535 (ALL_ENTITIES) name no entity, so
  an amdsim mover id (any size) is never truncated to 16 bits: :class:`EntityIds` maps the run's
  movers through a table, the i-th mover id of the run to (site 1, application 1 + i // 65533,
  entity i % 65533 + 1). Mover ids are rows 0..N-1, so a run of up to 65533 movers gets
  (1, 1, mover_id + 1); none (mover id -1) is (1, 1, 0). Event numbers (6.2.34) count 1..65535
  and then start again at 1, as the standard lets exhausted numbers be reused.
* force id and country code per force (nation) of the scenario (:mod:`amdsim.review.dis.naming`:
  Friendly n / Opposing n for the n-th nation of a side, or the force's ``dis:`` fields); without a
  table, :func:`force_id` of the side (1 friendly, 2 opposing, 3 neutral) and country 0 ("Other").
* entity type: kind 2 (munition) for missiles and interceptors, 1 (platform) otherwise; domain
  2 air, 1 land, 3 surface; the force's country; category/subcategory from the mover kind
  (SISO-REF-010 enumerations are only followed for kind, domain, force and country).
* marking: a unique form of the mover's name in 11 ASCII characters (:func:`~amdsim.review.dis.naming.entity_markings`).
* orientation (psi, theta, phi): Tait-Bryan z-y-x angles of the body frame relative to ECEF, body x
  along the velocity (heading and pitch from the velocity in the local NED frame, roll 0).
* dead reckoning algorithm 2 (DRM_FPW) with the linear acceleration (finite difference of the
  output velocities, ECEF, m/s^2) filled in.

Geodesy (the local frame of :func:`orientation_from_velocity`) comes from
:mod:`amdsim.core.geodesy`, the project's single WGS84 implementation.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from amdsim.core.geodesy import ecef2geodetic

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

#: Largest entity number an application may give an entity (6.2.28: 0 NO_ENTITY, 65534
#: RQST_ASSIGN_ID, 65535 ALL_ENTITIES are reserved); the same bound for application numbers.
MAX_ENTITY_NUMBER = 65533
#: Entity identifier of "no entity" (a mover id of -1: no target, no shooter).
NO_ENTITY = (SITE_ID, APPLICATION_ID, 0)

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
ENTITY_TYPES = {
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
DEFAULT_ENTITY_TYPE = (1, 1, 0, 0)


@dataclass(frozen=True)
class TimedPdu:
    """A PDU and the simulation time (s) it belongs to."""

    time_s: float
    data: bytes


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
    lat, lon, _alt = ecef2geodetic(pos)
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


EntityId = tuple[int, int, int]


class EntityIds:
    """The DIS entity identifier (site, application, entity) of each mover of a run: a table.

    ``mover_ids`` are the run's mover ids (the movers table's ``mover_id`` column, any order); the
    i-th smallest gets (``SITE_ID``, ``APPLICATION_ID`` + i // 65533, i % 65533 + 1), so ids stay
    unique and valid (6.2.28) however many movers a run has. A mover id not in the table is an error,
    never a wrapped number.
    """

    def __init__(self, mover_ids) -> None:
        self.ids = np.unique(np.asarray(mover_ids, np.int64))
        if self.ids.size and self.ids.size > MAX_ENTITY_NUMBER * (MAX_ENTITY_NUMBER - APPLICATION_ID + 1):
            raise ValueError(f"{self.ids.size} movers: more than DIS entity identifiers of one site can number")

    def __call__(self, mover_id: int) -> EntityId:
        m = int(mover_id)
        if m < 0:
            return NO_ENTITY
        i = int(np.searchsorted(self.ids, m))
        if i >= self.ids.size or int(self.ids[i]) != m:
            raise KeyError(f"mover {m} is not in the run's movers table")
        return SITE_ID, APPLICATION_ID + i // MAX_ENTITY_NUMBER, i % MAX_ENTITY_NUMBER + 1


def _entity_id(entity: EntityId) -> bytes:
    site, application, number = entity
    return _ENTITY_ID.pack(site, application, number)


def _resolve(mover_id: int, ids: EntityIds | None) -> EntityId:
    """A mover's entity identifier: through the run's table, or (no table) (1, 1, mover_id + 1)."""
    if ids is not None:
        return ids(mover_id)
    return SITE_ID, APPLICATION_ID, entity_number(mover_id)


def entity_number(mover_id: int) -> int:
    """DIS entity number of a mover without a table: mover_id + 1 (0 for none, i.e. mover_id -1).

    Raises ValueError beyond 65533 (a run that large is numbered through :class:`EntityIds`).
    """
    if mover_id < 0:
        return 0
    if mover_id >= MAX_ENTITY_NUMBER:
        raise ValueError(f"mover {mover_id}: entity numbers stop at {MAX_ENTITY_NUMBER}; number the run's movers "
                         "through an EntityIds table")
    return int(mover_id) + 1


def event_number(serial: int) -> int:
    """The 16-bit event number (6.2.34) of the ``serial``-th event (1, 2, ...): 1..65535, then 1 again."""
    return (int(serial) - 1) % 0xFFFF + 1


def entity_type_record(kind: str, country: int = 0) -> bytes:
    """8-byte entity type record (kind, domain, country, category, subcategory, 0, 0); ``country`` a
    SISO-REF-010 country code (0 "Other")."""
    k, d, cat, sub = ENTITY_TYPES.get(kind, DEFAULT_ENTITY_TYPE)
    return _ENTITY_TYPE.pack(k, d, int(country), cat, sub, 0, 0)


def force_id(side: str) -> int:
    """DIS force id: 1 friendly (blue), 2 opposing (red), 3 neutral."""
    return {"blue": 1, "red": 2}.get(str(side).lower(), 3)


def encode_entity_state(time_s: float, mover_id: int, force: int, kind: str, pos_ecef, vel_ecef,
                        orientation, accel_ecef=(0.0, 0.0, 0.0), marking: str = "",
                        alive: bool = True, ids: EntityIds | None = None, country: int = 0) -> bytes:
    """One Entity State PDU (144 bytes, IEEE 1278.1-2012 7.2.2).

    Parameters
    ----------
    time_s : float
        Simulation time (s).
    mover_id : int
        amdsim mover id: its entity identifier from ``ids`` (the run's table), else (1, 1, mover_id + 1).
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
    ids : EntityIds, optional
        The run's mover -> entity identifier table.
    country : int
        SISO-REF-010 country code of the entity type record (0 "Other").
    """
    etype = entity_type_record(kind, country)
    appearance = 0 if alive else (3 << 3)
    mark = marking.encode("ascii", "replace")[:11].ljust(11, b"\0")
    return _ENTITY_STATE.pack(
        _header(PDU_ENTITY_STATE, FAMILY_ENTITY_INFORMATION, time_s, _ENTITY_STATE.size),
        _entity_id(_resolve(mover_id, ids)), force, 0, etype, etype,
        *map(float, vel_ecef), *map(float, pos_ecef), *map(float, orientation), appearance,
        DRM_FPW, b"\0" * 15, *map(float, accel_ecef), 0.0, 0.0, 0.0, 1, mark, 0)


def encode_fire(time_s: float, shooter_id: int, target_id: int, munition_id: int, event_serial: int,
                pos_ecef, vel_ecef, munition_kind: str = "interceptor", range_m: float = 0.0,
                ids: EntityIds | None = None, country: int = 0) -> bytes:
    """One Fire PDU (96 bytes, IEEE 1278.1-2012 7.3.2): shooter fires munition (an interceptor
    mover) at target.

    ``pos_ecef`` is the launch point (m, float64), ``vel_ecef`` the munition's initial velocity (m/s);
    ``event_serial`` counts the run's events from 1 (sent as :func:`event_number`); ``ids`` as for
    :func:`encode_entity_state`; ``country`` the munition's (its shooter's force's).
    """
    return _FIRE.pack(
        _header(PDU_FIRE, FAMILY_WARFARE, time_s, _FIRE.size),
        _entity_id(_resolve(shooter_id, ids)), _entity_id(_resolve(target_id, ids)),
        _entity_id(_resolve(munition_id, ids)), _ENTITY_ID.pack(SITE_ID, APPLICATION_ID, event_number(event_serial)),
        0, *map(float, pos_ecef), entity_type_record(munition_kind, country), 1000, 1000, 1, 0,
        *map(float, vel_ecef), float(range_m))


def encode_detonation(time_s: float, shooter_id: int, target_id: int, munition_id: int, event_serial: int,
                      pos_ecef, vel_ecef=(0.0, 0.0, 0.0), result: int = DETONATION_DETONATION,
                      munition_kind: str = "interceptor", ids: EntityIds | None = None, country: int = 0) -> bytes:
    """One Detonation PDU (104 bytes, no variable parameters, IEEE 1278.1-2012 7.3.3) at
    ``pos_ecef`` (m, float64); ``event_serial``, ``ids`` and ``country`` as for :func:`encode_fire`."""
    return _DETONATION.pack(
        _header(PDU_DETONATION, FAMILY_WARFARE, time_s, _DETONATION.size),
        _entity_id(_resolve(shooter_id, ids)), _entity_id(_resolve(target_id, ids)),
        _entity_id(_resolve(munition_id, ids)), _ENTITY_ID.pack(SITE_ID, APPLICATION_ID, event_number(event_serial)),
        *map(float, vel_ecef), *map(float, pos_ecef), entity_type_record(munition_kind, country), 1000, 1000, 1, 0,
        0.0, 0.0, 0.0, result, 0, 0)


def decode_header(pdu: bytes) -> dict:
    """PDU header fields (IEEE 1278.1-2012 6.2.66; for tests and tools)."""
    v, ex, typ, fam, ts, length, status, _ = _HEADER.unpack_from(pdu)
    return {"version": v, "exercise": ex, "pdu_type": typ, "family": fam, "timestamp": ts,
            "length": length, "status": status}
