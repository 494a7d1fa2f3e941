"""Self-contained HTML after-action review of a run, batch or sweep folder (``amdsim report``).

No script, no CDN: figures are inline SVG (matplotlib), the page opens offline. The review reads
top-down, answers first:

1. **The answers** (``review/aar.py``): probability of no leaker and leakers per defended asset with
   95 % intervals, the leak causes ranked, what would have saved them (``explain.json``).
2. **Leakers, one by one**: a card per leaker of every replication: its kill chain on a time axis,
   the cause in words, the evidence, the factors that saved it.
3. **Every threat's kill chain**: the swimlane chart (``review/figures.py``).
4. **Magazines over time**, then **the details**: batch statistics (one labelled scale per metric),
   scenario map (labels placed so they do not collide), raid timeline, air picture quality, first
   detection ranges, ballistic threats, engagements, interceptor use, magazine table, SSPK.

Each section is a function of a :class:`ReportContext` in :data:`SECTIONS`; another module may add one
with :func:`add_section`. Every number goes through ``review/format.py`` (units, no scientific
notation), every nation has one colour (``review/palette.py``). A sweep folder (``sweep.json``) gets
the sweep report (``review/sweep_report.py``).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from amdsim.review.aar import answers_section, completed, leaker_cards, table
from amdsim.review.assets import asset_file
from amdsim.review.data import check_folder, is_batch, load_summary, load_table, replication_dirs
from amdsim.review.figures import (
    interval_figure,
    magazine_figure,
    place_labels,
    svg,
    swimlane_figure,
)
from amdsim.review.format import DASH, label, metres, number, quantity, seconds
from amdsim.review.page import html_page, write_html
from amdsim.review.palette import force_colors, nation_colors

LAND_ASSET = "world-atlas/land-50m.json"  # the coastline, from the viewer's assets (review/assets.py)

EVENT_ROWS = ("launch", "detection", "engagement_order", "interceptor_launch", "intercept", "impact")
MISSILES = ("ballistic_missile", "cruise_missile", "interceptor")

@dataclass
class ReportContext:
    """What the sections read: the folder, its completed replications and the detailed run's tables
    (loaded on first use)."""

    folder: Path
    runs: list[tuple[Path, dict]]
    detail_dir: Path
    extra: dict = field(default_factory=dict)

    def table(self, name: str) -> dict:
        if name not in self.extra:
            self.extra[name] = load_table(self.detail_dir, name)
        return self.extra[name]

    @cached_property
    def summary(self) -> dict:
        return load_summary(self.detail_dir)

    @cached_property
    def movers(self) -> dict:
        return self.table("movers")

    @cached_property
    def nation_color(self) -> dict[str, str]:
        return nation_colors(self.movers.get("nation", []), self.movers.get("side", []))

    @cached_property
    def force_color(self) -> dict[str, str]:
        return force_colors(self.movers)

    @cached_property
    def force_nation(self) -> dict[str, str]:
        return dict(zip(self.movers.get("force", []), self.movers.get("nation", []), strict=True))

    @cached_property
    def mover_name(self) -> dict[int, str]:
        return dict(zip(np.asarray(self.movers.get("mover_id", []), np.int64).tolist(),
                        self.movers.get("name", []), strict=True))

    @property
    def is_batch(self) -> bool:
        return is_batch(self.folder)


Section = Callable[[ReportContext], str]


def _nations_legend(ctx: ReportContext) -> str:
    spans = "".join(f'<span data-nation="{html.escape(n)}" data-color="{c}"><i class="swatch" '
                    f'style="background:{c}"></i>{html.escape(n)}</span>' for n, c in ctx.nation_color.items())
    return f'<p class="nations" id="nation-colors">Nations: {spans}</p>'


def _answers(ctx: ReportContext) -> str:
    return answers_section(ctx.folder, ctx.runs)


def _leakers(ctx: ReportContext) -> str:
    return leaker_cards(ctx.folder, ctx.runs, ctx.force_color, ctx.force_nation)


def _swimlane(ctx: ReportContext) -> str:
    chain = ctx.table("killchain")
    threats = ctx.summary.get("threats") or []
    head = '<section id="swimlane" data-section="swimlane"><h2>Every threat\'s kill chain</h2>'
    if ctx.is_batch:
        head += f'<p class="note">Replication {html.escape(ctx.detail_dir.name)}.</p>'
    if not chain or not threats:
        return head + '<p class="note">no kill chain recorded (killchain.parquet)</p></section>'
    return head + swimlane_figure(chain, threats, ctx.force_color, ctx.force_nation) + "</section>"


def _magazines(ctx: ReportContext) -> str:
    """Rounds on the launchers over time per shooter, in its nation's colour, and the magazine table."""
    mag = ctx.table("magazines")
    table_ = ctx.summary.get("magazines") or {}
    series = magazine_series(mag)
    if not table_ and not series:
        return ""
    out = '<section id="magazines" data-section="magazines"><h2>Magazines over time</h2>'
    if series:
        nation = dict(zip(mag["shooter"], mag["nation"], strict=True))
        out += magazine_figure(series, nation, ctx.nation_color)
    if table_:
        keys = ("launchers", "magazine_size", "reloads", "fired", "left", "reloads_used", "reserve")
        out += ('<p>Per shooter at the end of the run: magazine size (rounds on the launchers at the start), '
                "spare rounds for reloads, rounds fired and left (on launchers, in reload and spare), spare rounds "
                "loaded, and the ballistic reserve (rounds the doctrine keeps for ballistic threats).</p>")
        out += table(["shooter", "nation", "interceptor", *[label(k) for k in keys]],
                     [[name, m.get("nation", ""), m.get("interceptor_type", ""), *[number(m.get(k)) for k in keys]]
                      for name, m in table_.items()])
    return out + "</section>"


