"""The perfect-tracking baseline: a force holds an exact track on every threat its sensors have
detected within the hold time. Useful as an upper bound ("what if tracking were perfect") and as
the reference the Kalman tracker is scored against.
"""

from __future__ import annotations

import numpy as np

from amdsim.world.picture import Picture

#: Position (m^2) and velocity ((m/s)^2) variance of a perfect track: near zero, but positive so
#: that the link's covariance-based correlation and fusion stay well defined.
PERFECT_VAR = 1.0


class PerfectTracker:
    """Truth-keyed tracks per force; ``track_id`` is the mover row."""

    def __init__(self, n_forces: int, n_movers: int, hold_s: float = 30.0) -> None:
        self.last_seen = np.full((n_forces, n_movers), -np.inf)
        self.hold_s = hold_s

    def update(self, force_of_detection: np.ndarray, target: np.ndarray, t: float) -> None:
        """Record detections (force of the detecting sensor, true target row; -1 false alarms ignored)."""
        real = target >= 0
        self.last_seen[force_of_detection[real], target[real]] = t

    def picture(self, force: int, t: float, pos: np.ndarray, vel: np.ndarray, alive: np.ndarray) -> Picture:
        """Tracks of ``force`` at time ``t`` from the true states ``pos``, ``vel`` (N,3)."""
        rows = np.flatnonzero((t - self.last_seen[force] <= self.hold_s) & alive)
        n = rows.size
        return Picture(force, t, rows.astype(np.int64), pos[rows].copy(), vel[rows].copy(), np.zeros(n),
                       np.ones(n, bool), self.last_seen[force, rows].copy(), np.full(n, force, np.int16),
                       rows.astype(np.int32), np.broadcast_to(PERFECT_VAR * np.eye(3), (n, 3, 3)).copy(),
                       np.broadcast_to(PERFECT_VAR * np.eye(3), (n, 3, 3)).copy())
