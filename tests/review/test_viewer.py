"""Web replay viewer: server hardening (traversal, methods, sizes, flood) and the page in Chromium."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from amdsim.review.server import make_server
from tests.conftest import serve_folder
from tests.review.conftest import viewer_page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def server(run_dir):
    yield from serve_folder(run_dir)


def _get(srv, path, method="GET", body=None, headers=None):
    conn = http.client.HTTPConnection(*srv.server_address[:2], timeout=10)
    conn.putrequest(method, path, skip_accept_encoding=True)
    for k, v in (headers or {}).items():
        conn.putheader(k, v)
    conn.endheaders(body)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def _raw(srv, payload: bytes) -> bytes:
    with socket.create_connection(srv.server_address[:2], timeout=10) as s:
        s.sendall(payload)
        chunks = []
        try:
            while True:
                c = s.recv(65536)
                if not c:
                    break
                chunks.append(c)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


def test_api_serves_run_data(server, run_dir):
    status, body = _get(server, "/api/run")
    assert status == 200 and json.loads(body)["replications"] == 1
    status, body = _get(server, "/api/states?rep=0")
    import pyarrow.parquet as pq
    assert len(json.loads(body)["time_s"]) == pq.read_metadata(run_dir / "states.parquet").num_rows
    assert _get(server, "/api/states?rep=1")[0] == 400
    assert _get(server, "/api/secrets")[0] == 404
    assert _get(server, "/", "HEAD")[0] == 200


@pytest.mark.parametrize("path", [
    "/static/../../server.py", "/static/%2e%2e/%2e%2e/server.py", "/static/%2E%2E%2F%2E%2E%2Fserver.py",
    "/vendor/leaflet/../../../server.py", "/vendor/commander/package.json", "//etc/passwd", "/etc/passwd",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/..%5c..%5cserver.py", "/static/%00",
    "/static/%ff%fe", "/api/../static/index.html/../../data.py",
])
def test_traversal_refused(server, path):
    status, body = _get(server, path)
    assert 400 <= status < 500 and b"Traceback" not in body and b"import" not in body


def test_symlink_out_refused(server, tmp_path):
    link = Path(__file__).resolve().parents[2] / "src/amdsim/review/viewer/static/_test_link.txt"
    target = tmp_path / "secret.txt"
    target.write_text("secret")
    try:
        os.symlink(target, link)
        status, body = _get(server, "/static/_test_link.txt")
        assert status == 404 and b"secret" not in body
    finally:
        link.unlink(missing_ok=True)


def test_methods_and_sizes(server):
    for method in ("POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"):
        assert _get(server, "/", method, body=b"x")[0] == 405
    assert _get(server, "/" + "a" * 5000)[0] in (400, 414)
    resp = _raw(server, b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: %s\r\n" % (i, b"v" * 200) for i in range(60)) + b"\r\n")
    assert resp.startswith(b"HTTP/1.1 4")
    resp = _raw(server, b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(200)) + b"\r\n")
    assert resp.startswith(b"HTTP/1.1 4")
    assert _raw(server, b"\x16\x03\x01garbage\r\n\r\n").startswith(b"HTTP/1.1 4")
    assert b"Traceback" not in _raw(server, b"GET /api/run?rep=%%%% HTTP/1.1\r\n\r\n")


def test_flood_leaves_server_answering(server):
    deadline = time.monotonic() + 30.0

    def worker(n):
        ok = 0
        for _ in range(n):
            if time.monotonic() > deadline:
                break
            with contextlib.suppress(OSError):
                ok += _get(server, "/api/replications")[0] == 200
        return ok

    with ThreadPoolExecutor(4) as ex:
        done = sum(ex.map(worker, [500] * 4))
    assert done > 0
    assert _get(server, "/api/run")[0] == 200  # still answering after the flood


# --- the page in Chromium ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def page(server, chromium):
    with viewer_page(chromium, server.server_address[1]) as pg:
        pg.wait_for_selector("path.land", timeout=30000)
        yield pg


@pytest.mark.browser
def test_page_loads_with_land_and_no_errors(page):
    assert page.errors == []
    assert page.locator("path.land").count() >= 1  # land-50m is one MultiPolygon feature
    assert page.locator("#events li").count() > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viewer.png"))


@pytest.mark.browser
def test_slider_moves_movers(page):
    pos = "() => Object.fromEntries(Object.entries(window.amdsimViewer.markers).map(([k, m]) => [k, [m.getLatLng().lat, m.getLatLng().lng]]))"
    page.evaluate("() => { const s = document.getElementById('slider'); s.value = s.min; s.dispatchEvent(new Event('input')); }")
    before = page.evaluate(pos)
    page.evaluate("() => { const s = document.getElementById('slider'); s.value = (Number(s.min) + Number(s.max)) / 2; s.dispatchEvent(new Event('input')); }")
    after = page.evaluate(pos)
    moved = [k for k in before if k in after and before[k] != after[k]]
    assert moved, "no marker moved when the slider moved"


@pytest.mark.browser
def test_click_engagement_jumps_time(page):
    item = page.locator("#events li.ev-intercept").first
    t = float(item.get_attribute("data-time"))
    item.click()
    assert page.evaluate("window.amdsimViewer.time") == pytest.approx(t, abs=1e-6)
    assert f"t = {t:.1f} s" == page.locator("#clock").inner_text()
    page.locator("#showTracks").check()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viewer_engagement.png"))
    assert page.errors == []


def test_batch_replications_api(batch_dir):
    srv = make_server(batch_dir, "127.0.0.1", 0)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    try:
        status, body = _get(srv, "/api/replications")
        assert status == 200 and [r["name"] for r in json.loads(body)] == ["rep_00000", "rep_00001"]
        a = json.loads(_get(srv, "/api/events?rep=0")[1])
        b = json.loads(_get(srv, "/api/events?rep=1")[1])
        assert a.keys() == b.keys()
        assert _get(srv, "/api/states?rep=2")[0] == 400
    finally:
        srv.shutdown()
        srv.server_close()


def test_view_missing_folder_exit_2(tmp_path):
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "amdsim", "view", str(tmp_path / "nope"), "--port", "0"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "Traceback" not in res.stderr
