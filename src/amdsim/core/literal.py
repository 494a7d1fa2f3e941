"""The numeric-literal and nesting guard shared by every parser edge (scenario YAML, ``--set`` values,
WTA instance JSON).

Python turns an integer literal into an ``int`` of any size, but refuses to print or parse one of more
than 4,300 digits (``ValueError``, CPython's int-to-string limit) and cannot make a float of one beyond
1.8e308 (``OverflowError``); the JSON and YAML parsers recurse once per nested bracket
(``RecursionError`` near 1,000 levels, a crash of libyaml's C stack near 100,000). None of these is
an input error to the user: they surfaced as "internal error" (exit 1). The guard turns each into an
:class:`~amdsim.core.errors.InputError` naming the file and the field (exit 2):

- integer literals longer than :data:`MAX_INT_DIGITS` digits are kept as :class:`OversizedNumber`
  placeholders while parsing and reported with their field path afterwards (:func:`oversized_problems`);
- JSON float literals that overflow to infinity (``1e999``) and the non-JSON constants ``NaN`` and
  ``Infinity`` are refused the same way;
- documents nested deeper than :data:`MAX_NESTING` brackets are refused before the parser runs
  (:func:`json_nesting_depth`, which skips strings).
"""

from __future__ import annotations

import json
import math
import string
from typing import Any

from amdsim.core.errors import InputError, Problem

#: Longest integer literal accepted (digits). Seeds are below 2^63 (19 digits); nothing in a scenario
#: or an instance needs more, and 40 digits keep every integer exactly representable as a float's range.
MAX_INT_DIGITS = 40
#: Deepest bracket nesting accepted in a JSON document (a WTA instance needs 2).
MAX_NESTING = 64


class OversizedNumber:
    """Placeholder for a numeric literal the guard refused; ``text`` is its start, ``why`` the reason."""

    def __init__(self, literal: str, why: str, where: str = "") -> None:
        self.text = literal[:20] + ("..." if len(literal) > 20 else "")
        self.why = why
        self.where = where

    def __repr__(self) -> str:
        return f"OversizedNumber({self.text!r})"


def guard_int_literal(literal: str, where: str = "") -> OversizedNumber | None:
    """An :class:`OversizedNumber` when ``literal`` has more than :data:`MAX_INT_DIGITS` digits, else None."""
    n = sum(c in string.hexdigits for c in literal)   # decimal, and 0x / 0o / 0b forms alike
    if n > MAX_INT_DIGITS:
        return OversizedNumber(literal, f"integer literal of {n} digits: at most {MAX_INT_DIGITS} digits are "
                                        "allowed", where)
    return None


def oversized_problems(doc: object, file: str, path: str = "") -> list[Problem]:
    """Every :class:`OversizedNumber` left in a parsed document, as a problem naming its field path."""
    out: list[Problem] = []
    stack: list[tuple[object, str]] = [(doc, path)]
    seen: set[int] = set()   # YAML anchors share containers, and a recursive alias contains itself
    while stack:
        node, p = stack.pop()
        if isinstance(node, dict | list):
            if id(node) in seen:
                continue
            seen.add(id(node))
        if isinstance(node, OversizedNumber):
            at = f" ({node.where})" if node.where else ""
            out.append(Problem(file, p, f"{node.why}{at}"))
        elif isinstance(node, dict):
            stack.extend((v, f"{p}.{k}" if p else str(k)) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((v, f"{p}[{i}]") for i, v in reversed(list(enumerate(node))))
    return out


def json_nesting_depth(text: str) -> int:
    """Deepest nesting of JSON arrays and objects in ``text`` (brackets inside strings do not count)."""
    depth = deepest = 0
    in_str = esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return deepest


def _parse_int(literal: str) -> int | OversizedNumber:
    return guard_int_literal(literal) or int(literal)


def _parse_float(literal: str) -> float | OversizedNumber:
    x = float(literal)
    if not math.isfinite(x):
        return OversizedNumber(literal, "number beyond the float range (about 1.8e308): expected a finite number")
    return x


def _parse_constant(name: str) -> OversizedNumber:
    return OversizedNumber(name, f"{name} is not a JSON number: expected a finite number")


def json_loads_guarded(text: str, file: str) -> Any:
    """Parse JSON text with the guard: InputError (naming ``file`` and the field) for nesting beyond
    :data:`MAX_NESTING`, integer literals beyond :data:`MAX_INT_DIGITS` digits, floats that overflow,
    NaN and Infinity, and for text that is not JSON."""
    depth = json_nesting_depth(text)
    if depth > MAX_NESTING:
        raise InputError(Problem(file, "", f"JSON nested {depth} levels deep: at most {MAX_NESTING} levels are "
                                           "allowed"))
    try:
        doc = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
    except json.JSONDecodeError as exc:
        raise InputError(Problem(file, f"line {exc.lineno}, column {exc.colno}",
                                 f"not valid JSON: {exc.msg} (expected well-formed JSON)")) from None
    except RecursionError:  # a bound the depth scan missed: still the user's file
        raise InputError(Problem(file, "", f"JSON nested too deeply (limit {MAX_NESTING} levels)")) from None
    problems = oversized_problems(doc, file)
    if problems:
        raise InputError(problems)
    return doc
