"""What each console sees after a step, as plain JSON-ready dicts.

A force's view is built from its perceived picture only (track estimates, never the truth behind
them), its threat evaluation (``c2/decide.py``), its pending proposals, its magazines and its alerts.
The exercise-control view is the truth: every mover where it really is, the threats still waiting,
the radars and the links.
"""

from __future__ import annotations

import numpy as np

from amdsim.c2.decide import evaluate_threats
from amdsim.core.geodesy import ecef2geodetic
from amdsim.core.kinds import BLUE, KIND_NAMES
from amdsim.engine.replication import Replication

#: Event kinds a force console shows as alerts, when they concern that force or its assets.
ALERTS = ("launch_warning", "impact", "asset_damaged", "intercept", "interceptor_launch", "engagement_proposal",
          "engagement_approved", "engagement_denied", "link_down", "link_up", "radar_down", "radar_up",
          "link_lost", "link_restored", "threat_injected")
#: How many alerts of the log's tail a console gets.
ALERT_TAIL = 12


def _latlon(pos: np.ndarray) -> tuple[list[float], list[float], list[float]]:
    lat, lon, alt = ecef2geodetic(np.asarray(pos, float).reshape(-1, 3))
    return (np.round(np.degrees(lat), 5).tolist(), np.round(np.degrees(lon), 5).tolist(),
            np.round(alt, 0).tolist())


def force_view(r: Replication, f: int, status: dict) -> dict:
    """Force ``f``'s console: picture, ranked threats, proposals, magazines, own interceptors, alerts;
    ``status`` (the session's state: done, paused, speed) is copied in."""
    cs, w = r.cs, r.world
    pic = r.pictures[f]
    lat, lon, alt = _latlon(pic.pos)
    tracks = [{"id": int(tid), "lat": lat[i], "lon": lon[i], "alt": alt[i], "confirmed": bool(pic.confirmed[i]),
               "source": cs.force_names[int(pic.source_force[i])], "sigma_m": round(float(pic.pos_sigma[i]), 0)}
              for i, tid in enumerate(pic.track_id.tolist())]
    threats: list[dict] = []
    conf = np.flatnonzero(pic.confirmed)
    if conf.size:
        kind, value = evaluate_threats(pic.take(conf), w, cs)
        for rank, k in enumerate(np.argsort(-value, kind="stable").tolist(), start=1):
            threats.append({"rank": rank, "track": int(pic.track_id[conf[k]]), "kind": KIND_NAMES.get(int(kind[k]), "?"),
                            "value": round(float(value[k]), 2)})
    ops = r.operators
    sh = cs.shooters
    proposals = [] if ops is None else [
        {"id": p.id, "time": p.time, "deadline": p.time + ops.decision_time, "track": int(p.order.track_id[0]),
         "shooter": sh.name[int(p.order.shooter[0])], "rounds": int(p.order.rounds[0]), "pk": round(float(p.order.pk[0]), 2),
         "default": "approve" if p.weapons_free else "deny"}
        for p in sorted(ops.proposals.values(), key=lambda p: p.id) if p.force == f]
    own = np.flatnonzero(sh.force == f)
    magazines = [{"shooter": sh.name[k], "rounds": int(w.rounds_left[k])} for k in own.tolist()]
    flying = np.flatnonzero(w.is_active & (cs.movers.kind == _INTERCEPTOR) & (cs.movers.force == f))
    ilat, ilon, _ = _latlon(w.pos[flying])
    interceptors = [{"lat": ilat[i], "lon": ilon[i]} for i in range(flying.size)]
    return {**status, "force": cs.force_names[f], "t": round(w.t, 3), "tracks": tracks, "threats": threats, "proposals": proposals, "magazines": magazines,
            "interceptors": interceptors, "alerts": _alerts(r, f)}


def truth_view(r: Replication, status: dict) -> dict:
    """The exercise-control console: the truth, the threats that can be launched now, radars and links."""
    cs, w = r.cs, r.world
    m = cs.movers
    act = np.flatnonzero(w.is_active)
    lat, lon, alt = _latlon(w.pos[act])
    movers = [{"name": m.name[k], "kind": KIND_NAMES.get(int(m.kind[k]), "?"), "force": cs.force_names[int(m.force[k])],
               "lat": lat[i], "lon": lon[i], "alt": alt[i]} for i, k in enumerate(act.tolist())]
    waiting = np.flatnonzero((w.fate == 0) & m.is_threat & np.isfinite(w.t_launch) & (w.t_launch > w.t))
    injectable = [{"name": m.name[k], "type": m.type_name[k], "kind": KIND_NAMES.get(int(m.kind[k]), "?"),
                   "site": m.name[int(m.parent[k])] if m.parent[k] >= 0 else "", "t_launch": float(w.t_launch[k])}
                  for k in waiting.tolist()]
    radars = [{"name": n, "force": cs.force_names[int(cs.sensors.force[k])],
               "up": bool(np.isfinite(r.sensor_state.next_scan[k]))} for k, n in enumerate(cs.sensors.name)]
    blue = np.flatnonzero(cs.force_side == BLUE).tolist()
    links = [{"a": cs.force_names[a], "b": cs.force_names[b], "up": bool(r.link.drop[a, b] < 1.0)}
             for i, a in enumerate(blue) for b in blue[i + 1:]]
    return {**status, "force": None, "t": round(w.t, 3), "duration": cs.duration, "movers": movers, "injectable": injectable, "radars": radars, "links": links,
            "forces": cs.force_names, "alerts": _alerts(r, None)}


def _alerts(r: Replication, f: int | None) -> list[dict]:
    log, names = r.log, r.cs.force_names
    out: list[dict] = []
    for i in range(len(log) - 1, max(len(log) - 5000, 0) - 1, -1):
        if len(out) >= ALERT_TAIL:
            break
        if log.kind[i] in ALERTS and (f is None or log.force[i] in (f, -1)):
            who = names[log.force[i]] if log.force[i] >= 0 else ""
            out.append({"t": log.time[i], "kind": log.kind[i], "force": who, "detail": log.detail[i]})
    return out


_INTERCEPTOR = next(k for k, n in KIND_NAMES.items() if n == "interceptor")
