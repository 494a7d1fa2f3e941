"""Single-shot kill probability (SSPK) per interceptor type and threat type, from the shots of a run,
batch or sweep folder: the engagement Monte Carlo's result.

Each shot that reached its closest approach or ran out of time of flight (outcome ``kill``, ``miss``
or ``expired``; shots whose target was gone, cancelled or never launched are no trial of the
interceptor) is one Bernoulli trial. Two estimates of the same probability:

- ``sspk``: kills / shots, with a Wilson interval (Wilson 1927; ``results/intervals.py``);
- ``sspk_from_miss``: the mean over the shots of the kill probability at their miss distance,
  P_k(m) times the target's vulnerability (the ``pk`` column, ``engage/flyout.kill_probability``;
  0 for an expired shot), with a Student-t interval: the expectation of the kill draw given the miss
  distance distribution, so free of the draw's own variance (a Rao-Blackwellised estimate).

With the miss distribution: the median and 90th percentile of the miss distance (m) of the shots
that reached their closest approach.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from amdsim.results.intervals import t_interval, wilson_interval
from amdsim.results.views import run_query

#: Outcomes that are trials of the interceptor.
TRIALS = ("kill", "miss", "expired")

_SQL = """
SELECT i.type AS interceptor_type, t.type AS threat_type, t.kind AS threat_kind, e.outcome, e.miss_m, e.pk
FROM engagements e
JOIN movers i ON i.mover_id = e.interceptor_id AND i.replication = e.replication
JOIN movers t ON t.mover_id = e.target_id AND t.replication = e.replication
WHERE e.outcome IN ('kill', 'miss', 'expired')
ORDER BY interceptor_type, threat_type
"""


def sspk_table(folder: str | Path, level: float = 0.95, pooled: bool = False) -> list[dict]:
    """One row per (interceptor type, threat type) with shots in ``folder`` (run, batch or sweep);
    ``pooled``: one row of all shots (types ``all``).

    Each row: ``interceptor_type``, ``threat_type``, ``threat_kind``, ``shots``, ``kills``, ``sspk``,
    ``sspk_lo``, ``sspk_hi`` (Wilson), ``sspk_from_miss``, ``sspk_from_miss_lo``, ``sspk_from_miss_hi``
    (Student t, clipped to [0, 1]; NaN with one shot), ``miss_median_m``, ``miss_p90_m``, ``expired``; ``level`` the intervals' confidence.
    """
    tab = run_query(Path(folder), _SQL).to_pydict()
    itype = np.asarray(tab["interceptor_type"], object)
    ttype = np.asarray(tab["threat_type"], object)
    kind = np.asarray(tab["threat_kind"], object)
    outcome = np.asarray(tab["outcome"], object)
    miss = np.asarray(tab["miss_m"], float)
    pk = np.asarray(tab["pk"], float)
    if pooled:
        itype = np.full(itype.size, "all", object)
        ttype = np.full(ttype.size, "all", object)
        kind = np.full(kind.size, "all", object)
    rows = []
    for a, b in sorted({(str(x), str(y)) for x, y in zip(itype, ttype, strict=True)}):
        sel = (itype == a) & (ttype == b)
        n = int(sel.sum())
        kills = int((outcome[sel] == "kill").sum())
        lo, hi = wilson_interval(kills, n, level)
        pk_shot = np.where(outcome[sel] == "expired", 0.0, np.nan_to_num(pk[sel], nan=0.0))
        ti = t_interval(pk_shot, level)
        m = miss[sel & (outcome != "expired") & np.isfinite(miss)]
        rows.append({
            "interceptor_type": a, "threat_type": b, "threat_kind": str(kind[sel][0]), "shots": n, "kills": kills,
            "sspk": kills / n, "sspk_lo": float(lo), "sspk_hi": float(hi),
            "sspk_from_miss": float(ti["mean"]), "sspk_from_miss_lo": float(np.clip(ti["lo"], 0.0, 1.0)),
            "sspk_from_miss_hi": float(np.clip(ti["hi"], 0.0, 1.0)),
            "miss_median_m": float(np.median(m)) if m.size else float("nan"),
            "miss_p90_m": float(np.quantile(m, 0.9)) if m.size else float("nan"),
            "expired": int((outcome[sel] == "expired").sum()),
        })
    return rows


__all__ = ["TRIALS", "sspk_table"]
