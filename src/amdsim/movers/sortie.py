"""Sorties from an air base: take-off, climb and transit to the station, return and landing.

Fighters and AEW aircraft with ``base:`` (``MoverTable.base_row >= 0``) fly their sorties here; the
rest of the time on station they are ordinary orbit rows (and fighters are vectored from it by
``c2/fighters.py``). :func:`advance_sorties` runs once per step at the end of the movers stage,
over all such aircraft at once:

==========  ================================================  ==================================================
phase       entered when                                      leaves when
==========  ================================================  ==================================================
GROUND      start; landing with sorties left                  ``t_launch`` (first take-off; landing + turnaround)
                                                              -> OUTBOUND: take-off, missiles back to ``missiles``
OUTBOUND    take-off (behaviour SORTIE: climb, then transit   at the orbit point nearest the base at orbit height
            to the orbit at the orbit speed)                  -> ON_STATION; bingo fuel -> RTB
ON_STATION  arrival on the orbit (behaviour ORBIT; fighters   winchester (no missile left, none in flight), bingo
            GOTO while vectored)                              fuel, or the AEW's ``endurance_s`` on station -> RTB
RTB         winchester / bingo / endurance (behaviour SORTIE  at the base at base height -> landing: GROUND
            towards the base, descending to land there)       (sorties left) or DONE
DONE        landing after the last sortie                     (final)
==========  ================================================  ==================================================

On the ground an aircraft is not in the world (``is_active`` false, ``fate`` PENDING): its radar
does not scan and C2 cannot task it. Fuel (``fuel_time``, the fighters' ``endurance_s``) counts
from each take-off; bingo is the moment the fuel left covers only the flight home
(max(distance / speed, height / climb rate)) plus two steps, so that it lands with fuel to spare.

Flight: horizontal speed is the orbit speed (``MoverTable.speed``); the aircraft climbs at its
``climb_rate`` straight away after take-off and, returning, stays level until it is on the descent
line (height above the base = climb rate x time to go) and then descends on it, so that it arrives
at the base at the base's height. When the height cannot be made good by the time the aircraft
reaches its goal (an orbit right above its base, a fighter vectored close to home at altitude), it
holds: a standard-rate turn (``HOLDING_TURN_RATE_RAD_S``) while it climbs or descends at its climb
rate, until the goal is within reach. With a runway heading it first climbs out straight along the
runway for ``CLIMB_OUT_S``. A row that takes off inside the step flies only from its take-off time.

Events (:func:`log_sortie_events`): ``takeoff`` (target: the base; detail: sortie k of n),
``on_station`` (detail: the transit time), ``rtb`` (detail: the reason, winchester / bingo /
endurance; value: the fuel left, s), ``landing`` (target: the base; value: the fuel left, s).
"""

from __future__ import annotations

import numpy as np

from amdsim.core.constants import CLIMB_OUT_S, HOLDING_TURN_RATE_RAD_S
from amdsim.core.geodesy import destination, great_circle_distance, initial_bearing
from amdsim.core.kinds import ORBIT, SORTIE, MoverKind, SortiePhase
from amdsim.core.orbit import orbit_phase_at
from amdsim.movers.paths import place_rows
from amdsim.world.events import EventLog
from amdsim.world.magazines import rearm
from amdsim.world.state import Fate, World
from amdsim.world.tables import CompiledScenario

#: A goal is reached when the step's flight brings the aircraft within this distance (m) of it.
ARRIVAL_TOLERANCE_M = 1.0
#: ... and within this height (m) of its height.
HEIGHT_TOLERANCE_M = 1.0

GROUND, OUTBOUND, ON_STATION, RTB, DONE = (int(p) for p in (SortiePhase.GROUND, SortiePhase.OUTBOUND,
                                                             SortiePhase.ON_STATION, SortiePhase.RTB,
                                                             SortiePhase.DONE))
INTERCEPTOR_KIND = int(MoverKind.INTERCEPTOR)