def _details_open(ctx: ReportContext) -> str:
    where = f" (replication {html.escape(ctx.detail_dir.name)})" if ctx.is_batch else ""
    return f'<h2 id="details">The details{where}</h2>'


def _batch_statistics(ctx: ReportContext) -> str:
    if not ctx.is_batch:
        return ""
    from amdsim.results.stats import batch_statistics

    stats = batch_statistics(ctx.folder)
    metrics = stats.get("metrics", {})
    level = 100 * float(stats.get("level", 0.95))
    rows: list[list] = []
    fig_rows: list[tuple[str, float, float, float, str]] = []
    for name, m in metrics.items():
        unit = _metric_unit(name)
        scale = 1e-3 if unit == "m" else 1.0          # ranges in km
        unit = "km" if unit == "m" else unit
        lab = label(name[:-2] if name.endswith("_m") else name)
        vals = [m.get(k) if isinstance(m.get(k), (int, float)) else float("nan") for k in ("mean", "lo", "hi")]
        mean, lo, hi = (float(v) * scale for v in vals)
        rows.append([lab, number(m.get("n")), *(number(v, None if abs(v) >= 100 else 2) for v in (mean, lo, hi)),
                     unit])
        fig_rows.append((lab, mean, lo, hi, unit))
    n_fail = int(stats.get("n_failed") or 0)
    head = (f'<section id="batch" data-section="batch"><h3>Batch statistics ({stats.get("n_replications")} '
            f"replications{f', {n_fail} failed' if n_fail else ''}; {level:.0f} % intervals)</h3>")
    return (head + table(["metric", "replications", "mean", "lower", "upper", "unit"], rows)
            + interval_figure(fig_rows, f"means with {level:.0f} % intervals (each on its own labelled scale)",
                              "batch-intervals") + "</section>")


def _metric_unit(name: str) -> str:
    if name == "zero_leakers":
        return "probability"
    if name.endswith("_m"):
        return "m"
    if "per_kill" in name:
        return "interceptors per kill"
    if name.startswith("leakers") or name == "double_engagements":
        return "per replication"
    return ""


