"""Compile a validated :class:`Scenario` into SI arrays the engine runs on.

Degrees become radians, every entity becomes a row of a table, references become integer
indices. The result is a plain picklable dataclass (it crosses process and Dask boundaries).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from amdsim.core.geodesy import EARTH_MU, geodetic2ecef
from amdsim.core.kepler import burnout_state
from amdsim.core.kinds import Behavior, MoverKind, Side
from amdsim.scenario.models import RadarSpec, Route, Scenario
from amdsim.world.tables import (
    DOCTRINE_CODES,
    TERMINAL_CODES,
    CompiledScenario,
    InterceptorTypeTable,
    MoverTable,
    SensorTable,
    ShooterTable,
)

DEG = np.pi / 180.0












class _Rows:
    """Accumulates mover rows as dicts of columns, then freezes them into a MoverTable."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.wp_lat: list[float] = []
        self.wp_lon: list[float] = []
        self.wp_agl: list[float] = []

    def add(self, **kw) -> int:
        self.rows.append(kw)
        return len(self.rows) - 1

    def add_route(self, waypoints: list[tuple[float, float, float]]) -> tuple[int, int]:
        off = len(self.wp_lat)
        for lat, lon, agl in waypoints:
            self.wp_lat.append(lat)
            self.wp_lon.append(lon)
            self.wp_agl.append(agl)
        return off, len(waypoints)

    def freeze(self) -> MoverTable:
        n = len(self.rows)
        defaults = dict(parent=-1, type_name="", behavior=Behavior.STATIC, t_launch=0.0, rcs=1.0,
                        vel0=(0.0, 0.0, 0.0), wp_offset=0, wp_count=0, speed=0.0, agl=0.0, loop=False,
                        home_on=-1, term_kind=0, term_range=0.0, term_alt=0.0, orb_lat=0.0, orb_lon=0.0,
                        orb_radius=0.0, orb_alt=0.0, orb_dir=1.0, orb_phase0=0.0, impact_radius=0.0,
                        ballistic_coeff=np.inf, aim_asset=-1)

        def col(key, dtype):
            return np.array([r.get(key, defaults.get(key)) for r in self.rows], dtype=dtype).reshape(
                (n, 3) if key in ("pos0", "vel0") else (n,))

        return MoverTable(
            name=[r["name"] for r in self.rows], kind=col("kind", np.int8), force=col("force", np.int16),
            parent=col("parent", np.int32), type_name=[r.get("type_name", "") for r in self.rows],
            behavior=col("behavior", np.int8), t_launch=col("t_launch", float), rcs=col("rcs", float),
            rcs_side=np.array([r.get("rcs_side") or r.get("rcs", 1.0) for r in self.rows], float),
            rcs_tail=np.array([r.get("rcs_tail") or r.get("rcs", 1.0) for r in self.rows], float),
            vulnerability=np.array([1.0 if r.get("vulnerability") is None else r["vulnerability"] for r in self.rows],
                                   float),
            pos0=col("pos0", float), vel0=col("vel0", float), wp_offset=col("wp_offset", np.int32),
            wp_count=col("wp_count", np.int32), wp_lat=np.array(self.wp_lat, float),
            wp_lon=np.array(self.wp_lon, float), wp_agl=np.array(self.wp_agl, float),
            speed=col("speed", float), agl=col("agl", float), loop=col("loop", bool),
            home_on=col("home_on", np.int32), term_kind=col("term_kind", np.int8),
            term_range=col("term_range", float), term_alt=col("term_alt", float),
            orb_lat=col("orb_lat", float), orb_lon=col("orb_lon", float), orb_radius=col("orb_radius", float),
            orb_alt=col("orb_alt", float), orb_dir=col("orb_dir", float), orb_phase0=col("orb_phase0", float),
            impact_radius=col("impact_radius", float), ballistic_coeff=col("ballistic_coeff", float),
            aim_asset=col("aim_asset", np.int32),
        )