def advance_sorties(w: World, cs: CompiledScenario, dt: float, t_new: float) -> None:
    """Advance every aircraft flying from an air base from ``w.t`` to ``t_new`` = ``w.t + dt``: take-offs
    due (the movers stage has just put them in the world at their base), the flight of the SORTIE
    rows, arrivals on station and landings, and the returns to base that fall due."""
    rows = cs.movers.sortie_rows
    if rows.size == 0:
        return
    _take_off(w, cs, rows[(w.sortie_phase[rows] == GROUND) & w.is_active[rows]])
    flying = rows[w.is_active[rows] & (w.behavior[rows] == SORTIE)]
    if flying.size:
        arrived, t_arrive = _fly(w, cs, flying, dt, t_new)
        _arrive(w, cs, flying[arrived], t_arrive[arrived], t_new)
    _return_to_base(w, cs, rows, dt, t_new)


def log_sortie_events(w: World, log: EventLog) -> None:
    """Move this step's sortie events (take-offs, arrivals on station, returns, landings) to the run's log."""
    s = w.sortie_log
    order = np.argsort(np.asarray(s.time), kind="stable")
    for i in order.tolist():
        log.add(s.time[i], s.kind[i], actor=s.actor[i], target=s.target[i], force=s.force[i], pos=s.pos[i],
                value=s.value[i], detail=s.detail[i])
    w.sortie_log = EventLog()


def _shooter_of(cs: CompiledScenario, rows: np.ndarray) -> np.ndarray:
    """(len(rows),) the fighter shooter row each aircraft is, -1 for an AEW."""
    sh = cs.shooters
    out = np.full(cs.movers.n, -1, np.int64)
    fighters = np.flatnonzero(sh.is_fighter)
    out[sh.host[fighters]] = fighters
    return out[rows]


def _sortie_text(cs: CompiledScenario, w: World, row: int) -> str:
    n = int(cs.movers.sorties[row])
    return f"sortie {n - int(w.sorties_left[row])} of {n}"


def _fuel_left(fuel_time: np.ndarray, airborne: np.ndarray) -> np.ndarray:
    """Fuel left (s of flight) after ``airborne`` s; NaN for an aircraft whose fuel is not limited (AEW)."""
    return np.where(np.isfinite(fuel_time), fuel_time - airborne, np.nan)


def _take_off(w: World, cs: CompiledScenario, rows: np.ndarray) -> None:
    """Aircraft that left the ground this step: outbound to the orbit point nearest their base."""
    if rows.size == 0:
        return
    m = cs.movers
    t0 = w.t_launch[rows]
    later = w.sorties_left[rows] < m.sorties[rows]          # not the first sortie: the turnaround rearmed it
    shooters = _shooter_of(cs, rows)
    again = shooters[later & (shooters >= 0)]
    if again.size:
        rearm(w, cs, again)
    w.sorties_left[rows] -= 1
    w.sortie_phase[rows] = OUTBOUND
    w.phase_since[rows] = t0
    w.airborne_since[rows] = t0
    brg = initial_bearing(m.orb_lat[rows], m.orb_lon[rows], w.lat[rows], w.lon[rows])
    lat, lon, _ = destination(m.orb_lat[rows], m.orb_lon[rows], brg, m.orb_radius[rows])
    w.goal[rows] = np.stack([lat, lon, m.orb_alt[rows]], axis=-1)
    w.goal_speed[rows] = m.speed[rows]
    runway = m.runway_heading[rows]
    w.heading[rows] = np.where(np.isfinite(runway), runway, initial_bearing(w.lat[rows], w.lon[rows], lat, lon))
    for k, row in enumerate(rows.tolist()):
        w.sortie_log.add(t0[k], "takeoff", actor=row, target=int(m.base_row[row]), force=int(m.force[row]),
                         pos=w.pos[row], detail=_sortie_text(cs, w, row))


