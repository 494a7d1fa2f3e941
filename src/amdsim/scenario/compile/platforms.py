"""Blue and red platforms: defended assets, launch sites, ships and ground sites (``platforms:``), air
bases, radars, AEW, fighters and batteries.

Each becomes a mover row (in that order, each kind in scenario order); radars add sensor rows
and fighters and batteries shooter rows. A fighter is both: its radar is a sensor, the aircraft a
shooter with one launcher (itself) that fires every ``FIGHTER_RELOAD_S``. A platform is one mover
row hosting every sensor and shooter it carries (named ``platform.radar`` / ``platform.battery``),
so a shooter's fire-control radars are the sensors with its host; a defended platform is its own
asset row. An aircraft with ``base:`` starts at its air base (``pos0``), waiting until its first
take-off (``t_launch``), and flies its sorties as ``movers/sortie.py`` says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from amdsim.core.constants import FIGHTER_RELOAD_S
from amdsim.core.geodesy import geodetic2ecef
from amdsim.core.kinds import Behavior, MoverKind
from amdsim.core.orbit import orbit_position
from amdsim.core.units import DEG
from amdsim.scenario.compile.radar import radar_row
from amdsim.scenario.compile.rows import Rows, ecef, route_fields, table
from amdsim.scenario.models import AirBase, Battery, FireControl, Orbit, PlatformAsset, Scenario
from amdsim.world.tables import DOCTRINE_CODES, SensorTable, ShooterTable

#: Column dtypes of the sensor and shooter tables (None: a list of str).
SENSOR_DTYPES = dict(
    name=None, host=np.int32, force=np.int16, platform=None, height_offset=float, wavelength=float, ref_range=float,
    ref_rcs=float, ref_snr=float, max_range=float, min_range=float, pfa=float, swerling=np.int8,
    n_pulses=np.int32, revisit=float, az_center=float, az_width=float, el_min=float, el_max=float,
    sigma_range=float, sigma_az=float, sigma_el=float, fa_per_scan=float, multipath=bool, relative_az=bool)
SHOOTER_DTYPES = dict(
    name=None, host=np.int32, force=np.int16, itype=np.int32, rounds=np.int32, launchers=np.int32,
    reload=float, doctrine=np.int8, salvo_size=np.int32, reserve=np.int32, weapons_free=bool,
    is_fighter=bool, dash_speed=float, endurance=float, first_row=np.int32, group=None,
    fc_max_tracks=np.int32, fc_max_missiles=np.int32, launch_on_remote=bool, engage_on_remote=bool)


@dataclass
class Platforms:
    """What the platforms leave for the rest of compilation: the mover rows of assets and launch
    sites (threats aim at the ones, start from the others) and the sensor and shooter rows."""

    asset_row: dict[str, int] = field(default_factory=dict)
    asset_meta: list[tuple[int, float, float]] = field(default_factory=list)   # (row, value, radius_m)
    site_row: dict[str, int] = field(default_factory=dict)
    site_meta: list[tuple[int, float]] = field(default_factory=list)           # (row, detectability)
    sensors: list[dict] = field(default_factory=list)
    shooters: list[dict] = field(default_factory=list)
    base_row: dict[str, int] = field(default_factory=dict)                   # air base id -> mover row


def add_platforms(sc: Scenario, rows: Rows, forces: dict[str, int]) -> Platforms:
    """Mover rows of every platform, in the order: assets, launch sites, platforms, air bases, radars, AEW,
    fighters, batteries."""
    out = Platforms()
    itypes = {t.id: i for i, t in enumerate(sc.interceptor_types)}
    _assets(sc, rows, forces, out)
    _launch_sites(sc, rows, forces, out)
    _platforms(sc, rows, forces, itypes, out)
    _air_bases(sc, rows, forces, out)
    _radars(sc, rows, forces, out)
    _aew(sc, rows, forces, out)
    _fighters(sc, rows, forces, itypes, out)
    _batteries(sc, rows, forces, itypes, out)
    return out


def sensor_table(sensors: list[dict]) -> SensorTable:
    return table(SensorTable, sensors, SENSOR_DTYPES)


def shooter_table(shooters: list[dict]) -> ShooterTable:
    return table(ShooterTable, shooters, SHOOTER_DTYPES)


def _assets(sc: Scenario, rows: Rows, forces: dict[str, int], out: Platforms) -> None:
    for a in sc.assets:
        if isinstance(a, PlatformAsset):
            continue        # a defended platform: its own row is the asset (_platforms)
        extra = route_fields(rows, a.route) if a.route else {}
        r = rows.add(name=a.id, kind=MoverKind.ASSET, force=forces[a.force], pos0=ecef(a.position),
                     type_name="asset", **extra)
        out.asset_row[a.id] = r
        out.asset_meta.append((r, a.value, a.radius_m))


def _launch_sites(sc: Scenario, rows: Rows, forces: dict[str, int], out: Platforms) -> None:
    for s in sc.launch_sites:
        r = rows.add(name=s.id, kind=MoverKind.LAUNCH_SITE, force=forces[s.force], pos0=ecef(s.position),
                     type_name="launch_site")
        out.site_row[s.id] = r
        out.site_meta.append((r, s.detectability))


def _platforms(sc: Scenario, rows: Rows, forces: dict[str, int], itypes: dict[str, int], out: Platforms) -> None:
    """One mover row per platform (its position and route) hosting its radars and batteries."""
    for p in sc.platforms:
        f = forces[p.force]
        extra = route_fields(rows, p.route) if p.route else {}
        kind = MoverKind.SHIP if p.kind == "ship" else MoverKind.GROUND_SITE
        r = rows.add(name=p.id, kind=kind, force=f, pos0=ecef(p.position), type_name=kind.name.lower(), **extra)
        if p.defended is not None:
            out.asset_row[p.id] = r
            out.asset_meta.append((r, p.defended.value, p.defended.radius_m))
        for pr in p.radars:
            out.sensors.append(dict(name=f"{p.id}.{pr.id}", host=r, force=f, platform=p.kind,
                                    height_offset=pr.mast_height_m, **radar_row(pr.radar, False)))
        for b in p.batteries:
            name = f"{p.id}.{b.id}"
            if b.radar is not None:
                out.sensors.append(dict(name=f"{name}.radar", host=r, force=f, platform=p.kind,
                                        height_offset=b.mast_height_m, **radar_row(b.radar, False)))
            out.shooters.append(battery_shooter(b, name, r, f, itypes,
                                                has_radar=bool(p.radars) or b.radar is not None))


def _air_bases(sc: Scenario, rows: Rows, forces: dict[str, int], out: Platforms) -> None:
    for ab in sc.air_bases:
        out.base_row[ab.id] = rows.add(name=ab.id, kind=MoverKind.AIR_BASE, force=forces[ab.force],
                                       pos0=ecef(ab.position), type_name="air_base")


def sortie_fields(base: AirBase, base_row: int, takeoff: float, sorties: int, fuel_time: float,
                  station_time: float, climb_rate: float) -> dict:
    """Mover-row columns of an aircraft flying ``sorties`` from ``base`` (its orbit columns come from
    :func:`orbit_fields`): it waits at the base until ``takeoff`` (s)."""
    heading = np.nan if base.runway_heading_deg is None else base.runway_heading_deg * DEG
    return dict(pos0=ecef(base.position), behavior=Behavior.SORTIE, t_launch=takeoff, base_row=base_row,
                sorties=sorties, turnaround=base.turnaround_s, fuel_time=fuel_time, station_time=station_time,
                climb_rate=climb_rate, runway_heading=heading)


def _radars(sc: Scenario, rows: Rows, forces: dict[str, int], out: Platforms) -> None:
    for rs in sc.radars:
        extra = route_fields(rows, rs.route) if rs.route else {}
        kind = MoverKind.SHIP_RADAR if rs.mount == "ship" else MoverKind.RADAR_SITE
        r = rows.add(name=rs.id, kind=kind, force=forces[rs.force], pos0=ecef(rs.position),
                     type_name=f"{rs.mount}_radar", **extra)
        out.sensors.append(dict(name=rs.id, host=r, force=forces[rs.force], platform=rs.mount,
                                height_offset=rs.mast_height_m, **radar_row(rs.radar, False)))


def _aew(sc: Scenario, rows: Rows, forces: dict[str, int], out: Platforms) -> None:
    bases = {ab.id: ab for ab in sc.air_bases}
    for w in sc.aew:
        if w.base is None:
            r = rows.add(name=w.id, kind=MoverKind.AEW, force=forces[w.force], type_name="aew",
                         **orbit_fields(w.orbit, 0.0), t_launch=w.on_station_s)
        else:   # on station for endurance_s, no fuel limit of its own
            r = rows.add(name=w.id, kind=MoverKind.AEW, force=forces[w.force], type_name="aew", **{
                **orbit_fields(w.orbit, 0.0), **sortie_fields(bases[w.base], out.base_row[w.base], w.takeoff_s,
                                                              w.sorties, np.inf, w.endurance_s, w.climb_rate_mps)})
        # the antenna is at the aircraft's position: no mast above an airborne host
        out.sensors.append(dict(name=w.id, host=r, force=forces[w.force], platform="aew", height_offset=0.0,
                                **radar_row(w.radar, False)))


def _fighters(sc: Scenario, rows: Rows, forces: dict[str, int], itypes: dict[str, int], out: Platforms) -> None:
    bases = {ab.id: ab for ab in sc.air_bases}
    for fl in sc.fighters:
        for k in range(fl.count):
            phase = 2 * np.pi * k / max(fl.count, 1)     # the flight spread evenly round its orbit
            name = f"{fl.id}.{k + 1}"
            cols = orbit_fields(fl.orbit, phase)
            if fl.base is not None:     # fuel counted from each take-off; on station until winchester or bingo
                cols.update(sortie_fields(bases[fl.base], out.base_row[fl.base],
                                          fl.takeoff_s + k * fl.takeoff_interval_s, fl.sorties, fl.endurance_s,
                                          np.inf, fl.climb_rate_mps))
            r = rows.add(name=name, kind=MoverKind.FIGHTER, force=forces[fl.force], type_name="fighter",
                         **cols, speed_dash=fl.dash_speed_mps)
            out.sensors.append(dict(name=name, host=r, force=forces[fl.force], platform="fighter",
                                    height_offset=0.0, **radar_row(fl.radar, True)))
            out.shooters.append(dict(
                name=name, host=r, force=forces[fl.force], itype=itypes[fl.interceptor], rounds=fl.missiles,
                launchers=1, reload=FIGHTER_RELOAD_S, doctrine=DOCTRINE_CODES[fl.doctrine.mode],
                salvo_size=fl.doctrine.salvo_size, reserve=fl.doctrine.reserve,
                weapons_free=fl.doctrine.weapons_free, is_fighter=True, dash_speed=fl.dash_speed_mps,
                endurance=fl.endurance_s, group=fl.id, **fire_control_fields(fl.fire_control, has_radar=True),
                # interceptor rows for the missiles of the later sorties (a rearm takes them; compile/interceptors.py)
                sortie_rounds=fl.missiles * (fl.sorties - 1) if fl.base is not None else 0))


def _batteries(sc: Scenario, rows: Rows, forces: dict[str, int], itypes: dict[str, int], out: Platforms) -> None:
    for b in sc.batteries:
        extra = route_fields(rows, b.route) if b.route else {}
        r = rows.add(name=b.id, kind=MoverKind.BATTERY, force=forces[b.force], pos0=ecef(b.position),
                     type_name="battery", **extra)
        if b.radar is not None:
            out.sensors.append(dict(name=f"{b.id}.radar", host=r, force=forces[b.force], platform="battery",
                                    height_offset=b.mast_height_m, **radar_row(b.radar, False)))
        out.shooters.append(battery_shooter(b, b.id, r, forces[b.force], itypes, has_radar=b.radar is not None))


def battery_shooter(b: Battery, name: str, host: int, force: int, itypes: dict[str, int], has_radar: bool) -> dict:
    """Shooter-table columns of battery ``b`` on mover row ``host`` (its own row, or its platform's)."""
    # a battery has no fuel to run out of (endurance inf) and does not dash (speed 0)
    return dict(
        name=name, host=host, force=force, itype=itypes[b.interceptor],
        rounds=b.launchers * b.interceptors_per_launcher, launchers=b.launchers, reload=b.reload_s,
        doctrine=DOCTRINE_CODES[b.doctrine.mode], salvo_size=b.doctrine.salvo_size,
        reserve=b.doctrine.reserve, weapons_free=b.doctrine.weapons_free, is_fighter=False,
        dash_speed=0.0, endurance=np.inf, group=name, reload_rounds=b.reloads, reload_time=b.reload_time_s,
        **fire_control_fields(b.fire_control, has_radar=has_radar))


#: Fire-control capacity standing for "no limit".
NO_FC_LIMIT = 1_000_000


def fire_control_fields(fc: FireControl, has_radar: bool) -> dict:
    """Shooter-table columns of a shooter's fire control; engage-on-remote defaults to "no radar of its own"."""
    return dict(fc_max_tracks=NO_FC_LIMIT if fc.max_tracks is None else fc.max_tracks,
                fc_max_missiles=NO_FC_LIMIT if fc.max_missiles is None else fc.max_missiles,
                launch_on_remote=fc.launch_on_remote,
                engage_on_remote=(not has_radar) if fc.engage_on_remote is None else fc.engage_on_remote)


def orbit_fields(orbit: Orbit, phase: float) -> dict:
    """Mover-row columns of an aircraft on ``orbit`` at bearing ``phase`` (rad) from its centre at t = 0."""
    direction = 1.0 if orbit.clockwise else -1.0
    lat, lon, _ = orbit_position(0.0, orbit.center.lat_deg * DEG, orbit.center.lon_deg * DEG, orbit.radius_m,
                                 orbit.speed_mps, direction, phase)
    return dict(pos0=tuple(geodetic2ecef(lat, lon, orbit.alt_m).tolist()), behavior=Behavior.ORBIT,
                orb_lat=orbit.center.lat_deg * DEG, orb_lon=orbit.center.lon_deg * DEG,
                orb_radius=orbit.radius_m, orb_alt=orbit.alt_m, orb_dir=direction, orb_phase0=phase,
                speed=orbit.speed_mps)
