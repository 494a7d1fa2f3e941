"""Fratricide and identification errors: friendly or neutral aircraft killed by blue weapons, by whom,
and why their track was engaged (the identity the shooter acted on and the rule, the evidence, that
gave it); and how often each deciding node got an identity wrong.

A fratricide is written to the event log as it happens (``fratricide``: actor the interceptor, target
the aircraft, force the shooter's, detail the reason), so the kill chain and the after-action review
see it with the other events; ``summary.json`` carries the list and the counts.
"""

from __future__ import annotations

import numpy as np

from amdsim.core.units import json_number
from amdsim.sensors.jamming import predicted_burn_through
from amdsim.world.engagements import EngagementBook
from amdsim.world.events import EventLog
from amdsim.world.identity import IDENTITY_NAMES, RULE_NAMES, Allegiance, ContestedState, Identity
from amdsim.world.state import Fate, World
from amdsim.world.tables import CompiledScenario

ALLEGIANCE_NAMES = {a.value: a.name.lower() for a in Allegiance}
#: Identity errors: a friend or neutral taken for a threat, a hostile taken for a friend or neutral.
AS_THREAT = (int(Identity.SUSPECT), int(Identity.HOSTILE))
AS_FRIENDLY = (int(Identity.FRIEND), int(Identity.ASSUMED_FRIEND), int(Identity.NEUTRAL))


def _identity_at(st: ContestedState, force: int, shooter: int, track: int, t: float) -> tuple[str, str, bool]:
    """(identity, rule, decided alone) of ``track`` as ``shooter`` saw it at ``t``: its own decision
    while autonomous, else the force network's; ("none", "none") without identification."""
    best: dict[int, tuple] = {}
    for entry in st.log:
        when, f, k, tid, _, ident, rule = entry
        if when <= t + 1e-9 and f == force and tid == track and k in (shooter, -1):
            best[k] = (ident, rule)
    auto = any(e[1] == "autonomous" and e[3] == shooter and e[0] <= t + 1e-9 for e in st.c2_log) and not any(
        e[1] == "rejoined" and e[3] == shooter and e[0] <= t + 1e-9 for e in st.c2_log)
    got = best.get(shooter) if auto else best.get(-1)
    if got is None:
        return ("hostile (identification off)" if st.table.identification is None else "none"), "none", auto
    return IDENTITY_NAMES[got[0]], RULE_NAMES[got[1]], auto


def note_fratricide(st: ContestedState | None, w: World, cs: CompiledScenario, book: EngagementBook,
                    log: EventLog) -> None:
    """Log each friendly or neutral aircraft killed this step (once) with the reason it was engaged."""
    if st is None:
        return
    m = cs.movers
    rows = np.flatnonzero((m.allegiance != Allegiance.HOSTILE) & (w.fate == Fate.KILLED))
    if rows.size == len(st.fratricides):
        return
    done = {d["mover_id"] for d in st.fratricides}
    for row in rows.tolist():
        if row in done:
            continue
        killer = int(w.killed_by[row])
        shot = int(w.icpt_shot[killer]) if killer >= 0 else -1
        k = book.shooter[shot] if shot >= 0 else -1
        f = book.force[shot] if shot >= 0 else -1
        track = book.track[shot] if shot >= 0 else -1
        t_order = book.order_time[shot] if shot >= 0 else w.t
        ident, rule, alone = _identity_at(st, f, k, track, t_order)
        why = (f"{cs.shooters.name[k] if k >= 0 else '?'} engaged track {track} as {ident} ({rule})"
               f"{', autonomous' if alone else ''}; transponder "
               f"{'failed' if w.t >= st.iff_fail_at[row] else ('working' if st.table.has_iff[row] else 'none')}")
        st.fratricides.append({
            "mover_id": row, "name": m.name[row], "allegiance": ALLEGIANCE_NAMES[int(m.allegiance[row])],
            "time_s": json_number(w.t), "killed_by": m.name[killer] if killer >= 0 else None,
            "shooter": cs.shooters.name[k] if k >= 0 else None, "force": cs.force_names[f] if f >= 0 else None,
            "track_id": int(track), "order_time_s": json_number(t_order), "identity": ident, "rule": rule,
            "autonomous": alone, "why": why,
        })
        log.add(w.t, "fratricide", actor=killer, target=row, force=f, pos=w.pos[row], detail=why)


