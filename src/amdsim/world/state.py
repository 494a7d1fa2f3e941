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

An aircraft flying sorties from an air base (``base:``) is *waiting* on the ground until its
take-off (``t_launch``), *flying* while airborne, and *waiting* again from its landing to the end
of its turnaround (``t_launch`` = the next take-off; inf after its last sortie): see
``movers/sortie.py`` for its sortie phases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from amdsim.core.constants import FLYOUT_STATE_WIDTH
from amdsim.core.geodesy import ecef2geodetic
from amdsim.core.kinds import SortiePhase
from amdsim.world.events import EventLog
from amdsim.world.magazines import Magazines, initial_magazines
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
    vel_prev: np.ndarray      # (N,3) velocity at the start of the current step (the flyout's cubic target motion)
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
    # sorties from an air base (movers/sortie.py); SortiePhase.NONE on every row without a base
    sortie_phase: np.ndarray  # (N,) int8 SortiePhase
    phase_since: np.ndarray   # (N,) s: when the current sortie phase began
    airborne_since: np.ndarray  # (N,) s: take-off of the current sortie (fuel left = fuel_time - (t - this)), NaN on the ground
    sorties_left: np.ndarray  # (N,) int32 take-offs still to come
    sortie_log: EventLog      # take-offs, arrivals on station, returns and landings of this step, not yet in the run's log
    # manoeuvres of route followers (movers/paths.py): a weaving or jinking cruise missile is offset
    # from the point of its route it would be at (nominal_*); for every other row nominal_* = lat, lon, heading
    nominal_lat: np.ndarray   # (N,) rad
    nominal_lon: np.ndarray   # (N,) rad
    nominal_heading: np.ndarray  # (N,) rad, course of the route leg at the nominal point
    man_mode: np.ndarray      # (N,) int8 0 on the route, 1 lateral offset, 2 evasive turn, 3 turning back to the route
    is_boosting: np.ndarray   # (N,) bool: a ballistic missile under thrust (movers/ballistic.py; its boost RCS)
    # interceptors (rows of kind INTERCEPTOR)
    icpt_target: np.ndarray   # (N,) int32 true target mover, -1
    icpt_track: np.ndarray    # (N,) int64 track id guided on, -1
    icpt_shot: np.ndarray     # (N,) int32 engagement row, -1
    icpt_ctrl: np.ndarray     # (N, FLYOUT_STATE_WIDTH) guidance-loop state: seeker pointing, target-accel estimate, lags
    icpt_lock: np.ndarray     # (N,) int8 seeker: -1 not yet flown, 0 midcourse, 1 locked on, 2 lock lost (engage/flyout.py)
    icpt_aim_pos: np.ndarray  # (N,3) ECEF m: midcourse aim point at icpt_aim_t (engage/midcourse.py)
    icpt_aim_vel: np.ndarray  # (N,3) ECEF m/s: its velocity (the aim point moves with the predicted target)
    icpt_aim_t: np.ndarray    # (N,) s: time of the last midcourse update
    # shooters
    rounds_left: np.ndarray   # (K,) int32
    next_ready: np.ndarray    # (K,) s
    next_row: np.ndarray      # (K,) int32 next interceptor mover row to fire
    # per force: first detection time of each mover (F,N), inf if never
    first_detect: np.ndarray
    killed_by: np.ndarray     # (N,) int32 interceptor that killed the mover, -1
    impact_asset: np.ndarray  # (N,) int32 asset mover hit, -1
    asset_damage: np.ndarray  # (A,) float accumulated damage (0..1)
    mag: Magazines            # launchers: rounds loaded / reserved / in reload (world/magazines.py)
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
        t=0.0, pos=pos, vel=m.vel0.copy(), pos_prev=pos.copy(), vel_prev=m.vel0.copy(), lat=lat, lon=lon, alt=alt,
        heading=np.zeros(n), behavior=m.behavior.copy(), is_active=present.copy(),
        fate=np.where(present, 1, 0).astype(np.int8), t_launch=m.t_launch.copy(), t_end=np.full(n, np.inf),
        wp_index=np.zeros(n, np.int32), orb_phase0=m.orb_phase0.copy(), goal=np.zeros((n, 3)),
        goal_speed=np.zeros(n), nominal_lat=lat.copy(), nominal_lon=lon.copy(), nominal_heading=np.zeros(n),
        man_mode=np.zeros(n, np.int8),
        is_boosting=cs.ballistic.has_boost.copy() if cs.ballistic is not None else np.zeros(n, bool),
        icpt_target=np.full(n, -1, np.int32), icpt_track=np.full(n, -1, np.int64),
        icpt_shot=np.full(n, -1, np.int32), icpt_ctrl=np.zeros((n, FLYOUT_STATE_WIDTH)),
        icpt_lock=np.full(n, -1, np.int8), icpt_aim_pos=np.zeros((n, 3)), icpt_aim_vel=np.zeros((n, 3)),
        icpt_aim_t=np.zeros(n), rounds_left=cs.shooters.rounds.copy(),
        next_ready=np.zeros(cs.shooters.n), next_row=cs.shooters.first_row.copy(),
        first_detect=np.full((len(cs.force_names), n), np.inf), killed_by=np.full(n, -1, np.int32),
        impact_asset=np.full(n, -1, np.int32), asset_damage=np.zeros(cs.asset_rows.size),
        sortie_phase=np.where(m.base_row >= 0, SortiePhase.GROUND, SortiePhase.NONE).astype(np.int8),
        phase_since=np.zeros(n), airborne_since=np.full(n, np.nan), sorties_left=m.sorties.astype(np.int32),
        sortie_log=EventLog(),
        mag=initial_magazines(cs),
    )
    return w
