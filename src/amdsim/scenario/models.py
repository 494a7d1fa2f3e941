"""The scenario file's schema: pydantic models, one declaration per parameter.

Every field carries its unit in its name (``alt_m``, ``speed_mps``, ``lat_deg``) and in its
description; the JSON Schema (``amdsim schema``) and the error messages derive from these
declarations, so there is no second table of parameters. Degrees exist only here: ``compile.py``
turns everything into SI arrays.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from amdsim.core.constants import MAX_SPEED_MPS

#: Largest centripetal acceleration of an orbit (m/s^2, about 10 g): v^2 / r above it is no orbit.
MAX_ORBIT_ACCEL_MPS2 = 100.0

Lat = Annotated[float, Field(ge=-90.0, le=90.0, description="Geodetic latitude (degrees, WGS84).")]
Lon = Annotated[float, Field(ge=-180.0, le=180.0, description="Longitude (degrees, east positive).")]
NonNeg = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Pos = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
Prob = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$",
                             description="Identifier: letters, digits, '_', '-', '.'.")]


class Strict(BaseModel):
    """Base: unknown fields are errors, numbers must be finite."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=False)


class Position(Strict):
    """A point on or above the earth."""

    lat_deg: Lat
    lon_deg: Lon
    alt_m: float = Field(0.0, ge=-500.0, le=30_000.0, description="Height above the WGS84 ellipsoid (m).")


class Waypoint(Strict):
    """A route point; altitude is taken from the mover unless given here."""

    lat_deg: Lat
    lon_deg: Lon
    alt_m: float | None = Field(None, ge=-500.0, le=30_000.0,
                                description="Height above the surface at this point (m); default: the mover's.")


class Route(Strict):
    """Great-circle legs between waypoints flown at constant speed."""

    speed_mps: Pos = Field(le=MAX_SPEED_MPS, description="Ground speed along the route (m/s).")
    alt_m: NonNeg = Field(0.0, le=30_000.0, description="Height above the surface (m); 0 for ships and ground vehicles.")
    waypoints: list[Waypoint] = Field(min_length=1, description="Points visited in order after the start.")
    loop: bool = Field(False, description="Return to the first waypoint and repeat.")


class Orbit(Strict):
    """A circular orbit (AEW, combat air patrol) flown at constant speed."""

    center: Position
    radius_m: Pos = Field(description="Orbit radius (m).")
    speed_mps: Pos = Field(le=MAX_SPEED_MPS, description="True airspeed on the orbit (m/s).")
    alt_m: Pos = Field(le=100_000.0, description="Orbit altitude above the ellipsoid (m).")
    clockwise: bool = True

    @model_validator(mode="after")
    def _turn_rate(self):
        accel = self.speed_mps**2 / self.radius_m
        if not accel <= MAX_ORBIT_ACCEL_MPS2:
            raise ValueError(f"speed_mps^2 / radius_m = {accel:.3g} m/s^2: expected at most {MAX_ORBIT_ACCEL_MPS2:g} "
                             f"m/s^2 (radius_m of at least {self.speed_mps**2 / MAX_ORBIT_ACCEL_MPS2:.0f} m at this speed)")
        return self


class Force(Strict):
    id: Ident
    side: Literal["blue", "red"]
    nation: str = Field(min_length=1, max_length=64, description="Nation label (notional).")


class Asset(Strict):
    """A defended asset: fixed (position) or moving (route), e.g. a carrier group."""

    id: Ident
    force: Ident
    position: Position
    route: Route | None = Field(None, description="If given, the asset moves from position along it.")
    value: Pos = Field(1.0, le=1.0e6, description="Relative value used by threat evaluation (dimensionless).")
    radius_m: Pos = Field(1000.0, ge=1.0, le=100_000.0, description="A threat impacting within this distance damages the asset (m).")


class Salvo(Strict):
    """Several launches from one site at a fixed interval."""

    count: int = Field(ge=1, le=10_000)
    start_s: NonNeg = Field(description="Time of the first launch (s from scenario start).")
    interval_s: NonNeg = Field(5.0, description="Time between launches (s).")


class LaunchSite(Strict):
    id: Ident
    force: Ident
    position: Position
    detectability: Prob = Field(0.5, description="Probability that surveillance finds the site before it fires.")


class Terminal(Strict):
    """Terminal manoeuvre of a cruise missile."""

    kind: Literal["none", "popup", "dive"] = "none"
    start_range_m: Pos = Field(10_000.0, description="Distance to the target where the manoeuvre starts (m).")
    alt_m: NonNeg = Field(400.0, description="Pop-up apex height above the surface (m).")


