"""Compiled per-row kernels of the movers stage (numba): great-circle route following with the
threats' manoeuvres (pop-up, dive, weave, jink, evasive turn), orbits.

These loops run once per mover row per step; compiled, a step over all rows costs microseconds,
which keeps the numpy call overhead off the hot path. The maths is the same as the vectorized
helpers in ``amdsim.core.geodesy`` (spherical earth of the mean radius for horizontal motion, WGS84 for
ECEF), which the tests use as reference. A route's or terminal manoeuvre's position is a closed-form
function of the path flown (great-circle legs, the profile's arcs and lines, the offsets of
:func:`lateral_offset`), so it does not depend on the step; every velocity written is the
instantaneous one at the step's end (the endgame interpolates the target between the step's two
states with a cubic Hermite).

Every great-circle step goes through the pole-safe n-vector kernels of ``core/geodesy_compiled.py``
(orbits centred on a pole, routes over a pole or across the antimeridian). numba's on-disk cache is
keyed on this file's own text, not on the functions it calls from other files: after changing a
kernel there, change this file too (or clear its ``__pycache__``), or the old code keeps running.
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
from amdsim.world.tables import TERMINAL_CODES

R = EARTH_MEAN_RADIUS
ARRIVAL_TOLERANCE = 1.0












#: Codes of ``World.man_mode`` (``world/state.py``): on the route, offset laterally from it (weave,
#: jink), in an evasive turn, turning back to the route.
ON_ROUTE, LATERAL, EVADING, RETURNING = 0, 1, 2, 3
TERM_POPUP = TERMINAL_CODES["popup"]
TERM_DIVE = TERMINAL_CODES["dive"]
TERM_WEAVE = TERMINAL_CODES["weave"]
TERM_JINK = TERMINAL_CODES["jink"]


@njit(cache=True)
def _waypoint(idx, off, cnt, wp_lat, wp_lon, home, hlat, hlon):  # pragma: no cover - compiled
    """The point (lat, lon rad) a row flies to: its waypoint ``idx``, or the homed-on asset on the last leg."""
    k = min(max(idx, 0), cnt - 1)
    if home and k == cnt - 1:
        return hlat, hlon
    return wp_lat[off + k], wp_lon[off + k]


@njit(cache=True)
def _follow_route(lat, lon, idx, brg, budget, off, cnt, wp_lat, wp_lon, loop, home, hlat, hlon):  # pragma: no cover
    """Fly ``budget`` metres along great-circle legs from (lat, lon) towards waypoint ``idx``.

    Returns the new (lat, lon), waypoint index, course (rad) and whether the last waypoint of a
    non-looping route was reached. A budget may cross several waypoints.
    """
    arrived = False
    if cnt == 0:
        return lat, lon, idx, brg, arrived
    remaining = budget
    last = cnt - 1
    for _ in range(64):
        if remaining <= 0.0 or arrived:
            break
        tlat, tlon = _waypoint(idx, off, cnt, wp_lat, wp_lon, home, hlat, hlon)
        dist = gc_distance(lat, lon, tlat, tlon)
        if dist > ARRIVAL_TOLERANCE:
            brg = gc_bearing(lat, lon, tlat, tlon)
        if remaining + ARRIVAL_TOLERANCE >= dist:
            lat, lon = tlat, tlon
            remaining -= dist
            if idx >= last:
                if loop:
                    idx = 0
                else:
                    arrived = True
            else:
                idx += 1
        else:
            lat, lon = gc_destination(lat, lon, brg, remaining)
            remaining = 0.0
    return lat, lon, idx, brg, arrived


@njit(cache=True)
def _to_go(lat, lon, idx, off, cnt, wp_lat, wp_lon, home, hlat, hlon):  # pragma: no cover - compiled
    """Great-circle distance (m) still to fly along the remaining legs of one route."""
    total = 0.0
    plat, plon = lat, lon
    last = cnt - 1
    for k in range(max(idx, 0), last + 1):
        tlat, tlon = _waypoint(k, off, cnt, wp_lat, wp_lon, home, hlat, hlon)
        total += gc_distance(plat, plon, tlat, tlon)
        plat, plon = tlat, tlon
    return total


@njit(cache=True)
def route_kernel(lat, lon, wp_index, speed, dt, wp_offset, wp_count, wp_lat, wp_lon, loop, home_lat, home_lon,
                 home_mask, out_bearing, out_arrived):  # pragma: no cover - compiled
    """In-place route following for n rows (see :func:`amdsim.movers.route.route_step`)."""
    for i in range(lat.shape[0]):
        lat[i], lon[i], wp_index[i], out_bearing[i], out_arrived[i] = _follow_route(
            lat[i], lon[i], wp_index[i], out_bearing[i], speed[i] * dt, wp_offset[i], wp_count[i], wp_lat, wp_lon,
            loop[i], home_mask[i], home_lat[i], home_lon[i])


@njit(cache=True)
def route_distance_to_go(lat, lon, wp_index, wp_offset, wp_count, wp_lat, wp_lon, home_lat, home_lon,
                         home_mask):  # pragma: no cover - compiled
    n = lat.shape[0]
    out = np.zeros(n)
    for i in range(n):
        out[i] = _to_go(lat[i], lon[i], wp_index[i], wp_offset[i], wp_count[i], wp_lat, wp_lon, home_mask[i],
                        home_lat[i], home_lon[i])
    return out


@njit(cache=True)
def place_rows(lat, lon, alt, bearing, speed, climb, pos_out, vel_out):  # pragma: no cover - compiled
    """ECEF position and velocity of rows moving at ``speed`` on course ``bearing`` with vertical rate ``climb``."""
    for i in range(lat.shape[0]):
        geodetic_to_ecef(lat[i], lon[i], alt[i], pos_out[i])
        enu_to_ecef(lat[i], lon[i], speed[i] * np.sin(bearing[i]), speed[i] * np.cos(bearing[i]), climb[i],
                    vel_out[i])


@njit(cache=True)
def _terminal_agl(agl, to_go, kind, start_range, apex):  # pragma: no cover - compiled
    """Scalar version of :func:`amdsim.movers.route.terminal_height`: height (m) and its derivative
    with respect to the distance to go (dh/dd), of the pop-up and dive without a load limit."""
    if kind not in (TERM_POPUP, TERM_DIVE) or to_go >= start_range:
        return agl, 0.0
    span = max(start_range, 1.0)
    frac = min(max(to_go / span, 0.0), 1.0)
    if kind == TERM_POPUP:
        if frac >= 0.5:
            return (agl + (apex - agl) * np.sin(np.pi * (1.0 - frac)),
                    -(apex - agl) * np.pi / span * np.cos(np.pi * (1.0 - frac)))
        return apex * frac / 0.5, 2.0 * apex / span
    return agl * frac, agl / span


@njit(cache=True)
def _arc_end(x, s, h, g_from, g_to, kappa):  # pragma: no cover - compiled
    """End (x, s, h) of an arc of curvature ``kappa`` (1/m, > 0 pulling up) from flight-path angle ``g_from``
    to ``g_to`` (rad): dx/ds = cos g, dh/ds = sin g, dg/ds = kappa."""
    return (x + (np.sin(g_to) - np.sin(g_from)) / kappa, s + (g_to - g_from) / kappa,
            h - (np.cos(g_to) - np.cos(g_from)) / kappa)


@njit(cache=True)
def profile_segments(kind, start_range, h0, apex, radius, climb, dive, seg):  # pragma: no cover - compiled
    """The g-limited pop-up or dive (``core/manoeuvre.py``) as segments of the vertical plane.

    Fills ``seg`` (4, 6) with one row per segment: x_a, x_b (m flown horizontally since the
    manoeuvre began), s_a (path length at x_a, m), h_a (m above the surface), gamma_a (flight-path
    angle at x_a, rad), kappa (curvature, 1/m, + pulling up, 0 straight); returns the count.
    Pop-up: pull-up arc, straight climb at ``climb``, push-over arc through the apex at half the
    start range, straight dive at ``dive`` to height 0 at the target. Dive: push-over arc from level
    at ``h0``, straight dive at ``dive``.
    """
    k = 1.0 / radius
    x, s, h, g = 0.0, 0.0, h0, 0.0
    n = 0
    if kind == TERM_POPUP:
        seg[n, 0], seg[n, 2], seg[n, 3], seg[n, 4], seg[n, 5] = x, s, h, 0.0, k
        x, s, h = _arc_end(x, s, h, 0.0, climb, k)
        seg[n, 1] = x
        n += 1
        x_top = 0.5 * start_range - radius * np.sin(climb)        # where the push-over begins
        seg[n, 0], seg[n, 1], seg[n, 2], seg[n, 3], seg[n, 4], seg[n, 5] = x, x_top, s, h, climb, 0.0
        s += (x_top - x) / np.cos(climb)
        h += (x_top - x) * np.tan(climb)
        x = x_top
        n += 1
        g = climb
    seg[n, 0], seg[n, 2], seg[n, 3], seg[n, 4], seg[n, 5] = x, s, h, g, -k
    x, s, h = _arc_end(x, s, h, g, -dive, -k)
    seg[n, 1] = x
    n += 1
    seg[n, 0], seg[n, 1], seg[n, 2], seg[n, 3], seg[n, 4], seg[n, 5] = x, max(start_range, x), s, h, -dive, 0.0
    return n + 1


@njit(cache=True)
def profile_at_x(seg, n, x):  # pragma: no cover - compiled
    """Path length s (m), height h (m) and flight-path angle (rad) at horizontal distance ``x`` (m) since the
    manoeuvre began; x < 0 is the level approach (s = x), beyond the last segment its end."""
    if x <= 0.0:
        return x, seg[0, 3], 0.0
    j = 0
    while j < n - 1 and x > seg[j, 1]:
        j += 1
    xa, sa, ha, ga, ka = seg[j, 0], seg[j, 2], seg[j, 3], seg[j, 4], seg[j, 5]
    x = min(x, seg[j, 1])
    if ka == 0.0:
        return sa + (x - xa) / np.cos(ga), ha + (x - xa) * np.tan(ga), ga
    g = np.arcsin(min(max(np.sin(ga) + ka * (x - xa), -1.0), 1.0))
    return sa + (g - ga) / ka, ha - (np.cos(g) - np.cos(ga)) / ka, g


@njit(cache=True)
def profile_at_s(seg, n, s):  # pragma: no cover - compiled
    """Horizontal distance x (m), height h (m) and flight-path angle (rad) at path length ``s`` (m) since the
    manoeuvre began; s < 0 is the level approach (x = s); the last straight segment extends beyond the target."""
    if s <= 0.0:
        return s, seg[0, 3], 0.0
    j = 0
    while j < n - 1 and s > seg[j + 1, 2]:
        j += 1
    xa, sa, ha, ga, ka = seg[j, 0], seg[j, 2], seg[j, 3], seg[j, 4], seg[j, 5]
    if ka == 0.0:
        return xa + (s - sa) * np.cos(ga), ha + (s - sa) * np.sin(ga), ga
    g = ga + ka * (s - sa)
    return xa + (np.sin(g) - np.sin(ga)) / ka, ha - (np.cos(g) - np.cos(ga)) / ka, g


@njit(cache=True)
def lateral_offset(kind, tau, tau_start, accel, period, side, jink_sign, j_off, j_cnt):  # pragma: no cover
    """Weave or jink: offset y (m, + right of the nominal track) and dy/dtau at time to go ``tau`` (s).

    The manoeuvre runs from ``tau_start`` (a whole number of periods) to 0. Weave: y = side A (1 -
    cos(w tau)), A = a / w^2, w = 2 pi / period, so the lateral acceleration d2y/dt2 = side a cos(w tau)
    has amplitude a and y = dy/dt = 0 at both ends. Jink: interval j of the flight (period P) is a
    sidestep of sign s_j and size D = a P^2 / 4: acceleration s_j a for the first half, -s_j a for the
    second (y goes from Y_j to Y_j + s_j D with dy/dt = 0 at both ends); the signs add up to 0.
    """
    if tau >= tau_start or tau <= 0.0:
        return 0.0, 0.0
    if kind == TERM_WEAVE:
        w = 2.0 * np.pi / period
        amp = side * accel / (w * w)
        return amp * (1.0 - np.cos(w * tau)), amp * w * np.sin(w * tau)
    elapsed = tau_start - tau
    j = min(int(elapsed / period), j_cnt - 1)
    xi = min((elapsed - j * period) / period, 1.0)
    step = accel * period * period / 4.0
    base = 0.0
    for m in range(j):
        base += jink_sign[j_off + m]
    sgn = jink_sign[j_off + j]
    if xi <= 0.5:
        b, db = 2.0 * xi * xi, 4.0 * xi
    else:
        b, db = 1.0 - 2.0 * (1.0 - xi) ** 2, 4.0 * (1.0 - xi)
    return step * (base + sgn * b), -sgn * step * db / period


@njit(cache=True)
def _closing_rate(lat, lon, course, v_h, homes, vel_home):  # pragma: no cover - compiled
    """-d(distance to go)/dt (m/s): the horizontal speed, less the homed-on asset's speed away from the row."""
    if not homes:
        return v_h
    e = np.empty(3)
    enu_to_ecef(lat, lon, np.sin(course), np.cos(course), 0.0, e)
    return v_h - (e[0] * vel_home[0] + e[1] * vel_home[1] + e[2] * vel_home[2])


