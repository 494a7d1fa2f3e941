"""One colour per nation (review/palette.py), the same lists in the viewer (app.js)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from amdsim.review.palette import BLUE, OTHER, RED, force_colors, nation_colors

APP = Path(__file__).resolve().parents[2] / "src" / "amdsim" / "review" / "viewer" / "static" / "app.js"


def test_viewer_holds_the_reports_palette():
    text = APP.read_text()
    block = re.search(r"const NATION_PALETTE = \{(.*?)\n\};", text, re.S)
    assert block, "NATION_PALETTE missing from app.js"
    body = block.group(1)
    lists = {k: json.loads(v) for k, v in re.findall(r"(blue|red): (\[[^\]]*\])", body)}
    assert lists == {"blue": list(BLUE), "red": list(RED)}
    assert f'other: "{OTHER}"' in body


def test_nations_take_colours_in_order_of_appearance_by_side():
    got = nation_colors(["Avalon", "Opfor", "Avalon", "Borealis", "Neutral", "Carthage"],
                        ["blue", "red", "blue", "blue", "neutral", "red"])
    assert got == {"Avalon": BLUE[0], "Opfor": RED[0], "Borealis": BLUE[1], "Neutral": OTHER, "Carthage": RED[1]}
    assert len(set(BLUE) | set(RED)) == len(BLUE) + len(RED)       # no colour shared by two nations
    movers = {"force": ["a", "b", "r"], "nation": ["Avalon", "Avalon", "Opfor"], "side": ["blue", "blue", "red"]}
    assert force_colors(movers) == {"a": BLUE[0], "b": BLUE[0], "r": RED[0]}
