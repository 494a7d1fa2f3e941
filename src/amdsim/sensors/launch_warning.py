"""A notional space-based infrared launch-warning sensor, and the radar cue it gives.

Reports: every ballistic launch is reported ``delay`` s after lift-off (the scenario's
``launch_warning:``) to each receiving force, with the launch point off by a normal error of
``sigma_launch_point`` per horizontal axis (east, north of the pad) and the flight azimuth off by a
normal error of ``sigma_azimuth``; the errors are drawn at lift-off from the ``launch_warning``
stream (three normals per launch, launches in row order). Each delivery is a ``launch_warning``
event (target: the threat; position: the reported launch point; value: that point's error, m;
detail: reported azimuth and delay).

The cue (a documented, notional gain): on delivery, each of the force's radars gets a cued sector
for ``cue_duration`` s, the smallest azimuth sector, seen from the radar, that holds the reported
ground track (from the reported launch point along the reported azimuth, ``cue_length`` m long,
sampled at :data:`~amdsim.core.constants.CUE_TRACK_SAMPLES` points) for the azimuths
``+/- CUE_SIGMA_MARGIN`` sigma, widened on each side by the angle of ``CUE_SIGMA_MARGIN`` launch-point
sigmas at the launch point's distance. While the cue holds, the radar dwells on the sector (inside
its own field of regard and range) every ``cued_revisit`` s (its own revisit if shorter), with
``cued_gain`` pulses integrated coherently: the SNR of a cued dwell is the search dwell's times
``cued_gain`` (Skolnik, *Introduction to Radar Systems*, 3rd ed., 2001, sec. 2.6: coherent
integration of n pulses improves the SNR n-fold; Pd then from the radar's own Swerling tables).
The radar's normal scans go on unchanged on their own schedule and draws; a newer report replaces
a radar's cue. Cued dwells draw from the ``cued_scan`` stream, so the rest of the run's draws are
those of the run without the warning until the runs diverge (cued detections that reach the
tracker, C2's reaction to them, kills that change the set of targets a scan draws for).

What the dwells give: their detections join the step's :class:`CuedDetections` (flagged
``cued``); a detection of a target that the same radar's normal scan detected in the same step is
dropped. Radars whose normal scan is due this step list in ``scanned`` as before; radars that only
dwelt are listed apart, in ``cued_scanned`` with their sectors (``cued_center``, ``cued_width``),
because a dwell saw only its sector: a tracker that counted a miss for every track the radar's
whole field of regard holds would delete tracks the dwell never looked at. First detections and
the detections table see every detection; the Kalman tracking stage takes a dwell's detections
once it reads ``cued_scanned`` with the sector as the dwell's view (the perfect tracker takes
them all).

For the review, :func:`warn_launches` also logs ``uncued_detection``: the first detection of each
ballistic threat by a receiving force's normal scans, i.e. the first detection the force would
have had without the warning (value: range, m).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from amdsim.core.constants import CUE_SIGMA_MARGIN, CUE_TRACK_SAMPLES
from amdsim.core.geodesy import (
    destination,
    ecef2geodetic,
    enu_basis,
    geodetic2ecef,
    initial_bearing,
)
from amdsim.core.kinds import MoverKind
from amdsim.core.rng import Streams
from amdsim.sensors.evaluate import RadarParams, evaluate_pairs
from amdsim.sensors.measurement import pairs2rae, rae2ecef_with_cov
from amdsim.sensors.scan import azimuth_in_sector
from amdsim.world.events import EventLog
from amdsim.world.messages import Detections, MoverEvents
from amdsim.world.state import World
from amdsim.world.tables import CompiledScenario

_BALLISTIC = int(MoverKind.BALLISTIC_MISSILE)


@dataclass
class CueState:
    """Each radar's cue (S rows): active until ``until`` (s; -inf: none), its sector (rad from north)
    and the time of its next cued dwell (s)."""

    until: np.ndarray
    center: np.ndarray
    width: np.ndarray
    next_dwell: np.ndarray

    @staticmethod
    def empty(n_sensors: int) -> CueState:
        return CueState(np.full(n_sensors, -np.inf), np.zeros(n_sensors), np.zeros(n_sensors),
                        np.zeros(n_sensors))


@dataclass
class CuedDetections(Detections):
    """A step's detections with the cued dwells': ``cued`` (M,) marks the dwells' detections;
    ``cued_scanned`` the radars that only dwelt (not in ``scanned``), with their sectors
    ``cued_center``, ``cued_width`` (rad)."""

    cued: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    cued_scanned: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    cued_center: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cued_width: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass
class LaunchReport:
    """A launch report on its way: due time (s), the threat's row, the reported launch point (ECEF
    m, lat/lon rad), reported azimuth (rad) and the launch point's error (m)."""

    due: float
    row: int
    pos: np.ndarray
    lat: float
    lon: float
    azimuth: float
    error_m: float


