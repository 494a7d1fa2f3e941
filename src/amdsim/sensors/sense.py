"""The sensors stage: every radar due to scan looks at every airborne threat, all at once.

Per scan the work is a (sensors x targets) array pipeline: geometry in each radar's local frame,
line of sight over the effective earth, field of regard, signal-to-noise ratio from the range
equation, detection probability, a Bernoulli draw, then noisy range/azimuth/elevation measurements
converted to ECEF with their covariance, plus false alarms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from amdsim.engine.rng import Streams
from amdsim.engine.state import World
from amdsim.geo import EARTH_MEAN_RADIUS, enu_basis
from amdsim.scenario.compile import CompiledScenario


@dataclass
class Detections:
    """Detections of one step (M rows). Positions ECEF (m), angles rad."""

    time: float
    sensor: np.ndarray        # (M,) int32 sensor row
    target: np.ndarray        # (M,) int32 true mover row, -1 for a false alarm
    range: np.ndarray         # (M,) m (measured)
    az: np.ndarray            # (M,) rad from north (measured)
    el: np.ndarray            # (M,) rad (measured)
    snr_db: np.ndarray        # (M,)
    pos: np.ndarray           # (M,3) ECEF measured point
    cov: np.ndarray           # (M,3,3) ECEF covariance of pos (m^2)

    @property
    def n(self) -> int:
        return self.sensor.size

    @staticmethod
    def empty(t: float) -> Detections:
        z = np.zeros(0)
        return Detections(t, np.zeros(0, np.int32), np.zeros(0, np.int32), z, z, z, z, np.zeros((0, 3)),
                          np.zeros((0, 3, 3)))


@dataclass
class SensorState:
    """Mutable per-sensor scan bookkeeping."""

    next_scan: np.ndarray     # (S,) s


def initial_sensor_state(cs: CompiledScenario, streams: Streams) -> SensorState:
    """Stagger first scans uniformly over each revisit interval (drawn from the detection stream)."""
    s = cs.sensors
    return SensorState(next_scan=streams.detection.uniform(0.0, 1.0, s.n) * s.revisit)


def sense(w: World, cs: CompiledScenario, st: SensorState, streams: Streams, dt: float, terrain=None) -> Detections:
    """Scan with every sensor whose revisit time falls in (t - dt, t]; returns the detections."""
    s = cs.sensors
    t = w.t
    due = np.flatnonzero((st.next_scan <= t + 1e-9) & w.is_active[s.host])
    if due.size == 0:
        return Detections.empty(t)
    st.next_scan[due] += s.revisit[due] * np.ceil((t + 1e-9 - st.next_scan[due]) / s.revisit[due] + 1e-12).clip(1)
    targets = np.flatnonzero(w.is_active & cs.movers.is_threat)
    host = s.host[due]
    # Sensor positions: host position raised by the antenna height along the local vertical.
    basis = enu_basis(w.lat[host], w.lon[host])                      # (S,3,3)
    spos = w.pos[host] + basis[:, 2, :] * s.height_offset[due, None]
    salt = w.alt[host] + s.height_offset[due]
    if targets.size:
        rel = w.pos[targets][None, :, :] - spos[:, None, :]               # (S,T,3)
        enu = np.einsum("sij,stj->sti", basis, rel)
        rng = np.linalg.norm(enu, axis=-1)
        az = np.arctan2(enu[..., 0], enu[..., 1])
        el = np.arcsin(np.clip(enu[..., 2] / np.maximum(rng, 1e-9), -1.0, 1.0))
        visible = line_of_sight_effective_earth(spos, salt, w.pos[targets], w.alt[targets], cs.k_factor)
        if terrain is not None:
            visible &= ~terrain(spos, w.pos[targets])
        in_fov = field_of_regard(az, el, rng, s, due, w.heading[host])
        snr = snr_reference(rng, cs.movers.rcs[targets][None, :], s.ref_range[due, None], s.ref_rcs[due, None],
                            s.ref_snr[due, None])
        snr = snr * multipath_factor(w.alt[targets][None, :], rng, s.multipath[due, None])
        pd = detection_probability(snr, s.pfa[due, None], s.swerling[due, None])
        draw = streams.detection.random(pd.shape)
        hit = visible & in_fov & (draw < pd)
        si, ti = np.nonzero(hit)
        det = _measure(t, due[si], targets[ti], rng[si, ti], az[si, ti], el[si, ti], 10 * np.log10(snr[si, ti]),
                       basis[si], spos[si], s, streams)
    else:
        det = Detections.empty(t)
    fa = _false_alarms(t, due, basis, spos, s, streams)
    return _concat(det, fa) if fa.n else det


def line_of_sight_effective_earth(radar_pos, radar_alt, target_pos, target_alt, k):
    """(S,T) bool: the straight ray clears a sphere of radius k*R (the effective earth).

    On the effective earth the central angle between the two points scales by 1/k; the ray is
    clear when that angle is below the sum of the two horizon angles acos(kR/(kR+h)), which for
    small angles is the textbook horizon range sqrt(2kRh1) + sqrt(2kRh2).
    """
    ke = k * EARTH_MEAN_RADIUS
    u_r = radar_pos / np.linalg.norm(radar_pos, axis=-1, keepdims=True)
    u_t = target_pos / np.linalg.norm(target_pos, axis=-1, keepdims=True)
    central = np.arccos(np.clip(u_r @ u_t.T, -1.0, 1.0)) / k                        # (S,T)
    h_r = np.maximum(radar_alt, 0.0)[:, None]
    h_t = np.maximum(target_alt, 0.0)[None, :]
    horizon = np.arccos(ke / (ke + h_r)) + np.arccos(ke / (ke + h_t))
    return central <= horizon


def field_of_regard(az, el, rng, s, rows, host_heading):
    """(S,T) bool: inside the azimuth sector, elevation limits and range window."""
    center = s.az_center[rows] + np.where(s.relative_az[rows], host_heading, 0.0)
    off = np.abs((az - center[:, None] + np.pi) % (2 * np.pi) - np.pi)
    in_az = (s.az_width[rows, None] >= 2 * np.pi - 1e-9) | (off <= s.az_width[rows, None] / 2)
    return (in_az & (el >= s.el_min[rows, None]) & (el <= s.el_max[rows, None])
            & (rng >= s.min_range[rows, None]) & (rng <= s.max_range[rows, None]))


def snr_reference(rng, rcs, ref_range, ref_rcs, ref_snr):
    """Radar range equation in reference form: SNR = SNR_ref (sigma/sigma_ref) (R_ref/R)^4 (linear)."""
    return ref_snr * (rcs / ref_rcs) * (ref_range / np.maximum(rng, 1.0)) ** 4


def multipath_factor(target_alt, rng, enabled):
    """Low-altitude loss (linear factor <= 1): sea-surface multipath and clutter near the horizon."""
    h = np.maximum(target_alt, 0.0)
    loss = 1.0 - np.exp(-h / 60.0)  # notional: -3 dB at ~40 m, strong below 20 m
    return np.where(enabled, np.clip(loss, 0.05, 1.0) ** 1.0, 1.0) * np.ones_like(rng)


def detection_probability(snr, pfa, swerling):
    """Single-pulse Pd for Swerling 0 (North's approximation), 1 and 3 (exact closed forms).

    With threshold T = -ln(Pfa) in noise-power units and mean SNR x:
    Swerling 1: Pd = Pfa^(1/(1+x)); Swerling 3: Pd = (1 + 2Tx/(x+2)^2) exp(-2T/(2+x))
    (Richards, *Fundamentals of Radar Signal Processing*, 2005, sec. 6.3.5);
    Swerling 0: Pd = erfc(sqrt(T) - sqrt(x + 1/2)) / 2 (North 1963).
    """
    from scipy.special import erfc

    snr = np.maximum(snr, 1e-12)
    thr = -np.log(pfa)
    sw1 = pfa ** (1.0 / (1.0 + snr))
    sw3 = (1.0 + 2.0 * thr * snr / (snr + 2.0) ** 2) * np.exp(-2.0 * thr / (2.0 + snr))
    sw0 = 0.5 * erfc(np.sqrt(thr) - np.sqrt(snr + 0.5))
    return np.clip(np.where(swerling == 1, sw1, np.where(swerling == 3, sw3, sw0)), 0.0, 1.0)


def _measure(t, sensor, target, rng, az, el, snr_db, basis, spos, s, streams):
    g = streams.measurement
    sr, sa, se = s.sigma_range[sensor], s.sigma_az[sensor], s.sigma_el[sensor]
    r_m = rng + g.standard_normal(rng.shape) * sr
    a_m = az + g.standard_normal(az.shape) * sa
    e_m = el + g.standard_normal(el.shape) * se
    pos, cov = rae2ecef_with_cov(r_m, a_m, e_m, sr, sa, se, basis, spos)
    return Detections(t, sensor.astype(np.int32), target.astype(np.int32), r_m, a_m, e_m, snr_db, pos, cov)


def rae2ecef_with_cov(r, az, el, sr, sa, se, basis, spos):
    """Range/azimuth/elevation in the sensor's ENU frame to ECEF position and 3x3 covariance.

    First-order (converted-measurement) covariance: C = J diag(sr^2, sa^2, se^2) J^T rotated to ECEF.
    """
    ce, sel = np.cos(el), np.sin(el)
    ca, sai = np.cos(az), np.sin(az)
    enu = np.stack([r * ce * sai, r * ce * ca, r * sel], axis=-1)
    jac = np.empty(r.shape + (3, 3))
    jac[..., 0, :] = np.stack([ce * sai, r * ce * ca, -r * sel * sai], axis=-1)
    jac[..., 1, :] = np.stack([ce * ca, -r * ce * sai, -r * sel * ca], axis=-1)
    jac[..., 2, :] = np.stack([sel, np.zeros_like(r), r * ce], axis=-1)
    d = np.stack([sr**2, sa**2, se**2], axis=-1)
    c_enu = np.einsum("nij,nj,nkj->nik", jac, d, jac)
    rot = np.swapaxes(basis, -1, -2)  # ENU -> ECEF
    pos = spos + np.einsum("nij,nj->ni", rot, enu)
    cov = np.einsum("nij,njk,nlk->nil", rot, c_enu, rot)
    return pos, cov


def _false_alarms(t, due, basis, spos, s, streams):
    lam = s.fa_per_scan[due]
    if not np.any(lam > 0):
        return Detections.empty(t)
    g = streams.false_alarm
    counts = g.poisson(lam)
    if counts.sum() == 0:
        return Detections.empty(t)
    idx = np.repeat(np.arange(due.size), counts)
    sensor = due[idx]
    r = g.uniform(s.min_range[sensor], s.max_range[sensor])
    az = s.az_center[sensor] + g.uniform(-0.5, 0.5, idx.size) * s.az_width[sensor]
    el = g.uniform(np.maximum(s.el_min[sensor], 0.0), np.maximum(s.el_min[sensor], 0.0) + 0.02)
    pos, cov = rae2ecef_with_cov(r, az, el, s.sigma_range[sensor], s.sigma_az[sensor], s.sigma_el[sensor],
                                 basis[idx], spos[idx])
    return Detections(t, sensor.astype(np.int32), np.full(idx.size, -1, np.int32), r, az, el,
                      np.full(idx.size, np.nan), pos, cov)


def _concat(a: Detections, b: Detections) -> Detections:
    return Detections(a.time, *(np.concatenate([getattr(a, f), getattr(b, f)]) for f in
                                ("sensor", "target", "range", "az", "el", "snr_db", "pos", "cov")))