def _ecef(p) -> tuple[float, float, float]:
    return tuple(geodetic2ecef(p.lat_deg * DEG, p.lon_deg * DEG, p.alt_m).tolist())


def _route_fields(rows: _Rows, route: Route) -> dict:
    off, cnt = rows.add_route([(w.lat_deg * DEG, w.lon_deg * DEG, np.nan if w.alt_m is None else w.alt_m)
                               for w in route.waypoints])
    return dict(behavior=Behavior.ROUTE, wp_offset=off, wp_count=cnt, speed=route.speed_mps,
                agl=route.alt_m, loop=route.loop)


def _radar_row(spec: RadarSpec, relative_az: bool) -> dict:
    ref_range = spec.ref_range_m
    if spec.physics is not None:
        from amdsim.core.radar_equation import reference_range_from_equation

        ph = spec.physics
        ref_range = float(reference_range_from_equation(
            10 ** (spec.ref_snr_db / 10), spec.ref_rcs_m2, ph.peak_power_w, 10 ** (ph.gain_db / 10), spec.wavelength_m,
            bandwidth=ph.bandwidth_hz, noise_figure_db=ph.noise_figure_db, losses_db=ph.losses_db))
    return dict(
        wavelength=spec.wavelength_m, ref_range=ref_range, ref_rcs=spec.ref_rcs_m2, ref_snr=10 ** (spec.ref_snr_db / 10),
        max_range=spec.max_range_m, min_range=spec.min_range_m, pfa=spec.pfa, swerling=spec.swerling,
        n_pulses=spec.n_pulses, revisit=spec.revisit_s, az_center=spec.az_center_deg * DEG,
        az_width=spec.az_width_deg * DEG, el_min=spec.el_min_deg * DEG, el_max=spec.el_max_deg * DEG,
        sigma_range=spec.sigma_range_m, sigma_az=spec.sigma_az_deg * DEG, sigma_el=spec.sigma_el_deg * DEG,
        fa_per_scan=spec.false_alarms_per_scan, multipath=spec.multipath, relative_az=relative_az,
    )


