"""One major time step: every stage in a fixed order, each over all entities at once.

    strikes -> movers -> impacts -> sensors -> IFF -> tracking -> links (outages) -> c2 (identity) -> engage
    -> fratricide -> coordination -> records

Each stage reads only what earlier stages wrote, so the order of entities never changes a result.
"""

from __future__ import annotations

from amdsim.c2.coordination import report_engagements
from amdsim.c2.decide import decide
from amdsim.c2.fighters import vector_fighters
from amdsim.c2.identify import identify
from amdsim.c2.strike import apply_strikes
from amdsim.engage.assess import assess_kills
from amdsim.engage.impact import assess_impacts
from amdsim.engage.intercept import fly_interceptors
from amdsim.engage.launch import launch_due, place_orders
from amdsim.engine.operators import operate, propose
from amdsim.engine.replication import Replication
from amdsim.links.degrade import degrade_c2
from amdsim.links.shared_picture import share_pictures
from amdsim.movers.advance import advance_movers, log_launches
from amdsim.records.fratricide import note_fratricide
from amdsim.sensors.first_detection import note_first_detections
from amdsim.sensors.iff import interrogate
from amdsim.sensors.jamming import locate_jammers
from amdsim.sensors.launch_warning import warn_launches
from amdsim.sensors.radar_load import budget_radars
from amdsim.sensors.sense import sense


def step(r: Replication) -> None:
    """Advance replication ``r`` by one major step ``r.cs.dt``."""
    cs, w, dt, log = r.cs, r.world, r.cs.dt, r.log
    operate(r)                                                                    # operators: decisions, control
    apply_strikes(w, cs, r.strikes, log, until=w.t + dt)                          # c2: left of launch
    moved = advance_movers(w, cs, dt, surface=r.terrain.surface)                  # movers
    w.t += dt
    log_launches(w, cs, moved, log)
    assess_impacts(w, cs, moved, log)                                             # threats that hit
    detections = sense(w, cs, r.sensor_state, r.streams, dt, terrain=r.terrain.mask)  # sensors
    detections = budget_radars(r.contested, cs, w, r.sensor_state, detections)   # multifunction radars' time
    note_first_detections(w, cs, detections, log)
    interrogate(r.contested, cs, detections, r.streams.iff)                       # IFF replies
    detections = locate_jammers(r.contested, w, cs, detections, r.streams.strobe)  # strobes crossed into fixes
    r.sensor_state.cue = warn_launches(w, cs, r.launch_warning, r.sensor_state.cue, moved, detections, r.streams,
                                       log)                                       # launch warning: reports, cues
    r.tracking.ingest(w, detections)                                              # tracking
    degrade_c2(r.contested, r.link, w.t, log)                                     # links lost / restored
    if r.schedule.pictures_due(w.t, r.recorder, r.link, r.book):                  # links
        r.pictures = share_pictures(r.link, cs.force_side, w.t, r.tracking.pictures(w), r.streams.link)
    if r.schedule.c2_due(w.t):
        cycle = r.schedule.begin_c2_cycle(w.t)
        identify(r.contested, w, cs, r.pictures)                                  # c2: identity, ROE
        orders = propose(r, decide(w, cs, r.pictures, r.book, r.coord, r.solver, r.considered))  # c2 (manual: proposals)
        if cs.shooters.is_fighter.any() and r.schedule.fighters_due(cycle):
            vector_fighters(w, cs, r.pictures, r.book, r.fighter_state)
        place_orders(w, cs, orders, r.book, r.launches, log, r.coord, r.pictures, r.streams)  # engage
    launch_due(w, cs, r.book, r.launches, log, r.coord, r.pictures)
    fly_interceptors(w, cs, r.pictures, r.book, r.streams, log, dt)
    assess_kills(w, cs, r.book, r.streams)
    note_fratricide(r.contested, w, cs, r.book, log)                              # friendly / neutral killed
    report_engagements(r.coord, cs.force_side, w.t, r.pictures, r.book, r.streams.link, cs.link_drop)
    r.recorder.record_step(w, r.pictures, detections, cs.sensors.host, cs.sensors.force, moved.impacted)  # records
