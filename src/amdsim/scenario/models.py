"""The scenario file's schema: pydantic models, one declaration per parameter.

Every field carries its unit in its name (``alt_m``, ``speed_mps``, ``lat_deg``) and in its
description; the JSON Schema (``amdsim schema``) and the error messages derive from these
declarations, so there is no second table of parameters. Degrees exist only here: ``compile.py``
turns everything into SI arrays.
"""

from __future__ import annotations

import copy
import itertools
import warnings
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from amdsim.core.constants import (
    BOOST_PRESETS,
    FLIGHT_CONTROL_MAX_ORDER,
    MAX_MANOEUVRE_G,
    MAX_MANOEUVRE_LATERAL_SPEED_RATIO,
    MAX_SPEED_MPS,
)
from amdsim.core.geodesy import G0
from amdsim.core.manoeuvre import (
    dive_angle,
    jink_lateral_speed,
    popup_angles,
    turn_radius,
    weave_lateral_speed,
)

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
    alt_m: float = Field(0.0, ge=-500.0, le=30_000.0, description="Height above the WGS84 ellipsoid (m); with a DEM (earth.dem_path), a fixed site's (asset, launch site, radar, battery, platform, air base, launch and aim point) height above the terrain (scenario/compile/terrain.py).")


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


class DisForce(Strict):
    """How a force appears on a DIS stream (``amdsim run --dis``; enumerations of SISO-REF-010)."""

    force_id: int | None = Field(None, ge=0, le=255, description="DIS Force ID (SISO-REF-010: 1 Friendly, 2 Opposing, 3 Neutral, 3n-2/3n-1/3n Friendly/Opposing/Neutral n); default: Friendly n or Opposing n for the side's n-th nation in scenario order.")
    country: int = Field(0, ge=0, le=65535, description="DIS country code of the force's entities (SISO-REF-010 Country; 0 Other, the default for notional nations).")


class Force(Strict):
    id: Ident
    side: Literal["blue", "red"]
    nation: str = Field(min_length=1, max_length=64, description="Nation label (notional).")
    dis: DisForce = Field(default_factory=DisForce, description="DIS force id and country code of this force's entities (optional).")


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
    """Terminal manoeuvre of a cruise missile (``movers/paths.py``; geometry in ``core/manoeuvre.py``).

    popup: climb to ``alt_m`` at half the start range, dive onto the target; dive: descend from the
    cruise height onto the target; with ``g`` both fly arcs of radius v^2/(g g0) joined by straight
    lines, without it today's profile (quarter sine up, straight down, no load limit). weave: a
    sinusoidal lateral acceleration of amplitude ``g`` and period ``period_s``; jink: every
    ``period_s`` a sidestep to a random side at ``g`` (half the interval towards it, half back); both
    are offsets from the nominal path that close, heading and all, at the target (start range rounded
    down to whole periods of the final leg)."""

    kind: Literal["none", "popup", "dive", "weave", "jink"] = "none"
    start_range_m: Pos = Field(10_000.0, description="Distance to the target where the manoeuvre starts (m); weave and jink: rounded down to a whole number of periods, within the final leg.")
    alt_m: NonNeg = Field(400.0, description="Pop-up apex height above the surface (m).")
    g: Pos | None = Field(None, le=MAX_MANOEUVRE_G, description="Manoeuvre acceleration (g = 9.80665 m/s^2) normal to the path: weave and jink, the lateral acceleration (horizontal, normal to the track); popup and dive, the pull-up and push-over (arcs of radius v^2/(g g0); gravity's 1 g comes on top). Required for weave and jink; popup and dive without it fly the profile without a load limit.")
    period_s: Pos | None = Field(None, le=600.0, description="Weave period, or the interval between jinks (s); weave and jink only (required there).")

    @model_validator(mode="after")
    def _fields_of_kind(self):
        lateral = self.kind in ("weave", "jink")
        if lateral and (self.g is None or self.period_s is None):
            raise ValueError(f"kind {self.kind!r} needs both 'g' and 'period_s': expected both")
        if not lateral and self.period_s is not None:
            raise ValueError(f"period_s applies to weave and jink only, not to kind {self.kind!r}: expected no "
                             "period_s, or kind weave or jink")
        if self.kind == "none" and self.g is not None:
            raise ValueError("g applies to a manoeuvre: expected kind popup, dive, weave or jink, or no g")
        return self


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

    @model_validator(mode="after")
    def _terminal_flyable(self):
        t, v = self.terminal, self.speed_mps
        if t.kind in ("weave", "jink") and t.g is not None and t.period_s is not None:
            lateral = (weave_lateral_speed if t.kind == "weave" else jink_lateral_speed)(t.g, t.period_s)
            limit = MAX_MANOEUVRE_LATERAL_SPEED_RATIO * v
            if lateral > limit:
                raise ValueError(f"terminal {t.kind} at g = {t.g:g} and period_s = {t.period_s:g} crosses the track at "
                                 f"{lateral:.0f} m/s: expected at most {limit:.0f} m/s ({MAX_MANOEUVRE_LATERAL_SPEED_RATIO:g}"
                                 " x speed_mps); lower g or period_s")
            if t.start_range_m < v * t.period_s:
                raise ValueError(f"terminal {t.kind}: start_range_m = {t.start_range_m:g} m holds no whole period: "
                                 f"expected at least speed_mps x period_s = {v * t.period_s:.0f} m")
        if t.kind in ("popup", "dive") and t.g is not None:
            if t.kind == "popup":
                if t.alt_m <= self.cruise_alt_m:
                    raise ValueError(f"terminal popup: alt_m = {t.alt_m:g} m must be above cruise_alt_m = "
                                     f"{self.cruise_alt_m:g} m")
                ok = popup_angles(t.start_range_m, self.cruise_alt_m, t.alt_m, v, t.g) is not None
                what = f"climb {t.alt_m - self.cruise_alt_m:g} m and dive {t.alt_m:g} m, each within {t.start_range_m / 2:g} m"
            else:
                ok = dive_angle(t.start_range_m, self.cruise_alt_m, turn_radius(v, t.g * G0)) is not None
                what = f"dive {self.cruise_alt_m:g} m within {t.start_range_m:g} m"
            if not ok:
                raise ValueError(f"terminal {t.kind} at g = {t.g:g} (turn radius {turn_radius(v, t.g * G0):.0f} m at "
                                 f"{v:g} m/s) cannot {what}: raise g or start_range_m, or lower alt_m")
        return self


