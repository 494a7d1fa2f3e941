"""The report's contested-sky section (issue 20): fratricide (friendly or neutral aircraft killed by
blue weapons, by whom, and the identity and rule the track was engaged on), its probability over the
replications with a Wilson interval, identification errors per deciding node, and the C2 outages.

Reads summary.json's ``fratricide``, ``identification`` and ``c2_outages`` blocks
(``records/fratricide.py``); absent in every replication (nothing contested): no section.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from amdsim.results.intervals import wilson_interval
from amdsim.review.data import load_summary, replication_dirs
from amdsim.review.leaks import _table


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="figure" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _jamming(s: dict) -> list[str]:
    """Strobes, fixes, burn-through and first detection ranges of one replication (km)."""
    j = s.get("jamming")
    if not j:
        return []
    err = j.get("fix_error_median_m")
    parts = ["<h3>Jamming</h3>",
             f"<p>{j.get('strobes', 0):,} strobes; {j.get('fixes', 0):,} fixes by crossing them"
             + (f", median error {err / 1000:,.1f} km" if err is not None else "") + ".</p>"]
    rows = [[k, v / 1000] for k, v in j.get("burn_through_m", {}).items()]
    if rows:
        parts.append(_table(["jammer against radar", "burn-through km (single scan, Pd 0.5)"], rows))
    rows = [[k, v / 1000] for k, v in j.get("first_detection_range_m", {}).items()]
    if rows:
        parts.append(_table(["jammer carrier by radar", "first detected at km"], rows))
    return parts


def _radar_load(s: dict) -> list[str]:
    """Search share and revisit over time of each multifunction radar of one replication (a plot)."""
    rl = s.get("radar_load")
    if not rl or not rl.get("radars"):
        return []
    import matplotlib.pyplot as plt

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
    parts = ["<h3>Multifunction radar load</h3>", _png(fig)]
    parts.append(_table(["radar", "scans", "most tracks wanted", "scans at capacity", "longest revisit s",
                         "mean search share"],
                        [[n, r["scans"], r["max_tracks_wanted"], r["scans_at_capacity"], r["max_revisit_s"],
                          r["mean_search_fraction"]] for n, r in rl["radars"].items()]))
    drops = rl.get("saturation_drops") or {}
    if drops:
        parts.append(_table(["threat", "detections dropped by saturation"], [[k, v] for k, v in sorted(drops.items())]))
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
             f"replication{'s' if n != 1 else ''}: probability {k / n:.0%} (Wilson 95 % interval "
             f"{lo:.0%} to {hi:.0%}).</p>"]
    rows = []
    for s in sums:
        rep = s.get("run", {}).get("replication", 0)
        for f in s.get("fratricide", []):
            rows.append([rep, f.get("name"), f.get("allegiance"), f.get("shooter"), f.get("time_s"),
                         f.get("identity"), f.get("rule"), "yes" if f.get("autonomous") else "no", f.get("why")])
    if rows:
        parts.append(_table(["replication", "aircraft", "allegiance", "shooter", "killed at s", "engaged as",
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
        parts.append(_table(["deciding node", "friend or neutral as suspect / hostile", "hostile as friend / neutral"],
                            [[node, a, b] for node, (a, b) in sorted(errs.items())]))
    outages = sum(1 for s in sums if s.get("c2_outages"))
    parts.append(f'<p class="note">C2 outages (a link or command node lost) in {outages} of {n} replications; '
                 f"identification {'on' if sums[0].get('identification', {}).get('enabled') else 'off'}.</p>")
    return parts + extra


__all__ = ["contested_section"]
