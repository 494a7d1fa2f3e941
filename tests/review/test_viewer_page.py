"""The viewer's page in Chromium on runs that broke it (issue 17): 219,000 state rows (the start-up code's
``Math.min(...times)`` threw ``RangeError: Maximum call stack size exceeded``) and a raid across the
antimeridian (launch sites near 179 E, the defended base near 179.9 W: tracks interpolated linearly in
longitude were drawn across the world)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
import yaml

from amdsim.records.writer import write_json_atomic, write_parquet_atomic
from tests.conftest import serve_folder
from tests.review.conftest import viewer_page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DATA = Path(__file__).resolve().parents[1] / "data"
N_MOVERS, N_TIMES = 300, 730           # 219,000 state rows


def shift_lon(node, d: float):
    """A scenario's YAML tree with every ``lon_deg`` moved east by ``d`` degrees (wrapped to +-180)."""
    if isinstance(node, dict):
        return {k: ((v + d + 180.0) % 360.0 - 180.0 if k == "lon_deg" and isinstance(v, int | float)
                    else shift_lon(v, d)) for k, v in node.items()}
    if isinstance(node, list):
        return [shift_lon(v, d) for v in node]
    return node


@pytest.fixture(scope="module")
def antimeridian_dir(tmp_path_factory) -> Path:
    """tests/data/small.yaml moved 53.2 deg east: launch sites at 178.8 E and 179.8 E, the air base at
    179.85 W (a real run of 250 s, a few seconds)."""
    from amdsim.engine.run import run_replication
    from amdsim.scenario import load_compiled

    tmp = tmp_path_factory.mktemp("antimeridian")
    raw = shift_lon(yaml.safe_load((DATA / "small.yaml").read_text()), 53.2)
    raw["name"] = "raid across the antimeridian"
    raw["duration_s"] = 250          # launches, first intercepts and the ballistic missile's flight
    (tmp / "antimeridian.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))
    out = tmp / "run"
    summary = run_replication(load_compiled(tmp / "antimeridian.yaml"), 0, out)
    assert summary["counts"]["launched"] == 5
    return out


@pytest.fixture(scope="module")
def large_dir(tmp_path_factory) -> Path:
    """A synthetic run folder of 300 movers over 730 output instants: 219,000 state rows."""
    out = tmp_path_factory.mktemp("large") / "run"
    out.mkdir()
    ids = np.arange(N_MOVERS, dtype=np.int32)
    kinds = np.where(ids % 3 == 0, "cruise_missile", "aircraft")
    sides = np.where(ids % 2 == 0, "red", "blue")
    write_parquet_atomic(pa.table({
        "mover_id": ids, "name": [f"mover {i}" for i in ids], "kind": kinds, "force": sides, "side": sides,
        "nation": ["Avalon"] * N_MOVERS, "type": ["synthetic"] * N_MOVERS, "parent_id": np.full(N_MOVERS, -1, np.int32),
    }), out / "movers.parquet")
    t = np.repeat(np.arange(N_TIMES) * 5.0, N_MOVERS)
    m = np.tile(ids, N_TIMES)
    lat = 30.0 + (m % 20) * 0.5 + t * 1e-4
    lon = 10.0 + (m // 20) * 0.5 + t * 2e-4
    zeros = np.zeros(t.size)
    write_parquet_atomic(pa.table({
        "time_s": t, "mover_id": m, "kind": np.take(kinds, m), "force": np.take(sides, m), "lat_deg": lat,
        "lon_deg": lon, "alt_m": np.full(t.size, 5000.0), "x_m": zeros, "y_m": zeros, "z_m": zeros,
        "vx_mps": zeros, "vy_mps": zeros, "vz_mps": zeros, "speed_mps": np.full(t.size, 250.0),
        "heading_deg": np.full(t.size, 45.0), "alive": np.ones(t.size, bool)}), out / "states.parquet")
    write_parquet_atomic(pa.table({
        "time_s": [100.0], "kind": ["launch"], "actor_id": np.asarray([0], np.int32),
        "target_id": np.asarray([-1], np.int32), "force": ["red"], "lat_deg": [30.0], "lon_deg": [10.0],
        "alt_m": [0.0], "value": [float("nan")], "detail": [""]}), out / "events.parquet")
    write_json_atomic({"run": {"scenario": "synthetic large run", "complete": True}}, out / "summary.json")
    return out


@contextlib.contextmanager
def viewer_of(browser, folder: Path):
    """A ready Chromium page on the viewer of ``folder`` (served for the block)."""
    gen = serve_folder(folder)
    srv = next(gen)
    try:
        with viewer_page(browser, srv.server_address[1], timeout_s=120) as pg:
            yield pg
    finally:
        next(gen, None)


def set_slider(pg, fraction: float) -> None:
    pg.evaluate(f"""() => {{ const s = document.getElementById('slider');
        s.value = Number(s.min) + {fraction} * (Number(s.max) - Number(s.min)); s.dispatchEvent(new Event('input')); }}""")


@pytest.mark.browser
def test_page_with_219000_state_rows_starts_without_errors(chromium, large_dir):
    with viewer_of(chromium, large_dir) as pg:
        assert pg.errors == []
        v = pg.evaluate("() => [window.amdsimViewer.t0, window.amdsimViewer.t1, "
                        "Object.keys(window.amdsimViewer.markers).length]")
        assert v == [0.0, (N_TIMES - 1) * 5.0, N_MOVERS]
        set_slider(pg, 0.5)
        assert pg.evaluate("() => window.amdsimViewer.layers.movers.getLayers().length") == N_MOVERS
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "viewer_large.png"))
        assert pg.errors == []


