"""Engagement on a track of known quality: launch requirements, remote engagement, the seeker basket
and fire-control capacity.

C2's reach model (``c2/reach.py``) says where an interceptor can meet a track flown at constant
velocity. This module says whether the *track* is good enough to take that shot, the way coalition
air defence decides it:

1. **Launch requirements** of the interceptor type: the track's 1-sigma position and velocity error
   (root of the covariance trace / 3) and its age at launch (``launch_requirements``).
2. **Own or remote track.** A shooter that may not launch on remote (``fire_control.launch_on_remote:
   false``) engages only tracks one of its own radars (a sensor on its host) updated within
   ``FC_HOLD_REVISITS`` revisits.
3. **The seeker basket.** Until its seeker acquires, the interceptor flies on an aim point: the
   prediction made at launch (inertial midcourse), its own fire-control radar's track (command
   guidance, while that radar can see the target), or the force's fused track (engage on remote).
   The aim point's 1-sigma error per axis when the seeker opens, ``sigma_a``, follows from the
   track's covariance propagated to that moment, ``t_a = tau - R_acq / V_c`` after launch:

   .. math:: \\sigma_a^2 = \\sigma_p^2 + \\sigma_v^2 t^2 + q\\,t^3/3

   (the constant-velocity prediction covariance with white-noise acceleration of spectral density
   ``q``, the tracker's own process noise; Bar-Shalom, Li & Kirubarajan, *Estimation with
   Applications to Tracking and Navigation*, 2001, sec. 6.2.2), with ``t = t_a`` inertially, ``t`` =
   the link latency on a remote track, and the radar's own measurement error at that range under
   command guidance. The seeker sees the target if the heading error ``e / R_acq`` is inside its
   gimbal limit, and the interceptor can take it out if its proportional-navigation demand at
   acquisition, ``N V_c HE / t_go`` (Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed.,
   ch. 2, heading-error response), stays inside its acceleration limit. With a circular Gaussian
   cross-range error the probability of acquisition is the Rayleigh
   ``P_acq = 1 - exp(-b^2 / (2 sigma_a^2))`` for a basket of radius ``b``; a shot needs
   ``P_acq >= MIN_ACQUISITION_PROB`` and C2 plans with ``Pk x P_acq``.
4. **Fire-control capacity**: targets engaged at once and interceptors guided in flight at once.

Each refusal is a :class:`~amdsim.c2.reasons.Why` code, so the kill chain can say why a shooter
did not engage.
"""

from __future__ import annotations

import numpy as np

from amdsim.c2.reasons import Why
from amdsim.core.constants import FC_HOLD_REVISITS, MIN_ACQUISITION_PROB
from amdsim.core.geodesy import EARTH_MEAN_RADIUS, ecef2geodetic, enu_basis
from amdsim.world.engagements import EngagementBook
from amdsim.world.picture import Picture
from amdsim.world.state import World
from amdsim.world.tables import CompiledScenario


def fire_control_radars(cs: CompiledScenario) -> np.ndarray:
    """(K,) the sensor row of each shooter's fire-control radar (the most accurate sensor on its host
    in angle), -1 for a shooter without one. Cached on the compiled scenario."""
    cached = cs.extras.get("fc_radar")
    if cached is None:
        sens = cs.sensors
        cached = np.full(cs.shooters.n, -1, np.int32)
        for k, host in enumerate(cs.shooters.host.tolist()):
            on = np.flatnonzero(sens.host == host)
            if on.size:
                cached[k] = on[np.argmin(sens.sigma_az[on])]
        cs.extras["fc_radar"] = cached
    return cached


def track_quality(pic: Picture) -> tuple[np.ndarray, np.ndarray]:
    """(M,) 1-sigma position (m) and velocity (m/s) errors: roots of the covariance traces / 3."""
    pos_cov, vel_cov = pic.covariances()
    sp = np.sqrt(np.maximum(np.trace(pos_cov, axis1=1, axis2=2), 0.0) / 3.0)
    sv = np.sqrt(np.maximum(np.trace(vel_cov, axis1=1, axis2=2), 0.0) / 3.0)
    return sp, sv


