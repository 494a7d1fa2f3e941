"""The after-action review's opening: the answers, then one card per leaker.

The answers (:func:`answers_section`), over every completed replication of the folder:

- the probability of no leaker, with its Wilson 95 % interval (``results/intervals.py``);
- leakers per defended asset: the mean per replication with its Student-t 95 % interval, and in how
  many replications the asset was hit;
- the leak causes ranked (``summary.json`` ``threats[].leak_cause``, ``records/leak.py``);
- what would have saved them, when ``amdsim explain`` has written ``explain.json``: leakers
  prevented per replication by each factor, paired 95 % interval.

One card per leaker (:func:`leaker_cards`): its kill chain on a time axis, the cause in words, the
evidence (who could have engaged it, when, why each did not; its shots) and the factors that saved it.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np

from amdsim.results.intervals import t_interval, wilson_interval
from amdsim.review.data import load_summary, load_table, replication_dirs
from amdsim.review.figures import chain_figure
from amdsim.review.format import DASH, interval, label, metres, number, percent, seconds

#: The leak causes in words (``records/leak.py``'s decision list).
CAUSE_TEXT = {
    "not_detected": "never detected by any blue sensor",
    "detected_too_late": "detected too late for any shooter to engage it",
    "no_shooter_in_envelope": "no shooter could reach it (outside every envelope)",
    "out_of_interceptors": "a shooter that could reach it had no interceptors left",
    "saturated": "the shooters that could reach it were busy with other threats",
    "shots_missed": "it was engaged, and the interceptors missed",
    "track_lost": "the track was lost or not good enough while a shooter could reach it",
    "withheld": "held back by doctrine or weapons control (reserve, weapons tight, track quality)",
    "coordination_delay": "a shooter yielded to an ally's engagement, which did not stop it",
}


class Html(str):
    """A cell that is already HTML."""


_NUMERIC = re.compile(r"^[<>+]?\s?[-\u2013\u2212]?\d[\d,.]*(\s|$)|^\u2013$")


def table(header: list[str], rows: list[list], cls: str = "") -> str:
    """An HTML table of already formatted cells (strings are escaped; numbers right-aligned)."""
    def cell(c) -> str:
        text = c if isinstance(c, Html) else html.escape(str(c))
        return f'<td class="n">{text}</td>' if _NUMERIC.match(str(c)) else f"<td>{text}</td>"

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cell(c) for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><tr>{head}</tr>{body}</table>'


def completed(folder: Path) -> list[tuple[Path, dict]]:
    """(run folder, summary) of every replication that ran to the end (``run.complete``)."""
    out = []
    for rep in replication_dirs(folder):
        s = load_summary(rep)
        if s and s.get("run", {}).get("complete", True):
            out.append((rep, s))
    return out


def leakers_of(summary: dict) -> list[dict]:
    """The threats of a summary that hit a defended asset."""
    return [t for t in summary.get("threats", []) if t.get("fate") == "leaked"]


def explain_doc(folder: Path) -> dict | None:
    """``explain.json`` of the folder (None when ``amdsim explain`` has not run)."""
    try:
        doc = json.loads((Path(folder) / "explain.json").read_text())
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def answers_section(folder: Path, runs: list[tuple[Path, dict]]) -> str:
    """The opening section: zero-leaker probability, leakers per asset, causes ranked, savers."""
    n = len(runs)
    parts = ['<section id="answers" data-section="answers"><h2>The answers</h2>']
    if n == 0:
        return parts[0] + '<p class="note">no replication ran to the end</p></section>'
    zero = sum(1 for _, s in runs if not leakers_of(s))
    leaked = [len(leakers_of(s)) for _, s in runs]
    threats = sum(int(s.get("counts", {}).get("launched", 0)) for _, s in runs)
    killed = sum(int(s.get("counts", {}).get("killed", 0)) for _, s in runs)
    fired = sum(int(s.get("interceptors_expended") or 0) for _, s in runs)
    if n == 1:
        head = (f"<p class=\"headline\">{number(sum(leaked))} of {number(threats)} threats hit a defended asset; "
                f"{number(killed)} were killed, with {number(fired)} interceptors.</p>"
                '<p class="note">One replication: no probability or interval. Run a batch '
                "(<code>amdsim run SCENARIO -n 30</code>) for them.</p>")
    else:
        lo, hi = wilson_interval(zero, n)
        head = (f'<p class="headline">No leaker in <b>{zero} of {n}</b> replications: probability of zero leakers '
                f"<b>{percent(zero / n)}</b> (95 % interval {interval(lo, hi, percent)}, Wilson). "
                f"Per replication on average {number(float(np.mean(leaked)))} leakers, "
                f"{number(killed / n)} of {number(threats / n)} threats killed, "
                f"{number(fired / n)} interceptors fired.</p>")
    parts.append(head)
    parts.append(_per_asset(runs))
    parts.append(_causes(runs))
    parts.append(_savers(folder))
    parts.append("</section>")
    return "".join(parts)


def _per_asset(runs: list[tuple[Path, dict]]) -> str:
    n = len(runs)
    assets = list(dict.fromkeys(a for _, s in runs for a in (s.get("leakers_per_asset") or {})))
    if not assets:
        return ""
    rows = []
    for a in assets:
        x = np.array([float((s.get("leakers_per_asset") or {}).get(a, 0)) for _, s in runs])
        hit = int(np.count_nonzero(x > 0))
        if n > 1:
            ti = t_interval(x)
            rows.append([a, number(ti["mean"], 2), interval(ti["lo"], ti["hi"], _two, floor=0.0), f"{hit} of {n}"])
        else:
            rows.append([a, number(int(x[0])), DASH, "hit" if hit else "not hit"])
    return ("<h3>Leakers per defended asset</h3>"
            + table(["asset", "leakers per replication" if n > 1 else "leakers", "95 % interval (t)",
                     "replications with a hit" if n > 1 else "this run"], rows, "answers-assets"))


def _two(v) -> str:
    return number(v, 2)


def _causes(runs: list[tuple[Path, dict]]) -> str:
    n = len(runs)
    count: dict[str, int] = {}
    for _, s in runs:
        for t in leakers_of(s):
            c = str(t.get("leak_cause") or "undetermined")
            count[c] = count.get(c, 0) + 1
    if not count:
        return '<p class="good">No threat hit a defended asset.</p>'
    total = sum(count.values())
    rows = [[Html(f'<span class="cause" data-cause="{html.escape(c)}">{html.escape(label(c))}</span>'),
             CAUSE_TEXT.get(c, ""), number(k), percent(k / total), number(k / n) if n > 1 else DASH]
            for c, k in sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))]
    return ("<h3>Why they leaked, most frequent cause first</h3>"
            + table(["cause", "meaning", "leakers", "share", "per replication"], rows, "answers-causes")
            + '<p class="note">The rules that decide a cause: docs/architecture.md, "Leak causes".</p>')


def _savers(folder: Path) -> str:
    doc = explain_doc(folder)
    if doc is None:
        return (f'<p class="note">What would have saved them: run <code>amdsim explain {html.escape(str(folder))}'
                "</code>, then this report again.</p>")
    factors = doc.get("factors") or {}
    rows = []
    for name, f in sorted(factors.items(), key=lambda kv: -(kv[1].get("prevented_mean") or 0.0)):
        ci = f.get("ci95") or [None, None]
        rows.append([label(name), number(f.get("prevented_mean")), interval(ci[0], ci[1]),
                     number(f.get("saved")) if f.get("saved") is not None else DASH,
                     number(f.get("new_leakers")) if f.get("new_leakers") is not None else DASH,
                     f.get("note") or ""])
    negative = any((f.get("prevented_mean") or 0.0) < 0 for f in factors.values())
    note = ('<p class="note">A negative number: the rerun let more threats through than it saved. With the same '
            "seeds the runs still part after the change (other shots, other draws), so a factor can save one "
            "leaker and lose another; more replications narrow the interval.</p>" if negative else "")
    return ("<h3>What would have saved them (amdsim explain)</h3>"
            "<p>Each factor reruns the same replications with the same seeds and one idealisation; "
            "leakers prevented per replication, paired 95 % interval.</p>" + note
            + table(["factor", "leakers prevented per replication", "95 % interval", "leakers saved",
                     "new leakers", "note"], rows, "answers-savers"))


def leaker_cards(folder: Path, runs: list[tuple[Path, dict]], force_color: dict[str, str],
                 force_nation: dict[str, str], max_figures: int = 60, open_cards: int = 12) -> str:
    """One ``<article class="leaker-card">`` per leaker of every completed replication: the first
    ``open_cards`` shown, the rest behind one "more leakers" fold; kill-chain figures on the first
    ``max_figures`` cards (a large batch stays a page a browser opens quickly)."""
    doc = explain_doc(folder)
    saved: dict[tuple[int, str], list[str]] | None = None
    if doc is not None:
        saved = {(int(d["replication"]), str(d["threat"])): list(d.get("saved_by", []))
                 for d in doc.get("leakers", [])}
    batch = len(runs) > 1
    cards = []
    n_fig = 0
    for rep, s in runs:
        leaks = leakers_of(s)
        if not leaks:
            continue
        k = int(s.get("run", {}).get("replication", 0))
        chain = load_table(rep, "killchain")
        for t in leaks:
            with_figure = bool(chain) and n_fig < max_figures
            n_fig += with_figure
            cards.append(_card(k if batch else None, t, chain if with_figure else {}, force_color, force_nation,
                               None if saved is None else saved.get((k, str(t.get("name"))), [])))
    n = len(cards)
    head = (f'<section id="leakers" data-section="leakers"><h2>Leakers, one by one ({n})</h2>'
            '<p class="note">Each card: the leaker\'s kill chain on a time axis, why it leaked, the facts '
            "behind it and what would have saved it.</p>")
    if not cards:
        return head + '<p class="good">No leaker.</p></section>'
    if n_fig >= max_figures:
        head += f'<p class="note">Kill-chain figures for the first {max_figures} cards.</p>'
    shown, rest = cards[:open_cards], cards[open_cards:]
    fold = (f'<details class="more-leakers"><summary>{len(rest)} more leakers</summary>{"".join(rest)}</details>'
            if rest else "")
    return head + "".join(shown) + fold + "</section>"


def _card(rep: int | None, t: dict, chain: dict, force_color: dict[str, str], force_nation: dict[str, str],
          saved_by: list[str] | None) -> str:
    ev = t.get("leak_evidence") or {}
    cause = str(t.get("leak_cause") or "undetermined")
    name = str(t.get("name"))
    where = f"replication {rep}: " if rep is not None else ""
    title = (f"{where}{name} ({label(t.get('kind', ''))}) hit {t.get('impact_asset') or 'an asset'} "
             f"at {seconds(t.get('end_time_s'))}")
    parts = [f'<article class="leaker-card" data-threat="{html.escape(name)}" data-cause="{html.escape(cause)}"'
             + (f' data-replication="{rep}"' if rep is not None else "") + ">",
             f"<h3>{html.escape(title)}</h3>",
             f'<p class="cause-line"><span class="cause">{html.escape(label(cause))}</span>: '
             f"{html.escape(CAUSE_TEXT.get(cause, ''))}.</p>"]
    if ev.get("because"):
        parts.append(f'<p class="because">{html.escape(str(ev["because"]))}</p>')
    if chain:
        parts.append(chain_figure(chain, name, ev, force_color, force_nation))
    parts.append(_evidence(t, ev, force_nation, _ranks(chain, name)))
    if saved_by is None:
        parts.append('<p class="saved note">What would have saved it: not yet asked (<code>amdsim explain</code>).</p>')
    elif saved_by:
        parts.append('<p class="saved">Saved by: ' + ", ".join(
            f'<span class="factor">{html.escape(label(f))}</span>' for f in saved_by) + "</p>")
    else:
        parts.append('<p class="saved">None of the factors tried would have saved it.</p>')
    parts.append("</article>")
    return "".join(parts)


def _ranks(chain: dict, threat: str) -> dict[str, str]:
    """{force: "832 s (14 min), rank 3 of 12 (best 1)"} from the kill chain's ``ranked`` rows."""
    out = {}
    for i, st in enumerate(chain.get("stage", [])):
        if st == "ranked" and chain["threat"][i] == threat:
            best = str(chain["detail"][i]).split(";")[0].replace("best ", "")
            out[chain["force"][i]] = f"{seconds(float(chain['time_s'][i]))}, {chain['reason'][i]} (best {best})"
    return out