def _overview(ctx: ReportContext) -> str:
    plt = _plt()
    movers, states, events = ctx.movers, ctx.table("states"), ctx.table("events")
    lat, lon = np.asarray(states.get("lat_deg", []), float), np.asarray(states.get("lon_deg", []), float)
    if lat.size == 0:
        return '<h3>Scenario map</h3><p class="note">no states recorded</p>'
    from amdsim.review.extent import map_extent, unwrap_lon_deg

    *b, center = map_extent(lat, lon)         # across the antimeridian the short way (review/extent.py)
    lon = unwrap_lon_deg(lon, center)
    ev_lon = unwrap_lon_deg(np.asarray(events.get("lon_deg", []), float), center)
    fig, ax = plt.subplots(figsize=(11, 9))
    arcs = [a + np.array([turn, 0.0]) for turn in (-360.0, 0.0, 360.0)
            for a in land_arcs((b[0] - turn, b[1], b[2] - turn, b[3]))]
    for a in arcs:
        ax.plot(a[:, 0], a[:, 1], color="#8a8a7a", lw=0.7)
    ids = np.asarray(movers["mover_id"]).tolist()
    force = dict(zip(ids, movers["force"], strict=True))
    kind = dict(zip(ids, movers["kind"], strict=True))
    sid = np.asarray(states["mover_id"])
    t = np.asarray(states["time_s"], float)
    order = np.lexsort((t, sid))
    sid, lat, lon = sid[order], lat[order], lon[order]
    starts = np.flatnonzero(np.r_[True, sid[1:] != sid[:-1]])
    ends = np.r_[starts[1:], sid.size]
    lx, ly, lt, lc = [], [], [], []
    used: dict[str, str] = {}
    for i0, i1 in zip(starts.tolist(), ends.tolist(), strict=True):
        m = int(sid[i0])
        c = ctx.force_color.get(force.get(m, ""), "#666")
        used[ctx.force_nation.get(force.get(m, ""), "")] = c
        if kind.get(m) in MISSILES:
            ax.plot(lon[i0:i1], lat[i0:i1], color=c, lw=0.7, alpha=0.7)
        else:
            if i1 - i0 > 1 and (np.ptp(lon[i0:i1]) > 1e-3 or np.ptp(lat[i0:i1]) > 1e-3):
                ax.plot(lon[i0:i1], lat[i0:i1], color=c, lw=1.4, alpha=0.5)
            ax.plot(lon[i0], lat[i0], "^" if kind.get(m) in ("asset", "ship") else "s", color=c, ms=6)
            lx.append(lon[i0])
            ly.append(lat[i0])
            lt.append(ctx.mover_name.get(m, ""))
            lc.append(c)
    ek = events.get("kind", [])
    hits = [i for i, x in enumerate(ek) if x in ("intercept", "impact")]
    marks = np.column_stack([ev_lon[hits], np.asarray(events["lat_deg"], float)[hits]]) \
        if hits else np.zeros((0, 2))
    for k, mk, c in (("intercept", "x", "#111111"), ("impact", "*", "#c0392b")):
        sel = [i for i, x in enumerate(ek) if x == k]
        if sel:
            ax.plot(ev_lon[sel], np.asarray(events["lat_deg"])[sel], mk, color=c, ms=9,
                    label=k, zorder=4)
    for nation, c in used.items():
        ax.plot([], [], "s", color=c, label=nation)
    ax.set_xlim(b[0], b[2])
    ax.set_ylim(b[1], b[3])
    ax.set_aspect(1 / np.cos(np.radians(np.mean(lat))))
    ax.set_xlabel("longitude (°)")
    ax.set_ylabel("latitude (°)")
    ax.legend(loc="lower left", fontsize=8, framealpha=0.85)
    if lx:
        place_labels(ax, np.asarray(lx), np.asarray(ly), lt, lc, fontsize=7, obstacles=marks[np.isfinite(marks).all(1)])
    note = "" if asset_file(LAND_ASSET) else " (coastline not drawn: the viewer's assets are not installed)"
    ax.set_title("scenario map: tracks of every mover, intercepts and impacts" + note)
    return "<h3>Scenario map</h3>" + svg(fig, "map", used, "scenario map")


