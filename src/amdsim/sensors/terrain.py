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

import numpy as np

from amdsim.core.geodesy import EARTH_MEAN_RADIUS, FOUR_THIRDS, ecef2geodetic, great_circle_distance
from amdsim.core.terrain import Dem


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


