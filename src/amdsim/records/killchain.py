"""The kill chain of every threat for every blue force: ``killchain.parquet`` (issue 16).

Built after the run from the event log, the engagement book, the recorded pictures and C2's reason
log (``world/considerations.py``); nothing here runs during the step. One row per threat x blue
force x stage, in time order within each (threat, force):

==================  ==========================================================================
stage               row
==================  ==========================================================================
launched            the threat's launch (reason: the asset it is aimed at)
first_detected      the force's first detection (sensor: its name; value: range m)
track_confirmed     first confirmed track on it: the earlier of the first recorded picture (output
                    rate) holding one and C2's first cycle weighing it (C2 weighs confirmed tracks
                    only); reason: the force whose recorded track it is (itself or the ally it came
                    from)
classified          first recorded confirmed track whose kinematic class (tracking/classify.py,
                    from the track's position and velocity) is the threat's true kind (reason:
                    the kind); never: ``misclassified_as_<kind>`` at the first confirmed track
ranked              C2's threat evaluation ranked a track of it (``world/considerations.py``,
                    :meth:`note_rank`): first and last cycle (``time_s``, ``end_time_s``), ``value``
                    its rank at the first cycle (1 = most threatening), ``cycles`` the cycles ranked,
                    ``reason`` ``rank R of M`` at the first cycle, ``detail`` the best and last ranks
considered          one row per shooter of the force that C2 weighed against it: first and last
                    cycle (``time_s``, ``end_time_s``, both up to the threat's end), first feasible
                    cycle, the reason of most cycles (``reason``, ``cycles``) and every reason's
                    cycles in ``detail``
ordered             the force's first engagement order (shooter; pk: C2's estimate)
re_engaged          each later order (reason: the outcome of the force's last shot that had ended)
interceptor_launched  each interceptor in the air (shot_id)
cancelled           a booked round not launched: ``ally_engaged_first`` (coordination) or
not_launched        ``shooter_lost`` (host destroyed) / ``pending_at_end``
intercept           closest approach: reason kill/miss, value miss distance (m), pk the kill draw's Pk
interceptor_expired time of flight exceeded (``expired``) or the target gone (``target_lost``)
kill_assessment     when C2 learnt the intercept's outcome (``c2.kill_assessment_delay_s`` later, at
                    the next step; reason: the true outcome; the assessment's own error draw is
                    not recorded)
killed / impact     the threat's end: killed (shooter, detail: its force), impact (reason: the asset
in_flight_at_end    hit or ``ground``), still flying at the end of the run, or neutralized on its
neutralized         launcher (left of launch)
==================  ==========================================================================

Columns: threat_id int32, threat, threat_kind, force, stage, time_s, end_time_s, feasible_time_s,
shooter, sensor, reason, value, pk, cycles int32, shot_id int32 (-1), detail. Times are s from the
scenario start; NaN where a column does not apply.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pyarrow as pa

from amdsim.c2.decide import FEASIBLE_CODES
from amdsim.c2.reasons import REASON_NAMES
from amdsim.core.kinds import BLUE, KIND_NAMES
from amdsim.records.recorder import concat_chunks
from amdsim.tracking.classify import threat_classify
from amdsim.world.state import Fate

#: Stage names in kill-chain order (the ``stage`` column; ties in time sort by this order).
STAGES = ("launched", "first_detected", "track_confirmed", "classified", "ranked", "considered", "ordered", "re_engaged",
          "interceptor_launched", "cancelled", "not_launched", "intercept", "interceptor_expired",
          "kill_assessment", "killed", "impact", "in_flight_at_end", "neutralized")
_STAGE_ORDER = {s: i for i, s in enumerate(STAGES)}
_SHOOTER = re.compile(r"shooter=(\S+)")
_SENSOR = re.compile(r"sensor=(\S+)")

COLUMNS = ("threat_id", "threat", "threat_kind", "force", "stage", "time_s", "end_time_s", "feasible_time_s",
           "shooter", "sensor", "reason", "value", "pk", "cycles", "shot_id", "detail")


def blue_forces(cs) -> list[int]:
    """Indices of the blue forces, in scenario order."""
    return [f for f in range(len(cs.force_names)) if cs.force_side[f] == BLUE]


def threat_rows(r) -> np.ndarray:
    """Mover rows of the threats that were launched (every fate but not launched), ascending."""
    m, w = r.cs.movers, r.world
    return np.flatnonzero(m.is_threat & (w.fate != Fate.PENDING))


def first_detections(r) -> dict[tuple[int, int], tuple[float, str, float]]:
    """{(force, threat): (time s, sensor name, range m)} from the event log's ``detection`` events."""
    log = r.log
    out: dict[tuple[int, int], tuple[float, str, float]] = {}
    for i, kind in enumerate(log.kind):
        if kind != "detection":
            continue
        key = (log.force[i], log.target[i])
        if key in out:
            continue
        hit = _SENSOR.search(log.detail[i])
        out[key] = (log.time[i], hit.group(1) if hit else "", log.value[i])
    return out