def _timeline(ctx: ReportContext) -> str:
    plt = _plt()
    events = ctx.table("events")
    t = np.asarray(events.get("time_s", []), float)
    if t.size == 0:
        return '<h3>Raid timeline</h3><p class="note">no events</p>'
    kinds = np.asarray(events["kind"], object)
    forces = np.asarray(events["force"], object)
    fs = list(dict.fromkeys(events["force"]))
    fig, ax = plt.subplots(figsize=(10, 1.4 + 0.45 * len(EVENT_ROWS)))
    used = {}
    for fi, f in enumerate(fs):
        c = ctx.force_color.get(f, "#666")
        nation = ctx.force_nation.get(f, f)
        used[nation] = c
        first = True
        for ri, k in enumerate(EVENT_ROWS):
            sel = (kinds == k) & (forces == f)
            if sel.any():
                y = ri + (fi - (len(fs) - 1) / 2) * 0.15
                ax.plot(t[sel], np.full(int(sel.sum()), y), "|", ms=12, mew=1.5, color=c,
                        label=nation if first else None)
                first = False
    ax.set_yticks(range(len(EVENT_ROWS)), [label(k) for k in EVENT_ROWS])
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), title="nation", frameon=False)
    ax.set_title("raid timeline: launches, detections, orders, interceptor launches, intercepts, impacts")
    from amdsim.review.figures import _time_axis

    _time_axis(ax, float(t.max()))
    return "<h3>Raid timeline</h3>" + svg(fig, "timeline", used, "raid timeline")


def _picture_quality(ctx: ReportContext) -> str:
    """Each blue force's air picture against the truth: the summary's scores and the position error of
    its own confirmed tracks over time (median and 90th percentile per output instant)."""
    quality = ctx.summary.get("tracking") or {}
    if not quality:
        return ""
    keys = ("confirmed_tracks", "false_tracks", "track_breaks", "threats_held", "median_error_m", "p95_error_m",
            "tracks_per_threat")
    out = "<h3>Air picture quality</h3>" + table(
        ["force", *[label(k.replace("_m", "")) + (" (m)" if k.endswith("_m") else "") for k in keys]],
        [[f"{f} ({ctx.force_nation.get(f, '')})", *[number(q.get(k)) for k in keys]] for f, q in quality.items()])
    tracks = ctx.table("tracks")
    err = np.asarray(tracks.get("error_m", []), float)
    series = []
    if err.size:
        t = np.asarray(tracks["time_s"], float)
        force = np.asarray(tracks["force"], object)
        own = (np.asarray(tracks["source_force"], object) == force) & np.asarray(tracks["confirmed"], bool)
        for f in quality:
            sel = own & (force == f) & np.isfinite(err) & (err > 0)   # the perfect picture has no error
            if not sel.any():
                continue
            tt, ee = t[sel], err[sel]
            times, inv = np.unique(tt, return_inverse=True)
            med = np.array([np.median(ee[inv == j]) for j in range(times.size)])
            p90 = np.array([np.percentile(ee[inv == j], 90) for j in range(times.size)])
            gap: np.ndarray | list[int] = (np.flatnonzero(np.diff(times) > 3 * np.median(np.diff(times))) + 1
                                           if times.size > 2 else [])
            series.append((f, *(np.insert(a.astype(float), gap, np.nan) for a in (times, med, p90))))
    if series:
        plt = _plt()
        from matplotlib.ticker import FuncFormatter

        from amdsim.review.figures import _time_axis

        fig, ax = plt.subplots(figsize=(8, 3.2))
        used = {}
        for f, times, med, p90 in series:
            c = ctx.force_color.get(f, "#666")
            nation = ctx.force_nation.get(f, f)
            used[nation] = c
            ax.plot(times, med, color=c, label=f"{nation} median")
            ax.plot(times, p90, ls=":", color=c, label=f"{nation} 90th percentile")
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: metres(v)))
        ax.set_ylabel("track position error")
        _time_axis(ax, float(np.nanmax([np.nanmax(s[1]) for s in series])))
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        out += svg(fig, "picture-error", used, "track position error")
    return out


