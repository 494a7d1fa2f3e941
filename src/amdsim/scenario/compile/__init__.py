"""Compile a validated :class:`Scenario` into SI arrays the engine runs on.

Degrees become radians, every entity becomes a row of a table, references become integer
indices. The result is a plain picklable dataclass (it crosses process and Dask boundaries).
Mover ids are row numbers, assigned in this order: platforms (:mod:`.platforms`), threats
(:mod:`.threats`), interceptors (:mod:`.interceptors`). Every value the YAML does not give comes
from its pydantic field's default or from :mod:`amdsim.core.constants`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from amdsim.core.errors import InputError, Problem
from amdsim.core.kinds import Side
from amdsim.core.units import DEG
from amdsim.scenario.compile.ballistic import ballistic_table, launch_warning_table
from amdsim.scenario.compile.interceptors import add_interceptor_pool, interceptor_type_table
from amdsim.scenario.compile.platforms import add_platforms, sensor_table, shooter_table
from amdsim.scenario.compile.rows import Rows
from amdsim.scenario.compile.terrain import load_scenario_dem, place_sites_on_terrain
from amdsim.scenario.compile.threats import add_threats
from amdsim.scenario.compile.traffic import (
    add_traffic,
    contested_table,
    jamming_table,
    radar_load_table,
)
from amdsim.scenario.models import Scenario
from amdsim.world.tables import CompiledScenario, LinkTable, ShooterTable

__all__ = ["compile_scenario"]


def compile_scenario(sc: Scenario, base_dir: Path | None = None, scenario_hash: str = "",
                     file: str = "") -> CompiledScenario:
    """Turn a validated scenario into arrays. ``base_dir`` resolves relative file paths (DEM); the
    problems found while compiling (an aim point out of reach, a manoeuvre too short for its leg)
    name ``file``."""
    try:
        dem_path = _dem_path(sc, base_dir)
        if dem_path:   # fixed sites stand alt_m above the terrain, as routes fly (compile/terrain.py)
            sc = place_sites_on_terrain(sc, load_scenario_dem(dem_path, file))
        return _compile(sc, base_dir, scenario_hash)
    except InputError as exc:
        raise InputError([Problem(pr.file or file, pr.path, pr.message) for pr in exc.problems]) from None


def _compile(sc: Scenario, base_dir: Path | None, scenario_hash: str) -> CompiledScenario:
    forces = {f.id: i for i, f in enumerate(sc.forces)}
    rows = Rows()
    plat = add_platforms(sc, rows, forces)
    add_threats(sc, rows, forces, plat)
    iff = add_traffic(sc, rows, forces)
    add_interceptor_pool(sc, rows, plat.shooters)
    movers = rows.freeze()
    shooters = _with_reloads(shooter_table(plat.shooters), plat.shooters)
    olat, olon = _origin(sc)
    return CompiledScenario(
        name=sc.name, start_utc=sc.start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"), duration=sc.duration_s, dt=sc.step_s,
        seed=sc.seed, output_rate=sc.output_rate_s, k_factor=sc.earth.effective_radius_factor,
        sea_roughness=sc.earth.sea_roughness_m, earth_rotation=sc.earth.rotation,
        dem_path=_dem_path(sc, base_dir), scenario_hash=scenario_hash,
        force_names=[f.id for f in sc.forces],
        force_side=np.array([Side.BLUE if f.side == "blue" else Side.RED for f in sc.forces], np.int8),
        force_nation=[f.nation for f in sc.forces],
        movers=movers, sensors=sensor_table(plat.sensors), shooters=shooters,
        itypes=interceptor_type_table(sc),
        asset_rows=np.array([a[0] for a in plat.asset_meta], np.int32),
        asset_value=np.array([a[1] for a in plat.asset_meta], float),
        asset_radius=np.array([a[2] for a in plat.asset_meta], float),
        site_rows=np.array([s[0] for s in plat.site_meta], np.int32),
        site_detectability=np.array([s[1] for s in plat.site_meta], float),
        tracking=sc.tracking.model_dump(),
        link_latency=sc.link.latency_s, link_update=sc.link.update_s, link_drop=sc.link.drop_prob,
        links=link_table(sc, forces),
        coordination=sc.c2.coordination, wta_solver=sc.c2.wta_solver, c2_interval=sc.c2.decision_interval_s,
        ka_delay=sc.c2.kill_assessment_delay_s, ka_error=sc.c2.kill_assessment_error,
        max_track_age=sc.c2.max_track_age_s, check_track_quality=sc.c2.check_track_quality,
        strike_enabled=sc.strike.enabled, strike_response=sc.strike.response_time_s,
        strike_search=sc.strike.search_time_s, strike_pk=sc.strike.pk,
        origin_lat=olat, origin_lon=olon,
        extras={"dash_speed": rows.column("speed_dash", 0.0),
                "contested": contested_table(sc, movers, shooters, forces, iff),
                "jamming": jamming_table(sc, movers, len(plat.sensors)),
                "radar_load": radar_load_table(plat.sensors)},
        ballistic=ballistic_table(rows), launch_warning=launch_warning_table(sc, forces),
    )


def _with_reloads(table: ShooterTable, shooters: list[dict]) -> ShooterTable:
    """The magazine columns of the shooter table (batteries' ``reloads`` / ``reload_time_s``; a shooter
    row without them has no spare rounds)."""
    table.reload_rounds = np.array([s.get("reload_rounds", 0) for s in shooters], np.int32).reshape(len(shooters))
    table.reload_time = np.array([s.get("reload_time", np.inf) for s in shooters], float).reshape(len(shooters))
    return table


def link_table(sc: Scenario, forces: dict[str, int]) -> LinkTable:
    """(F,F) link parameters: ``link:`` for every pair, then each ``links:`` entry on its pair (both
    directions unless ``one_way``); a field an entry leaves out keeps ``link:``'s value."""
    d = sc.link
    out = LinkTable.uniform(len(forces), d.latency_s, d.update_s, d.drop_prob,
                            -1 if d.capacity_tracks is None else d.capacity_tracks)
    for pair in sc.links:
        a, b = forces[pair.between[0]], forces[pair.between[1]]
        for i, j in ([(a, b)] if pair.one_way else [(a, b), (b, a)]):
            if pair.latency_s is not None:
                out.latency[i, j] = pair.latency_s
            if pair.update_s is not None:
                out.update[i, j] = pair.update_s
            if pair.drop_prob is not None:
                out.drop[i, j] = pair.drop_prob
            if pair.capacity_tracks is not None:
                out.capacity[i, j] = pair.capacity_tracks
    return out


def _origin(sc: Scenario) -> tuple[float, float]:
    """Map centre (rad): the scenario's origin, else the mean of the assets, else (0, 0)."""
    if sc.origin is not None:
        return sc.origin.lat_deg * DEG, sc.origin.lon_deg * DEG
    if sc.assets:
        return (float(np.mean([a.position.lat_deg for a in sc.assets])) * DEG,
                float(np.mean([a.position.lon_deg for a in sc.assets])) * DEG)
    return 0.0, 0.0


def _dem_path(sc: Scenario, base_dir: Path | None) -> str | None:
    """The DEM file, a relative path taken from ``base_dir`` (the scenario file's folder)."""
    dem = sc.earth.dem_path
    if dem is not None and base_dir is not None and not Path(dem).is_absolute():
        dem = str((base_dir / dem).resolve())
    return dem