@dataclass
class LaunchWarningState:
    """Reports drawn but not delivered, and which (force, threat) pairs the force's normal scans saw."""

    pending: list[LaunchReport] = field(default_factory=list)
    seen_uncued: np.ndarray | None = None     # (F, N) bool


def with_boost_rcs(w: World, cs: CompiledScenario, targets: np.ndarray, rcs: np.ndarray) -> np.ndarray:
    """The RCS radars see (T,) or (S,T): a ballistic missile under thrust shows its boost RCS
    (body and plume) whatever the aspect."""
    bt = cs.ballistic
    if bt is None:
        return rcs
    boosting = w.is_boosting[targets] & w.is_active[targets]
    if not boosting.any():
        return rcs
    return np.where(boosting, bt.rcs_boost[targets], rcs)


def warn_launches(w: World, cs: CompiledScenario, state: LaunchWarningState, cue: CueState | None,
                  moved: MoverEvents, det: Detections, streams: Streams, log: EventLog) -> CueState | None:
    """The launch-warning stage (after the sensors): draw the reports of this step's ballistic
    launches, deliver the due ones (events, cues from the next step on), note first uncued
    detections. Returns the radars' cue state (created on the first report; None without a warning)."""
    lw = cs.launch_warning
    if lw is None:
        return cue
    m = cs.movers
    launched = moved.launched[m.kind[moved.launched] == _BALLISTIC] if moved.launched.size else moved.launched
    if launched.size:
        _draw_reports(w, cs, state, launched, streams)
    _note_uncued(w, cs, state, det, log)
    due = [r for r in state.pending if r.due <= w.t + 1e-9]
    if not due:
        return cue
    state.pending = [r for r in state.pending if r.due > w.t + 1e-9]
    if cue is None:
        cue = CueState.empty(cs.sensors.n)
    for rep in due:
        for f in np.flatnonzero(lw.receives).tolist():
            log.add(w.t, "launch_warning", target=rep.row, force=f, pos=rep.pos.copy(), value=rep.error_m,
                    detail=json.dumps({"azimuth_deg": round(float(np.degrees(rep.azimuth)), 3),
                                       "delay_s": round(w.t - float(w.t_launch[rep.row]), 3)}))
            _cue_force(w, cs, cue, f, rep)
    return cue


def _draw_reports(w: World, cs: CompiledScenario, state: LaunchWarningState, rows: np.ndarray,
                  streams: Streams) -> None:
    lw = cs.launch_warning
    bt = cs.ballistic
    assert lw is not None and bt is not None
    z = streams.launch_warning.standard_normal((rows.size, 3))
    pad = bt.launch_pos[rows]
    lat, lon, alt = ecef2geodetic(pad)
    basis = enu_basis(lat, lon)
    off = z[:, 0:1] * lw.sigma_launch_point * basis[:, 0] + z[:, 1:2] * lw.sigma_launch_point * basis[:, 1]
    rep_lat, rep_lon, _ = ecef2geodetic(pad + off)
    rep_pos = geodetic2ecef(rep_lat, rep_lon, alt)
    az = np.mod(bt.launch_az[rows] + z[:, 2] * lw.sigma_azimuth, 2.0 * np.pi)
    err = np.linalg.norm(rep_pos - pad, axis=1)
    for k, row in enumerate(rows.tolist()):
        state.pending.append(LaunchReport(float(w.t_launch[row]) + lw.delay, row, rep_pos[k], float(rep_lat[k]),
                                          float(rep_lon[k]), float(az[k]), float(err[k])))


