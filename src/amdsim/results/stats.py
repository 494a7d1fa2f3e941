"""Batch statistics with 95 % confidence intervals, and the paired comparison of sweep variants.

Per replication: zero leakers (yes/no), leakers and leakers per asset, interceptors per kill,
double engagements, and the mean first-detection range of low flyers (threat altitude < 100 m at
detection). Proportions get Wilson intervals (Clopper-Pearson alongside), means Student-t intervals;
the pooled interceptors per kill (all interceptors over all kills) a percentile bootstrap with a fixed seed.
Sweep variants share root seeds (common random numbers), so each variant is compared with the
baseline (variant_00) by the t-interval of the per-replication paired differences.

A failed replication (summary.json with ``complete: false``: a simulation error's partial results,
or a replication that stopped on a bug, see ``records/failure.py``) is counted (``n_failed``) and
listed with its error (``failed``), and left out of every statistic and of the paired differences.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from amdsim.records.writer import _atomic, write_json_atomic
from amdsim.results.intervals import proportion_summary, t_interval
from amdsim.results.views import open_views, variant_names

LOW_FLYER_ALT_M = 100.0
LEVEL = 0.95


#: summary.json fields read per replication (missing ones give NaN); ``_``-prefixed ones are inputs only.
FIELDS = {"zero_leakers": "zero_leakers", "leakers": "leakers", "interceptors_per_kill": "interceptors_per_kill",
          "double_engagements": "double_engagements", "_expended": "interceptors_expended",
          "_killed": "counts_killed", "_complete": "complete"}


def per_replication_metrics(folder: Path) -> dict[int | None, dict[str, np.ndarray]]:
    """Per variant (None for a plain batch): metric name -> values per replication, shape (n_reps,).

    The ``replication`` entry holds the replication numbers (sorted); missing fields are NaN.
    """
    con = open_views(folder)
    cols = set(con.sql("SELECT * FROM summary LIMIT 0").columns)
    vexpr = "variant_index" if "variant_index" in cols else "NULL::INTEGER"
    assets = sorted(c for c in cols if c.startswith("leakers_per_asset_"))
    fields = {**FIELDS, **{a: a for a in assets}}
    pick = ["replication", f"{vexpr} AS variant"] + [f"{c}" if c in cols else "NULL" for c in fields.values()]
    rows = con.sql(f"SELECT {', '.join(pick)} FROM summary ORDER BY variant, replication").fetchall()
    low = {}
    tables = {r[0] for r in con.sql("SELECT table_name FROM information_schema.tables").fetchall()}
    if "events" in tables:
        vcol = "variant_index" if "variant_index" in cols else "NULL::INTEGER"
        low = {(v, k): d for v, k, d in con.sql(
            f"SELECT {vcol} AS v, replication, avg(value) FROM events WHERE kind = 'detection' "
            f"AND target_id >= 0 AND alt_m < {LOW_FLYER_ALT_M} AND isfinite(value) GROUP BY ALL").fetchall()}
    out: dict[int | None, dict[str, list]] = {}
    for rep, var, *vals in rows:
        m = out.setdefault(var, {n: [] for n in ["replication", *fields, "low_flyer_detection_range_m"]})
        m["replication"].append(rep)
        for n, v in zip(fields, vals, strict=True):
            m[n].append(_num(v))
        m["low_flyer_detection_range_m"].append(_num(low.get((var, rep))))
    return {v: {n: np.asarray(x, dtype=float) for n, x in m.items()} for v, m in out.items()}


def failed_replications(folder: Path) -> dict[int | None, list[dict]]:
    """Per variant (None for a plain batch): ``[{"replication", "error"}]`` of the failed replications
    (summary.json not marked ``complete: true``), in replication order."""
    con = open_views(folder)
    cols = set(con.sql("SELECT * FROM summary LIMIT 0").columns)
    if "complete" not in cols:
        return {}
    vexpr = "variant_index" if "variant_index" in cols else "NULL::INTEGER"
    err = "CAST(error AS VARCHAR)" if "error" in cols else "NULL"
    rows = con.sql(f"SELECT {vexpr} AS v, replication, {err} FROM summary WHERE complete IS DISTINCT FROM true "
                   "ORDER BY v, replication").fetchall()
    out: dict[int | None, list[dict]] = {}
    for v, k, e in rows:
        out.setdefault(v, []).append({"replication": int(k), "error": e or "incomplete run (no error recorded)"})
    return out


def _completed_only(m: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The replications of ``m`` that ran to the end: summary ``complete: true`` (as
    :func:`failed_replications` and the batch's resume judge them); all, if no summary has the field."""
    c = m["_complete"]
    ok = c == 1 if np.isfinite(c).any() else np.ones(c.shape, bool)
    return {n: x[ok] for n, x in m.items()}


