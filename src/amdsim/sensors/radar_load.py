"""A multifunction radar's time budget per frame: missile uplinks, track updates, search.

Each second of radar time is shared out in priority order (the resource-management picture of Skolnik,
Introduction to Radar Systems, 3rd ed., 2001, ch. 9, electronically steered phased arrays: one
aperture time-shared among search, track and missile guidance; the numbers notional):

    f_uplink = min(n_m tau_u r_u, 1 - f_min)                          interceptors in flight, guided
    n_held   = min(n_t, floor((1 - f_min - f_uplink) / (tau_t r_t)))   tracks kept of the n_t wanted
    f_track  = n_held tau_t r_t
    f_search = 1 - f_uplink - f_track     (>= f_min)
    revisit  = revisit_s / f_search                                   search slows as the load grows

with n_m the interceptors in flight from shooters on the radar's host, n_t the targets the scan
detected. A radar over its capacity keeps the n_held nearest targets (the most urgent) and drops the
others' detections for this scan: their tracks coast and may die, a measured *saturation*
(``ContestedState.saturation_drops``). Every scan's budget is recorded (``ContestedState.radar_load``:
time, sensor, f_search, f_track, f_uplink, revisit, tracks wanted, tracks held).
"""

from __future__ import annotations

import numpy as np

from amdsim.core.kinds import MoverKind
from amdsim.world.identity import ContestedState, RadarLoadTable
from amdsim.world.messages import Detections

INTERCEPTOR = int(MoverKind.INTERCEPTOR)


def frame_budget(n_tracks: np.ndarray, n_missiles: np.ndarray, track_load: np.ndarray, uplink_load: np.ndarray,
                 min_search: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(f_search, f_track, f_uplink, n_held) per radar (module docstring); all (R,) arrays."""
    f_up = np.minimum(n_missiles * uplink_load, 1.0 - min_search)
    n_held = np.minimum(np.floor((1.0 - min_search - f_up) / track_load + 1e-9).astype(np.int64), n_tracks)
    f_tr = n_held * track_load
    return 1.0 - f_up - f_tr, f_tr, f_up, n_held


def budget_radars(st: ContestedState | None, cs, w, sensor_state, det: Detections) -> Detections:
    """Apply the budgets of the multifunction radars that scanned this step: their next search revisit,
    and the detections a saturated radar drops. Returns the detections the trackers get."""
    tab: RadarLoadTable | None = cs.extras.get("radar_load")
    if st is None or tab is None or det.scanned.size == 0:
        return det
    scanning = np.flatnonzero(np.isin(tab.sensor, det.scanned))
    if scanning.size == 0:
        return det
    sens = tab.sensor[scanning]
    host = cs.sensors.host[sens]
    flying = np.flatnonzero(w.is_active & (cs.movers.kind == INTERCEPTOR))
    n_m = (cs.movers.parent[flying][None, :] == host[:, None]).sum(axis=1)
    real = det.target >= 0
    mine = (det.sensor[None, :] == sens[:, None]) & real[None, :]                    # (R',D)
    n_t = np.array([np.unique(det.target[row]).size for row in mine])
    f_s, f_t, f_u, held = frame_budget(n_t, n_m, tab.track_load[scanning], tab.uplink_load[scanning],
                                       tab.min_search[scanning])
    revisit = cs.sensors.revisit[sens] / f_s
    sensor_state.next_scan[sens] = w.t + revisit
    keep = np.ones(det.n, bool)
    for i in np.flatnonzero(held < n_t).tolist():
        idx = np.flatnonzero(mine[i])
        targets, first = np.unique(det.target[idx], return_index=True)
        nearest = targets[np.argsort(det.range[idx][first], kind="stable")]
        dropped = nearest[int(held[i]):]
        drop = idx[np.isin(det.target[idx], dropped)]
        keep[drop] = False
        for m in dropped.tolist():
            st.saturation_drops[m] = st.saturation_drops.get(m, 0) + 1
    for i, s in enumerate(sens.tolist()):
        st.radar_load.append((w.t, s, float(f_s[i]), float(f_t[i]), float(f_u[i]), float(revisit[i]), int(n_t[i]),
                              int(held[i])))
    if keep.all():
        return det
    return Detections(det.time, det.sensor[keep], det.target[keep], det.range[keep], det.az[keep], det.el[keep],
                      det.snr_db[keep], det.pos[keep], det.cov[keep], det.scanned)