def cue_sectors(radar_lat: np.ndarray, radar_lon: np.ndarray, radar_pos: np.ndarray, launch_lat: float,
                launch_lon: float, launch_pos: np.ndarray, azimuth: float, sigma_azimuth: float,
                sigma_launch_point: float, length: float) -> tuple[np.ndarray, np.ndarray]:
    """Centre and width (rad, (S,)) of the cued sector of each radar at (lat, lon) rad, ECEF (S,3) m
    for a reported launch point and azimuth (module docstring)."""
    azs = azimuth + CUE_SIGMA_MARGIN * sigma_azimuth * np.array([-1.0, 0.0, 1.0])
    dist = np.linspace(0.0, length, CUE_TRACK_SAMPLES)
    a, d = np.meshgrid(azs, dist)
    plat, plon, _ = destination(np.full(a.size, launch_lat), np.full(a.size, launch_lon), a.ravel(), d.ravel())
    brg = initial_bearing(radar_lat[:, None], radar_lon[:, None], plat[None, :], plon[None, :])   # (S,P)
    b0 = initial_bearing(radar_lat, radar_lon, launch_lat, launch_lon)
    rel = np.mod(brg - b0[:, None] + np.pi, 2.0 * np.pi) - np.pi
    lo, hi = rel.min(axis=1), rel.max(axis=1)
    rng = np.maximum(np.linalg.norm(radar_pos - launch_pos, axis=1), 1.0)
    margin = np.arctan(CUE_SIGMA_MARGIN * sigma_launch_point / rng)
    width = np.minimum(hi - lo + 2.0 * margin, 2.0 * np.pi)
    center = np.mod(b0 + 0.5 * (lo + hi) + np.pi, 2.0 * np.pi) - np.pi
    return center, width


def _cue_force(w: World, cs: CompiledScenario, cue: CueState, force: int, rep: LaunchReport) -> None:
    lw = cs.launch_warning
    assert lw is not None
    s = cs.sensors
    rows = np.flatnonzero(s.force == force)
    if rows.size == 0:
        return
    host = s.host[rows]
    center, width = cue_sectors(w.lat[host], w.lon[host], w.pos[host], rep.lat, rep.lon, rep.pos, rep.azimuth,
                                lw.sigma_azimuth, lw.sigma_launch_point, lw.cue_length)
    starting = cue.until[rows] < w.t
    cue.until[rows] = w.t + lw.cue_duration
    cue.center[rows] = center
    cue.width[rows] = width
    # a radar not cued before dwells at once (from the next step's sensing)
    cue.next_dwell[rows] = np.where(starting, w.t, cue.next_dwell[rows])


def _note_uncued(w: World, cs: CompiledScenario, state: LaunchWarningState, det: Detections, log: EventLog) -> None:
    lw = cs.launch_warning
    assert lw is not None
    if det.n == 0:
        return
    if state.seen_uncued is None:
        state.seen_uncued = np.zeros((len(cs.force_names), cs.movers.n), bool)
    normal = ~det.cued if isinstance(det, CuedDetections) and det.cued.size == det.n else np.ones(det.n, bool)
    tgt = det.target
    ok = normal & (tgt >= 0)
    ok[ok] = cs.movers.kind[tgt[ok]] == _BALLISTIC
    forces = cs.sensors.force[det.sensor]
    ok &= lw.receives[forces]
    for i in np.flatnonzero(ok).tolist():
        f, t = int(forces[i]), int(tgt[i])
        if state.seen_uncued[f, t]:
            continue
        state.seen_uncued[f, t] = True
        host = int(cs.sensors.host[det.sensor[i]])
        log.add(w.t, "uncued_detection", actor=host, target=t, force=f, pos=w.pos[t].copy(),
                value=float(np.linalg.norm(w.pos[t] - w.pos[host])), detail=f"sensor={cs.sensors.name[det.sensor[i]]}")


