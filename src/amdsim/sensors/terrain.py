"""Terrain heights from a GeoTIFF DEM and terrain masking along radar-to-target paths.

The DEM is a single-band GeoTIFF in geographic coordinates (EPSG:4326, degrees; heights in metres
above the ellipsoid / sea level), read once with rasterio into memory. Heights between posts are
bilinear; outside the DEM the surface is sea level (0 m).

Masking samples ``n_samples`` points along each path. At ground distance d of D the straight ray
on the effective earth (radius a = k R) stands above the surface at

    h_ray(d) = h_r + (h_t - h_r) d / D - d (D - d) / (2 a)

(the parabolic earth-bulge approximation of the chord; Skolnik 2001, sec. 8.2; Barton,
*Radar Equations for Modern Radar* (2013), sec. 6.1), and the path is masked when the terrain
rises above the ray at any interior sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from amdsim.errors import InputError, Problem
from amdsim.geo import EARTH_MEAN_RADIUS, FOUR_THIRDS, ecef2geodetic, great_circle_distance


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

    heights: np.ndarray
    lat0: float
    lon0: float
    dlat: float
    dlon: float

    @classmethod
    def from_geotiff(cls, path) -> Dem:
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

    def height(self, lat, lon):
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


def terrain_masked(dem: Dem, radar_pos_ecef, target_pos_ecef, k=FOUR_THIRDS, n_samples=64, pairs=None):
    """(S, T) bool: terrain rises above the radar-to-target ray somewhere along the path.

    Parameters
    ----------
    dem : Dem
        Terrain.
    radar_pos_ecef : ndarray, shape (S, 3)
        Antenna positions (m).
    target_pos_ecef : ndarray, shape (T, 3)
        Target positions (m).
    k : float
        Effective-earth-radius factor.
    n_samples : int
        Interior sample points per path (spacing D / (n_samples + 1)).
    pairs : ndarray of bool, shape (S, T), optional
        Only these pairs are tested (e.g. those already in line of sight and range); others are
        reported unmasked.

    Notes
    -----
    Sample positions come from the ECEF chord at fractions f, converted to latitude/longitude
    (the vertical projection of the chord is the geodesic to well under a post spacing at radar
    ranges). Cost is O(pairs x n_samples); pass ``pairs`` to keep it to the live pairs.
    """
    rpos = np.atleast_2d(np.asarray(radar_pos_ecef, float))
    tpos = np.atleast_2d(np.asarray(target_pos_ecef, float))
    n_s, n_t = rpos.shape[0], tpos.shape[0]
    masked = np.zeros((n_s, n_t), bool)
    si, ti = np.nonzero(np.ones((n_s, n_t), bool) if pairs is None else pairs)
    if si.size == 0:
        return masked
    lat_r, lon_r, h_r = ecef2geodetic(rpos)
    lat_t, lon_t, h_t = ecef2geodetic(tpos)
    ground = great_circle_distance(lat_r[si], lon_r[si], lat_t[ti], lon_t[ti])           # (P,)
    f = np.arange(1, n_samples + 1) / (n_samples + 1.0)                                 # (n,)
    pts = rpos[si, None, :] * (1.0 - f)[None, :, None] + tpos[ti, None, :] * f[None, :, None]
    lat, lon, _ = ecef2geodetic(pts)                                                    # (P, n)
    d = ground[:, None] * f[None, :]
    a = k * EARTH_MEAN_RADIUS
    h_ray = h_r[si, None] + (h_t[ti] - h_r[si])[:, None] * f[None, :] - d * (ground[:, None] - d) / (2.0 * a)
    masked[si, ti] = np.any(dem.height(lat, lon) > h_ray, axis=1)
    return masked


def write_ridge_dem(path, lat_min_deg, lat_max_deg, lon_min_deg, lon_max_deg, ridge_lon_deg, ridge_height_m,
                    ridge_halfwidth_deg=0.02, post_deg=0.005):
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