class ScenarioDeprecationWarning(FutureWarning):
    """A scenario field that still works but is mapped onto its replacement (shown to scenario authors)."""


class Boost(Strict):
    """Powered flight of a ballistic missile: one single-stage-equivalent motor of constant thrust and
    specific impulse, and a pitch programme (vertical rise, pitch-over by the kick angle, held until
    the velocity follows, then gravity turn; ``core/ballistic_flight.py``). Each field left out takes
    the range class's preset (``core/constants.BOOST_PRESETS``). The kick angle and the thrust
    cut-off (at most the burn time) are not inputs: they are solved so that the missile hits its aim
    point on the arc of the ``trajectory`` shape."""

    accel_mps2: Pos | None = Field(None, gt=G0, le=500.0, description="Thrust acceleration at lift-off, F / m0 (m/s^2); must exceed g0 = 9.80665 m/s^2. Default: the range class's preset.")
    burn_time_s: Pos | None = Field(None, le=600.0, description="Burn time of the full propellant load (s); the thrust may be cut off earlier to range the aim point. Default: the preset.")
    isp_s: Pos | None = Field(None, le=500.0, description="Specific impulse (s): exhaust speed g0 Isp. With accel_mps2 and burn_time_s it gives the mass ratio 1 / (1 - accel_mps2 burn_time_s / (g0 isp_s)). Default: the preset.")
    vertical_rise_s: NonNeg | None = Field(None, le=60.0, description="Vertical rise from lift-off before the pitch-over (s). Default: the preset.")
    pitch_over_s: Pos | None = Field(None, le=60.0, description="Duration of the pitch-over to the kick angle (s). Default: the preset.")
    ballistic_coeff_kg_m2: Pos | None = Field(None, description="Ballistic coefficient m0 / (Cd A) of the missile at lift-off (kg/m^2; it falls with the mass while the motor burns). Default: the preset.")

    def resolved(self, range_class: str) -> dict[str, float]:
        """Every field, the preset of ``range_class`` where this block leaves one out."""
        preset = BOOST_PRESETS[range_class]
        out = {k: float(preset[k] if getattr(self, k) is None else getattr(self, k)) for k in type(self).model_fields}
        if not out["accel_mps2"] * out["burn_time_s"] < 0.99 * G0 * out["isp_s"]:
            raise ValueError(f"accel_mps2 x burn_time_s = {out['accel_mps2'] * out['burn_time_s']:.0f} m/s must stay "
                             f"below g0 x isp_s = {G0 * out['isp_s']:.0f} m/s (the motor would burn more than its "
                             "whole mass)")
        if not out["accel_mps2"] > G0:
            raise ValueError(f"accel_mps2 = {out['accel_mps2']:g} m/s^2: expected more than g0 = {G0} m/s^2 to lift off")
        if out["vertical_rise_s"] + out["pitch_over_s"] + 1.0 >= out["burn_time_s"]:
            raise ValueError("vertical_rise_s + pitch_over_s must end at least 1 s before burn_time_s")
        return out


class Glide(Strict):
    """Quasi-ballistic terminal phase (``trajectory: quasi_ballistic``, notional): descending below the
    pull-up height, lift normal to the velocity pulls the missile up to a near-level glide while it
    is faster than the end speed; then it dives (``core/ballistic_flight.py``)."""

    lift_to_drag: Pos = Field(2.0, le=10.0, description="Lift-to-drag ratio available for the pull-up and glide (dimensionless).")
    pullup_alt_m: Pos = Field(25_000.0, le=80_000.0, description="Height above the ellipsoid below which the descending missile pulls up (m).")
    end_speed_mps: Pos = Field(900.0, le=5_000.0, description="Speed below which the glide ends and the missile dives (m/s).")


class BallisticMissile(ThreatCommon):
    """Ballistic missiles: a boost from lift-off (the range class's preset, or a ``boost:`` block) and
    the arc of the ``trajectory`` shape, flown on the rotating earth, solved to hit the aim point."""

    aim: Ident | None = Field(None, description="Defended asset id aimed at.")
    aim_position: Position | None = Field(None, description="Aim point if no asset is named.")
    trajectory: Literal["minimum_energy", "lofted", "depressed", "quasi_ballistic"] = Field("minimum_energy", description="Shape of the arc: the burnout flight-path angle of minimum energy (Kepler closed form), that plus loft_deg (lofted) or minus it (depressed); quasi_ballistic: depressed, with a pull-up and glide (glide:) in the terminal phase.")
    loft_deg: NonNeg = Field(10.0, le=40.0, description="Flight-path angle offset from minimum energy for lofted, depressed and quasi_ballistic (deg).")
    burnout_alt_m: NonNeg = Field(0.0, le=300_000.0, description="Deprecated: given, the missile has no boost and appears at burnout this high above the launch point (m), as in the first wave (a warning says so); give a boost: block or a range_class instead.")
    range_class: Literal["SRBM", "MRBM", "IRBM", "ICBM"] | None = Field(None, description="Range class: picks the boost preset (core/constants.BOOST_PRESETS) for the fields boost: leaves out. Default: the class whose band holds the ground range (SRBM to 1,000 km, MRBM to 3,000 km, IRBM to 5,500 km, ICBM beyond), or the next class up if that one's preset cannot reach the aim point.")
    boost: Boost | None = Field(None, description="Boost phase; default: the range class's preset throughout.")
    rcs_boost_m2: Pos | None = Field(None, description="Mean RCS while the motor burns (m^2; body and plume); default: the range class's preset.")
    glide: Glide = Field(default_factory=Glide, description="Pull-up and glide of trajectory quasi_ballistic (ignored by the other shapes).")
    ballistic_coeff_kg_m2: Pos | None = Field(None, description="Ballistic coefficient m/(Cd A) of the re-entry vehicle for drag after burnout (kg/m^2); none: no drag (quasi_ballistic: core/constants.QUASI_BALLISTIC_COEFF_KG_M2).")
    rcs_m2: Pos = Field(0.05, description="Radar cross-section of the re-entry vehicle, mean (m^2).")

    @model_validator(mode="after")
    def _one_aim(self):
        if (self.aim is None) == (self.aim_position is None):
            raise ValueError("give exactly one of 'aim' or 'aim_position'")
        return self

    @model_validator(mode="after")
    def _boost_or_burnout(self):
        if "burnout_alt_m" in self.model_fields_set:
            if self.boost is not None:
                raise ValueError("give either 'boost' (lift-off and powered flight) or the deprecated 'burnout_alt_m' "
                                 "(appear at burnout), not both: expected one of them")
            warnings.warn(f"ballistic missile {self.id!r}: burnout_alt_m is deprecated: the missile has no boost phase "
                          "and appears at burnout (the first wave's model); give a boost: block or range_class (and "
                          "leave burnout_alt_m out) for lift-off and powered flight", ScenarioDeprecationWarning,
                          stacklevel=2)
        elif self.boost is not None and self.range_class is not None:
            self.boost.resolved(self.range_class)     # a bad combination with the preset fails here, with its path
        return self

    @property
    def has_boost(self) -> bool:
        """Lifts off and burns (False: the deprecated burnout_alt_m model)."""
        return "burnout_alt_m" not in self.model_fields_set


