"""summary.json of one replication: fate of every threat, damage to every asset, the key counts."""

from __future__ import annotations

import numpy as np

from amdsim import __version__
from amdsim.engine.state import Fate
from amdsim.kinds import KIND_NAMES


def _f(x: float) -> float | None:
    return None if not np.isfinite(x) else round(float(x), 6)


def double_engagements(book) -> int:
    """Threats that two or more forces had interceptors in the air against at the same time."""
    n = 0
    by_target: dict[int, list[tuple[int, float, float]]] = {}
    for k in range(book.n_shots):
        if not np.isfinite(book.launch_time[k]) or book.outcome[k] in ("not_launched", "cancelled"):
            continue
        end = book.end_time[k] if np.isfinite(book.end_time[k]) else np.inf
        by_target.setdefault(book.target[k], []).append((book.force[k], book.launch_time[k], end))
    for shots in by_target.values():
        found = False
        for i, (fi, si, ei) in enumerate(shots):
            for fj, sj, ej in shots[i + 1:]:
                if fi != fj and si < ej and sj < ei:
                    found = True
        n += found
    return n


def build_summary(r, replication: int, root_seed: int, complete: bool = True, error: str | None = None) -> dict:
    cs, w, book = r.cs, r.world, r.book
    m = cs.movers
    threats = []
    rows = r.threat_rows()
    shots_by_target: dict[int, list[int]] = {}
    for k in range(book.n_shots):
        shots_by_target.setdefault(book.target[k], []).append(k)
    blue = [f for f in range(len(cs.force_names)) if cs.force_side[f] == 0]
    detect_to_shot = []
    for row in rows.tolist():
        fate = int(w.fate[row])
        killer = int(w.killed_by[row])
        shots = shots_by_target.get(row, [])
        first_det = {cs.force_names[f]: _f(w.first_detect[f, row]) for f in blue if np.isfinite(w.first_detect[f, row])}
        t_det = min((w.first_detect[f, row] for f in blue), default=np.inf)
        t_shot = min((book.launch_time[k] for k in shots if book.interceptor[k] >= 0), default=np.inf)
        if np.isfinite(t_det) and np.isfinite(t_shot):
            detect_to_shot.append(t_shot - t_det)
        killer_shot = int(w.icpt_shot[killer]) if killer >= 0 else -1
        impact = int(w.impact_asset[row])
        threats.append({
            "mover_id": row, "name": m.name[row], "kind": KIND_NAMES[int(m.kind[row])], "type": m.type_name[row],
            "launch_time_s": _f(w.t_launch[row]) if fate != Fate.PENDING else None,
            "fate": "leaked" if fate == Fate.IMPACT and impact >= 0 else Fate.NAMES[fate],
            "end_time_s": _f(w.t_end[row]),
            "killed_by": m.name[killer] if killer >= 0 else None,
            "killed_by_shooter": cs.shooters.name[book.shooter[killer_shot]] if killer_shot >= 0 else None,
            "killed_by_force": cs.force_names[book.force[killer_shot]] if killer_shot >= 0 else None,
            "impact_asset": m.name[impact] if impact >= 0 else None,
            "aimed_at": m.name[int(m.aim_asset[row])] if m.aim_asset[row] >= 0 else None,
            "first_detection_s": first_det,
            "shots": sum(1 for k in shots if book.interceptor[k] >= 0),
        })
    assets = []
    leak_per_asset = {}
    for a, row in enumerate(cs.asset_rows.tolist()):
        hits = int(np.sum(w.impact_asset[rows] == row))
        leak_per_asset[m.name[row]] = hits
        assets.append({"name": m.name[row], "force": cs.force_names[int(m.force[row])], "hits": hits,
                       "damaged": bool(w.asset_damage[a] > 0), "value": float(cs.asset_value[a])})
    fates = [t["fate"] for t in threats]
    launched = sum(1 for t in threats if t["launch_time_s"] is not None)
    fired = sum(1 for k in range(book.n_shots) if book.interceptor[k] >= 0)
    kills = fates.count("killed")
    by_shooter: dict[str, int] = {}
    for k in range(book.n_shots):
        if book.interceptor[k] >= 0:
            name = cs.shooters.name[book.shooter[k]]
            by_shooter[name] = by_shooter.get(name, 0) + 1
    leakers = sum(leak_per_asset.values())
    return {
        "run": {
            "scenario": cs.name, "scenario_sha256": cs.scenario_hash, "seed": int(root_seed),
            "replication": int(replication), "amdsim_version": __version__, "start_utc": cs.start_utc,
            "duration_s": cs.duration, "step_s": cs.dt, "simulated_to_s": _f(w.t), "complete": bool(complete),
            "error": error,
        },
        "counts": {
            "threats": len(threats), "launched": launched, "killed": kills, "leaked": fates.count("leaked"),
            "impact_ground": fates.count("impact"), "in_flight_at_end": fates.count("in_flight"),
            "not_launched": fates.count("not_launched"), "neutralized": fates.count("neutralized"),
        },
        "leakers": leakers,
        "zero_leakers": leakers == 0,
        "leakers_per_asset": leak_per_asset,
        "interceptors_expended": fired,
        "interceptors_by_shooter": dict(sorted(by_shooter.items())),
        "interceptors_per_kill": _f(fired / kills) if kills else None,
        "double_engagements": double_engagements(book),
        "mean_detect_to_first_shot_s": _f(float(np.mean(detect_to_shot))) if detect_to_shot else None,
        "tracking": tracking_quality(r, blue),
        "ballistic_estimates": ballistic_estimates(r),
        "threats": threats,
        "assets": assets,
    }