class ThreatCommon(Strict):
    id: Ident
    force: Ident
    site: Ident | None = Field(None, description="Launch site id (gives the launch position).")
    launch_position: Position | None = Field(None, description="Launch position if no site is named.")
    launch_times_s: list[NonNeg] | None = Field(None, description="Explicit launch times (s), increasing.")
    salvo: Salvo | None = None
    rcs_m2: Pos = Field(0.1, description="Radar cross-section, mean (m^2), seen nose-on.")
    rcs_side_m2: Pos | None = Field(None, description="RCS seen from the side (m^2); default: rcs_m2.")
    rcs_tail_m2: Pos | None = Field(None, description="RCS seen from behind (m^2); default: rcs_m2.")
    vulnerability: Prob | None = Field(None, description="Multiplier on the interceptor's kill probability against this threat type (default 1.0 for cruise missiles and aircraft, 0.8 for ballistic re-entry vehicles).")

    @field_validator("launch_times_s")
    @classmethod
    def _increasing(cls, v: list[float] | None) -> list[float] | None:
        if v is not None:
            if len(v) == 0:
                raise ValueError("must list at least one launch time")
            if any(b < a for a, b in itertools.pairwise(v)):
                raise ValueError("launch times must be in increasing order")
        return v

    @model_validator(mode="after")
    def _one_launch_spec(self):
        if (self.launch_times_s is None) == (self.salvo is None):
            raise ValueError("give exactly one of 'launch_times_s' or 'salvo'")
        if (self.site is None) == (self.launch_position is None):
            raise ValueError("give exactly one of 'site' or 'launch_position'")
        return self

    def launch_times(self) -> list[float]:
        if self.launch_times_s is not None:
            return list(self.launch_times_s)
        s = self.salvo
        assert s is not None  # the model validator requires launch_times_s or salvo
        return [s.start_s + i * s.interval_s for i in range(s.count)]


class CruiseMissile(ThreatCommon):
    """Low-flying cruise missiles following waypoints to a target asset."""

    speed_mps: Pos = Field(250.0, le=1500.0, description="Cruise speed (m/s).")
    cruise_alt_m: NonNeg = Field(30.0, le=20_000.0, description="Cruise height above sea or ground (m).")
    waypoints: list[Waypoint] = Field(default_factory=list, description="Route before the target.")
    target: Ident = Field(description="Defended asset id the route ends at.")
    terminal: Terminal = Field(default_factory=Terminal)
    rcs_m2: Pos = Field(0.1, description="Radar cross-section, mean (m^2).")


class BallisticMissile(ThreatCommon):
    """Ballistic missiles flying a Keplerian arc from burnout to the aim point."""

    aim: Ident | None = Field(None, description="Defended asset id aimed at.")
    aim_position: Position | None = Field(None, description="Aim point if no asset is named.")
    trajectory: Literal["minimum_energy", "lofted", "depressed"] = "minimum_energy"
    loft_deg: NonNeg = Field(10.0, le=40.0, description="Flight-path angle offset from minimum energy for lofted/depressed (deg).")
    burnout_alt_m: NonNeg = Field(0.0, le=300_000.0, description="Height of burnout above the launch point (m).")
    range_class: Literal["SRBM", "MRBM", "IRBM"] | None = Field(None, description="Informative range class.")
    ballistic_coeff_kg_m2: Pos | None = Field(None, description="Ballistic coefficient m/(Cd A) for drag (kg/m^2); none: no drag.")
    rcs_m2: Pos = Field(0.05, description="Radar cross-section, mean (m^2).")

    @model_validator(mode="after")
    def _one_aim(self):
        if (self.aim is None) == (self.aim_position is None):
            raise ValueError("give exactly one of 'aim' or 'aim_position'")
        return self


class Aircraft(ThreatCommon):
    """Hostile aircraft flying a route."""

    route: Route
    rcs_m2: Pos = Field(5.0, description="Radar cross-section, mean (m^2).")


class RadarPhysics(Strict):
    """A radar described by its range-equation parameters (Skolnik 2001, eq. 2.22)."""

    peak_power_w: Pos = Field(description="Transmitted peak power (W).")
    gain_db: float = Field(ge=0.0, le=60.0, description="Antenna gain, transmit = receive (dBi).")
    bandwidth_hz: Pos = Field(1.0e6, description="Receiver noise bandwidth (Hz).")
    noise_figure_db: float = Field(3.0, ge=0.0, le=30.0, description="Receiver noise figure (dB).")
    losses_db: float = Field(6.0, ge=0.0, le=40.0, description="System losses (dB).")


