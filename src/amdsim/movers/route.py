"""Waypoint following on great circles at constant speed and height above the surface.

Cruise missiles, hostile aircraft, ships and moving assets follow their routes here, all rows at
once. Horizontal motion is on a sphere of the mean Earth radius; heights are above the surface
(sea level, or the DEM when the scenario gives one).
"""

from __future__ import annotations

import numpy as np

from amdsim.geo import destination, great_circle_distance, initial_bearing

#: Waypoints closer than this count as reached (m).
ARRIVAL_TOLERANCE = 1.0


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
    """
    lat = np.array(lat, float)
    lon = np.array(lon, float)
    wp_index = np.array(wp_index, np.int64)
    remaining = np.asarray(speed, float) * dt
    arrived = np.zeros(lat.shape, bool)
    bearing = np.zeros(lat.shape)
    last = wp_count - 1
    # A step crosses at most a few waypoints; each pass moves every row to its next waypoint or by
    # what is left of its step, so the loop runs over legs, not over movers.
    for _ in range(64):
        moving = (remaining > 0) & ~arrived & (wp_count > 0)
        if not moving.any():
            break
        i = np.clip(wp_index, 0, np.maximum(last, 0))
        tlat = wp_lat[wp_offset + i] if wp_lat.size else np.zeros_like(lat)
        tlon = wp_lon[wp_offset + i] if wp_lon.size else np.zeros_like(lon)
        if home_mask is not None:
            on_last = home_mask & (i == last)
            tlat = np.where(on_last, home_lat, tlat)
            tlon = np.where(on_last, home_lon, tlon)
        dist = great_circle_distance(lat, lon, tlat, tlon)
        brg = initial_bearing(lat, lon, tlat, tlon)
        reach = moving & (remaining + ARRIVAL_TOLERANCE >= dist)
        go = moving & ~reach
        nlat, nlon, _ = destination(lat, lon, brg, np.where(go, remaining, 0.0))
        bearing = np.where(moving & (dist > ARRIVAL_TOLERANCE), brg, bearing)
        lat = np.where(reach, tlat, np.where(go, nlat, lat))
        lon = np.where(reach, tlon, np.where(go, nlon, lon))
        remaining = np.where(reach, remaining - dist, np.where(go, 0.0, remaining))
        at_end = reach & (wp_index >= last)
        wp_index = np.where(reach & ~at_end, wp_index + 1, wp_index)
        wp_index = np.where(at_end & loop, 0, wp_index)
        arrived |= at_end & ~loop
    return lat, lon, bearing, wp_index.astype(np.int32), arrived


def distance_to_route_end(lat, lon, wp_index, wp_offset, wp_count, wp_lat, wp_lon, home_lat=None,
                          home_lon=None, home_mask=None):
    """Great-circle distance (m) still to fly along the remaining legs of each route."""
    n = np.asarray(lat).shape[0]
    total = np.zeros(n)
    plat, plon = np.array(lat, float), np.array(lon, float)
    last = wp_count - 1
    idx = np.array(wp_index, np.int64)
    for _ in range(int(wp_count.max(initial=0)) + 1):
        active = (idx <= last) & (wp_count > 0)
        if not active.any():
            break
        i = np.clip(idx, 0, np.maximum(last, 0))
        tlat = wp_lat[wp_offset + i]
        tlon = wp_lon[wp_offset + i]
        if home_mask is not None:
            on_last = home_mask & (i == last)
            tlat = np.where(on_last, home_lat, tlat)
            tlon = np.where(on_last, home_lon, tlon)
        total += np.where(active, great_circle_distance(plat, plon, tlat, tlon), 0.0)
        plat = np.where(active, tlat, plat)
        plon = np.where(active, tlon, plon)
        idx = idx + 1
    return total


def terminal_height(agl, dist_to_go, kind, start_range, apex):
    """Height above the surface (m) in the terminal phase of a cruise missile.

    ``kind`` 0: none (stays at ``agl`` until impact); 1: pop-up — climbs on a half sine to ``apex``
    over the first half of the terminal range, then dives linearly to the target; 2: dive — descends
    linearly from ``agl`` to the surface over the terminal range.
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
