"""Waypoint following on great circles at constant speed and height above the surface.

Cruise missiles, hostile aircraft, ships and moving assets follow their routes here, all rows at
once. Horizontal motion is on a sphere of the mean Earth radius; heights are above the surface
(sea level, or the DEM when the scenario gives one). These are the numpy-facing wrappers of the
compiled kernels in :mod:`amdsim.movers.paths`, which also fly the terminal manoeuvres (the
g-limited pop-up and dive, weave, jink) and the aircraft's evasive turns.
"""

from __future__ import annotations

import numpy as np

from amdsim.movers.paths import route_distance_to_go, route_kernel


def route_step(lat, lon, wp_index, speed, dt, wp_offset, wp_count, wp_lat, wp_lon, loop,
               home_lat=None, home_lon=None, home_mask=None):
    """Advance route followers by ``dt`` seconds.

    Parameters
    ----------
    lat, lon : (n,) current position (rad)
    wp_index : (n,) int, index (0-based, within each mover's route) of the waypoint being flown to
    speed : (n,) ground speed (m/s); dt : step (s)
    wp_offset, wp_count : (n,) int, each mover's slice of the flat waypoint table ``wp_lat``, ``wp_lon`` (rad)
    loop : (n,) bool, restart at the first waypoint after the last
    home_lat, home_lon, home_mask : (n,) optional; where ``home_mask``, the last waypoint is replaced by
        (home_lat, home_lon) — a missile homing on a moving asset.

    Returns
    -------
    lat, lon, bearing : (n,) new position (rad) and course (rad from north)
    wp_index : (n,) updated waypoint index
    arrived : (n,) bool, reached the last waypoint of a non-looping route during this step

    A step may cross several waypoints; the distance left after reaching one is flown on the next leg.
    """
    lat = np.array(lat, float)
    lon = np.array(lon, float)
    n = lat.shape[0]
    wp_index = np.array(wp_index, np.int64)
    if home_mask is None:
        home_lat = home_lon = np.zeros(n)
        home_mask = np.zeros(n, bool)
    bearing = np.zeros(n)
    arrived = np.zeros(n, bool)
    route_kernel(lat, lon, wp_index, np.asarray(speed, float), float(dt), np.asarray(wp_offset, np.int64),
                 np.asarray(wp_count, np.int64), np.asarray(wp_lat, float), np.asarray(wp_lon, float),
                 np.asarray(loop, bool), np.asarray(home_lat, float), np.asarray(home_lon, float),
                 np.asarray(home_mask, bool), bearing, arrived)
    return lat, lon, bearing, wp_index.astype(np.int32), arrived


def distance_to_route_end(lat, lon, wp_index, wp_offset, wp_count, wp_lat, wp_lon, home_lat=None,
                          home_lon=None, home_mask=None):
    """Great-circle distance (m) still to fly along the remaining legs of each route."""
    n = np.asarray(lat).shape[0]
    if home_mask is None:
        home_lat = home_lon = np.zeros(n)
        home_mask = np.zeros(n, bool)
    return route_distance_to_go(np.asarray(lat, float), np.asarray(lon, float), np.asarray(wp_index, np.int64),
                                np.asarray(wp_offset, np.int64), np.asarray(wp_count, np.int64),
                                np.asarray(wp_lat, float), np.asarray(wp_lon, float), np.asarray(home_lat, float),
                                np.asarray(home_lon, float), np.asarray(home_mask, bool))


def terminal_height(agl, dist_to_go, kind, start_range, apex):
    """Height above the surface (m) in the terminal phase of a cruise missile.

    ``kind`` 0: none (stays at ``agl`` until impact); 1: pop-up — climbs on a half sine to ``apex``
    over the first half of the terminal range, then dives linearly to the target; 2: dive — descends
    linearly from ``agl`` to the surface over the terminal range. These are the profiles without a
    load limit (``terminal.g`` not given); with it the kernel flies arcs and lines
    (:func:`amdsim.movers.paths.profile_segments`).
    """
    d = np.asarray(dist_to_go, float)
    D = np.maximum(np.asarray(start_range, float), 1.0)
    inside = d < D
    frac = np.clip(d / D, 0.0, 1.0)
    climb = agl + (apex - agl) * np.sin(np.pi * (1.0 - frac))
    popup = np.where(frac >= 0.5, climb, apex * frac / 0.5)
    dive = agl * frac
    h = np.where(kind == 1, popup, np.where(kind == 2, dive, agl))
    return np.where(inside, h, agl)