def compile_scenario(sc: Scenario, base_dir: Path | None = None, scenario_hash: str = "") -> CompiledScenario:
    """Turn a validated scenario into arrays. ``base_dir`` resolves relative file paths (DEM)."""
    forces = {f.id: i for i, f in enumerate(sc.forces)}
    rows = _Rows()
    sensors: list[dict] = []
    shooters: list[dict] = []
    itypes = {t.id: i for i, t in enumerate(sc.interceptor_types)}
    asset_row: dict[str, int] = {}
    asset_meta: list[tuple[int, float, float]] = []
    site_row: dict[str, int] = {}
    site_meta: list[tuple[int, float]] = []

    for a in sc.assets:
        extra = _route_fields(rows, a.route) if a.route else {}
        r = rows.add(name=a.id, kind=MoverKind.ASSET, force=forces[a.force], pos0=_ecef(a.position),
                     type_name="asset", **extra)
        asset_row[a.id] = r
        asset_meta.append((r, a.value, a.radius_m))
    for s in sc.launch_sites:
        r = rows.add(name=s.id, kind=MoverKind.LAUNCH_SITE, force=forces[s.force], pos0=_ecef(s.position),
                     type_name="launch_site")
        site_row[s.id] = r
        site_meta.append((r, s.detectability))
    for rs in sc.radars:
        extra = _route_fields(rows, rs.route) if rs.route else {}
        kind = MoverKind.SHIP_RADAR if rs.mount == "ship" else MoverKind.RADAR_SITE
        r = rows.add(name=rs.id, kind=kind, force=forces[rs.force], pos0=_ecef(rs.position),
                     type_name=f"{rs.mount}_radar", **extra)
        sensors.append(dict(name=rs.id, host=r, force=forces[rs.force], platform=rs.mount,
                            height_offset=rs.mast_height_m, **_radar_row(rs.radar, False)))
    for w in sc.aew:
        r = rows.add(name=w.id, kind=MoverKind.AEW, force=forces[w.force], type_name="aew",
                     **_orbit_fields(w.orbit, 0.0), t_launch=w.on_station_s)
        sensors.append(dict(name=w.id, host=r, force=forces[w.force], platform="aew", height_offset=0.0,
                            **_radar_row(w.radar, False)))
    for fl in sc.fighters:
        for k in range(fl.count):
            phase = 2 * np.pi * k / max(fl.count, 1)
            name = f"{fl.id}.{k + 1}"
            r = rows.add(name=name, kind=MoverKind.FIGHTER, force=forces[fl.force], type_name="fighter",
                         **_orbit_fields(fl.orbit, phase), parent=-1)
            rows.rows[r]["speed_dash"] = fl.dash_speed_mps
            sensors.append(dict(name=name, host=r, force=forces[fl.force], platform="fighter", height_offset=0.0,
                                **_radar_row(fl.radar, True)))
            shooters.append(dict(name=name, host=r, force=forces[fl.force], itype=itypes[fl.interceptor],
                                 rounds=fl.missiles, launchers=1, reload=2.0, doctrine=DOCTRINE_CODES[fl.doctrine.mode],
                                 salvo_size=fl.doctrine.salvo_size, reserve=fl.doctrine.reserve,
                                 weapons_free=fl.doctrine.weapons_free, is_fighter=True,
                                 dash_speed=fl.dash_speed_mps, endurance=fl.endurance_s, group=fl.id))
    for b in sc.batteries:
        extra = _route_fields(rows, b.route) if b.route else {}
        r = rows.add(name=b.id, kind=MoverKind.BATTERY, force=forces[b.force], pos0=_ecef(b.position),
                     type_name="battery", **extra)
        if b.radar is not None:
            sensors.append(dict(name=f"{b.id}.radar", host=r, force=forces[b.force], platform="battery",
                                height_offset=b.mast_height_m, **_radar_row(b.radar, False)))
        shooters.append(dict(name=b.id, host=r, force=forces[b.force], itype=itypes[b.interceptor],
                             rounds=b.launchers * b.interceptors_per_launcher, launchers=b.launchers,
                             reload=b.reload_s, doctrine=DOCTRINE_CODES[b.doctrine.mode],
                             salvo_size=b.doctrine.salvo_size, reserve=b.doctrine.reserve,
                             weapons_free=b.doctrine.weapons_free, is_fighter=False, dash_speed=0.0,
                             endurance=np.inf, group=b.id))

    def launch_point(t):
        if t.site is not None:
            p = next(s for s in sc.launch_sites if s.id == t.site).position
            return p, site_row[t.site]
        return t.launch_position, -1

    for cm in sc.cruise_missiles:
        p, parent = launch_point(cm)
        tgt = next(a for a in sc.assets if a.id == cm.target)
        wps = [(w.lat_deg * DEG, w.lon_deg * DEG, np.nan if w.alt_m is None else w.alt_m) for w in cm.waypoints]
        wps.append((tgt.position.lat_deg * DEG, tgt.position.lon_deg * DEG, np.nan))
        for i, t_l in enumerate(cm.launch_times()):
            off, cnt = rows.add_route(wps)
            rows.add(name=f"{cm.id}.{i + 1}", kind=MoverKind.CRUISE_MISSILE, force=forces[cm.force], parent=parent,
                     type_name=cm.id, behavior=Behavior.ROUTE, t_launch=t_l, vulnerability=cm.vulnerability, rcs=cm.rcs_m2, rcs_side=cm.rcs_side_m2, rcs_tail=cm.rcs_tail_m2,
                     pos0=_ecef(p), wp_offset=off, wp_count=cnt, speed=cm.speed_mps, agl=cm.cruise_alt_m,
                     home_on=asset_row[cm.target] if tgt.route is not None else -1,
                     aim_asset=asset_row[cm.target], term_kind=TERMINAL_CODES[cm.terminal.kind],
                     term_range=cm.terminal.start_range_m, term_alt=cm.terminal.alt_m)
    for bm in sc.ballistic_missiles:
        p, parent = launch_point(bm)
        if bm.aim is not None:
            aim = next(a for a in sc.assets if a.id == bm.aim).position
        else:
            aim = bm.aim_position
        r0 = np.array(_ecef(p), float)
        r0 = r0 * (1.0 + bm.burnout_alt_m / np.linalg.norm(r0))
        rt = np.array(_ecef(aim), float)
        pos, vel = burnout_state(r0, rt, bm.trajectory, bm.loft_deg * DEG, EARTH_MU)
        for i, t_l in enumerate(bm.launch_times()):
            rows.add(name=f"{bm.id}.{i + 1}", kind=MoverKind.BALLISTIC_MISSILE, force=forces[bm.force],
                     parent=parent, type_name=bm.id, behavior=Behavior.BALLISTIC, t_launch=t_l, vulnerability=0.8 if bm.vulnerability is None else bm.vulnerability,
                     rcs=bm.rcs_m2, rcs_side=bm.rcs_side_m2, rcs_tail=bm.rcs_tail_m2,
                     pos0=tuple(pos), vel0=tuple(vel), impact_radius=float(np.linalg.norm(rt)),
                     ballistic_coeff=bm.ballistic_coeff_kg_m2 or np.inf,
                     aim_asset=asset_row.get(bm.aim, -1) if bm.aim else -1)
    for ac in sc.aircraft:
        p, parent = launch_point(ac)
        for i, t_l in enumerate(ac.launch_times()):
            extra = _route_fields(rows, ac.route)
            rows.add(name=f"{ac.id}.{i + 1}", kind=MoverKind.AIRCRAFT, force=forces[ac.force], parent=parent,
                     type_name=ac.id, t_launch=t_l, vulnerability=ac.vulnerability, rcs=ac.rcs_m2, rcs_side=ac.rcs_side_m2, rcs_tail=ac.rcs_tail_m2, pos0=_ecef(p), **extra)

    # Interceptor pool: each shooter owns a contiguous block of rows, launched in order.
    for k, s in enumerate(shooters):
        s["first_row"] = len(rows.rows)
        itype = sc.interceptor_types[s["itype"]]
        for j in range(s["rounds"]):
            rows.add(name=f"{s['name']}#{j + 1}", kind=MoverKind.INTERCEPTOR, force=s["force"], parent=s["host"],
                     type_name=itype.id, behavior=Behavior.INTERCEPTOR, t_launch=np.inf, rcs=0.05,
                     pos0=rows.rows[s["host"]]["pos0"])
        s["shooter_index"] = k

    movers = rows.freeze()
    movers_speed_dash = np.array([r.get("speed_dash", 0.0) for r in rows.rows])
    sensor_table = _table(SensorTable, sensors, dict(
        name=None, host=np.int32, force=np.int16, platform=None, height_offset=float, wavelength=float, ref_range=float,
        ref_rcs=float, ref_snr=float, max_range=float, min_range=float, pfa=float, swerling=np.int8,
        n_pulses=np.int32, revisit=float, az_center=float, az_width=float, el_min=float, el_max=float,
        sigma_range=float, sigma_az=float, sigma_el=float, fa_per_scan=float, multipath=bool, relative_az=bool))
    shooter_table = _table(ShooterTable, shooters, dict(
        name=None, host=np.int32, force=np.int16, itype=np.int32, rounds=np.int32, launchers=np.int32,
        reload=float, doctrine=np.int8, salvo_size=np.int32, reserve=np.int32, weapons_free=bool,
        is_fighter=bool, dash_speed=float, endurance=float, first_row=np.int32, group=None))
    it_rows = [dict(name=t.id, boost_accel=t.boost_accel_mps2, boost_time=t.boost_time_s,
                    launch_speed=t.launch_speed_mps, drag_coeff=t.drag_decel_coeff, max_accel=t.max_accel_mps2,
                    nav_gain=t.nav_gain, max_tof=t.max_tof_s, min_range=t.min_range_m, max_range=t.max_range_m,
                    min_alt=t.min_alt_m, max_alt=t.max_alt_m, lethal_radius=t.lethal_radius_m, pk_max=t.pk_max,
                    reaction_time=t.reaction_time_s) for t in sc.interceptor_types]
    itype_table = _table(InterceptorTypeTable, it_rows, {k: (None if k == "name" else float)
                                                         for k in InterceptorTypeTable.__dataclass_fields__})
    if sc.origin is not None:
        olat, olon = sc.origin.lat_deg * DEG, sc.origin.lon_deg * DEG
    elif sc.assets:
        olat = float(np.mean([a.position.lat_deg for a in sc.assets])) * DEG
        olon = float(np.mean([a.position.lon_deg for a in sc.assets])) * DEG
    else:
        olat = olon = 0.0
    dem = sc.earth.dem_path
    if dem is not None and base_dir is not None and not Path(dem).is_absolute():
        dem = str((base_dir / dem).resolve())
    return CompiledScenario(
        name=sc.name, start_utc=sc.start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"), duration=sc.duration_s, dt=sc.step_s,
        seed=sc.seed, output_rate=sc.output_rate_s, k_factor=sc.earth.effective_radius_factor,
        sea_roughness=sc.earth.sea_roughness_m, dem_path=dem,
        scenario_hash=scenario_hash, force_names=[f.id for f in sc.forces],
        force_side=np.array([Side.BLUE if f.side == "blue" else Side.RED for f in sc.forces], np.int8),
        force_nation=[f.nation for f in sc.forces], movers=movers, sensors=sensor_table, shooters=shooter_table,
        itypes=itype_table, asset_rows=np.array([a[0] for a in asset_meta], np.int32),
        asset_value=np.array([a[1] for a in asset_meta], float), asset_radius=np.array([a[2] for a in asset_meta], float),
        site_rows=np.array([s[0] for s in site_meta], np.int32),
        site_detectability=np.array([s[1] for s in site_meta], float),
        tracking=sc.tracking.model_dump(),
        link_latency=sc.link.latency_s, link_update=sc.link.update_s, link_drop=sc.link.drop_prob,
        coordination=sc.c2.coordination, wta_solver=sc.c2.wta_solver, c2_interval=sc.c2.decision_interval_s, ka_delay=sc.c2.kill_assessment_delay_s,
        ka_error=sc.c2.kill_assessment_error, max_track_age=sc.c2.max_track_age_s, strike_enabled=sc.strike.enabled,
        strike_response=sc.strike.response_time_s, strike_search=sc.strike.search_time_s, strike_pk=sc.strike.pk, origin_lat=olat, origin_lon=olon,
        extras={"dash_speed": movers_speed_dash},
    )


def _orbit_fields(orbit, phase: float) -> dict:
    from amdsim.core.orbit import orbit_position

    lat, lon, _ = orbit_position(0.0, orbit.center.lat_deg * DEG, orbit.center.lon_deg * DEG, orbit.radius_m,
                                 orbit.speed_mps, 1.0 if orbit.clockwise else -1.0, phase)
    return dict(pos0=tuple(geodetic2ecef(lat, lon, orbit.alt_m).tolist()), behavior=Behavior.ORBIT, orb_lat=orbit.center.lat_deg * DEG, orb_lon=orbit.center.lon_deg * DEG,
                orb_radius=orbit.radius_m, orb_alt=orbit.alt_m, orb_dir=1.0 if orbit.clockwise else -1.0,
                orb_phase0=phase, speed=orbit.speed_mps)


def _table(cls, rows: list[dict], dtypes: dict):
    kw = {}
    for key, dtype in dtypes.items():
        vals = [r[key] for r in rows]
        kw[key] = list(vals) if dtype is None else np.array(vals, dtype=dtype).reshape(len(rows))
    return cls(**kw)
