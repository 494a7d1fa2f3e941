"""The state one replication carries between steps: the world, each stage's own state, the streams
and the records. It holds state only; every piece of domain logic is a stage function that
``engine/step.py`` calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from amdsim.c2.approval import Operators
from amdsim.c2.coordination import CoordinationChannel
from amdsim.c2.strike import plan_strikes
from amdsim.c2.wta import Assigner, wta_assigner
from amdsim.core.rng import Streams
from amdsim.core.terrain import load_dem
from amdsim.engage.launch import LaunchQueue
from amdsim.engine.schedule import Schedule
from amdsim.links.shared_picture import SharedPictureLink
from amdsim.records.recorder import Recorder
from amdsim.sensors.launch_warning import LaunchWarningState
from amdsim.sensors.sense import SensorState, initial_sensor_state
from amdsim.sensors.terrain import terrain_masked
from amdsim.tracking.stage import TrackingStage, make_tracking
from amdsim.world.considerations import Considerations
from amdsim.world.engagements import EngagementBook
from amdsim.world.events import EventLog
from amdsim.world.identity import ContestedState, initial_contested
from amdsim.world.picture import Picture
from amdsim.world.state import World, initial_world
from amdsim.world.tables import CompiledScenario


@dataclass
class Terrain:
    """The scenario's terrain as the stages use it: ``surface(lat, lon)`` heights (m) for the movers and
    ``mask(sensor_pos, target_pos, pairs)`` line-of-sight masking for the sensors; both None without a DEM."""

    surface: Callable | None = None
    mask: Callable | None = None

    @classmethod
    def of(cls, cs: CompiledScenario) -> Terrain:
        if not cs.dem_path:
            return cls()
        dem = load_dem(cs.dem_path)
        return cls(surface=dem.height,
                   mask=lambda spos, tpos, pairs: terrain_masked(dem, spos, tpos, cs.k_factor, pairs=pairs))


@dataclass
class Replication:
    """State of one replication: world, stage states, streams and records."""

    cs: CompiledScenario
    streams: Streams
    world: World
    sensor_state: SensorState
    tracking: TrackingStage
    link: SharedPictureLink
    coord: CoordinationChannel
    book: EngagementBook
    launches: LaunchQueue
    log: EventLog
    recorder: Recorder
    solver: Assigner
    terrain: Terrain
    schedule: Schedule
    strikes: np.ndarray                     # (L,) time each launch site will be struck (s), inf: never/done
    pictures: list[Picture]                 # each force's latest fused picture
    fighter_state: dict[int, int] = field(default_factory=dict)
    launch_warning: LaunchWarningState = field(default_factory=LaunchWarningState)  # reports on their way (sensors/launch_warning.py)
    considered: Considerations | None = None  # C2's reason codes per (shooter, threat): the kill chain's evidence
    contested: ContestedState | None = None   # IFF, outages and identities (issue 20); None: nothing contested
    operators: Operators | None = None        # operators in the loop (c2/approval.py); None: C2 alone


def new_replication(cs: CompiledScenario, seed_seq: np.random.SeedSequence, tracking: TrackingStage | None = None,
                    record_detections: bool = True) -> Replication:
    """Replication state at t = 0: platforms present, threats waiting, the initial states recorded."""
    streams = Streams(seed_seq)
    world = initial_world(cs)
    sensor_state = initial_sensor_state(cs, streams)
    recorder = Recorder(cs.output_rate, record_detections=record_detections, active=world.is_active)
    recorder.record_states(world)
    recorder.record_magazines(world, full=True)
    n_forces = len(cs.force_names)
    return Replication(
        cs=cs, streams=streams, world=world, sensor_state=sensor_state,
        tracking=tracking if tracking is not None else make_tracking(cs),
        link=SharedPictureLink.from_table(cs.force_side, cs.links),
        coord=CoordinationChannel(cs.force_side, cs.links.latency, cs.coordination, drop=cs.links.drop,
                                  engagers=np.isin(np.arange(n_forces), cs.shooters.force)),
        book=EngagementBook(n_forces), launches=LaunchQueue(), log=EventLog(), recorder=recorder,
        solver=wta_assigner(cs.wta_solver), terrain=Terrain.of(cs), schedule=Schedule(cs.c2_interval),
        strikes=plan_strikes(cs, streams), pictures=[Picture.empty(f, 0.0) for f in range(n_forces)],
        considered=Considerations.empty(cs.shooters.n, cs.movers.n),
        contested=initial_contested(cs, streams.iff, streams.outage))
