"""The tracking stage of the engine: one tracker per blue force, fed by that force's sensors.

``KalmanTracking`` wraps :class:`amdsim.tracking.tracker.Tracker` (Kalman filter, chi-square gate,
GNN, M-of-N) working in ECEF on the converted measurements (position + 3x3 covariance). The
truth behind each track is kept as bookkeeping from the detections that update it (``last_assoc``)
— for scoring and the review only; C2 never reads it. ``PerfectTracking`` is the baseline.
"""

from __future__ import annotations

import numpy as np

from amdsim.engine.state import World
from amdsim.kinds import BLUE
from amdsim.scenario.compile import CompiledScenario
from amdsim.sensors.sense import Detections
from amdsim.tracking.perfect import PerfectTracker
from amdsim.tracking.picture import Picture


class PerfectTracking:
    """Tracking stage with the perfect-tracking baseline: one exact track per detected threat."""

    def __init__(self, cs: CompiledScenario) -> None:
        self.cs = cs
        hold = float(3.0 * cs.sensors.revisit.max()) if cs.sensors.n else 30.0
        self.tracker = PerfectTracker(len(cs.force_names), cs.movers.n, hold_s=hold)

    def ingest(self, w: World, det: Detections) -> None:
        if det.n:
            self.tracker.update(self.cs.sensors.force[det.sensor], det.target, w.t)

    def pictures(self, w: World) -> list[Picture]:
        # red forces run no C2 here: their picture stays empty
        return [self.tracker.picture(f, w.t, w.pos, w.vel, w.is_active) if self.cs.force_side[f] == BLUE
                else Picture.empty(f, w.t) for f in range(len(self.cs.force_names))]


class KalmanTracking:
    """Per-force Kalman trackers on the force's own detections (centralised measurement fusion)."""

    def __init__(self, cs: CompiledScenario) -> None:
        from amdsim.tracking.tracker import Tracker

        self.cs = cs
        p = cs.tracking
        self.trackers = {}
        self.truth: dict[int, dict[int, int]] = {}
        for f in range(len(cs.force_names)):
            if cs.force_side[f] != BLUE:
                continue
            self.trackers[f] = Tracker(dim=3, model=p["motion"], q=p["process_noise_mps2"] ** 2,
                                       gate_prob=p["gate_prob"], m=p["confirm_m"], n=p["confirm_n"],
                                       delete_misses=p["delete_misses"], max_speed=4000.0)
            self.truth[f] = {}

    def ingest(self, w: World, det: Detections) -> None:
        if det.n == 0:
            return
        forces = self.cs.sensors.force[det.sensor]
        for f, trk in self.trackers.items():
            sel = np.flatnonzero(forces == f)
            if sel.size == 0:
                continue
            trk.step(w.t, det.pos[sel], det.cov[sel], det.sensor[sel])
            tr = trk.tracks()
            upd = tr.last_assoc >= 0
            truth = self.truth[f]
            for tid, k in zip(tr.track_id[upd].tolist(), tr.last_assoc[upd].tolist(), strict=True):
                truth[int(tid)] = int(det.target[sel[k]])

    def pictures(self, w: World) -> list[Picture]:
        out = []
        for f in range(len(self.cs.force_names)):
            trk = self.trackers.get(f)
            if trk is None:
                out.append(Picture.empty(f, w.t))
                continue
            tr = trk.tracks()
            n = tr.track_id.size
            if n == 0:
                out.append(Picture.empty(f, w.t))
                continue
            age = (w.t - tr.t_update)[:, None]
            vel = tr.x[:, 3:6]
            pos = tr.x[:, :3] + vel * age
            sigma = np.sqrt(np.maximum(np.trace(tr.P[:, :3, :3], axis1=1, axis2=2), 0.0) / 3.0)
            truth = self.truth[f]
            out.append(Picture(f, w.t, tr.track_id.astype(np.int64), pos, vel.copy(), sigma,
                               tr.confirmed.astype(bool), tr.t_update.astype(float), np.full(n, f, np.int16),
                               np.array([truth.get(int(t), -1) for t in tr.track_id.tolist()], np.int32)))
        return out


def make_tracking(cs: CompiledScenario):
    """The tracking stage the scenario asks for."""
    if cs.tracking.get("model") == "kalman":
        return KalmanTracking(cs)
    return PerfectTracking(cs)
