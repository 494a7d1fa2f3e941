"""Dotted-path overrides of a raw scenario dict (``--set fighters.count=4``), applied before validation.

A path part that is an integer indexes a list; a name applied to a list applies to every element
(so ``fighters.count`` sets ``count`` in every fighter group).
"""

from __future__ import annotations

import copy

from amdsim.core.errors import InputError, Problem


def apply_overrides(raw: dict, overrides: dict, file: str = "--set") -> dict:
    out = copy.deepcopy(raw)
    for path, value in overrides.items():
        parts = [p for p in str(path).split(".") if p]
        if not parts:
            raise InputError(Problem("--set", str(path), "empty override path"))
        _set(out, parts, value, path)
    return out


def _set(node, parts, value, path) -> None:
    head, rest = parts[0], parts[1:]
    if isinstance(node, list):
        if head.lstrip("-").isdigit():
            i = int(head)
            if not -len(node) <= i < len(node):
                raise InputError(Problem("--set", path, f"index {i} out of range (list has {len(node)} items)"))
            if rest:
                _set(node[i], rest, value, path)
            else:
                node[i] = value
            return
        if not node:
            raise InputError(Problem("--set", path, "applies to an empty list"))
        for item in node:
            _set(item, parts, value, path)
        return
    if not isinstance(node, dict):
        raise InputError(Problem("--set", path, f"cannot descend into {type(node).__name__} at {head!r}"))
    if not rest:
        node[head] = value
        return
    if head not in node or node[head] is None:
        node[head] = {}
    _set(node[head], rest, value, path)
