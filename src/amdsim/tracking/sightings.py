"""Which of a force's fire-control radars updated which track, and when.

A fire-control radar is a sensor carried by a shooter's host (a battery's organic radar, a ship's
radars, a fighter's radar). The tracking stage notes, per scan, the tracks each such radar updated;
the table rides in the force's :class:`~amdsim.world.picture.Picture` as ``sightings``, so C2 can
tell a track its own battery holds from one only an ally or another sensor holds (launch- and
engage-on-remote), and midcourse guidance can tell when the battery's radar has an update.
"""

from __future__ import annotations

import numpy as np

from amdsim.world.picture import Sightings
from amdsim.world.tables import CompiledScenario

#: Sightings older than this (s) are dropped: far beyond any track age C2 accepts.
SIGHTING_HORIZON_S = 120.0


def fire_control_sensors(cs: CompiledScenario) -> np.ndarray:
    """(S,) bool: the sensor is carried by the host of some shooter."""
    return np.isin(cs.sensors.host, cs.shooters.host)


class SightingLog:
    """Per force, the latest (track, fire-control sensor) update times (sparse, numpy)."""

    def __init__(self, cs: CompiledScenario) -> None:
        self.is_fc = fire_control_sensors(cs)
        self.tables = [Sightings.empty() for _ in cs.force_names]

    def note(self, force: int, sensor: int, track_ids: np.ndarray, t: float) -> None:
        """Sensor ``sensor`` of ``force`` updated ``track_ids`` at ``t`` (ids < 0 ignored)."""
        if not self.is_fc[sensor]:
            return
        ids = np.unique(np.asarray(track_ids, np.int64))
        ids = ids[ids >= 0]
        cur = self.tables[force]
        keep = (cur.time >= t - SIGHTING_HORIZON_S) & ~((cur.sensor == sensor) & np.isin(cur.track_id, ids))
        if ids.size == 0 and keep.all():
            return
        self.tables[force] = Sightings(np.concatenate([cur.track_id[keep], ids]),
                                       np.concatenate([cur.sensor[keep], np.full(ids.size, sensor, np.int32)]),
                                       np.concatenate([cur.time[keep], np.full(ids.size, float(t))]))

    def of(self, force: int) -> Sightings:
        return self.tables[force]