def identification_errors(st: ContestedState, cs: CompiledScenario) -> dict:
    """Per deciding node (a force's network, or an autonomous shooter), the movers it identified
    wrongly at least once: friends or neutrals as suspect / hostile, hostiles as friend / assumed friend /
    neutral."""
    allegiance = cs.movers.allegiance
    wrong: dict[str, dict[str, set]] = {}
    for _, f, k, _, truth, ident, _ in st.log:
        if truth < 0:
            continue
        node = cs.shooters.name[k] if k >= 0 else cs.force_names[f]
        a = int(allegiance[truth])
        kind = ("friendly_as_threat" if a != Allegiance.HOSTILE and ident in AS_THREAT else
                "hostile_as_friendly" if a == Allegiance.HOSTILE and ident in AS_FRIENDLY else None)
        if kind is not None:
            wrong.setdefault(node, {"friendly_as_threat": set(), "hostile_as_friendly": set()})[kind].add(truth)
    return {node: {kind: sorted(cs.movers.name[r] for r in rows) for kind, rows in d.items()}
            for node, d in sorted(wrong.items())}


def contested_summary(r) -> dict:
    """summary.json's ``fratricide`` and ``identification`` blocks ({} when nothing is contested)."""
    st: ContestedState | None = getattr(r, "contested", None)
    if st is None:
        return {}
    errors = identification_errors(st, r.cs)
    return {
        "fratricide": list(st.fratricides),
        "fratricides": len(st.fratricides),
        "identification": {
            "enabled": st.table.identification is not None,
            "interrogations": st.interrogations, "replies": st.replies,
            "errors": errors,
            "friendly_as_threat": sum(len(v["friendly_as_threat"]) for v in errors.values()),
            "hostile_as_friendly": sum(len(v["hostile_as_friendly"]) for v in errors.values()),
        },
        "jamming": jamming_summary(st, r.cs),
        "radar_load": radar_load_summary(st, r.cs),
        "c2_outages": [{"time_s": json_number(t), "what": what,
                        "force": r.cs.force_names[f] if f >= 0 else None,
                        "shooter": r.cs.shooters.name[k] if k >= 0 else None} for t, what, f, k in st.c2_log],
    }


def jamming_summary(st: ContestedState, cs: CompiledScenario) -> dict | None:
    """Strobes, triangulated fixes (count, median error), the jammer carriers' first detection range per
    blue radar, and the predicted single-scan (Pd 0.5) burn-through range per radar and jammer (None:
    no jammer)."""
    tab = cs.extras.get("jamming")
    if tab is None:
        return None
    j = st.jamming
    errs = [f[3] for f in j["fixes"]]
    blue = [s for s in range(cs.sensors.n) if cs.force_side[cs.sensors.force[s]] == 0]
    return {
        "strobes": int(j["strobes"]), "fixes": len(errs),
        "fix_error_median_m": json_number(float(np.median(errs))) if errs else None,
        "first_detection_range_m": {f"{m} by {s}": json_number(rt[1]) for (m, s), rt in sorted(j["first_detection"].items())},
        "burn_through_m": {f"{tab.name[k]} against {cs.sensors.name[s]}": json_number(predicted_burn_through(cs, s, k))
                           for k in range(tab.host.size) for s in blue},
    }


def radar_load_summary(st: ContestedState, cs: CompiledScenario) -> dict | None:
    """Per multifunction radar: its scans, the most tracks wanted, the scans at track capacity, the
    longest search revisit, the mean search share, and the series over time (decimated to at most
    ``LOAD_POINTS`` scans); the detections saturation dropped per threat (None: no multifunction radar)."""
    if cs.extras.get("radar_load") is None:
        return None
    out: dict = {"radars": {}, "saturation_drops": {cs.movers.name[m]: k for m, k in sorted(st.saturation_drops.items())}}
    rec = np.array(st.radar_load, float).reshape(-1, 8)
    for s in np.unique(rec[:, 1]).astype(int).tolist():
        x = rec[rec[:, 1] == s]
        every = max(1, x.shape[0] // LOAD_POINTS)
        out["radars"][cs.sensors.name[s]] = {
            "scans": int(x.shape[0]), "max_tracks_wanted": int(x[:, 6].max()),
            "scans_at_capacity": int(np.sum(x[:, 7] < x[:, 6])), "max_revisit_s": json_number(float(x[:, 5].max())),
            "mean_search_fraction": json_number(float(x[:, 2].mean())),
            "series": {"time_s": x[::every, 0].tolist(), "search_fraction": x[::every, 2].round(4).tolist(),
                       "revisit_s": x[::every, 5].round(3).tolist(), "tracks_held": x[::every, 7].astype(int).tolist()},
        }
    return out


LOAD_POINTS = 500
