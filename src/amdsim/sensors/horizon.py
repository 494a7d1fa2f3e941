"""Line of sight over an effective (refraction-corrected) spherical earth.

Standard-atmosphere refraction bends radar rays towards the ground; the classic way to account for
it is to straighten the rays and enlarge the earth's radius by a factor k (4/3 for the standard
atmosphere). On that effective earth of radius a = k R the central angle between two points is
the true central angle divided by k (ground distances are kept, the surface is flatter).

References: Skolnik, *Introduction to Radar Systems*, 3rd ed. (2001), sec. 8.2 ("Propagation over a
spherical earth", eq. 8.1: d = sqrt(2 k R h)); Richards, Scheer & Holm, *Principles of Modern
Radar: Basic Principles* (2010), sec. 4.3.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from amdsim.core.geodesy import EARTH_MEAN_RADIUS, FOUR_THIRDS, ecef2geodetic, enu_basis


class LineOfSight(NamedTuple):
    """(S, T) arrays of one radar x target evaluation."""

    clear: np.ndarray      #: (S, T) bool, the straight ray clears the effective earth
    range: np.ndarray      #: (S, T) slant range (m)
    elevation: np.ndarray  #: (S, T) geometric elevation angle at the radar (rad, local ENU)


def radar_horizon_range(h_radar, h_target=0.0, k=FOUR_THIRDS, radius=EARTH_MEAN_RADIUS):
    """Radar horizon range (m): the textbook sqrt(2 k R h1) + sqrt(2 k R h2).

    Parameters
    ----------
    h_radar, h_target : array_like
        Antenna and target heights above the surface (m); negative heights count as 0.
    k : float
        Effective-earth-radius factor (4/3 for the standard atmosphere).
    radius : float
        True earth radius R (m).

    Notes
    -----
    Skolnik (2001), eq. 8.1, applied to both ends of the path; small-angle form of
    :func:`horizon_angle`.
    """
    a = k * radius
    h1 = np.maximum(np.asarray(h_radar, float), 0.0)
    h2 = np.maximum(np.asarray(h_target, float), 0.0)
    return np.sqrt(2.0 * a * h1) + np.sqrt(2.0 * a * h2)


def horizon_angle(h, k=FOUR_THIRDS, radius=EARTH_MEAN_RADIUS):
    """Central angle (rad, on the effective earth) from a point at height h (m) to its horizon.

    Exact tangent geometry: cos(alpha) = a / (a + h) with a = k R.
    """
    a = k * radius
    h = np.maximum(np.asarray(h, float), 0.0)
    return np.arccos(a / (a + h))


def central_angle(pos1_ecef, pos2_ecef):
    """(S, T) true central angle (rad) between ECEF points (S, 3) and (T, 3), geocentric directions.

    Uses atan2(|u1 x u2|, u1 . u2), accurate for small angles.
    """
    u1 = pos1_ecef / np.linalg.norm(pos1_ecef, axis=-1, keepdims=True)
    u2 = pos2_ecef / np.linalg.norm(pos2_ecef, axis=-1, keepdims=True)
    dot = u1 @ u2.T
    cross = np.linalg.norm(np.cross(u1[:, None, :], u2[None, :, :]), axis=-1)
    return np.arctan2(cross, dot)


def line_of_sight_clear(radar_pos_ecef, target_pos_ecef, k=FOUR_THIRDS, radius=EARTH_MEAN_RADIUS):
    """Effective-earth line of sight, slant range and elevation for every radar x target pair.

    Parameters
    ----------
    radar_pos_ecef : ndarray, shape (S, 3)
        Antenna positions, ECEF (m).
    target_pos_ecef : ndarray, shape (T, 3)
        Target positions, ECEF (m).
    k : float
        Effective-earth-radius factor.
    radius : float
        True earth radius (m) scaled by k.

    Returns
    -------
    LineOfSight
        ``clear`` (S, T) bool, ``range`` (S, T) m, ``elevation`` (S, T) rad.

    Notes
    -----
    Heights are taken above the WGS84 ellipsoid (sea level; terrain is handled by
    :mod:`amdsim.sensors.terrain`). On a sphere of radius a = k R, the segment between points at
    heights h1 and h2 whose effective central angle is phi = theta / k misses the sphere exactly
    when phi <= acos(a/(a+h1)) + acos(a/(a+h2)) (the two tangent rays meet the surface at the
    horizon points). For small angles this is the horizon range of :func:`radar_horizon_range`.
    """
    radar_pos_ecef = np.atleast_2d(np.asarray(radar_pos_ecef, float))
    target_pos_ecef = np.atleast_2d(np.asarray(target_pos_ecef, float))
    lat_r, lon_r, h_r = ecef2geodetic(radar_pos_ecef)
    _, _, h_t = ecef2geodetic(target_pos_ecef)
    phi = central_angle(radar_pos_ecef, target_pos_ecef) / k
    limit = horizon_angle(h_r, k, radius)[:, None] + horizon_angle(h_t, k, radius)[None, :]
    rel = target_pos_ecef[None, :, :] - radar_pos_ecef[:, None, :]
    rng = np.linalg.norm(rel, axis=-1)
    up = enu_basis(lat_r, lon_r)[:, 2, :]
    el = np.arcsin(np.clip(np.einsum("stj,sj->st", rel, up) / np.maximum(rng, 1e-9), -1.0, 1.0))
    return LineOfSight(phi <= limit, rng, el)
