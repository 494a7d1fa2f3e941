"""Coordination between nations: forces tell their allies which threats they are engaging.

Two messages travel over the data link, with the latency and drop probability of each pair of
forces (``cs.links``, F x F; a scalar: every pair alike):

* **engagement status** — every step, the tracks a force has interceptors in the air against; a
  force skips its own tracks that correlate with one an ally is engaging;
* **engagement intent** — sent when a force orders a shot. With coordination on, a shot of force
  f waits at least :meth:`CoordinationChannel.hold_times` ``[f]`` before launch: the largest latency
  from an ally that could engage the same threat (an allied force with shooters) to f, plus a step,
  so that every earlier ally intent has arrived; at launch it is cancelled if an ally's intent on the
  same threat was earlier (ties go to the lower force index). Both sides apply the same rule to the
  same messages, so exactly one of two simultaneous engagements goes ahead — unless a message is
  dropped. A force with no such ally does not wait.

With coordination off, each force decides alone and may double-engage.

Messages carry each threat's position, velocity and 1-sigma position uncertainty; a message and a
track are the same threat when their distance (the message extrapolated to now) is within
``GATE_SIGMAS`` combined sigmas, and never less than ``2 * CORRELATION_FLOOR_M`` (perfect tracks).
"""

from __future__ import annotations

import heapq

import numpy as np

from amdsim.core.kinds import BLUE
from amdsim.links.shared_picture import CORRELATION_FLOOR_M
from amdsim.world.engagements import EngagementBook
from amdsim.world.picture import Picture

#: Combined standard deviations within which a message and a track are one threat.
GATE_SIGMAS = 3.0


def _gate(sigma_msg, sigma_track):
    """Distance gate (m) between a message and a track with these 1-sigma position uncertainties."""
    return np.maximum(2 * CORRELATION_FLOOR_M, GATE_SIGMAS * np.hypot(sigma_msg, sigma_track))


