"""Noise jamming: jamming-to-noise ratio in the radar range equation, burn-through range, strobes and
their triangulation.

Jamming-to-noise of a barrage noise jammer at range R_j from a radar (one way), the radar receiving
through gain G_r toward it (the main-lobe gain G when the jammer lies within half a beamwidth of the
direction the radar looks, G times the sidelobe level otherwise):

    J/N = P_j G_j G_r lambda^2 / ((4 pi)^2 R_j^2 k T0 F B_j D)                      (1)

(the jammer spreads P_j over B_j >= B_n; the receiver passes the share B_n / B_j, its noise is
k T0 F B_n, so B_n cancels; D >= 1 is the ECCM improvement factor). The target's echo then competes
with noise plus jamming:

    S / (N + J) = SNR / (1 + sum_j J_j/N)                                            (2)

For a jammer on the target itself (self-screening, or an escort within the main lobe), SNR = C_s / R^4
and J/N = C_j / R^2; the *burn-through range*, where S/(N+J) reaches the detection threshold SNR_req, is
the positive root of SNR_req u^2 + SNR_req C_j u - C_s = 0 in u = R^2                     (3)
and, when jamming dominates noise, R_bt^2 = P_t G sigma B_j / (4 pi P_j G_j B_n L SNR_req)    (4)

Sources: Skolnik, Introduction to Radar Systems, 3rd ed. (2001), ch. 14 (electronic counter-
countermeasures: the self-screening range equation and burn-through); Schleher, Electronic Warfare in
the Information Age (1999), ch. 3 (the jamming equations, J/N and burn-through). Strobes: a jammed
radar measures the jammer's bearing but not its range; two or more radars' strobes cross at the jammer
(least-squares intersection of the bearing lines, Schleher ch. 2 on passive location by triangulation).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from amdsim.core.radar_equation import BOLTZMANN, T0, db2lin
from amdsim.sensors.detection import TABLE_SNR_DB
from amdsim.world.identity import JammingTable
from amdsim.world.messages import Detections


def jn_ratio(jam_power: ArrayLike, jam_gain: ArrayLike, jam_bandwidth: ArrayLike, radar_gain: ArrayLike,
             wavelength: ArrayLike, jam_range: ArrayLike, noise_figure_db: ArrayLike = 0.0,
             eccm_db: ArrayLike = 0.0) -> NDArray[np.float64]:
    """J/N (linear), eq. (1) of the module docstring. Powers W, gains linear, bandwidth Hz, lengths m."""
    num = np.asarray(jam_power, float) * np.asarray(jam_gain, float) * np.asarray(radar_gain, float) * \
        np.asarray(wavelength, float) ** 2
    den = ((4.0 * np.pi) ** 2 * np.maximum(np.asarray(jam_range, float), 1.0) ** 2 * BOLTZMANN * T0
           * db2lin(noise_figure_db) * np.asarray(jam_bandwidth, float) * db2lin(eccm_db))
    out: NDArray[np.float64] = num / den
    return out


def burn_through_range(snr_coeff: ArrayLike, jn_coeff: ArrayLike, snr_required: ArrayLike) -> NDArray[np.float64]:
    """Burn-through range (m) of a self-screening target, eq. (3): ``snr_coeff`` = C_s (SNR x R^4, m^4),
    ``jn_coeff`` = C_j (J/N x R^2, m^2), ``snr_required`` linear."""
    cs, cj, q = (np.asarray(x, float) for x in (snr_coeff, jn_coeff, snr_required))
    u = (-q * cj + np.sqrt((q * cj) ** 2 + 4.0 * q * cs)) / (2.0 * q)
    out: NDArray[np.float64] = np.sqrt(u)
    return out


def triangulate(origins: np.ndarray, bearings: np.ndarray) -> np.ndarray:
    """Least-squares crossing point (2,) of bearing lines in a local plane: ``origins`` (n,2) east/north (m),
    ``bearings`` (n,) rad from north. Minimises the sum of squared perpendicular distances."""
    d = np.stack([np.sin(bearings), np.cos(bearings)], axis=1)             # unit directions (east, north)
    proj = np.eye(2)[None, :, :] - d[:, :, None] * d[:, None, :]           # (n,2,2) I - d d^T
    a = proj.sum(axis=0)
    b = np.einsum("nij,nj->i", proj, origins)
    point: np.ndarray = np.linalg.solve(a, b)
    return point


def jn_matrix(tab: JammingTable, wavelength: np.ndarray, spos: np.ndarray, jpos: np.ndarray, active: np.ndarray,
              tpos: np.ndarray | None, sensors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the radars ``sensors`` (S',) at ``spos`` (S',3) and the jammers at ``jpos`` (J,3) ECEF (``active``
    (J,) bool): ``(jn_main (S',J), jn_toward (S',T,J))``: the main-lobe J/N, and the J/N each radar
    receives while it looks at each target at ``tpos`` (T,3) (main lobe or sidelobes by the angle)."""
    rj = jpos[None, :, :] - spos[:, None, :]                                  # (S',J,3)
    dist = np.linalg.norm(rj, axis=2)
    jn_main = jn_ratio(tab.power[None, :], tab.gain[None, :], tab.bandwidth[None, :],
                       tab.radar_gain[sensors, None], wavelength[sensors, None], dist,
                       tab.noise_figure_db[sensors, None], tab.eccm_db[sensors, None]) * active[None, :]
    if tpos is None:
        return jn_main, np.zeros((sensors.size, 0, jpos.shape[0]))
    rt = tpos[None, :, :] - spos[:, None, :]                                  # (S',T,3)
    ut = rt / np.maximum(np.linalg.norm(rt, axis=2, keepdims=True), 1.0)
    uj = rj / np.maximum(dist[:, :, None], 1.0)
    cos = np.einsum("stk,sjk->stj", ut, uj)
    main = cos >= np.cos(tab.half_beam[sensors])[:, None, None]
    jn_toward = jn_main[:, None, :] * np.where(main, 1.0, tab.sidelobe[sensors][:, None, None])
    return jn_main, jn_toward