class Evasion(Strict):
    """Evasive turn of a hostile aircraft when an interceptor is launched at it (notional drag or beam).

    From ``reaction_s`` after the launch, while any interceptor flies at it, the aircraft turns at the
    constant rate g g0 / v (radius v^2 / (g g0)) onto the heading away from the nearest one (drag) or
    across its line of sight (beam); then it turns back at the same rate and resumes its route."""

    g: Pos = Field(le=MAX_MANOEUVRE_G, description="Horizontal (turn) acceleration of the level turn (g = 9.80665 m/s^2): turn rate g g0 / v; its load factor is sqrt(1 + g^2) (Anderson, Introduction to Flight, sec. 6.17).")
    reaction_s: NonNeg = Field(2.0, le=600.0, description="Delay from the interceptor's launch to the start of the turn (s): warning and crew reaction.")
    kind: Literal["drag", "beam"] = Field("drag", description="drag: turn tail-on to the interceptor; beam: turn to fly across its line of sight (the side nearer the current heading).")


class Aircraft(ThreatCommon):
    """Hostile aircraft flying a route."""

    route: Route
    rcs_m2: Pos = Field(5.0, description="Radar cross-section, mean (m^2).")
    evasion: Evasion | None = Field(None, description="Evasive turn when an interceptor is launched at the aircraft; none: it holds its route.")


class RadarPhysics(Strict):
    """A radar described by its range-equation parameters (Skolnik 2001, eq. 2.22)."""

    peak_power_w: Pos = Field(description="Transmitted peak power (W).")
    gain_db: float = Field(ge=0.0, le=60.0, description="Antenna gain, transmit = receive (dBi).")
    bandwidth_hz: Pos = Field(1.0e6, description="Receiver noise bandwidth (Hz).")
    noise_figure_db: float = Field(3.0, ge=0.0, le=30.0, description="Receiver noise figure (dB).")
    losses_db: float = Field(6.0, ge=0.0, le=40.0, description="System losses (dB).")


class Multifunction(Strict):
    """A multifunction radar's time budget per frame (``sensors/radar_load.py``): missile uplinks first,
    then track updates, then search with what is left (at least ``min_search_fraction``); the search
    revisit is ``revisit_s`` divided by the search fraction."""

    track_dwell_s: Pos = Field(0.01, le=1.0, description="Radar time one track update takes (s).")
    track_rate_hz: Pos = Field(1.0, le=50.0, description="Track updates per second per track (Hz).")
    uplink_dwell_s: Pos = Field(0.005, le=1.0, description="Radar time one missile uplink takes (s).")
    uplink_rate_hz: Pos = Field(1.0, le=50.0, description="Uplinks per second per interceptor in flight (Hz).")
    min_search_fraction: Prob = Field(0.2, description="Share of the radar's time always kept for search (dimensionless).")


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
    multifunction: Multifunction | None = Field(None, description="Time budget of a multifunction radar (search, track updates, missile uplinks); none: unlimited tracks at the fixed revisit.")


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
    on_station_s: NonNeg = Field(0.0, description="Time the orbit starts (s), for an AEW without base (with base: takeoff_s).")
    base: Ident | None = Field(None, description="Air base id it takes off from, flies to its orbit from and returns to; none: it starts on its orbit at on_station_s and stays.")
    takeoff_s: NonNeg = Field(0.0, description="First take-off (s from the scenario start; with base).")
    endurance_s: Pos = Field(14_400.0, le=86_400.0, description="Time on station per sortie (s; with base): it then flies home; notional default.")
    sorties: int = Field(1, ge=1, le=100, description="Sorties it flies from its base (with base).")
    climb_rate_mps: Pos = Field(15.0, le=500.0, description="Climb rate after take-off and descent rate before landing (m/s; with base); notional default.")

    @model_validator(mode="after")
    def _sortie_fields_need_a_base(self):
        if self.base is None:
            _refuse_without_base(self, ("takeoff_s", "endurance_s", "sorties", "climb_rate_mps"))
        elif "on_station_s" in self.model_fields_set:
            raise ValueError("on_station_s is for an AEW that starts on its orbit: with base, expected takeoff_s instead")
        return self


