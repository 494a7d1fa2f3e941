"""Choose the stage models a replication runs with: terrain, tracking, the assignment solver."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4)
def _load_dem(path: str):
    from amdsim.sensors.terrain import Dem

    return Dem.from_geotiff(path)


def configure(r) -> None:
    """Install terrain from the scenario's DEM (surface heights for movers, masking for sensors)."""
    cs = r.cs
    if cs.dem_path:
        from amdsim.sensors.terrain import terrain_masked

        dem = _load_dem(cs.dem_path)
        r.surface = dem.height
        r.terrain = lambda spos, tpos, pairs: terrain_masked(dem, spos, tpos, cs.k_factor, pairs=pairs)