def jammed_pd(snr_db: np.ndarray, jn_total: np.ndarray, tables: np.ndarray) -> np.ndarray:
    """(S,T) Pd with the SNR cut by eq. (2): ``snr_db`` (S,T) without jamming, ``jn_total`` (S,T) summed
    J/N (linear), ``tables`` (S,G) the radars' Pd tables on ``TABLE_SNR_DB`` (sensors/detection.py)."""
    sinr = snr_db - 10.0 * np.log10(1.0 + jn_total)
    g0, dg = float(TABLE_SNR_DB[0]), float(TABLE_SNR_DB[1] - TABLE_SNR_DB[0])
    x = np.clip((np.nan_to_num(sinr, nan=-1e9) - g0) / dg, 0.0, tables.shape[1] - 1.0)
    i = np.minimum(x.astype(np.int64), tables.shape[1] - 2)
    w = x - i
    rows = np.arange(tables.shape[0])[:, None]
    pd: np.ndarray = tables[rows, i] * (1.0 - w) + tables[rows, i + 1] * w
    return np.where(np.isnan(snr_db), 0.0, pd)


def jam_pd(cs, w, due: np.ndarray, spos: np.ndarray, tpos: np.ndarray, targets: np.ndarray, ev, params) -> np.ndarray:
    """(S',T) Pd of the scanning radars ``due`` against ``targets`` under the scenario's noise jamming:
    ``ev.pd`` unchanged without an active jammer; red radars are not jammed."""
    tab: JammingTable | None = cs.extras.get("jamming")
    if tab is None:
        return ev.pd
    active = (w.t >= tab.on) & w.is_active[tab.host]
    blue = cs.force_side[cs.sensors.force[due]] == 0
    if not active.any() or not blue.any():
        return ev.pd
    _, jn_t = jn_matrix(tab, cs.sensors.wavelength, spos, w.pos[tab.host], active, tpos, due)
    return jammed_pd(ev.snr_db, jn_t.sum(axis=2) * blue[:, None], params.tables())


