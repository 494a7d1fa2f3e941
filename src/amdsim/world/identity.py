"""Combat identification's codes and the compiled airspace tables of a contested sky (issue 20).

A track's *identity* is what the force believes (``Picture.identity``, decided by ``c2/identify.py``);
a mover's *allegiance* is the truth (``MoverTable.allegiance``), for scoring only.

Identities (STANAG 1241 / MIL-STD-2525 standard identities, the exercise set):

===============  =====================================================================
PENDING          not yet evaluated: too few interrogations, no other evidence
UNKNOWN          evaluated, nothing decides it (silent to IFF, no origin, no profile)
ASSUMED_FRIEND   a friendly point of origin or adherence to a return corridor
FRIEND           a valid IFF reply, or a friend on the network's word
NEUTRAL          adherence to a civil air route, or a civil squawk (mode 3/C) with a civil profile
SUSPECT          silent to IFF with a point of origin outside friendly territory
HOSTILE          a hostile flight profile (missile speed, attack descent)
===============  =====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import numpy as np


class Identity(IntEnum):
    PENDING = 0
    UNKNOWN = 1
    ASSUMED_FRIEND = 2
    FRIEND = 3
    NEUTRAL = 4
    SUSPECT = 5
    HOSTILE = 6


IDENTITY_NAMES = {i.value: i.name.lower() for i in Identity}


class Allegiance(IntEnum):
    """True allegiance of a mover (``MoverTable.allegiance``)."""

    HOSTILE = 0
    FRIEND = 1
    NEUTRAL = 2


class Rule(IntEnum):
    """Which identification rule decided a track's identity (the evidence the records name)."""

    NONE = 0
    IFF_REPLY = 1
    NETWORK = 2          # the identity the network (the force's fused picture) gave the track
    HELD = 3             # kept from an earlier decision
    ORIGIN = 4
    RETURN_CORRIDOR = 5
    CIVIL_CORRIDOR = 6
    CIVIL_SQUAWK = 11    # answers the civil mode only, with a civil flight profile
    PROFILE_SPEED = 7
    PROFILE_DESCENT = 8
    SILENT_OUTSIDE = 9   # silent to IFF, first seen outside friendly territory
    SILENT = 10          # silent to IFF, nothing else


RULE_NAMES = {r.value: r.name.lower() for r in Rule}

#: Weapon control status: identities each allows to be engaged (JP 3-01: free: any target not
#: positively identified as friendly; tight: only targets positively identified as hostile; hold: none
#: but in self-defence, which the engine does not model).
WCS_FREE, WCS_TIGHT, WCS_HOLD = 0, 1, 2
WCS_NAMES = {WCS_FREE: "free", WCS_TIGHT: "tight", WCS_HOLD: "hold"}
ENGAGEABLE = {
    WCS_FREE: (Identity.UNKNOWN, Identity.SUSPECT, Identity.HOSTILE),
    WCS_TIGHT: (Identity.HOSTILE,),
    WCS_HOLD: (),
}


def engageable(identity: np.ndarray, wcs: np.ndarray) -> np.ndarray:
    """Broadcast bool: ``identity`` may be engaged at weapon control status ``wcs`` (``ENGAGEABLE``)."""
    table = np.zeros((3, len(Identity)), bool)
    for status, ids in ENGAGEABLE.items():
        table[status, list(ids)] = True
    out: np.ndarray = table[np.asarray(wcs), np.asarray(identity)]
    return out


