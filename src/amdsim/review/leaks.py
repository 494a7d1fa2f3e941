"""The report's leaker section: every leaker with its cause and the evidence in one sentence, the
causes ranked, and what would have saved them (``explain.json``, when ``amdsim explain`` has run).

Reads summary.json's ``threats[].leak_cause`` / ``leak_evidence`` (``records/leak.py``) of every
replication of a run or batch folder; names, not ids; times in whole seconds.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from amdsim.review.data import load_summary, replication_dirs


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 100 or v == round(v) else f"{v:,.2f}"
    return html.escape(str(v))


def _table(header: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def leak_rows(folder: str | Path) -> list[dict]:
    """One dict per leaker of every replication in ``folder``: replication, threat, asset, cause,
    because, launch and impact times (s)."""
    out = []
    for rep in replication_dirs(folder):
        s = load_summary(rep)
        k = int(s.get("run", {}).get("replication", 0))
        for t in s.get("threats", []):
            if t.get("fate") != "leaked":
                continue
            ev = t.get("leak_evidence") or {}
            out.append({"replication": k, "threat": t.get("name"), "asset": t.get("impact_asset"),
                        "cause": t.get("leak_cause"), "because": ev.get("because"),
                        "launch_s": t.get("launch_time_s"), "impact_s": t.get("end_time_s")})
    return out


def leaks_section(folder: str | Path) -> list[str]:
    """HTML parts of the section "Leakers: why they leaked and what would have saved them"."""
    folder = Path(folder)
    rows = leak_rows(folder)
    parts = ["<h2>Leakers: why they leaked and what would have saved them</h2>"]
    if not rows:
        return [*parts, '<p class="note">no threat hit a defended asset</p>']
    causes: dict[str, int] = {}
    for r in rows:
        causes[str(r["cause"])] = causes.get(str(r["cause"]), 0) + 1
    n_reps = len(replication_dirs(folder))
    parts.append("<p>Causes, most frequent first (rules: docs/architecture.md, \"Leak causes\"):</p>")
    parts.append(_table(["cause", "leakers", "per replication"],
                        [[c, n, n / n_reps] for c, n in sorted(causes.items(), key=lambda kv: (-kv[1], kv[0]))]))
    saved = _saved_by(folder)
    batch = n_reps > 1
    header = (["replication"] if batch else []) + ["threat", "asset", "cause", "why", "launch s", "impact s"]
    if saved is not None:
        header.append("saved by")
    body = []
    for r in rows:
        line = ([r["replication"]] if batch else []) + [r["threat"], r["asset"], r["cause"], r["because"],
                                                       r["launch_s"], r["impact_s"]]
        if saved is not None:
            line.append(", ".join(saved.get((r["replication"], r["threat"]), [])) or "none tried")
        body.append(line)
    parts.append(_table(header, body))
    factors = _factors(folder)
    if factors:
        parts.append("<p>Leakers prevented per replication by each idealisation (amdsim explain; reruns with the "
                     "same seeds, paired 95 % interval):</p>")
        parts.append(_table(["factor", "prevented (mean)", "lower", "upper", "replications"],
                            [[name, f.get("prevented_mean"), (f.get("ci95") or [None, None])[0],
                              (f.get("ci95") or [None, None])[1], f.get("n")] for name, f in factors.items()]))
    else:
        parts.append('<p class="note">what would have saved them: run <code>amdsim explain '
                     f"{html.escape(str(folder))}</code></p>")
    return parts


def _explain_doc(folder: Path) -> dict | None:
    try:
        doc = json.loads((folder / "explain.json").read_text())
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def _saved_by(folder: Path) -> dict[tuple[int, str], list[str]] | None:
    doc = _explain_doc(folder)
    if doc is None:
        return None
    return {(int(d["replication"]), str(d["threat"])): list(d.get("saved_by", [])) for d in doc.get("leakers", [])}


def _factors(folder: Path) -> dict:
    doc = _explain_doc(folder)
    return dict(doc.get("factors", {})) if doc else {}


__all__ = ["leak_rows", "leaks_section"]
