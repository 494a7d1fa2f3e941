"""The sweep report (``amdsim report SWEEP_DIR``): variants named by their settings, compared with the
baseline by paired differences under common random numbers.

A sweep (``montecarlo/sweep.py``) runs replication k of every variant from the same seed, so the
difference ``x_v[k] - x_base[k]`` removes the noise the variants share; its mean over the
replications present in both comes with a Student-t 95 % interval (``results/intervals.py``; the
same estimator as ``results/stats.py``'s ``paired_difference``). The baseline is the first variant.
A variant is named by its ``name`` in sweep.json when that is more than the folder's name, otherwise by
its settings, ``path=value, path=value`` (:func:`variant_label`).

Per variant: probability of no leaker (Wilson interval), leakers and interceptors fired per
replication (t interval), leakers per asset, the leak causes; then the paired differences, as a table
and a figure with the zero line.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np

from amdsim.core.errors import InputError
from amdsim.results.intervals import t_interval, wilson_interval
from amdsim.review.aar import CAUSE_TEXT, Html, leakers_of, table
from amdsim.review.data import load_summary, replication_dirs
from amdsim.review.figures import _mpl, svg
from amdsim.review.format import DASH, interval, label, number, percent
from amdsim.review.page import html_page, write_html
from amdsim.scenario.overrides import describe

_FOLDER_NAME = re.compile(r"variant_\d+")


def variant_label(entry: dict) -> str:
    """A variant's name for people: sweep.json's ``name`` when it says more than the folder name,
    else its settings ``path=value, path=value`` (``baseline (scenario as written)`` without any)."""
    name = str(entry.get("name") or "")
    if name and not _FOLDER_NAME.fullmatch(name):
        return name
    ov = entry.get("overrides") or {}
    return describe(ov) if ov else "baseline (scenario as written)"


def variant_folder(entry: dict, index: int) -> str:
    """The variant's batch folder inside the sweep folder."""
    for key in ("folder", "dir", "path"):
        if entry.get(key):
            return str(entry[key])
    name = str(entry.get("name") or "")
    return name if _FOLDER_NAME.fullmatch(name) else f"variant_{index:02d}"


def read_sweep(folder: Path) -> dict:
    """sweep.json, checked: InputError naming the file when it is not a sweep's."""
    path = folder / "sweep.json"
    try:
        doc = json.loads(path.read_text())
        variants = list(doc["variants"])
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError("expected a sweep.json with a 'variants' list (from amdsim sweep)", file=str(path)) from None
    return {**doc, "variants": variants}


def _per_replication(batch: Path) -> dict[int, dict]:
    """{replication: {leakers, zero, fired, killed, per_asset: {}, causes: {}}} of the completed runs."""
    out: dict[int, dict] = {}
    for rep in replication_dirs(batch) if batch.is_dir() else []:
        s = load_summary(rep)
        if not s or not s.get("run", {}).get("complete", True):
            continue
        leaks = leakers_of(s)
        causes: dict[str, int] = {}
        for t in leaks:
            c = str(t.get("leak_cause") or "undetermined")
            causes[c] = causes.get(c, 0) + 1
        out[int(s.get("run", {}).get("replication", len(out)))] = {
            "leakers": float(len(leaks)), "zero": float(not leaks),
            "fired": float(s.get("interceptors_expended") or 0),
            "killed": float(s.get("counts", {}).get("killed", 0)),
            "per_asset": {a: float(v) for a, v in (s.get("leakers_per_asset") or {}).items()}, "causes": causes}
    return out


def paired(x: dict[int, float], base: dict[int, float]) -> dict:
    """Mean of ``x[k] - base[k]`` over the replications k in both, with its Student-t 95 % interval."""
    common = sorted(set(x) & set(base))
    r = t_interval(np.array([x[k] - base[k] for k in common], float))
    return {"diff": r["mean"], "lo": r["lo"], "hi": r["hi"], "n": len(common)}


def _verdict(d: dict, better_if_lower: bool = True) -> str:
    lo, hi = d["lo"], d["hi"]
    if d["n"] < 2 or lo is None or hi is None or not (np.isfinite(lo) and np.isfinite(hi)):
        return "too few pairs"
    if lo > 0 or hi < 0:
        good = (hi < 0) == better_if_lower
        return "better" if good else "worse"
    return "no clear difference"


