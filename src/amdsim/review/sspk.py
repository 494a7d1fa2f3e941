"""The report's section on single-shot kill probability: per interceptor type and threat type, the
Monte Carlo of the folder's shots (a run's, or every replication's of a batch or sweep) with 95 %
intervals, and the miss distances behind it (:func:`amdsim.results.sspk.sspk_table`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from amdsim.results.sspk import sspk_table
from amdsim.review.aar import table
from amdsim.review.format import DASH, number


def _f(v: float, digits: int = 2) -> str:
    return number(v, digits) if np.isfinite(v) else DASH


def sspk_section(folder: str | Path, level: float = 0.95) -> str:
    """HTML of the SSPK section for the run, batch or sweep ``folder`` (an empty note without shots)."""
    rows = sspk_table(folder, level=level)
    head = "<h2>Single-shot kill probability</h2>"
    if not rows:
        return head + '<p class="note">no shot reached its closest approach</p>'
    pct = f"{100 * level:.0f} %"
    cols = ["interceptor", "threat", "shots", "kills", "SSPK", f"{pct} interval (Wilson)", "mean Pk(miss)",
            f"{pct} interval (t)", "median miss m", "90th pct miss m", "expired"]
    body = []
    for r in rows:
        cells = [r["interceptor_type"], f"{r['threat_type']} ({r['threat_kind'].replace('_', ' ')})", r["shots"],
                 r["kills"], _f(r["sspk"]), f"{_f(r['sspk_lo'])} {DASH} {_f(r['sspk_hi'])}", _f(r["sspk_from_miss"]),
                 f"{_f(r['sspk_from_miss_lo'])} {DASH} {_f(r['sspk_from_miss_hi'])}", _f(r["miss_median_m"]),
                 _f(r["miss_p90_m"]), r["expired"]]
        body.append([c if isinstance(c, str) else number(c) for c in cells])
    out = table(cols, body)
    note = ('<p class="note">Each shot that reached its closest approach or ran out of time of flight is one '
            "trial. SSPK = kills / shots; mean Pk(miss) = the kill probability at each shot's miss distance "
            "(warhead lethality times the target's vulnerability; 0 when expired) averaged over the shots, the "
            "same probability without the kill draw's noise.</p>")
    return head + out + note
