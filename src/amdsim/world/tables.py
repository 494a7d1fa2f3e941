"""The static part of the world: every entity of a compiled scenario as a row of an SI table.

``scenario.compile`` fills these from the validated YAML; the stages read them. Angles in rad,
lengths in m, times in s. A :class:`CompiledScenario` is a plain picklable dataclass (it crosses
process and Dask boundaries).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from amdsim.core.kinds import THREAT_KINDS

TERMINAL_CODES = {"none": 0, "popup": 1, "dive": 2, "weave": 3, "jink": 4}
EVASION_CODES = {"drag": 0, "beam": 1}


DOCTRINE_CODES = {"shoot_look_shoot": 0, "shoot_shoot_look": 1, "salvo": 2}

#: Interceptor guidance laws (``InterceptorTypeTable.guidance_law``; engage/flyout.py PN, APN).
GUIDANCE_LAW_CODES = {"pn": 0, "apn": 1}


@dataclass
class MoverTable:
    """Static description of every mover row (N rows). Angles in rad, lengths in m, times in s."""

    name: list[str]
    kind: np.ndarray          # (N,) int8 MoverKind
    force: np.ndarray         # (N,) int16 index into forces
    parent: np.ndarray        # (N,) int32 launch site / shooter host / -1
    type_name: list[str]
    behavior: np.ndarray      # (N,) int8 Behavior at start
    t_launch: np.ndarray      # (N,) launch time (0: present at start, inf: launched by the engine)
    rcs: np.ndarray           # (N,) mean RCS seen nose-on (m^2)
    rcs_side: np.ndarray      # (N,) mean RCS seen from the side (m^2)
    rcs_tail: np.ndarray      # (N,) mean RCS seen from behind (m^2)
    vulnerability: np.ndarray  # (N,) multiplier on interceptor Pk against this mover
    pos0: np.ndarray          # (N,3) ECEF position at start/launch (m)
    vel0: np.ndarray          # (N,3) ECEF velocity at start/launch (m/s)
    # route following (ROUTE), flat waypoint table
    wp_offset: np.ndarray     # (N,) int32 first waypoint row
    wp_count: np.ndarray      # (N,) int32 number of waypoints (0: no route)
    wp_lat: np.ndarray        # (W,) rad
    wp_lon: np.ndarray        # (W,) rad
    wp_agl: np.ndarray        # (W,) height above surface at the waypoint (m), NaN: mover's own
    speed: np.ndarray         # (N,) route / orbit / dash speed (m/s)
    agl: np.ndarray           # (N,) cruise height above the surface (m)
    loop: np.ndarray          # (N,) bool
    home_on: np.ndarray       # (N,) int32 asset mover the last leg homes on, -1 none
    term_kind: np.ndarray     # (N,) int8 TERMINAL_CODES: 0 none, 1 popup, 2 dive, 3 weave, 4 jink
    term_range: np.ndarray    # (N,) m, distance to go where it starts (weave, jink: whole periods on the final leg)
    term_alt: np.ndarray      # (N,) m, pop-up apex above the surface
    term_accel: np.ndarray    # (N,) m/s^2 manoeuvre acceleration (popup, dive: 0 = the profile without a load limit)
    term_period: np.ndarray   # (N,) s weave period / jink interval
    term_climb: np.ndarray    # (N,) rad climb angle of the g-limited pop-up
    term_dive: np.ndarray     # (N,) rad dive angle of the g-limited pop-up or dive (positive down)
    term_side: np.ndarray     # (N,) +1 / -1: the weave's first swing to the right / left of the track
    jink_offset: np.ndarray   # (N,) int32 first row of this mover's jinks in jink_sign
    jink_count: np.ndarray    # (N,) int32 number of jink intervals (0: none)
    jink_sign: np.ndarray     # (J,) float +1 right, -1 left, 0 no jink, in flight order
    # evasive turn of aircraft (movers/evasion.py)
    evade_accel: np.ndarray   # (N,) m/s^2 horizontal turn acceleration, 0: no evasion
    evade_reaction: np.ndarray  # (N,) s from an interceptor's launch to the turn
    evade_kind: np.ndarray    # (N,) int8 EVASION_CODES
    # orbits (ORBIT)
    orb_lat: np.ndarray
    orb_lon: np.ndarray
    orb_radius: np.ndarray
    orb_alt: np.ndarray
    orb_dir: np.ndarray       # (N,) +1 clockwise, -1 counter-clockwise
    orb_phase0: np.ndarray    # (N,) bearing from the centre at t=0 (rad)
    # ballistic (BALLISTIC)
    impact_radius: np.ndarray  # (N,) |aim ECEF| (m): flight ends when |r| falls below it
    ballistic_coeff: np.ndarray  # (N,) kg/m^2, inf: no drag
    aim_asset: np.ndarray      # (N,) int32 asset mover aimed at, -1
    # sorties from an air base (SORTIE, movers/sortie.py): fighters and AEW with ``base:``; pos0 is the
    # base, t_launch the first take-off, speed the transit (= orbit) speed
    base_row: np.ndarray      # (N,) int32 air base mover row the aircraft flies from, -1: no base
    sorties: np.ndarray       # (N,) int32 sorties it flies
    turnaround: np.ndarray    # (N,) s on the ground from a landing to the next take-off
    fuel_time: np.ndarray     # (N,) s airborne from a take-off until the fuel is gone (inf: no limit)
    station_time: np.ndarray  # (N,) s on station per sortie (inf: until winchester or bingo)
    climb_rate: np.ndarray    # (N,) m/s climb after take-off, descent before landing
    runway_heading: np.ndarray  # (N,) rad of the base's runway (climb-out direction), NaN: none
    # true allegiance (world/identity.py Allegiance): hostile for threats; friend / neutral for the
    # air traffic of issue 20, sensed and tracked like threats but never a threat
    allegiance: np.ndarray = None  # type: ignore[assignment]  # (N,) int8, 0 hostile

    def __post_init__(self) -> None:
        if self.allegiance is None:
            self.allegiance = np.zeros(len(self.name), np.int8)

    @property
    def n(self) -> int:
        return len(self.name)

    @property
    def has_aspect_rcs(self) -> bool:
        """Some mover shows a different RCS from the side or the tail than nose-on."""
        return bool(np.any(self.rcs_side != self.rcs) or np.any(self.rcs_tail != self.rcs))

    @property
    def sortie_rows(self) -> np.ndarray:
        """(B,) int64 rows of the aircraft that fly sorties from an air base (cached)."""
        cached = self.__dict__.get("_sortie_rows")
        if cached is None:
            cached = self.__dict__["_sortie_rows"] = np.flatnonzero(self.base_row >= 0)
        return cached

    @property
    def is_threat(self) -> np.ndarray:
        """(N,) bool: rows that are threats (cruise, ballistic, hostile aircraft)."""
        cached = self.__dict__.get("_is_threat")
        if cached is None:
            cached = self.__dict__["_is_threat"] = self.is_air_target & (self.allegiance == 0)
        out: np.ndarray = cached
        return out

    @property
    def is_air_target(self) -> np.ndarray:
        """(N,) bool: rows the radars sense and the trackers track: the threats and the friendly and
        neutral air traffic (``allegiance`` says which)."""
        cached = self.__dict__.get("_is_air_target")
        if cached is None:
            cached = self.__dict__["_is_air_target"] = np.isin(self.kind, THREAT_KINDS)
        return cached


@dataclass
class SensorTable:
    """One row per radar (S rows), each carried by a host mover."""

    name: list[str]
    host: np.ndarray          # (S,) int32 mover row
    force: np.ndarray         # (S,) int16
    platform: list[str]       # ground / ship / aew / fighter / battery
    height_offset: np.ndarray  # (S,) antenna height above the host position (m)
    wavelength: np.ndarray    # (S,) m
    ref_range: np.ndarray
    ref_rcs: np.ndarray
    ref_snr: np.ndarray       # linear
    max_range: np.ndarray
    min_range: np.ndarray
    pfa: np.ndarray
    swerling: np.ndarray      # int8
    n_pulses: np.ndarray      # int32
    revisit: np.ndarray
    az_center: np.ndarray     # rad (relative to heading for airborne sensors)
    az_width: np.ndarray      # rad
    el_min: np.ndarray
    el_max: np.ndarray
    sigma_range: np.ndarray
    sigma_az: np.ndarray
    sigma_el: np.ndarray
    fa_per_scan: np.ndarray
    multipath: np.ndarray     # bool
    relative_az: np.ndarray   # bool: az_center is relative to the host heading

    @property
    def n(self) -> int:
        return len(self.name)


@dataclass
class InterceptorTypeTable:
    name: list[str]
    boost_accel: np.ndarray
    boost_time: np.ndarray
    launch_speed: np.ndarray
    drag_coeff: np.ndarray
    max_accel: np.ndarray
    nav_gain: np.ndarray
    max_tof: np.ndarray
    min_range: np.ndarray
    max_range: np.ndarray
    min_alt: np.ndarray
    max_alt: np.ndarray
    lethal_radius: np.ndarray
    pk_max: np.ndarray
    reaction_time: np.ndarray
    # endgame (engage/flyout.py): guidance law, guidance-system lag, seeker
    guidance_law: np.ndarray    # (T,) int64 0 pn, 1 apn (GUIDANCE_LAW_CODES)
    fc_time_constant: np.ndarray  # (T,) s total time constant T of the binomial lag (0: ideal)
    fc_order: np.ndarray        # (T,) int64 order n of the binomial lag 1/(1 + sT/n)^n
    seeker_range: np.ndarray    # (T,) m acquisition range
    seeker_gimbal: np.ndarray   # (T,) rad largest look angle off the velocity (half-angle)
    seeker_angle_noise: np.ndarray  # (T,) rad 1-sigma line-of-sight angle noise per axis per update
    seeker_glint: np.ndarray    # (T,) m 1-sigma glint per axis against a GLINT_REF_RCS_M2 target
    seeker_update: np.ndarray   # (T,) s between guidance updates (noise draws)
    command_guided: np.ndarray  # (T,) bool: midcourse updates uplinked (else inertial on the launch prediction)
    req_pos_sigma: np.ndarray   # (T,) m, largest track position 1-sigma at launch (inf: none)
    req_vel_sigma: np.ndarray   # (T,) m/s, largest track velocity 1-sigma at launch (inf: none)
    req_track_age: np.ndarray   # (T,) s, oldest track update at launch (inf: c2.max_track_age_s)
    hoj_range: np.ndarray = None  # type: ignore[assignment]  # (T,) m home-on-jam acquisition, 0: none (issue 20)

    def __post_init__(self) -> None:
        if self.hoj_range is None:
            self.hoj_range = np.zeros(len(self.name))


@dataclass
class ShooterTable:
    """One row per shooter (battery or fighter aircraft), K rows."""

    name: list[str]
    host: np.ndarray          # (K,) int32 mover row of the battery / aircraft
    force: np.ndarray         # (K,) int16
    itype: np.ndarray         # (K,) int32 interceptor type row
    rounds: np.ndarray        # (K,) int32 interceptors at start
    launchers: np.ndarray     # (K,) int32
    reload: np.ndarray        # (K,) s between launches
    doctrine: np.ndarray      # (K,) int8 DOCTRINE_CODES
    salvo_size: np.ndarray    # (K,) int32
    reserve: np.ndarray       # (K,) int32
    weapons_free: np.ndarray  # (K,) bool
    is_fighter: np.ndarray    # (K,) bool
    dash_speed: np.ndarray    # (K,) m/s (fighters)
    endurance: np.ndarray     # (K,) s (fighters)
    first_row: np.ndarray     # (K,) int32 first interceptor mover row of this shooter
    fc_max_tracks: np.ndarray    # (K,) int32 targets engaged at once (large: no limit)
    fc_max_missiles: np.ndarray  # (K,) int32 interceptors guided in flight at once (large: no limit)
    launch_on_remote: np.ndarray  # (K,) bool may launch on a track its own radar does not hold
    engage_on_remote: np.ndarray  # (K,) bool guides on the force's fused track (resolved at compile time)
    group: list[str]          # battery / fighter flight id
    # magazines (world/magazines.py): spare rounds and the time to reload an empty launcher; absent
    # columns mean no reloads (a fighter, or a table built without them)
    reload_rounds: np.ndarray = None   # type: ignore[assignment]  # (K,) int32 spare rounds (``reloads:``)
    reload_time: np.ndarray = None     # type: ignore[assignment]  # (K,) s to reload an empty launcher

    def __post_init__(self) -> None:
        k = len(self.name)
        if self.reload_rounds is None:
            self.reload_rounds = np.zeros(k, np.int32)
        if self.reload_time is None:
            self.reload_time = np.full(k, np.inf)

    @property
    def n(self) -> int:
        return len(self.name)


@dataclass
class LinkTable:
    """The data link per ordered pair of forces (F x F, row: sender, column: receiver), from the
    scenario's ``links:`` list over the ``link:`` default. Only pairs of one side exchange reports."""

    latency: np.ndarray       # (F,F) s from a report (or coordination message) to its reception
    update: np.ndarray        # (F,F) s between track reports on the pair (each pair on its own clock)
    drop: np.ndarray          # (F,F) probability a report or message is lost
    capacity: np.ndarray      # (F,F) int64 most tracks per report, -1: no limit

    @staticmethod
    def uniform(n_forces: int, latency: float, update: float, drop: float, capacity: int = -1) -> LinkTable:
        """Every pair alike (the single ``link:`` block)."""
        shape = (n_forces, n_forces)
        return LinkTable(np.full(shape, float(latency)), np.full(shape, float(update)), np.full(shape, float(drop)),
                         np.full(shape, int(capacity), np.int64))


