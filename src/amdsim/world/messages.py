"""Messages that pass between the stages of one step: mover events, detections, engagement orders.

Each is a dataclass of arrays, one row per item; a stage writes one and a later stage reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


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
    scanned: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # sensor rows that scanned

    @property
    def n(self) -> int:
        return self.sensor.size

    @staticmethod
    def empty(t: float) -> Detections:
        z = np.zeros(0)
        return Detections(t, np.zeros(0, np.int32), np.zeros(0, np.int32), z, z, z, z, np.zeros((0, 3)),
                          np.zeros((0, 3, 3)))


@dataclass
class Orders:
    """Engagement orders of one step (O rows): shooter fires ``rounds`` at a track."""

    shooter: np.ndarray       # (O,) int32
    track_id: np.ndarray      # (O,) int64
    force: np.ndarray         # (O,) int16
    rounds: np.ndarray        # (O,) int32
    truth: np.ndarray         # (O,) int32 bookkeeping: true mover behind the track
    pip: np.ndarray           # (O,3) predicted intercept point (ECEF m)
    pk: np.ndarray            # (O,) estimated single-shot Pk

    @property
    def n(self) -> int:
        return self.shooter.size


@dataclass
class MoverEvents:
    """What happened to movers during one step (row indices)."""

    launched: np.ndarray      # rows launched this step
    impacted: np.ndarray      # threat rows that reached the ground / their aim point
    impact_pos: np.ndarray    # (len(impacted), 3) ECEF impact points