def _fly(w: World, cs: CompiledScenario, rows: np.ndarray, dt: float, t_new: float) -> tuple[np.ndarray, np.ndarray]:
    """One step of the SORTIE rows towards their goal (``w.goal``: lat, lon, height; ``w.goal_speed``).

    Returns (arrived, t_arrive): (len(rows),) bool, the goal reached in this step, and when (s)."""
    m = cs.movers
    dt_eff = np.clip(t_new - np.maximum(w.t_launch[rows], t_new - dt), 0.0, dt)   # from a take-off in the step
    lat, lon, alt, heading = w.lat[rows], w.lon[rows], w.alt[rows], w.heading[rows]
    glat, glon, galt = w.goal[rows, 0], w.goal[rows, 1], w.goal[rows, 2]
    v = w.goal_speed[rows]
    c = m.climb_rate[rows]
    outbound = w.sortie_phase[rows] == OUTBOUND
    dist = great_circle_distance(lat, lon, glat, glon)
    to_go = dist / v
    # the height cannot be made good before the goal: hold (turn) while climbing or descending
    hold = np.abs(galt - alt) > c * to_go + HEIGHT_TOLERANCE_M
    runway = m.runway_heading[rows]
    climb_out = outbound & np.isfinite(runway) & (t_new - w.airborne_since[rows] <= CLIMB_OUT_S)
    straight = hold | climb_out
    direct = np.where(dist > ARRIVAL_TOLERANCE_M, initial_bearing(lat, lon, glat, glon), heading)
    course = np.where(hold, heading + HOLDING_TURN_RATE_RAD_S * dt_eff, np.where(climb_out, runway, direct))
    course = (course + np.pi) % (2 * np.pi) - np.pi
    step = np.where(straight, v * dt_eff, np.minimum(v * dt_eff, dist))
    new_lat, new_lon, _ = destination(lat, lon, course, step)
    after = np.where(straight, great_circle_distance(new_lat, new_lon, glat, glon), np.maximum(dist - step, 0.0))
    # outbound: climb at once; returning: level until on the descent line galt + c * time to go, then on it
    target = np.where(outbound | hold, galt, np.minimum(alt, galt + c * after / v))
    new_alt = alt + np.clip(target - alt, -c * dt_eff, c * dt_eff)
    arrived = ~straight & (dist <= v * dt_eff + ARRIVAL_TOLERANCE_M) & (np.abs(galt - new_alt) <= HEIGHT_TOLERANCE_M)
    # arrival: when both the distance and the height are made good inside the step
    t_arrive = np.where(arrived, t_new - dt_eff + np.minimum(np.maximum(dist / v, np.abs(galt - alt) / c), dt_eff),
                        np.inf)
    new_lat = np.where(arrived, glat, new_lat)
    new_lon = np.where(arrived, glon, new_lon)
    new_alt = np.where(arrived, galt, new_alt)
    moving = dt_eff > 0.0
    speed = np.where(moving & ~arrived, step / np.where(moving, dt_eff, 1.0), v)
    climb = np.where(moving, (new_alt - alt) / np.where(moving, dt_eff, 1.0), 0.0)
    pos = np.empty((rows.size, 3))
    vel = np.empty((rows.size, 3))
    place_rows(new_lat, new_lon, new_alt, course, speed, climb, pos, vel)
    w.pos[rows], w.vel[rows] = pos, vel
    w.lat[rows], w.lon[rows], w.alt[rows], w.heading[rows] = new_lat, new_lon, new_alt, course
    return arrived, t_arrive