def cued_dwells(w: World, cs: CompiledScenario, cue: CueState, params: RadarParams, streams: Streams,
                normal: Detections, rcs_of, terrain=None) -> Detections:
    """The step's cued dwells (module docstring) added to the normal scans' detections ``normal``.

    ``params``: every radar's :class:`RadarParams`; ``rcs_of(targets, radar_pos, target_pos,
    target_vel) -> (S,T)`` the RCS the radars see; ``terrain`` the sensors stage's masking callable.
    Returns ``normal`` itself when no dwell is due, else a :class:`CuedDetections`."""
    lw = cs.launch_warning
    s = cs.sensors
    t = w.t
    if lw is None:
        return normal
    due = np.flatnonzero((cue.until >= t - 1e-9) & (cue.next_dwell <= t + 1e-9) & w.is_active[s.host])
    if due.size == 0:
        return normal
    revisit = np.minimum(lw.cued_revisit, s.revisit[due])
    cue.next_dwell[due] += revisit * np.maximum(np.ceil((t + 1e-9 - cue.next_dwell[due]) / revisit), 1.0)
    targets = np.flatnonzero(w.is_active & cs.movers.is_threat)
    if targets.size == 0:
        return normal
    host = s.host[due]
    lat, lon = w.lat[host], w.lon[host]
    basis = enu_basis(lat, lon)
    spos = w.pos[host] + basis[:, 2, :] * s.height_offset[due, None]
    salt = w.alt[host] + s.height_offset[due]
    heading = np.where(s.relative_az[due], w.heading[host], 0.0)
    sub = params.subset(due)
    sub.ref_snr_db = sub.ref_snr_db + 10.0 * np.log10(lw.cued_gain)
    tpos = w.pos[targets]
    rcs = rcs_of(targets, spos, tpos, w.vel[targets])
    ev = evaluate_pairs(spos, tpos, rcs, sub, cs.k_factor, az_offset=heading, radar_geodetic=(lat, lon, salt),
                        target_alt=w.alt[targets], with_angles=True)
    visible = ev.visible & azimuth_in_sector(np.where(ev.visible, ev.azimuth, 0.0), cue.center[due], cue.width[due])
    if terrain is not None and visible.any():
        visible = visible & ~terrain(spos, tpos, visible)
    gen = streams.cued_scan
    hit = visible & (gen.random(visible.shape) < ev.pd)
    # a target the radar's normal scan saw this step is not reported twice
    if normal.n:
        j = np.minimum(np.searchsorted(due, normal.sensor), due.size - 1)          # due and targets ascend
        k = np.minimum(np.searchsorted(targets, normal.target), targets.size - 1)
        same = (due[j] == normal.sensor) & (targets[k] == normal.target) & (normal.target >= 0)
        hit[j[same], k[same]] = False
    si, ti = np.nonzero(hit)
    sensor = due[si]
    true = pairs2rae(tpos[ti], spos[si], basis[si])
    sr, sa, se = s.sigma_range[sensor], s.sigma_az[sensor], s.sigma_el[sensor]
    r_m = np.maximum(true.range + gen.standard_normal(si.size) * sr, 0.0)
    a_m = true.azimuth + gen.standard_normal(si.size) * sa
    e_m = true.elevation + gen.standard_normal(si.size) * se
    pos, cov = rae2ecef_with_cov(r_m, a_m, e_m, sr, sa, se, spos[si], basis[si])
    only = ~np.isin(due, normal.scanned)

    def cat(a, b):
        return np.concatenate([a, b])

    return CuedDetections(
        normal.time, cat(normal.sensor, sensor.astype(np.int32)), cat(normal.target, targets[ti].astype(np.int32)),
        cat(normal.range, r_m), cat(normal.az, a_m), cat(normal.el, e_m), cat(normal.snr_db, ev.snr_db[si, ti]),
        np.concatenate([normal.pos, pos]), np.concatenate([normal.cov, cov]), normal.scanned,
        cued=np.r_[np.zeros(normal.n, bool), np.ones(si.size, bool)], cued_scanned=due[only].astype(np.int32),
        cued_center=cue.center[due[only]], cued_width=cue.width[due[only]])
