"""The movers stage: launch what is due, then advance every non-interceptor row by one step.

Interceptors are flown by ``engage/flyout.py`` after C2 has decided, because their guidance
needs this step's target positions.
"""

from __future__ import annotations

import numpy as np

from amdsim.core.constants import TERRAIN_RATE_LOOKAHEAD_S
from amdsim.core.geodesy import destination, geodetic2ecef, great_circle_distance, initial_bearing
from amdsim.core.kinds import BALLISTIC, CRUISE, GOTO, ORBIT, ROUTE, MoverKind
from amdsim.movers.ballistic import advance_ballistic
from amdsim.movers.evasion import evasion_cues
from amdsim.movers.paths import orbit_advance_kernel, place_rows, route_advance_kernel
from amdsim.movers.sortie import advance_sorties, log_sortie_events
from amdsim.world.events import EventLog
from amdsim.world.messages import MoverEvents
from amdsim.world.state import Fate, World
from amdsim.world.tables import CompiledScenario


def advance_movers(w: World, cs: CompiledScenario, dt: float, surface=None) -> MoverEvents:
    """Advance all active non-interceptor movers from ``w.t`` to ``w.t + dt``.

    ``surface`` is an optional callable ``(lat, lon) -> height of the surface (m)``, the DEM.
    """
    m = cs.movers
    t_new = w.t + dt
    w.pos_prev[:] = w.pos
    w.vel_prev[:] = w.vel
    due = (w.fate == 0) & (w.t_launch <= t_new)  # interceptors wait at t_launch = inf
    launched = np.flatnonzero(due)
    if launched.size:
        w.is_active[launched] = True
        w.fate[launched] = Fate.FLYING
        w.pos[launched] = m.pos0[launched]
        w.vel[launched] = m.vel0[launched]
        w.refresh_geodetic(launched)
    impacted: list[np.ndarray] = []
    impact_pos: list[np.ndarray] = []

    active = np.flatnonzero(w.is_active)
    beh = w.behavior[active]
    rows = active[beh == ROUTE]
    if rows.size:
        r_imp, p_imp = _advance_route(w, cs, rows, dt, t_new, surface)
        impacted.append(r_imp)
        impact_pos.append(p_imp)
    rows = active[beh == ORBIT]
    if rows.size:
        _advance_orbit(w, cs, rows, t_new, dt)
    rows = active[beh == GOTO]
    if rows.size:
        _advance_goto(w, rows, dt)
    rows = active[beh == BALLISTIC]
    if rows.size:
        r_imp, p_imp = _advance_ballistic(w, cs, rows, t_new)
        impacted.append(r_imp)
        impact_pos.append(p_imp)
    advance_sorties(w, cs, dt, t_new)                 # aircraft flying from an air base (movers/sortie.py)
    imp = np.concatenate(impacted) if impacted else np.zeros(0, np.int64)
    pos = np.concatenate(impact_pos) if impact_pos else np.zeros((0, 3))
    if imp.size:
        w.is_active[imp] = False
        w.fate[imp] = Fate.IMPACT
        w.t_end[imp] = t_new
        w.vel[imp] = 0.0
    return MoverEvents(launched=launched, impacted=imp, impact_pos=pos)


def _advance_route(w, cs, rows, dt, t_new, surface):
    m = cs.movers
    arrived = np.zeros(rows.size, bool)
    evade_start, evade_course = evasion_cues(w, cs, t_new)
    route_advance_kernel(rows, w.t, dt, w.lat, w.lon, w.alt, w.heading, w.wp_index, w.pos, w.vel, w.nominal_lat,
                         w.nominal_lon, w.nominal_heading, w.man_mode, m.speed, m.wp_offset, m.wp_count, m.wp_lat,
                         m.wp_lon, m.wp_agl, m.agl, m.loop, m.home_on, m.kind == CRUISE, m.term_kind, m.term_range,
                         m.term_alt, m.term_accel, m.term_period, m.term_climb, m.term_dive, m.term_side,
                         m.jink_offset, m.jink_count, m.jink_sign, m.evade_accel, evade_start, evade_course, arrived)
    if surface is not None:
        _follow_terrain(w, rows, surface)
    threat_end = arrived & (m.kind[rows] == CRUISE)
    return rows[threat_end], w.pos[rows[threat_end]]


def _follow_terrain(w, rows, surface):
    """Heights above the terrain: raise every route mover by the ground under it, and add the ground's
    rate of climb along the course (a forward difference over TERRAIN_RATE_LOOKAHEAD_S) to its velocity."""
    lat, lon = w.lat[rows], w.lon[rows]
    ground = np.maximum(surface(lat, lon), 0.0)
    up = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)
    vel = w.vel[rows]
    v_h = np.linalg.norm(vel - np.einsum("ij,ij->i", vel, up)[:, None] * up, axis=1)
    ahead_lat, ahead_lon, _ = destination(lat, lon, w.heading[rows], v_h * TERRAIN_RATE_LOOKAHEAD_S)
    rate = (np.maximum(surface(ahead_lat, ahead_lon), 0.0) - ground) / TERRAIN_RATE_LOOKAHEAD_S
    w.alt[rows] += ground
    w.pos[rows] = geodetic2ecef(lat, lon, w.alt[rows])
    w.vel[rows] = vel + rate[:, None] * up


def _advance_orbit(w, cs, rows, t_new, dt):
    m = cs.movers
    orbit_advance_kernel(rows, t_new, w.lat, w.lon, w.alt, w.heading, w.pos, w.vel, m.orb_lat, m.orb_lon,
                         m.orb_radius, m.speed, m.orb_dir, w.orb_phase0, m.orb_alt)


def _advance_goto(w, rows, dt):
    glat, glon, galt = w.goal[rows, 0], w.goal[rows, 1], w.goal[rows, 2]
    lat0, lon0, alt0 = w.lat[rows], w.lon[rows], w.alt[rows]
    dist = great_circle_distance(lat0, lon0, glat, glon)
    brg = initial_bearing(lat0, lon0, glat, glon)
    step = np.minimum(w.goal_speed[rows] * dt, dist)
    lat, lon, _ = destination(lat0, lon0, brg, step)
    climb = np.clip(galt - alt0, -50.0 * dt, 50.0 * dt)
    alt = alt0 + climb
    pos = np.empty((rows.size, 3))
    vel = np.empty((rows.size, 3))
    place_rows(lat, lon, alt, brg, step / dt, climb / dt, pos, vel)
    w.pos[rows] = pos
    w.vel[rows] = vel
    w.lat[rows], w.lon[rows], w.alt[rows], w.heading[rows] = lat, lon, alt, brg


def _advance_ballistic(w, cs, rows, t_new):
    """Boost, free flight and glide of the ballistic rows (movers/ballistic.py); the rows that reached
    their aim radius this step and where."""
    hit = advance_ballistic(w, cs, rows, t_new)
    return rows[hit], w.pos[rows[hit]]


def log_launches(w: World, cs: CompiledScenario, ev: MoverEvents, log: EventLog) -> None:
    """A ``launch`` event for every threat that left its launcher this step (interceptors log their own)."""
    m = cs.movers
    for row in ev.launched.tolist():
        if m.kind[row] in (MoverKind.CRUISE_MISSILE, MoverKind.BALLISTIC_MISSILE, MoverKind.AIRCRAFT):
            log.add(w.t_launch[row], "launch", actor=row, target=int(m.aim_asset[row]),
                    force=int(m.force[row]), pos=w.pos[row].copy(), detail=m.type_name[row])
    log_sortie_events(w, log)                         # take-offs, on station, returns, landings
