"""The review's HTML page: one stylesheet, a self-contained document, written atomically."""

from __future__ import annotations

import html
from pathlib import Path

CSS = """body{font:14px system-ui,sans-serif;max-width:1150px;margin:20px auto;padding:0 12px;color:#222}
h1{font-size:22px}h2{font-size:18px;border-bottom:2px solid #ccc;padding-bottom:3px;margin-top:30px}
h3{font-size:15px;margin:14px 0 6px}h4{font-size:13px;margin:10px 0 4px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
th{background:#f2f2f2}td.n{text-align:right;white-space:nowrap}figure{margin:8px 0}figure svg{max-width:100%;
height:auto}.note{color:#666}.headline{font-size:16px}.good{color:#1a7a3a;font-weight:600}
.cause{font-weight:600;color:#a02020}.leaker-card{border:1px solid #d8c0c0;border-left:5px solid #c0392b;
padding:6px 14px;margin:12px 0;border-radius:4px;background:#fffafa}.factor{background:#e6f2e6;padding:1px 6px;
border-radius:3px;margin-right:4px}.nations span{display:inline-block;margin-right:14px}
.swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;border-radius:2px}
td.because{text-align:left;max-width:520px}details>summary{cursor:pointer;font-weight:600}"""


def html_page(title: str, body: str) -> str:
    """A complete, self-contained HTML document."""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{CSS}</style></head><body>{body}</body></html>")


def write_html(doc: str, out: Path) -> Path:
    """Write ``doc`` to ``out`` atomically (a unique temporary name, then rename: the run-folder protocol)."""
    from amdsim.records.writer import write_text_atomic

    write_text_atomic(doc, out)
    return out


__all__ = ["CSS", "html_page", "write_html"]
