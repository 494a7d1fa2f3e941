"""The live consoles (issue 21): the WebSocket's bounds, and a drill in Chromium with two force consoles
and exercise control open at once: operators approve and deny, the replay is byte-identical."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from amdsim.engine.operators import load_decisions
from amdsim.engine.run import run_replication
from amdsim.live.app import MAX_MESSAGE, make_app
from amdsim.live.server import LiveServer
from amdsim.live.session import Session
from tests.live.test_decisions import PARQUET

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ORIGIN = "http://testserver"


@pytest.fixture
def client(small_compiled, tmp_path):
    from starlette.testclient import TestClient

    s = Session(small_compiled, tmp_path, approve="manual")
    with TestClient(make_app(s, origins=(ORIGIN,)), raise_server_exceptions=False) as c:
        c.session_ = s
        yield c


def next_ack(ws) -> dict:
    """The next acknowledgement on ``ws`` (views pushed meanwhile are skipped)."""
    while True:
        msg = json.loads(ws.receive_text())
        if msg["type"] == "ack":
            return msg


def test_pages_and_refusals(client):
    assert client.get("/").status_code == 200 and "blue_a operator console" in client.get("/").text
    r = client.get("/console?force=blue_a")
    assert r.status_code == 200 and "Content-Security-Policy" in r.headers
    assert client.get("/console?force=red").status_code == 404   # red has no operator console
    assert client.get("/vendor/leaflet/leaflet.js").status_code == 200
    assert client.get("/static/../app.py").status_code == 404
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/ws?force=blue_a",
                                                                      headers={"origin": "http://evil.example"}) as ws:
        ws.receive_text()


def test_websocket_pushes_the_perceived_picture_and_bounds_commands(client):
    from starlette.websockets import WebSocketDisconnect

    with client.websocket_connect("/ws?force=blue_a", headers={"origin": ORIGIN}) as ws:
        first = json.loads(ws.receive_text())
        assert first["type"] == "view" and first["view"]["force"] == "blue_a"
        assert {"tracks", "threats", "proposals", "magazines", "alerts"} <= set(first["view"])
        assert "movers" not in first["view"]   # an operator console never gets the truth
        ws.send_text("not json")
        assert next_ack(ws) == {"type": "ack", "ok": False, "error": "not JSON"}
        ws.send_text(json.dumps({"what": "inject", "arg": "srbm.1"}))   # control only
        assert next_ack(ws)["error"].startswith("an operator console")
        ws.send_text("x" * (MAX_MESSAGE + 1))
        with pytest.raises(WebSocketDisconnect):
            for _ in range(10):
                ws.receive_text()
    with client.websocket_connect("/ws?control=1", headers={"origin": ORIGIN}) as ws:
        assert "movers" in json.loads(ws.receive_text())["view"]
        ws.send_text(json.dumps({"what": "inject", "arg": "no_such_missile"}))
        assert next_ack(ws)["error"] == "no threat named 'no_such_missile'"
        ws.send_text(json.dumps({"what": "pause"}))
        with pytest.raises(WebSocketDisconnect):   # a flood: more than MAX_RATE messages at once closes it
            for _ in range(100):
                ws.send_text(json.dumps({"what": "resume"}))
            for _ in range(200):
                ws.receive_text()


def test_token_required_off_loopback(small_compiled, tmp_path):
    from starlette.testclient import TestClient

    app = make_app(Session(small_compiled, tmp_path), token="s3cret", origins=(ORIGIN,))
    with TestClient(app) as c:
        assert c.get("/").status_code == 403
        assert c.get("/control").status_code == 403
        assert c.get("/control?token=s3cret").status_code == 200


# --- the drill in Chromium ------------------------------------------------------------------------

SPEED = 30.0


@pytest.fixture(scope="module")
def drill(small_compiled, tmp_path_factory):
    """A manual session at x30 with blue_a's, blue_b's and exercise control's consoles open at once.

    The operators deny every proposal against the ballistic track (its kind, from the console's ranked
    threat list) and approve the rest, by clicking the buttons; what the pages saw is returned."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    out = tmp_path_factory.mktemp("drill")
    session = Session(small_compiled, out, approve="manual", decision_time=120.0, speed=SPEED)
    srv = LiveServer(session, "127.0.0.1", 0).start_http()
    seen = {"interceptors": 0, "intercept_alert": False, "clicked": [], "latency_ms": [], "views": 0}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu"])
        errors: list[str] = []
        pages = {}
        for name, path in (("blue_a", "/console?force=blue_a"), ("blue_b", "/console?force=blue_b"),
                           ("control", "/control")):
            pg = browser.new_page(viewport={"width": 1200, "height": 800})
            pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            pg.on("pageerror", lambda e: errors.append(str(e)))
            pg.goto(f"http://127.0.0.1:{srv.port}{path}")
            pages[name] = pg
        srv.start_engine()
        t_start = time.monotonic()
        for pg in pages.values():
            pg.wait_for_function("() => window.amdsimLive.ready", timeout=30000, polling=100)
        ctl = pages["control"]
        ctl.click("#pause")
        ctl.wait_for_function("() => window.amdsimLive.last.paused", timeout=10000, polling=100)
        seen["paused_text"] = ctl.inner_text("#state")
        ctl.click("#resume")
        done = False
        while not done:
            assert time.monotonic() - t_start < 120, "the drill did not end"
            for force in ("blue_a", "blue_b"):
                pg = pages[force]
                v = pg.evaluate("() => window.amdsimLive.last")
                seen["interceptors"] = max(seen["interceptors"], len(v["interceptors"]) if force == "blue_a" else 0)
                seen["intercept_alert"] |= force == "blue_a" and any(a["kind"] == "intercept" for a in v["alerts"])
                kinds = {t["track"]: t["kind"] for t in v["threats"]}
                for p in v["proposals"]:
                    if (force, p["id"]) in {(f, i) for f, i, _ in seen["clicked"]}:
                        continue
                    what = "deny" if kinds.get(p["track"]) == "ballistic_missile" else "approve"
                    button = pg.locator(f'button.{what}[data-proposal="{p["id"]}"]')
                    if button.count():
                        button.first.click()
                        seen["clicked"].append((force, p["id"], what))
            done = bool(ctl.evaluate("() => window.amdsimLive.last.done"))
            ctl.wait_for_timeout(100)
        wall = time.monotonic() - t_start
        ARTIFACTS.mkdir(exist_ok=True)
        pages["blue_a"].screenshot(path=str(ARTIFACTS / "live_console_blue_a.png"))
        ctl.screenshot(path=str(ARTIFACTS / "live_control.png"))
        for pg in pages.values():
            seen["latency_ms"] += pg.evaluate("() => window.amdsimLive.latencies")
            seen["views"] += pg.evaluate("() => window.amdsimLive.views")
        seen["wall_s"] = wall
        seen["errors"] = errors
        browser.close()
    srv.stop()
    return out, seen