class RadarSpec(Strict):
    """A radar: reference detection range at a reference RCS (or its physical parameters), field of
    regard, scan, accuracy."""

    physics: RadarPhysics | None = Field(None, description="If given, ref_range_m is computed from the range equation.")
    wavelength_m: Pos = Field(0.1, le=10.0, description="Wavelength (m); 0.1 m is S band. Used by multipath and the range equation.")
    ref_range_m: Pos = Field(200_000.0, description="Range at which a target of ref_rcs_m2 gives the reference SNR (m).")
    ref_rcs_m2: Pos = Field(1.0, description="Reference RCS (m^2).")
    ref_snr_db: float = Field(13.0, ge=-20.0, le=60.0, description="SNR at the reference range and RCS (dB).")
    max_range_m: Pos = Field(400_000.0, description="Instrumented range (m).")
    min_range_m: NonNeg = Field(500.0, description="Minimum range (m).")
    pfa: Prob = Field(1e-6, description="False-alarm probability per resolution cell.")
    swerling: Literal[0, 1, 3] = Field(1, description="Swerling target fluctuation case.")
    n_pulses: int = Field(1, ge=1, le=1000, description="Pulses integrated non-coherently.")
    revisit_s: Pos = Field(5.0, le=3600.0, description="Scan revisit interval (s).")
    az_center_deg: float = Field(0.0, ge=-360.0, le=360.0, description="Field-of-regard centre azimuth (deg, from north; relative to heading on aircraft).")
    az_width_deg: float = Field(360.0, gt=0.0, le=360.0, description="Field-of-regard width (deg).")
    el_min_deg: float = Field(-10.0, ge=-90.0, le=90.0)
    el_max_deg: float = Field(80.0, ge=-90.0, le=90.0)
    sigma_range_m: Pos = Field(50.0, description="Range measurement standard deviation (m).")
    sigma_az_deg: Pos = Field(0.2, description="Azimuth standard deviation (deg).")
    sigma_el_deg: Pos = Field(0.3, description="Elevation standard deviation (deg).")
    false_alarms_per_scan: NonNeg = Field(0.0, description="Mean number of false alarms per scan.")
    multipath: bool = Field(True, description="Apply the low-altitude multipath/clutter loss.")


class RadarSite(Strict):
    """A ground or ship radar."""

    id: Ident
    force: Ident
    position: Position
    mount: Literal["ground", "ship"] = "ground"
    mast_height_m: NonNeg = Field(20.0, le=500.0, description="Antenna height above the site (m).")
    route: Route | None = Field(None, description="Ships may move along a route.")
    radar: RadarSpec = Field(default_factory=RadarSpec)


class Aew(Strict):
    """An airborne early-warning aircraft on an orbit with a look-down radar."""

    id: Ident
    force: Ident
    orbit: Orbit
    radar: RadarSpec = Field(default_factory=lambda: RadarSpec(ref_range_m=350_000.0, max_range_m=500_000.0, revisit_s=10.0))
    on_station_s: NonNeg = Field(0.0, description="Time the orbit starts (s).")


class InterceptorType(Strict):
    """Kinematics, envelope and lethality of an interceptor (surface-to-air or air-to-air)."""

    id: Ident
    boost_accel_mps2: Pos = Field(200.0, description="Axial acceleration during boost (m/s^2).")
    boost_time_s: NonNeg = Field(6.0, description="Motor burn time (s).")
    launch_speed_mps: Pos = Field(50.0, description="Speed leaving the launcher (m/s).")
    drag_decel_coeff: NonNeg = Field(5.0e-6, description="Coast drag deceleration = coeff * v^2 (1/m).")
    max_accel_mps2: Pos = Field(300.0, description="Lateral acceleration limit (m/s^2).")
    nav_gain: Pos = Field(4.0, le=10.0, description="Proportional-navigation constant N (dimensionless).")
    max_tof_s: Pos = Field(90.0, description="Self-destruct time of flight (s).")
    min_range_m: NonNeg = Field(3_000.0, description="Minimum engagement range (m).")
    max_range_m: Pos = Field(100_000.0, description="Maximum engagement range (m).")
    min_alt_m: float = Field(10.0, ge=0.0, description="Lowest intercept altitude (m).")
    max_alt_m: Pos = Field(25_000.0, description="Highest intercept altitude (m).")
    lethal_radius_m: Pos = Field(10.0, description="Miss distance at which Pk falls to 61 % of pk_max (Gaussian sigma, m).")
    pk_max: Prob = Field(0.9, description="Kill probability at zero miss distance.")
    reaction_time_s: NonNeg = Field(5.0, description="Time from engagement order to launch (s).")

    @model_validator(mode="after")
    def _envelope(self):
        if self.min_range_m >= self.max_range_m:
            raise ValueError("min_range_m must be below max_range_m")
        if self.min_alt_m >= self.max_alt_m:
            raise ValueError("min_alt_m must be below max_alt_m")
        burnout = self.launch_speed_mps + self.boost_accel_mps2 * self.boost_time_s
        if not burnout <= MAX_SPEED_MPS:
            raise ValueError(f"launch_speed_mps + boost_accel_mps2 * boost_time_s = {burnout:.3g} m/s: expected at "
                             f"most {MAX_SPEED_MPS:.0f} m/s")
        return self


