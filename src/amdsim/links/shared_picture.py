"""The shared air picture: allied forces exchange track reports over a data link.

The link is given per ordered pair of forces (``cs.links``: F x F latency, update interval, drop
probability and capacity, from the scenario's ``links:`` list over the ``link:`` default). Each pair
(sender, receiver) of the same side runs on its own clock: every ``update[src, dst]`` s the sender's
own tracks go out to that receiver; the report reaches it ``latency[src, dst]`` later unless it is
dropped (probability ``drop[src, dst]``, one draw from the ``link`` stream per pair due, pairs taken in
(sender, receiver) order, so the draws are deterministic and a uniform link draws exactly as a single
``link:`` block did). Reports wait in a queue keyed on (delivery time, serial), so delivery order is
deterministic too.

A report carries at most ``capacity[src, dst]`` tracks (-1: all). Which ones, in this priority:
confirmed tracks first (only those are engaged by the receiver's C2), then the freshest (smallest time
since the last measurement: a coasting track is the least worth a slot, its error grows with its age),
then the most accurate (smallest position sigma), then the smallest track id (a fixed tie-break). This
needs nothing the sender does not know: it does not know the receiver's assets or engagement plans.

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


def _pair_matrix(value, n: int, dtype=float) -> np.ndarray:
    """(n,n) array of a per-pair link parameter given as a scalar (every pair alike) or a matrix."""
    arr = np.asarray(value, dtype=dtype)
    if arr.ndim == 0:
        return np.full((n, n), arr.item(), dtype=dtype)
    if arr.shape != (n, n):
        raise ValueError(f"per-pair link parameter of shape {arr.shape}: expected ({n}, {n}) for {n} forces")
    return arr.copy()


def report_priority(pic: Picture, t: float, capacity: int) -> np.ndarray:
    """Rows of ``pic`` a report of at most ``capacity`` tracks carries (-1: all), in the link's
    priority: confirmed, then freshest (``t - t_update``), then smallest ``pos_sigma``, then track id.
    Rows come back in the picture's order."""
    if capacity < 0 or pic.n <= capacity:
        return np.arange(pic.n)
    order = np.lexsort((pic.track_id, pic.pos_sigma, t - pic.t_update, ~pic.confirmed.astype(bool)))
    return np.sort(order[:capacity])


class SharedPictureLink:
    """Track reports between allied forces, each ordered pair with its own latency, update clock,
    drop probability and capacity (module docstring). Scalars mean every pair alike."""

    def __init__(self, force_side: np.ndarray, latency: float | np.ndarray, update: float | np.ndarray,
                 drop: float | np.ndarray, gate_prob: float = CORRELATION_GATE_PROB,
                 floor_m: float = T2T_CORRELATION_FLOOR_M, process_noise: float = LINK_PROCESS_NOISE,
                 capacity: int | np.ndarray = -1) -> None:
        self.gate_prob = gate_prob
        self.floor_m = floor_m
        self.process_noise = process_noise
        self.side = np.asarray(force_side)
        n = self.side.size
        self.latency = _pair_matrix(latency, n)
        self.update = _pair_matrix(update, n)
        self.drop = _pair_matrix(drop, n)
        self.capacity = _pair_matrix(capacity, n, np.int64)
        #: (F,F) bool: src reports to dst (allies of one side, not itself)
        self.linked = (self.side[:, None] == self.side[None, :]) & ~np.eye(n, dtype=bool)
        #: (F,F) s: when each pair publishes next. Pairs not linked (a force and itself, or across
        #: sides) send nothing but keep the ``link:`` default's clock, which paces picture builds
        #: (``engine/schedule.py``) as the single link did
        self.next_due = np.zeros((n, n))
        self._queue: list[tuple[float, int, int, int, Picture]] = []
        self._serial = 0
        self.received: list[dict[int, Picture]] = [{} for _ in range(n)]
        # track-number continuity: per force, the own (or first) track each allied track id was fused into
        self.alias_from: list[np.ndarray] = [np.zeros(0, np.int64) for _ in range(n)]
        self.alias_to: list[np.ndarray] = [np.zeros(0, np.int64) for _ in range(n)]
        self.log: list[tuple[float, int, int, str]] = []   # (time, from, to, what) for tests and review
        self.trimmed = np.zeros((n, n), np.int64)          # tracks left out of reports by the capacity

    @classmethod
    def from_table(cls, force_side: np.ndarray, links) -> SharedPictureLink:
        """The link of a compiled scenario (``cs.links``, a :class:`~amdsim.world.tables.LinkTable`)."""
        return cls(force_side, links.latency, links.update, links.drop, capacity=links.capacity)

    @property
    def next_publish(self) -> float:
        """The earliest time a pair publishes next (s)."""
        return float(self.next_due.min()) if self.next_due.size else float("inf")

    def publish(self, t: float, own: list[Picture], rng: np.random.Generator) -> None:
        """Queue each force's own picture for the allies whose pair's update interval has come."""
        due = t + 1e-9 >= self.next_due
        if not due.any():
            return
        self.next_due[due] = t + self.update[due]
        for src, dst in zip(*np.nonzero(due & self.linked), strict=True):   # row-major: (sender, receiver)
            src, dst = int(src), int(dst)
            drop = float(self.drop[src, dst])
            dropped = drop > 0 and rng.random() < drop
            self.log.append((t, src, dst, "dropped" if dropped else "sent"))
            if dropped:
                continue
            pic = own[src]
            keep = report_priority(pic, t, int(self.capacity[src, dst]))
            if keep.size < pic.n:
                self.trimmed[src, dst] += pic.n - keep.size
                pic = pic.take(keep)
            heapq.heappush(self._queue, (t + float(self.latency[src, dst]), self._serial, src, dst, pic))
            self._serial += 1

    def deliver(self, t: float) -> None:
        """Hand over every report whose delivery time has come."""
        while self._queue and self._queue[0][0] <= t + 1e-9:
            when, _, src, dst, pic = heapq.heappop(self._queue)
            self.received[dst][src] = pic
            self.log.append((when, src, dst, "received"))

    def fused(self, force: int, own: Picture, t: float) -> Picture:
        """``force``'s picture at ``t``: own tracks fused with the allies' latest reports (module docstring).

        An allied track fused into a track of the picture is remembered as that track's alias (the
        latest pairing wins); the picture carries the table (``Picture.aliases``), so an engagement
        made under one id is seen under the other when the pairing changes (C2's eligibility,
        midcourse guidance)."""
        acc = own.take(np.arange(own.n))
        old_ids: list[np.ndarray] = []
        new_ids: list[np.ndarray] = []
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
                old_ids.append(ext.track_id[j])
                new_ids.append(acc.track_id[i])
            rest = np.ones(ext.n, bool)
            rest[j] = False
            acc = concat_pictures(force, t, [acc, ext.take(np.flatnonzero(rest))])
        acc.force, acc.time = force, t
        if old_ids:
            self._remember(force, np.concatenate(old_ids), np.concatenate(new_ids))
        acc.aliases = (self.alias_from[force], self.alias_to[force])
        return acc

    def _remember(self, force: int, old: np.ndarray, new: np.ndarray) -> None:
        """Keep ``old -> new`` (the latest wins) in the force's alias table."""
        if old.size == 0:
            return
        keep = ~np.isin(self.alias_from[force], old)
        self.alias_from[force] = np.concatenate([self.alias_from[force][keep], old])
        self.alias_to[force] = np.concatenate([self.alias_to[force][keep], new])


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
