"""The tracking stage of the engine: one tracker per blue force, fed by that force's sensors.

``KalmanTracking`` wraps :class:`amdsim.tracking.tracker.Tracker` (Kalman filter, chi-square gate,
GNN or JPDA, M-of-N) working in ECEF on the converted measurements (position + 3x3 covariance). The
truth behind each track is kept as bookkeeping from the detections that update it (``last_assoc``)
— for scoring and the review only; C2 never reads it. ``PerfectTracking`` is the baseline.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from amdsim.core.constants import (
    COAST_REVISITS,
    DELETE_MISS_PROB,
    INIT_SPEED_SIGMA_MPS,
    MIN_COAST_S,
    NO_SENSOR_COAST_S,
    TENTATIVE_MISSES,
)
from amdsim.core.geodesy import EARTH_MEAN_RADIUS, enu_basis
from amdsim.core.kinds import BLUE
from amdsim.sensors.visibility import points_in_view
from amdsim.tracking.ballistic import impact_point_predict, launch_point_estimate
from amdsim.tracking.classify import BALLISTIC, threat_classify
from amdsim.tracking.perfect import PerfectTracker
from amdsim.tracking.sightings import SightingLog
from amdsim.tracking.tracker import Tracker, TrackerConfig
from amdsim.world.messages import Detections
from amdsim.world.picture import Picture
from amdsim.world.state import World
from amdsim.world.tables import CompiledScenario


class TrackingStage(Protocol):
    """The tracking stage's interface: take a step's detections, give each force's own picture."""
    def ingest(self, w: World, det: Detections) -> None:
        """Update every force's tracks with the detections of this step."""
    def pictures(self, w: World) -> list[Picture]:
        """Each force's own picture at ``w.t`` (index = force)."""


class PerfectTracking:
    """Tracking stage with the perfect-tracking baseline: one exact track per detected threat."""
    def __init__(self, cs: CompiledScenario) -> None:

        self.cs = cs
        # an exact track outlives its last detection by the coast rule of the Kalman stage, on the
        # slowest revisit of any sensor (all forces) and without its MIN_COAST_S floor
        hold = float(COAST_REVISITS * cs.sensors.revisit.max()) if cs.sensors.n else NO_SENSOR_COAST_S
        self.tracker = PerfectTracker(len(cs.force_names), cs.movers.n, hold_s=hold)
        self.sightings = SightingLog(cs)

    def ingest(self, w: World, det: Detections) -> None:
        if det.n:
            self.tracker.update(self.cs.sensors.force[det.sensor], det.target, w.t)
            # an exact track's id is its mover row
            for sensor in np.unique(det.sensor[self.sightings.is_fc[det.sensor]]).tolist():
                self.sightings.note(int(self.cs.sensors.force[sensor]), sensor, det.target[det.sensor == sensor], w.t)

    def pictures(self, w: World) -> list[Picture]:
        # red forces run no C2 here: their picture stays empty
        out = [self.tracker.picture(f, w.t, w.pos, w.vel, w.is_active) if self.cs.force_side[f] == BLUE
               else Picture.empty(f, w.t) for f in range(len(self.cs.force_names))]
        for f, pic in enumerate(out):
            pic.sightings = self.sightings.of(f)
        return out