@dataclass
class ContestedTable:
    """The compiled contested-sky part of a scenario, SI (angles rad, lengths m, times s)."""

    # IFF transponders (N rows, one per mover)
    has_iff: np.ndarray           # (N,) bool: answers the secure military mode (5)
    iff_reply_prob: np.ndarray    # (N,) probability per interrogation
    iff_fail_at: np.ndarray       # (N,) s, inf: no set failure
    iff_fail_prob: np.ndarray     # (N,) probability of a failure from the start, per replication
    # corridors (C rows); a flat polyline table
    corridor_name: list[str]
    corridor_civil: np.ndarray    # (C,) bool: civil air route (else a safe return corridor)
    corridor_offset: np.ndarray   # (C,) int32 first point in pt_lat / pt_lon
    corridor_count: np.ndarray    # (C,) int32 points
    corridor_half_width: np.ndarray  # (C,) m
    corridor_min_alt: np.ndarray  # (C,) m
    corridor_max_alt: np.ndarray  # (C,) m
    corridor_max_speed: np.ndarray  # (C,) m/s
    pt_lat: np.ndarray            # (P,) rad
    pt_lon: np.ndarray            # (P,) rad
    # identification (None: off)
    identification: dict[str, Any] | None   # Identification fields, SI; ``origin_lat``/``origin_lon`` rad arrays or None
    # outages (O rows)
    outage_force: np.ndarray      # (O,) int16 force, -1: a shooter outage
    outage_shooters: list[np.ndarray]  # per outage, (k,) int32 shooter rows cut off
    outage_start: np.ndarray      # (O,) s
    outage_end: np.ndarray        # (O,) s, inf: not in this run
    outage_prob: np.ndarray       # (O,)
    has_civil: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # (N,) answers mode 3/C
    # airspace control zones (Z rows; c2/airspace.py); the polygons in a flat table like the corridors'
    zone_name: list[str] = field(default_factory=list)
    zone_fighters: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))   # (Z,) fighters may engage inside
    zone_batteries: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # (Z,) batteries may engage inside
    zone_offset: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # (Z,) first vertex
    zone_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))   # (Z,) vertices
    zone_min_alt: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (Z,) m
    zone_max_alt: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (Z,) m
    zone_lat: np.ndarray = field(default_factory=lambda: np.zeros(0))      # (V,) rad
    zone_lon: np.ndarray = field(default_factory=lambda: np.zeros(0))      # (V,) rad
    zone_wcs_time: list[np.ndarray] = field(default_factory=list)  # per zone, (c,) s of each status, first 0
    zone_wcs: list[np.ndarray] = field(default_factory=list)       # per zone, (c,) int8 WCS_* from that time

    @property
    def active(self) -> bool:
        """Anything contested to run (identification, outages or a transponder failure)."""
        return self.identification is not None or self.outage_start.size > 0 or len(self.zone_name) > 0


@dataclass
class JammingTable:
    """The scenario's jammers (J rows) and the blue radars' electronic protection (S rows), SI."""

    host: np.ndarray          # (J,) int32 mover row carrying the jammer
    name: list[str]           # (J,) jammer names ("id.launch")
    standoff: np.ndarray      # (J,) bool
    power: np.ndarray         # (J,) W
    gain: np.ndarray          # (J,) linear
    bandwidth: np.ndarray     # (J,) Hz
    on: np.ndarray            # (J,) s
    radar_gain: np.ndarray    # (S,) linear, main lobe
    noise_figure_db: np.ndarray  # (S,)
    sidelobe: np.ndarray      # (S,) linear, relative to the main lobe
    half_beam: np.ndarray     # (S,) rad
    eccm_db: np.ndarray       # (S,)
    strobe_jn: np.ndarray     # (S,) linear


@dataclass
class RadarLoadTable:
    """The multifunction radars' time budgets (R rows; sensors/radar_load.py)."""

    sensor: np.ndarray        # (R,) int32 sensor row
    track_load: np.ndarray    # (R,) s of radar time per second per track (dwell x rate)
    uplink_load: np.ndarray   # (R,) s of radar time per second per interceptor in flight
    min_search: np.ndarray    # (R,) share of time kept for search


@dataclass
class Roe:
    """Per shooter (K rows) and track (M columns): the identity the shooter acts on (the network's,
    or its own when autonomous), the rule that gave it, whether it may engage the track at all (an
    autonomous shooter: only what its own radar holds), and its weapon control status."""

    identity: np.ndarray          # (K,M) int8 Identity
    rule: np.ndarray              # (K,M) int8 Rule
    held: np.ndarray              # (K,M) bool
    wcs: np.ndarray               # (K,M) int8 WCS_*: the stricter of the shooter's and the zone's
    autonomous: np.ndarray        # (K,) bool
    zone_ok: np.ndarray           # (K,M) bool: the airspace control order lets the shooter engage there

    def take(self, idx: Any) -> Roe:
        return Roe(self.identity[:, idx], self.rule[:, idx], self.held[:, idx], self.wcs[:, idx], self.autonomous,
                   self.zone_ok[:, idx])


