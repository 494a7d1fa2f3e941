"""Compiled per-row kernels of the movers stage (numba): great-circle route following, orbits.

These loops run once per mover row per step; compiled, a step over all rows costs microseconds,
which keeps the numpy call overhead off the hot path. The maths is the same as the vectorized
helpers in ``amdsim.core.geodesy`` (spherical earth of the mean radius for horizontal motion, WGS84 for
ECEF), which the tests use as reference.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from amdsim.core.geodesy import EARTH_MEAN_RADIUS
from amdsim.core.geodesy_compiled import (
    enu_to_ecef,
    gc_bearing,
    gc_destination,
    gc_distance,
    geodetic_to_ecef,
)

R = EARTH_MEAN_RADIUS
ARRIVAL_TOLERANCE = 1.0












@njit(cache=True)
def route_kernel(lat, lon, wp_index, speed, dt, wp_offset, wp_count, wp_lat, wp_lon, loop, home_lat, home_lon,
                 home_mask, out_bearing, out_arrived):  # pragma: no cover - compiled
    """In-place route following for n rows (see :func:`amdsim.movers.route.route_step`)."""
    n = lat.shape[0]
    for i in range(n):
        out_arrived[i] = False
        cnt = wp_count[i]
        if cnt == 0:
            continue
        remaining = speed[i] * dt
        last = cnt - 1
        for _ in range(64):
            if remaining <= 0.0 or out_arrived[i]:
                break
            k = min(max(wp_index[i], 0), last)
            tlat = wp_lat[wp_offset[i] + k]
            tlon = wp_lon[wp_offset[i] + k]
            if home_mask[i] and k == last:
                tlat = home_lat[i]
                tlon = home_lon[i]
            dist = gc_distance(lat[i], lon[i], tlat, tlon)
            if dist > ARRIVAL_TOLERANCE:
                out_bearing[i] = gc_bearing(lat[i], lon[i], tlat, tlon)
            if remaining + ARRIVAL_TOLERANCE >= dist:
                lat[i] = tlat
                lon[i] = tlon
                remaining -= dist
                if wp_index[i] >= last:
                    if loop[i]:
                        wp_index[i] = 0
                    else:
                        out_arrived[i] = True
                else:
                    wp_index[i] += 1
            else:
                lat[i], lon[i] = gc_destination(lat[i], lon[i], out_bearing[i], remaining)
                remaining = 0.0


@njit(cache=True)
def route_distance_to_go(lat, lon, wp_index, wp_offset, wp_count, wp_lat, wp_lon, home_lat, home_lon,
                         home_mask):  # pragma: no cover - compiled
    n = lat.shape[0]
    out = np.zeros(n)
    for i in range(n):
        plat, plon = lat[i], lon[i]
        last = wp_count[i] - 1
        for k in range(max(wp_index[i], 0), last + 1):
            tlat = wp_lat[wp_offset[i] + k]
            tlon = wp_lon[wp_offset[i] + k]
            if home_mask[i] and k == last:
                tlat = home_lat[i]
                tlon = home_lon[i]
            out[i] += gc_distance(plat, plon, tlat, tlon)
            plat, plon = tlat, tlon
    return out


@njit(cache=True)
def place_rows(lat, lon, alt, bearing, speed, climb, pos_out, vel_out):  # pragma: no cover - compiled
    """ECEF position and velocity of rows moving at ``speed`` on course ``bearing`` with vertical rate ``climb``."""
    for i in range(lat.shape[0]):
        geodetic_to_ecef(lat[i], lon[i], alt[i], pos_out[i])
        enu_to_ecef(lat[i], lon[i], speed[i] * np.sin(bearing[i]), speed[i] * np.cos(bearing[i]), climb[i],
                    vel_out[i])


@njit(cache=True)
def _terminal_agl(agl, to_go, kind, start_range, apex):
    """Scalar version of :func:`amdsim.movers.route.terminal_height`."""
    if kind == 0 or to_go >= start_range:
        return agl
    frac = min(max(to_go / max(start_range, 1.0), 0.0), 1.0)
    if kind == 1:
        if frac >= 0.5:
            return agl + (apex - agl) * np.sin(np.pi * (1.0 - frac))
        return apex * frac / 0.5
    return agl * frac


@njit(cache=True)
def route_advance_kernel(rows, lat, lon, alt, heading, wp_index, pos, vel, speed, dt, wp_offset, wp_count, wp_lat,
                         wp_lon, wp_agl, agl, loop, home_on, term_kind, term_range, term_alt, is_cruise,
                         arrived):  # pragma: no cover - compiled
    """Advance route rows in place: great-circle legs, height above the (sea) surface, terminal
    manoeuvre, ECEF position and velocity. ``arrived`` (len(rows),) is set for routes that ended."""
    one_lat = np.empty(1)
    one_lon = np.empty(1)
    one_idx = np.empty(1, np.int64)
    one_brg = np.empty(1)
    one_arr = np.empty(1, np.bool_)
    for k in range(rows.shape[0]):
        i = rows[k]
        h = home_on[i]
        home = h >= 0
        one_lat[0], one_lon[0], one_idx[0], one_brg[0] = lat[i], lon[i], wp_index[i], heading[i]
        hl = np.array([lat[h] if home else 0.0])
        ho = np.array([lon[h] if home else 0.0])
        route_kernel(one_lat, one_lon, one_idx, speed[i:i + 1], dt, wp_offset[i:i + 1], wp_count[i:i + 1], wp_lat,
                     wp_lon, loop[i:i + 1], hl, ho, np.array([home]), one_brg, one_arr)
        alt0 = alt[i]
        lat[i], lon[i], wp_index[i], heading[i] = one_lat[0], one_lon[0], one_idx[0], one_brg[0]
        arrived[k] = one_arr[0]
        cnt = wp_count[i]
        j = wp_offset[i] + min(max(wp_index[i], 0), max(cnt - 1, 0))
        h_agl = agl[i]
        if cnt > 0 and not np.isnan(wp_agl[j]):
            h_agl = wp_agl[j]
        if term_kind[i] > 0:
            to_go = route_distance_to_go(one_lat, one_lon, one_idx, wp_offset[i:i + 1], wp_count[i:i + 1], wp_lat,
                                         wp_lon, hl, ho, np.array([home]))[0]
            h_agl = _terminal_agl(h_agl, to_go, term_kind[i], term_range[i], term_alt[i])
        new_alt = max(h_agl, 0.0)
        stopped = one_arr[0] and not loop[i] and not is_cruise[i]
        v = 0.0 if stopped else speed[i]
        climb = 0.0 if stopped else (new_alt - alt0) / dt
        alt[i] = new_alt
        geodetic_to_ecef(lat[i], lon[i], new_alt, pos[i])
        enu_to_ecef(lat[i], lon[i], v * np.sin(heading[i]), v * np.cos(heading[i]), climb, vel[i])


@njit(cache=True)
def orbit_advance_kernel(rows, t, lat, lon, alt, heading, pos, vel, c_lat, c_lon, radius, speed, direction,
                         phase0, orb_alt):  # pragma: no cover - compiled
    """Place orbit rows at time ``t`` (see :func:`amdsim.core.orbit.orbit_position`)."""
    for k in range(rows.shape[0]):
        i = rows[k]
        theta = phase0[i] + direction[i] * speed[i] / radius[i] * t
        la, lo = gc_destination(c_lat[i], c_lon[i], theta, radius[i])
        course = theta + direction[i] * np.pi / 2
        course = (course + np.pi) % (2 * np.pi) - np.pi
        lat[i], lon[i], alt[i], heading[i] = la, lo, orb_alt[i], course
        geodetic_to_ecef(la, lo, orb_alt[i], pos[i])
        enu_to_ecef(la, lo, speed[i] * np.sin(course), speed[i] * np.cos(course), 0.0, vel[i])