class KalmanTracking:
    """Per-force multi-target trackers on the force's own detections.

    Centralised measurement fusion: the detections of every sensor of the force go to one tracker,
    sensor by sensor within a step (sequential updates), so two radars seeing one threat make one track.

    Ballistic tracks: once a confirmed track has ``BALLISTIC_ESTIMATE_HITS`` scans in view, a velocity
    sigma under ``BALLISTIC_ESTIMATE_VEL_SIGMA`` and classifies as ballistic (c2/threat.py), its ballistic launch point and predicted impact point with
    95 % ellipses (tracking/ballistic.py) are estimated once and kept in ``ballistic_estimates`` (the
    first firm cue for a strike on the launcher and for the defended-area warning).
    """

    #: Scans in view a confirmed track needs before its launch and impact points are estimated.
    BALLISTIC_ESTIMATE_HITS = 5
    #: Velocity 1-sigma (m/s, root of trace/3) under which a track's arc is worth flying to the ground.
    BALLISTIC_ESTIMATE_VEL_SIGMA = 50.0
    #: How often (s) each force looks for tracks ready for those estimates.
    BALLISTIC_CHECK_S = 5.0

    def __init__(self, cs: CompiledScenario) -> None:

        self.cs = cs
        self.trackers = {}
        for f in range(len(cs.force_names)):
            if cs.force_side[f] != BLUE:
                continue
            revisit = cs.sensors.revisit[cs.sensors.force == f]
            coast = max(MIN_COAST_S, COAST_REVISITS * float(revisit.max())) if revisit.size else NO_SENSOR_COAST_S
            # the scenario's `tracking:` settings, plus the engine's own rules for what it does not set
            cfg = TrackerConfig.from_settings(cs.tracking, tentative_misses=TENTATIVE_MISSES,
                                              init_speed_sigma=INIT_SPEED_SIGMA_MPS, max_coast_s=coast,
                                              delete_miss_prob=DELETE_MISS_PROB)
            self.trackers[f] = Tracker(cfg)
            self.trackers[f].rotating = cs.earth_rotation
        self._estimated: dict[int, set[int]] = {f: set() for f in self.trackers}
        self._next_check: dict[int, float] = {f: 0.0 for f in self.trackers}
        self.ballistic_estimates: list[dict] = []
        self.sightings = SightingLog(cs)

    def ingest(self, w: World, det: Detections) -> None:
        s = self.cs.sensors
        # radars that scanned, then those that only dwelt on a launch-warning cue (sensors/launch_warning.py:
        # their view is the cued sector)
        cued = getattr(det, "cued_scanned", np.zeros(0, np.int32))
        scanned = np.concatenate([det.scanned, cued]).astype(np.int64)
        if scanned.size == 0:
            return
        n_scan = det.scanned.size
        # every scanned sensor's antenna position, height, sector centre and local axes, at once
        host = s.host[scanned]
        up = w.pos[host] / np.linalg.norm(w.pos[host], axis=1, keepdims=True)
        spos = w.pos[host] + s.height_offset[scanned, None] * up
        salt = w.alt[host] + s.height_offset[scanned]
        az_center = s.az_center[scanned] + np.where(s.relative_az[scanned], w.heading[host], 0.0)
        az_width = s.az_width[scanned].astype(float)
        if cued.size:          # a CuedDetections (sensors/launch_warning.py) carries the sectors
            az_center[n_scan:] = getattr(det, "cued_center")  # noqa: B009
            az_width[n_scan:] = getattr(det, "cued_width")  # noqa: B009
        enu = enu_basis(w.lat[host], w.lon[host])
        for j, sensor in enumerate(scanned.tolist()):
            trk = self.trackers.get(int(s.force[sensor]))
            if trk is None:
                continue
            sel = np.flatnonzero(det.sensor == sensor)
            if sel.size == 0 and trk.size == 0:
                continue
            view = (spos[j], float(salt[j]), float(s.min_range[sensor]), float(s.max_range[sensor]),
                    float(az_center[j]), float(az_width[j]), enu[j])
            owner = trk.step(w.t, det.pos[sel], det.cov[sel], labels=det.target[sel],
                             in_view=lambda pos, view=view: self._in_view(pos, *view))
            self.sightings.note(int(s.force[sensor]), sensor, owner, w.t)
        for f in np.unique(s.force[scanned]).tolist():
            if f in self.trackers and w.t + 1e-9 >= self._next_check[f]:
                self._next_check[f] = w.t + self.BALLISTIC_CHECK_S
                self._estimate_ballistic(w, f, self.trackers[f])

    def _estimate_ballistic(self, w: World, f: int, trk) -> None:
        """Launch and impact point estimates for the force's firm ballistic tracks not estimated yet."""
        firm = np.flatnonzero(trk.confirmed & (trk.age >= self.BALLISTIC_ESTIMATE_HITS))
        if firm.size == 0:
            return
        done = self._estimated[f]
        firm = firm[[int(i) not in done for i in trk.track_id[firm]]]
        if firm.size == 0:
            return
        t = w.t
        x, P = trk.predicted(t)
        x, P = x[firm], P[firm]
        vel_sigma = np.sqrt(np.trace(P[:, 3:, 3:], axis1=1, axis2=2) / 3.0)
        b = (threat_classify(x[:, :3], x[:, 3:]) == BALLISTIC) & (vel_sigma < self.BALLISTIC_ESTIMATE_VEL_SIGMA)
        if not b.any():
            return
        rows, x, P = firm[b], x[b], P[b]
        try:
            launch = launch_point_estimate(x, P, step_s=2.0, max_time_s=1500.0, rotating=self.cs.earth_rotation)
            impact = impact_point_predict(x, P, step_s=2.0, max_time_s=1500.0, rotating=self.cs.earth_rotation)
        except np.linalg.LinAlgError:      # a covariance not positive definite: try again next scan
            return
        for k, row in enumerate(rows.tolist()):
            done.add(int(trk.track_id[row]))
            if not (launch.found[k] or impact.found[k]):
                continue            # an arc that meets the ground neither way is not a ballistic track
            truth = int(trk.label[row])
            self.ballistic_estimates.append({
                "time_s": t, "force": f, "track_id": int(trk.track_id[row]), "truth_id": truth,
                "launch": _point(launch, k), "impact": _point(impact, k),
                # scoring only: the true state then, to fly the true gravity-only impact point
                "truth_state": np.r_[w.pos[truth], w.vel[truth]] if truth >= 0 else None})

    def _in_view(self, pos, spos, salt, min_range, max_range, az_center, az_width, enu) -> np.ndarray:
        """Which predicted track positions ``pos`` (N,3) the sensor could have seen: inside its range
        window and sector and above its effective-earth horizon (a track out of view counts no miss)."""
        return points_in_view(np.ascontiguousarray(pos), spos, salt, float(self.cs.k_factor), EARTH_MEAN_RADIUS,
                              min_range, max_range, az_center, az_width, enu)

    def pictures(self, w: World) -> list[Picture]:
        out = []
        for f in range(len(self.cs.force_names)):
            trk = self.trackers.get(f)
            if trk is None or trk.size == 0:
                out.append(Picture.empty(f, w.t))
                out[-1].sightings = self.sightings.of(f)
                continue
            x, P = trk.predicted(w.t)
            n = trk.size
            sigma = np.sqrt(np.maximum(np.trace(P[:, :3, :3], axis1=1, axis2=2), 0.0) / 3.0)
            out.append(Picture(f, w.t, trk.track_id.copy(), x[:, :3], x[:, 3:6], sigma, trk.confirmed.copy(),
                               trk.t_update.copy(), np.full(n, f, np.int16), trk.label.astype(np.int32),
                               np.array(P[:, :3, :3]), np.array(P[:, 3:6, 3:6]), self.sightings.of(f)))
        return out


def make_tracking(cs: CompiledScenario):
    """The tracking stage the scenario asks for."""
    if cs.tracking.get("model") == "kalman":
        return KalmanTracking(cs)
    return PerfectTracking(cs)


def _point(gp, k: int) -> dict:
    """One row of a :class:`~amdsim.tracking.ballistic.GroundPoint` as plain numbers (SI)."""
    return {"pos_ecef": gp.pos_ecef[k].copy(), "time_s": float(gp.time_s[k]), "found": bool(gp.found[k]),
            "semi_axes_m": gp.semi_axes[k].copy(), "azimuth_rad": float(gp.azimuth[k])}
