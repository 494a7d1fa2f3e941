"""The after-action review in Chromium: a run (with amdsim explain), a batch and a sweep of
tests/data/aar.yaml (six of nine threats leak: one round per launcher).

Each test opens the report as a user would (file://, Debian chromium), checks its structure
(answers first, one card per leaker with cause, evidence and saving factors, people's numbers,
names not ids, one colour per nation in every figure and in the viewer) and writes a full-page
screenshot into test-artifacts/.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import serve_folder, wait_viewer_ready

DATA = Path(__file__).resolve().parents[1] / "data"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
SCI = re.compile(r"\d(?:\.\d+)?e[+-]\d")


def _amdsim(*args) -> None:
    res = subprocess.run([sys.executable, "-m", "amdsim", *map(str, args)], capture_output=True, text=True,
                         timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]


@pytest.fixture(scope="module")
def aar_run(tmp_path_factory) -> Path:
    """A run of aar.yaml, explained with one factor (unlimited interceptors), then reported."""
    out = tmp_path_factory.mktemp("aar") / "run"
    _amdsim("run", DATA / "aar.yaml", "--out", out, "--no-report")
    _amdsim("explain", out, "--factor", "unlimited_interceptors")
    _amdsim("report", out)
    return out


@pytest.fixture(scope="module")
def aar_batch(aar_sweep) -> Path:
    """The sweep's baseline variant: a batch folder of two replications."""
    out = aar_sweep / "variant_00"
    _amdsim("report", out)
    return out


@pytest.fixture(scope="module")
def aar_sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("aar") / "sweep"
    _amdsim("sweep", DATA / "aar.yaml", "--set", "batteries.0.interceptors_per_launcher=1,3", "-n", "2",
            "--workers", "1", "--out", out)
    _amdsim("report", out)
    return out


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu"])
        yield b
        b.close()


def _open(browser, path: Path, shot: str):
    pg = browser.new_page(viewport={"width": 1250, "height": 900})
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(path.resolve().as_uri())
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    assert errors == []
    return pg


def _summaries(folder: Path) -> list[dict]:
    paths = sorted(folder.glob("rep_*/summary.json")) or [folder / "summary.json"]
    return [json.loads(p.read_text()) for p in paths]


def _leakers(folder: Path) -> list[tuple[int, str, str]]:
    return [(int(s["run"]["replication"]), t["name"], t["leak_cause"]) for s in _summaries(folder)
            for t in s["threats"] if t["fate"] == "leaked"]


def _check_common(pg, folder: Path) -> None:
    """Answers first; people's numbers; names not ids; one colour per nation in every figure."""
    headings = pg.eval_on_selector_all("h2", "els => els.map(e => e.textContent)")
    assert headings[0] == "The answers"
    assert headings[1].startswith("Leakers, one by one")
    text = pg.evaluate("() => document.body.textContent")
    assert not SCI.findall(text), SCI.findall(text)[:5]
    movers = json.loads(subprocess.run(
        [sys.executable, "-c", "import json,pyarrow.parquet as pq,sys;t=pq.read_table(sys.argv[1]).to_pydict();"
         "print(json.dumps({k: t[k] for k in ('name', 'nation', 'mover_id')}))",
         str(next(iter(sorted(folder.glob("rep_*/movers.parquet"))), folder / "movers.parquet"))],
        capture_output=True, text=True, check=True).stdout)
    names = set(movers["name"])
    # the engagements' targets are names
    targets = pg.eval_on_selector_all(
        "table.engagements td:nth-child(3)", "els => els.map(e => e.textContent)")
    assert targets and set(targets) <= names
    # one colour per nation: the legend, then every figure that draws a nation
    legend = dict(pg.eval_on_selector_all(
        "#nation-colors span", "els => els.map(e => [e.dataset.nation, e.dataset.color])"))
    assert set(legend) == set(movers["nation"]) and len(set(legend.values())) == len(legend)
    figures = pg.eval_on_selector_all(
        "figure[data-figure]", "els => els.map(e => [e.dataset.figure, e.dataset.nationColors, e.innerHTML])")
    drawn = 0
    for name, colors, svg in figures:
        for nation, color in json.loads(colors).items():
            assert legend[nation] == color, (name, nation)
            assert color in svg, (name, nation, color)
            drawn += 1
    assert drawn >= 6