def _detection_ranges(ctx: ReportContext) -> str:
    plt = _plt()
    events = ctx.table("events")
    ek = events.get("kind", [])
    sel = [i for i, k in enumerate(ek) if k == "detection" and np.isfinite(events["value"][i])]
    if not sel:
        return '<h3>First detection range</h3><p class="note">no detections</p>'
    mtype = dict(zip(np.asarray(ctx.movers["mover_id"]).tolist(), ctx.movers["type"], strict=True))
    targets = np.asarray(events["target_id"])[sel]
    rng_km = np.asarray(events["value"], float)[sel] / 1000.0
    alt = np.asarray(events["alt_m"], float)[sel]
    types = [mtype.get(int(x), "?") for x in targets]
    fig, ax = plt.subplots(figsize=(8, 4))
    rows = []
    cmap = plt.get_cmap("Dark2")
    for k, ty in enumerate(sorted(set(types))):
        s = [i for i, x in enumerate(types) if x == ty]
        ax.scatter(alt[s], rng_km[s], label=ty, s=26, color=cmap(k % 8))
        rows.append([ty, number(len(s)), quantity(float(np.min(rng_km[s])), "km"),
                     quantity(float(np.median(rng_km[s])), "km"), quantity(float(np.max(rng_km[s])), "km"),
                     metres(float(np.median(alt[s])))])
    ax.set_xscale("log")
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: metres(v)))
    ax.set_xlabel("threat altitude at first detection")
    ax.set_ylabel("first-detection range (km)")
    ax.legend(fontsize=8, title="threat type")
    ax.grid(alpha=0.3)
    return ("<h3>First detection range</h3>" + svg(fig, "detection-range", {}, "first detection range")
            + table(["threat type", "detections", "min", "median", "max", "median altitude"], rows))


def _ballistic(ctx: ReportContext) -> str:
    from amdsim.review.ballistic import ballistic_section

    return ballistic_section(ctx.detail_dir, ctx.movers, ctx.table("events"), ctx.summary)


def _siap(ctx: ReportContext) -> str:
    from amdsim.review.siap import siap_section

    return siap_section(ctx.summary)