def confirmed_tracks(r) -> dict[str, np.ndarray]:
    """Confirmed tracks on real threats in the recorded pictures (output rate): arrays time_s, force,
    truth, source_force, kind (the track's kinematic class, MoverKind code), sorted by time."""
    c = concat_chunks(r.recorder.tracks)
    empty = {"time_s": np.zeros(0), "force": np.zeros(0, np.int64), "truth": np.zeros(0, np.int64),
             "source_force": np.zeros(0, np.int64), "kind": np.zeros(0, np.int64)}
    if c is None:
        return empty
    truth = c["truth_id"].astype(np.int64)
    sel = c["confirmed"].astype(bool) & (truth >= 0)
    sel[sel] = r.cs.movers.is_threat[truth[sel]]
    if not sel.any():
        return empty
    order = np.argsort(c["time_s"][sel], kind="stable")
    pos, vel = c["pos"][sel][order], c["vel"][sel][order]
    return {"time_s": c["time_s"][sel][order], "force": c["force_index"][sel][order].astype(np.int64),
            "truth": truth[sel][order], "source_force": c["source_force"][sel][order].astype(np.int64),
            "kind": threat_classify(pos, vel)}


def _first_per_key(keys: np.ndarray, *cols: np.ndarray) -> dict[int, tuple]:
    """{key: (col values...)} at each key's first occurrence (arrays already in time order)."""
    if keys.size == 0:
        return {}
    u, first = np.unique(keys, return_index=True)
    return {int(k): tuple(c[i] for c in cols) for k, i in zip(u.tolist(), first.tolist(), strict=True)}