class Doctrine(Strict):
    """Firing doctrine of a shooter."""

    mode: Literal["shoot_look_shoot", "shoot_shoot_look", "salvo"] = "shoot_look_shoot"
    salvo_size: int = Field(1, ge=1, le=8, description="Interceptors per engagement (salvo mode and first shot).")
    reserve: int = Field(0, ge=0, le=10_000, description="Interceptors kept in reserve for ballistic threats.")
    weapons_free: bool = Field(True, description="Weapons free (engage any hostile) or tight (ballistic/confirmed only).")


class Battery(Strict):
    """A surface-to-air battery."""

    id: Ident
    force: Ident
    position: Position
    launchers: int = Field(4, ge=1, le=64)
    interceptors_per_launcher: int = Field(4, ge=0, le=64)
    interceptor: Ident = Field(description="Interceptor type id.")
    reload_s: NonNeg = Field(2.0, description="Minimum time between two launches from the battery (s).")
    doctrine: Doctrine = Field(default_factory=Doctrine)
    radar: RadarSpec | None = Field(None, description="Organic fire-control radar, if any.")
    mast_height_m: NonNeg = Field(10.0, le=500.0)
    route: Route | None = Field(None, description="Ship-borne batteries may move.")


class Fighters(Strict):
    """A flight of fighters on combat air patrol, with air-to-air missiles and a radar."""

    id: Ident
    force: Ident
    count: int = Field(2, ge=0, le=64, description="Aircraft in the flight.")
    orbit: Orbit
    missiles: int = Field(4, ge=0, le=16, description="Air-to-air missiles per aircraft.")
    interceptor: Ident = Field(description="Air-to-air missile type id.")
    dash_speed_mps: Pos = Field(300.0, le=MAX_SPEED_MPS, description="Speed when vectored to intercept (m/s).")
    endurance_s: Pos = Field(7200.0, description="Time on patrol before fuel runs out (s).")
    radar: RadarSpec = Field(default_factory=lambda: RadarSpec(ref_range_m=120_000.0, max_range_m=160_000.0,
                                                               az_width_deg=120.0, revisit_s=2.0))
    doctrine: Doctrine = Field(default_factory=Doctrine)


class Link(Strict):
    """The data link that shares tracks between forces."""

    latency_s: NonNeg = Field(2.0, le=600.0, description="Delay from a report to its reception (s).")
    update_s: Pos = Field(2.0, le=600.0, description="Interval between track reports (s).")
    drop_prob: Prob = Field(0.0, description="Probability that a report is lost.")


class Tracking(Strict):
    """Each blue force's tracker: Kalman filters (CV, CA or IMM), chi-square gate, GNN or JPDA, M-of-N.

    The one declaration of these settings: the engine's tracker (``TrackerConfig.from_settings``) and
    the options of ``amdsim track`` take their defaults, bounds and descriptions from here."""

    model: Literal["kalman", "perfect"] = Field("perfect", description="kalman: tracks from the force's detections; perfect: exact tracks on every detected threat (baseline).")
    motion: Literal["cv", "ca", "imm", "imm_gravity"] = Field("cv", description="Motion model: constant velocity, constant acceleration, an IMM of both (manoeuvring targets), or imm_gravity: an IMM of constant velocity and free fall (ballistic threats among air-breathers).")
    association: Literal["gnn", "jpda"] = Field("gnn", description="Data association: global nearest neighbour, or joint probabilistic data association (dense clutter).")
    process_noise_mps2: Pos = Field(20.0, le=1000.0, description="White-noise acceleration spectral level, as an acceleration standard deviation (m/s^2).")
    jerk_noise_mps3: Pos = Field(20.0, le=1000.0, description="CA/IMM white-noise jerk spectral level, as a jerk standard deviation (m/s^3).")
    assumed_pd: float = Field(0.9, gt=0.0, le=1.0, description="Detection probability JPDA assumes.")
    gate_prob: float = Field(0.999, gt=0.5, lt=1.0, description="Chi-square gate probability.")
    confirm_m: int = Field(2, ge=1, le=20, description="Confirm after M associated scans ...")
    confirm_n: int = Field(3, ge=1, le=20, description="... out of the last N.")
    delete_misses: int = Field(4, ge=1, le=100, description="Delete a track after this many scans without an update.")


