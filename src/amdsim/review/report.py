"""Self-contained HTML after-action report of a run or batch folder (``amdsim report``).

Figures are matplotlib PNGs embedded as base64; no script, no CDN, opens offline. Sections: run
summary, scenario overview map (land outline from the viewer's world-atlas package when installed),
raid timeline per force, the air picture's quality against the truth (tracking scores, position
error over time, ballistic launch/impact estimates), first-detection range by threat type and
altitude, engagement outcomes,
interceptor use, magazines (rounds on the launchers over time per shooter, and the magazine table of
summary.json) and, for a batch folder, the statistics table with confidence intervals
(``amdsim.results.stats.batch_statistics`` when importable).
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from amdsim.results.stats import batch_statistics
from amdsim.review.data import check_folder, is_batch, load_summary, load_table, replication_dirs

SIDE_COLOR = {"blue": "#2a6cff", "red": "#e02828"}
EVENT_ROWS = ("launch", "detection", "engagement_order", "interceptor_launch", "intercept", "impact")
LAND_FILE = Path(__file__).resolve().parent / "viewer" / "node_modules" / "world-atlas" / "land-50m.json"

_CSS = """body{font:14px system-ui,sans-serif;max-width:1100px;margin:20px auto;padding:0 12px;color:#222}
h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid #ccc;padding-bottom:3px;margin-top:28px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}img{max-width:100%}.note{color:#666}"""


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return f'<img alt="figure" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _table(header: list[str], rows: list[list]) -> str:
    def cell(v):
        if isinstance(v, float):
            return "" if not np.isfinite(v) else f"{v:,.3g}" if abs(v) < 1e4 else f"{v:,.0f}"
        return html.escape(str(v))

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def land_arcs(bounds: tuple[float, float, float, float] | None = None) -> list[np.ndarray]:
    """Coastline polylines (lon, lat degrees; list of arrays (n, 2)) from world-atlas land-50m.

    Decodes the TopoJSON quantized, delta-encoded arcs (TopoJSON specification, "transforms");
    returns [] when the viewer's node_modules are not installed. ``bounds`` (lon0, lat0, lon1, lat1)
    keeps only arcs with a point inside.
    """
    if not LAND_FILE.exists():
        return []
    topo = json.loads(LAND_FILE.read_text())
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


def _overview(movers: dict, states: dict, events: dict, sensors: dict) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lat, lon = np.asarray(states["lat_deg"], float), np.asarray(states["lon_deg"], float)
    if lat.size == 0:
        return '<p class="note">no states recorded</p>'
    pad = 0.5
    b = (lon.min() - pad, lat.min() - pad, lon.max() + pad, lat.max() + pad)
    fig, ax = plt.subplots(figsize=(9, 6.5))
    arcs = land_arcs(b)
    for a in arcs:
        ax.plot(a[:, 0], a[:, 1], color="#777", lw=0.7)
    side = dict(zip(np.asarray(movers["mover_id"]).tolist(), movers["side"], strict=False))
    kind = dict(zip(np.asarray(movers["mover_id"]).tolist(), movers["kind"], strict=False))
    name = dict(zip(np.asarray(movers["mover_id"]).tolist(), movers["name"], strict=False))
    ids = np.asarray(states["mover_id"])
    t = np.asarray(states["time_s"], float)
    for m in np.unique(ids):
        rows = np.flatnonzero(ids == m)
        rows = rows[np.argsort(t[rows])]
        c = SIDE_COLOR.get(side.get(int(m), ""), "#666")   # "" (no side recorded): not a key
        if kind.get(int(m)) in ("ballistic_missile", "cruise_missile", "interceptor"):
            ax.plot(lon[rows], lat[rows], color=c, lw=0.8, alpha=0.8)
        else:
            ax.plot(lon[rows], lat[rows], color=c, lw=1.5, alpha=0.5)
            ax.plot(lon[rows[0]], lat[rows[0]], "s", color=c, ms=7)
            ax.annotate(name.get(int(m), ""), (lon[rows[0]], lat[rows[0]]), fontsize=8, xytext=(4, 4),
                        textcoords="offset points")
    ek = events.get("kind", [])
    for k, mk, c in (("intercept", "x", "green"), ("impact", "*", "orange")):
        sel = [i for i, x in enumerate(ek) if x == k]
        if sel:
            ax.plot(np.asarray(events["lon_deg"])[sel], np.asarray(events["lat_deg"])[sel], mk, color=c, ms=9, label=k)
    ax.set_xlim(b[0], b[2])
    ax.set_ylim(b[1], b[3])
    ax.set_aspect(1 / np.cos(np.radians(np.mean(lat))))
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    if ek:
        ax.legend(loc="best", fontsize=8)
    ax.set_title("scenario overview" + ("" if arcs else " (no land outline: viewer node_modules not installed)"))
    return _png(fig)


def _timeline(events: dict) -> str:
    import matplotlib.pyplot as plt

    t = np.asarray(events.get("time_s", []), float)
    if t.size == 0:
        return '<p class="note">no events</p>'
    forces = sorted(set(events["force"]))
    fig, ax = plt.subplots(figsize=(10, 1.2 + 0.45 * len(EVENT_ROWS) * max(1, len(forces)) ** 0.5))
    cmap = plt.get_cmap("tab10")
    for fi, f in enumerate(forces):
        for ri, k in enumerate(EVENT_ROWS):
            sel = [i for i in range(t.size) if events["kind"][i] == k and events["force"][i] == f]
            if sel:
                y = ri + (fi - (len(forces) - 1) / 2) * 0.15
                ax.plot(t[sel], np.full(len(sel), y), "|", ms=14, mew=2, color=cmap(fi % 10),
                        label=f if ri == next(r for r, kk in enumerate(EVENT_ROWS) if any(
                            events["kind"][i] == kk and events["force"][i] == f for i in range(t.size))) else None)
    ax.set_yticks(range(len(EVENT_ROWS)), EVENT_ROWS)
    ax.set_xlabel("time (s)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), title="force")
    ax.set_title("raid timeline: launches, detections, shots, intercepts, impacts (leaks)")
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def _detection_ranges(movers: dict, events: dict) -> tuple[str, list[list]]:
    import matplotlib.pyplot as plt

    ek = events.get("kind", [])
    sel = [i for i, k in enumerate(ek) if k == "detection" and np.isfinite(events["value"][i])]
    if not sel:
        return '<p class="note">no detections</p>', []
    mtype = dict(zip(np.asarray(movers["mover_id"]).tolist(), movers["type"], strict=False))
    targets = np.asarray(events["target_id"])[sel]
    rng_km = np.asarray(events["value"], float)[sel] / 1000.0
    alt = np.asarray(events["alt_m"], float)[sel]
    types = [mtype.get(int(x), "?") for x in targets]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    rows = []
    for k, ty in enumerate(sorted(set(types))):
        s = [i for i, x in enumerate(types) if x == ty]
        ax.scatter(alt[s], rng_km[s], label=ty, s=30, color=plt.get_cmap("tab10")(k % 10))
        rows.append([ty, len(s), float(np.min(rng_km[s])), float(np.median(rng_km[s])), float(np.max(rng_km[s])),
                     float(np.median(alt[s]))])
    ax.set_xlabel("threat altitude at first detection (m)")
    ax.set_ylabel("first-detection range (km)")
    ax.set_title("first detection range by threat type and altitude")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _png(fig), rows


def _bar(labels: list[str], values: Sequence[float], title: str, ylabel: str) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.bar(range(len(labels)), values, color="#4a7fc0")
    ax.set_xticks(range(len(labels)), labels, rotation=20, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return _png(fig)


def _picture_quality(summary: dict, tracks: dict) -> str:
    """Each blue force's air picture against the truth: the summary's scores, the position error of
    its own confirmed tracks over time (median and 90th percentile per output instant), and the
    ballistic launch/impact estimates."""
    quality = summary.get("tracking") or {}
    if not quality:
        return ""
    keys = ("confirmed_tracks", "false_tracks", "track_breaks", "threats_held", "median_error_m", "p95_error_m",
            "tracks_per_threat")
    out = _table(["force", *[k.replace("_", " ") for k in keys]],
                 [[f, *[q.get(k) if q.get(k) is not None else float("nan") for k in keys]] for f, q in quality.items()])
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
            times = np.unique(t[sel])
            med = np.array([np.median(err[sel & (t == x)]) for x in times])
            p90 = np.array([np.percentile(err[sel & (t == x)], 90) for x in times])
            # no line across the spans where the force held no track
            gap: np.ndarray | list[int] = (np.flatnonzero(np.diff(times) > 3 * np.median(np.diff(times))) + 1
                                           if times.size > 2 else [])
            series.append((f, *(np.insert(a.astype(float), gap, np.nan) for a in (times, med, p90))))
    if series:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 3.2))
        for f, times, med, p90 in series:
            line = ax.plot(times, med, label=f"{f} median")[0]
            ax.plot(times, p90, ls=":", color=line.get_color(), label=f"{f} 90th percentile")
        ax.set_yscale("log")
        ax.set_xlabel("time (s)")
        ax.set_ylabel("track position error (m)")
        ax.legend(fontsize=8)
        out += _png(fig)
    est = [e for e in summary.get("ballistic_estimates") or [] if e.get("launch") or e.get("impact")]
    if est:
        def col(e, key, field):
            v = (e.get(key) or {}).get(field)
            return float(v) if v is not None else float("nan")

        out += "<p>Ballistic tracks: launch and impact points estimated once the track was firm (95 % ellipse " \
               "semi-axes; error against the launch site and the true gravity-only impact).</p>" + _table(
            ["time s", "force", "threat", "launch error m", "launch ellipse m", "impact error m", "impact ellipse m"],
            [[float(e["time_s"]), e["force"], e.get("truth") or "-", col(e, "launch", "error_m"),
              col(e, "launch", "ellipse95_semi_major_m"), col(e, "impact", "error_m"),
              col(e, "impact", "ellipse95_semi_major_m")] for e in est])
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


def _magazines(summary: dict, mag: dict) -> str:
    """The "Magazines" section: rounds on the launchers over time, one line per shooter (named by
    shooter and nation), and the per-shooter magazine table of summary.json."""
    table = summary.get("magazines") or {}
    series = magazine_series(mag)
    if not table and not series:
        return ""
    out = ""
    if series:
        import matplotlib.pyplot as plt

        nation = dict(zip(mag["shooter"], mag["nation"], strict=True))
        fig, ax = plt.subplots(figsize=(8, 3.6))
        for name, (times, rounds) in series.items():
            ax.step(times, rounds, where="post", label=f"{name} ({nation.get(name, '')})")
        ax.set_xlabel("time (s)")
        ax.set_ylabel("rounds on launchers")
        ax.set_title("rounds left on the launchers (ready + booked) per shooter")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        out += _png(fig)
    if table:
        keys = ("launchers", "magazine_size", "reloads", "fired", "left", "reloads_used", "reserve")
        out += ('<p>Per shooter at the end of the run: magazine size (rounds on the launchers at the start), '
                "spare rounds for reloads, rounds fired and left (on launchers, in reload and spare), spare rounds "
                "loaded, and the ballistic reserve (rounds the doctrine keeps for ballistic threats).</p>")
        out += _table(["shooter", "nation", "interceptor", *[k.replace("_", " ") for k in keys]],
                      [[name, m.get("nation", ""), m.get("interceptor_type", ""), *[m.get(k, "") for k in keys]]
                       for name, m in table.items()])
    return out


def _run_sections(run_dir: Path) -> list[str]:
    movers = load_table(run_dir, "movers")
    states = load_table(run_dir, "states")
    events = load_table(run_dir, "events")
    sensors = load_table(run_dir, "sensors")
    eng = load_table(run_dir, "engagements")
    summary = load_summary(run_dir)
    parts = []
    counts = summary.get("counts", {})
    rows = [[k.replace("_", " "), v] for k, v in counts.items() if isinstance(v, (int, float))]
    for key in ("leakers", "interceptors_expended", "interceptors_per_kill", "double_engagements",
                "mean_detect_to_first_shot_s"):
        if isinstance(summary.get(key), (int, float)):
            rows.append([key.replace("_", " "), float(summary[key]) if isinstance(summary[key], float) else summary[key]])
    parts.append("<h2>Outcome</h2>" + (_table(["measure", "value"], rows) if rows else '<p class="note">no summary.json</p>'))
    per_asset = summary.get("leakers_per_asset") or {}
    if per_asset:
        parts.append(_table(["asset", "leakers"], [[a, n] for a, n in per_asset.items()]))
    parts.append("<h2>Scenario overview</h2>" + _overview(movers, states, events, sensors))
    parts.append("<h2>Raid timeline per force</h2>" + _timeline(events))
    picture = _picture_quality(summary, load_table(run_dir, "tracks"))
    if picture:
        parts.append("<h2>Air picture quality</h2>" + picture)
    img, det_rows = _detection_ranges(movers, events)
    parts.append("<h2>First detection range</h2>" + img + (_table(
        ["threat type", "detections", "min km", "median km", "max km", "median alt m"], det_rows) if det_rows else ""))
    from amdsim.review.ballistic import ballistic_section

    parts.append(ballistic_section(run_dir, movers, events, summary))     # launch warning, first detections
    outcomes = list(eng.get("outcome", []))
    if outcomes:
        labels = sorted(set(outcomes))
        counts_o = [outcomes.count(x) for x in labels]
        shooter_col = eng.get("shooter") or [str(x) for x in np.asarray(eng.get("shooter_id", []))]
        parts.append("<h2>Engagement outcomes</h2>" + _bar(labels, counts_o, "engagements by outcome", "shots")
                     + _table(["shot", "shooter", "target", "force", "launch s", "end s", "miss m", "pk", "outcome"],
                              [[int(eng["shot_id"][i]), shooter_col[i], int(eng["target_id"][i]), eng["force"][i],
                                float(eng["launch_time_s"][i]), float(eng["end_time_s"][i]), float(eng["miss_m"][i]),
                                float(eng["pk"][i]), outcomes[i]] for i in range(len(outcomes))]))
    else:
        parts.append('<h2>Engagement outcomes</h2><p class="note">no engagements</p>')
    by_shooter = summary.get("interceptors_by_shooter") or {}
    if by_shooter:
        labels = list(by_shooter)
        vals = [float(v) if isinstance(v, (int, float)) else float(len(v)) if hasattr(v, "__len__") else 0.0
                for v in by_shooter.values()]
        parts.append("<h2>Interceptor use</h2>" + _bar(labels, vals, "interceptors expended by shooter", "rounds")
                     + _table(["shooter", "rounds"], [[k, v] for k, v in zip(labels, vals, strict=True)]))
    magazines = _magazines(summary, load_table(run_dir, "magazines"))
    if magazines:
        parts.append("<h2>Magazines</h2>" + magazines)
    return parts


def _batch_section(folder: Path) -> list[str]:
    import matplotlib.pyplot as plt

    stats = batch_statistics(folder)
    metrics = stats.get("metrics", {})
    rows = []
    for name, m in metrics.items():
        rows.append([name, m.get("n", ""), m.get("mean", float("nan")), m.get("lo", float("nan")),
                     m.get("hi", float("nan"))])
    level = stats.get("level", 0.95)
    parts = [f"<h2>Batch statistics ({stats.get('n_replications', len(replication_dirs(folder)))} replications, "
             f"{100 * float(level):.0f}% intervals)</h2>",
             _table(["metric", "n", "mean", "lower", "upper"], rows)]
    finite = [r for r in rows if all(isinstance(v, float) and np.isfinite(v) for v in r[2:5])]
    if finite:
        fig, axes = plt.subplots(len(finite), 1, figsize=(7, 0.7 * len(finite) + 0.6), squeeze=False)
        for ax, r in zip(axes[:, 0], finite, strict=True):
            ax.errorbar([r[2]], [0], xerr=[[r[2] - r[3]], [r[4] - r[2]]], fmt="o", capsize=4)
            ax.set_yticks([0], [r[0]])
            ax.grid(axis="x", alpha=0.3)
        fig.suptitle("means with confidence intervals")
        parts.append(_png(fig))
    return parts


def write_report(path: str | Path, out: str | Path | None = None) -> Path:
    """Write ``report.html`` for a run or batch folder and return its path.

    Parameters
    ----------
    path : path
        Run folder, or batch folder (statistics plus the first replication's figures).
    out : path, optional
        HTML file (default ``path/report.html``).
    """
    import matplotlib

    matplotlib.use("Agg")
    folder = check_folder(path)
    reps = replication_dirs(folder)
    first = reps[0]
    summary = load_summary(first)
    run = summary.get("run", {})
    title = f"amdsim after-action report: {run.get('scenario', folder.name)}"
    meta = _table(["field", "value"], [[k, run.get(k, "")] for k in
                                       ("scenario", "seed", "replication", "start_utc", "duration_s", "complete",
                                        "amdsim_version", "scenario_sha256") if k in run])
    parts = [f"<h1>{html.escape(title)}</h1>", f'<p class="note">folder: {html.escape(str(folder))}</p>', meta]
    from amdsim.review.leaks import leaks_section

    parts += leaks_section(folder)   # the answers first: leakers, causes, what would have saved them
    if is_batch(folder):
        parts += _batch_section(folder)
        parts.append(f"<h2>Replication {html.escape(first.name)} in detail</h2>")
    parts += _run_sections(first)
    # the engagement Monte Carlo: SSPK over every run of the folder
    from amdsim.review.sspk import sspk_section

    parts.append(sspk_section(folder))
    doc = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
           f"<style>{_CSS}</style></head><body>{''.join(parts)}</body></html>")
    out = Path(out) if out is not None else folder / "report.html"
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(doc, encoding="utf-8")
    tmp.replace(out)
    return out
