"""The report's contested-sky section (review/contested.py): fratricide probability with its Wilson
interval, one row per fratricide naming shooter, identity and rule; nothing for an uncontested run."""

from __future__ import annotations

import json

from amdsim.review.contested import contested_section


def _batch(tmp_path, summaries: list[dict]):
    (tmp_path / "manifest.json").write_text("{}")
    for k, s in enumerate(summaries):
        d = tmp_path / f"rep_{k:05d}"
        d.mkdir()
        (d / "movers.parquet").write_bytes(b"")
        (d / "summary.json").write_text(json.dumps({"run": {"replication": k}, **s}))
    return tmp_path


FRAT = {"name": "raven.1", "allegiance": "friend", "shooter": "guard", "time_s": 500.0, "identity": "suspect",
        "rule": "silent_outside", "autonomous": True, "why": "guard engaged track 6 as suspect"}


def test_section_counts_fratricides_with_wilson_interval(tmp_path):
    ident = {"enabled": True, "errors": {"guard": {"friendly_as_threat": ["raven.1"], "hostile_as_friendly": []}}}
    folder = _batch(tmp_path, [{"fratricide": [FRAT], "fratricides": 1, "identification": ident, "c2_outages": [{}]},
                               {"fratricide": [], "fratricides": 0, "identification": {"enabled": True}, "c2_outages": []}])
    html = "".join(contested_section(folder))
    # 1 of 2: Wilson 95 % interval 9.5 % to 90.5 %
    assert "<b>1 of 2</b>" in html and "50 %" in html and "9 % to 91 %" in html
    assert "raven.1" in html and "silent outside" in html and "guard" in html
    assert "C2 outages (a link or command node lost) in 1 of 2 replications" in html


def test_no_section_without_contested_blocks(tmp_path):
    folder = _batch(tmp_path, [{"threats": []}])
    assert contested_section(folder) == []