def sweep_report(folder: str | Path) -> tuple[str, str]:
    """(title, HTML body) of the sweep report of ``folder``."""
    folder = Path(folder)
    doc = read_sweep(folder)
    entries = doc["variants"]
    labels = [variant_label(e) for e in entries]
    data = [_per_replication(folder / variant_folder(e, i)) for i, e in enumerate(entries)]
    base = data[0] if data else {}
    scenario = Path(str(doc.get("scenario", folder.name))).name
    first = next((rep for i, e in enumerate(entries) if (folder / variant_folder(e, i)).is_dir()
                  for rep in replication_dirs(folder / variant_folder(e, i))), None)
    scenario = (load_summary(first).get("run", {}).get("scenario") if first else None) or scenario
    title = f"Sweep review: {scenario}"
    parts = [f"<h1>{html.escape(title)}</h1>",
             f'<p class="note">{html.escape(str(folder))} · root seed {html.escape(str(doc.get("root_seed", DASH)))} · '
             f"{len(entries)} variants × {number(doc.get('n_replications'))} replications · common random numbers: "
             "replication k draws from the same seed in every variant, so each variant is compared with the "
             f"baseline ({html.escape(labels[0] if labels else DASH)}) replication by replication.</p>"]
    parts.append(_answers(labels, data, base))
    parts.append(_difference_figure(labels, data, base))
    parts.append(_assets(labels, data))
    parts.append(_causes(labels, data))
    parts.append(_variant_list(folder, entries, labels, data))
    parts.append(_leaker_lists(folder, entries, labels))
    return title, "".join(parts)


def _answers(labels: list[str], data: list[dict], base: dict) -> str:
    rows = []
    for i, (lab, d) in enumerate(zip(labels, data, strict=True)):
        n = len(d)
        if n == 0:
            rows.append([lab, "0", *[DASH] * 6])
            continue
        zero = int(sum(r["zero"] for r in d.values()))
        zlo, zhi = wilson_interval(zero, n)
        lk = t_interval(np.array([r["leakers"] for r in d.values()]))
        fired = t_interval(np.array([r["fired"] for r in d.values()]))
        if i == 0:
            dl = dz = "baseline"
        else:
            p = paired({k: r["leakers"] for k, r in d.items()}, {k: r["leakers"] for k, r in base.items()})
            q = paired({k: r["zero"] for k, r in d.items()}, {k: r["zero"] for k, r in base.items()})
            dl = f"{_signed(p['diff'])} [{interval(p['lo'], p['hi'], _signed)}] {_verdict(p)}"
            dz = (f"{_signed(100 * q['diff'], 0)} points "
                  f"[{interval(_pct(q['lo']), _pct(q['hi']), _points, floor=-100.0, ceiling=100.0)}]")
        rows.append([lab, number(n), f"{percent(zero / n)} [{interval(zlo, zhi, percent)}]",
                     f"{number(lk['mean'], 2)} [{interval(lk['lo'], lk['hi'], _two, floor=0.0)}]", dl, dz,
                     f"{number(fired['mean'], 1)} [{interval(fired['lo'], fired['hi'], _one, floor=0.0)}]"])
    best = _best(labels, data)
    head = '<section id="answers" data-section="answers"><h2>The answers</h2>'
    if best:
        head += f'<p class="headline">{best}</p>'
    return (head + table(["variant", "reps", "P(no leaker) [95 %]", "leakers per rep. [95 %]",
                          "leakers vs baseline, paired [95 %]", "P(no leaker) vs baseline [95 %]",
                          "interceptors fired [95 %]"], rows,
                         "sweep-answers")
            + '<p class="note">Per replication (rep.); intervals: Wilson for the probability of no leaker, Student t '
            "for means and for the paired differences (a difference whose interval excludes zero is marked better or "
            "worse).</p></section>")


def _two(v) -> str:
    return number(v, 2)


def _one(v) -> str:
    return number(v, 1)


def _points(v) -> str:
    return _signed(v, 0)


def _pct(v):
    return None if v is None else 100 * v


def _signed(v, digits: int = 2) -> str:
    if v is None or not np.isfinite(v):
        return DASH
    text = number(abs(v), digits)
    return "0" if text in ("0", "0.00", "< 0.01", "< 1") else ("+" if v > 0 else "\u2212") + text


def _best(labels: list[str], data: list[dict]) -> str:
    means = [(float(np.mean([r["leakers"] for r in d.values()])), lab) for lab, d in zip(labels, data, strict=True)
             if d]
    if len(means) < 2:
        return ""
    lo = min(means)
    return (f"Fewest leakers: <b>{html.escape(lo[1])}</b>, {number(lo[0], 2)} per replication "
            f"(baseline {number(means[0][0], 2)}).")