class LaunchRequirements(Strict):
    """What an interceptor type needs of the track it is launched on (each None: no such limit).

    Whatever is set here, C2 also checks the seeker basket: the track's error predicted to the
    moment the seeker acquires must leave the target inside the seeker's view and within the heading
    error the interceptor can correct (``c2/fire_control.py``)."""

    max_pos_sigma_m: Pos | None = Field(None, description="Largest 1-sigma position error of the track at launch (m, root of the covariance trace / 3).")
    max_vel_sigma_mps: Pos | None = Field(None, description="Largest 1-sigma velocity error of the track at launch (m/s).")
    max_track_age_s: Pos | None = Field(None, description="Oldest last update of the track at launch (s); default: c2.max_track_age_s.")


class FlightControl(Strict):
    """The guidance system between the line-of-sight rate and the achieved acceleration: the seeker's
    track loop, the autopilot and the airframe together, a binomial lag 1/(1 + sT/n)^n of total time
    constant T (Zarchan, Tactical and Strategic Missile Guidance, 6th ed., ch. 5: n = 1 the single
    time constant, n = 5 the fifth-order binomial). Defaults notional, of the order of a surface-to-air
    missile's."""

    time_constant_s: NonNeg = Field(0.5, le=10.0, description="Total time constant T of the guidance system (s); 0: ideal, no lag (for comparison only; seeker noise then enters undifferentiated).")
    order: int = Field(5, ge=1, le=FLIGHT_CONTROL_MAX_ORDER, description="Order n of the binomial lag (1: single time constant; 5: Zarchan's fifth-order binomial).")


class Seeker(Strict):
    """The homing seeker: when it acquires, what it can see, how noisy its line of sight is.
    Defaults notional, of the order of a surface-to-air missile's radar seeker."""

    acquisition_range_m: Pos = Field(15_000.0, le=1_000_000.0, description="Range at which the seeker acquires the target (m), if inside the gimbal limit.")
    gimbal_limit_deg: float = Field(60.0, gt=0.0, le=90.0, description="Largest look angle, off the interceptor's velocity, at which the seeker sees the target (deg, half-angle); beyond it the lock is lost.")
    angle_noise_rad: NonNeg = Field(1.0e-3, le=0.1, description="Line-of-sight angle noise (rad, 1 sigma per axis, a new draw every guidance update).")
    glint_m: NonNeg = Field(1.0, le=100.0, description="Glint: apparent displacement of the target's centre (m, 1 sigma per axis) against a 1 m^2 target; scales with the target's span, sqrt(RCS).")
    update_rate_hz: Pos = Field(100.0, ge=1.0, le=10_000.0, description="Guidance updates per second (each takes a new noise draw).")


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
    guidance_law: Literal["pn", "apn"] = Field("pn", description="Homing guidance law: pn (true proportional navigation, N V_c times the line-of-sight rate) or apn (augmented: plus N/2 times the estimated target acceleration normal to the line of sight).")
    flight_control: FlightControl = Field(default_factory=FlightControl, description="Guidance-system lag between the line-of-sight rate and the achieved acceleration.")
    seeker: Seeker = Field(default_factory=Seeker, description="Homing seeker: acquisition range, gimbal limit, noise.")
    midcourse: Literal["inertial", "command"] = Field("command", description="Midcourse guidance: inertial (flies to the intercept point predicted at launch) or command (updates uplinked from the battery: its own fire-control radar's track, or the force's fused track when the shooter engages on remote).")
    launch_requirements: LaunchRequirements = Field(default_factory=LaunchRequirements, description="Track quality needed at launch.")
    home_on_jam_range_m: Pos | None = Field(None, le=1_000_000.0, description="Home-on-jam: the seeker acquires a target carrying an active noise jammer from this range (m), passively on the jamming; none: no home-on-jam.")

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


class FireControl(Strict):
    """A shooter's fire control: what its radar can engage at once, and whether it may use remote tracks."""

    max_tracks: int | None = Field(None, ge=1, le=1000, description="Targets the fire-control radar can engage at once (tracks with interceptors in flight); default: no limit.")
    max_missiles: int | None = Field(None, ge=1, le=1000, description="Interceptors the fire-control radar can guide in flight at once; default: no limit.")
    launch_on_remote: bool = Field(True, description="May launch on a track its own fire-control radar does not hold (an ally's or another sensor's), handing the interceptor over to its own radar when that acquires.")
    engage_on_remote: bool | None = Field(None, description="May guide interceptors on the force's fused (remote) track all the way; default: true for a shooter without a radar of its own, false otherwise.")


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
    reloads: int = Field(0, ge=0, le=10_000, description="Spare interceptors held for reloading empty launchers (rounds); 0: no reloads.")
    reload_time_s: NonNeg = Field(900.0, le=86_400.0, description="Time to reload an empty launcher from the spare rounds (s); notional default.")
    fire_control: FireControl = Field(default_factory=FireControl, description="Fire-control capacity and remote-engagement options.")


class Fighters(Strict):
    """A flight of fighters on combat air patrol, with air-to-air missiles and a radar."""

    id: Ident
    force: Ident
    count: int = Field(2, ge=0, le=64, description="Aircraft in the flight.")
    orbit: Orbit
    missiles: int = Field(4, ge=0, le=16, description="Air-to-air missiles per aircraft.")
    interceptor: Ident = Field(description="Air-to-air missile type id.")
    dash_speed_mps: Pos = Field(300.0, le=MAX_SPEED_MPS, description="Speed when vectored to intercept (m/s).")
    endurance_s: Pos = Field(7200.0, description="Fuel endurance (s). With base: airborne time from each take-off (an aircraft returns when only the fuel for the flight home is left); without: time from the scenario start after which the flight no longer engages.")
    radar: RadarSpec = Field(default_factory=lambda: RadarSpec(ref_range_m=120_000.0, max_range_m=160_000.0,
                                                               az_width_deg=120.0, revisit_s=2.0))
    doctrine: Doctrine = Field(default_factory=Doctrine)
    fire_control: FireControl = Field(default_factory=FireControl, description="Fire-control capacity and remote-engagement options of each aircraft.")
    base: Ident | None = Field(None, description="Air base id the flight takes off from and returns to (winchester or bingo fuel), turns around at and flies its next sortie from; none: the flight starts on its orbit and stays.")
    sorties: int = Field(1, ge=1, le=100, description="Sorties each aircraft flies from its base (with base).")
    takeoff_s: NonNeg = Field(0.0, description="Take-off of the flight's first aircraft (s from the scenario start; with base).")
    takeoff_interval_s: NonNeg = Field(30.0, le=3600.0, description="Time between the first take-offs of two aircraft of the flight (s; with base).")
    climb_rate_mps: Pos = Field(75.0, le=500.0, description="Climb rate after take-off and descent rate before landing (m/s; with base); notional default.")

    @model_validator(mode="after")
    def _sortie_fields_need_a_base(self):
        if self.base is None:
            _refuse_without_base(self, ("sorties", "takeoff_s", "takeoff_interval_s", "climb_rate_mps"))
        return self