def _evidence(t: dict, ev: dict, force_nation: dict[str, str], ranks: dict[str, str] | None = None) -> str:
    det = ev.get("first_detection_s") or {}
    by = ev.get("first_detected_by") or {}
    trk = ev.get("first_track_s") or {}
    forces = list(dict.fromkeys([*det, *trk]))
    facts = [["launched", seconds(ev.get("launch_s", t.get("launch_time_s")))]]
    for f in forces:
        nation = force_nation.get(f, f)
        d = det.get(f)
        facts.append([f"{nation}: first detected", f"{seconds(d)} by {by[f]}" if d is not None and by.get(f)
                      else seconds(d) if d is not None else "never"])
        facts.append([f"{nation}: first track C2 weighed", seconds(trk.get(f)) if trk.get(f) is not None else "never"])
        if ranks and f in ranks:
            facts.append([f"{nation}: first ranked by threat evaluation", ranks[f]])
    facts.append(["hit " + str(ev.get("impact_asset") or t.get("impact_asset") or ""),
                  seconds(ev.get("impact_s", t.get("end_time_s")))])
    out = '<div class="evidence"><h4>Evidence</h4>' + table(["fact", "time"], facts, "facts")
    shooters = ev.get("shooters") or []
    if shooters:
        rows = []
        for s in shooters:
            a, b = (s.get("chance_s") or [None, None])[:2]
            reasons = ", ".join(f"{label(r)} {number(c)} cycles" for r, c in (s.get("reasons") or {}).items())
            rows.append([s.get("shooter", ""), force_nation.get(s.get("force", ""), s.get("force", "")),
                         interval(a, b, seconds) if a is not None else DASH, reasons or DASH,
                         label(s.get("verdict") or ""), number(s.get("shots", 0))])
        out += "<h4>Shooters that could have engaged it</h4>" + table(
            ["shooter", "nation", "could have ordered a shot", "C2's reasons during that time", "verdict", "shots"],
            rows, "shooters")
    shots = ev.get("shots") or []
    if shots:
        out += "<h4>Shots at it</h4>" + table(
            ["shooter", "nation", "ordered", "launched", "ended", "outcome", "miss distance", "Pk"],
            [[s.get("shooter", ""), force_nation.get(s.get("force", ""), s.get("force", "")), seconds(s.get("order_s")),
              seconds(s.get("launch_s")), seconds(s.get("end_s")), label(s.get("outcome", "")),
              metres(s.get("miss_m")), number(s.get("pk"))] for s in shots], "shots")
    return out + "</div>"


__all__ = ["CAUSE_TEXT", "Html", "answers_section", "completed", "explain_doc", "leaker_cards", "leakers_of", "table"]
