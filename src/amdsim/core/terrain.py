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
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from amdsim.core.errors import InputError, Problem

#: Largest raster accepted (posts), checked from the header before any data are read: 50 million posts
#: (200 MB as float32) cover a 1 x 1 deg SRTM tile (3601 x 3601) almost four times over. A sparse or
#: compressed file can declare billions of posts in a few kB (issue 17: 60000 x 60000 in 109 kB drove
#: validation to 15 GB).
MAX_DEM_POSTS = 50_000_000
#: Plausible terrain heights (m): the deepest ocean floor (Challenger Deep, about -10,935 m) to above
#: Everest (8,849 m), with margin. Heights outside are a corrupt or mis-scaled file (heights of 1e30 passed
#: validation and stopped the run).
DEM_MIN_HEIGHT_M = -11_000.0
DEM_MAX_HEIGHT_M = 9_000.0


@dataclass
class Dem:
    """A regular latitude/longitude grid of heights.

    Attributes
    ----------
    heights : ndarray, shape (H, W), float32
        Heights (m), row 0 northernmost (GeoTIFF order); no-data posts are 0 m. Kept as float32 (a DEM's
        own precision is metres; half the memory of float64); :meth:`height` interpolates in float64.
    lat0, lon0 : float
        Latitude and longitude (rad) of the centre of post (0, 0).
    dlat, dlon : float
        Post spacing (rad); ``dlat`` is negative for north-up rasters.
    """

    heights: NDArray[np.float32]
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
                _check_header(src, name)
                tr = src.transform
                # read straight into float32, masked where the file says no data (never widened to float64)
                data = src.read(1, masked=True, out_dtype="float32")
        except RasterioError as exc:
            raise InputError(Problem(name, "", f"not a readable GeoTIFF ({exc}): expected a single-band GeoTIFF of "
                                               "heights in metres")) from None
        except MemoryError:
            raise InputError(Problem(name, "shape", "raster too large for this machine's memory: expected at "
                                                    f"most {MAX_DEM_POSTS:,} posts")) from None
        heights = np.ascontiguousarray(np.ma.filled(data, np.float32(0.0)), dtype=np.float32)
        np.nan_to_num(heights, copy=False, nan=0.0, posinf=np.inf, neginf=-np.inf)  # undeclared NaN no-data: 0 m
        _check_heights(heights, name)
        return cls(heights, np.radians(tr.f + tr.e / 2.0), np.radians(tr.c + tr.a / 2.0),
                   np.radians(tr.e), np.radians(tr.a))

    def height(self, lat: ArrayLike, lon: ArrayLike) -> NDArray[np.float64]:
        """Bilinear terrain height (m) at latitude, longitude (rad), any shape; 0 m outside the grid.

        A longitude is first brought within half a turn of the grid's centre, so a grid across the
        antimeridian (or given in 0..360) answers for -180..180 alike."""
        h = self.heights
        # longitudes taken within half a turn of the grid's centre: a grid across the antimeridian (or in
        # 0..360) answers for -180..180 alike
        centre = self.lon0 + 0.5 * self.dlon * (h.shape[1] - 1)
        lon_near = centre + (np.asarray(lon, float) - centre + np.pi) % (2.0 * np.pi) - np.pi
        fi = (np.asarray(lat, float) - self.lat0) / self.dlat
        fj = (lon_near - self.lon0) / self.dlon
        inside = (fi >= 0.0) & (fi <= h.shape[0] - 1) & (fj >= 0.0) & (fj <= h.shape[1] - 1)
        i = np.clip(np.floor(fi).astype(np.intp), 0, h.shape[0] - 2)
        j = np.clip(np.floor(fj).astype(np.intp), 0, h.shape[1] - 2)
        wi = np.clip(fi - i, 0.0, 1.0)
        wj = np.clip(fj - j, 0.0, 1.0)
        top = h[i, j] * (1.0 - wj) + h[i, j + 1] * wj
        bottom = h[i + 1, j] * (1.0 - wj) + h[i + 1, j + 1] * wj
        return np.where(inside, top * (1.0 - wi) + bottom * wi, 0.0)


def _check_header(src: Any, name: str) -> None:  # src: an open rasterio dataset
    """Refuse a raster from its header alone: no band, too few or too many posts, a projected or
    unplausible coordinate system, a rotated grid."""
    if src.count < 1:
        raise InputError(Problem(name, "bands", "no raster band (expected 1 band of heights in m)"))
    if src.height < 2 or src.width < 2:
        raise InputError(Problem(name, "shape", f"raster is {src.height}x{src.width}; expected at least 2x2 posts"))
    posts = int(src.height) * int(src.width)
    if posts > MAX_DEM_POSTS:
        raise InputError(Problem(name, "shape", f"raster is {src.height:,} x {src.width:,} = {posts:,} posts: at most "
                                                f"{MAX_DEM_POSTS:,} are allowed (crop or resample the DEM to the "
                                                "scenario's area)"))
    if src.crs is not None and not src.crs.is_geographic:
        raise InputError(Problem(name, "crs", f"CRS {src.crs} is projected; expected geographic latitude/longitude "
                                              "(EPSG:4326)"))
    tr = src.transform
    if tr.b != 0.0 or tr.d != 0.0:
        raise InputError(Problem(name, "transform", "rotated raster; expected a north-up grid"))
    if tr.a == 0.0 or tr.e == 0.0:
        raise InputError(Problem(name, "transform", "post spacing of 0; expected a regular grid in degrees"))
    left, bottom, right, top = src.bounds
    # post centres (a global grid's pixel edges reach half a post beyond +-90 / +-180)
    mlat, mlon = abs(tr.e) / 2.0 + 1e-9, abs(tr.a) / 2.0 + 1e-9
    if not (min(bottom, top) >= -90.0 - mlat and max(bottom, top) <= 90.0 + mlat
            and min(left, right) >= -180.0 - mlon and max(left, right) <= 360.0 + mlon):
        crs = "no CRS" if src.crs is None else f"CRS {src.crs}"
        raise InputError(Problem(name, "crs", f"bounds {left:g}, {bottom:g}, {right:g}, {top:g} ({crs}) are not "
                                              "latitude/longitude degrees: expected a geographic grid (EPSG:4326) "
                                              "within -90..90 and -180..360"))


def _check_heights(heights: NDArray[np.float32], name: str) -> None:
    """Refuse heights that are not finite or outside the plausible range of the Earth's surface."""
    bad = ~np.isfinite(heights) | (heights < DEM_MIN_HEIGHT_M) | (heights > DEM_MAX_HEIGHT_M)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise InputError(Problem(name, "heights", f"{int(bad.sum()):,} posts outside {DEM_MIN_HEIGHT_M:g}..."
                                                  f"{DEM_MAX_HEIGHT_M:g} m (first at row {i}, column {j}: "
                                                  f"{float(heights[i, j]):g}); expected terrain heights in metres "
                                                  "(is no-data declared in the file?)"))


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
