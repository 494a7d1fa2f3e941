"""Why each leaker leaked: ``threats[].leak_cause`` and ``threats[].leak_evidence`` of summary.json.

A *leaker* is a threat that hit a defended asset. Its cause is decided from the facts of the run,
after the run, by one deterministic decision list. The facts:

- ``L``, ``I``: launch and impact times; ``D_f``: force f's first detection (its own sensors);
  ``T_f``, ``E_f``: the first and last decision cycle in which force f's C2 weighed a confirmed track
  of it (``world/considerations.py``, up to ``I``); ``lag_f``: the shortest time from a first
  detection to an order: one decision cycle (``c2.decision_interval_s``), plus, with
  ``tracking.model: kalman``, ``confirm_m - 1`` revisits of the force's fastest sensor.
- The *chance* of each blue shooter k: the launch times at which its interceptor, flown by C2's own
  reach model (``c2/reach.py``) against the threat's *true* position and velocity at the output
  instants, would meet it inside the range, altitude and time-of-flight envelope before ``I`` (the
  shooter present: host in the world, within its endurance), shifted back by the interceptor's
  reaction time to give order times ``[a_k, b_k]``; widened to the cycles in which C2 itself found
  the pair inside the envelope (any reason past the envelope: feasible, engaged, no rounds,
  launcher or fire control busy, reserve, weapons tight, track quality, seeker basket, not held).
  A shooter with a chance, or with an order on the threat, *could have engaged* it.
- The reasons C2 gave for each such shooter during its chance (runs of cycles with one reason),
  and every shot on the threat with its outcome.

The decision list (the first rule that holds names the cause):

1. ``not_detected``: no blue force's sensor detected it and no blue force held a track of it.
2. ``no_shooter_in_envelope``: no blue shooter could have engaged it.
3. ``detected_too_late``: no interceptor reached it (no intercept, no expiry), and for every shooter
   that could have engaged it, its force first saw it (``min(D_f, T_f)``) less than ``lag_f`` before
   the shooter's last chance ``b_k`` (or after it).
4. ``out_of_interceptors``: a shooter that could have engaged it was refused for ``no_rounds`` during
   its chance.
5. ``saturated``: a shooter that could have engaged it and ordered no shot at it was busy during its
   chance: ``launcher_busy``, ``fire_control_busy``, or ``feasible`` in a cycle in which its force
   ordered nothing at this threat (the assignment used it on other threats).
6. ``shots_missed``: an interceptor launched at it missed at the closest approach or expired.
7. ``track_lost``: for a shooter that could have engaged it, its force saw it in time (rule 3 does not
   hold for it) but had no usable track during the chance: no confirmed track before ``b_k``
   (``T_f > b_k``), the track dropped before ``b_k`` (``E_f < b_k``), or ``track_stale`` during it.
8. ``withheld``: a shooter that could have engaged it was refused during its chance by doctrine or
   weapons control (``reserve``, ``weapons_tight``) or by the track-quality rules (``track_quality``,
   ``seeker_basket``, ``not_held``).
9. ``coordination_delay``: a shooter that could have engaged it yielded to an ally
   (``ally_engaged``) during its chance, a round was cancelled for an ally's earlier intent, or a
   round held back by the coordination latency had not reached it by ``I``.
10. ``detected_too_late``: rounds were ordered at it, but none reached it before ``I`` (still waiting
    or in the air at impact).
11. ``no_shooter_in_envelope``: otherwise: during their chances C2's reach model, on its own picture,
    never put an intercept inside the envelope of a shooter that could have engaged it.

Resolution: the chance is sampled at the output rate (``output_rate_s``), the reasons at the
decision cycle. The evidence (``leak_evidence``) carries the times, each shooter that could have
engaged it (name, force, chance, its reasons' cycles during the chance, its verdict, its shots) and
every shot, plus ``rule`` (the rule that decided) and ``because`` (one sentence, names not ids).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import numpy as np

from amdsim.c2.reach import engagement_pk
from amdsim.c2.reasons import REASON_NAMES, Why
from amdsim.core.kinds import BLUE
from amdsim.core.units import json_number
from amdsim.records.killchain import first_detections, reason_segments
from amdsim.records.recorder import concat_chunks
from amdsim.world.picture import Picture
from amdsim.world.state import Fate, World

#: The causes, in the order of the decision list (``detected_too_late`` and ``no_shooter_in_envelope``
#: are also reached by rules 10 and 11).
LEAK_CAUSES = ("not_detected", "detected_too_late", "no_shooter_in_envelope", "out_of_interceptors", "saturated",
               "shots_missed", "track_lost", "withheld", "coordination_delay")

ENVELOPE = (int(Why.TIME_OF_FLIGHT), int(Why.OUT_OF_RANGE), int(Why.ALTITUDE))
TRACK_LEVEL = (int(Why.ALLY_ENGAGED), int(Why.ENGAGING), int(Why.TRACK_STALE), int(Why.BELIEVED_DEAD))
#: Reasons that say C2 found the intercept inside the shooter's envelope.
INSIDE = tuple(int(w) for w in Why if int(w) not in ENVELOPE + TRACK_LEVEL)
BUSY = (int(Why.LAUNCHER_BUSY), int(Why.FIRE_CONTROL_BUSY))
WITHHELD = (int(Why.RESERVE), int(Why.WEAPONS_TIGHT), int(Why.TRACK_QUALITY), int(Why.SEEKER_BASKET),
            int(Why.NOT_HELD), int(Why.IDENTITY), int(Why.AIRSPACE))

_f = json_number


def leakers(r) -> np.ndarray:
    """Mover rows of the threats that hit a defended asset."""
    w = r.world
    return np.flatnonzero(r.cs.movers.is_threat & (w.fate == Fate.IMPACT) & (w.impact_asset >= 0))


def engagement_chances(r, rows: np.ndarray) -> dict[int, dict[int, np.ndarray]]:
    """{threat row: {blue shooter: launch times (s)}} at which a shot would meet the true threat.

    At each output instant before the threat's end, the threat's true position and velocity go
    through C2's reach model (:func:`amdsim.c2.reach.engagement_pk`, constant velocity) from every
    blue shooter present (its host recorded then, within its endurance); a launch time counts when
    the intercept is inside the envelope and comes before the threat's end.
    """
    cs, w = r.cs, r.world
    sh = cs.shooters
    out: dict[int, dict[int, np.ndarray]] = {int(n): {} for n in rows.tolist()}
    st = concat_chunks(r.recorder.states)
    blue = np.flatnonzero(cs.force_side[sh.force] == BLUE)
    if st is None or rows.size == 0 or blue.size == 0:
        return out
    times, inv = np.unique(st["time_s"], return_inverse=True)
    index = np.full((times.size, cs.movers.n), -1, np.int64)
    index[inv, st["mover_id"]] = np.arange(inv.size)
    hosts = sh.host[blue]
    found: dict[tuple[int, int], list[float]] = {}
    for n in rows.tolist():
        t_end = float(w.t_end[n])
        for ti in np.flatnonzero((index[:, n] >= 0) & (times < t_end - 1e-9)).tolist():
            t = float(times[ti])
            here = index[ti, hosts]
            ok = (here >= 0) & (t < sh.endurance[blue])
            if not ok.any():
                continue
            k = blue[ok]
            pos = np.zeros((cs.movers.n, 3))
            pos[hosts[ok]] = st["pos"][here[ok]]
            j = index[ti, n]
            # engagement_pk reads the shooters' host positions of the world and the track states of the
            # picture only: the truth at this instant stands in for both
            pic = cast(Picture, SimpleNamespace(pos=st["pos"][j:j + 1], vel=st["vel"][j:j + 1], n=1))
            _, _, tau, why = engagement_pk(cast(World, SimpleNamespace(pos=pos)), cs, k, pic)
            inside = (why[:, 0] == Why.FEASIBLE) & (t + tau[:, 0] <= t_end)
            for s in k[inside].tolist():
                found.setdefault((n, s), []).append(t)
    for (n, s), ts in found.items():
        out[n][s] = np.asarray(ts)
    return out


def track_lag(cs, force: int) -> float:
    """Shortest time (s) from a first detection by ``force`` to an order: a decision cycle, plus
    ``confirm_m - 1`` revisits of the force's fastest sensor when tracks need M-of-N confirmation."""
    lag = float(cs.c2_interval)
    if cs.tracking.get("model", "perfect") != "perfect":
        rev = cs.sensors.revisit[cs.sensors.force == force]
        if rev.size:
            lag += (int(cs.tracking.get("confirm_m", 1)) - 1) * float(rev.min())
    return lag