class CoordinationChannel:
    def __init__(self, force_side: np.ndarray, latency: float | np.ndarray, enabled: bool,
                 drop: np.ndarray | None = None, engagers: np.ndarray | None = None) -> None:
        """``latency`` (s) and ``drop`` per (sender, receiver) pair, (F,F) or a scalar latency; without
        ``drop`` each send uses the probability its caller gives. ``engagers`` (F,) bool: forces with
        shooters (default: all), the allies a shot waits for (:meth:`hold_times`)."""
        self.side = np.asarray(force_side)
        n = self.side.size
        lat = np.asarray(latency, float)
        self.latency = np.full((n, n), float(lat)) if lat.ndim == 0 else lat.copy()
        self.drop = None if drop is None else np.asarray(drop, float).copy()
        self.engagers = np.ones(n, bool) if engagers is None else np.asarray(engagers, bool).copy()
        self.enabled = enabled
        self._queue: list = []
        self._serial = 0
        # per receiving force: {src: (t_report, pos (E,3), vel (E,3), sigma (E,))}
        self.received: list[dict[int, tuple]] = [{} for _ in range(self.side.size)]
        # per receiving force: list of (t_intent, src, pos (3,), vel (3,), sigma)
        self.intents: list[list[tuple]] = [[] for _ in range(self.side.size)]

    def hold_times(self, dt: float) -> np.ndarray:
        """(F,) s each force's shots wait before launch with coordination on: the largest latency from
        an allied force with shooters to it, plus one step ``dt``; 0 for a force with no such ally."""
        ally = (self.side[:, None] == self.side[None, :]) & ~np.eye(self.side.size, dtype=bool)
        ally &= self.engagers[:, None]                       # (src, dst): src could engage dst's threat
        lat = np.where(ally, self.latency, -np.inf).max(axis=0, initial=-np.inf)
        return np.where(np.isfinite(lat), lat + dt, 0.0)

    def announce(self, t: float, src: int, pos: np.ndarray, vel: np.ndarray, rng: np.random.Generator,
                 drop: float, sigma: float = 0.0) -> None:
        """``src`` has just ordered a shot at the threat at ``pos``/``vel`` (position 1-sigma ``sigma`` m):
        tell the allies."""
        self._send(t, src, pos[None], vel[None], np.array([sigma], float), True, rng, drop)

    def yields_to_ally(self, force: int, t_order: float, t: float, track_pos: np.ndarray,
                       track_sigma: float = 0.0, window: float = 60.0) -> bool:
        """An ally announced an engagement of this threat before ``force`` did (ties: lower index wins)."""
        if not self.enabled:
            return False
        for t_int, src, pos, vel, sigma in self.intents[force]:
            if (t_int, src) >= (t_order, force) or t_int < t_order - window:
                continue
            if np.linalg.norm(pos + vel * (t - t_int) - track_pos) <= _gate(sigma, track_sigma):
                return True
        return False

    def report(self, t: float, src: int, pos: np.ndarray, vel: np.ndarray, rng: np.random.Generator,
               drop: float, sigma: np.ndarray | None = None) -> None:
        """``src`` announces the tracks (positions/velocities, position 1-sigma) it has interceptors in the
        air against."""
        sig = np.zeros(pos.shape[0]) if sigma is None else np.asarray(sigma, float)
        self._send(t, src, pos, vel, sig, False, rng, drop)

    def _send(self, t, src, pos, vel, sigma, intent: bool, rng, drop: float) -> None:
        """Queue a message to every ally of ``src`` (in force order); each copy is lost with the pair's
        drop probability (``drop`` when the channel has no per-pair table), one ``link`` draw per copy
        with a probability above 0."""
        if not self.enabled:
            return
        for dst in range(self.side.size):
            if dst != src and self.side[dst] == self.side[src]:
                p = drop if self.drop is None else float(self.drop[src, dst])
                if p > 0 and rng.random() < p:
                    continue
                heapq.heappush(self._queue, (t + float(self.latency[src, dst]), self._serial, src, dst, t,
                                             pos.copy(), vel.copy(), sigma.copy(), intent))
                self._serial += 1

    def deliver(self, t: float) -> None:
        while self._queue and self._queue[0][0] <= t + 1e-9:
            _, _, src, dst, t_rep, pos, vel, sigma, intent = heapq.heappop(self._queue)
            if intent:
                self.intents[dst].append((t_rep, src, pos[0], vel[0], float(sigma[0])))
            else:
                self.received[dst][src] = (t_rep, pos, vel, sigma)
        for lst in self.intents:
            if len(lst) > 256:
                del lst[: len(lst) - 256]

    def engaged_by_allies(self, force: int, t: float, track_pos: np.ndarray,
                          track_sigma: np.ndarray | None = None) -> np.ndarray:
        """(M,) bool: the track correlates with a threat an ally reported engaging."""
        out = np.zeros(track_pos.shape[0], bool)
        if not self.enabled or track_pos.shape[0] == 0:
            return out
        tsig = np.zeros(track_pos.shape[0]) if track_sigma is None else np.asarray(track_sigma, float)
        for src in sorted(self.received[force]):
            t_rep, pos, vel, sigma = self.received[force][src]
            if pos.shape[0] == 0:
                continue
            ext = pos + vel * (t - t_rep)
            d = np.linalg.norm(track_pos[:, None, :] - ext[None, :, :], axis=-1)
            out |= np.any(d <= _gate(sigma[None, :], tsig[:, None]), axis=1)
        return out


def report_engagements(coord: CoordinationChannel, force_side: np.ndarray, t: float, pictures: list[Picture],
                       book: EngagementBook, rng: np.random.Generator, drop: float) -> None:
    """Every blue force tells its allies which of its tracks have interceptors in flight (status messages)."""
    if not coord.enabled:
        return
    coord.deliver(t)
    for f, pic in enumerate(pictures):
        if force_side[f] != BLUE or pic.n == 0:
            continue
        status = book.status[f]
        engaged = np.array([(status.get(tid) is not None and status[tid].inflight > 0)
                            for tid in pic.track_id.tolist()], bool)
        if engaged.any():
            coord.report(t, f, pic.pos[engaged], pic.vel[engaged], rng, drop, sigma=pic.pos_sigma[engaged])
