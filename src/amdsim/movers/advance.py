"""The movers stage: launch what is due, then advance every non-interceptor row by one step.

Interceptors are flown by ``engage/flyout.py`` after C2 has decided, because their guidance
needs this step's target positions.
"""

from __future__ import annotations

import numpy as np

from amdsim.core.geodesy import destination, great_circle_distance, initial_bearing
from amdsim.core.kinds import BALLISTIC, CRUISE, GOTO, ORBIT, ROUTE, MoverKind
from amdsim.movers.ballistic import propagate_ballistic
from amdsim.movers.paths import orbit_advance_kernel, place_rows, route_advance_kernel
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
        r_imp, p_imp = _advance_ballistic(w, cs, rows, dt)
        impacted.append(r_imp)
        impact_pos.append(p_imp)
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
    route_advance_kernel(rows, w.lat, w.lon, w.alt, w.heading, w.wp_index, w.pos, w.vel, m.speed, dt, m.wp_offset,
                         m.wp_count, m.wp_lat, m.wp_lon, m.wp_agl, m.agl, m.loop, m.home_on, m.term_kind,
                         m.term_range, m.term_alt, m.kind == CRUISE, arrived)
    if surface is not None:
        # heights above the terrain: raise every route mover by the ground under it
        ground = np.maximum(surface(w.lat[rows], w.lon[rows]), 0.0)
        w.alt[rows] += ground
        pos = np.empty((rows.size, 3))
        vel = np.empty((rows.size, 3))
        speed = np.linalg.norm(w.vel[rows], axis=1)
        place_rows(w.lat[rows], w.lon[rows], w.alt[rows], w.heading[rows], speed, np.zeros(rows.size), pos, vel)
        w.pos[rows] = pos
        w.vel[rows] = vel
    threat_end = arrived & (m.kind[rows] == CRUISE)
    return rows[threat_end], w.pos[rows[threat_end]]


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


def _advance_ballistic(w, cs, rows, dt):
    m = cs.movers
    p0, v0 = w.pos[rows], w.vel[rows]
    p1, v1 = propagate_ballistic(p0, v0, m.ballistic_coeff[rows], dt)
    r0 = np.linalg.norm(p0, axis=1)
    r1 = np.linalg.norm(p1, axis=1)
    rt = m.impact_radius[rows]
    descending = np.einsum("ij,ij->i", p1, v1) < 0
    hit = descending & (r1 <= rt)
    # Impact point: linear interpolation of the radius crossing inside the step.
    frac = np.clip((r0 - rt) / np.maximum(r0 - r1, 1e-9), 0.0, 1.0)[:, None]
    p_hit = p0 + frac * (p1 - p0)
    w.pos[rows] = np.where(hit[:, None], p_hit, p1)
    w.vel[rows] = v1
    w.refresh_geodetic(rows)
    east = np.stack([-np.sin(w.lon[rows]), np.cos(w.lon[rows]), np.zeros(rows.size)], axis=-1)
    up = w.pos[rows] / np.linalg.norm(w.pos[rows], axis=1, keepdims=True)
    north = np.cross(up, east)
    w.heading[rows] = np.arctan2(np.einsum("ij,ij->i", v1, east), np.einsum("ij,ij->i", v1, north))
    return rows[hit], w.pos[rows[hit]]


def log_launches(w: World, cs: CompiledScenario, ev: MoverEvents, log: EventLog) -> None:
    """A ``launch`` event for every threat that left its launcher this step (interceptors log their own)."""
    m = cs.movers
    for row in ev.launched.tolist():
        if m.kind[row] in (MoverKind.CRUISE_MISSILE, MoverKind.BALLISTIC_MISSILE, MoverKind.AIRCRAFT):
            log.add(w.t_launch[row], "launch", actor=row, target=int(m.aim_asset[row]),
                    force=int(m.force[row]), pos=w.pos[row], detail=m.type_name[row])
