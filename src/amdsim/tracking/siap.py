"""Single Integrated Air Picture (SIAP) measures of one force's picture against the truth.

The SIAP System Engineering Task Force's attributes of an air picture (Votruba, Nisley, Rothrock &
Zombro, *Single Integrated Air Picture (SIAP) Metrics Implementation*, SIAP SE TF Technical Report
2001-003, 2001; the same family in Stone Soup's ``SIAPMetrics``), computed over the pictures recorded
at the output rate (rows of confirmed tracks of the force's own picture, each with the threat it
follows as bookkeeping, ``truth_id`` -1 for none, and its position error, NaN once that threat is
gone):

=====================  ==========================================================================
completeness           held threat-instants / threat-instants in scope (a threat is in scope from
                       the first to the last instant the force held it; 1 = no gaps)
ambiguity              confirmed tracks on held threats / held threat-instants (1 = no duplicates)
spuriousness           confirmed track-instants following no threat / all confirmed track-instants
track_breaks           changes of the track number holding a threat (the primary track: the one that
                       held it last while it still does, else the oldest), summed over threats
breaks_per_threat      track_breaks / threats_held (aim: at most 0.2)
track_number_changes   SIAP "R": track_breaks per threat-minute held
_per_threat_min
longest_segment        mean over threats of the longest span one track number held it / its span
median_error_m,        positional accuracy: position error of the tracks on live threats (m)
p95_error_m,
rms_error_m
raw_measurement_       median over the force's detections of threats of sqrt(trace R): the 3-D RMS
error_m                error of the converted measurements the sensors gave (m); a tracker should
                       beat it
=====================  ==========================================================================
"""

from __future__ import annotations

import numpy as np

from amdsim.core.units import json_number


def primary_breaks(truth: np.ndarray, track: np.ndarray, t: np.ndarray) -> tuple[int, float, float]:
    """Track-number changes of the primary track per threat, from rows (K,) of (truth >= 0, track, time).

    Returns (breaks, threat-seconds held, mean longest-segment fraction)."""
    o = np.lexsort((track, t, truth))
    truth, track, t = truth[o], track[o], t[o]
    breaks, held_s, longest = 0, 0.0, []
    for s, e in _runs(truth):
        tt, kk = t[s:e], track[s:e]
        primary, seg_start, best, prev_t = -1, tt[0], 0.0, tt[0]
        for a, b in _runs(tt):
            ids = kk[a:b]
            now = tt[a]
            if primary not in ids:
                if primary >= 0:
                    breaks += 1
                    best = max(best, prev_t - seg_start)
                primary, seg_start = int(ids.min()), now
            prev_t = now
        best = max(best, prev_t - seg_start)
        span = tt[-1] - tt[0]
        held_s += span
        longest.append(best / span if span > 0 else 1.0)
    return breaks, held_s, float(np.mean(longest)) if longest else float("nan")


def _runs(v: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of the runs of equal values of a sorted array."""
    if v.size == 0:
        return []
    cut = np.flatnonzero(v[1:] != v[:-1]) + 1
    return list(zip(np.r_[0, cut].tolist(), np.r_[cut, v.size].tolist(), strict=True))


def siap_measures(c: dict[str, np.ndarray] | None, f: int, raw_sigma: np.ndarray | None = None) -> dict:
    """The SIAP measures of force ``f``'s own picture from recorded picture columns ``c`` (time_s,
    force_index, source_force, track_id, truth_id, confirmed, error_m; None: no picture);
    ``raw_sigma`` (D,) the 3-D RMS errors (m) of the force's detections of threats."""
    raw = json_number(float(np.median(raw_sigma))) if raw_sigma is not None and raw_sigma.size else None
    empty = {"threats_held": 0, "raw_measurement_error_m": raw}
    if c is None:
        return empty
    sel = (c["force_index"] == f) & c["confirmed"] & (c["source_force"] == f)
    tid, truth, t = c["track_id"][sel], c["truth_id"][sel].astype(np.int64), c["time_s"][sel]
    err = c["error_m"][sel]
    if tid.size == 0:
        return empty
    live = (truth >= 0) & np.isfinite(err)
    on = truth >= 0
    n_held_instants = np.unique(np.stack([t[live], truth[live]], 1), axis=0).shape[0] if live.any() else 0
    threats = np.unique(truth[live])
    if threats.size == 0:
        return {**empty, "spuriousness": json_number(float(np.mean(~on)))}
    # in scope: every output instant between the first and last live hold of the threat
    times = np.unique(c["time_s"])
    scope = 0
    for j in threats.tolist():
        tj = t[live & (truth == j)]
        scope += int(np.count_nonzero((times >= tj.min()) & (times <= tj.max())))
    breaks, held_s, longest = primary_breaks(truth[live], tid[live], t[live])
    e = err[live]
    return {
        "threats_held": int(threats.size),
        "completeness": json_number(n_held_instants / scope),
        "ambiguity": json_number(float(np.count_nonzero(live)) / n_held_instants),
        "spuriousness": json_number(float(np.mean(~on))),
        "track_breaks": breaks,
        "breaks_per_threat": json_number(breaks / threats.size),
        "track_number_changes_per_threat_min": json_number(breaks / (held_s / 60.0)) if held_s > 0 else None,
        "longest_segment": json_number(longest),
        "median_error_m": json_number(float(np.median(e))),
        "p95_error_m": json_number(float(np.percentile(e, 95))),
        "rms_error_m": json_number(float(np.sqrt(np.mean(e**2)))),
        "raw_measurement_error_m": raw,
    }


def raw_measurement_sigma(d: dict[str, np.ndarray] | None, f: int, is_threat: np.ndarray) -> np.ndarray:
    """(D,) sqrt(trace R) (m) of force ``f``'s detections of threats, from recorded detection columns
    ``d`` (force_index, target_id, cov (D,3,3)); ``is_threat`` (movers,) bool."""
    if d is None:
        return np.zeros(0)
    sel = (d["force_index"] == f) & (d["target_id"] >= 0)
    sel[sel] = is_threat[d["target_id"][sel]]
    return np.sqrt(np.trace(d["cov"][sel], axis1=1, axis2=2))
