"""Which of a force's fire-control radars updated which track, and when.

A fire-control radar is a sensor carried by a shooter's host (a battery's organic radar, a ship's
radars, a fighter's radar). The tracking stage notes, per scan, the tracks each such radar updated;
the table rides in the force's :class:`~amdsim.world.picture.Picture` as ``sightings``, so C2 can
tell a track its own battery holds from one only an ally or another sensor holds (launch- and
engage-on-remote), and midcourse guidance can tell when the battery's radar has an update.
"""

from __future__ import annotations

import numpy as np
from numba import njit

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
        cur = self.tables[force]
        changed, track_id, sensors, times = _noted(cur.track_id, cur.sensor, cur.time,
                                                   np.ascontiguousarray(track_ids, np.int64), int(sensor), float(t),
                                                   SIGHTING_HORIZON_S)
        if changed:
            self.tables[force] = Sightings(track_id, sensors, times)

    def of(self, force: int) -> Sightings:
        return self.tables[force]


@njit(cache=True)
def _noted(cur_id, cur_sensor, cur_time, track_ids, sensor, t, horizon):
    """The table after ``sensor`` updated ``track_ids`` at ``t``: rows older than ``horizon`` s and the
    sensor's earlier rows for those tracks dropped, one row per distinct id >= 0 appended (ascending).
    Returns (changed, track_id, sensor, time); unchanged: nothing dropped and nothing to add."""
    ids = np.unique(track_ids)
    ids = ids[ids >= 0]
    cutoff = t - horizon
    keep = np.empty(cur_id.size, np.bool_)
    n_keep = 0
    for i in range(cur_id.size):
        k = cur_time[i] >= cutoff
        if k and cur_sensor[i] == sensor and ids.size:
            j = np.searchsorted(ids, cur_id[i])
            if j < ids.size and ids[j] == cur_id[i]:
                k = False
        keep[i] = k
        n_keep += k
    if ids.size == 0 and n_keep == cur_id.size:
        return False, np.empty(0, np.int64), np.empty(0, np.int32), np.empty(0)
    n = n_keep + ids.size
    out_id = np.empty(n, np.int64)
    out_sensor = np.empty(n, np.int32)
    out_time = np.empty(n)
    q = 0
    for i in range(cur_id.size):
        if keep[i]:
            out_id[q], out_sensor[q], out_time[q] = cur_id[i], cur_sensor[i], cur_time[i]
            q += 1
    for i in range(ids.size):
        out_id[q], out_sensor[q], out_time[q] = ids[i], sensor, t
        q += 1
    return True, out_id, out_sensor, out_time