class Link(Strict):
    """The data link that shares tracks between forces."""

    latency_s: NonNeg = Field(2.0, le=600.0, description="Delay from a report to its reception (s).")
    update_s: Pos = Field(2.0, le=600.0, description="Interval between track reports (s).")
    drop_prob: Prob = Field(0.0, description="Probability that a report is lost.")
    capacity_tracks: int | None = Field(None, ge=1, le=100_000, description="Most tracks one report carries (confirmed first, then the freshest, then the most accurate); default: no limit.")


class Tracking(Strict):
    """Each blue force's tracker: Kalman filters (CV, CA or IMM), chi-square gate, GNN or JPDA, M-of-N.

    The one declaration of these settings: the engine's tracker (``TrackerConfig.from_settings``) and
    the options of ``amdsim track`` take their defaults, bounds and descriptions from here."""

    model: Literal["kalman", "perfect"] = Field("perfect", description="kalman: tracks from the force's detections; perfect: exact tracks on every detected threat (baseline).")
    motion: Literal["cv", "ca", "imm", "imm_gravity", "imm_cv", "imm_cv_gravity"] = Field("imm_cv", description="Motion model: constant velocity, constant acceleration, an IMM of both, imm_gravity: an IMM of constant velocity and free fall, imm_cv: an IMM of a quiet and a manoeuvring constant-velocity mode, or imm_cv_gravity: imm_cv plus a free-fall mode (ballistic threats among air-breathers; ECEF only).")
    association: Literal["gnn", "jpda"] = Field("gnn", description="Data association: global nearest neighbour, or joint probabilistic data association (dense clutter).")
    process_noise_mps2: Pos = Field(20.0, le=1000.0, description="White-noise acceleration spectral level, as an acceleration standard deviation (m/s^2).")
    quiet_noise_mps2: Pos = Field(0.5, le=1000.0, description="imm_cv and imm_cv_gravity: the quiet (and free-fall) mode's white-noise acceleration level, as an acceleration standard deviation (m/s^2).")
    manoeuvre_noise_mps2: Pos = Field(50.0, le=1000.0, description="imm_cv and imm_cv_gravity: the manoeuvre mode's white-noise acceleration level, as an acceleration standard deviation (m/s^2; 50 covers 5 g turns).")
    mode_switch_prob: float = Field(0.005, gt=0.0, lt=0.5, description="IMM motions: probability of leaving a mode per second (per scan at 1 s scans; over a gap of dt s, 1 - (1 - p)^dt).")
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
    check_track_quality: bool = Field(True, description="Take a shot only on a track good enough for it: the interceptor type's launch requirements, launch/engage-on-remote, the seeker basket and fire-control capacity (false: any confirmed fresh track, for comparison).")


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


class LinkPair(Strict):
    """The data link between two forces, where it differs from the ``link:`` block (the default for
    every pair not listed). Symmetric unless ``one_way``; each field left out takes ``link:``'s value."""

    between: list[Ident] = Field(min_length=2, max_length=2, description="The two force ids; with one_way: from the first to the second.")
    one_way: bool = Field(False, description="Applies only to reports and messages from between[0] to between[1].")
    latency_s: NonNeg | None = Field(None, le=600.0, description="Delay from a report to its reception (s); default: link.latency_s.")
    update_s: Pos | None = Field(None, le=600.0, description="Interval between track reports on this pair (s); default: link.update_s.")
    drop_prob: Prob | None = Field(None, description="Probability that a report or message is lost; default: link.drop_prob.")
    capacity_tracks: int | None = Field(None, ge=1, le=100_000, description="Most tracks one report carries; default: link.capacity_tracks.")

    @model_validator(mode="after")
    def _two_forces(self):
        if self.between[0] == self.between[1]:
            raise ValueError(f"between names force {self.between[0]!r} twice: expected two different forces")
        return self


def _field_of(model: type[BaseModel], name: str) -> Any:
    """The declaration (type constraints, default, description) of ``model``'s field ``name``, for a
    field that is the same parameter elsewhere: declared once, there."""
    return copy.copy(model.model_fields[name])


def _refuse_without_base(model: BaseModel, names: tuple[str, ...]) -> None:
    """Sortie fields (take-off, sorties, climb) mean nothing for an aircraft without ``base:``."""
    given = [n for n in names if n in model.model_fields_set]
    if given:
        raise ValueError(f"{', '.join(given)} {'needs' if len(given) == 1 else 'need'} a base: give base (an "
                         "air_bases id) or leave them out: expected a base with them")


class Defended(Strict):
    """A platform that is also a defended asset (as an entry of ``assets:`` is): threat evaluation
    weighs the threats to it and a threat impacting within ``radius_m`` of it damages it."""

    value: float = _field_of(Asset, "value")
    radius_m: float = _field_of(Asset, "radius_m")


class PlatformRadar(Strict):
    """A radar carried by a platform: its antenna is ``mast_height_m`` above the platform's position."""

    id: Ident = Field(description="Identifier, unique within the platform; the sensor is named 'platform.id'.")
    mast_height_m: float = _field_of(RadarSite, "mast_height_m")
    radar: RadarSpec = Field(default_factory=RadarSpec)