@pytest.mark.browser
def test_run_review_opens_with_answers_and_a_card_per_leaker_with_savers(aar_run, browser):
    pg = _open(browser, aar_run / "report.html", "aar_run_report.png")
    _check_common(pg, aar_run)
    leakers = _leakers(aar_run)
    assert len(leakers) >= 2
    cards = pg.eval_on_selector_all(
        "article.leaker-card", "els => els.map(e => [e.dataset.threat, e.dataset.cause, "
        "e.querySelector('.because')?.textContent || '', !!e.querySelector('figure[data-figure=kill-chain]'), "
        "e.querySelector('.saved').textContent, e.querySelectorAll('.evidence table').length])")
    assert sorted((c[0], c[1]) for c in cards) == sorted((n, c) for _, n, c in leakers)
    explain = json.loads((aar_run / "explain.json").read_text())
    saved = {d["threat"]: d["saved_by"] for d in explain["leakers"]}
    for threat, _cause, because, has_fig, saved_text, n_tables in cards:
        assert because and has_fig and n_tables >= 2
        facts = pg.locator(f'article.leaker-card[data-threat="{threat}"] table.facts').text_content()
        assert "launched" in facts and "first ranked by threat evaluation" in facts
        if saved[threat]:
            assert saved_text.startswith("Saved by:") and "unlimited interceptors" in saved_text
        else:
            assert "None of the factors" in saved_text
    # the answers: causes ranked and the savers' table from explain.json
    assert pg.locator("table.answers-causes tr").count() == 1 + len({c for _, _, c in leakers})
    assert pg.locator("table.answers-savers").count() == 1


@pytest.mark.browser
def test_batch_review_has_a_card_for_every_leaker_of_every_replication(aar_batch, browser):
    pg = _open(browser, aar_batch / "report.html", "aar_batch_report.png")
    _check_common(pg, aar_batch)
    leakers = _leakers(aar_batch)
    cards = pg.eval_on_selector_all(
        "article.leaker-card", "els => els.map(e => [Number(e.dataset.replication), e.dataset.threat])")
    assert sorted(map(tuple, cards)) == sorted((k, n) for k, n, _ in leakers)
    headline = pg.locator("#answers .headline").text_content()
    zero = sum(1 for s in _summaries(aar_batch) if s["leakers"] == 0)
    assert f"No leaker in {zero} of 2 replications" in headline
    # the batch figure: one labelled scale per metric (tick labels and a unit on every panel)
    fig = pg.locator("figure[data-figure=batch-intervals]")
    assert fig.count() == 1 and "per replication" in fig.inner_html()


@pytest.mark.browser
def test_sweep_review_names_variants_by_settings_with_paired_differences(aar_sweep, browser):
    pg = _open(browser, aar_sweep / "report.html", "aar_sweep_report.png")
    headings = pg.eval_on_selector_all("h2", "els => els.map(e => e.textContent)")
    assert headings[0] == "The answers"
    rows = pg.eval_on_selector_all("table.sweep-answers tr", "els => els.map(e => e.textContent)")
    assert len(rows) == 3
    assert "batteries.0.interceptors_per_launcher=1" in rows[1] and "baseline" in rows[1]
    assert "batteries.0.interceptors_per_launcher=3" in rows[2]
    # the paired difference of leakers per replication, recomputed from the summaries (same seeds per replication)
    base = [s["leakers"] for s in _summaries(aar_sweep / "variant_00")]
    more = [s["leakers"] for s in _summaries(aar_sweep / "variant_01")]
    diff = sum(m - b for m, b in zip(more, base, strict=True)) / len(base)
    sign = "+" if diff > 0 else "\u2212" if diff < 0 else ""
    assert f"{sign}{abs(diff):.2f}" in rows[2] if diff else "0 [" in rows[2]
    assert pg.locator("figure[data-figure=sweep-differences]").count() == 1
    assert "variant_0" not in " ".join(pg.eval_on_selector_all("table.sweep-answers td:first-child",
                                                              "els => els.map(e => e.textContent)"))
    assert not SCI.findall(pg.evaluate("() => document.body.textContent"))


@pytest.mark.browser
def test_viewer_paints_each_nation_in_the_reports_colour(aar_run, browser):
    from amdsim.review.server import NODE_MODULES

    if not NODE_MODULES.is_dir():
        pytest.skip("viewer node_modules missing")
    report = _open(browser, aar_run / "report.html", "aar_run_report_top.png")
    legend = dict(report.eval_on_selector_all(
        "#nation-colors span", "els => els.map(e => [e.dataset.nation, e.dataset.color])"))
    gen = serve_folder(aar_run)
    srv = next(gen)
    try:
        pg = browser.new_page(viewport={"width": 1250, "height": 800})
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(f"http://127.0.0.1:{srv.server_address[1]}/")
        wait_viewer_ready(pg, errors)
        assert pg.evaluate("() => window.amdsimViewer.nationColors") == legend
        pg.screenshot(path=str(ARTIFACTS / "aar_viewer_nations.png"))
        # the markers on the map carry those colours
        strokes = set(pg.eval_on_selector_all("path.leaflet-interactive", "els => els.map(e => e.getAttribute('stroke'))"))
        assert strokes & set(legend.values())
    finally:
        next(gen, None)
