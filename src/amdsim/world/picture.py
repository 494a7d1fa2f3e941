"""A force's perceived air picture: what C2 decides on (never the truth itself).

A :class:`Picture` is a struct of arrays over M tracks. ``truth`` is simulation bookkeeping (the
mover whose detections formed the track, -1 for a false track) used only for scoring, kill
assessment on the true target and the after-action review; C2 logic must not read it.

``sightings`` says which of the force's own fire-control radars updated which track and when (a
sparse table keyed on track id, not on row, so ``take`` and the link's fusion carry it unchanged):
a battery that may not launch on remote tracks engages only what its own radar holds, and guides
its interceptors on that radar's updates (``c2/fire_control.py``, ``engage/midcourse.py``).

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
class Sightings:
    """Fire-control sightings: track ``track_id[i]`` was last updated by sensor ``sensor[i]`` at
    ``time[i]`` (s). Only sensors that share a host with a shooter are recorded (P rows)."""

    track_id: np.ndarray      # (P,) int64
    sensor: np.ndarray        # (P,) int32 sensor row
    time: np.ndarray          # (P,) s

    @staticmethod
    def empty() -> Sightings:
        return Sightings(np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0))

    def held(self, track_id: np.ndarray, sensor_host: np.ndarray, shooter_host: np.ndarray, since: np.ndarray
             ) -> NDArray[np.bool_]:
        """(K,M) bool: a radar on shooter k's host updated track m at or after ``since[k, m]`` (s).

        ``sensor_host`` (S,) maps sensor rows to host movers; ``shooter_host`` (K,), ``track_id`` (M,).
        """
        k, m = shooter_host.size, track_id.size
        out = np.zeros((k, m), bool)
        if self.track_id.size == 0 or k == 0 or m == 0:
            return out
        order = np.argsort(track_id, kind="stable")
        j = np.clip(np.searchsorted(track_id[order], self.track_id), 0, m - 1)
        on = track_id[order][j] == self.track_id
        col = order[j[on]]
        host = sensor_host[self.sensor[on]]
        t = self.time[on]
        same = host[None, :] == shooter_host[:, None]                       # (K,P)
        kk, pp = np.nonzero(same)
        ok = t[pp] >= since[kk, col[pp]]
        out[kk[ok], col[pp[ok]]] = True
        return out

    def held_pairs(self, track_id: np.ndarray, shooter_host: np.ndarray, since: np.ndarray,
                   sensor_host: np.ndarray) -> NDArray[np.bool_]:
        """(n,) bool: a radar on ``shooter_host[i]`` updated ``track_id[i]`` at or after ``since[i]`` (s)."""
        if self.track_id.size == 0 or track_id.size == 0:
            return np.zeros(track_id.size, bool)
        host = sensor_host[self.sensor]
        hit = ((self.track_id[None, :] == track_id[:, None]) & (host[None, :] == shooter_host[:, None])
               & (self.time[None, :] >= since[:, None]))
        out: NDArray[np.bool_] = hit.any(axis=1)
        return out


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
    sightings: Sightings | None = None  # the force's own fire-control sightings (keyed on track id)
    aliases: tuple[np.ndarray, np.ndarray] | None = None  # (allied id, id it was last fused into), see links
    # combat identification (c2/identify.py; None: identification off): the network's identity of each
    # track (world/identity.py Identity) and what each shooter acts on
    identity: np.ndarray | None = None  # (M,) int8
    roe: Any = None                     # world.identity.Roe over (K shooters, M tracks)

    def related_ids(self, among: NDArray[np.int64] | None = None) -> dict[int, list[int]]:
        """Per track id of the picture, the other ids the same threat was known by (``aliases`` both ways).

        With ``among`` (ids), only the alias pairs with a side in it need be read: the lists of the ids in
        ``among`` are whole, the others keep (at least) their related ids that are in ``among``, in order.
        The alias table grows with every fusion of the run, so a caller that needs a few ids passes them.
        """
        out: dict[int, list[int]] = {}
        if self.aliases is None or self.aliases[0].size == 0:
            return out
        src, dst = self.aliases
        if among is not None and src.size > 64:     # a short table is quicker to read whole
            hit = np.flatnonzero(np.isin(src, among) | np.isin(dst, among))
            src, dst = src[hit], dst[hit]
        for a, b in zip(src.tolist(), dst.tolist(), strict=True):
            out.setdefault(b, []).append(a)
            out.setdefault(a, []).append(b)
        return out

    def __post_init__(self) -> None:
        m = self.track_id.size
        if self.pos_cov is None:
            self.pos_cov = np.asarray(self.pos_sigma, float)[:, None, None] ** 2 * np.eye(3)
        if self.vel_cov is None:
            self.vel_cov = np.broadcast_to(UNKNOWN_VEL_SIGMA_MPS ** 2 * np.eye(3), (m, 3, 3)).copy()
        if self.sightings is None:
            self.sightings = Sightings.empty()

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
                       self.truth[idx], pos_cov[idx], vel_cov[idx], self.sightings, self.aliases,
                       None if self.identity is None else self.identity[idx],
                       None if self.roe is None else self.roe.take(idx))


def concat_pictures(force: int, time: float, parts: list[Picture]) -> Picture:
    """The tracks of ``parts`` in order, as one picture of ``force``; the fire-control sightings are
    the first part's (the force's own picture, to which allies' tracks are added)."""
    sightings = parts[0].sightings if parts else None
    parts = [p for p in parts if p.n]
    if not parts:
        empty = Picture.empty(force, time)
        empty.sightings = sightings or empty.sightings
        return empty
    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts])

    return Picture(force, time, cat("track_id"), cat("pos"), cat("vel"), cat("pos_sigma"), cat("confirmed"),
                   cat("t_update"), cat("source_force"), cat("truth"), cat("pos_cov"), cat("vel_cov"), sightings)