def ratio_bootstrap(num: np.ndarray, den: np.ndarray, level: float = LEVEL, n_boot: int = 2000,
                    seed: int = 0) -> dict:
    """Pooled ratio ``sum(num) / sum(den)`` over replications (shape (n,)), percentile bootstrap interval.

    Resamples replications with a fixed seed (reproducible); pairs with a NaN are left out.
    """
    ok = np.isfinite(num) & np.isfinite(den)
    x, y = num[ok], den[ok]
    n = int(x.size)
    if n == 0 or y.sum() <= 0:
        return {"mean": math.nan, "lo": math.nan, "hi": math.nan, "n": n, "method": "bootstrap"}
    idx = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
    sy = y[idx].sum(axis=1)
    r = np.where(sy > 0, x[idx].sum(axis=1) / np.where(sy > 0, sy, 1.0), np.nan)
    lo, hi = np.nanquantile(r, [(1 - level) / 2, (1 + level) / 2])
    return {"mean": float(x.sum() / y.sum()), "lo": float(lo), "hi": float(hi), "n": n, "method": "bootstrap"}


def _num(v) -> float:
    if v is None:
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def metric_statistics(m: dict[str, np.ndarray], level: float = LEVEL) -> dict[str, dict]:
    """Estimate and interval of every metric of one batch."""
    out: dict[str, dict] = {}
    for name, x in m.items():
        if name == "replication" or name.startswith("_"):
            continue
        if name == "zero_leakers":
            ok = np.isfinite(x)
            out[name] = proportion_summary(x[ok] > 0.5, level)
        else:
            out[name] = {**t_interval(x, level), "method": "t"}
    if "_expended" in m and "_killed" in m:       # interceptors per kill over the whole batch
        out["interceptors_per_kill_pooled"] = ratio_bootstrap(m["_expended"], m["_killed"], level)
    return out


def paired_difference(x: np.ndarray, reps_x: np.ndarray, base: np.ndarray, reps_base: np.ndarray,
                      level: float = LEVEL) -> dict:
    """Mean of ``x - base`` over replications present in both, with its t-interval (common random numbers)."""
    _common, ix, ib = np.intersect1d(reps_x, reps_base, return_indices=True)
    d = x[ix] - base[ib]
    r = t_interval(d, level)
    return {"diff": r["mean"], "lo": r["lo"], "hi": r["hi"], "n_pairs": r["n"]}


