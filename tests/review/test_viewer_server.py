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
    import amdsim.review.server as server

    monkeypatch.setattr(server, "NODE_MODULES", tmp_path / "node_modules")
    msg = viewer_assets_missing()
    assert msg is not None and "npm" in msg and "ci" in msg
