"""A force's perceived air picture: what C2 decides on (never the truth itself).

A :class:`Picture` is a struct of arrays over M tracks. ``truth`` is simulation bookkeeping (the
mover whose detections formed the track, -1 for a false track) used only for scoring, kill
assessment on the true target and the after-action review; C2 logic must not read it.

``pos_cov`` and ``vel_cov`` are the position and velocity blocks of the track's covariance (ECEF,
m^2 and (m/s)^2); the position-velocity cross block is not carried. They drive the data link's
track-to-track correlation and fusion (:mod:`amdsim.tracking.fusion`). A caller that gives only
``pos_sigma`` gets ``pos_sigma^2 I`` and ``UNKNOWN_VEL_SIGMA_MPS^2 I``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Velocity 1-sigma assumed when a Picture is built without a velocity covariance (m/s).
UNKNOWN_VEL_SIGMA_MPS = 100.0


@dataclass
class Picture:
    force: int
    time: float
    track_id: np.ndarray      # (M,) int64, unique within the force
    pos: np.ndarray           # (M,3) ECEF m, estimate at ``time``
    vel: np.ndarray           # (M,3) ECEF m/s
    pos_sigma: np.ndarray     # (M,) m, 1-sigma position uncertainty (root of the covariance trace / 3)
    confirmed: np.ndarray     # (M,) bool
    t_update: np.ndarray      # (M,) s, last measurement time
    source_force: np.ndarray  # (M,) int16 force whose sensors hold the track (itself or an ally via link)
    truth: np.ndarray         # (M,) int32 bookkeeping only (see module docstring)
    pos_cov: np.ndarray | None = None  # (M,3,3) ECEF m^2 position covariance
    vel_cov: np.ndarray | None = None  # (M,3,3) ECEF (m/s)^2 velocity covariance

    def __post_init__(self) -> None:
        m = self.track_id.size
        if self.pos_cov is None:
            self.pos_cov = np.asarray(self.pos_sigma, float)[:, None, None] ** 2 * np.eye(3)
        if self.vel_cov is None:
            self.vel_cov = np.broadcast_to(UNKNOWN_VEL_SIGMA_MPS ** 2 * np.eye(3), (m, 3, 3)).copy()

    @property
    def n(self) -> int:
        return self.track_id.size

    def covariances(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(pos_cov, vel_cov)``, (M,3,3) each: always set once the picture is built (``__post_init__``)."""
        if self.pos_cov is None or self.vel_cov is None:
            raise ValueError("picture without covariances (pos_cov / vel_cov set to None after construction)")
        return self.pos_cov, self.vel_cov

    @staticmethod
    def empty(force: int, time: float) -> Picture:
        return Picture(force, time, np.zeros(0, np.int64), np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0),
                       np.zeros(0, bool), np.zeros(0), np.zeros(0, np.int16), np.zeros(0, np.int32),
                       np.zeros((0, 3, 3)), np.zeros((0, 3, 3)))

    def take(self, idx: NDArray[np.integer[Any]] | NDArray[np.bool_]) -> Picture:
        pos_cov, vel_cov = self.covariances()
        return Picture(self.force, self.time, self.track_id[idx], self.pos[idx], self.vel[idx],
                       self.pos_sigma[idx], self.confirmed[idx], self.t_update[idx], self.source_force[idx],
                       self.truth[idx], pos_cov[idx], vel_cov[idx])


def concat_pictures(force: int, time: float, parts: list[Picture]) -> Picture:
    parts = [p for p in parts if p.n]
    if not parts:
        return Picture.empty(force, time)
    return Picture(force, time, *(np.concatenate([getattr(p, f) for p in parts]) for f in
                                  ("track_id", "pos", "vel", "pos_sigma", "confirmed", "t_update",
                                   "source_force", "truth", "pos_cov", "vel_cov")))
