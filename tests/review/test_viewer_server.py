"""Strict-tools guard for the viewer: in CI (``AMDSIM_STRICT_TOOLS`` set) the browser tests in
``test_viewer.py`` must not be skipped, so their prerequisites must be present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from amdsim.review.server import viewer_assets_missing

CHROMIUM = "/usr/bin/chromium"


@pytest.mark.skipif(not os.environ.get("AMDSIM_STRICT_TOOLS"), reason="only enforced with AMDSIM_STRICT_TOOLS")
def test_browser_prerequisites_present_when_strict():
    assert viewer_assets_missing() is None, viewer_assets_missing()
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: install Debian's chromium"


def test_assets_message_names_install_command(monkeypatch, tmp_path):
    monkeypatch.setenv("AMDSIM_VIEWER_ASSETS", str(tmp_path / "elsewhere"))
    msg = viewer_assets_missing()
    assert msg is not None and "npm --prefix src/amdsim/review/viewer ci" in msg and "python -m build" in msg
    assert str(tmp_path / "elsewhere") in msg