def leak_causes(r) -> dict[int, tuple[str, dict[str, Any]]]:
    """{leaker row: (cause, evidence)} for every leaker of replication ``r`` (rules: module docstring)."""
    rows = leakers(r)
    if rows.size == 0:
        return {}
    chances = engagement_chances(r, rows)
    seg = reason_segments(r)
    dets = first_detections(r)
    return {int(n): _decide(r, int(n), chances[int(n)], seg, dets) for n in rows.tolist()}


def _decide(r, n: int, chance_times: dict[int, np.ndarray], seg: dict, dets: dict) -> tuple[str, dict[str, Any]]:
    cs, w, book = r.cs, r.world, r.book
    sh, it = cs.shooters, cs.itypes
    t_launch, t_hit = float(w.t_launch[n]), float(w.t_end[n])
    blue = [f for f in range(len(cs.force_names)) if cs.force_side[f] == BLUE]
    mine = seg["mover"] == n
    s_k, s_code = seg["shooter"][mine], seg["code"][mine].astype(np.int64)
    s_t0, s_t1, s_cyc = seg["t_first"][mine], seg["t_last"][mine], seg["cycles"][mine]
    T = {f: float(s_t0[sh.force[s_k] == f].min()) if np.any(sh.force[s_k] == f) else np.inf for f in blue}
    E = {f: float(s_t1[sh.force[s_k] == f].max()) if np.any(sh.force[s_k] == f) else -np.inf for f in blue}
    D = {f: float(w.first_detect[f, n]) for f in blue}
    seen = {f: min(D[f], T[f]) for f in blue}
    lag = {f: track_lag(cs, f) for f in blue}
    shots = [s for s in range(book.n_shots) if book.target[s] == n]
    orders = {f: np.array(sorted({book.order_time[s] for s in shots if book.force[s] == f})) for f in blue}

    # the shooters that could have engaged it, their chances and what C2 said during them
    shooters = []
    for k in range(sh.n):
        f = int(sh.force[k])
        if cs.force_side[f] != BLUE:
            continue
        react = float(it.reaction_time[sh.itype[k]])
        pk_seg = s_k == k
        inside = pk_seg & np.isin(s_code, INSIDE)
        truth = chance_times.get(k, np.zeros(0))
        my_shots = [s for s in shots if book.shooter[s] == k]
        if truth.size == 0 and not inside.any() and not my_shots:
            continue
        lo = [truth.min() - react] if truth.size else []
        hi = [truth.max() - react] if truth.size else []
        if inside.any():
            lo.append(float(s_t0[inside].min()))
            hi.append(float(s_t1[inside].max()))
        if my_shots:
            lo.append(min(book.order_time[s] for s in my_shots))
            hi.append(max(book.order_time[s] for s in my_shots))
        a, b = max(min(lo), t_launch), max(hi)
        during = pk_seg & (s_t1 >= a - 1e-9) & (s_t0 <= b + 1e-9)
        cycles = np.bincount(s_code[during], weights=s_cyc[during], minlength=len(REASON_NAMES)).astype(int)
        # feasible in a cycle without an order of its force at this threat: used on other threats
        idle = 0
        for j in np.flatnonzero(during & (s_code == int(Why.FEASIBLE))).tolist():
            ords = orders[f]
            n_ord = int(np.sum((ords >= s_t0[j] - 1e-9) & (ords <= s_t1[j] + 1e-9)))
            idle += max(int(s_cyc[j]) - n_ord, 0)
        late = seen[f] + lag[f] > b + 1e-9
        no_track = not late and (T[f] > b + 1e-9 or E[f] < b - 1e-9 or cycles[Why.TRACK_STALE] > 0)
        shooters.append({
            "k": k, "force": f, "a": a, "b": b, "truth": truth.size > 0, "cycles": cycles, "idle": idle,
            "ordered": bool(my_shots), "late": late, "no_track": no_track, "seen": bool(np.isfinite(seen[f])),
            "fired": any(book.interceptor[s] >= 0 for s in my_shots),
        })

    def has(s: dict, codes: tuple[int, ...]) -> bool:
        return bool(s["cycles"][list(codes)].sum() > 0)

    outcomes = [book.outcome[s] for s in shots]
    reached = any(o in ("kill", "miss", "expired") for o in outcomes)
    held = [s for s in shots if book.outcome[s] not in ("kill", "miss", "expired") and
            book.launch_time[s] - book.order_time[s] > _planned_delay(cs, s, book) + 1e-6]
    for s in shooters:
        s["verdict"] = _verdict(s, has)

    def first(pred) -> dict | None:
        return next((s for s in shooters if pred(s)), None)

    if all(not np.isfinite(seen[f]) for f in blue):
        cause, rule, who = "not_detected", 1, None
    elif not shooters:
        cause, rule, who = "no_shooter_in_envelope", 2, None
    elif not reached and all(s["late"] for s in shooters):
        cause, rule, who = "detected_too_late", 3, shooters[0]
    elif (who := first(lambda s: has(s, (int(Why.NO_ROUNDS),)))) is not None:
        cause, rule = "out_of_interceptors", 4
    elif (who := first(lambda s: not s["ordered"] and (has(s, BUSY) or s["idle"] > 0))) is not None:
        cause, rule = "saturated", 5
    elif any(o in ("miss", "expired") for o in outcomes):
        cause, rule, who = "shots_missed", 6, first(lambda s: s["fired"])
    elif (who := first(lambda s: s["no_track"])) is not None:
        cause, rule = "track_lost", 7
    elif (who := first(lambda s: has(s, WITHHELD))) is not None:
        cause, rule = "withheld", 8
    elif ((who := first(lambda s: has(s, (int(Why.ALLY_ENGAGED),)))) is not None or "cancelled" in outcomes
          or held):
        cause, rule = "coordination_delay", 9
    elif shots:
        cause, rule, who = "detected_too_late", 10, first(lambda s: s["ordered"])
    else:
        cause, rule, who = "no_shooter_in_envelope", 11, None

    # issue 20: a multifunction radar at its track capacity dropped this threat's detections (radar_load.py)
    drops = getattr(getattr(r, "contested", None), "saturation_drops", {}).get(n, 0)
    if drops and cause in ("not_detected", "detected_too_late", "track_lost"):
        cause, rule, who = "radar_saturated", 12, None
    evidence = _evidence(r, n, t_launch, t_hit, blue, D, T, E, dets, shooters, shots)
    evidence["rule"] = rule
    evidence["because"] = (f"a multifunction radar at its track capacity dropped its detections in {drops} scans"
                           if cause == "radar_saturated" else
                           _because(cs, n, cause, who, shooters, shots, book, seen, t_hit, held))
    return cause, evidence