def batch_statistics(batch_dir, level: float = LEVEL) -> dict:
    """Statistics of a run, batch or sweep folder (see the module docstring); JSON-ready dict.

    For a batch: ``{"kind": "batch", "n_replications", "n_failed", "failed": [{replication, error}],
    "metrics": {name: {mean, lo, hi, n, ...}}}``; ``n_replications`` counts the failed ones, the
    metrics leave them out (``n_incomplete`` is ``n_failed``, under its older name).
    For a sweep additionally ``"variants": {name: {"folder": "variant_XX", "overrides", "metrics"}}``
    (names from sweep.json, in folder order) and ``"comparison": [{metric, variant (its name), mean,
    baseline_mean, diff, lo, hi, n_pairs}]``.
    """
    folder = Path(batch_dir)
    all_reps = per_replication_metrics(folder)
    failed = failed_replications(folder)
    per = {v: _completed_only(m) for v, m in all_reps.items()}
    if None in per:
        m = per[None]
        fails = failed.get(None, [])
        return {"folder": str(folder), "kind": "batch", "level": level,
                "n_replications": int(all_reps[None]["replication"].size), "n_failed": len(fails),
                "n_incomplete": len(fails), "failed": fails, "metrics": metric_statistics(m, level)}
    sweep = _read_sweep(folder)
    names = variant_names(folder)
    per_variant = {v: m for v, m in per.items() if v is not None}   # every key, in a sweep
    variants: dict[str, dict[str, Any]] = {}
    comparison: list[dict[str, Any]] = []
    base_v = min(per_variant)
    base = per_variant[base_v]
    for v in sorted(per_variant):
        name = names.get(v, f"variant_{v:02d}")
        fails = failed.get(v, [])
        variants[name] = {"folder": f"variant_{v:02d}", "overrides": sweep.get(name, {}),
                          "n_replications": int(all_reps[v]["replication"].size), "n_failed": len(fails),
                          "n_incomplete": len(fails), "failed": fails,
                          "metrics": metric_statistics(per_variant[v], level)}
        for metric, x in per_variant[v].items():
            if metric == "replication" or metric.startswith("_") or metric not in base:
                continue
            d = paired_difference(x, per_variant[v]["replication"], base[metric], base["replication"], level)
            comparison.append({"metric": metric, "variant": name,
                               "mean": variants[name]["metrics"][metric]["mean"],
                               "baseline_mean": float(np.nanmean(base[metric])) if np.isfinite(base[metric]).any()
                               else math.nan, **d})
    return {"folder": str(folder), "kind": "sweep", "level": level, "baseline": names.get(base_v, f"variant_{base_v:02d}"),
            "variants": variants, "comparison": comparison}


def _read_sweep(folder: Path) -> dict[str, dict]:
    try:
        doc = json.loads((folder / "sweep.json").read_text())
        return {v["name"]: v.get("overrides", {}) for v in doc.get("variants", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def statistics_rows(st: dict) -> list[dict]:
    """Flat rows (variant, metric, mean, lo, hi, n, diff, diff_lo, diff_hi) for CSV and tables."""
    rows = []
    if st["kind"] == "batch":
        for name, r in st["metrics"].items():
            rows.append({"variant": "", "metric": name, "mean": r["mean"], "lo": r["lo"], "hi": r["hi"],
                         "n": r["n"], "diff": "", "diff_lo": "", "diff_hi": ""})
        return rows
    comp = {(c["variant"], c["metric"]): c for c in st["comparison"]}
    for vname, v in st["variants"].items():
        for name, r in v["metrics"].items():
            c = comp.get((vname, name), {})
            rows.append({"variant": vname, "metric": name, "mean": r["mean"], "lo": r["lo"], "hi": r["hi"],
                         "n": r["n"], "diff": c.get("diff", ""), "diff_lo": c.get("lo", ""),
                         "diff_hi": c.get("hi", "")})
    return rows


def write_statistics(st: dict, folder: Path) -> tuple[Path, Path]:
    """Write ``stats.json`` and ``stats.csv`` into ``folder`` atomically; returns their paths."""
    folder = Path(folder)
    jpath, cpath = folder / "stats.json", folder / "stats.csv"
    write_json_atomic(_clean(st), jpath)
    buf = io.StringIO()
    rows = statistics_rows(st)
    w = csv.DictWriter(buf, fieldnames=["variant", "metric", "mean", "lo", "hi", "n", "diff", "diff_lo", "diff_hi"])
    w.writeheader()
    w.writerows(rows)
    _atomic(cpath, lambda fh: fh.write(buf.getvalue()), binary=False)
    return jpath, cpath


def _clean(o):
    """NaN -> None so that stats.json is strict JSON."""
    if isinstance(o, dict):
        return {k: _clean(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_clean(v) for v in o]
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o


__all__ = ["batch_statistics", "failed_replications", "metric_statistics", "paired_difference", "per_replication_metrics",
           "statistics_rows", "write_statistics"]
