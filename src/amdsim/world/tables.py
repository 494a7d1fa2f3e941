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

TERMINAL_CODES = {"none": 0, "popup": 1, "dive": 2}


DOCTRINE_CODES = {"shoot_look_shoot": 0, "shoot_shoot_look": 1, "salvo": 2}


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
    term_kind: np.ndarray     # (N,) int8 0 none, 1 popup, 2 dive
    term_range: np.ndarray    # (N,) m
    term_alt: np.ndarray      # (N,) m
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

    @property
    def n(self) -> int:
        return len(self.name)

    @property
    def has_aspect_rcs(self) -> bool:
        """Some mover shows a different RCS from the side or the tail than nose-on."""
        return bool(np.any(self.rcs_side != self.rcs) or np.any(self.rcs_tail != self.rcs))

    @property
    def is_threat(self) -> np.ndarray:
        """(N,) bool: rows that are threats (cruise, ballistic, hostile aircraft)."""
        cached = self.__dict__.get("_is_threat")
        if cached is None:
            cached = self.__dict__["_is_threat"] = np.isin(self.kind, THREAT_KINDS)
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
    group: list[str]          # battery / fighter flight id

    @property
    def n(self) -> int:
        return len(self.name)


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
    coordination: bool
    wta_solver: str
    c2_interval: float
    ka_delay: float
    ka_error: float
    max_track_age: float
    strike_enabled: bool
    strike_response: float
    strike_search: float
    strike_pk: float
    origin_lat: float
    origin_lon: float
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def n_steps(self) -> int:
        return int(np.ceil(self.duration / self.dt - 1e-9))
