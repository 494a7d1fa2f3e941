"""Terrain heights from a GeoTIFF digital elevation model (DEM), read once and cached.

Used by the movers (routes fly at their height above the surface), by the sensors (line-of-sight
masking, ``sensors/terrain.py``) and by scenario loading (``validate`` reports a missing or
unreadable DEM under ``earth.dem_path``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from amdsim.core.errors import InputError, Problem


@dataclass
class Dem:
    """A regular latitude/longitude grid of heights.

    Attributes
    ----------
    heights : ndarray, shape (H, W)
        Heights (m), row 0 northernmost (GeoTIFF order); no-data posts are 0 m.
    lat0, lon0 : float
        Latitude and longitude (rad) of the centre of post (0, 0).
    dlat, dlon : float
        Post spacing (rad); ``dlat`` is negative for north-up rasters.
    """

    heights: NDArray[np.float64]
    lat0: float
    lon0: float
    dlat: float
    dlon: float

    @classmethod
    def from_geotiff(cls, path: str | os.PathLike[str]) -> Dem:
        """Load a single-band geographic GeoTIFF; raises :class:`InputError` on any unusable file."""
        import rasterio
        from rasterio.errors import RasterioError

        path = Path(path)
        name = str(path)
        if not path.is_file():
            raise InputError(Problem(name, "", "DEM file not found (expected a GeoTIFF)"))
        if path.stat().st_size == 0:
            raise InputError(Problem(name, "", "DEM file is empty (expected a GeoTIFF)"))
        try:
            with rasterio.open(path) as src:
                if src.count < 1:
                    raise InputError(Problem(name, "bands", "no raster band (expected 1 band of heights in m)"))
                if src.height < 2 or src.width < 2:
                    raise InputError(Problem(name, "shape", f"raster is {src.height}x{src.width}; "
                                                            "expected at least 2x2 posts"))
                if src.crs is not None and not src.crs.is_geographic:
                    raise InputError(Problem(name, "crs", f"CRS {src.crs} is projected; expected geographic "
                                                          "latitude/longitude (EPSG:4326)"))
                tr = src.transform
                if tr.b != 0.0 or tr.d != 0.0:
                    raise InputError(Problem(name, "transform", "rotated raster; expected a north-up grid"))
                data = src.read(1, masked=True).astype(float)
        except RasterioError as exc:
            raise InputError(Problem(name, "", f"not a readable GeoTIFF ({exc})")) from None
        heights = np.ascontiguousarray(np.ma.filled(data, 0.0))
        if not np.all(np.isfinite(heights)):
            heights = np.where(np.isfinite(heights), heights, 0.0)
        return cls(heights, np.radians(tr.f + tr.e / 2.0), np.radians(tr.c + tr.a / 2.0),
                   np.radians(tr.e), np.radians(tr.a))

    def height(self, lat: ArrayLike, lon: ArrayLike) -> NDArray[np.float64]:
        """Bilinear terrain height (m) at latitude, longitude (rad), any shape; 0 m outside the grid."""
        h = self.heights
        fi = (np.asarray(lat, float) - self.lat0) / self.dlat
        fj = (np.asarray(lon, float) - self.lon0) / self.dlon
        inside = (fi >= 0.0) & (fi <= h.shape[0] - 1) & (fj >= 0.0) & (fj <= h.shape[1] - 1)
        i = np.clip(np.floor(fi).astype(np.intp), 0, h.shape[0] - 2)
        j = np.clip(np.floor(fj).astype(np.intp), 0, h.shape[1] - 2)
        wi = np.clip(fi - i, 0.0, 1.0)
        wj = np.clip(fj - j, 0.0, 1.0)
        top = h[i, j] * (1.0 - wj) + h[i, j + 1] * wj
        bottom = h[i + 1, j] * (1.0 - wj) + h[i + 1, j + 1] * wj
        return np.where(inside, top * (1.0 - wi) + bottom * wi, 0.0)


def write_ridge_dem(path: str | os.PathLike[str], lat_min_deg: float, lat_max_deg: float, lon_min_deg: float,
                    lon_max_deg: float, ridge_lon_deg: float, ridge_height_m: float,
                    ridge_halfwidth_deg: float = 0.02, post_deg: float = 0.005) -> Path:
    """Write a synthetic GeoTIFF (EPSG:4326, float32) with a north-south ridge, for tests and demos.

    The ridge is a Gaussian in longitude: h = ridge_height_m exp(-((lon - ridge_lon) / halfwidth)^2 / 2),
    flat sea level elsewhere. Degrees here because they are the file's own units.

    Returns the path written.
    """
    import rasterio
    from rasterio.transform import from_origin

    lats = np.arange(lat_max_deg, lat_min_deg - 1e-12, -post_deg)
    lons = np.arange(lon_min_deg, lon_max_deg + 1e-12, post_deg)
    h = ridge_height_m * np.exp(-0.5 * ((lons - ridge_lon_deg) / ridge_halfwidth_deg) ** 2)
    data = np.broadcast_to(h[None, :], (lats.size, lons.size)).astype(np.float32)
    transform = from_origin(lon_min_deg - post_deg / 2, lat_max_deg + post_deg / 2, post_deg, post_deg)
    with rasterio.open(path, "w", driver="GTiff", height=data.shape[0], width=data.shape[1], count=1,
                       dtype="float32", crs="EPSG:4326", transform=transform) as dst:
        dst.write(data, 1)
    return Path(path)


@lru_cache(maxsize=4)
def load_dem(path: str) -> Dem:
    """The DEM at ``path``, read once per process (every replication of a batch shares it)."""
    return Dem.from_geotiff(path)
