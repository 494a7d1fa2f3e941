"""The sensors stage: every radar due to scan looks at every airborne threat, all at once.

Per scan the work is one compiled pass over the (sensors x targets) pairs
(:func:`~amdsim.sensors.evaluate.evaluate_pairs`: effective-earth line of sight, field of regard,
range-equation SNR with the target's RCS for the aspect it shows, sea multipath loss, Swerling Pd),
optional terrain masking, a Bernoulli draw per pair, then noisy range/azimuth/elevation
measurements converted to ECEF with their covariance, plus false alarms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from amdsim.core.geodesy import enu_basis
from amdsim.core.rng import Streams
from amdsim.sensors.evaluate import RadarParams, evaluate_pairs
from amdsim.sensors.jamming import jam_pd
from amdsim.sensors.launch_warning import CueState, cued_dwells, with_boost_rcs
from amdsim.sensors.measurement import false_alarms_draw, pairs2rae, rae2ecef_with_cov
from amdsim.world.messages import Detections
from amdsim.world.state import World
from amdsim.world.tables import CompiledScenario

#: Aspect classes: nose within 45 deg of the target's velocity towards the radar, tail within 45 deg away.
COS_45 = np.cos(np.pi / 4)




@dataclass
class SensorState:
    """Per-sensor scan bookkeeping and the radar parameters in the form the compiled pass wants."""

    next_scan: np.ndarray     # (S,) s
    params: RadarParams
    cache: dict = field(default_factory=dict)   # radar subsets by the set of radars scanning together
    cue: CueState | None = None   # launch-warning cues of the radars (sensors/launch_warning.py), None: never cued

    def params_for(self, rows: np.ndarray) -> RadarParams:
        key = rows.tobytes()
        sub = self.cache.get(key)
        if sub is None:
            if len(self.cache) > 512:
                self.cache.clear()
            sub = self.cache[key] = _subset(self.params, rows)
        return sub


def radar_params(cs: CompiledScenario) -> RadarParams:
    s = cs.sensors
    return RadarParams(
        ref_range=s.ref_range, ref_rcs=s.ref_rcs, ref_snr_db=10 * np.log10(s.ref_snr), pfa=s.pfa,
        n_pulses=s.n_pulses, swerling=s.swerling, wavelength=s.wavelength, az_center=s.az_center,
        az_width=s.az_width, el_min=s.el_min, el_max=s.el_max, min_range=s.min_range, max_range=s.max_range,
        multipath=s.multipath, sea_rms_height=np.full(s.n, cs.sea_roughness))


def initial_sensor_state(cs: CompiledScenario, streams: Streams) -> SensorState:
    """Stagger first scans uniformly over each revisit interval (drawn from the detection stream)."""
    s = cs.sensors
    return SensorState(next_scan=streams.detection.uniform(0.0, 1.0, s.n) * s.revisit, params=radar_params(cs))


def sense(w: World, cs: CompiledScenario, st: SensorState, streams: Streams, dt: float, terrain=None) -> Detections:
    """Scan with every sensor whose revisit time has come; returns the detections of this step.

    ``terrain`` is an optional callable ``(radar_pos (S,3), target_pos (T,3), pairs (S,T)) -> masked (S,T)``.
    """
    s = cs.sensors
    t = w.t
    due = np.flatnonzero((st.next_scan <= t + 1e-9) & w.is_active[s.host])
    if due.size == 0:
        return _with_cued_dwells(w, cs, st, streams, Detections.empty(t), terrain)
    st.next_scan[due] += s.revisit[due] * np.maximum(np.ceil((t + 1e-9 - st.next_scan[due]) / s.revisit[due]), 1.0)
    params = st.params_for(due)
    targets = np.flatnonzero(w.is_active & cs.movers.is_air_target)
    host = s.host[due]
    lat, lon = w.lat[host], w.lon[host]
    basis = enu_basis(lat, lon)                                        # (S,3,3)
    spos = w.pos[host] + basis[:, 2, :] * s.height_offset[due, None]
    salt = w.alt[host] + s.height_offset[due]
    heading = np.where(s.relative_az[due], w.heading[host], 0.0)
    det = Detections.empty(t)
    if targets.size:
        tpos = w.pos[targets]
        rcs = with_boost_rcs(w, cs, targets, aspect_rcs(cs, targets, spos, tpos, w.vel[targets]))
        ev = evaluate_pairs(spos, tpos, rcs, params, cs.k_factor, az_offset=heading,
                            radar_geodetic=(lat, lon, salt), target_alt=w.alt[targets], with_angles=False)
        visible = ev.visible
        if terrain is not None and visible.any():
            visible = visible & ~terrain(spos, tpos, visible)
        pd = jam_pd(cs, w, due, spos, tpos, targets, ev, params)          # noise jamming (sensors/jamming.py)
        draw = streams.detection.random(visible.shape)
        hit = visible & (draw < pd)
        si, ti = np.nonzero(hit)
        if si.size:
            true = pairs2rae(tpos[ti], spos[si], basis[si])       # angles for detected pairs only
            det = _measure(t, due[si], targets[ti], true.range, true.azimuth, true.elevation,
                           ev.snr_db[si, ti], basis[si], spos[si], s, streams)
    fa = _false_alarms(t, due, basis, spos, heading, s, streams)
    out = _concat(det, fa) if fa.n else det
    out.scanned = due.astype(np.int32)
    return _with_cued_dwells(w, cs, st, streams, out, terrain)


def _with_cued_dwells(w, cs, st, streams, out, terrain):
    """Launch warning: the radars' dwells on their cued sectors added to ``out`` (sensors/launch_warning.py)."""
    if st.cue is None:
        return out
    return cued_dwells(w, cs, st.cue, st.params, streams, out,
                       lambda tg, sp, tp, tv: with_boost_rcs(w, cs, tg, aspect_rcs(cs, tg, sp, tp, tv)), terrain)


