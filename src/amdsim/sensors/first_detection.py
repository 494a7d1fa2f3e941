"""First detection of each threat by each force: the time in ``World.first_detect`` and an event.

The event's actor is the sensor's host, its value the range (m) and its detail the sensor and the
target's height: what the kill chain and the review need to say who saw a threat first, and where.
"""

from __future__ import annotations

import numpy as np

from amdsim.world.events import EventLog
from amdsim.world.messages import Detections
from amdsim.world.state import World
from amdsim.world.tables import CompiledScenario


def note_first_detections(w: World, cs: CompiledScenario, det: Detections, log: EventLog) -> None:
    """Record the threats this step's detections show to a force for the first time."""
    if det.n == 0:
        return
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
        log.add(w.t, "detection", actor=host, target=tgt, force=f, pos=w.pos[tgt], value=rng,
                detail=f"sensor={cs.sensors.name[det.sensor[i]]} alt_m={w.alt[tgt]:.0f}")
