"""The report's section on ballistic threats: launch warning, first detection, launch-point errors.

Per ballistic threat and blue force, from the run's events (docs/architecture.md, "Run folder"):

- the launch warning's report: when it reached the force (s after lift-off, ``launch_warning``
  events) and its launch-point error (m, the event's value);
- the force's first detection (s after lift-off and range, ``detection`` events) with the warning,
  and without it: the first detection by the force's normal (uncued) scans, ``uncued_detection``
  events, which the run logs when it has a launch warning (the cued dwells draw from their own
  random stream, so those scans are the ones a run without the warning would have made, until the runs
  diverge through the tracker and C2); without a
  launch warning in the run, the first detection is the one without;
- the radar-based launch-point error (m) of the force's first ballistic estimate of the threat
  (``summary.json`` ``ballistic_estimates``: the gravity-only arc flown back to the ground, so the
  boost phase's curved path is part of its error).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from amdsim.review.aar import table
from amdsim.review.data import load_summary, load_table
from amdsim.review.format import number


def _first(events: dict, kind: str) -> dict[tuple[int, str], tuple[float, float]]:
    """(threat row, force) -> (time s, value) of the first event of ``kind``."""
    out: dict[tuple[int, str], tuple[float, float]] = {}
    kinds = events.get("kind", [])
    for i in np.argsort(np.asarray(events.get("time_s", []), float), kind="stable").tolist():
        if kinds[i] != kind:
            continue
        key = (int(events["target_id"][i]), str(events["force"][i]))
        out.setdefault(key, (float(events["time_s"][i]), float(events["value"][i])))
    return out


def ballistic_rows(movers: dict, events: dict, summary: dict) -> tuple[list[list], bool]:
    """The section's table rows (one per ballistic threat and force that warned or detected it) and
    whether the run had a launch warning."""
    kind = list(movers.get("kind", []))
    ids = np.asarray(movers.get("mover_id", []), np.int64)
    names = list(movers.get("name", []))
    rows_b = {int(ids[i]): names[i] for i in range(len(kind)) if kind[i] == "ballistic_missile"}
    if not rows_b:
        return [], False
    launch = {int(events["actor_id"][i]): float(events["time_s"][i]) for i, k in enumerate(events.get("kind", []))
              if k == "launch" and int(events["actor_id"][i]) in rows_b}
    warn = _first(events, "launch_warning")
    det = _first(events, "detection")
    uncued = _first(events, "uncued_detection")
    has_lw = bool(warn)
    radar_err: dict[tuple[int, str], float] = {}
    for e in sorted(summary.get("ballistic_estimates") or [], key=lambda e: e.get("time_s") or 0.0):
        lau = e.get("launch") or {}
        if e.get("truth_id") is not None and lau.get("error_m") is not None:
            radar_err.setdefault((int(e["truth_id"]), str(e["force"])), float(lau["error_m"]))
    forces = sorted({f for (_, f) in [*warn, *det]})
    out = []
    nan = float("nan")
    for row, name in sorted(rows_b.items()):
        t0 = launch.get(row)
        if t0 is None:
            continue
        for f in forces:
            w, d = warn.get((row, f)), det.get((row, f))
            if w is None and d is None:
                continue
            without = uncued.get((row, f)) if w is not None else d
            t_with = d[0] - t0 if d else nan
            t_without = without[0] - t0 if without else nan
            out.append([name, f, t0, w[0] - t0 if w else nan, t_with, d[1] / 1e3 if d else nan, t_without,
                        t_without - t_with if w is not None else nan, w[1] if w else nan,
                        radar_err.get((row, f), nan)])
    return out, has_lw


def ballistic_section(run_dir: str | Path, movers: dict | None = None, events: dict | None = None,
                      summary: dict | None = None) -> str:
    """The HTML section (heading included) for a run folder; "" when the run has no ballistic threat.
    Tables already loaded by the caller may be passed in."""
    movers = load_table(run_dir, "movers") if movers is None else movers
    events = load_table(run_dir, "events") if events is None else events
    summary = load_summary(run_dir) if summary is None else summary
    rows, has_lw = ballistic_rows(movers, events, summary)
    if not rows:
        return ""
    note = ("<p>Seconds after lift-off. The first detection without the launch warning is the force's first "
            "detection by its normal (uncued) scans: the cued dwells draw from their own random stream, so these "
            "are the scans a run without the warning makes, until the runs diverge (the cued detections reach the "
            "tracker and C2; kills change the targets the scans draw for). Launch-point errors: "
            "the warning's reported point, and the force's first radar-based ballistic estimate (the arc flown "
            "back without its boost).</p>" if has_lw else
            '<p class="note">No launch warning in this run (scenario <code>launch_warning:</code>): first '
            "detections are the radars' own; seconds after lift-off.</p>")
    header = ["threat", "force", "launch s", "warning after s", "first detection after s", "range km",
              "without warning after s", "gained s", "warning launch error m", "radar launch error m"]

    def mean(col: int) -> float:
        v = np.array([r[col] for r in rows], float)
        return float(np.nanmean(v)) if np.isfinite(v).any() else float("nan")

    summary_row = ["mean", "", float("nan"), *[mean(c) for c in range(3, 10)]]
    cells = [[c if isinstance(c, str) else number(c) for c in r] for r in [*rows, summary_row]]
    return "<h3>Ballistic threats: launch warning and first detection</h3>" + note + table(header, cells)