#: Battery fields a platform battery takes from its platform (and may not give).
PLATFORM_GIVEN = ("force", "position", "route")


def _drop_platform_given(schema: dict) -> None:
    """JSON Schema of a platform battery: the fields its platform gives are not the user's to set."""
    for name in PLATFORM_GIVEN:
        schema.get("properties", {}).pop(name, None)
    schema["required"] = [r for r in schema.get("required", []) if r not in PLATFORM_GIVEN]


class PlatformBattery(Battery):
    """A battery carried by a platform: every field of a battery except ``force``, ``position`` and
    ``route``, which are the platform's (filled in from it); the shooter is named 'platform.id'. Its
    fire-control radars are the platform's radars (and its own ``radar:``, if given)."""

    model_config = ConfigDict(json_schema_extra=_drop_platform_given)


class Platform(Strict):
    """A ship or a ground site as one entity: one mover (its position and route) carrying radars and
    batteries. With ``defended:`` it is also a defended asset (threats may aim at its id)."""

    id: Ident
    force: Ident
    kind: Literal["ship", "ground"] = Field(description="ship (at sea, moves along its route) or ground (a fixed or road-mobile site).")
    position: Position = Field(description="Position at the start (the route starts here).")
    route: Route | None = Field(None, description="If given, the platform moves from position along it.")
    defended: Defended | None = Field(None, description="If given, the platform is also a defended asset.")
    radars: list[PlatformRadar] = Field(default_factory=list, description="Radars on the platform.")
    batteries: list[PlatformBattery] = Field(default_factory=list, description="Surface-to-air batteries on the platform.")

    @model_validator(mode="before")
    @classmethod
    def _batteries_take_the_platforms_place(cls, data: Any) -> Any:
        """Fill each battery's force, position and route from the platform; refuse them if given."""
        if not isinstance(data, dict) or not isinstance(data.get("batteries"), list):
            return data
        batteries = []
        for i, b in enumerate(data["batteries"]):
            if isinstance(b, dict):
                given = [k for k in PLATFORM_GIVEN if k in b]
                if given:
                    raise ValueError(f"batteries[{i}].{given[0]}: a platform battery takes its {', '.join(given)} "
                                     "from the platform: expected it left out")
                b = {**b, "force": data.get("force"), "position": data.get("position"), "route": data.get("route")}
            batteries.append(b)
        return {**data, "batteries": batteries}

    @model_validator(mode="after")
    def _inner_ids_unique(self) -> Platform:
        ids = ([("radars", i, r.id) for i, r in enumerate(self.radars)]
               + [("batteries", i, b.id) for i, b in enumerate(self.batteries)])
        seen: set[str] = set()
        for group, i, inner in ids:
            if inner in seen:
                raise ValueError(f"{group}[{i}].id: {inner!r} is used twice on this platform: expected each "
                                 "radar and battery id once")
            seen.add(inner)
        return self


class PlatformAsset(Asset):
    """The entry of ``Scenario.assets`` a platform's ``defended:`` adds (not written in YAML): every
    consumer of the defended assets sees the platform (threats aim at it, impacts damage it); its
    mover is the platform's own row."""

    platform: Ident = Field(description="Id of the platform this asset is.")


class AirBase(Strict):
    """An air base: fighters and AEW aircraft with ``base:`` take off here, land here and turn around."""

    id: Ident
    force: Ident
    position: Position
    runway_heading_deg: float | None = Field(None, ge=0.0, lt=360.0, description="Runway heading (deg from north): aircraft climb out straight along it for the first seconds after take-off; none: they turn towards their station at once.")
    turnaround_s: NonNeg = Field(1800.0, le=86_400.0, description="Time on the ground between landing and the next take-off: refuel, and missiles back to their full load (s); notional default.")


class LaunchWarning(Strict):
    """A notional space-based infrared launch-warning sensor (``sensors/launch_warning.py``): it reports
    every ballistic launch to the receiving forces after a delay, with a noisy launch point and flight
    azimuth (random stream ``launch_warning``); each report is a ``launch_warning`` event and cues the
    force's radars: for ``cue_duration_s`` each searches the sector that covers the reported ground
    track (as seen from the radar) every ``cued_revisit_s``, with ``cued_pulses`` pulses per dwell."""

    delay_s: NonNeg = Field(40.0, le=600.0, description="Time from lift-off to the report reaching the forces (s): the plume's detection above the clouds, processing and dissemination.")
    launch_point_sigma_m: NonNeg = Field(2_000.0, le=100_000.0, description="Error of the reported launch point, 1 sigma per horizontal axis (east, north) (m).")
    azimuth_sigma_deg: NonNeg = Field(5.0, le=90.0, description="Error of the reported flight azimuth, 1 sigma (deg).")
    forces: list[Ident] | None = Field(None, description="Forces that receive the reports; default: every blue force.")
    cue_duration_s: Pos = Field(300.0, le=3600.0, description="How long a report keeps the receiving forces' radars cued (s).")
    cue_length_m: Pos = Field(1_000_000.0, le=6_000_000.0, description="Length of the reported ground track, from the launch point along the reported azimuth, that the cued sector covers (m).")
    cued_revisit_s: Pos = Field(1.0, le=60.0, description="Revisit interval of the cued sector (s); a radar whose own revisit is shorter keeps its own.")
    cued_pulses: int = Field(4, ge=1, le=64, description="Pulses per cued dwell, integrated coherently: an SNR gain of that factor over the radar's search dwell (Skolnik, Introduction to Radar Systems, 3rd ed., sec. 2.6).")


# --- a contested sky (issue 20): friendly and neutral traffic, identification, degraded C2 -------------


IffMode = Literal["5", "3c"]
IFF_MODES: tuple[IffMode, ...] = ("5", "3c")


