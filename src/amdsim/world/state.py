"""The mutable state of one replication: a struct of arrays, one row per mover.

Mover lifecycle (``is_active`` / ``is_alive`` / ``fate``):

=================  ==========================================  ==========================
state              entered when                                leaves when
=================  ==========================================  ==========================
waiting            start (``t_launch`` > t)                    t >= t_launch -> flying
flying             launched (threat) / fired (interceptor)     killed, impact, expired
killed             an interceptor's kill draw succeeds         (final)
leaked / impact    threat reaches its aim point or the ground  (final)
expired            interceptor over its time of flight / CPA   (final)
neutralized        its launch site was struck before launch    (final)
=================  ==========================================  ==========================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from amdsim.core.geodesy import ecef2geodetic
from amdsim.world.tables import CompiledScenario


class Fate:
    """Codes of ``World.fate``."""

    PENDING = 0
    FLYING = 1
    KILLED = 2
    IMPACT = 3
    EXPIRED = 4
    NEUTRALIZED = 5
    NAMES: ClassVar[dict[int, str]] = {0: "not_launched", 1: "in_flight", 2: "killed", 3: "impact", 4: "expired", 5: "neutralized"}


@dataclass
class World:
    """Arrays of all movers (N rows), shooters (K rows) and per-force knowledge (F rows)."""

    t: float
    pos: np.ndarray           # (N,3) ECEF m
    vel: np.ndarray           # (N,3) ECEF m/s
    pos_prev: np.ndarray      # (N,3) position at the start of the current step
    lat: np.ndarray           # (N,) rad
    lon: np.ndarray           # (N,) rad
    alt: np.ndarray           # (N,) m above the ellipsoid
    heading: np.ndarray       # (N,) course, rad from north
    behavior: np.ndarray      # (N,) int8 Behavior (fighters switch between ORBIT and GOTO)
    is_active: np.ndarray     # (N,) bool: in the world now (launched, not ended)
    fate: np.ndarray          # (N,) int8 Fate
    t_launch: np.ndarray      # (N,) s
    t_end: np.ndarray         # (N,) s, inf while flying
    wp_index: np.ndarray      # (N,) int32 route waypoint being flown to
    orb_phase0: np.ndarray    # (N,) rad
    goal: np.ndarray          # (N,3) lat, lon, alt of a GOTO goal
    goal_speed: np.ndarray    # (N,) m/s
    # interceptors (rows of kind INTERCEPTOR)
    icpt_target: np.ndarray   # (N,) int32 true target mover, -1
    icpt_track: np.ndarray    # (N,) int64 track id guided on, -1
    icpt_shot: np.ndarray     # (N,) int32 engagement row, -1
    # shooters
    rounds_left: np.ndarray   # (K,) int32
    next_ready: np.ndarray    # (K,) s
    next_row: np.ndarray      # (K,) int32 next interceptor mover row to fire
    # per force: first detection time of each mover (F,N), inf if never
    first_detect: np.ndarray
    killed_by: np.ndarray     # (N,) int32 interceptor that killed the mover, -1
    impact_asset: np.ndarray  # (N,) int32 asset mover hit, -1
    asset_damage: np.ndarray  # (A,) float accumulated damage (0..1)
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        rows: int = self.pos.shape[0]
        return rows

    def refresh_geodetic(self, rows: np.ndarray | None = None) -> None:
        """Recompute lat/lon/alt from ECEF for ``rows`` (default: all)."""
        if rows is None:
            self.lat[:], self.lon[:], self.alt[:] = ecef2geodetic(self.pos)
        elif rows.size:
            self.lat[rows], self.lon[rows], self.alt[rows] = ecef2geodetic(self.pos[rows])


def initial_world(cs: CompiledScenario) -> World:
    """The world at t = 0: platforms present, threats and interceptors waiting."""
    m = cs.movers
    n = m.n
    pos = m.pos0.copy()
    lat, lon, alt = ecef2geodetic(pos)
    present = m.t_launch <= 0.0
    w = World(
        t=0.0, pos=pos, vel=m.vel0.copy(), pos_prev=pos.copy(), lat=lat, lon=lon, alt=alt,
        heading=np.zeros(n), behavior=m.behavior.copy(), is_active=present.copy(),
        fate=np.where(present, 1, 0).astype(np.int8), t_launch=m.t_launch.copy(), t_end=np.full(n, np.inf),
        wp_index=np.zeros(n, np.int32), orb_phase0=m.orb_phase0.copy(), goal=np.zeros((n, 3)),
        goal_speed=np.zeros(n), icpt_target=np.full(n, -1, np.int32), icpt_track=np.full(n, -1, np.int64),
        icpt_shot=np.full(n, -1, np.int32), rounds_left=cs.shooters.rounds.copy(),
        next_ready=np.zeros(cs.shooters.n), next_row=cs.shooters.first_row.copy(),
        first_detect=np.full((len(cs.force_names), n), np.inf), killed_by=np.full(n, -1, np.int32),
        impact_asset=np.full(n, -1, np.int32), asset_damage=np.zeros(cs.asset_rows.size),
    )
    return w