def locate_jammers(st, w, cs, det: Detections, rng: np.random.Generator) -> Detections:
    """Strobes of this step's blue scans, their triangulation per force, and the jammer carriers'
    first detection ranges (``ContestedState.jamming``). Returns the detections with one measurement
    per new fix added (:func:`fix_detections`), so the trackers make tracks of located jammers."""
    tab: JammingTable | None = cs.extras.get("jamming")
    if st is None or tab is None or det.scanned.size == 0:
        return det
    sn = cs.sensors
    rec = st.jamming
    scanned = det.scanned[cs.force_side[sn.force[det.scanned]] == 0]
    hosts = np.isin(det.target, tab.host) & (cs.force_side[sn.force[det.sensor]] == 0)
    for s, m, r in zip(det.sensor[hosts].tolist(), det.target[hosts].tolist(), det.range[hosts].tolist(), strict=True):
        rec["first_detection"].setdefault((cs.movers.name[m], sn.name[s]), (w.t, r))
    active = (w.t >= tab.on) & w.is_active[tab.host]
    if scanned.size == 0 or not active.any():
        return det
    spos = w.pos[sn.host[scanned]]
    jn_main, _ = jn_matrix(tab, sn.wavelength, spos, w.pos[tab.host], active, None, scanned)
    si, ji = np.nonzero((jn_main > tab.strobe_jn[scanned][:, None])
                        & (np.linalg.norm(w.pos[tab.host][None] - spos[:, None], axis=2) <= sn.max_range[scanned][:, None]))
    if si.size == 0:
        return det
    rec["strobes"] += int(si.size)
    lat0, lon0 = w.lat[sn.host[scanned]], w.lon[sn.host[scanned]]
    e = np.stack([-np.sin(lon0), np.cos(lon0), np.zeros_like(lon0)], axis=1)
    n = np.stack([-np.sin(lat0) * np.cos(lon0), -np.sin(lat0) * np.sin(lon0), np.cos(lat0)], axis=1)
    rel = w.pos[tab.host[ji]] - spos[si]
    bearing = np.arctan2(np.einsum("ij,ij->i", rel, e[si]), np.einsum("ij,ij->i", rel, n[si]))
    bearing += rng.normal(0.0, sn.sigma_az[scanned[si]])
    if "strobe_t" not in rec:
        rec["strobe_t"] = np.full((sn.n, tab.host.size), -np.inf)
        rec["strobe_d"] = np.zeros((sn.n, tab.host.size, 3))
    rec["strobe_t"][scanned[si], ji] = w.t
    # the measured line's horizontal direction in ECEF, so radars with different local norths cross right
    rec["strobe_d"][scanned[si], ji] = np.sin(bearing)[:, None] * e[si] + np.cos(bearing)[:, None] * n[si]
    window = STROBE_WINDOW_REVISITS * float(sn.revisit.max())
    seen = {(int(sn.force[s]), int(m)) for s, m in zip(det.sensor.tolist(), det.target.tolist(), strict=True)}
    extra = []
    for j in np.unique(ji).tolist():
        for f in np.unique(sn.force[scanned[si[ji == j]]]).tolist():
            fix = _fix(w, cs, rec, j, f, window)
            if fix is None:
                continue
            true = w.pos[tab.host[j]]
            rec["fixes"].append((w.t, int(f), tab.name[j], _fix_error(fix, true)))
            if (int(f), int(tab.host[j])) not in seen:        # not already detected: its echo burnt through
                extra.append(_fix_measurement(w, cs, fix, int(tab.host[j]), rng))
    return det if not extra else fix_detections(det, extra)


#: Strobes of one jammer from different radars are crossed when they are at most this many of the
#: slowest radar's revisit intervals old (the jammer moves meanwhile: at 250 m/s and 6 s, 1.5 km).
STROBE_WINDOW_REVISITS = 1.5
#: Shortest baseline between two strobing radars for a crossing (m).
MIN_BASELINE_M = 1_000.0


def _fix(w, cs, rec: dict, j: int, f: int, window: float):
    """Crossing of force ``f``'s recent strobes on jammer ``j``: (point east/north (2,), reference ECEF,
    east and north unit vectors), or None without two radars on a baseline."""
    sn = cs.sensors
    rows = np.flatnonzero((sn.force == f) & (rec["strobe_t"][:, j] >= w.t - window))
    if rows.size < 2:
        return None
    pos = w.pos[sn.host[rows]]
    lat0, lon0 = w.lat[sn.host[rows[0]]], w.lon[sn.host[rows[0]]]
    e = np.array([-np.sin(lon0), np.cos(lon0), 0.0])
    n = np.array([-np.sin(lat0) * np.cos(lon0), -np.sin(lat0) * np.sin(lon0), np.cos(lat0)])
    xy = np.stack([(pos - pos[0]) @ e, (pos - pos[0]) @ n], axis=1)
    if np.ptp(xy, axis=0).max() < MIN_BASELINE_M:
        return None
    d = rec["strobe_d"][rows, j]
    b = np.arctan2(d @ e, d @ n)
    crossing = float(np.ptp(np.unwrap(b)))
    return triangulate(xy, b), pos[0], e, n, int(rows[0]), crossing


