"""Fixtures for the review tests: a real run of tests/data/small.yaml (amdsim run), made once."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    """A run folder from ``amdsim run tests/data/small.yaml`` (about 3 s)."""
    out = tmp_path_factory.mktemp("review") / "small"
    subprocess.run([sys.executable, "-m", "amdsim", "run", str(DATA / "small.yaml"), "--out", str(out), "--no-report"],
                   check=True, capture_output=True, timeout=300)
    assert (out / "states.parquet").exists()
    return out


@pytest.fixture(scope="session")
def batch_dir(tmp_path_factory) -> Path:
    """A batch folder of two replications of tests/data/small.yaml (about 8 s)."""
    out = tmp_path_factory.mktemp("review_batch") / "batch"
    subprocess.run([sys.executable, "-m", "amdsim", "run", str(DATA / "small.yaml"), "--out", str(out), "-n", "2",
                    "--workers", "1", "--no-report"], check=True, capture_output=True, timeout=300)
    assert (out / "rep_00001" / "states.parquet").exists()
    return out


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium through Playwright (skipped without it or without the viewer's npm assets)."""
    import os

    from amdsim.review.server import NODE_MODULES

    if not NODE_MODULES.is_dir():
        pytest.skip("viewer node_modules missing: run `npm --prefix src/amdsim/review/viewer ci`")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@contextlib.contextmanager
def viewer_page(browser, port: int, timeout_s: float = 30.0):
    """A Chromium page on the viewer at 127.0.0.1:``port``, ready; ``page.errors`` collects console errors
    and page errors."""
    from tests.conftest import wait_viewer_ready

    pg = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    try:
        pg.goto(f"http://127.0.0.1:{port}/")
        wait_viewer_ready(pg, errors, timeout_s)
        yield pg
    finally:
        pg.close()