@dataclass
class BallisticTable:
    """The ballistic missiles' flight programmes, one row per mover (N rows; neutral for the others).

    ``params`` are the rows ``core/ballistic_flight.py``'s kernels fly (thrust, pitch programme, drag,
    glide, impact radius, rotating earth), from the launch solution of each ballistic missile type.
    """

    params: np.ndarray        # (N, core.ballistic_flight.N_PARAMS) float64
    has_boost: np.ndarray     # (N,) bool: lifts off and burns (False: appears at burnout, or no missile)
    t_cutoff: np.ndarray      # (N,) thrust cut-off (s after lift-off), 0 without a boost
    rcs_boost: np.ndarray     # (N,) mean RCS while the motor burns (m^2)
    launch_pos: np.ndarray    # (N,3) ECEF pad (m), NaN for rows that are no ballistic missile
    launch_az: np.ndarray     # (N,) launch azimuth (rad from north), NaN for the others
    solution_miss: np.ndarray  # (N,) miss of the compiled launch solution at the aim point (m), NaN for the others


@dataclass
class LaunchWarningTable:
    """The scenario's space-based launch warning (``launch_warning:``), SI."""

    delay: float              # s from lift-off to the report
    sigma_launch_point: float  # m, 1 sigma per horizontal axis
    sigma_azimuth: float      # rad, 1 sigma
    receives: np.ndarray      # (F,) bool: the force gets the reports
    cue_duration: float       # s a report keeps the force's radars cued
    cue_length: float         # m of reported ground track the cued sector covers
    cued_revisit: float       # s between cued dwells
    cued_gain: float          # SNR factor of a cued dwell (pulses integrated coherently)