def aspect_rcs(cs: CompiledScenario, targets: np.ndarray, radar_pos: np.ndarray, target_pos: np.ndarray,
               target_vel: np.ndarray) -> np.ndarray:
    """(S,T) RCS (m^2) each radar sees: nose, side or tail class from the angle between the target's
    velocity and the line from the target to the radar."""
    m = cs.movers
    nose = m.rcs[targets]
    if not m.has_aspect_rcs:
        return nose
    side, tail = m.rcs_side[targets], m.rcs_tail[targets]
    to_radar = radar_pos[:, None, :] - target_pos[None, :, :]
    speed = np.linalg.norm(target_vel, axis=1)
    cos_a = np.einsum("stk,tk->st", to_radar, target_vel) / np.maximum(
        np.linalg.norm(to_radar, axis=-1) * speed[None, :], 1e-9)
    return np.where(cos_a >= COS_45, nose[None, :], np.where(cos_a <= -COS_45, tail[None, :], side[None, :]))


def _subset(p: RadarParams, rows: np.ndarray) -> RadarParams:
    """Radar parameters of ``rows``, sharing the precomputed Pd tables."""
    p.tables()
    return p.subset(rows)


def _measure(t, sensor, target, rng, az, el, snr_db, basis, spos, s, streams):
    g = streams.measurement
    sr, sa, se = s.sigma_range[sensor], s.sigma_az[sensor], s.sigma_el[sensor]
    r_m = np.maximum(rng + g.standard_normal(rng.shape) * sr, 0.0)
    a_m = az + g.standard_normal(az.shape) * sa
    e_m = el + g.standard_normal(el.shape) * se
    pos, cov = rae2ecef_with_cov(r_m, a_m, e_m, sr, sa, se, spos, basis)
    return Detections(t, sensor.astype(np.int32), target.astype(np.int32), r_m, a_m, e_m, snr_db, pos, cov)


def _false_alarms(t, due, basis, spos, heading, s, streams):
    lam = s.fa_per_scan[due]
    if not np.any(lam > 0):
        return Detections.empty(t)
    # false alarms fill the low elevations where clutter lives: the first 2 degrees above el_min
    el_lo = np.maximum(s.el_min[due], 0.0)
    fa = false_alarms_draw(lam, s.az_center[due] + heading, s.az_width[due], el_lo, el_lo + np.deg2rad(2.0),
                           s.min_range[due], s.max_range[due], streams.false_alarm)
    if fa.sensor.size == 0:
        return Detections.empty(t)
    idx = fa.sensor
    sensor = due[idx]
    pos, cov = rae2ecef_with_cov(fa.range, fa.azimuth, fa.elevation, s.sigma_range[sensor], s.sigma_az[sensor],
                                 s.sigma_el[sensor], spos[idx], basis[idx])
    return Detections(t, sensor.astype(np.int32), np.full(idx.size, -1, np.int32), fa.range, fa.azimuth,
                      fa.elevation, np.full(idx.size, np.nan), pos, cov)


def _concat(a: Detections, b: Detections) -> Detections:
    return Detections(a.time, *(np.concatenate([getattr(a, f), getattr(b, f)]) for f in
                                ("sensor", "target", "range", "az", "el", "snr_db", "pos", "cov")))
