"""Earth models and frame conversions, SI units and radians throughout.

WGS84 geodetic <-> ECEF conversions call pymap3d (with ``deg=False``); great-circle helpers work on
a sphere of the mean Earth radius, which is what route following uses. Names follow pymap3d's
``source2target(coordinates, reference, options)`` convention.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TypeAlias

import numpy as np
import pymap3d
from numpy.typing import ArrayLike, NDArray

#: IUGG mean Earth radius R1 (m), used for great-circle route geometry.
EARTH_MEAN_RADIUS = 6_371_008.8
#: WGS84 semi-major axis (m).
WGS84_A = 6_378_137.0
#: WGS84 first eccentricity squared.
WGS84_E2 = 6.694379990141316e-3
#: Earth's gravitational parameter GM (m^3/s^2), WGS84.
EARTH_MU = 3.986004418e14
#: Standard gravity (m/s^2).
G0 = 9.80665
#: Default effective-earth-radius factor for radar line of sight (the "4/3 earth").
FOUR_THIRDS = 4.0 / 3.0

_ELL = pymap3d.Ellipsoid.from_name("wgs84")

#: float64 array of any shape.
FloatArray: TypeAlias = NDArray[np.float64]
#: A scalar or a float64 array: the great-circle and frame helpers broadcast over either.
Floats: TypeAlias = float | FloatArray
#: Three coordinate arrays (e.g. latitude, longitude, height).
FloatTriple: TypeAlias = tuple[FloatArray, FloatArray, FloatArray]


def geodetic2ecef(lat: ArrayLike, lon: ArrayLike, alt: ArrayLike) -> FloatArray:
    """Geodetic latitude, longitude (rad) and height above the ellipsoid (m) to ECEF (m).

    Returns an array of shape (..., 3).
    """
    x, y, z = pymap3d.geodetic2ecef(lat, lon, alt, ell=_ELL, deg=False)
    return np.stack([np.asarray(x, float), np.asarray(y, float), np.asarray(z, float)], axis=-1)


def ecef2geodetic(pos_ecef: ArrayLike) -> FloatTriple:
    """ECEF positions (..., 3) in metres to (lat rad, lon rad, height above ellipsoid m).

    Closed form (Heikkinen 1982, as given by Zhu 1993), vectorized, no iteration, so it is cheap on
    the per-step hot path; round-trip error against ``geodetic2ecef`` is below 1 mm for heights
    between -10 km and 2000 km (checked in the tests).
    """
    p = np.asarray(pos_ecef, dtype=float)
    if p.ndim < 2:
        return geodetic_from_xyz(p[..., 0], p[..., 1], p[..., 2])
    # arrays of points: the same arithmetic compiled (one pass instead of ~30 numpy temporaries)
    flat = p.reshape(-1, 3)
    lat, lon, alt = geodetic_compiled()(np.ascontiguousarray(flat[:, 0]), np.ascontiguousarray(flat[:, 1]),
                                      np.ascontiguousarray(flat[:, 2]))
    shape = p.shape[:-1]
    return lat.reshape(shape), lon.reshape(shape), alt.reshape(shape)


def geodetic_from_xyz(x: Floats, y: Floats, z: Floats) -> FloatTriple:
    """:func:`ecef2geodetic` on separate coordinate arrays; plain array arithmetic, so numba can
    compile it too (``numba.njit(geodetic_from_xyz)`` for use inside kernels)."""
    a = WGS84_A
    e2 = WGS84_E2
    b = a * np.sqrt(1.0 - e2)
    ep2 = (a * a - b * b) / (b * b)
    r = np.hypot(x, y)
    # Heikkinen (1982), as given by Zhu (1993) "Conversion of Earth-centered Earth-fixed
    # coordinates to geodetic coordinates", IEEE TAES 30(3), eqs. (1)-(12).
    big_f = 54.0 * b * b * z * z
    g = r * r + (1.0 - e2) * z * z - e2 * (a * a - b * b)
    c = e2 * e2 * big_f * r * r / (g * g * g)
    s = np.cbrt(1.0 + c + np.sqrt(np.maximum(c * c + 2.0 * c, 0.0)))
    pp = big_f / (3.0 * (s + 1.0 / s + 1.0) ** 2 * g * g)
    q = np.sqrt(1.0 + 2.0 * e2 * e2 * pp)
    r0 = -(pp * e2 * r) / (1.0 + q) + np.sqrt(
        np.maximum(0.5 * a * a * (1.0 + 1.0 / q) - pp * (1.0 - e2) * z * z / (q * (1.0 + q)) - 0.5 * pp * r * r, 0.0)
    )
    u = np.sqrt((r - e2 * r0) ** 2 + z * z)
    v = np.sqrt((r - e2 * r0) ** 2 + (1.0 - e2) * z * z)
    z0 = b * b * z / (a * v)
    alt = u * (1.0 - b * b / (a * v))
    lat = np.arctan2(z + ep2 * z0, r)
    lon = np.arctan2(y, x)
    return lat, lon, alt


def enu_basis(lat: ArrayLike, lon: ArrayLike) -> FloatArray:
    """Rows of the ENU basis at (lat, lon) in rad, expressed in ECEF: shape (..., 3, 3).

    ``basis[..., 0, :]`` is east, ``[..., 1, :]`` north, ``[..., 2, :]`` up.
    """
    lat = np.asarray(lat, float)
    lon = np.asarray(lon, float)
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    out = np.empty((*np.broadcast_shapes(lat.shape, lon.shape), 3, 3))
    out[..., 0, 0] = -so
    out[..., 0, 1] = co
    out[..., 0, 2] = 0.0
    out[..., 1, 0] = -sl * co
    out[..., 1, 1] = -sl * so
    out[..., 1, 2] = cl
    out[..., 2, 0] = cl * co
    out[..., 2, 1] = cl * so
    out[..., 2, 2] = sl
    return out


def ecef2enu_vector(vec_ecef: FloatArray, lat: ArrayLike, lon: ArrayLike) -> FloatArray:
    """Rotate ECEF vectors (..., 3) into the local ENU frame at (lat, lon) rad."""
    out: FloatArray = np.einsum("...ij,...j->...i", enu_basis(lat, lon), vec_ecef)
    return out


def enu2ecef_vector(vec_enu: FloatArray, lat: ArrayLike, lon: ArrayLike) -> FloatArray:
    """Rotate local ENU vectors (..., 3) at (lat, lon) rad into ECEF."""
    out: FloatArray = np.einsum("...ji,...j->...i", enu_basis(lat, lon), vec_enu)
    return out


def great_circle_distance(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats,
                          radius: float = EARTH_MEAN_RADIUS) -> FloatArray:
    """Haversine great-circle distance (m) between points given in radians."""
    dlat = lat2 - lat1
    dlon = lon2 - lon1
    h = np.sin(dlat / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    dist: FloatArray = 2.0 * radius * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return dist


def initial_bearing(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> FloatArray:
    """Initial great-circle bearing (rad, clockwise from north) from point 1 to point 2."""
    dlon = lon2 - lon1
    y = np.sin(dlon) * np.cos(lat2)
    x = np.cos(lat1) * np.sin(lat2) - np.sin(lat1) * np.cos(lat2) * np.cos(dlon)
    bearing: FloatArray = np.arctan2(y, x)
    return bearing


def destination(lat: Floats, lon: Floats, bearing: Floats, distance: Floats,
                radius: float = EARTH_MEAN_RADIUS) -> FloatTriple:
    """Point reached after ``distance`` metres along a great circle with initial ``bearing`` (rad).

    Returns (lat2, lon2, final_bearing) in radians.

    Pole-safe (n-vector form, Gade 2010, "A non-singular horizontal position representation",
    J. Navigation 63(3), eqs. 4-6 and Table 2): the start's unit vector ``n`` and its local east and
    north unit vectors (defined by ``lon`` even at latitude +-90 deg, as in :func:`enu_basis`) give
    the direction of travel ``t = sin(b) east + cos(b) north``, and the end point is
    ``n cos(d/R) + t sin(d/R)``. The textbook form ``lon + atan2(sin b sin d cos lat, cos d - sin lat
    sin lat2)`` divides two numbers that both vanish at the poles (an orbit centred on a pole then
    jumped by tens of km per step). At a pole, bearing b points along the meridian ``lon + pi - b``
    (north pole) or ``lon + b`` (south pole), the limit of the local frame, as :func:`initial_bearing`
    gives from there.
    """
    d = np.asarray(distance, float) / radius
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    sb, cb = np.sin(bearing), np.cos(bearing)
    sd, cd = np.sin(d), np.cos(d)
    # direction of travel in ECEF: east (-so, co, 0), north (-sl co, -sl so, cl)
    tx = -sb * so - cb * sl * co
    ty = sb * co - cb * sl * so
    tz = cb * cl
    x = cl * co * cd + tx * sd
    y = cl * so * cd + ty * sd
    z = sl * cd + tz * sd
    lat2 = np.arctan2(z, np.hypot(x, y))
    lon2 = np.arctan2(y, x)
    # final course: the direction of travel at the end, -n sin(d) + t cos(d), in the end's east/north
    fx = -cl * co * sd + tx * cd
    fy = -cl * so * sd + ty * cd
    fz = -sl * sd + tz * cd
    s2, c2 = np.sin(lat2), np.cos(lat2)
    s2o, c2o = np.sin(lon2), np.cos(lon2)
    final = np.arctan2(-s2o * fx + c2o * fy, -s2 * c2o * fx - s2 * s2o * fy + c2 * fz)
    return lat2, lon2, final


def great_circle_interpolate(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats,
                             fraction: Floats) -> tuple[FloatArray, FloatArray]:
    """Point at ``fraction`` (0 at point 1, 1 at point 2) of the great-circle arc between two points (rad).

    Spherical linear interpolation of the n-vectors (Gade 2010, J. Navigation 63(3)): pole-safe and
    continuous across the antimeridian (never interpolates longitude as a number). Points closer
    than about 1e-9 rad are interpolated linearly in the vectors (then normalised). Antipodal points
    have no unique arc; the result is then one of them.
    """
    c1, c2 = np.cos(lat1), np.cos(lat2)
    ax, ay, az = c1 * np.cos(lon1), c1 * np.sin(lon1), np.sin(lat1)
    bx, by, bz = c2 * np.cos(lon2), c2 * np.sin(lon2), np.sin(lat2)
    cx, cy, cz = ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx
    omega = np.arctan2(np.sqrt(cx * cx + cy * cy + cz * cz), ax * bx + ay * by + az * bz)
    f = np.asarray(fraction, float)
    so = np.sin(omega)
    tiny = so < 1e-9
    safe = np.where(tiny, 1.0, so)
    wa = np.where(tiny, 1.0 - f, np.sin((1.0 - f) * omega) / safe)
    wb = np.where(tiny, f, np.sin(f * omega) / safe)
    x, y, z = wa * ax + wb * bx, wa * ay + wb * by, wa * az + wb * bz
    return np.arctan2(z, np.hypot(x, y)), np.arctan2(y, x)


@cache
def geodetic_compiled() -> Callable[[FloatArray, FloatArray, FloatArray], FloatTriple]:
    """:func:`geodetic_from_xyz` compiled by numba for 1-D coordinate arrays (also usable inside kernels).

    Built on first use, so that importing this module (scenario loading, ``amdsim validate``) does
    not import numba."""
    from numba import njit

    return njit(cache=True)(geodetic_from_xyz)
