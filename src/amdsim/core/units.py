"""Unit conversions at the edges (YAML in, tables and reports out) and number formatting for JSON.

Inside the engine everything is SI and radians; these are the only places degrees appear.
"""

from __future__ import annotations

import math

#: Degrees to radians.
DEG = math.pi / 180.0


def json_number(x: float) -> float | None:
    """A finite float rounded to 6 decimals for JSON; None for NaN and infinities (JSON has neither)."""
    return None if not math.isfinite(x) else round(float(x), 6)