def _by_time(keys: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``keys`` and ``t`` in time order (for :func:`_first_per_key`)."""
    order = np.argsort(t, kind="stable")
    return keys[order], t[order]


def reason_segments(r, end_time: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """C2's reason runs per (shooter, mover) (:meth:`Considerations.segments`) cut at each mover's end
    (``end_time`` (N,) s, default the world's ``t_end``): runs after it are dropped, a run across it
    ends at the last cycle before it, with its cycles counted at the decision interval."""
    cons = r.considered
    if cons is None:
        z = np.zeros(0)
        return {"shooter": z.astype(np.int32), "mover": z.astype(np.int32), "code": z.astype(np.int8),
                "t_first": z, "t_last": z, "cycles": z.astype(np.int32)}
    seg = cons.segments()
    end = r.world.t_end if end_time is None else end_time
    cut = np.where(np.isfinite(end[seg["mover"]]), end[seg["mover"]], np.inf)
    keep = seg["t_first"] <= cut + 1e-9
    seg = {k: v[keep] for k, v in seg.items()}
    cut = cut[keep]
    over = seg["t_last"] > cut + 1e-9
    if over.any():
        dt = float(r.cs.c2_interval)
        last = seg["t_first"][over] + np.floor((cut[over] - seg["t_first"][over]) / dt + 1e-9) * dt
        seg["t_last"] = seg["t_last"].copy()
        seg["cycles"] = seg["cycles"].copy()
        seg["t_last"][over] = last
        seg["cycles"][over] = np.minimum(seg["cycles"][over],
                                         np.round((last - seg["t_first"][over]) / dt).astype(np.int32) + 1)
    return seg


def kill_chain(r) -> dict[str, Any]:
    """The kill-chain table of replication ``r`` as a dict of columns (see the module docstring)."""
    cs, w, book, log = r.cs, r.world, r.book, r.log
    m, sh = cs.movers, cs.shooters
    rows: list[dict] = []
    threats = threat_rows(r)
    blue = blue_forces(cs)
    is_listed = np.zeros(m.n, bool)
    is_listed[threats] = True

    def add(n: int, f: int, stage: str, t: float, **kw) -> None:
        rows.append({"threat_id": n, "force": f, "stage": stage, "time_s": t, **kw})

    # launched and the end, for every blue force
    killer_shot = np.where(w.killed_by >= 0, w.icpt_shot[np.maximum(w.killed_by, 0)], -1)
    for n in threats.tolist():
        fate = int(w.fate[n])
        aim = int(m.aim_asset[n])
        for f in blue:
            if fate == Fate.NEUTRALIZED:
                add(n, f, "neutralized", float(w.t_end[n]) if np.isfinite(w.t_end[n]) else float(w.t_launch[n]))
                continue
            add(n, f, "launched", float(w.t_launch[n]), reason=m.name[aim] if aim >= 0 else "")
            if fate == Fate.KILLED:
                s = int(killer_shot[n])
                add(n, f, "killed", float(w.t_end[n]), shooter=sh.name[book.shooter[s]] if s >= 0 else "",
                    reason="kill", shot_id=s, detail=cs.force_names[book.force[s]] if s >= 0 else "")
            elif fate == Fate.IMPACT:
                a = int(w.impact_asset[n])
                add(n, f, "impact", float(w.t_end[n]), reason=m.name[a] if a >= 0 else "ground")
            elif fate == Fate.FLYING:
                add(n, f, "in_flight_at_end", float(w.t))
    # first detections (sensor name from the event) and confirmed tracks (recorded pictures)
    for (f, n), (t, sensor, rng) in first_detections(r).items():
        if n >= 0 and is_listed[n] and f in blue:
            add(n, f, "first_detected", t, sensor=sensor, value=rng)
    ct = confirmed_tracks(r)
    n_m = m.n
    key = ct["force"] * n_m + ct["truth"]
    # C2 weighs confirmed tracks only: its first cycle on the threat is a confirmation time too (at the
    # decision cycle, finer than the output rate of the recorded pictures)
    seg = reason_segments(r)
    held = _first_per_key(*_by_time(sh.force[seg["shooter"]].astype(np.int64) * n_m + seg["mover"], seg["t_first"]))
    recorded = _first_per_key(key, ct["time_s"], ct["source_force"])
    for k in sorted(set(recorded) | set(held)):
        f, n = divmod(k, n_m)
        if not (is_listed[n] and f in blue):
            continue
        t = min(float(recorded[k][0]) if k in recorded else np.inf, float(held[k][0]) if k in held else np.inf)
        add(n, f, "track_confirmed", t, reason=cs.force_names[int(recorded[k][1])] if k in recorded else "")
    right = ct["kind"] == m.kind[ct["truth"]] if ct["truth"].size else np.zeros(0, bool)
    good = _first_per_key(key[right], ct["time_s"][right], ct["kind"][right])
    first_conf = _first_per_key(key, ct["time_s"], ct["kind"])
    for k, (t0, kind0) in first_conf.items():
        f, n = divmod(k, n_m)
        if not (is_listed[n] and f in blue):
            continue
        if k in good:
            add(n, f, "classified", float(good[k][0]), reason=KIND_NAMES[int(good[k][1])])
        else:
            add(n, f, "classified", float(t0), reason=f"misclassified_as_{KIND_NAMES[int(kind0)]}")
    rows += _ranked_rows(r, is_listed, blue)
    # considered: one row per (shooter, threat) pair C2 weighed, up to the threat's end
    rows += _considered_rows(r, is_listed)
    # orders (events), shots (engagement book) and kill assessments
    last_end: dict[tuple[int, int], list[tuple[float, str]]] = {}
    for s in range(book.n_shots):
        if np.isfinite(book.end_time[s]):
            last_end.setdefault((book.target[s], book.force[s]), []).append((book.end_time[s], book.outcome[s]))
    seen_order: set[tuple[int, int]] = set()
    for i, kind in enumerate(log.kind):
        if kind != "engagement_order":
            continue
        n, f = log.target[i], log.force[i]
        if n < 0 or not is_listed[n]:
            continue
        hit = _SHOOTER.search(log.detail[i])
        t = log.time[i]
        if (n, f) not in seen_order:
            seen_order.add((n, f))
            add(n, f, "ordered", t, shooter=hit.group(1) if hit else "", pk=log.value[i], detail=log.detail[i])
        else:
            ended = [o for te, o in sorted(last_end.get((n, f), [])) if te <= t + 1e-9]
            add(n, f, "re_engaged", t, shooter=hit.group(1) if hit else "", pk=log.value[i],
                reason=f"after_{ended[-1]}" if ended else "", detail=log.detail[i])
    dt = float(cs.dt)
    for s in range(book.n_shots):
        n, f = book.target[s], book.force[s]
        if n < 0 or not is_listed[n]:
            continue
        name = sh.name[book.shooter[s]]
        out = book.outcome[s]
        if book.interceptor[s] >= 0:
            add(n, f, "interceptor_launched", float(book.launch_time[s]), shooter=name, shot_id=s,
                detail=m.name[book.interceptor[s]])
        elif out == "cancelled":
            add(n, f, "cancelled", float(book.launch_time[s]), shooter=name, shot_id=s, reason="ally_engaged_first")
        else:
            add(n, f, "not_launched", float(book.launch_time[s]), shooter=name, shot_id=s,
                reason="shooter_lost" if out == "not_launched" else "pending_at_end")
        if out in ("kill", "miss"):
            add(n, f, "intercept", float(book.end_time[s]), shooter=name, shot_id=s, reason=out,
                value=float(book.miss[s]), pk=float(book.pk[s]))
            t_ka = np.ceil((book.end_time[s] + cs.ka_delay) / dt - 1e-9) * dt
            if t_ka <= w.t + 1e-9:
                add(n, f, "kill_assessment", float(t_ka), shooter=name, shot_id=s, reason=out)
        elif out in ("expired", "target_lost"):
            add(n, f, "interceptor_expired", float(book.end_time[s]), shooter=name, shot_id=s, reason=out)
    return _columns(cs, rows)


def _ranked_rows(r, is_listed: np.ndarray, blue: list[int]) -> list[dict]:
    """One ``ranked`` row per (blue force, listed threat) that C2's threat evaluation ranked."""
    cons = r.considered
    if cons is None or cons.rank_cycles.size == 0:
        return []
    out = []
    forces, movers = np.nonzero(cons.rank_cycles > 0)
    for f, n in zip(forces.tolist(), movers.tolist(), strict=True):
        if f not in blue or not is_listed[n]:
            continue
        out.append({"threat_id": n, "force": f, "stage": "ranked", "time_s": float(cons.rank_first_time[f, n]),
                    "end_time_s": float(cons.rank_last_time[f, n]), "value": float(cons.rank_first[f, n]),
                    "cycles": int(cons.rank_cycles[f, n]),
                    "reason": f"rank {cons.rank_first[f, n]} of {cons.rank_first_of[f, n]}",
                    "detail": f"best {cons.rank_best[f, n]}; last {cons.rank_last[f, n]} of {cons.rank_last_of[f, n]}"})
    return out


def _considered_rows(r, is_listed: np.ndarray) -> list[dict]:
    cs = r.cs
    seg = reason_segments(r)
    if seg["shooter"].size == 0:
        return []
    sh = cs.shooters
    pair = seg["shooter"].astype(np.int64) * cs.movers.n + seg["mover"]
    feasible = np.isin(seg["code"], FEASIBLE_CODES)
    out = []
    u, start = np.unique(pair, return_index=True)
    bounds = [*start.tolist(), pair.size]
    for j, p in enumerate(u.tolist()):
        k, n = divmod(p, cs.movers.n)
        if not is_listed[n] or cs.force_side[sh.force[k]] != BLUE:
            continue
        sl = slice(bounds[j], bounds[j + 1])
        cycles = np.bincount(seg["code"][sl].astype(np.int64), weights=seg["cycles"][sl],
                             minlength=len(REASON_NAMES)).astype(int)
        dominant = int(np.argmax(cycles))
        feas = seg["t_first"][sl][feasible[sl]]
        out.append({"threat_id": n, "force": int(sh.force[k]), "stage": "considered",
                    "time_s": float(seg["t_first"][sl].min()), "end_time_s": float(seg["t_last"][sl].max()),
                    "feasible_time_s": float(feas.min()) if feas.size else np.nan, "shooter": sh.name[k],
                    "reason": REASON_NAMES[dominant], "cycles": int(cycles[dominant]),
                    "detail": reasons_text(cycles)})
    return out


def reasons_text(cycles: np.ndarray) -> str:
    """``"out_of_range:12 feasible:3"``: every reason with cycles, in code order."""
    return " ".join(f"{REASON_NAMES[c]}:{int(v)}" for c, v in enumerate(cycles.tolist()) if v)


def _columns(cs, rows: list[dict]) -> dict[str, Any]:
    m = cs.movers
    rows.sort(key=lambda d: (d["threat_id"], d["force"], d["time_s"] if np.isfinite(d["time_s"]) else np.inf,
                             _STAGE_ORDER[d["stage"]], d.get("shooter", "")))
    n = len(rows)

    def col(name: str, default, dtype) -> np.ndarray:
        return np.array([d.get(name, default) for d in rows], dtype=dtype) if n else np.zeros(0, dtype)

    def text(name: str) -> list[str]:
        return [str(d.get(name, "")) for d in rows]

    tid = col("threat_id", -1, np.int32)
    return {
        "threat_id": tid, "threat": [m.name[i] for i in tid.tolist()],
        "threat_kind": [KIND_NAMES[int(m.kind[i])] for i in tid.tolist()],
        "force": [cs.force_names[d["force"]] for d in rows], "stage": text("stage"),
        "time_s": col("time_s", np.nan, float), "end_time_s": col("end_time_s", np.nan, float),
        "feasible_time_s": col("feasible_time_s", np.nan, float), "shooter": text("shooter"),
        "sensor": text("sensor"), "reason": text("reason"), "value": col("value", np.nan, float),
        "pk": col("pk", np.nan, float), "cycles": col("cycles", 0, np.int32), "shot_id": col("shot_id", -1, np.int32),
        "detail": text("detail"),
    }


def killchain_table(r) -> pa.Table:
    """``killchain.parquet`` of replication ``r`` (:func:`kill_chain` as an Arrow table)."""
    c = kill_chain(r)
    return pa.table({name: pa.array(c[name], _TYPES[name]) for name in COLUMNS})


_TYPES = {name: pa.string() for name in COLUMNS} | {
    "threat_id": pa.int32(), "cycles": pa.int32(), "shot_id": pa.int32(), "time_s": pa.float64(),
    "end_time_s": pa.float64(), "feasible_time_s": pa.float64(), "value": pa.float64(), "pk": pa.float64()}


__all__ = ["COLUMNS", "STAGES", "kill_chain", "killchain_table", "reason_segments"]
