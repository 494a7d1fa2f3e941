"""HTML report: self-contained (no external references), sections present, batch statistics."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np

from amdsim.review.report import land_arcs, write_report


def _external_refs(text: str) -> list[str]:
    return re.findall(r'(?:src|href)="(?!data:|#)([^"]+)"', text)


def test_run_report_self_contained(run_dir, tmp_path):
    out = write_report(run_dir, tmp_path / "r.html")
    text = out.read_text()
    assert _external_refs(text) == []  # images embedded, no CDN
    assert "<script" not in text
    assert text.index("<h2>The answers") < text.index("<h2>Leakers, one by one") < text.index("<h2 id=\"details\"")
    for section in ("Scenario map", "Raid timeline", "First detection range", "Engagements", "Interceptor use"):
        assert f"<h3>{section}" in text
    assert text.count("<figure data-figure=") >= 5 and text.count("<svg") >= 5


def test_report_cli_default_path_and_bad_folder(run_dir, tmp_path):
    res = subprocess.run([sys.executable, "-m", "amdsim", "report", str(run_dir)], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert (run_dir / "report.html").exists()
    (tmp_path / "empty").mkdir()
    bad = subprocess.run([sys.executable, "-m", "amdsim", "report", str(tmp_path / "empty")], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_batch_report_has_statistics(batch_dir, tmp_path):
    text = write_report(batch_dir, tmp_path / "b.html").read_text()
    assert "Batch statistics (2 replications" in text
    assert "The details (replication rep_00000)" in text
    assert "No leaker in 2 of 2 replications" in text or "replications: probability of zero leakers" in text


def test_land_arcs_decode_topojson():
    arcs = land_arcs((125.0, 36.0, 128.0, 39.0))  # Korean peninsula west coast
    if not arcs:
        import pytest
        pytest.skip("viewer node_modules (world-atlas) not installed")
    pts = np.concatenate(arcs)
    assert ((pts[:, 0] > -180.01) & (pts[:, 0] < 180.01) & (np.abs(pts[:, 1]) < 90.01)).all()
    # Incheon (37.46 N, 126.7 E) lies within a few km of the 1:50m coastline
    d = np.hypot((pts[:, 0] - 126.7) * np.cos(np.radians(37.46)), pts[:, 1] - 37.46) * 111.2
    assert d.min() < 15.0