def tracking_quality(r, blue: list[int]) -> dict:
    """Per blue force, how good its picture was against the truth (scoring only; C2 never sees this):
    confirmed tracks, false tracks, track breaks (tracking/metrics.py), threats ever held, the median and
    95th percentile position error of confirmed tracks following a threat, and the mean number of
    confirmed tracks per threat held (over 1: duplicates). From the pictures recorded at the output rate."""
    from amdsim.records.recorder import concat_chunks
    from amdsim.tracking.metrics import false_tracks, track_breaks

    c = concat_chunks(r.recorder.tracks)
    out = {}
    for f in blue:
        name = r.cs.force_names[f]
        if c is None:
            out[name] = {"confirmed_tracks": 0}
            continue
        sel = (c["force_index"] == f) & c["confirmed"] & (c["source_force"] == f)
        tid, truth, t = c["track_id"][sel], c["truth_id"][sel], c["time_s"][sel]
        err = c["error_m"][sel] if "error_m" in c else np.full(tid.size, np.nan)
        held = truth >= 0
        per_scan = np.unique(np.stack([t[held], truth[held]], 1), axis=0, return_counts=True)[1] if held.any() else []
        out[name] = {
            "confirmed_tracks": int(np.unique(tid).size),
            "false_tracks": false_tracks(truth, tid),
            "track_breaks": track_breaks(truth, tid, t),
            "threats_held": int(np.unique(truth[held]).size),
            "median_error_m": _f(float(np.nanmedian(err[held]))) if held.any() else None,
            "p95_error_m": _f(float(np.nanpercentile(err[held], 95))) if held.any() else None,
            "tracks_per_threat": _f(float(np.mean(per_scan))) if held.any() else None,
        }
    return out


def ballistic_estimates(r) -> list[dict]:
    """The trackers' launch and impact point estimates of ballistic tracks (engine/tracking_stage.py),
    in degrees and metres, scored against the truth: the launch error is the distance to the threat's
    launch site (the estimate is the gravity-only arc's ground point, so the boost phase is part of the
    error), the impact error the distance to where the true state at estimate time falls under gravity
    alone (the model's own truth: drag is not part of it)."""
    from amdsim.geo import ecef2geodetic
    from amdsim.tracking.ballistic import ballistic_ground_cross

    rows = getattr(r.tracking, "ballistic_estimates", None) or []
    cs, w = r.cs, r.world
    out = []
    for e in rows:
        truth = e["truth_id"]
        site = int(cs.movers.parent[truth]) if truth >= 0 else -1
        true_impact = None
        if e["truth_state"] is not None:
            p, _, found = ballistic_ground_cross(e["truth_state"][None, :3], e["truth_state"][None, 3:], step_s=2.0,
                                                 max_time_s=1500.0)
            true_impact = p[0] if found[0] else None
        item = {"time_s": _f(e["time_s"]), "force": cs.force_names[e["force"]], "track_id": e["track_id"],
                "truth_id": truth, "truth": cs.movers.name[truth] if truth >= 0 else None}
        for key, ref in (("launch", w.pos[site] if site >= 0 else None), ("impact", true_impact)):
            g = e[key]
            if not g["found"]:
                item[key] = None
                continue
            lat, lon, _ = ecef2geodetic(g["pos_ecef"])
            item[key] = {"lat_deg": _f(float(np.degrees(lat))), "lon_deg": _f(float(np.degrees(lon))),
                         "time_from_estimate_s": _f(g["time_s"]),
                         "ellipse95_semi_major_m": _f(float(g["semi_axes_m"][0])),
                         "ellipse95_semi_minor_m": _f(float(g["semi_axes_m"][1])),
                         "ellipse95_azimuth_deg": _f(float(np.degrees(g["azimuth_rad"]))),
                         "error_m": _f(float(np.linalg.norm(g["pos_ecef"] - ref))) if ref is not None else None}
        out.append(item)
    return out
