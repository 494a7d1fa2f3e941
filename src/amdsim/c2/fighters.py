"""Fighter vectoring: from combat air patrol to intercept what the force's picture sees, and back.

Each decision cycle, every fighter with missiles left and fuel to spare that is not already
committed is paired with the nearest uncommitted low, slow track (a cruise missile or aircraft)
inside its commit radius; it flies at dash speed towards the predicted intercept point
(recomputed each cycle) until its missiles are gone, the track is gone or believed dead, or
its fuel runs short, then returns to its orbit. Missiles are fired by the ordinary C2 assignment
once the target is inside the missile's envelope.

Fighter states: ``patrol`` (ORBIT) -> ``vectored`` (GOTO towards the intercept) -> ``returning``
(GOTO towards the orbit) -> ``patrol``.

A fighter flying from an air base (``base:``) is vectored, and fires, only while it is on station
(``SortiePhase.ON_STATION``): taking off, climbing out, flying home or on the ground it is not
C2's to task (:func:`shooter_available`); going home when winchester or at bingo fuel is the
sortie's business (``movers/sortie.py``), which also releases it from its commitment here.
"""

from __future__ import annotations

import numpy as np

from amdsim.c2.identify import roe_allows
from amdsim.core.geodesy import destination, ecef2geodetic, great_circle_distance, initial_bearing
from amdsim.core.kinds import GOTO, ORBIT, SortiePhase
from amdsim.core.orbit import orbit_phase_at

#: Fighters commit on tracks within this distance of their orbit centre (m).
COMMIT_RADIUS = 250_000.0
#: Tracks slower and lower than this are fighter business (m/s, m above the ellipsoid).
MAX_TARGET_SPEED = 700.0
MAX_TARGET_ALT = 15_000.0


def shooter_available(w, cs) -> np.ndarray:
    """(K,) bool: the shooters C2 may task now, as far as their platform goes.

    A battery, and a fighter without a base, within its endurance (``t < endurance``: from the scenario
    start); a fighter flying from an air base only while on station (its fuel counts from each
    take-off, movers/sortie.py)."""
    sh = cs.shooters
    on_station = w.sortie_phase[sh.host] == SortiePhase.ON_STATION
    return np.where(cs.movers.base_row[sh.host] >= 0, on_station, w.t < sh.endurance)


def vector_fighters(w, cs, pictures, book, state: dict) -> None:
    """Update the GOTO goals of fighters (``state`` maps fighter shooter -> committed track id)."""
    sh = cs.shooters
    m = cs.movers
    based = m.base_row[sh.host] >= 0
    idle = sh.is_fighter & based & ~shooter_available(w, cs)
    for s in np.flatnonzero(idle).tolist():
        state.pop(s, None)      # on the ground, climbing out or going home: no longer committed
    fighters = np.flatnonzero(sh.is_fighter & w.is_active[sh.host] & ~idle)
    if fighters.size == 0:
        return
    for f in sorted(set(sh.force[fighters].tolist())):
        pic = pictures[f]
        mine = fighters[sh.force[fighters] == f]
        taken: set[int] = set()
        status = book.status[f]
        ok = np.zeros(pic.n, bool)
        if pic.n:
            speed = np.linalg.norm(pic.vel, axis=1)
            alt = np.linalg.norm(pic.pos, axis=1) - 6_371_000.0
            ok = pic.confirmed & (speed < MAX_TARGET_SPEED) & (alt < MAX_TARGET_ALT)
            for i, tid in enumerate(pic.track_id.tolist()):
                st = status.get(tid)
                if st is not None and (st.believed_dead or st.inflight > 0):
                    ok[i] = False
            ok &= roe_allows(pic, int(mine[0]))   # airspace zones and identity (c2/identify.py; all True without)
        for s in mine.tolist():
            host = int(sh.host[s])
            tid = state.get(s)
            home_dist = float(great_circle_distance(w.lat[host], w.lon[host], m.orb_lat[host], m.orb_lon[host]))
            if based[s]:    # fuel from take-off; home is the base, flown at the transit speed (movers/sortie.py)
                fuel_left = m.fuel_time[host] - (w.t - w.airborne_since[host])
                base = m.base_row[host]
                need_home = float(great_circle_distance(w.lat[host], w.lon[host], w.lat[base], w.lon[base])
                                  ) / max(m.speed[host], 1.0) * 1.2
            else:
                fuel_left = sh.endurance[s] - w.t
                need_home = home_dist / max(sh.dash_speed[s], 1.0) * 1.2
            done = w.rounds_left[s] <= 0 or fuel_left <= need_home
            idx = np.flatnonzero(pic.track_id == tid) if tid is not None and pic.n else np.zeros(0, int)
            if tid is not None and (done or idx.size == 0 or not ok[idx[0]]):
                state.pop(s, None)
                tid = None
            if tid is None and not done and pic.n:
                center_d = great_circle_distance(m.orb_lat[host], m.orb_lon[host], *_latlon(pic.pos))
                cand = np.flatnonzero(ok & (center_d < COMMIT_RADIUS))
                cand = np.array([c for c in cand.tolist() if int(pic.track_id[c]) not in taken], int)
                if cand.size:
                    d = np.linalg.norm(pic.pos[cand] - w.pos[host], axis=1)
                    c = int(cand[np.argmin(d)])
                    tid = int(pic.track_id[c])
                    state[s] = tid
                    idx = np.array([c])
            if tid is not None:
                taken.add(tid)
                c = int(idx[0])
                goal = _intercept_point(w.pos[host], pic.pos[c], pic.vel[c], sh.dash_speed[s])
                lat, lon = _latlon(goal[None])
                w.goal[host] = (lat[0], lon[0], max(m.orb_alt[host] * 0.5, 1500.0))
                w.goal_speed[host] = sh.dash_speed[s]
                w.behavior[host] = GOTO
            elif w.behavior[host] == GOTO:
                _return_to_patrol(w, cs, host, home_dist)


def _return_to_patrol(w, cs, host: int, home_dist: float) -> None:
    """Fly to the nearest point of the orbit circle; rejoin the orbit once on it."""
    m = cs.movers
    speed = cs.shooters.dash_speed[cs.shooters.host == host][0]
    brg = float(initial_bearing(m.orb_lat[host], m.orb_lon[host], w.lat[host], w.lon[host]))
    if abs(home_dist - m.orb_radius[host]) <= 2.0 * speed * cs.dt:
        w.orb_phase0[host] = orbit_phase_at(w.t, brg, m.speed[host], m.orb_radius[host], m.orb_dir[host])
        w.behavior[host] = ORBIT
        return
    lat, lon, _ = destination(m.orb_lat[host], m.orb_lon[host], brg, m.orb_radius[host])
    w.goal[host] = (lat, lon, m.orb_alt[host])
    w.goal_speed[host] = speed


def _latlon(pos):
    lat, lon, _ = ecef2geodetic(pos)
    return lat, lon


def _intercept_point(p_f, p_t, v_t, speed):
    """Where a fighter at ``speed`` meets a constant-velocity target (fixed point, 5 iterations)."""
    tau = np.linalg.norm(p_t - p_f) / speed
    for _ in range(5):
        tau = np.linalg.norm(p_t + v_t * tau - p_f) / speed
    return p_t + v_t * tau
