"""Everything one replication carries between steps, and the small glue between stages."""

from __future__ import annotations

import numpy as np

from amdsim.c2.coordination import CoordinationChannel
from amdsim.c2.decide import wta_assigner
from amdsim.engage.book import EngagementBook
from amdsim.engage.engage import LaunchQueue
from amdsim.engine.rng import Streams
from amdsim.engine.state import Fate, World, initial_world
from amdsim.engine.tracking_stage import make_tracking
from amdsim.geo import great_circle_distance
from amdsim.kinds import BLUE, MoverKind
from amdsim.links.shared_picture import SharedPictureLink
from amdsim.movers.advance import MoverEvents
from amdsim.records.events import EventLog
from amdsim.records.recorder import Recorder
from amdsim.scenario.compile import CompiledScenario
from amdsim.sensors.sense import Detections, initial_sensor_state
from amdsim.tracking.picture import Picture


class Replication:
    """State of one replication: world, stage states, streams and records."""

    def __init__(self, cs: CompiledScenario, seed_seq: np.random.SeedSequence, tracking=None,
                 record_detections: bool = True) -> None:
        self.cs = cs
        self.streams = Streams(seed_seq)
        self.world: World = initial_world(cs)
        self.sensor_state = initial_sensor_state(cs, self.streams)
        self.tracking = tracking if tracking is not None else make_tracking(cs)
        self.link = SharedPictureLink(cs.force_side, cs.link_latency, cs.link_update, cs.link_drop)
        self.coord = CoordinationChannel(cs.force_side, cs.link_latency, cs.coordination)
        self.book = EngagementBook(len(cs.force_names))
        self.launches = LaunchQueue()
        self.log = EventLog()
        self.recorder = Recorder(cs.output_rate, record_detections=record_detections)
        self.solver = wta_assigner(cs.wta_solver)
        self.surface = None
        self.terrain = None
        self._active_before = self.world.is_active.copy()
        self._next_decision = 0.0
        self.fighter_state: dict[int, int] = {}
        self._fighter_cycle = 0
        self.last_pictures: list[Picture] = [Picture.empty(f, 0.0) for f in range(len(cs.force_names))]
        self.recorder.record_states(self.world)
        from amdsim.c2.strike import apply_strikes, plan_strikes

        apply_strikes(self, plan_strikes(cs, self.streams))

    def pictures_needed(self) -> bool:
        """Pictures feed C2, interceptor guidance, the link and the records: skip them when none of those runs."""
        w = self.world
        return (self.world.t + 1e-9 >= self._next_decision or self.recorder.due(w.t)
                or w.t + 1e-9 >= self.link.next_publish or bool(self.book.status_inflight_any()))

    def fighters_due(self) -> bool:
        """Fighter vectoring runs on every third C2 cycle (intercept geometry changes slowly)."""
        self._fighter_cycle = (self._fighter_cycle + 1) % 3
        return self.cs.shooters.is_fighter.any() and self._fighter_cycle == 1

    def c2_due(self) -> bool:
        """True once per C2 decision cycle."""
        if self.world.t + 1e-9 < self._next_decision:
            return False
        self._next_decision += self.cs.c2_interval * max(
            1.0, np.floor((self.world.t + 1e-9 - self._next_decision) / self.cs.c2_interval) + 1)
        return True

    # -- glue between stages -------------------------------------------------------------
    def log_mover_events(self, ev: MoverEvents) -> None:
        cs, w = self.cs, self.world
        m = cs.movers
        for row in ev.launched.tolist():
            if m.kind[row] in (MoverKind.CRUISE_MISSILE, MoverKind.BALLISTIC_MISSILE, MoverKind.AIRCRAFT):
                self.log.add(w.t_launch[row], "launch", actor=row, target=int(m.aim_asset[row]),
                             force=int(m.force[row]), pos=w.pos[row], detail=m.type_name[row])
        for row, pos in zip(ev.impacted.tolist(), ev.impact_pos, strict=True):
            hit = self._asset_hit(pos)
            self.world.impact_asset[row] = cs.asset_rows[hit] if hit >= 0 else -1
            self.log.add(w.t, "impact", actor=row, target=int(cs.asset_rows[hit]) if hit >= 0 else -1,
                         force=int(m.force[row]), pos=pos)
            if hit >= 0:
                w.asset_damage[hit] += 1.0
                self.log.add(w.t, "asset_damaged", actor=int(cs.asset_rows[hit]), target=row,
                             force=int(m.force[cs.asset_rows[hit]]), pos=w.pos[cs.asset_rows[hit]],
                             value=float(w.asset_damage[hit]))

    def _asset_hit(self, pos: np.ndarray) -> int:
        cs, w = self.cs, self.world
        if cs.asset_rows.size == 0:
            return -1
        a = cs.asset_rows
        d = np.linalg.norm(w.pos[a] - pos[None, :], axis=1)
        ok = d <= cs.asset_radius
        return int(np.argmin(np.where(ok, d, np.inf))) if ok.any() else -1

    def note_detections(self, det: Detections) -> None:
        if det.n == 0:
            return
        cs, w = self.cs, self.world
        forces = cs.sensors.force[det.sensor]
        real = det.target >= 0
        new = real & ~np.isfinite(w.first_detect[forces, np.where(real, det.target, 0)])
        for i in np.flatnonzero(new).tolist():
            f, tgt = int(forces[i]), int(det.target[i])
            if np.isfinite(w.first_detect[f, tgt]):
                continue  # two sensors of the same force saw it in the same scan
            w.first_detect[f, tgt] = w.t
            host = int(cs.sensors.host[det.sensor[i]])
            rng = float(np.linalg.norm(w.pos[tgt] - w.pos[host]))
            self.log.add(w.t, "detection", actor=host, target=tgt, force=f, pos=w.pos[tgt], value=rng,
                         detail=f"sensor={cs.sensors.name[det.sensor[i]]} alt_m={w.alt[tgt]:.0f}")
        self.recorder.record_detections_chunk(det, cs.sensors.host, cs.sensors.force)

    def share(self, own: list[Picture]) -> list[Picture]:
        w = self.world
        self.link.deliver(w.t)
        self.link.publish(w.t, own, self.streams.link)
        return [self.link.fused(f, own[f], w.t) if self.cs.force_side[f] == BLUE else own[f]
                for f in range(len(own))]

    def report_engagements(self, pictures: list[Picture]) -> None:
        """Tell allies which tracks each force has interceptors against (coordination)."""
        if not self.coord.enabled:
            return
        w = self.world
        self.coord.deliver(w.t)
        for f, pic in enumerate(pictures):
            if self.cs.force_side[f] != BLUE or pic.n == 0:
                continue
            status = self.book.status[f]
            engaged = np.array([(status.get(t) is not None and status[t].inflight > 0) for t in pic.track_id.tolist()],
                               bool)
            if engaged.any():
                self.coord.report(w.t, f, pic.pos[engaged], pic.vel[engaged], self.streams.link, self.cs.link_drop,
                                  sigma=pic.pos_sigma[engaged])

    def ended_this_step(self) -> np.ndarray:
        w = self.world
        ended = np.flatnonzero(self._active_before & ~w.is_active)
        self._active_before = w.is_active.copy()
        return ended

    def record(self, pictures: list[Picture], ended: np.ndarray) -> None:
        w = self.world
        if self.recorder.due(w.t):
            self.recorder.record_states(w)
            self.recorder.record_pictures(pictures, w.t, truth_pos=w.pos, truth_alive=w.is_active)
        elif ended.size:
            self.recorder.record_final(w, np.unique(ended))

    # -- end of run --------------------------------------------------------------------
    def threat_rows(self) -> np.ndarray:
        return np.flatnonzero(self.cs.movers.is_threat)

    def leaked(self) -> np.ndarray:
        """Threat rows that impacted a defended asset."""
        w = self.world
        rows = self.threat_rows()
        return rows[(w.fate[rows] == Fate.IMPACT) & (w.impact_asset[rows] >= 0)]

    def ground_distance(self, a: int, b: int) -> float:
        w = self.world
        return float(great_circle_distance(w.lat[a], w.lon[a], w.lat[b], w.lon[b]))