def _engagements(ctx: ReportContext) -> str:
    eng = ctx.table("engagements")
    outcomes = list(eng.get("outcome", []))
    if not outcomes:
        return '<h3>Engagements</h3><p class="note">no engagements</p>'
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o] = counts.get(o, 0) + 1
    shooter = eng.get("shooter") or [str(x) for x in np.asarray(eng.get("shooter_id", []))]
    force = list(eng["force"])
    rows = [[shooter[i], ctx.force_nation.get(force[i], force[i]),
             ctx.mover_name.get(int(eng["target_id"][i]), DASH), seconds(float(eng["launch_time_s"][i])),
             seconds(float(eng["end_time_s"][i])), metres(float(eng["miss_m"][i])), number(float(eng["pk"][i])),
             label(outcomes[i])] for i in range(len(outcomes))]
    summary = ", ".join(f"{number(n)} {label(o)}" for o, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    return (f"<h3>Engagements</h3><p>{len(outcomes)} interceptors: {summary}.</p>"
            "<details><summary>every shot</summary>"
            + table(["shooter", "nation", "target", "launched", "ended", "miss distance", "Pk", "outcome"], rows,
                    "engagements")
            + "</details>")


def _interceptor_use(ctx: ReportContext) -> str:
    by_shooter = ctx.summary.get("interceptors_by_shooter") or {}
    if not by_shooter:
        return ""
    vals = [v if isinstance(v, (int, float)) else len(v) if hasattr(v, "__len__") else 0 for v in by_shooter.values()]
    return "<h3>Interceptor use</h3>" + table(["shooter", "interceptors fired"],
                                              [[k, number(v)] for k, v in zip(by_shooter, vals, strict=True)])


def _sspk(ctx: ReportContext) -> str:
    from amdsim.review.sspk import sspk_section

    return sspk_section(ctx.folder).replace("<h2>", "<h3>").replace("</h2>", "</h3>")


#: The report's sections, in reading order.
def _contested(ctx: ReportContext) -> str:
    """Fratricide, identification, jamming and radar load (issue 20; review/contested.py; empty if uncontested)."""
    from amdsim.review.contested import contested_section

    return "".join(contested_section(ctx.folder))


SECTIONS: list[Section] = [_nations_legend, _answers, _leakers, _contested, _swimlane, _magazines, _details_open,
                           _batch_statistics, _overview, _timeline, _picture_quality, _siap, _detection_ranges, _ballistic,
                           _engagements, _interceptor_use, _sspk]


def add_section(section: Section, after: Section | None = None) -> None:
    """Add a section (a function of the :class:`ReportContext` returning HTML) to every report, after
    ``after`` (default: at the end of the details)."""
    SECTIONS.insert(SECTIONS.index(after) + 1 if after in SECTIONS else len(SECTIONS), section)


def _plt():
    from amdsim.review.figures import _mpl

    return _mpl()


def land_arcs(bounds: tuple[float, float, float, float] | None = None) -> list[np.ndarray]:
    """Coastline polylines (lon, lat degrees; list of arrays (n, 2)) from world-atlas land-50m.

    Decodes the TopoJSON quantized, delta-encoded arcs (TopoJSON specification, "transforms");
    returns [] when the viewer's assets are not found (:mod:`amdsim.review.assets`). ``bounds`` (lon0, lat0, lon1, lat1)
    keeps only arcs with a point inside.
    """
    land_file = asset_file(LAND_ASSET)
    if land_file is None:
        return []
    topo = json.loads(land_file.read_text())
    scale = np.asarray(topo["transform"]["scale"], float)
    translate = np.asarray(topo["transform"]["translate"], float)
    out = []
    for arc in topo["arcs"]:
        pts = np.cumsum(np.asarray(arc, float), axis=0) * scale + translate
        if bounds is not None:
            inside = ((pts[:, 0] >= bounds[0]) & (pts[:, 0] <= bounds[2]) & (pts[:, 1] >= bounds[1])
                      & (pts[:, 1] <= bounds[3]))
            if not inside.any():
                continue
        out.append(pts)
    return out


def magazine_series(mag: dict) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per shooter name: (times s, rounds on its launchers: ready + booked) from magazines.parquet.

    The table has every launcher at the output rate and the launchers that changed in between; each
    launcher's last row is carried forward and summed over the shooter's launchers at every time.
    """
    t = np.asarray(mag.get("time_s", []), float)
    if t.size == 0:
        return {}
    shooter = np.asarray(mag["shooter"], object)
    launcher = np.asarray(mag["launcher"], np.int64)
    rounds = np.asarray(mag["rounds_ready"], np.int64) + np.asarray(mag["rounds_reserved"], np.int64)
    out = {}
    for name in dict.fromkeys(shooter.tolist()):          # first-seen order
        sel = np.flatnonzero(shooter == name)
        times = np.unique(t[sel])
        lau = np.unique(launcher[sel])
        grid = np.zeros((times.size, lau.size), np.int64)
        filled = np.zeros((times.size, lau.size), bool)
        ti = np.searchsorted(times, t[sel])
        li = np.searchsorted(lau, launcher[sel])
        grid[ti, li] = rounds[sel]
        filled[ti, li] = True
        for j in range(lau.size):                           # carry each launcher's last value forward
            idx = np.where(filled[:, j], np.arange(times.size), -1)
            idx = np.maximum.accumulate(idx)
            grid[:, j] = np.where(idx >= 0, grid[np.maximum(idx, 0), j], 0)
        out[name] = (times, grid.sum(axis=1))
    return out


def write_report(path: str | Path, out: str | Path | None = None) -> Path:
    """Write ``report.html`` for a run, batch or sweep folder and return its path.

    Parameters
    ----------
    path : path
        Run folder, batch folder (the answers over every replication, details of the first), or sweep
        folder (``sweep.json``: :func:`amdsim.review.sweep_report.write_sweep_report`).
    out : path, optional
        HTML file (default ``path/report.html``).
    """
    if (Path(path) / "sweep.json").is_file():
        from amdsim.review.sweep_report import write_sweep_report

        return write_sweep_report(path, out)
    folder = check_folder(path)
    runs = completed(folder)
    detail = runs[0][0] if runs else replication_dirs(folder)[0]
    ctx = ReportContext(folder, runs, detail)
    run = ctx.summary.get("run", {})
    title = f"After-action review: {run.get('scenario', folder.name)}"
    n_reps = len(replication_dirs(folder))
    meta = (f'<p class="note">{html.escape(str(folder))} · seed {html.escape(str(run.get("seed", DASH)))} · '
            f"{'run' if n_reps == 1 else f'{n_reps} replications'} · {seconds(run.get('duration_s'))} simulated from "
            f"{html.escape(str(run.get('start_utc', '')))} · amdsim {html.escape(str(run.get('amdsim_version', '')))}"
            "</p>")
    body = [f"<h1>{html.escape(title)}</h1>", meta, *(s(ctx) for s in SECTIONS)]
    out = Path(out) if out is not None else folder / "report.html"
    return write_html(html_page(title, "".join(body)), out)


__all__ = ["SECTIONS", "ReportContext", "add_section", "land_arcs", "magazine_series", "write_report"]
