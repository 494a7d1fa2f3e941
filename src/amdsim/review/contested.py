"""The report's contested-sky section (issue 20): fratricide (friendly or neutral aircraft killed by
blue weapons, by whom, and the identity and rule the track was engaged on), its probability over the
replications with a Wilson interval, identification errors per deciding node, and the C2 outages.

Reads summary.json's ``fratricide``, ``identification`` and ``c2_outages`` blocks
(``records/fratricide.py``); absent in every replication (nothing contested): no section.
"""

from __future__ import annotations

from pathlib import Path

from amdsim.results.intervals import wilson_interval
from amdsim.review.data import load_summary, replication_dirs
from amdsim.review.leaks import _table


def contested_section(folder: str | Path) -> list[str]:
    """HTML parts of the section "Friend or foe: fratricide and identification" ([] if uncontested)."""
    sums = [load_summary(rep) for rep in replication_dirs(folder)]
    sums = [s for s in sums if "fratricide" in s]
    if not sums:
        return []
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
    return parts


__all__ = ["contested_section"]
