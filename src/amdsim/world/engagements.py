"""The engagement book: every shot taken, and per force the status of each track it engages.

Track status per (force, track): interceptors in flight, kill assessments awaited, whether the force
believes the threat dead (after kill assessment), and when it may next be engaged. This is what
doctrine reads: a track with an interceptor in flight or an assessment awaited is not engaged again
("look" before the next "shoot"; a dead threat's track coasts on for a while in a real picture).

Shot lifecycle: ordered -> launched (``launch_time``) -> closest approach (``end_time``,
``miss_m``, outcome kill/miss) or expired (time of flight exceeded / target lost). Per shot the
seeker's record: whether it acquired (``seeker_acquired``), when (``acquire_time``, s) and at what
range to the true target (``acquire_range``, m), and how often it lost the lock (``locks_lost``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class TrackStatus:
    inflight: int = 0
    awaiting: int = 0          # intercepts whose kill assessment C2 has not received yet
    shots: int = 0
    believed_dead: bool = False
    next_allowed: float = 0.0


@dataclass
class EngagementBook:
    n_forces: int
    status: list[dict[int, TrackStatus]] = field(default_factory=list)
    # shot columns (one entry per interceptor fired)
    shooter: list[int] = field(default_factory=list)
    interceptor: list[int] = field(default_factory=list)
    target: list[int] = field(default_factory=list)
    track: list[int] = field(default_factory=list)
    force: list[int] = field(default_factory=list)
    order_time: list[float] = field(default_factory=list)
    launch_time: list[float] = field(default_factory=list)
    end_time: list[float] = field(default_factory=list)
    miss: list[float] = field(default_factory=list)
    pk: list[float] = field(default_factory=list)
    outcome: list[str] = field(default_factory=list)
    # the seeker (engage/flyout.py): first acquisition (time, range to the true target) and lock losses
    seeker_acquired: list[bool] = field(default_factory=list)
    acquire_time: list[float] = field(default_factory=list)
    acquire_range: list[float] = field(default_factory=list)
    locks_lost: list[int] = field(default_factory=list)
    # kill assessments not yet known to C2: (time known, force, track, shot)
    pending_assessments: list[tuple[float, int, int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._closed = 0
        if not self.status:
            self.status = [{} for _ in range(self.n_forces)]

    def status_of(self, force: int, track_id: int) -> TrackStatus:
        st = self.status[force].get(track_id)
        if st is None:
            st = self.status[force][track_id] = TrackStatus()
        return st

    def add_shot(self, shooter: int, interceptor: int, target: int, track: int, force: int, order_time: float,
                 launch_time: float) -> int:
        self.shooter.append(shooter)
        self.interceptor.append(interceptor)
        self.target.append(target)
        self.track.append(track)
        self.force.append(force)
        self.order_time.append(order_time)
        self.launch_time.append(launch_time)
        self.end_time.append(np.nan)
        self.miss.append(np.nan)
        self.pk.append(np.nan)
        self.outcome.append("in_flight")
        self.seeker_acquired.append(False)
        self.acquire_time.append(np.nan)
        self.acquire_range.append(np.nan)
        self.locks_lost.append(0)
        return len(self.shooter) - 1

    def status_inflight_any(self) -> bool:
        """Any interceptor ordered or flying that still needs guidance or bookkeeping."""
        return self.n_shots > self._closed

    def close(self, shot: int) -> None:
        self._closed += 1

    @property
    def n_shots(self) -> int:
        return len(self.shooter)

    def columns(self, names: Sequence[str]) -> dict[str, Any]:
        n = self.n_shots
        return {
            "shot_id": np.arange(n, dtype=np.int32),
            "shooter_id": np.array(self.shooter, np.int32),
            "shooter": [names[s] for s in self.shooter],
            "interceptor_id": np.array(self.interceptor, np.int32),
            "target_id": np.array(self.target, np.int32),
            "track_id": np.array(self.track, np.int64),
            "force_index": np.array(self.force, np.int16),
            "order_time_s": np.array(self.order_time, float),
            "launch_time_s": np.array(self.launch_time, float),
            "end_time_s": np.array(self.end_time, float),
            "miss_m": np.array(self.miss, float),
            "pk": np.array(self.pk, float),
            "outcome": list(self.outcome),
            "seeker_acquired": np.array(self.seeker_acquired, bool),
            "acquire_time_s": np.array(self.acquire_time, float),
            "acquire_range_m": np.array(self.acquire_range, float),
            "locks_lost": np.array(self.locks_lost, np.int32),
        }

