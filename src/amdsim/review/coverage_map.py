"""Coverage maps of a scenario: where a target at a given altitude is detected with Pd >= 0.5.

For each blue force, radars are placed where they are at the chosen time (airborne radars on their
orbits), and :func:`~amdsim.sensors.coverage.pd_grid` gives the best single-scan Pd over the force's
radars on a latitude/longitude grid. Outputs: a PNG planners can look at and a GeoJSON of the
Pd >= threshold regions for GIS tools.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from amdsim.core.kinds import BLUE
from amdsim.core.rng import replication_seed
from amdsim.core.terrain import load_dem
from amdsim.engine.replication import new_replication
from amdsim.engine.step import step
from amdsim.records.writer import write_json_atomic
from amdsim.sensors.coverage import pd_grid
from amdsim.sensors.sense import _subset, radar_params

DEG = np.pi / 180


def coverage_grids(cs, altitude_m: float, rcs_m2: float, time_s: float = 0.0, n: int = 220,
                   margin_deg: float = 1.0):
    """Per blue force, the (n, n) max-Pd grid; returns (lat_deg (n,), lon_deg (n,), {force: grid}, positions)."""
    r = new_replication(cs, replication_seed(cs.seed, 0), record_detections=False)
    while r.world.t + 1e-9 < time_s:
        step(r)
    w = r.world
    s = cs.sensors
    host = s.host
    lat_all = np.concatenate([w.lat[host], w.lat[cs.asset_rows], w.lat[cs.site_rows]]) / DEG
    lon_all = np.concatenate([w.lon[host], w.lon[cs.asset_rows], w.lon[cs.site_rows]]) / DEG
    lat = np.linspace(lat_all.min() - margin_deg, lat_all.max() + margin_deg, n)
    lon = np.linspace(lon_all.min() - margin_deg, lon_all.max() + margin_deg, n)
    lat_g, lon_g = np.meshgrid(lat * DEG, lon * DEG, indexing="ij")
    params = radar_params(cs)
    dem = None
    if cs.dem_path:
        dem = load_dem(cs.dem_path)
    grids = {}
    for f, name in enumerate(cs.force_names):
        rows = np.flatnonzero((s.force == f) & w.is_active[host])
        if cs.force_side[f] != BLUE or rows.size == 0:
            continue
        grids[name] = pd_grid(w.lat[host[rows]], w.lon[host[rows]], w.alt[host[rows]] + s.height_offset[rows],
                              _subset(params, rows), lat_g, lon_g, altitude_m, rcs_m2, k=cs.k_factor, dem=dem)
    sites = {"sensors": [(cs.sensors.name[i], w.lat[host[i]] / DEG, w.lon[host[i]] / DEG) for i in range(s.n)],
             "assets": [(cs.movers.name[a], w.lat[a] / DEG, w.lon[a] / DEG) for a in cs.asset_rows]}
    return lat, lon, grids, sites


def write_coverage(cs, out_dir: Path, altitude_m: float, rcs_m2: float, time_s: float = 0.0,
                   threshold: float = 0.5, n: int = 220) -> dict:
    """Write coverage.png and coverage.geojson into ``out_dir``; returns the area covered per force (km^2)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lat, lon, grids, sites = coverage_grids(cs, altitude_m, rcs_m2, time_s, n)
    out_dir.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(9, 8), dpi=110)
    colors = ["tab:blue", "tab:green", "tab:purple", "tab:cyan", "tab:olive"]
    features = []
    areas = {}
    cell_km2 = (np.diff(lat).mean() * 111.32) * (np.diff(lon).mean() * 111.32 * np.cos(np.mean(lat) * DEG))
    for i, (force, grid) in enumerate(grids.items()):
        c = colors[i % len(colors)]
        ax.contourf(lon, lat, (grid >= threshold).astype(float), levels=[0.5, 1.5], colors=[c], alpha=0.25)
        cs_lines = ax.contour(lon, lat, grid, levels=[threshold], colors=[c], linewidths=1.5)
        areas[force] = float(np.count_nonzero(grid >= threshold) * cell_km2)
        for path in cs_lines.allsegs[0]:
            if len(path) >= 4:
                ring = [[float(x), float(y)] for x, y in path]
                if ring[0] != ring[-1]:
                    ring.append(ring[0])
                features.append({"type": "Feature", "properties": {"force": force, "pd_threshold": threshold,
                                                                   "target_alt_m": altitude_m, "rcs_m2": rcs_m2},
                                 "geometry": {"type": "Polygon", "coordinates": [ring]}})
        ax.plot([], [], color=c, label=f"{force}: Pd >= {threshold} ({areas[force]:,.0f} km²)")
    for name, la, lo in sites["sensors"]:
        ax.plot(lo, la, "k^", ms=5)
        ax.annotate(name, (lo, la), fontsize=7, xytext=(3, 3), textcoords="offset points")
    for name, la, lo in sites["assets"]:
        ax.plot(lo, la, "r*", ms=10)
        ax.annotate(name, (lo, la), fontsize=8, color="darkred", xytext=(3, -10), textcoords="offset points")
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    ax.set_aspect(1.0 / np.cos(np.mean(lat) * DEG))
    ax.set_title(f"{cs.name}\nradar coverage of a {rcs_m2:g} m² target at {altitude_m:g} m, t = {time_s:g} s")
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    png = out_dir / "coverage.png"
    fig.savefig(png)
    plt.close(fig)
    write_json_atomic({"type": "FeatureCollection", "features": features}, out_dir / "coverage.geojson")
    return {"png": str(png), "geojson": str(out_dir / "coverage.geojson"), "area_km2": areas}
