"""The compiled (numba) scalar twins of ``core/geodesy.py`` for use inside per-row kernels.

Same formulas as the numpy functions there (great circle on the sphere of the mean radius,
WGS84 geodetic to ECEF, ENU to ECEF); the tests check that both agree. Kept apart so that
importing ``core.geodesy`` (scenario loading, ``amdsim validate``) does not import numba.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from amdsim.core.geodesy import EARTH_MEAN_RADIUS, WGS84_A, WGS84_E2, geodetic_from_xyz

R = EARTH_MEAN_RADIUS


@njit(cache=True)
def gc_distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    h = min(max(h, 0.0), 1.0)
    dist: float = 2.0 * R * np.arcsin(np.sqrt(h))
    return dist


@njit(cache=True)
def gc_bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlon = lon2 - lon1
    y = np.sin(dlon) * np.cos(lat2)
    x = np.cos(lat1) * np.sin(lat2) - np.sin(lat1) * np.cos(lat2) * np.cos(dlon)
    bearing: float = np.arctan2(y, x)
    return bearing


@njit(cache=True)
def gc_destination(lat: float, lon: float, bearing: float, dist: float) -> tuple[float, float]:
    """Pole-safe n-vector form of ``core.geodesy.destination`` (Gade 2010): see there."""
    d = dist / R
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    sb, cb = np.sin(bearing), np.cos(bearing)
    sd, cd = np.sin(d), np.cos(d)
    tx = -sb * so - cb * sl * co
    ty = sb * co - cb * sl * so
    tz = cb * cl
    x = cl * co * cd + tx * sd
    y = cl * so * cd + ty * sd
    z = sl * cd + tz * sd
    return np.arctan2(z, np.hypot(x, y)), np.arctan2(y, x)


@njit(cache=True)
def geodetic_to_ecef(lat: float, lon: float, alt: float, out: NDArray[np.float64]) -> None:
    sl = np.sin(lat)
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * sl * sl)
    out[0] = (n + alt) * np.cos(lat) * np.cos(lon)
    out[1] = (n + alt) * np.cos(lat) * np.sin(lon)
    out[2] = (n * (1.0 - WGS84_E2) + alt) * sl


@njit(cache=True)
def enu_to_ecef(lat: float, lon: float, e: float, n: float, u: float, out: NDArray[np.float64]) -> None:
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    out[0] = -so * e - sl * co * n + cl * co * u
    out[1] = co * e - sl * so * n + cl * so * u
    out[2] = cl * n + sl * u


_geodetic_scalar = njit(cache=True)(geodetic_from_xyz)


@njit(cache=True)
def ellipsoid_height(x0: float, x1: float, x2: float) -> float:  # pragma: no cover - compiled
    """Height above the WGS84 ellipsoid (m) of an ECEF point: ``core.geodesy``'s closed form
    (Heikkinen 1982, as given by Zhu 1993), compiled for scalars inside kernels."""
    height: float = _geodetic_scalar(x0, x1, x2)[2]  # type: ignore[assignment]  # scalars in, scalars out when compiled
    return height