class Iff(Strict):
    """An aircraft's IFF transponder (Mark XII-style modes, notional): it answers a blue radar's
    interrogation in each of its modes with ``reply_prob`` while it works (a failure silences every mode)."""

    reply_prob: Prob = Field(0.95, description="Probability a working transponder answers one interrogation (dimensionless).")
    fail_at_s: NonNeg | None = Field(None, description="Time the transponder fails (s from the scenario start); none: no failure at a set time.")
    fail_prob: Prob = Field(0.0, description="Probability, drawn once per replication, that the transponder has failed from the start (a chance failure).")
    modes: list[IffMode] = Field(default_factory=lambda: list(IFF_MODES), min_length=1, description="Modes it answers (notional): 5, the secure military mode (a reply identifies a friend); 3c, the civil identity and altitude mode (a reply alone says only: a cooperative aircraft).")


class AirTraffic(Aircraft):
    """A friendly or neutral aircraft flying a route: sensed and tracked like a threat, never a threat.

    ``force`` is the (blue) force that owns or controls it; ``identity`` is its true allegiance."""

    identity: Literal["friend", "neutral"] = Field("friend", description="True allegiance: friend (an allied aircraft) or neutral (a civil aircraft).")
    iff: Iff | None = Field(default_factory=Iff, description="Its IFF transponder (military modes); null: none (a civil aircraft answers no military mode).")

    @model_validator(mode="after")
    def _no_site(self):
        if self.site is not None:
            raise ValueError("air traffic takes off from a launch_position, not a (red) launch site: expected launch_position")
        return self


class Airliners(Strict):
    """Civil airliners flying a corridor's centreline end to end, one after another (notional)."""

    force: Ident = Field(description="Blue force that controls the airspace they fly in (bookkeeping).")
    count: int = Field(1, ge=1, le=1000, description="Airliners flown.")
    start_s: NonNeg = Field(0.0, description="Time the first enters the corridor (s).")
    interval_s: Pos = Field(600.0, description="Time between two entries (s).")
    speed_mps: Pos = Field(230.0, le=400.0, description="Ground speed (m/s); about 450 kt.")
    alt_m: Pos = Field(10_000.0, le=15_000.0, description="Cruise height above the surface (m).")
    rcs_m2: Pos = Field(50.0, description="Mean radar cross-section (m^2).")
    reverse: bool = Field(False, description="Fly the waypoints in reverse order.")
    squawk: bool = Field(True, description="They answer IFF mode 3/C (the civil mode; reply probability 0.99).")


class Corridor(Strict):
    """A corridor of the airspace control order: a civil air route or a safe return corridor for
    friendly aircraft, as a centreline, a half-width and a height band (procedural identification)."""

    id: Ident
    kind: Literal["civil", "return"] = Field(description="civil: a published-style air route; return: a safe return corridor.")
    waypoints: list[Waypoint] = Field(min_length=2, description="Centreline, in flight order.")
    half_width_m: Pos = Field(10_000.0, le=200_000.0, description="Half-width of the corridor (m).")
    min_alt_m: NonNeg = Field(0.0, le=30_000.0, description="Lowest height of the safe passage band (m above the ellipsoid).")
    max_alt_m: Pos = Field(15_000.0, le=30_000.0, description="Highest height of the band (m above the ellipsoid).")
    max_speed_mps: Pos = Field(300.0, le=1_500.0, description="Fastest ground speed that adheres to the procedure (m/s).")
    airliners: Airliners | None = Field(None, description="Civil airliners flying the corridor (civil corridors).")


class Identification(Strict):
    """Combat identification by rules of engagement (``c2/identify.py``): each track gets an identity
    (pending, unknown, assumed friend, friend, neutral, suspect, hostile) from the evidence the force has.
    Absent: identification is off and every track is engageable as before."""

    iff_range_m: Pos = Field(250_000.0, le=1_000_000.0, description="Range within which a blue radar's detection triggers an IFF interrogation (m).")
    iff_memory_s: Pos = Field(60.0, le=3600.0, description="How long a valid IFF reply counts as current (s).")
    silent_interrogations: int = Field(2, ge=1, le=100, description="Unanswered interrogations (without a reply since) after which a track stops being pending.")
    hostile_speed_mps: Pos = Field(600.0, le=10_000.0, description="A track faster than this has a hostile (missile) profile (m/s).")
    hostile_descent_mps: Pos = Field(80.0, le=10_000.0, description="A track descending faster than this has a hostile (attack or anti-radiation missile) profile (m/s).")
    friendly_origin: list[Waypoint] | None = Field(None, description="Polygon (lat, lon; 3 points or more) of friendly territory: a track first seen inside it has a friendly point of origin (assumed friend); outside it, an unanswered track is suspect.")
    use_corridors: bool = Field(True, description="Procedural identification: a track inside a return corridor at its heights and speed is an assumed friend, in a civil corridor a neutral.")
    profile_before_procedure: bool = Field(False, description="Stricter or looser order of the rules: true lets a hostile flight profile override corridor adherence and a friendly origin (looser, the risk of fratricide); false (default): the procedure first.")


class WcsChange(Strict):
    """A change of a zone's weapon control status at a time."""

    at_s: NonNeg = Field(description="Time the status changes (s from the scenario start).")
    wcs: Literal["free", "tight", "hold"] = Field(description="The status from then on.")


class AirspaceZone(Strict):
    """A zone of the airspace control order (``c2/airspace.py``): who may engage inside it, and at what
    weapon control status. Fighter engagement zone (fez): fighters only; missile engagement zone (mez):
    surface-to-air batteries only; joint engagement zone (jez): both."""

    id: Ident
    kind: Literal["fez", "mez", "jez"] = Field(description="fez: fighters engage inside; mez: batteries; jez: both.")
    polygon: list[Waypoint] = Field(min_length=3, description="Boundary (lat, lon), 3 points or more.")
    min_alt_m: NonNeg = Field(0.0, le=100_000.0, description="Floor of the zone (m above the ellipsoid).")
    max_alt_m: Pos = Field(30_000.0, le=100_000.0, description="Ceiling of the zone (m above the ellipsoid).")
    wcs: Literal["free", "tight", "hold"] = Field("free", description="Weapon control status inside the zone at the start: free, tight or hold (the stricter of it and the shooter's own applies).")
    changes: list[WcsChange] = Field(default_factory=list, description="Later changes of the status, in time order.")


