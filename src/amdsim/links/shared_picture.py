"""The shared air picture: allied forces exchange track reports over a data link.

Each force publishes its own tracks every ``update_s``; a report reaches every ally of the same
side ``latency_s`` later unless it is dropped (probability ``drop_prob``, drawn from the ``link``
stream). Reports wait in a queue keyed on (delivery time, serial), so delivery order is deterministic.

A force's fused picture starts from its own tracks; the latest received report of each ally (in
force order) is extrapolated to now at constant velocity, its covariance grown by the
constant-velocity process noise ``LINK_PROCESS_NOISE`` over the report's age, and associated with
the picture built so far by the chi-square track-to-track test and a global nearest-neighbour
assignment (:func:`amdsim.tracking.fusion.associate`). An associated pair becomes one track: the
covariance-intersection fusion of the two, keeping the id, ``source_force`` and truth bookkeeping
of the track already in the picture (the force's own track, or the first ally's). An unassociated
allied track is added under an id offset by the ally. So a threat seen by the force and its allies,
or by two allies and not the force, is one track, and an own track is improved by the allies'.
No randomness: the fused picture is a function of what was received.
"""

from __future__ import annotations

import heapq

import numpy as np

from amdsim.core.kinds import BLUE
from amdsim.tracking.fusion import (
    T2T_FLOOR_M,
    T2T_GATE_PROB,
    associate,
    association_d2,
    block_cov,
    chi2_gate,
    covariance_intersection,
)
from amdsim.world.picture import Picture, concat_pictures

#: Continuous white-noise-acceleration spectral density q (m^2/s^3) used to grow an allied track's
#: covariance over the report's age: pos += T^2 P_vel + q T^3/3 I, vel += q T I (per axis, the
#: position-velocity cross block is not carried). 20^2 matches the tracker's default
#: ``process_noise_mps2`` and keeps a manoeuvre of ~3 g extrapolated over a 4 s old report in the gate.
LINK_PROCESS_NOISE = 20.0 ** 2
#: Gate probability and absolute floor (m) of the track-to-track association test (see fusion.py).
CORRELATION_GATE_PROB = T2T_GATE_PROB
T2T_CORRELATION_FLOOR_M = T2T_FLOOR_M
#: Euclidean distance scale (m) of the coordination messages (c2/coordination.py matches engagement
#: status and intents within twice this); no longer used by the fused picture.
CORRELATION_FLOOR_M = 1000.0
#: Allied track ids are offset by (ally + 1) * this.
ALLY_ID_OFFSET = 1_000_000_000


class SharedPictureLink:
    def __init__(self, force_side: np.ndarray, latency: float, update: float, drop: float,
                 gate_prob: float = CORRELATION_GATE_PROB, floor_m: float = T2T_CORRELATION_FLOOR_M,
                 process_noise: float = LINK_PROCESS_NOISE) -> None:
        self.gate_prob = gate_prob
        self.floor_m = floor_m
        self.process_noise = process_noise
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
        """``force``'s picture at ``t``: own tracks fused with the allies' latest reports (module docstring)."""
        acc = own.take(np.arange(own.n))
        for src in sorted(self.received[force]):
            pic = self.received[force][src]
            if pic.n == 0:
                continue
            ext = extrapolate(pic, t, self.process_noise)
            ext.track_id = pic.track_id + (src + 1) * ALLY_ID_OFFSET
            i, j = associate(acc.pos, acc.covariances()[0], ext.pos, ext.covariances()[0], self.gate_prob,
                             self.floor_m)
            if i.size:
                fuse_into(acc, i, ext, j)
            rest = np.ones(ext.n, bool)
            rest[j] = False
            acc = concat_pictures(force, t, [acc, ext.take(np.flatnonzero(rest))])
        acc.force, acc.time = force, t
        return acc


def extrapolate(pic: Picture, t: float, q: float = LINK_PROCESS_NOISE) -> Picture:
    """A copy of ``pic`` moved to ``t`` at constant velocity, covariance grown for the age (see
    ``LINK_PROCESS_NOISE``)."""
    age = max(t - pic.time, 0.0)
    ext = pic.take(np.arange(pic.n))
    ext.time = t
    ext.pos = pic.pos + pic.vel * age
    pos_cov, vel_cov = pic.covariances()
    ext.pos_cov = pos_cov + age ** 2 * vel_cov + (q * age ** 3 / 3.0) * np.eye(3)
    ext.vel_cov = vel_cov + (q * age) * np.eye(3)
    ext.pos_sigma = _sigma(ext.pos_cov)
    return ext


def fuse_into(acc: Picture, i: np.ndarray, other: Picture, j: np.ndarray) -> None:
    """Replace tracks ``acc[i]`` in place by their covariance-intersection fusion with ``other[j]``.

    The fused track keeps ``acc``'s id, source force and truth (unless that is -1 and the other's is
    not); it is confirmed if either is, and its last update is the later of the two.
    """
    x1 = np.concatenate([acc.pos[i], acc.vel[i]], axis=1)
    x2 = np.concatenate([other.pos[j], other.vel[j]], axis=1)
    acc_pos_cov, acc_vel_cov = acc.covariances()
    other_pos_cov, other_vel_cov = other.covariances()
    x, p, _ = covariance_intersection(x1, block_cov(acc_pos_cov[i], acc_vel_cov[i]),
                                      x2, block_cov(other_pos_cov[j], other_vel_cov[j]))
    acc.pos[i], acc.vel[i] = x[:, :3], x[:, 3:]
    acc_pos_cov[i], acc_vel_cov[i] = p[:, :3, :3], p[:, 3:, 3:]   # in place: these are acc's own arrays
    acc.pos_sigma[i] = _sigma(acc_pos_cov[i])
    acc.confirmed[i] |= other.confirmed[j]
    acc.t_update[i] = np.maximum(acc.t_update[i], other.t_update[j])
    acc.truth[i] = np.where(acc.truth[i] >= 0, acc.truth[i], other.truth[j])


def _sigma(pos_cov: np.ndarray) -> np.ndarray:
    return np.sqrt(np.maximum(np.trace(pos_cov, axis1=1, axis2=2), 0.0) / 3.0)


def correlate_tracks(own: Picture, other: Picture, gate_prob: float = CORRELATION_GATE_PROB,
                     floor_m: float = T2T_CORRELATION_FLOOR_M) -> np.ndarray:
    """(M_other,) bool: the other track passes the track-to-track chi-square gate with one of ``own``'s
    tracks (no assignment; both pictures taken as they are, without extrapolation)."""
    if own.n == 0 or other.n == 0:
        return np.zeros(other.n, bool)
    gate = chi2_gate(gate_prob, 3)
    d2 = association_d2(other.pos, other.covariances()[0], own.pos, own.covariances()[0], floor_m, max_d2=gate)
    return np.any(d2 <= gate, axis=1)


def share_pictures(link: SharedPictureLink, force_side: np.ndarray, t: float, own: list[Picture],
                   rng: np.random.Generator) -> list[Picture]:
    """The links stage: deliver reports due by ``t``, publish each force's own picture, and return
    every blue force's fused picture (own tracks plus the allies' received ones; red: its own)."""
    link.deliver(t)
    link.publish(t, own, rng)
    return [link.fused(f, own[f], t) if force_side[f] == BLUE else own[f] for f in range(len(own))]