def _fix_error(fix, true: np.ndarray) -> float:
    """Horizontal distance (m) from a crossing to the jammer's true position ``true`` (ECEF)."""
    point, ref, e, n = fix[:4]
    rel = true - ref
    return float(np.hypot(point[0] - rel @ e, point[1] - rel @ n))


def predicted_burn_through(cs, sensor: int, jammer: int, pd: float = 0.5) -> float:
    """Burn-through range (m), eq. (3), of radar ``sensor`` against the carrier of ``jammer`` (its own
    mean RCS, the jammer in the main lobe) for single-scan detection probability ``pd``."""
    from amdsim.sensors.detection import required_snr

    tab: JammingTable = cs.extras["jamming"]
    sn = cs.sensors
    rcs = float(cs.movers.rcs[tab.host[jammer]])
    c_s = float(sn.ref_snr[sensor]) * rcs / float(sn.ref_rcs[sensor]) * float(sn.ref_range[sensor]) ** 4
    c_j = jn_ratio(tab.power[jammer], tab.gain[jammer], tab.bandwidth[jammer], tab.radar_gain[sensor],
                   sn.wavelength[sensor], 1.0, tab.noise_figure_db[sensor], tab.eccm_db[sensor])
    q = required_snr(pd, float(sn.pfa[sensor]), int(sn.n_pulses[sensor]), int(sn.swerling[sensor]))
    return float(burn_through_range(c_s, c_j, q))


def _fix_measurement(w, cs, fix, host: int, rng: np.random.Generator) -> tuple:
    """A 3-D measurement of a located jammer from its fix: east/north from the crossing, height from the
    reference radar's strobe elevation (its elevation noise); covariance isotropic with the crossing's
    scale d sigma_az / sin(crossing angle). Returns (sensor, target, pos (3,), cov (3,3))."""
    point, ref, e, n, sensor, crossing = fix
    sn = cs.sensors
    u = ref / np.linalg.norm(ref)
    rel = w.pos[host] - ref
    d = float(np.hypot(point[0], point[1]))
    el = np.arctan2(rel @ u, float(np.hypot(rel @ e, rel @ n))) + rng.normal(0.0, float(sn.sigma_el[sensor]))
    pos = ref + point[0] * e + point[1] * n + d * np.tan(el) * u
    sigma = d * float(sn.sigma_az[sensor]) / max(np.sin(min(crossing, np.pi / 2)), 0.05)
    return sensor, host, pos, sigma ** 2 * np.eye(3)


def fix_detections(det: Detections, fixes: list[tuple]) -> Detections:
    """``det`` with the fixes appended as detections (range, angles from their reference radar are not
    measured: NaN; the trackers use position and covariance)."""
    k = len(fixes)
    nan = np.full(k, np.nan)
    return Detections(det.time, np.concatenate([det.sensor, np.array([f[0] for f in fixes], np.int32)]),
                      np.concatenate([det.target, np.array([f[1] for f in fixes], np.int32)]),
                      np.concatenate([det.range, nan]), np.concatenate([det.az, nan]), np.concatenate([det.el, nan]),
                      np.concatenate([det.snr_db, nan]), np.concatenate([det.pos, np.array([f[2] for f in fixes])]),
                      np.concatenate([det.cov, np.array([f[3] for f in fixes])]), det.scanned)


def seeker_ranges(cs, w, itype: np.ndarray, target: np.ndarray) -> np.ndarray:
    """(n,) m seeker acquisition range of interceptors of types ``itype`` against ``target`` movers:
    home-on-jam (``home_on_jam_range_m``) when the type has it and the target carries an active jammer
    (a passive seeker homes on the noise source), the seeker's own range otherwise."""
    own = cs.itypes.seeker_range[itype]
    tab: JammingTable | None = cs.extras.get("jamming")
    hoj = cs.itypes.hoj_range[itype]
    if tab is None or not hoj.any() or target.size == 0:
        return own
    jamming = np.zeros(w.n, bool)
    jamming[tab.host[(w.t >= tab.on) & w.is_active[tab.host]]] = True
    out: np.ndarray = np.where(jamming[target] & (hoj > 0), np.maximum(own, hoj), own)
    return out