@pytest.mark.browser
def test_drill_operators_approve_and_deny_in_the_consoles(drill, small_compiled):
    out, seen = drill
    assert seen["errors"] == []
    assert "paused" in seen["paused_text"]
    decisions = pq.read_table(out / "decisions.parquet").to_pylist()
    answered = {(d["console"], d["what"]) for d in decisions}
    assert ("blue_a", "approve") in answered and ("blue_a", "deny") in answered
    assert all(d["latency_s"] >= 0 for d in decisions if d["what"] in ("approve", "deny"))
    # approved: blue_a's interceptors fly in its picture and its console reports the intercepts
    assert seen["interceptors"] >= 1 and seen["intercept_alert"]
    # denied: the ballistic missile (every proposal against it denied) hits the base, the raid's one leaker
    summary = json.loads((out / "summary.json").read_text())
    assert summary["leakers"] == 1 and summary["live"]["approve"] == "manual"
    ev = pq.read_table(out / "events.parquet").to_pandas()
    srbm = small_compiled.movers.name.index("srbm.1")
    assert ((ev.kind == "impact") & (ev.actor_id == srbm)).sum() == 1
    assert (ev.kind == "intercept").sum() >= 1
    lat = sorted(seen["latency_ms"])
    print(f"\nconsole update latency: median {lat[len(lat) // 2]:.0f} ms, p95 {lat[int(len(lat) * 0.95)]:.0f} ms; "
          f"{seen['views'] / seen['wall_s']:.1f} views/s over 3 consoles at x{SPEED:g}")


@pytest.mark.browser
def test_drill_replays_byte_identical(drill, small_compiled, tmp_path):
    out, _ = drill
    run_replication(small_compiled, 0, tmp_path, operators=load_decisions(out / "decisions.parquet", small_compiled))
    for name in PARQUET:
        assert (out / f"{name}.parquet").read_bytes() == (tmp_path / f"{name}.parquet").read_bytes(), name


def test_cli_live_auto_ends_by_itself_with_a_normal_run_folder(small_scenario_path, tmp_path, monkeypatch, capsys):
    """`amdsim live --approve auto`: each C2 approves its own, the session ends at the scenario's end, and
    the folder is a run folder like `amdsim run`'s (summary.json, report.html, decisions.parquet)."""
    from tests.conftest import cli_in_process

    out = tmp_path / "auto"
    assert cli_in_process(monkeypatch, "live", small_scenario_path, "--out", out, "--approve", "auto",
                          "--speed", "1000", "--port", "0") == 0
    assert (out / "summary.json").exists() and (out / "report.html").exists()
    assert json.loads((out / "summary.json").read_text())["live"]["steps"] == 420
    assert pq.read_table(out / "decisions.parquet").num_rows == 0   # no manual force, no operator input
    assert "consoles at" in capsys.readouterr().err   # the console (rich) writes to stderr
    assert cli_in_process(monkeypatch, "live", small_scenario_path, "--out", out, "--approve", "sometimes") == 2
