"""The report's figures: matplotlib drawn to inline SVG, nations in their one colour (``palette.py``).

Each figure is wrapped in ``<figure data-figure=NAME data-nation-colors=JSON>`` naming the nation
colours it uses, so a reader (and the browser tests) can check that a nation keeps its colour from
figure to figure. SVG text stays text (``svg.fonttype: none``): crisp at any zoom, and searchable.

Figures:

- :func:`chain_figure`: one threat's kill chain on a time axis (a card's figure);
- :func:`swimlane_figure`: every threat's kill chain, one lane per threat;
- :func:`magazine_figure`: rounds on the launchers over time per shooter;
- :func:`interval_figure`: estimates with 95 % intervals, one labelled scale per panel;
- :func:`place_labels`: map labels that do not collide (greedy placement, leader lines).
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Sequence

import numpy as np

#: Stage markers shared by the card and swimlane figures: (marker, size, label).
STAGE_MARK = {
    "first_detected": ("o", 6, "first detected"),
    "track_confirmed": ("s", 5, "track confirmed"),
    "ranked": ("D", 5, "ranked by threat evaluation"),
    "ordered": ("^", 7, "engagement ordered"),
    "interceptor_launched": ("|", 10, "interceptor launched"),
    "intercept": ("x", 7, "intercept (kill or miss)"),
}
LEAK = "#c0392b"
KILLED = "#888888"


def _mpl():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.titlesize": 10,
                         "font.family": "DejaVu Sans", "svg.hashsalt": "amdsim"})
    return plt


def svg(fig, name: str, colors: dict[str, str] | None = None, alt: str = "") -> str:
    """The figure as an inline ``<svg>`` inside ``<figure data-figure=name ...>``; closes the figure."""
    plt = _mpl()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    data = html.escape(json.dumps(colors or {}, sort_keys=True), quote=True)
    return (f'<figure data-figure="{name}" data-nation-colors="{data}" role="img" aria-label="{html.escape(alt)}">'
            f"{text}</figure>")


def _time_axis(ax, t_max: float) -> None:
    """x axis in seconds from scenario start, with minutes on top when the span is long."""
    ax.set_xlabel("time from scenario start (s)")
    ax.grid(axis="x", alpha=0.3)
    if t_max >= 300:
        top = ax.secondary_xaxis("top", functions=(lambda s: s / 60.0, lambda m: m * 60.0))
        top.set_xlabel("minutes")
    ax.xaxis.set_major_formatter(_plain())


def _plain():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _p: f"{v:,.0f}" if abs(v) >= 10 or v == round(v) else f"{v:.1f}")


def chain_figure(chain: dict, threat: str, evidence: dict, force_color: dict[str, str],
                 force_nation: dict[str, str]) -> str:
    """One leaker's kill chain on a time axis.

    Rows: the threat (launch to impact), then per blue force its picture (first detection, track,
    rank) and per shooter that could have engaged it (``leak_evidence.shooters``) the window in which
    it could have ordered a shot (light band), C2's considerations (thin line, from the kill chain's
    ``considered`` row) and its shots (interceptor flight, intercept marker).
    """
    plt = _mpl()
    sel = [i for i, t in enumerate(chain.get("threat", [])) if t == threat]
    stage = [chain["stage"][i] for i in sel]
    t0 = float(evidence.get("launch_s") or 0.0)
    t1 = float(evidence.get("impact_s") or t0)
    forces = list(dict.fromkeys(chain["force"][i] for i in sel))
    shooters = [s for s in evidence.get("shooters") or [] if s.get("shooter")]
    rows: list[tuple[str, str]] = [("threat", "")] + [("force", f) for f in forces] + [
        ("shooter", s["shooter"]) for s in shooters]
    fig, ax = plt.subplots(figsize=(9, 0.9 + 0.38 * len(rows)))
    y = {r: len(rows) - 1 - i for i, r in enumerate(rows)}
    ax.plot([t0, t1], [y[("threat", "")]] * 2, color=LEAK, lw=3, solid_capstyle="butt")
    ax.plot([t1], [y[("threat", "")]], "*", color=LEAK, ms=13, label="impact on the asset")
    used: dict[str, str] = {}
    seen: set[str] = set()

    def mark(t, yy, st, color):
        mk, ms, lab = STAGE_MARK[st]
        ax.plot([t], [yy], mk, color=color, ms=ms, mew=2 if mk in "|x" else 1,
                label=lab if st not in seen else None)
        seen.add(st)

    for j, i in enumerate(sel):
        st, f = stage[j], chain["force"][i]
        c = force_color.get(f, "#555")
        t = float(chain["time_s"][i])
        if st in ("first_detected", "track_confirmed", "ranked"):
            # stacked a little so that a track confirmed and ranked in one cycle shows both marks
            mark(t, y[("force", f)] + {"first_detected": 0.0, "track_confirmed": 0.16, "ranked": -0.16}[st], st, c)
            used[force_nation.get(f, f)] = c
        elif st in ("ordered", "re_engaged", "interceptor_launched", "intercept", "considered"):
            key = ("shooter", chain["shooter"][i])
            if key not in y:
                continue
            if st == "considered":
                te = float(chain["end_time_s"][i])
                ax.plot([t, te], [y[key] - 0.18] * 2, color="#999", lw=1.2)
            else:
                mark(t, y[key], "ordered" if st == "re_engaged" else st, c)
                used[force_nation.get(f, f)] = c
    for s in shooters:
        a, b = (s.get("chance_s") or [None, None])[:2]
        if a is not None and b is not None:
            ax.fill_betweenx([y[("shooter", s["shooter"])] - 0.3, y[("shooter", s["shooter"])] + 0.3], a, b,
                             color=force_color.get(s.get("force", ""), "#555"), alpha=0.15, lw=0,
                             label="could have ordered a shot" if "chance" not in seen else None)
            seen.add("chance")
    if "considered" in stage:
        ax.plot([], [], color="#999", lw=1.2, label="weighed by C2")
    labels = {("threat", ""): f"{threat}"}
    labels |= {("force", f): f"{force_nation.get(f, f)} picture" for f in forces}
    labels |= {("shooter", s["shooter"]): f"{s['shooter']} ({force_nation.get(s.get('force', ''), '')})"
               for s in shooters}
    ax.set_yticks([y[r] for r in rows], [labels[r] for r in rows])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    lo = min([t0, *[float(chain["time_s"][i]) for i in sel]])
    ax.set_xlim(lo - 0.03 * (t1 - lo + 1), t1 + 0.03 * (t1 - lo + 1))
    _time_axis(ax, t1 - lo)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return svg(fig, "kill-chain", used, f"kill chain of {threat}")


def swimlane_figure(chain: dict, threats: list[dict], force_color: dict[str, str],
                    force_nation: dict[str, str]) -> str:
    """Every threat's kill chain: one lane per threat (launch order), its flight as a line (red:
    leaked; grey: killed or fell short), the first detection, track, rank and order of any blue
    force (marker in that force's nation colour), interceptor launches and intercepts."""
    plt = _mpl()
    order = sorted(threats, key=lambda d: (d.get("launch_time_s") or 0.0, d.get("name", "")))
    n = len(order)
    fig, ax = plt.subplots(figsize=(10, 1.2 + 0.24 * max(n, 3)))
    lane = {d["name"]: n - 1 - i for i, d in enumerate(order)}
    t_end = 0.0
    for d in order:
        yy = lane[d["name"]]
        a, b = d.get("launch_time_s"), d.get("end_time_s")
        if a is None:
            continue
        b = b if b is not None else a
        t_end = max(t_end, b)
        leaked = d.get("fate") == "leaked"
        ax.plot([a, b], [yy, yy], color=LEAK if leaked else KILLED, lw=2.5 if leaked else 1.5,
                solid_capstyle="butt")
        if leaked:
            ax.plot([b], [yy], "*", color=LEAK, ms=11)
    used: dict[str, str] = {}
    firsts: dict[tuple[str, str], float] = {}
    for i, st in enumerate(chain.get("stage", [])):
        th = chain["threat"][i]
        if th not in lane or st not in STAGE_MARK:
            continue
        f = chain["force"][i]
        t = float(chain["time_s"][i])
        if st in ("first_detected", "track_confirmed", "ranked", "ordered"):   # the earliest force only
            key = (th, st)
            if key in firsts and firsts[key] <= t:
                continue
            firsts[key] = t
        mk, ms, _lab = STAGE_MARK[st]
        c = force_color.get(f, "#555")
        used[force_nation.get(f, f)] = c
        if st == "intercept":
            c = "#111" if chain["reason"][i] == "kill" else c
        ax.plot([t], [lane[th]], mk, color=c, ms=ms * 0.8, mew=1.5 if mk in "|x" else 0.8, zorder=3)
    ax.set_yticks(list(lane.values()), list(lane))
    ax.tick_params(axis="y", labelsize=7)
    ax.set_ylim(-0.8, n - 0.2)
    _time_axis(ax, t_end)
    for st, (mk, ms, lab) in STAGE_MARK.items():
        text = "intercept (black: kill; nation's colour: miss)" if st == "intercept" else lab
        ax.plot([], [], mk, color="#444", ms=ms * 0.8, label=text)
    ax.plot([], [], color=LEAK, lw=2.5, label="leaked (impact: star)")
    ax.plot([], [], color=KILLED, lw=1.5, label="killed / fell short")
    for nation, c in used.items():
        ax.plot([], [], "s", color=c, ms=7, label=f"{nation} (marker colour)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_title("every threat's kill chain (the first blue force to reach each stage)")
    return svg(fig, "swimlane", used, "kill chain of every threat")


_DASHES = ("-", "--", "-.", ":")


def magazine_figure(series: dict[str, tuple[np.ndarray, np.ndarray]], shooter_nation: dict[str, str],
                    nation_color: dict[str, str]) -> str:
    """Rounds on the launchers over time, one step line per shooter in its nation's colour (line
    style tells a nation's shooters apart)."""
    plt = _mpl()
    fig, ax = plt.subplots(figsize=(9, 3.6))
    per_nation: dict[str, int] = {}
    used: dict[str, str] = {}
    t_max = 0.0
    for name, (times, rounds) in series.items():
        nation = shooter_nation.get(name, "")
        k = per_nation.get(nation, 0)
        per_nation[nation] = k + 1
        c = nation_color.get(nation, "#555")
        used[nation] = c
        ax.step(times, rounds, where="post", color=c, ls=_DASHES[k % len(_DASHES)], lw=1.6,
                label=f"{name} ({nation})")
        t_max = max(t_max, float(times.max()) if times.size else 0.0)
    from matplotlib.ticker import MaxNLocator

    ax.set_ylabel("rounds on launchers")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _time_axis(ax, t_max)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_title("rounds left on the launchers (ready + booked), per shooter")
    return svg(fig, "magazines", used, "rounds on launchers over time")


def interval_figure(rows: Sequence[tuple[str, float, float, float, str]], title: str, name: str = "intervals",
                    zero_line: bool = False) -> str:
    """Estimates with intervals: one panel per row (label, estimate, lower, upper, unit), each with its
    own labelled scale starting at zero for non-negative values (so the interval's width reads against
    the estimate; the interval of a non-negative quantity is cut at zero) and the numbers written
    beside it."""
    plt = _mpl()
    from amdsim.review.format import number

    rows = [r for r in rows if np.isfinite(r[1])]
    if not rows:
        return ""
    fig, axes = plt.subplots(len(rows), 1, figsize=(8, 0.75 * len(rows) + 0.7), squeeze=False)
    for ax, (lab, est, lo, hi, unit) in zip(axes[:, 0], rows, strict=True):
        lo_f = lo if np.isfinite(lo) else est
        hi_f = hi if np.isfinite(hi) else est
        if est >= 0 and not zero_line:        # counts, probabilities, ranges: never below zero
            lo_f = max(lo_f, 0.0)
        ax.errorbar([est], [0], xerr=[[est - lo_f], [hi_f - est]], fmt="o", color="#1f5fbf", capsize=5, lw=2)
        left = min(0.0, lo_f)
        right = max(hi_f, est, 0.0)
        span = right - left or max(abs(est), 1.0)
        ax.set_xlim(left - 0.05 * span if left < 0 else left, right + 0.08 * span)
        if zero_line:
            ax.axvline(0, color="#444", lw=0.8)
        ax.set_yticks([])
        ax.set_ylabel(lab, rotation=0, ha="right", va="center", fontsize=8)
        ax.xaxis.set_major_formatter(_plain() if span >= 5 else _decimal())
        ax.tick_params(axis="x", labelsize=7)
        ax.set_xlabel(unit, fontsize=7, labelpad=1)
        ax.grid(axis="x", alpha=0.3)
        digits = None if abs(est) >= 100 else 2
        text = f"{number(est, digits)}  [{number(lo_f, digits)} \u2013 {number(hi_f, digits)}]"
        ax.annotate(text, (1.0, 0.5), xycoords="axes fraction", xytext=(8, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return svg(fig, name, {}, title)


def _decimal():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _p: f"{v:.2f}")


def place_labels(ax, xs: np.ndarray, ys: np.ndarray, texts: list[str], colors: list[str], fontsize: float = 8,
                 obstacles: np.ndarray | None = None) -> list:
    """Annotate points so that labels do not overlap each other or the points: each label tries
    offsets around its point (nearest first, then farther out with a leader line) and keeps the first
    whose measured box (the renderer's own extent) is inside the axes and free of the other labels, the
    points and ``obstacles`` ((M, 2) data coordinates, e.g. intercept markers). Returns the annotations. Call after the
    axes limits and aspect are set."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    pts = ax.transData.transform(np.column_stack([xs, ys]))
    px = fig.dpi / 72.0
    marks = pts if obstacles is None or len(obstacles) == 0 else np.vstack([pts, ax.transData.transform(obstacles)])
    placed = [(x - 4 * px, y - 4 * px, x + 4 * px, y + 4 * px) for x, y in marks]
    dirs = [(1, 1), (1, -1), (-1, 1), (-1, -1), (0, 1.3), (0, -1.3), (1.3, 0), (-1.3, 0)]
    out = []

    frame = ax.get_window_extent(renderer)

    def free(b) -> bool:
        if b.x0 < frame.x0 or b.x1 > frame.x1 or b.y0 < frame.y0 or b.y1 > frame.y1:
            return False                                   # inside the map
        return not any(b.x0 < q[2] and q[0] < b.x1 and b.y0 < q[3] and q[1] < b.y1 for q in placed)

    for i in np.argsort(-pts[:, 1], kind="stable").tolist():
        ann = None
        for radius in (4, 12, 22, 34, 48, 64, 82):
            for dx, dy in dirs:
                if ann is not None:
                    ann.remove()
                # measured without its leader line (an annotation's extent includes the arrow)
                ann = ax.annotate(texts[i], (xs[i], ys[i]), xytext=(dx * radius, dy * radius),
                                  textcoords="offset points", ha="left" if dx > 0 else "right" if dx < 0 else "center",
                                  va="bottom" if dy > 0 else "top" if dy < 0 else "center", fontsize=fontsize,
                                  color=colors[i])
                box = ann.get_window_extent(renderer)
                if free(box):
                    break
            else:
                continue
            break
        assert ann is not None
        box = ann.get_window_extent(renderer)
        placed.append((box.x0 - px, box.y0 - px, box.x1 + px, box.y1 + px))
        if np.hypot(*ann.xyann) > 5:
            ann.arrow_patch = None
            ann.remove()
            ann = ax.annotate(texts[i], (xs[i], ys[i]), xytext=ann.xyann, textcoords="offset points",
                              ha=ann.get_ha(), va=ann.get_va(), fontsize=fontsize, color=colors[i],
                              arrowprops={"arrowstyle": "-", "color": colors[i], "lw": 0.6, "shrinkA": 1,
                                          "shrinkB": 2})
        out.append(ann)
    return out


__all__ = ["STAGE_MARK", "chain_figure", "interval_figure", "magazine_figure", "place_labels", "svg",
           "swimlane_figure"]
