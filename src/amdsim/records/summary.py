"""summary.json of one replication: fate of every threat, damage to every asset, the key counts."""

from __future__ import annotations

import numpy as np

from amdsim import __version__
from amdsim.core.kinds import KIND_NAMES
from amdsim.core.units import json_number
from amdsim.records.fratricide import contested_summary
from amdsim.records.leak import leak_causes
from amdsim.records.recorder import concat_chunks
from amdsim.tracking.metrics import picture_quality, score_ballistic_estimates
from amdsim.tracking.siap import raw_measurement_sigma, siap_measures
from amdsim.world.state import Fate

_f = json_number


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
    rows = np.flatnonzero(m.is_threat)
    shots_by_target: dict[int, list[int]] = {}
    for k in range(book.n_shots):
        shots_by_target.setdefault(book.target[k], []).append(k)
    blue = [f for f in range(len(cs.force_names)) if cs.force_side[f] == 0]
    detect_to_shot = []
    causes = leak_causes(r)          # leakers only: records/leak.py's decision list
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
            "leak_cause": causes[row][0] if row in causes else None,
            "leak_evidence": causes[row][1] if row in causes else None,
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
        "magazines": magazines_summary(cs, w),
        "mean_detect_to_first_shot_s": _f(float(np.mean(detect_to_shot))) if detect_to_shot else None,
        "tracking": tracking_quality(r, blue),
        "siap": siap_summary(r, blue),
        "ballistic_estimates": ballistic_estimates(r),
        "threats": threats,
        "assets": assets,
        **contested_summary(r),       # fratricide, identification, outages (issue 20; absent when uncontested)
    }


def magazines_summary(cs, w) -> dict:
    """Per shooter (by name): its magazine (world/magazines.py) at the end of the run.

    ``magazine_size``: rounds on its launchers at the start; ``reloads``: spare rounds at the start;
    ``fired``: rounds launched; ``left``: rounds not fired (ready + booked + in reload + spare);
    ``ready``: rounds C2 could order now; ``reloads_used``: spare rounds put on launchers;
    ``rearmed``: rounds added on landing (fighters); ``reserve``: rounds the doctrine keeps for
    ballistic threats (a C2 rule, not a magazine property).
    """
    mag, sh = w.mag, cs.shooters
    k = sh.n
    cap = np.bincount(mag.shooter, weights=mag.capacity, minlength=k).astype(int)
    loaded = np.bincount(mag.shooter, weights=mag.loaded, minlength=k).astype(int)
    reserved = np.bincount(mag.shooter, weights=mag.reserved, minlength=k).astype(int)
    in_reload = np.bincount(mag.shooter, weights=mag.in_reload, minlength=k).astype(int)
    out = {}
    for s in range(k):
        f = int(sh.force[s])
        out[sh.name[s]] = {
            "force": cs.force_names[f], "nation": cs.force_nation[f], "interceptor_type": cs.itypes.name[int(sh.itype[s])],
            "launchers": int(mag.count[s]), "magazine_size": int(cap[s]), "reloads": int(sh.reload_rounds[s]),
            "fired": int(mag.fired[s]), "left": int(loaded[s] + in_reload[s] + mag.reloads_left[s]),
            "ready": int(w.rounds_left[s]), "booked": int(reserved[s]), "in_reload": int(in_reload[s]),
            "reloads_used": int(mag.reloads_used[s]), "reloads_left": int(mag.reloads_left[s]),
            "rearmed": int(mag.rearmed[s]), "reserve": int(sh.reserve[s]),
        }
    return out


def tracking_quality(r, blue: list[int]) -> dict:
    """Per blue force, how good its picture was against the truth (:func:`~amdsim.tracking.metrics.picture_quality`
    over the pictures recorded at the output rate; scoring only, C2 never sees this)."""
    c = concat_chunks(r.recorder.tracks)
    return {r.cs.force_names[f]: picture_quality(c, f) for f in blue}


def siap_summary(r, blue: list[int]) -> dict:
    """Per blue force, the SIAP measures of its own picture (:mod:`amdsim.tracking.siap`; scoring only)."""
    c = concat_chunks(r.recorder.tracks)
    d = concat_chunks(r.recorder.detections)
    return {r.cs.force_names[f]: siap_measures(c, f, raw_measurement_sigma(d, f, r.cs.movers.is_threat)) for f in blue}


def ballistic_estimates(r) -> list[dict]:
    """The trackers' launch and impact point estimates of ballistic tracks (tracking/stage.py), scored
    against the truth (:func:`~amdsim.tracking.metrics.score_ballistic_estimates`)."""
    rows = getattr(r.tracking, "ballistic_estimates", None) or []
    return score_ballistic_estimates(rows, r.cs.movers.name, r.cs.movers.parent, r.cs.force_names, r.world.pos)
