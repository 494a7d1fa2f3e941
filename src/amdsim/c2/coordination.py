"""Coordination between nations: forces tell their allies which threats they are engaging.

Engagement status travels over the same data link as tracks (latency, drop). A force that
receives an ally's status skips any of its own tracks that correlate with a track the ally is
engaging. With coordination off, each force decides alone and may double-engage.
"""

from __future__ import annotations

import heapq

import numpy as np

from amdsim.links.shared_picture import CORRELATION_FLOOR_M


class CoordinationChannel:
    def __init__(self, force_side: np.ndarray, latency: float, enabled: bool) -> None:
        self.side = np.asarray(force_side)
        self.latency = latency
        self.enabled = enabled
        self._queue: list = []
        self._serial = 0
        # per receiving force: {src: (t_report, pos (E,3), vel (E,3))}
        self.received: list[dict[int, tuple[float, np.ndarray, np.ndarray]]] = [{} for _ in range(self.side.size)]

    def report(self, t: float, src: int, pos: np.ndarray, vel: np.ndarray, rng: np.random.Generator,
               drop: float) -> None:
        """``src`` announces the tracks (positions/velocities) it has interceptors in the air against."""
        if not self.enabled:
            return
        for dst in range(self.side.size):
            if dst != src and self.side[dst] == self.side[src]:
                if drop > 0 and rng.random() < drop:
                    continue
                heapq.heappush(self._queue, (t + self.latency, self._serial, src, dst, t, pos.copy(), vel.copy()))
                self._serial += 1

    def deliver(self, t: float) -> None:
        while self._queue and self._queue[0][0] <= t + 1e-9:
            _, _, src, dst, t_rep, pos, vel = heapq.heappop(self._queue)
            self.received[dst][src] = (t_rep, pos, vel)

    def engaged_by_allies(self, force: int, t: float, track_pos: np.ndarray) -> np.ndarray:
        """(M,) bool: the track correlates with a threat an ally reported engaging."""
        out = np.zeros(track_pos.shape[0], bool)
        if not self.enabled or track_pos.shape[0] == 0:
            return out
        for src in sorted(self.received[force]):
            t_rep, pos, vel = self.received[force][src]
            if pos.shape[0] == 0:
                continue
            ext = pos + vel * (t - t_rep)
            d = np.linalg.norm(track_pos[:, None, :] - ext[None, :, :], axis=-1)
            out |= np.any(d <= 2 * CORRELATION_FLOOR_M, axis=1)
        return out
