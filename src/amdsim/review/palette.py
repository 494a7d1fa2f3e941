"""One colour per nation, the same in every report figure and in the viewer.

Nations take colours in the order they first appear in the run's movers table (the scenario's order
of forces): blue-side nations from :data:`BLUE`, red-side ones from :data:`RED`, others grey. The
viewer (``viewer/static/app.js``, ``NATION_PALETTE``) holds the same two lists and assigns them the
same way; ``tests/review/test_palette.py`` checks the two agree.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Colour-blind-distinguishable blues, greens and purples for the defending nations.
BLUE = ("#1f5fbf", "#1a9e77", "#7b4fc9", "#0b8fd9", "#5b7d2a", "#8c6d1f", "#3d3d9e", "#2aa1a1")
#: Reds and oranges for the opposing nations.
RED = ("#d62728", "#e67e00", "#b8327d", "#8c2d19")
OTHER = "#777777"


def nation_colors(nations: Iterable[str], sides: Iterable[str]) -> dict[str, str]:
    """{nation: colour} for parallel sequences of nation and side (``"blue"``/``"red"``), first
    appearance first (e.g. the movers table's ``nation`` and ``side`` columns)."""
    out: dict[str, str] = {}
    used = {"blue": 0, "red": 0}
    for nation, side in zip(nations, sides, strict=True):
        if nation in out:
            continue
        pool = BLUE if side == "blue" else RED if side == "red" else None
        if pool is None:
            out[nation] = OTHER
            continue
        out[nation] = pool[used[side] % len(pool)]
        used[side] += 1
    return out


def force_colors(movers: dict) -> dict[str, str]:
    """{force id: its nation's colour} from a movers table (dict of columns)."""
    by_nation = nation_colors(movers.get("nation", []), movers.get("side", []))
    return {f: by_nation[n] for f, n in zip(movers.get("force", []), movers.get("nation", []), strict=True)}


__all__ = ["BLUE", "OTHER", "RED", "force_colors", "nation_colors"]