class C2(Strict):
    coordination: bool = Field(True, description="Share engagement status between nations to avoid double engagements.")
    wta_solver: Literal["auto", "exact", "heuristic", "greedy"] = "auto"
    decision_interval_s: Pos = Field(2.0, le=60.0, description="C2 decision cycle: threat evaluation and assignment run this often (s).")
    kill_assessment_delay_s: NonNeg = Field(3.0, description="Delay before a shot's outcome is known (s).")
    kill_assessment_error: Prob = Field(0.05, description="Probability the kill assessment is wrong.")
    max_track_age_s: Pos = Field(12.0, le=600.0, description="Fire control: a track not updated for longer than this (s) is not engaged.")


class Strike(Strict):
    """Left-of-launch: strikes on launch sites before they fire."""

    enabled: bool = False
    search_time_s: Pos = Field(900.0, description="Mean time for surveillance to find a detectable site (s, exponential).")
    response_time_s: NonNeg = Field(600.0, description="Time from finding a site to the strike (s).")
    pk: Prob = Field(0.7, description="Probability a strike neutralises a found site.")


class Earth(Strict):
    effective_radius_factor: float = Field(4.0 / 3.0, ge=0.5, le=10.0, description="Effective earth radius factor k for radar line of sight.")
    dem_path: str | None = Field(None, description="GeoTIFF digital elevation model for terrain masking (path relative to the scenario file).")
    sea_roughness_m: NonNeg = Field(0.3, le=10.0, description="RMS sea-surface height for the multipath roughness factor (m).")
    rotation: bool = Field(True, description="Rotating earth: ballistic missiles and interceptors fly in the earth-fixed frame with WGS84 J2 gravity and the Coriolis and centrifugal terms; false: a non-rotating earth with point-mass gravity (for comparison).")

    @field_validator("dem_path")
    @classmethod
    def _plausible_path(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if "\x00" in v:
            raise ValueError("contains a NUL character: expected a file path")
        if len(v.encode()) > 4096 or any(len(part.encode()) > 255 for part in v.replace("\\", "/").split("/")):
            raise ValueError("path too long (at most 4096 bytes, 255 per folder or file name): expected a file path")
        return v


class Scenario(Strict):
    """A whole exercise: forces, defended assets, threats, blue platforms and the C2 setup."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    start_utc: datetime = Field(description="Scenario start instant (UTC, ISO 8601).")
    duration_s: Pos = Field(le=7 * 86400.0, description="Simulated time span (s).")
    step_s: Pos = Field(1.0, le=60.0, description="Major time step (s).")
    seed: int = Field(0, ge=0, lt=2**63, description="Root seed of the random streams.")
    output_rate_s: Pos = Field(5.0, description="Interval between rows of states.parquet (s).")
    origin: Position | None = Field(None, description="Map centre for plots; default: mean of assets.")
    earth: Earth = Field(default_factory=Earth)
    forces: list[Force] = Field(min_length=1)
    assets: list[Asset] = Field(default_factory=list)
    launch_sites: list[LaunchSite] = Field(default_factory=list)
    cruise_missiles: list[CruiseMissile] = Field(default_factory=list)
    ballistic_missiles: list[BallisticMissile] = Field(default_factory=list)
    aircraft: list[Aircraft] = Field(default_factory=list)
    radars: list[RadarSite] = Field(default_factory=list)
    aew: list[Aew] = Field(default_factory=list)
    fighters: list[Fighters] = Field(default_factory=list)
    batteries: list[Battery] = Field(default_factory=list)
    interceptor_types: list[InterceptorType] = Field(default_factory=list)
    link: Link = Field(default_factory=Link)
    tracking: Tracking = Field(default_factory=Tracking)
    c2: C2 = Field(default_factory=C2)
    strike: Strike = Field(default_factory=Strike)

    @field_validator("start_utc")
    @classmethod
    def _utc(cls, v: datetime) -> datetime:
        return v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)