TRAIL_SPANS = """() => window.amdsimViewer.layers.trails.getLayers().map((p) => {
    const b = p.getBounds(); return b.getEast() - b.getWest(); })"""
MARKER_LNGS = "() => window.amdsimViewer.layers.movers.getLayers().map((m) => m.getLatLng().lng)"


@pytest.mark.browser
def test_antimeridian_raid_is_drawn_across_the_dateline_not_the_world(chromium, antimeridian_dir):
    with viewer_of(chromium, antimeridian_dir) as pg:
        pg.wait_for_selector("path.land", state="attached", timeout=30000)
        assert abs(abs(pg.evaluate("() => window.amdsimViewer.lonCenter")) - 180) < 2
        spans, lngs = [], []
        for fraction in (0.1, 0.2, 0.3, 0.45):
            set_slider(pg, fraction)
            spans += pg.evaluate(TRAIL_SPANS)
            lngs += pg.evaluate(MARKER_LNGS)
        assert spans, "no missile trail drawn"
        assert max(spans) < 5.0, f"a trail spans {max(spans):.1f} deg of longitude"
        assert max(lngs) - min(lngs) < 5.0 and min(lngs) > 170.0      # all on one side, beyond 180 E
        b = pg.evaluate("() => { const b = window.amdsimViewer.map.getBounds(); return [b.getWest(), b.getEast()]; }")
        assert b[1] - b[0] < 30.0 and b[0] < 180.0 < b[1], b                 # the view straddles the dateline
        assert pg.locator("path.land").count() >= 2                          # land on both sides of it
        set_slider(pg, 0.3)
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "viewer_antimeridian.png"))
        assert pg.errors == []


def test_report_overview_of_the_antimeridian_raid_spans_degrees_not_the_world(antimeridian_dir, monkeypatch):
    from amdsim.review import report
    from amdsim.review.data import load_table
    from amdsim.review.extent import map_extent

    st = load_table(antimeridian_dir, "states")
    assert st["lon_deg"].min() < -179.0 and st["lon_deg"].max() > 178.0      # the raid does cross it
    lon0, _, lon1, _, center = map_extent(st["lat_deg"], st["lon_deg"])
    assert lon1 - lon0 < 5.0 and lon0 < 180.0 < lon1 and abs(abs(center) - 180.0) < 2.0
    xlims: list[tuple] = []
    svg = report.svg
    monkeypatch.setattr(report, "svg", lambda fig, *a, **k: (xlims.append(fig.axes[0].get_xlim()), svg(fig, *a, **k))[1])
    runs = report.completed(antimeridian_dir)
    html = report._overview(report.ReportContext(antimeridian_dir, runs, antimeridian_dir))
    assert "<svg" in html and len(xlims) == 1
    x0, x1 = xlims[0]
    assert x1 - x0 < 5.0 and x0 < 180.0 < x1, xlims          # was -180..180 before (issue 17)
