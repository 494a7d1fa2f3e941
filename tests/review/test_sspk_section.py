"""The report's single-shot kill probability section (review/sspk.py) on a real run folder."""

from amdsim.results.sspk import sspk_table
from amdsim.review.report import write_report
from amdsim.review.sspk import sspk_section


def test_sspk_section_lists_every_pair_and_reaches_the_report(run_dir, tmp_path):
    html = sspk_section(run_dir)
    rows = sspk_table(run_dir)
    assert "Single-shot kill probability" in html
    assert html.count("<tr>") == len(rows) + 1          # header and one row per (interceptor, threat) pair
    for r in rows:
        assert r["interceptor_type"] in html and r["threat_type"] in html
    out = write_report(run_dir, tmp_path / "report.html")
    assert "Single-shot kill probability" in out.read_text()
