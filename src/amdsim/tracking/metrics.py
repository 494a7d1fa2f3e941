"""Track-continuity counts against truth: track breaks and false tracks (OSPA/GOSPA are in ospa.py)."""
from __future__ import annotations

import numpy as np

from amdsim.core.geodesy import ecef2geodetic
from amdsim.core.units import json_number
from amdsim.tracking.ballistic import ballistic_ground_cross


def track_breaks(truth_id: np.ndarray, track_id: np.ndarray, time_s: np.ndarray) -> int:
    """Number of times a truth object's associated track id changes (Blackman & Popoli 1999, 13.6).

    Rows (K,) pair a confirmed track with the truth it follows (truth_id -1 rows are ignored). For each
    truth, rows in time order; every change of track_id between consecutive rows counts one break.
    """
    ok = truth_id >= 0
    t, k, s = np.asarray(truth_id)[ok], np.asarray(track_id)[ok], np.asarray(time_s)[ok]
    o = np.lexsort((k, s, t))                      # stable: by truth, then time, then track id
    t, k = t[o], k[o]
    same = t[1:] == t[:-1]
    return int(np.count_nonzero(same & (k[1:] != k[:-1])))


def false_tracks(truth_id: np.ndarray, track_id: np.ndarray) -> int:
    """Number of distinct confirmed track ids never associated with any truth (truth_id -1 on every row)."""
    ids = np.unique(track_id)
    true_ids = np.unique(np.asarray(track_id)[np.asarray(truth_id) >= 0])
    return int(np.setdiff1d(ids, true_ids).size)


def picture_quality(c: dict[str, np.ndarray] | None, f: int) -> dict:
    """How good force ``f``'s own picture was against the truth, from recorded picture columns ``c``:
    confirmed tracks, false tracks, track breaks, threats ever held, the median and 95th-percentile
    position error of confirmed tracks following a threat, and the mean number of confirmed tracks
    per threat held (over 1: duplicates)."""
    if c is None:
        return {"confirmed_tracks": 0}
    sel = (c["force_index"] == f) & c["confirmed"] & (c["source_force"] == f)
    tid, truth, t = c["track_id"][sel], c["truth_id"][sel], c["time_s"][sel]
    err = c["error_m"][sel] if "error_m" in c else np.full(tid.size, np.nan)
    held = truth >= 0
    per_scan: np.ndarray | list[int] = np.unique(np.stack([t[held], truth[held]], 1), axis=0, return_counts=True)[1] if held.any() else []
    return {
        "confirmed_tracks": int(np.unique(tid).size),
        "false_tracks": false_tracks(truth, tid),
        "track_breaks": track_breaks(truth, tid, t),
        "threats_held": int(np.unique(truth[held]).size),
        "median_error_m": json_number(float(np.nanmedian(err[held]))) if held.any() else None,
        "p95_error_m": json_number(float(np.nanpercentile(err[held], 95))) if held.any() else None,
        "tracks_per_threat": json_number(float(np.mean(per_scan))) if held.any() else None,
    }


def score_ballistic_estimates(rows: list[dict], names: list[str], parent: np.ndarray, force_names: list[str],
                              truth_pos: np.ndarray) -> list[dict]:
    """Launch and impact point estimates in degrees and metres, scored against the truth: the launch
    error is the distance to the threat's launch site (``truth_pos[parent]``; the estimate is the
    gravity-only arc's ground point, so the boost phase is part of the error), the impact error the
    distance to where the true state at estimate time falls under gravity alone (the model's own
    truth: drag is not part of it)."""
    out = []
    for e in rows:
        truth = e["truth_id"]
        site = int(parent[truth]) if truth >= 0 else -1
        true_impact = None
        if e["truth_state"] is not None:
            p, _, found = ballistic_ground_cross(e["truth_state"][None, :3], e["truth_state"][None, 3:], step_s=2.0,
                                                 max_time_s=1500.0)
            true_impact = p[0] if found[0] else None
        item = {"time_s": json_number(e["time_s"]), "force": force_names[e["force"]], "track_id": e["track_id"],
                "truth_id": truth, "truth": names[truth] if truth >= 0 else None}
        for key, ref in (("launch", truth_pos[site] if site >= 0 else None), ("impact", true_impact)):
            g = e[key]
            if not g["found"]:
                item[key] = None
                continue
            lat, lon, _ = ecef2geodetic(g["pos_ecef"])
            item[key] = {"lat_deg": json_number(float(np.degrees(lat))),
                         "lon_deg": json_number(float(np.degrees(lon))),
                         "time_from_estimate_s": json_number(g["time_s"]),
                         "ellipse95_semi_major_m": json_number(float(g["semi_axes_m"][0])),
                         "ellipse95_semi_minor_m": json_number(float(g["semi_axes_m"][1])),
                         "ellipse95_azimuth_deg": json_number(float(np.degrees(g["azimuth_rad"]))),
                         "error_m": json_number(float(np.linalg.norm(g["pos_ecef"] - ref))) if ref is not None else None}
        out.append(item)
    return out
