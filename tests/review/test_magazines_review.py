"""Magazines in the after-action review: the report's section, the viewer's API and battery details."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from amdsim.review.report import magazine_series, write_report
from amdsim.review.server import NODE_MODULES, make_server
from tests.conftest import serve_folder, wait_viewer_ready

DATA = Path(__file__).resolve().parents[1] / "data"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def reload_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("review_reloads") / "run"
    subprocess.run([sys.executable, "-m", "amdsim", "run", str(DATA / "reloads.yaml"), "--out", str(out), "--no-report"],
                   check=True, capture_output=True, timeout=300)
    return out


@pytest.fixture(scope="module")
def server(reload_dir):
    yield from serve_folder(reload_dir)


def _get(srv, path):
    conn = http.client.HTTPConnection(*srv.server_address[:2], timeout=10)
    conn.request("GET", path)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def test_report_has_a_magazines_section_with_figure_and_table(reload_dir, tmp_path):
    html = write_report(reload_dir, tmp_path / "r.html").read_text()
    sec = html[html.index("<h2>Magazines over time</h2>"):]
    sec = sec[:sec.find("<h2", 5)] if "<h2" in sec[5:] else sec
    fig = re.search(r'<figure data-figure="magazines"[^>]*>(.*?)</figure>', sec, re.S)
    assert fig and "<svg" in fig.group(1) and "bat_a (Avalon)" in fig.group(1)
    # the table: one row per shooter with nation, size, reloads, fired, left, reloads used, reserve
    summary = json.loads((reload_dir / "summary.json").read_text())["magazines"]
    a = summary["bat_a"]
    n = '<td class="n">'
    row = f"<tr><td>bat_a</td><td>Avalon</td><td>sam</td>{n}1</td>{n}2</td>{n}2</td>{n}{a['fired']}</td>" \
          f"{n}{a['left']}</td>{n}2</td>{n}1</td></tr>"
    assert row in sec and "<td>bat_b</td><td>Borealis</td>" in sec


def test_report_series_carry_each_launcher_forward():
    # two launchers of one shooter; launcher 2 changes alone at t = 3: the total is 2+2, 2+1, 1+1
    mag = {"time_s": [0.0, 0.0, 3.0, 5.0, 5.0], "shooter": ["s"] * 5, "launcher": [1, 2, 2, 1, 2],
           "rounds_ready": [2, 2, 1, 1, 1], "rounds_reserved": [0, 0, 0, 0, 0], "nation": ["N"] * 5}
    times, rounds = magazine_series(mag)["s"]
    assert times.tolist() == [0.0, 3.0, 5.0] and rounds.tolist() == [4, 3, 2]


def test_viewer_api_serves_the_magazines_table(server, reload_dir):
    status, body = _get(server, "/api/magazines?rep=0")
    assert status == 200
    data = json.loads(body)
    assert len(data["time_s"]) == pq.read_metadata(reload_dir / "magazines.parquet").num_rows
    assert set(data["shooter"]) == {"bat_a", "bat_b"} and max(data["rounds_in_reload"]) == 2
    # NaN (no reload in progress) travels as null
    assert None in data["reload_done_s"] and 30.0 in [b - a for a, b in zip(data["time_s"], data["reload_done_s"],
                                                                           strict=True) if b is not None]
    status, body = _get(server, "/api/run")
    assert json.loads(body)["summary"]["magazines"]["bat_a"]["reloads"] == 2


def test_viewer_magazines_api_of_an_old_run_folder_is_empty(reload_dir, tmp_path):
    import shutil

    old = tmp_path / "old"
    shutil.copytree(reload_dir, old)
    (old / "magazines.parquet").unlink()
    srv = make_server(old, "127.0.0.1", 0)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    try:
        assert _get(srv, "/api/magazines?rep=0") == (200, b"{}")
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.mark.browser
def test_battery_details_show_its_magazine(server, reload_dir):
    if not NODE_MODULES.is_dir():
        pytest.skip("viewer node_modules missing: run `npm --prefix src/amdsim/review/viewer ci`")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    movers = pq.read_table(reload_dir / "movers.parquet").to_pylist()
    bat_a = next(m["mover_id"] for m in movers if m["name"] == "bat_a")
    mag = [r for r in pq.read_table(reload_dir / "magazines.parquet").to_pylist() if r["shooter"] == "bat_a"]
    loading = next(r for r in mag if r["rounds_in_reload"] > 0)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu"])
        pg = browser.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        wait_viewer_ready(pg, errors)
        pg.evaluate(f"() => {{ setTime(0); window.amdsimViewer.markers[{bat_a}].fire('click'); }}")
        start = pg.locator("#details").inner_text()
        pg.evaluate(f"() => setTime({loading['time_s']})")
        during = pg.locator("#details").inner_text()
        browser.close()
    assert errors == []
    assert "magazine bat_a (Avalon, sam): 2 ready, 0 booked, 0 in reload, 2 spare; ballistic reserve 1" in start
    assert "size 2 on 1 launchers, 2 reloads" in start
    assert "0 ready, 0 booked, 2 in reload, 0 spare" in during
    assert f"2 loading until {loading['reload_done_s']:.0f} s" in during