@dataclass
class CompiledScenario:
    """Everything a replication needs, as SI arrays."""

    name: str
    start_utc: str
    duration: float
    dt: float
    seed: int
    output_rate: float
    k_factor: float
    sea_roughness: float
    earth_rotation: bool      # rotating earth (J2, Coriolis, centrifugal) for free flight; see core/gravity.py
    dem_path: str | None
    scenario_hash: str
    force_names: list[str]
    force_side: np.ndarray    # (F,) int8 Side
    force_nation: list[str]
    movers: MoverTable
    sensors: SensorTable
    shooters: ShooterTable
    itypes: InterceptorTypeTable
    asset_rows: np.ndarray    # (A,) int32 mover rows of defended assets
    asset_value: np.ndarray
    asset_radius: np.ndarray
    site_rows: np.ndarray     # (L,) int32 mover rows of launch sites
    site_detectability: np.ndarray
    tracking: dict[str, Any]
    link_latency: float
    link_update: float
    link_drop: float
    links: LinkTable          # per pair of forces; link_latency/update/drop above are the ``link:`` default
    coordination: bool
    wta_solver: str
    c2_interval: float
    ka_delay: float
    ka_error: float
    max_track_age: float
    check_track_quality: bool  # c2/fire_control.py rules on (false: any confirmed fresh track)
    strike_enabled: bool
    strike_response: float
    strike_search: float
    strike_pk: float
    origin_lat: float
    origin_lon: float
    extras: dict[str, Any] = field(default_factory=dict)
    ballistic: BallisticTable | None = None  # flight programmes of the ballistic missiles (None: no ballistic row)
    launch_warning: LaunchWarningTable | None = None  # space-based launch warning (None: none)

    @property
    def n_steps(self) -> int:
        return int(np.ceil(self.duration / self.dt - 1e-9))
