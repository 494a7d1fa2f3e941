"""The viewer's assets travel with the package (issue 19): a wheel built by ``python -m build`` and
installed in a fresh venv serves a page with Leaflet and land, and draws the report's land outline;
a page served without assets says so, visibly, with the fix."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import serve_folder, wait_viewer_ready

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
STRICT = bool(os.environ.get("AMDSIM_STRICT_TOOLS"))
BROWSER_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


def _need_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        if STRICT:
            pytest.fail(f"{CHROMIUM} missing (AMDSIM_STRICT_TOOLS)")
        pytest.skip("Debian chromium not installed at /usr/bin/chromium")


def _open(pw, url: str):
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
    pg = browser.new_page(viewport={"width": 1200, "height": 800})
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(url)
    return browser, pg, errors


def _complete(folder: Path) -> Path:
    for probe in ("leaflet/dist/leaflet.js", "topojson-client/dist/topojson-client.min.js",
                  "world-atlas/land-50m.json"):
        (folder / probe).parent.mkdir(parents=True, exist_ok=True)
        (folder / probe).write_text("x")
    return folder


def test_asset_lookup_prefers_vendor_then_node_modules(monkeypatch, tmp_path):
    from amdsim.review import assets

    monkeypatch.delenv(assets.ENV_VAR, raising=False)
    vendor, node_modules = tmp_path / "vendor", tmp_path / "node_modules"
    monkeypatch.setattr(assets, "VENDOR_DIR", vendor)
    monkeypatch.setattr(assets, "NODE_MODULES", node_modules)
    assert assets.assets_dir() is None and "make install" in (assets.assets_missing() or "")
    _complete(node_modules)
    assert assets.assets_dir() == node_modules          # a source checkout after npm ci
    (vendor / "leaflet").mkdir(parents=True)
    assert assets.assets_dir() == node_modules          # an incomplete vendored copy is skipped
    _complete(vendor)
    assert assets.assets_dir() == vendor                # an installed wheel
    assert assets.asset_file("world-atlas/land-50m.json") == vendor / "world-atlas/land-50m.json"
    monkeypatch.setenv(assets.ENV_VAR, str(tmp_path / "elsewhere"))   # the override is the only place looked
    assert assets.assets_dir() is None and assets.asset_file("world-atlas/land-50m.json") is None
    assert assets.assets_dir() is None and str(tmp_path / "elsewhere") in (assets.assets_missing() or "")


@pytest.mark.browser
def test_page_without_assets_says_so(run_dir, monkeypatch, tmp_path):
    """Assets pointed at an empty folder: the leaflet request is a 503 naming the fix, and the page shows
    a visible message (not a blank map with a hidden error box)."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("AMDSIM_VIEWER_ASSETS", str(tmp_path / "no-assets"))
    for srv in serve_folder(run_dir):
        url = f"http://127.0.0.1:{srv.server_address[1]}/"
        with sync_playwright() as pw:
            browser, pg, errors = _open(pw, url)
            box = pg.locator("#error")
            box.wait_for(state="visible", timeout=15000)
            t_end = time.monotonic() + 10
            while "503" not in box.inner_text() and time.monotonic() < t_end:
                pg.wait_for_timeout(100)
            text = box.inner_text()
            assert pg.evaluate("typeof L") == "undefined"
            bbox = box.bounding_box()
            assert bbox is not None and bbox["height"] > 40 and bbox["width"] > 400
            ARTIFACTS.mkdir(exist_ok=True)
            pg.screenshot(path=str(ARTIFACTS / "viewer_assets_missing.png"))
            browser.close()
    assert "503" in text and "not found in" in text and str(tmp_path / "no-assets") in text
    assert "make install" in text and "python -m build" in text
    assert any("assets missing" in e for e in errors)


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory) -> Path:
    """``python -m build`` (sdist, then the wheel from it), installed with pip into a fresh venv.

    The venv sees the system's site-packages (numpy, pyarrow, ... are not downloaded again) but its
    own amdsim is the wheel's: checked below, PYTHONPATH unset."""
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    egg_info = ROOT / "src" / "amdsim.egg-info"   # the sdist step writes it into the checkout
    had_egg_info = egg_info.exists()
    build = subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    if not had_egg_info:
        shutil.rmtree(egg_info, ignore_errors=True)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    wheel = next(dist.glob("amdsim-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for f in ("leaflet/dist/leaflet.js", "leaflet/LICENSE", "topojson-client/dist/topojson-client.min.js",
              "topojson-client/LICENSE", "world-atlas/land-50m.json", "world-atlas/LICENSE"):
        assert f"amdsim/review/viewer/vendor/{f}" in names, f
    assert "amdsim/data/amdsim.schema.json" in names
    assert not any("node_modules" in n for n in names)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    pip = subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "--no-index", "--force-reinstall",
                          "--no-deps", str(wheel)], capture_output=True, text=True, timeout=300, env=_env())
    assert pip.returncode == 0, pip.stderr[-3000:]
    return venv


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AMDSIM_VIEWER_ASSETS")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


@pytest.mark.slow
@pytest.mark.browser
def test_wheel_in_fresh_venv_gives_working_viewer_and_report_map(wheel_venv, tmp_path):
    _need_chromium()
    py, env = str(wheel_venv / "bin/python"), _env()
    where = subprocess.run([py, "-c", "import amdsim, amdsim.review.assets as a, amdsim.review.report as r; "
                            "print(amdsim.__file__); print(a.assets_dir()); print(len(r.land_arcs()))"],
                           capture_output=True, text=True, cwd=tmp_path, env=env, check=True).stdout.split()
    assert where[0].startswith(str(wheel_venv)), f"amdsim imported from {where[0]}, not the wheel"
    assert where[1].startswith(str(wheel_venv)) and where[1].endswith("viewer/vendor")
    assert int(where[2]) > 100  # the report map's coastline arcs, read from the wheel's world-atlas

    out = tmp_path / "run"
    run = subprocess.run([str(wheel_venv / "bin/amdsim"), "run", str(ROOT / "tests/data/small.yaml"),
                          "--out", str(out)], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (out / "report.html").stat().st_size > 10_000

    proc = subprocess.Popen([str(wheel_venv / "bin/amdsim"), "view", str(out), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, f"no URL from amdsim view: {line!r}"
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser, pg, errors = _open(pw, match.group(0))
            wait_viewer_ready(pg, errors)
            pg.wait_for_selector("path.land", timeout=30000)
            assert pg.evaluate("typeof L") == "object" and pg.evaluate("L.version").startswith("1.")
            assert pg.locator("path.land").count() >= 1
            assert pg.locator("#error").is_hidden()
            ARTIFACTS.mkdir(exist_ok=True)
            pg.screenshot(path=str(ARTIFACTS / "viewer_from_wheel.png"))
            browser.close()
        assert errors == []
    finally:
        proc.terminate()
        proc.wait(timeout=30)
