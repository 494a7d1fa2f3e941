"""People's numbers for the report: units, thousands separators, no scientific notation.

Every number the report prints goes through these helpers, so a miss distance reads ``0.7 m`` or
``< 0.01 m`` (never ``1.86e-07``), a duration ``1,500 s (25 min)`` (never ``1.5e+03``) and a
probability ``0.85``. ``NaN``/``None`` print as an en dash.
"""

from __future__ import annotations

import html
import math
from numbers import Number

DASH = "\u2013"
MINUS = "\u2212"


def _finite(v) -> float | None:
    if v is None or isinstance(v, bool) or not isinstance(v, Number):
        return None
    f = float(v)  # type: ignore[arg-type]
    return f if math.isfinite(f) else None


def number(v, digits: int | None = None) -> str:
    """A plain number: integers with thousands separators; floats with ``digits`` decimals, or by
    default 0 decimals at 100 and above, 1 from 10, 2 below (``< 0.01`` for smaller non-zero values)."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    f = _finite(v)
    if f is None:
        return DASH if not isinstance(v, str) else html.escape(v)
    if isinstance(v, int) or (digits is None and f == round(f) and abs(f) >= 1):
        return f"{round(f):,}".replace("-", MINUS)
    if digits is None:
        digits = 0 if abs(f) >= 100 else 1 if abs(f) >= 10 else 2
    if f != 0 and abs(f) < 0.5 * 10 ** -digits:
        return f"< {10 ** -digits:.{digits}f}" if f > 0 else f"> {MINUS}{10 ** -digits:.{digits}f}"
    return f"{f:,.{digits}f}".replace("-", MINUS)


def quantity(v, unit: str, digits: int | None = None) -> str:
    """``number(v) + " " + unit`` (a dash alone when there is no value)."""
    text = number(v, digits)
    return text if text == DASH else f"{text} {unit}"


def metres(v) -> str:
    """A distance: metres below 10 km (``0.7 m``, ``850 m``), kilometres above (``12.4 km``)."""
    f = _finite(v)
    if f is None:
        return DASH
    return quantity(f / 1e3, "km") if abs(f) >= 1e4 else quantity(f, "m")


def seconds(v) -> str:
    """A time or duration in seconds, whole from 10 s, with minutes from 2 min: ``1,500 s (25 min)``."""
    f = _finite(v)
    if f is None:
        return DASH
    text = quantity(f, "s", 0 if abs(f) >= 10 else 1)
    if abs(f) >= 120:
        text += f" ({f / 60:,.0f} min)"
    return text


def percent(v, digits: int = 0) -> str:
    """A fraction 0..1 as a percentage: ``0.26`` -> ``26 %``."""
    f = _finite(v)
    return DASH if f is None else f"{100 * f:.{digits}f} %"


def interval(lo, hi, fmt=number, floor: float | None = None, ceiling: float | None = None) -> str:
    """``lo – hi`` with the same formatter for both ends, cut to [floor, ceiling] when given (a count's
    t interval never goes below zero in the report)."""
    if _finite(lo) is None and _finite(hi) is None:
        return DASH
    if floor is not None and _finite(lo) is not None:
        lo = max(float(lo), floor)
    if ceiling is not None and _finite(hi) is not None:
        hi = min(float(hi), ceiling)
    return f"{fmt(lo)} {DASH} {fmt(hi)}"


def label(name: str) -> str:
    """A snake_case name for people: ``out_of_interceptors`` -> ``out of interceptors``."""
    return str(name).replace("_", " ")


__all__ = ["DASH", "MINUS", "interval", "label", "metres", "number", "percent", "quantity", "seconds"]