def _difference_figure(labels: list[str], data: list[dict], base: dict) -> str:
    if len(labels) < 2:
        return ""
    plt = _mpl()
    metrics = (("leakers", "leakers per replication"), ("fired", "interceptors fired per replication"))
    fig, axes = plt.subplots(1, 2, figsize=(10, 1.5 + 0.45 * (len(labels) - 1)), squeeze=False)
    for ax, (key, unit) in zip(axes[0], metrics, strict=True):
        ys = list(range(len(labels) - 1, 0, -1))
        for y, d in zip(ys, data[1:], strict=True):
            p = paired({k: r[key] for k, r in d.items()}, {k: r[key] for k, r in base.items()})
            if p["diff"] is None or not np.isfinite(p["diff"]):
                continue
            lo = p["lo"] if p["lo"] is not None and np.isfinite(p["lo"]) else p["diff"]
            hi = p["hi"] if p["hi"] is not None and np.isfinite(p["hi"]) else p["diff"]
            ax.errorbar([p["diff"]], [y], xerr=[[p["diff"] - lo], [hi - p["diff"]]], fmt="o", color="#1f5fbf",
                        capsize=4, lw=2)
        ax.axvline(0, color="#444", lw=0.9)
        ax.set_yticks(ys, labels[1:] if key == "leakers" else [""] * len(ys))
        ax.set_ylim(0.4, len(labels) - 0.6)
        ax.set_title(unit, fontsize=9)
        ax.set_xlabel("variant minus baseline")
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(f"paired differences from the baseline ({labels[0]}), 95 % intervals", fontsize=10)
    fig.tight_layout()
    return ('<section id="differences" data-section="differences"><h2>Differences from the baseline</h2>'
            + svg(fig, "sweep-differences", {}, "paired differences") + "</section>")


def _assets(labels: list[str], data: list[dict]) -> str:
    assets = list(dict.fromkeys(a for d in data for r in d.values() for a in r["per_asset"]))
    if not assets:
        return ""
    rows = []
    for lab, d in zip(labels, data, strict=True):
        row = [lab]
        for a in assets:
            ti = t_interval(np.array([r["per_asset"].get(a, 0.0) for r in d.values()]))
            row.append(f"{number(ti['mean'], 2)} [{interval(ti['lo'], ti['hi'], _two, floor=0.0)}]" if d else DASH)
        rows.append(row)
    return ("<h2>Leakers per defended asset</h2>"
            + table(["variant", *[f"{a} [95 %]" for a in assets]], rows, "sweep-assets"))


def _causes(labels: list[str], data: list[dict]) -> str:
    causes = sorted({c for d in data for r in d.values() for c in r["causes"]},
                    key=lambda c: -sum(r["causes"].get(c, 0) for d in data for r in d.values()))
    if not causes:
        return '<h2>Leak causes</h2><p class="good">No leaker in any variant.</p>'
    rows = []
    for c in causes:
        row = [label(c), CAUSE_TEXT.get(c, "")]
        for d in data:
            row.append(number(sum(r["causes"].get(c, 0) for r in d.values()) / len(d), 2) if d else DASH)
        rows.append(row)
    return ("<h2>Leak causes, per replication</h2>"
            + table(["cause", "meaning", *labels], rows, "sweep-causes"))


def _variant_list(folder: Path, entries: list[dict], labels: list[str], data: list[dict]) -> str:
    rows = []
    for i, (e, lab, d) in enumerate(zip(entries, labels, data, strict=True)):
        sub = variant_folder(e, i)
        report = folder / sub / "report.html"
        link = (f'<a href="{html.escape(sub)}/report.html">report</a>' if report.exists()
                else f"<code>amdsim report {html.escape(str(folder / sub))}</code>")
        ov = describe(e["overrides"]) if e.get("overrides") else DASH     # "aew[id=x] removed" for an unset
        rows.append([lab, sub, ov, number(len(d)), Html(link)])
    return "<h2>Variants</h2>" + table(["variant", "folder", "settings", "completed replications", "its review"],
                                       rows, "sweep-variants")


def _leaker_lists(folder: Path, entries: list[dict], labels: list[str]) -> str:
    """Per variant, every leaker with its cause and the sentence that says why (collapsed)."""
    out = ['<section id="variant-leakers" data-section="variant-leakers"><h2>Leakers of each variant</h2>']
    for i, (e, lab) in enumerate(zip(entries, labels, strict=True)):
        rows = []
        for rep in replication_dirs(folder / variant_folder(e, i)) if (folder / variant_folder(e, i)).is_dir() else []:
            s = load_summary(rep)
            for t in leakers_of(s):
                ev = t.get("leak_evidence") or {}
                rows.append([number(int(s.get("run", {}).get("replication", 0))), t.get("name", ""),
                             t.get("impact_asset") or "", label(t.get("leak_cause") or ""), ev.get("because") or ""])
        out.append(f"<details><summary>{html.escape(lab)}: {len(rows)} leakers</summary>"
                   + (table(["replication", "threat", "asset", "cause", "why"], rows, "variant-leakers")
                      if rows else '<p class="good">No leaker.</p>') + "</details>")
    return "".join(out) + "</section>"


def write_sweep_report(path: str | Path, out: str | Path | None = None) -> Path:
    """Write the sweep report of the sweep folder ``path`` (default ``path/report.html``)."""
    folder = Path(path)
    title, body = sweep_report(folder)
    return write_html(html_page(title, body), Path(out) if out is not None else folder / "report.html")


__all__ = ["paired", "read_sweep", "sweep_report", "variant_folder", "variant_label", "write_sweep_report"]