@njit(cache=True)
def _wrap(a):  # pragma: no cover - compiled
    return (a + np.pi) % (2.0 * np.pi) - np.pi


@njit(cache=True)
def turn_towards(lat, lon, course, course_to, omega, speed, t, hold):  # pragma: no cover - compiled
    """Level turn at rate ``omega`` (rad/s) and ``speed`` (m/s) from ``course`` towards ``course_to`` (rad),
    for at most ``t`` s; with ``hold``, straight on along ``course_to`` for the rest of ``t``.

    The turn is the circular arc of radius speed / omega, flown exactly: the chord 2 (v / omega)
    sin(dpsi / 2) at the mean course. Returns lat, lon, course and the time spent turning (s).
    """
    err = _wrap(course_to - course)
    t_turn = min(abs(err) / omega, t)
    if t_turn > 0.0:
        turned = np.sign(err) * omega * t_turn
        chord = 2.0 * speed / omega * abs(np.sin(0.5 * turned))
        lat, lon = gc_destination(lat, lon, course + 0.5 * turned, chord)
        course = _wrap(course + turned)
    if hold and t > t_turn:
        lat, lon = gc_destination(lat, lon, course, speed * (t - t_turn))
    return lat, lon, course, t_turn


@njit(cache=True)
def route_advance_kernel(rows, t0, dt, lat, lon, alt, heading, wp_index, pos, vel, nominal_lat, nominal_lon,
                         nominal_heading, man_mode, speed, wp_offset, wp_count, wp_lat, wp_lon, wp_agl, agl, loop,
                         home_on, is_cruise, term_kind, term_range, term_alt, term_accel, term_period, term_climb,
                         term_dive, term_side, jink_offset, jink_count, jink_sign, evade_accel, evade_start,
                         evade_course, arrived):  # pragma: no cover - compiled
    """Advance route rows from ``t0`` by ``dt`` in place: great-circle legs, height above the (sea)
    surface, terminal manoeuvres and evasive turns; ECEF position and the instantaneous velocity at
    the step's end. ``arrived`` (len(rows),) is set for routes that ended.

    Per row: an aircraft whose ``evade_start`` falls before the step's end (``movers/evasion.py``)
    turns at ``evade_accel`` onto ``evade_course``, and turns back to its route when the threat is
    gone. Otherwise the nominal point flies its legs (pop-up and dive with a load limit at the speed
    of their path: the horizontal distance comes from the profile's arc length); a weave or jink
    offsets the row normal to the nominal course on the final leg (:func:`lateral_offset`); a pop-up
    or dive sets the height (:func:`profile_at_x`, or :func:`_terminal_agl` without a load limit).
    """
    seg = np.empty((4, 6))
    t1 = t0 + dt
    for k in range(rows.shape[0]):
        i = rows[k]
        mode = man_mode[i]
        if mode != LATERAL:
            nominal_lat[i], nominal_lon[i], nominal_heading[i] = lat[i], lon[i], heading[i]
        h = home_on[i]
        home = h >= 0
        hlat = lat[h] if home else 0.0
        hlon = lon[h] if home else 0.0
        off, cnt = wp_offset[i], wp_count[i]
        v = speed[i]
        kind = term_kind[i]
        accel = term_accel[i]
        limited = kind in (TERM_POPUP, TERM_DIVE) and accel > 0.0
        n_seg = 0
        if limited:
            n_seg = profile_segments(kind, term_range[i], agl[i], term_alt[i], v * v / accel, term_climb[i],
                                     term_dive[i], seg)
        la, lo, idx, psi = nominal_lat[i], nominal_lon[i], wp_index[i], nominal_heading[i]
        done = False
        evading = evade_accel[i] > 0.0 and v > 0.0 and (evade_start[i] < t1 or mode in (EVADING, RETURNING))
        if evading:
            omega = evade_accel[i] / v
            if evade_start[i] < t1:
                pre = min(max(evade_start[i] - t0, 0.0), dt)
                if pre > 0.0 and mode == RETURNING:
                    tla, tlo = _waypoint(idx, off, cnt, wp_lat, wp_lon, home, hlat, hlon)
                    la, lo, psi, _ = turn_towards(la, lo, psi, gc_bearing(la, lo, tla, tlo), omega, v, pre, False)
                elif pre > 0.0:
                    la, lo, idx, psi, done = _follow_route(la, lo, idx, psi, v * pre, off, cnt, wp_lat, wp_lon,
                                                           loop[i], home, hlat, hlon)
                la, lo, psi, _ = turn_towards(la, lo, psi, evade_course[i], omega, v, dt - pre, True)
                mode = EVADING
            else:
                tla, tlo = _waypoint(idx, off, cnt, wp_lat, wp_lon, home, hlat, hlon)
                t_turn = 0.0
                if gc_distance(la, lo, tla, tlo) > 2.0 * v / omega:
                    la, lo, psi, t_turn = turn_towards(la, lo, psi, gc_bearing(la, lo, tla, tlo), omega, v, dt,
                                                       False)
                # aligned (or the waypoint inside the turn circle): the route takes over
                mode = RETURNING if t_turn >= dt else ON_ROUTE
                if mode == ON_ROUTE:
                    la, lo, idx, psi, done = _follow_route(la, lo, idx, psi, v * (dt - t_turn), off, cnt, wp_lat,
                                                           wp_lon, loop[i], home, hlat, hlon)
        else:
            budget = v * dt
            if limited:
                # fly the profile at the path speed v: the horizontal distance of this step from its arc length
                x0 = term_range[i] - _to_go(la, lo, idx, off, cnt, wp_lat, wp_lon, home, hlat, hlon)
                s0 = profile_at_x(seg, n_seg, x0)[0]
                budget = profile_at_s(seg, n_seg, s0 + v * dt)[0] - x0
            la, lo, idx, psi, done = _follow_route(la, lo, idx, psi, budget, off, cnt, wp_lat, wp_lon, loop[i],
                                                   home, hlat, hlon)
            mode = ON_ROUTE
        nominal_lat[i], nominal_lon[i], nominal_heading[i], wp_index[i] = la, lo, psi, idx
        arrived[k] = done
        # height above the surface and the vertical rate
        j = off + min(max(idx, 0), max(cnt - 1, 0))
        h_agl = agl[i]
        if cnt > 0 and not np.isnan(wp_agl[j]):
            h_agl = wp_agl[j]
        v_h, v_up, v_side = v, 0.0, 0.0
        if kind > 0 and not evading:
            to_go = _to_go(la, lo, idx, off, cnt, wp_lat, wp_lon, home, hlat, hlon)
            on_last = home and idx >= cnt - 1
            if limited:
                if to_go < term_range[i]:
                    _, h_agl, gamma = profile_at_x(seg, n_seg, term_range[i] - to_go)
                    v_h = v * np.cos(gamma)
                    v_up = _closing_rate(la, lo, psi, v_h, on_last, vel[h]) * np.tan(gamma)
            elif kind in (TERM_POPUP, TERM_DIVE):
                h_agl, dh_dd = _terminal_agl(h_agl, to_go, kind, term_range[i], term_alt[i])
                v_up = -dh_dd * _closing_rate(la, lo, psi, v, on_last, vel[h])
            elif idx >= cnt - 1 and not done:
                y, dy_dtau = lateral_offset(kind, to_go / v, term_range[i] / v, accel, term_period[i], term_side[i],
                                            jink_sign, jink_offset[i], jink_count[i])
                if y != 0.0 or dy_dtau != 0.0:
                    # time to go falls at the closing rate: dtau/dt = -closing / v
                    v_side = -dy_dtau * _closing_rate(la, lo, psi, v, on_last, vel[h]) / v
                    la, lo = gc_destination(la, lo, psi + 0.5 * np.pi, y)
                    mode = LATERAL
        man_mode[i] = mode
        new_alt = max(h_agl, 0.0)
        if new_alt == 0.0:
            v_up = max(v_up, 0.0)
        stopped = done and not loop[i] and not is_cruise[i]
        ve = v_h * np.sin(psi) + v_side * np.cos(psi)
        vn = v_h * np.cos(psi) - v_side * np.sin(psi)
        if stopped:
            ve, vn, v_up = 0.0, 0.0, 0.0
        lat[i], lon[i], alt[i] = la, lo, new_alt
        heading[i] = np.arctan2(ve, vn) if v_side != 0.0 else psi
        geodetic_to_ecef(la, lo, new_alt, pos[i])
        enu_to_ecef(la, lo, ve, vn, v_up, vel[i])


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