def _planned_delay(cs, s: int, book) -> float:
    """Order-to-launch delay (s) of shot ``s`` without coordination: the reaction time, plus the
    reload interval for each earlier round of the same order."""
    k = book.shooter[s]
    same = [j for j in range(s) if book.shooter[j] == k and book.order_time[j] == book.order_time[s]
            and book.target[j] == book.target[s]]
    return float(cs.itypes.reaction_time[cs.shooters.itype[k]]) + len(same) * float(cs.shooters.reload[k])


def _verdict(s: dict, has) -> str:
    """Why one shooter that could have engaged the leaker did not stop it (first that applies)."""
    if s["late"] and not s["ordered"]:
        return "too_late" if s["seen"] else "never_saw_it"
    if has(s, (int(Why.NO_ROUNDS),)):
        return "no_rounds"
    if not s["ordered"] and (has(s, BUSY) or s["idle"] > 0):
        return "busy_with_other_threats"
    if s["fired"]:
        return "fired"
    if s["ordered"]:
        return "ordered_not_launched"
    if s["no_track"]:
        return "no_usable_track"
    if has(s, WITHHELD):
        return "withheld"
    if has(s, (int(Why.ALLY_ENGAGED),)):
        return "yielded_to_ally"
    if s["cycles"][list(ENVELOPE)].sum() > 0:
        return "outside_envelope_in_c2_picture"
    return "not_considered"


