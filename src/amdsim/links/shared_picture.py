"""The shared air picture: allied forces exchange track reports over a data link.

Each force publishes its own tracks every ``update_s``; a report reaches every ally of the same
side ``latency_s`` later unless it is dropped (probability ``drop_prob``, drawn from the ``link``
stream). A force's fused picture is its own tracks plus the latest received tracks of each ally,
extrapolated to now at constant velocity, minus those that correlate with one of its own tracks.
Reports wait in a queue keyed on (delivery time, serial), so delivery order is deterministic.
"""

from __future__ import annotations

import heapq

import numpy as np

from amdsim.tracking.picture import Picture, concat_pictures

#: Two tracks closer than this many combined sigmas (plus the floor below) are the same threat.
CORRELATION_SIGMAS = 3.0
CORRELATION_FLOOR_M = 1000.0


class SharedPictureLink:
    def __init__(self, force_side: np.ndarray, latency: float, update: float, drop: float) -> None:
        self.side = np.asarray(force_side)
        self.latency = latency
        self.update = update
        self.drop = drop
        self.next_publish = 0.0
        self._queue: list[tuple[float, int, int, int, Picture]] = []
        self._serial = 0
        n = self.side.size
        self.received: list[dict[int, Picture]] = [{} for _ in range(n)]
        self.log: list[tuple[float, int, int, str]] = []   # (time, from, to, what) for tests and review

    def publish(self, t: float, own: list[Picture], rng: np.random.Generator) -> None:
        """Queue each force's own picture for its allies when the update interval has come."""
        if t + 1e-9 < self.next_publish:
            return
        self.next_publish = t + self.update
        for src, pic in enumerate(own):
            for dst in range(self.side.size):
                if dst == src or self.side[dst] != self.side[src]:
                    continue
                dropped = self.drop > 0 and rng.random() < self.drop
                self.log.append((t, src, dst, "dropped" if dropped else "sent"))
                if not dropped:
                    heapq.heappush(self._queue, (t + self.latency, self._serial, src, dst, pic))
                    self._serial += 1

    def deliver(self, t: float) -> None:
        """Hand over every report whose delivery time has come."""
        while self._queue and self._queue[0][0] <= t + 1e-9:
            when, _, src, dst, pic = heapq.heappop(self._queue)
            self.received[dst][src] = pic
            self.log.append((when, src, dst, "received"))

    def fused(self, force: int, own: Picture, t: float) -> Picture:
        """``force``'s picture: own tracks plus uncorrelated allied tracks extrapolated to ``t``."""
        parts = [own]
        for src in sorted(self.received[force]):
            pic = self.received[force][src]
            if pic.n == 0:
                continue
            age = t - pic.time
            ext = pic.take(np.arange(pic.n))
            ext.pos = pic.pos + pic.vel * age
            ext.track_id = pic.track_id + (src + 1) * 1_000_000_000
            dup = correlate_tracks(own, ext)
            parts.append(ext.take(np.flatnonzero(~dup)))
        return concat_pictures(force, t, parts)


def correlate_tracks(own: Picture, other: Picture) -> np.ndarray:
    """(M_other,) bool: the other track lies within the correlation gate of one of ``own``'s tracks."""
    if own.n == 0 or other.n == 0:
        return np.zeros(other.n, bool)
    d = np.linalg.norm(other.pos[:, None, :] - own.pos[None, :, :], axis=-1)
    gate = CORRELATION_SIGMAS * np.hypot(other.pos_sigma[:, None], own.pos_sigma[None, :]) + CORRELATION_FLOOR_M
    return np.any(d <= gate, axis=1)