def held_by_own_radar(w: World, cs: CompiledScenario, shooters: np.ndarray, pic: Picture) -> np.ndarray:
    """(K,M) bool: one of shooter k's own radars updated track m within ``FC_HOLD_REVISITS`` of its revisits."""
    fc = fire_control_radars(cs)[shooters]
    revisit = np.where(fc >= 0, cs.sensors.revisit[np.maximum(fc, 0)], 0.0)
    since = np.broadcast_to((w.t - FC_HOLD_REVISITS * revisit - 1e-9)[:, None], (shooters.size, pic.n))
    assert pic.sightings is not None
    return pic.sightings.held(pic.track_id, cs.sensors.host, cs.shooters.host[shooters], since)


def radar_sees(w: World, cs: CompiledScenario, sensors: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sensor rows ``sensors`` (K,) and ECEF points (K,M,3): (K,M) bool inside the radar's range,
    sector and above its effective-earth horizon, and (K,M) the radar's 1-sigma measurement error per
    axis there (m): sqrt((sigma_r^2 + (R sigma_az)^2 + (R sigma_el)^2) / 3)."""
    s = cs.sensors
    host = s.host[sensors]
    up = w.pos[host] / np.linalg.norm(w.pos[host], axis=1, keepdims=True)
    ant = w.pos[host] + s.height_offset[sensors, None] * up                    # (K,3)
    rel = points - ant[:, None, :]
    rng = np.linalg.norm(rel, axis=-1)
    enu = enu_basis(w.lat[host], w.lon[host])                                  # (K,3,3) rows e, n, u
    e = np.einsum("kmj,kj->km", rel, enu[:, 0])
    n = np.einsum("kmj,kj->km", rel, enu[:, 1])
    az = np.arctan2(e, n)
    centre = s.az_center[sensors] + np.where(s.relative_az[sensors], w.heading[host], 0.0)
    off = np.abs((az - centre[:, None] + np.pi) % (2 * np.pi) - np.pi)
    in_sector = (s.az_width[sensors] >= 2 * np.pi - 1e-9)[:, None] | (off <= 0.5 * s.az_width[sensors][:, None])
    # radar horizon on the effective earth (Skolnik 2001, eq. 8.3): sqrt(2 k R h_r) + sqrt(2 k R h_t)
    _, _, h_t = ecef2geodetic(points.reshape(-1, 3))
    h_t = np.maximum(h_t.reshape(rng.shape), 0.0)
    h_r = np.maximum(w.alt[host] + s.height_offset[sensors], 0.0)
    kr = 2.0 * cs.k_factor * EARTH_MEAN_RADIUS
    horizon = np.sqrt(kr * h_r)[:, None] + np.sqrt(kr * h_t)
    sees = in_sector & (rng <= s.max_range[sensors][:, None]) & (rng <= horizon)
    err = np.sqrt((s.sigma_range[sensors, None] ** 2 + (rng * s.sigma_az[sensors, None]) ** 2
                   + (rng * s.sigma_el[sensors, None]) ** 2) / 3.0)
    return sees, err


def fire_control_check(w: World, cs: CompiledScenario, shooters: np.ndarray, pic: Picture, pip: np.ndarray,
                       tau: np.ndarray, why: np.ndarray, book: EngagementBook) -> np.ndarray:
    """Apply rules 1-4 of the module docstring to the envelope-feasible pairs (``why == FEASIBLE``).

    Updates ``why`` (K,M) in place and returns (K,M) the probability that the seeker acquires
    (0 where refused). ``pip`` (K,M,3) and ``tau`` (K,M) are the reach model's intercept points and
    times of flight.
    """
    sh, it = cs.shooters, cs.itypes
    ty = sh.itype[shooters]
    k_n, m_n = shooters.size, pic.n
    pacq = np.zeros((k_n, m_n))
    ok = why == Why.FEASIBLE
    if not ok.any():
        return pacq
    sp, sv = track_quality(pic)
    age = w.t - pic.t_update
    max_age = np.minimum(it.req_track_age[ty], cs.max_track_age)
    quality = ((sp[None, :] <= it.req_pos_sigma[ty][:, None]) & (sv[None, :] <= it.req_vel_sigma[ty][:, None])
               & (age[None, :] <= max_age[:, None]))
    why[ok & ~quality] = Why.TRACK_QUALITY
    ok &= quality
    held = held_by_own_radar(w, cs, shooters, pic)
    lor = sh.launch_on_remote[shooters][:, None]
    why[ok & ~held & ~lor] = Why.NOT_HELD
    ok &= held | lor
    # --- the seeker basket
    spos = w.pos[sh.host[shooters]]
    dist = np.linalg.norm(pip - spos[:, None, :], axis=-1)
    tau_f = np.where(np.isfinite(tau), tau, 1.0)
    vc = dist / np.maximum(tau_f, 1e-3) + np.linalg.norm(pic.vel, axis=1)[None, :]   # mean closing speed
    r_acq = it.seeker_range[ty][:, None]
    t_seek = np.minimum(r_acq / np.maximum(vc, 1.0), tau_f)
    t_acq = np.maximum(tau_f - t_seek, 0.0)
    q = float(cs.tracking.get("process_noise_mps2", 20.0)) ** 2
    inertial = sp[None, :] ** 2 + (sv[None, :] * t_acq) ** 2 + q * t_acq ** 3 / 3.0
    lat = cs.link_latency
    remote = np.broadcast_to(sp[None, :] ** 2 + (sv[None, :] * lat) ** 2 + q * lat ** 3 / 3.0, (k_n, m_n))
    fc = fire_control_radars(cs)[shooters]
    has_fc = fc >= 0
    own = np.full((k_n, m_n), np.inf)
    if has_fc.any():
        sees, err = radar_sees(w, cs, np.maximum(fc, 0)[has_fc], pip[has_fc])
        own[has_fc] = np.where(sees, err ** 2, np.inf)
    command = it.command_guided[ty][:, None]
    eor = sh.engage_on_remote[shooters][:, None]
    var = np.where(command & eor, np.minimum(remote, inertial), inertial)
    var = np.where(command, np.minimum(var, own), var)
    # heading error the seeker sees (gimbal) and the interceptor corrects (PN demand N V_c HE / t_go <= a_max)
    he_max = np.minimum(it.seeker_gimbal[ty][:, None],
                        it.max_accel[ty][:, None] * t_seek / (it.nav_gain[ty][:, None] * np.maximum(vc, 1.0)))
    basket = he_max * r_acq
    p = 1.0 - np.exp(-basket ** 2 / (2.0 * np.maximum(var, 1e-6)))
    why[ok & (p < MIN_ACQUISITION_PROB)] = Why.SEEKER_BASKET
    ok &= p >= MIN_ACQUISITION_PROB
    # --- fire-control capacity: targets engaged and interceptors in flight per shooter
    busy = _fire_control_busy(book, shooters, sh.fc_max_tracks[shooters], sh.fc_max_missiles[shooters])
    why[ok & busy[:, None]] = Why.FIRE_CONTROL_BUSY
    ok &= ~busy[:, None]
    pacq[ok] = p[ok]
    return pacq


def _fire_control_busy(book: EngagementBook, shooters: np.ndarray, max_tracks: np.ndarray,
                       max_missiles: np.ndarray) -> np.ndarray:
    """(K,) bool: the shooter's fire control engages ``max_tracks`` targets or guides ``max_missiles``
    interceptors already (shots ordered or in flight)."""
    if book.n_shots == 0 or ((max_tracks >= 1_000_000).all() and (max_missiles >= 1_000_000).all()):
        return np.zeros(shooters.size, bool)
    open_ = np.asarray(book.outcome, object) == "in_flight"
    who = np.asarray(book.shooter, np.int64)[open_]
    trk = np.asarray(book.track, np.int64)[open_]
    n = int(max(shooters.max(initial=-1), who.max(initial=-1))) + 1
    missiles = np.bincount(who, minlength=n)[shooters]
    pairs = np.unique(np.stack([who, trk], axis=1), axis=0) if who.size else np.zeros((0, 2), np.int64)
    tracks = np.bincount(pairs[:, 0], minlength=n)[shooters]
    return (tracks >= max_tracks) | (missiles >= max_missiles)
