"""The compiled fire-control sighting log (``SightingLog.note``) keeps, row for row and in order, the
table of the numpy implementation it replaced (kept here as the reference): 2,000 scans of random
sensors, forces and track ids (repeats, false ids < 0, empty scans, rows aging past the horizon)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from amdsim.tracking.sightings import SIGHTING_HORIZON_S, SightingLog
from amdsim.world.picture import Sightings


class NumpySightingLog(SightingLog):
    """The numpy ``note`` the kernel replaced (commit ee6957e), verbatim."""

    def note(self, force, sensor, track_ids, t):
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


def test_compiled_note_matches_the_numpy_reference():
    cs = SimpleNamespace(sensors=SimpleNamespace(host=np.arange(5)), shooters=SimpleNamespace(host=np.array([1, 2, 4])),
                         force_names=["a", "b"])
    new, ref = SightingLog(cs), NumpySightingLog(cs)
    rng = np.random.default_rng(3)
    for step in range(2000):
        for sensor in rng.permutation(5)[:3].tolist():
            force = int(rng.integers(0, 2))
            ids = rng.integers(-2, 40, rng.integers(0, 8))
            new.note(force, sensor, ids, float(step))
            ref.note(force, sensor, ids, float(step))
    for force in range(2):
        a, b = new.of(force), ref.of(force)
        assert a.track_id.size > 50
        for name in ("track_id", "sensor", "time"):
            x, y = getattr(a, name), getattr(b, name)
            assert x.dtype == y.dtype and np.array_equal(x, y), name