def _evidence(r, n, t_launch, t_hit, blue, D, T, E, dets, shooters, shots) -> dict[str, Any]:
    cs, w, book = r.cs, r.world, r.book
    sh, names = cs.shooters, cs.force_names
    feas = [float(r.considered.first_feasible[s["k"], n]) for s in shooters] if r.considered is not None else []
    feas = [x for x in feas if x <= t_hit]
    return {
        "launch_s": _f(t_launch), "impact_s": _f(t_hit), "impact_asset": cs.movers.name[int(w.impact_asset[n])],
        "first_detection_s": {names[f]: _f(D[f]) for f in blue},
        "first_detected_by": {names[f]: dets[(f, n)][1] for f in blue if (f, n) in dets},
        "first_track_s": {names[f]: _f(T[f]) for f in blue},
        "last_track_s": {names[f]: _f(E[f]) for f in blue},
        "first_feasible_s": _f(min(feas)) if feas else None,
        "shooters": [{
            "shooter": sh.name[s["k"]], "force": names[s["force"]], "chance_s": [_f(s["a"]), _f(s["b"])],
            "chance_from": "truth" if s["truth"] else "c2",
            "reasons": {REASON_NAMES[c]: int(v) for c, v in enumerate(s["cycles"].tolist()) if v},
            "verdict": s["verdict"], "shots": sum(1 for j in shots if book.shooter[j] == s["k"]),
        } for s in shooters],
        "shots": [{
            "shooter": sh.name[book.shooter[j]], "force": names[book.force[j]], "order_s": _f(book.order_time[j]),
            "launch_s": _f(book.launch_time[j]) if book.interceptor[j] >= 0 else None,
            "end_s": _f(book.end_time[j]), "outcome": book.outcome[j], "miss_m": _f(book.miss[j]), "pk": _f(book.pk[j]),
        } for j in shots],
    }