@dataclass
class IdentityMemory:
    """What one deciding node (a force's network, or an autonomous shooter) decided about its tracks,
    keyed on track id (sorted): the identity, the rule that gave it, the point of origin's verdict."""

    track_id: np.ndarray          # (M,) int64, sorted
    identity: np.ndarray          # (M,) int8 Identity
    rule: np.ndarray              # (M,) int8 Rule
    friendly_origin: np.ndarray   # (M,) bool: first seen inside friendly territory

    @staticmethod
    def empty() -> IdentityMemory:
        return IdentityMemory(np.zeros(0, np.int64), np.zeros(0, np.int8), np.zeros(0, np.int8), np.zeros(0, bool))


@dataclass
class ContestedState:
    """A replication's contested-sky state: transponders, IFF evidence, outages, identities.

    ``last_reply[s, m]``: last time (s) mover m answered sensor s's interrogation (-inf: never);
    ``silent[s, m]``: interrogations by s that m left unanswered since its last reply.
    """

    table: ContestedTable
    iff_fail_at: np.ndarray       # (N,) s: the transponder's failure in this replication (inf: none)
    last_reply: np.ndarray        # (S,N) s
    silent: np.ndarray            # (S,N) int32
    outage_on: np.ndarray         # (O,) bool: the outage happens in this replication
    autonomous: np.ndarray        # (K,) bool: the shooter fights on its own radar and identification now
    link_cut: np.ndarray          # (F,) bool: the force's link is down now
    memory: dict[tuple[str, int], IdentityMemory]  # key ("force", f) or ("shooter", k) -> IdentityMemory
    last_civil: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (S,N) s: last mode 3/C reply
    log: list[tuple[float, int, int, int, int, int, int]] = field(default_factory=list)  # (t, force, shooter or -1, track id, truth, identity, rule)
    c2_log: list[tuple[float, str, int, int]] = field(default_factory=list)  # (t, what, force or -1, shooter or -1): outages, rejoins
    interrogations: int = 0
    replies: int = 0
    radar_load: list[tuple[float, int, float, float, float, float, int, int]] = field(default_factory=list)  # see radar_load.py
    saturation_drops: dict[int, int] = field(default_factory=dict)  # mover row -> detections dropped by a saturated radar
    jamming: dict[str, Any] = field(default_factory=lambda: {"strobes": 0, "fixes": [], "first_detection": {}})
    fratricides: list[dict[str, Any]] = field(default_factory=list)  # per friendly / neutral mover killed: a dict (records/fratricide.py)


def initial_contested(cs: Any, iff_rng: np.random.Generator, outage_rng: np.random.Generator) -> ContestedState | None:
    """The contested state at t = 0 (None when the scenario has nothing contested): each transponder's
    chance failure and each outage's occurrence drawn once, in row order, from their own streams."""
    tab: ContestedTable | None = cs.extras.get("contested")
    jam = cs.extras.get("jamming") is not None or cs.extras.get("radar_load") is not None
    if tab is None or not (tab.active or jam or (cs.movers.allegiance != Allegiance.HOSTILE).any()):
        return None
    n, s = cs.movers.n, cs.sensors.n
    failed = iff_rng.random(n) < tab.iff_fail_prob
    fail_at = np.where(failed, 0.0, tab.iff_fail_at)
    on = outage_rng.random(tab.outage_prob.size) < tab.outage_prob
    return ContestedState(table=tab, iff_fail_at=fail_at, last_reply=np.full((s, n), -np.inf),
                          silent=np.zeros((s, n), np.int32), last_civil=np.full((s, n), -np.inf), outage_on=on, autonomous=np.zeros(cs.shooters.n, bool),
                          link_cut=np.zeros(len(cs.force_names), bool), memory={})
