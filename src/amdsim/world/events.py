"""The event log: one row per discrete event, appended as it happens (events are sparse)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


class EventLog:
    """Columnar event buffer; ``actor``/``target`` are mover rows (-1 none), ``force`` an index (-1 none)."""

    def __init__(self) -> None:
        self.time: list[float] = []
        self.kind: list[str] = []
        self.actor: list[int] = []
        self.target: list[int] = []
        self.force: list[int] = []
        self.pos: list[np.ndarray] = []
        self.value: list[float] = []
        self.detail: list[str] = []

    def add(self, time: float, kind: str, actor: int = -1, target: int = -1, force: int = -1,
            pos: ArrayLike | None = None, value: float = np.nan, detail: str = "") -> None:
        self.time.append(float(time))
        self.kind.append(kind)
        self.actor.append(int(actor))
        self.target.append(int(target))
        self.force.append(int(force))
        self.pos.append(np.full(3, np.nan) if pos is None else np.array(pos, float))   # a copy: callers pass views
        self.value.append(float(value))
        self.detail.append(detail)

    def __len__(self) -> int:
        return len(self.time)

    def kinds(self) -> list[str]:
        return list(self.kind)