def _arrive(w: World, cs: CompiledScenario, rows: np.ndarray, t_arrive: np.ndarray, t_new: float) -> None:
    """Outbound aircraft that reached their orbit go on station; returning ones land."""
    if rows.size == 0:
        return
    m = cs.movers
    on = w.sortie_phase[rows] == OUTBOUND
    st, t_st = rows[on], t_arrive[on]
    if st.size:
        brg = initial_bearing(m.orb_lat[st], m.orb_lon[st], w.lat[st], w.lon[st])
        w.orb_phase0[st] = orbit_phase_at(t_new, brg, m.speed[st], m.orb_radius[st], m.orb_dir[st])
        w.behavior[st] = ORBIT
        w.sortie_phase[st] = ON_STATION
        w.phase_since[st] = t_st
        for k, row in enumerate(st.tolist()):
            w.sortie_log.add(t_st[k], "on_station", actor=row, force=int(m.force[row]), pos=w.pos[row],
                             value=float(t_st[k] - w.airborne_since[row]),
                             detail=f"transit {t_st[k] - w.airborne_since[row]:.0f} s")
    land, t_land = rows[~on], t_arrive[~on]
    if land.size:
        fuel = _fuel_left(m.fuel_time[land], t_land - w.airborne_since[land])
        more = w.sorties_left[land] > 0
        w.is_active[land] = False
        w.fate[land] = Fate.PENDING
        w.vel[land] = 0.0
        runway = m.runway_heading[land]
        w.heading[land] = np.where(np.isfinite(runway), runway, w.heading[land])
        w.t_launch[land] = np.where(more, t_land + m.turnaround[land], np.inf)
        w.sortie_phase[land] = np.where(more, GROUND, DONE)
        w.phase_since[land] = t_land
        w.airborne_since[land] = np.nan
        for k, row in enumerate(land.tolist()):
            w.sortie_log.add(t_land[k], "landing", actor=row, target=int(m.base_row[row]), force=int(m.force[row]),
                             pos=w.pos[row], value=float(fuel[k]), detail=_sortie_text(cs, w, row))


def _return_to_base(w: World, cs: CompiledScenario, rows: np.ndarray, dt: float, t_new: float) -> None:
    """Airborne aircraft that must go home now: winchester (on station, no missile left and none of
    its own in flight), bingo fuel, or (AEW) its time on station over."""
    m = cs.movers
    phase = w.sortie_phase[rows]
    up = rows[w.is_active[rows] & ((phase == OUTBOUND) | (phase == ON_STATION))]
    if up.size == 0:
        return
    on_station = w.sortie_phase[up] == ON_STATION
    base = m.base_row[up]
    c = m.climb_rate[up]
    home = np.maximum(great_circle_distance(w.lat[up], w.lon[up], w.lat[base], w.lon[base]) / m.speed[up],
                      np.maximum(w.alt[up] - w.alt[base], 0.0) / c)
    fuel = _fuel_left(m.fuel_time[up], t_new - w.airborne_since[up])
    bingo = fuel <= home + 2.0 * dt      # two steps: the time home may grow by up to one step a step
    endurance = on_station & (t_new - w.phase_since[up] >= m.station_time[up])
    shooters = _shooter_of(cs, up)
    winchester = on_station & (shooters >= 0)
    if winchester.any():
        empty = w.rounds_left[np.maximum(shooters, 0)] <= 0
        flying = w.is_active & (m.kind == INTERCEPTOR_KIND)
        in_flight = np.bincount(m.parent[flying], minlength=m.n)[up] > 0 if flying.any() else np.zeros(up.size, bool)
        winchester &= empty & ~in_flight
    go = winchester | bingo | endurance
    if not go.any():
        return
    reason = np.where(winchester, "winchester", np.where(bingo, "bingo", "endurance"))[go]
    rows_go, base_go, fuel_go = up[go], base[go], fuel[go]
    w.sortie_phase[rows_go] = RTB
    w.phase_since[rows_go] = t_new
    w.behavior[rows_go] = SORTIE
    w.goal[rows_go] = np.stack([w.lat[base_go], w.lon[base_go], w.alt[base_go]], axis=-1)
    w.goal_speed[rows_go] = m.speed[rows_go]
    for k, row in enumerate(rows_go.tolist()):
        w.sortie_log.add(t_new, "rtb", actor=row, target=int(base_go[k]), force=int(m.force[row]), pos=w.pos[row],
                         value=float(fuel_go[k]), detail=str(reason[k]))