def _because(cs, n, cause, who, shooters, shots, book, seen, t_hit, held) -> str:
    """One sentence for the after-action review: the cause in words, names not ids."""
    sh = cs.shooters
    name = cs.movers.name[n]
    who_name = sh.name[who["k"]] if who is not None else ""
    window = (f" (it could have ordered a shot between {who['a']:.0f} s and {who['b']:.0f} s)"
              if who is not None else "")
    c = who["cycles"] if who is not None else np.zeros(len(REASON_NAMES), int)
    fired = _shots_text(cs, shots, book)
    if cause == "not_detected":
        return f"{name} was never detected by any blue sensor; it hit at {t_hit:.0f} s."
    if cause == "no_shooter_in_envelope":
        return f"no blue shooter could reach {name} inside its interceptor's envelope before it hit at {t_hit:.0f} s."
    if cause == "detected_too_late":
        if shots:
            return f"{name} was engaged too late: {fired}; none reached it before it hit at {t_hit:.0f} s."
        t = min(seen.values())
        return (f"{name} was first seen at {t:.0f} s, too late for {who_name}{window}; it hit at {t_hit:.0f} s."
                if np.isfinite(t) and who is not None else f"{name} was seen too late to engage.")
    if cause == "out_of_interceptors":
        return (f"{who_name}{window} had no rounds left ({c[Why.NO_ROUNDS]} cycles)"
                + (f"; {fired}." if shots else "."))
    if cause == "saturated":
        return (f"{who_name}{window} was busy with other threats (launcher busy {c[Why.LAUNCHER_BUSY]}, fire "
                f"control busy {c[Why.FIRE_CONTROL_BUSY]}, assigned elsewhere {who['idle']} cycles)"
                + (f"; {fired}." if shots else "."))
    if cause == "shots_missed":
        return f"{fired}; it hit at {t_hit:.0f} s."
    if cause == "track_lost":
        return f"{who_name}{window} had no usable track of {name} then (its force's track was lost or never firm)."
    if cause == "withheld":
        held = ", ".join(f"{REASON_NAMES[k]} {c[k]}" for k in WITHHELD if c[k])
        return f"{who_name}{window} held fire on {name} ({held} cycles)."
    if cause == "coordination_delay":
        if who is not None:
            what = f"{who_name} yielded to an ally"
        elif held:
            j = held[0]
            what = (f"{sh.name[book.shooter[j]]}'s round ordered at {book.order_time[j]:.0f} s was held until "
                    f"{book.launch_time[j]:.0f} s, {book.launch_time[j] - book.order_time[j] - _planned_delay(cs, j, book):.0f}"
                    " s longer than its reaction time")
        else:
            what = "a round was cancelled for an ally's earlier intent"
        return f"{name} leaked while its engagement waited on coordination between nations ({what})" + (
            f"; {fired}." if shots else ".")
    return f"{name}: {cause}."


def _shots_text(cs, shots, book) -> str:
    """``"bravo_long fired at 814 s: miss by 1.1 m (Pk 0.85); ..."``: every round at the threat."""
    parts = []
    for j in shots:
        who = cs.shooters.name[book.shooter[j]]
        out = book.outcome[j]
        if book.interceptor[j] < 0:
            state = "not launched by the end" if out == "in_flight" else out.replace("_", " ")
            parts.append(f"{who} ordered at {book.order_time[j]:.0f} s: {state}")
            continue
        pk = float(book.pk[j])
        pk_text = f"{pk:.2f}" if pk >= 0.01 else "< 0.01" if pk > 0 else "0"
        what = (f"{out} by {book.miss[j]:.1f} m (Pk {pk_text})" if out in ("kill", "miss")
                else out.replace("_", " "))
        parts.append(f"{who} fired at {book.launch_time[j]:.0f} s: {what}")
    return "; ".join(parts) if parts else "no round fired"


__all__ = ["LEAK_CAUSES", "engagement_chances", "leak_causes", "leakers", "track_lag"]
