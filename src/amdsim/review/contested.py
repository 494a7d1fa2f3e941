"""The report's contested-sky section (issue 20): fratricide (friendly or neutral aircraft killed by
blue weapons, by whom, and the identity and rule the track was engaged on), its probability over the
replications with a Wilson interval, identification errors per deciding node, and the C2 outages.

Reads summary.json's ``fratricide``, ``identification`` and ``c2_outages`` blocks
(``records/fratricide.py``); absent in every replication (nothing contested): no section.
"""

from __future__ import annotations

from pathlib import Path

from amdsim.results.intervals import wilson_interval
from amdsim.review.aar import table
from amdsim.review.data import load_summary, replication_dirs
from amdsim.review.figures import _mpl, svg
from amdsim.review.format import label, metres, number, percent, seconds


def _jamming(s: dict) -> list[str]:
    """Strobes, fixes, burn-through and first detection ranges of one replication (km)."""
    j = s.get("jamming")
    if not j:
        return []
    err = j.get("fix_error_median_m")
    parts = ["<h3>Jamming</h3>",
             f"<p>{number(j.get('strobes', 0))} strobes; {number(j.get('fixes', 0))} fixes by crossing them"
             + (f", median error {metres(err)}" if err is not None else "") + ".</p>"]
    rows = [[k, metres(v)] for k, v in j.get("burn_through_m", {}).items()]
    if rows:
        parts.append(table(["jammer against radar", "burn-through (single scan, Pd 0.5)"], rows))
    rows = [[k, metres(v)] for k, v in j.get("first_detection_range_m", {}).items()]
    if rows:
        parts.append(table(["jammer carrier by radar", "first detected at"], rows))
    return parts


def _radar_load(s: dict) -> list[str]:
    """Search share and revisit over time of each multifunction radar of one replication (a plot)."""
    rl = s.get("radar_load")
    if not rl or not rl.get("radars"):
        return []
    plt = _mpl()
    fig, (a, b) = plt.subplots(2, 1, figsize=(9, 4.5), sharex=True)
    for name, r in rl["radars"].items():
        ser = r.get("series", {})
        a.step(ser.get("time_s", []), ser.get("search_fraction", []), where="post", label=name)
        b.step(ser.get("time_s", []), ser.get("tracks_held", []), where="post", label=name)
    a.set_ylabel("search share")
    a.set_ylim(0, 1.05)
    b.set_ylabel("tracks held")
    b.set_xlabel("time (s)")
    a.legend(fontsize=8)
    parts = ["<h3>Multifunction radar load</h3>",
             svg(fig, "radar-load", alt="search share and tracks held of each multifunction radar over time")]
    parts.append(table(["radar", "scans", "most tracks wanted", "scans at capacity", "longest revisit",
                        "mean search share"],
                       [[n, number(r["scans"]), number(r["max_tracks_wanted"]), number(r["scans_at_capacity"]),
                         seconds(r["max_revisit_s"]), percent(r["mean_search_fraction"])] for n, r in rl["radars"].items()]))
    drops = rl.get("saturation_drops") or {}
    if drops:
        parts.append(table(["threat", "detections dropped by saturation"],
                           [[k, number(v)] for k, v in sorted(drops.items())]))
    return parts


def contested_section(folder: str | Path) -> list[str]:
    """HTML parts of the section "Friend or foe: fratricide and identification" ([] if uncontested),
    with jamming and multifunction radar load when the scenario has them (first replication)."""
    sums = [load_summary(rep) for rep in replication_dirs(folder)]
    sums = [s for s in sums if "fratricide" in s]
    if not sums:
        return []
    extra = _jamming(sums[0]) + _radar_load(sums[0])
    if not any(s.get("fratricides") for s in sums) and not any(s.get("identification", {}).get("enabled")
                                                             for s in sums) and extra:
        return ["<h2>Contested sky: jamming and radar load</h2>", *extra]
    n = len(sums)
    k = sum(1 for s in sums if s.get("fratricides"))
    lo, hi = wilson_interval(k, n)
    parts = ["<h2>Friend or foe: fratricide and identification</h2>",
             f"<p>Fratricide (a friendly or neutral aircraft killed by blue weapons) in <b>{k} of {n}</b> "
             f"replication{'s' if n != 1 else ''}: probability {percent(k / n)} (Wilson 95 % interval "
             f"{percent(lo)} to {percent(hi)}).</p>"]
    rows = []
    for s in sums:
        rep = s.get("run", {}).get("replication", 0)
        for f in s.get("fratricide", []):
            rows.append([rep, f.get("name"), f.get("allegiance"), f.get("shooter"), seconds(f.get("time_s")),
                         f.get("identity"), label(f.get("rule", "")), "yes" if f.get("autonomous") else "no",
                         f.get("why")])
    if rows:
        parts.append(table(["replication", "aircraft", "allegiance", "shooter", "killed at", "engaged as",
                            "rule", "autonomous", "why"], rows))
    errs: dict[str, list[int]] = {}
    for s in sums:
        for node, e in (s.get("identification", {}).get("errors") or {}).items():
            acc = errs.setdefault(node, [0, 0])
            acc[0] += len(e.get("friendly_as_threat", []))
            acc[1] += len(e.get("hostile_as_friendly", []))
    if errs:
        parts.append("<p>Identification errors (movers identified wrongly at least once, summed over the "
                     "replications; a node is a force's network or an autonomous shooter):</p>")
        parts.append(table(["deciding node", "friend or neutral as suspect / hostile", "hostile as friend / neutral"],
                           [[node, number(a), number(b)] for node, (a, b) in sorted(errs.items())]))
    outages = sum(1 for s in sums if s.get("c2_outages"))
    parts.append(f'<p class="note">C2 outages (a link or command node lost) in {outages} of {n} replications; '
                 f"identification {'on' if sums[0].get('identification', {}).get('enabled') else 'off'}.</p>")
    return parts + extra


__all__ = ["contested_section"]