class Jammer(Strict):
    """A barrage noise jammer carried by a red aircraft (every launch of the ``host`` aircraft type):
    an escort jammer flies with the raid, a stand-off jammer on a route outside the defences."""

    id: Ident
    host: Ident = Field(description="Id of the red aircraft entry (aircraft:) that carries it.")
    kind: Literal["escort", "standoff"] = Field("escort", description="Its role (for the records; the physics is the same: main lobe or sidelobes follow from the geometry).")
    power_w: Pos = Field(100.0, le=1.0e6, description="Jammer transmitter power Pj (W).")
    gain_db: float = Field(10.0, ge=-10.0, le=40.0, description="Jammer antenna gain Gj toward the radars (dBi).")
    bandwidth_hz: Pos = Field(100.0e6, description="Jamming bandwidth Bj (Hz), at least the radars' bandwidth (barrage noise).")
    on_s: NonNeg = Field(0.0, description="Time it starts jamming (s).")


class ElectronicProtection(Strict):
    """How the blue radars meet noise jamming (sensors/jamming.py); one block for every radar (notional)."""

    gain_db: float = Field(35.0, ge=0.0, le=60.0, description="Antenna gain G on receive toward a jammer in the main lobe (dBi), for radars without physics:.")
    noise_figure_db: float = Field(3.0, ge=0.0, le=30.0, description="Receiver noise figure F (dB), for radars without physics:.")
    bandwidth_hz: Pos = Field(1.0e6, description="Receiver noise bandwidth Bn (Hz), for radars without physics:.")
    sidelobe_db: float = Field(-30.0, ge=-80.0, le=0.0, description="Average sidelobe level relative to the main-lobe gain (dB, negative).")
    beamwidth_deg: Pos = Field(2.0, le=60.0, description="Main-lobe width (deg): a jammer within half of it from the target's direction jams through the main lobe.")
    eccm_db: NonNeg = Field(0.0, le=60.0, description="ECCM improvement factor: the jamming power the radar's counter-countermeasures remove (dB).")
    strobe_jn_db: float = Field(0.0, ge=-20.0, le=60.0, description="J/N (main lobe) above which the radar reports a strobe, the jammer's bearing (dB).")


class C2Outage(Strict):
    """A data link or command node lost: the shooters it names fight autonomous (own radar, own
    identification) from ``start_s`` and rejoin the network at ``end_s`` (``links/degrade.py``)."""

    force: Ident | None = Field(None, description="Force whose link is lost (every one of its shooters autonomous, its reports neither sent nor received).")
    battery: Ident | None = Field(None, description="Battery (or fighter flight) cut off from its command node.")
    start_s: NonNeg = Field(0.0, description="Time the link is lost (s).")
    end_s: Pos | None = Field(None, description="Time it returns (s); none: not in this run.")
    prob: Prob = Field(1.0, description="Probability, drawn once per replication, that the outage happens.")

    @model_validator(mode="after")
    def _one_target(self):
        if (self.force is None) == (self.battery is None):
            raise ValueError("give exactly one of 'force' or 'battery'")
        if self.end_s is not None and self.end_s <= self.start_s:
            raise ValueError(f"end_s ({self.end_s}) must be after start_s ({self.start_s})")
        return self


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
    platforms: list[Platform] = Field(default_factory=list, description="Ships and ground sites, each one entity carrying its radars and batteries.")
    air_bases: list[AirBase] = Field(default_factory=list, description="Air bases fighters and AEW aircraft fly from (their base:).")
    interceptor_types: list[InterceptorType] = Field(default_factory=list)
    link: Link = Field(default_factory=Link)
    links: list[LinkPair] = Field(default_factory=list, description="Links per pair of forces that differ from link: (which serves every other pair).")
    tracking: Tracking = Field(default_factory=Tracking)
    c2: C2 = Field(default_factory=C2)
    strike: Strike = Field(default_factory=Strike)
    launch_warning: LaunchWarning | None = Field(None, description="Space-based infrared launch warning of ballistic launches, cueing the radars; default: none.")
    # a contested sky (issue 20); each absent: as before
    air_traffic: list[AirTraffic] = Field(default_factory=list, description="Friendly and neutral aircraft on routes (sensed and tracked, not threats).")
    corridors: list[Corridor] = Field(default_factory=list, description="Civil air routes and safe return corridors of the airspace control order.")
    identification: Identification | None = Field(None, description="Combat identification rules; default: off (every track engageable).")
    c2_outages: list[C2Outage] = Field(default_factory=list, description="Links or command nodes lost at a time or by chance.")
    jammers: list[Jammer] = Field(default_factory=list, description="Noise jammers carried by red aircraft; none: no jamming.")
    electronic_protection: ElectronicProtection = Field(default_factory=ElectronicProtection, description="The blue radars' parameters against jamming.")
    airspace_zones: list[AirspaceZone] = Field(default_factory=list, description="Fighter, missile and joint engagement zones with their weapon control status; none: no airspace control.")

    @field_validator("start_utc")
    @classmethod
    def _utc(cls, v: datetime) -> datetime:
        return v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)

    @model_validator(mode="after")
    def _defended_platforms_are_assets(self):
        """Each platform with ``defended:`` becomes an entry of ``assets`` (a :class:`PlatformAsset`), so
        that threats aim at it and everything that reads the defended assets sees it. An id an asset
        already has is left to the duplicate-id check (``scenario/references.py``)."""
        ids = {a.id for a in self.assets}
        for p in self.platforms:
            if p.defended is not None and p.id not in ids:
                self.assets.append(PlatformAsset(id=p.id, force=p.force, position=p.position, route=p.route,
                                                 value=p.defended.value, radius_m=p.defended.radius_m, platform=p.id))
        return self
