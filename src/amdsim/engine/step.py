"""One major time step: the stages in a fixed order, each over all entities at once.

    movers -> sensors -> tracking -> links -> c2 -> engage -> records

Each stage reads only what earlier stages wrote, so the order of entities never changes a result.
"""

from __future__ import annotations

import numpy as np

from amdsim.c2.decide import decide
from amdsim.c2.fighters import vector_fighters
from amdsim.engage.engage import assess_kills, fly_interceptors, launch_due, place_orders
from amdsim.engine.context import Replication
from amdsim.movers.advance import advance_movers
from amdsim.sensors.sense import sense


def step(r: Replication) -> None:
    """Advance replication ``r`` by one major step ``r.cs.dt``."""
    cs, w, dt = r.cs, r.world, r.cs.dt
    moved = advance_movers(w, cs, dt, surface=r.surface)                        # movers
    w.t += dt
    r.log_mover_events(moved)
    detections = sense(w, cs, r.sensor_state, r.streams, dt, terrain=r.terrain)  # sensors
    r.note_detections(detections)
    r.tracking.ingest(w, detections)                                            # tracking
    if r.pictures_needed():
        r.last_pictures = r.share(r.tracking.pictures(w))                       # links
    pictures = r.last_pictures
    if r.c2_due():
        orders = decide(w, cs, pictures, r.book, r.coord, r.solver)             # c2
        if r.fighters_due():
            vector_fighters(w, cs, pictures, r.book, r.fighter_state)
        place_orders(w, cs, orders, r.book, r.launches, r.log, r.coord, pictures, r.streams)  # engage
    launch_due(w, cs, r.book, r.launches, r.log, r.coord, pictures)
    fly_interceptors(w, cs, pictures, r.book, r.streams, r.log, dt)
    assess_kills(w, cs, r.book, r.streams)
    r.report_engagements(pictures)
    r.record(pictures, ended=np.concatenate([moved.impacted, r.ended_this_step()]))  # records
