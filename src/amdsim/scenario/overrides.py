"""Changes to a scenario from the command line or a variants file, applied to its raw dict before validation.

The one place every command (``run``, ``sweep``, ``explain``, the Python API) parses and applies
``--set``/``--unset``; ``docs/variants.md`` documents the forms and the variants file.

Paths
-----
Dotted, each part a field name, optionally followed by selectors of list entries::

    link.latency_s                         a field (created if the scenario leaves it at its default)
    aew.0.on_station_s   aew[0].on_station_s     entry 0 of a list (negative counts from the end)
    batteries[id=alpha_long].launchers     the entry whose ``id`` is alpha_long (any field: [force=red])
    platforms[id=cvn].batteries[id=sm2].interceptors_per_launcher
    fighters.count                         a field name applied to a list sets it in every entry

Field names are checked against the scenario's pydantic models ("did you mean ..."), and a selector
that picks nothing lists the values the list has. Every error names the option (``--set``,
``--unset`` or the variants file).

Overrides
---------
One variant's changes are a dict, in order of application: ``{PATH: value}`` sets, and
``{"unset PATH": None}`` removes a list entry (``--unset aew[id=aew_avalon]``) or a field (it goes
back to its default). The dict is JSON as it is (manifest.json, sweep.json) and :func:`describe`
names it: ``"aew[id=aew_avalon] removed, link.latency_s=5"``.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from amdsim.core.errors import InputError, Problem

#: Key prefix of a removal in an overrides dict.
UNSET = "unset "
#: Name of the variant without changes.
BASELINE = "baseline"

_INDEX = re.compile(r"-?\d+$")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
_SELECTOR = re.compile(r"\[([^\[\]]*)\]")


@dataclass(frozen=True)
class Step:
    """One step of a path: a field ``name``, a list ``index``, or entries whose ``field`` equals ``value``."""

    name: str | None = None
    index: int | None = None
    field: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        if self.name is not None:
            return self.name
        if self.index is not None:
            return f"[{self.index}]"
        return f"[{self.field}={self.value}]"


# ----------------------------------------------------------------------------------------------
# parsing


def split_top(text: str, sep: str) -> list[str]:
    """``text`` split at each ``sep`` outside brackets, braces and quotes."""
    parts: list[str] = []
    cur: list[str] = []
    depth, quote = 0, ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return parts


def parse_path(path: str, option: str = "--set") -> list[Step]:
    """The steps of a dotted path (module docstring); :class:`InputError` naming ``option`` if malformed."""
    text = str(path).strip()

    def bad(why: str) -> InputError:
        return InputError(Problem(option, text, f"{why}; expected a dotted path such as link.latency_s, "
                                                "aew.0.on_station_s or batteries[id=alpha_long].launchers"))

    if not text:
        raise bad("empty path")
    steps: list[Step] = []
    for part in split_top(text, "."):
        head, bracket, tail = part.partition("[")
        tail = bracket + tail
        if not head and not tail:
            raise bad("empty part in the dotted path")
        if head:
            if _INDEX.match(head):
                if tail:
                    raise bad(f"selector after the index {head!r}")
                steps.append(Step(index=int(head)))
                continue
            if not _NAME.match(head):
                raise bad(f"{head!r} is not a field name")
            steps.append(Step(name=head))
        pos = 0
        for m in _SELECTOR.finditer(tail):
            if m.start() != pos:
                break
            pos = m.end()
            inner = m.group(1).strip()
            if _INDEX.match(inner):
                steps.append(Step(index=int(inner)))
                continue
            key, eq, value = inner.partition("=")
            if not eq or not _NAME.match(key.strip()) or not value.strip():
                raise bad(f"selector [{inner}] is neither [N] nor [FIELD=VALUE]")
            steps.append(Step(field=key.strip(), value=value.strip().strip("'\"")))
        if pos != len(tail):
            raise bad(f"unbalanced or stray text {tail[pos:]!r} after {head or 'the path'}")
    return steps


def _yaml_value(text: str, option: str, opt: str) -> Any:
    """One value after ``=``, behind the numeric-literal and nesting guard of every parser edge
    (``scenario/load.py``): a scalar, or ``[]`` / a flow list or mapping."""
    from amdsim.scenario.load import parse_scenario_text, parse_yaml_scalar

    try:
        return parse_yaml_scalar(text.strip(), opt)
    except InputError as exc:
        if not any("is not a scalar" in p.message for p in exc.problems):
            raise InputError([Problem(option, opt, p.message) for p in exc.problems]) from None
    try:
        return parse_scenario_text("value: " + text.strip(), option)["value"]
    except InputError as exc:
        raise InputError([Problem(option, opt, f"value {text.strip()!r}: {p.message}") for p in exc.problems]) from None


def parse_set_options(options: Iterable[str], option: str = "--set") -> list[tuple[str, list]]:
    """``PATH=V1,V2,...`` options as ``[(path, [values...])]``: each value a YAML value (a scalar,
    ``[]`` or a flow list/mapping; commas inside brackets do not split values)."""
    out: list[tuple[str, list]] = []
    for opt in options:
        parts = split_top(opt, "=")
        path, values = parts[0].strip(), "=".join(parts[1:])
        if len(parts) < 2 or not path or not values.strip():
            raise InputError(Problem(option, opt, "expected PATH=VALUE[,VALUE...], e.g. fighters.count=0,2,4 or "
                                                  "batteries[id=alpha_long].launchers=2"))
        parse_path(path, option)
        out.append((path, [_yaml_value(text, option, opt) for text in split_top(values, ",")]))
    return out


def parse_unset_options(options: Iterable[str], option: str = "--unset") -> list[str]:
    """``--unset PATH`` options, each path checked for form."""
    out = []
    for opt in options:
        parse_path(opt, option)
        out.append(opt.strip())
    return out


def single_overrides(sets: Iterable[str] | None = None, unsets: Iterable[str] | None = None,
                     command: str = "run") -> dict[str, Any]:
    """The overrides of one run: ``--set PATH=VALUE`` (one value per path) then ``--unset PATH``."""
    out: dict[str, Any] = {}
    for path, values in parse_set_options(sets or []):
        if len(values) != 1:
            raise InputError(Problem("--set", path, f"{command} takes one value per path "
                                                    "(use `amdsim sweep` for several)"))
        out[path] = values[0]
    for path in parse_unset_options(unsets or []):
        out[UNSET + path] = None
    return out


def sweep_variants(sets: list[tuple[str, list]]) -> list[dict]:
    """Cross product of the set options, first option varying slowest: a list of override dicts."""
    if not sets:
        return [{}]
    paths = [p for p, _ in sets]
    return [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*(v for _, v in sets))]


# ----------------------------------------------------------------------------------------------
# names


def yaml_scalar(v: Any) -> str:
    """A value as the user would type it after ``=``."""
    if isinstance(v, bool) or v is None:
        return "true" if v is True else "false" if v is False else "null"
    if isinstance(v, (list, dict)):
        return yaml.safe_dump(v, default_flow_style=True, width=10_000).strip()
    return str(v)


def describe(overrides: Mapping[str, Any]) -> str:
    """A variant's name from its changes: ``"aew[id=aew_avalon] removed, link.latency_s=5"``; ``"baseline"``."""
    parts = [f"{k[len(UNSET):]} removed" if k.startswith(UNSET) else f"{k}={yaml_scalar(v)}"
             for k, v in overrides.items()]
    return ", ".join(parts) or BASELINE


def unique_names(names: list[str]) -> list[str]:
    """``names`` with repeats told apart: the second ``x`` becomes ``x (2)``."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


# ----------------------------------------------------------------------------------------------
# application


def apply_overrides(raw: dict, overrides: Mapping[str, Any], file: str = "--set") -> dict:
    """A copy of the raw scenario dict ``raw`` with ``overrides`` applied in order (module docstring);
    :class:`InputError` listing every change that cannot be applied.

    ``file`` is kept for callers that name the scenario; errors name the option (``--set``/``--unset``).
    """
    del file
    out = copy.deepcopy(raw)
    problems: list[Problem] = []
    for key, value in overrides.items():
        unset = str(key).startswith(UNSET)
        path = str(key)[len(UNSET):] if unset else str(key)
        option = "--unset" if unset else "--set"
        try:
            _Walk(path, option, unset, value).apply(out, parse_path(path, option), _scenario_model(), "")
        except InputError as exc:         # every bad change listed, not just the first
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return out


def _scenario_model():
    from amdsim.scenario.models import Scenario

    return Scenario


class _Walk:
    """One override walking down the raw dict alongside the pydantic model that describes it."""

    def __init__(self, path: str, option: str, unset: bool, value: Any) -> None:
        self.path, self.option, self.unset, self.value = path, option, unset, value

    def fail(self, message: str) -> InputError:
        return InputError(Problem(self.option, self.path, message))

    def apply(self, node: Any, steps: list[Step], model: Any, where: str) -> None:
        step, rest = steps[0], steps[1:]
        if step.name is not None:
            self._field(node, step.name, rest, model, where)
        else:
            self._entries(node, step, rest, model, where)

    def _field(self, node: Any, name: str, rest: list[Step], model: Any, where: str) -> None:
        here = f"{where}.{name}" if where else name
        if isinstance(node, list):
            if not node:
                raise self.fail(f"{where or 'the scenario'} is an empty list: no entry to set {name} in")
            for item in node:                # a field name applied to a list: every entry
                self._field(item, name, rest, model, where)
            return
        if not isinstance(node, dict):
            raise self.fail(f"{where} is {yaml_scalar(node)!r}, not a mapping with a field {name!r}")
        child = _field_model(model, name)
        if child is _UNKNOWN:
            fields = _model_fields(model)
            hint = _did_you_mean(name, fields)
            raise self.fail(f"{where or 'the scenario'} has no field {name!r}{hint}")
        if not rest:
            if self.unset:
                if name not in node:
                    raise self.fail(f"{here} is not in the scenario (it is already at its default)")
                del node[name]
            else:
                node[name] = copy.deepcopy(self.value)
            return
        if name not in node or node[name] is None:
            if rest[0].name is None:
                raise self.fail(f"the scenario has no {here} list to pick {rest[0]} from")
            node[name] = {}
        self.apply(node[name], rest, child, here)

    def _entries(self, node: Any, step: Step, rest: list[Step], model: Any, where: str) -> None:
        if not isinstance(node, list):
            raise self.fail(f"{where or 'the scenario'} is not a list, so {step} picks nothing")
        if step.index is not None:
            i = step.index
            if not -len(node) <= i < len(node):
                raise self.fail(f"index {i} out of range ({where} has {len(node)} entr{'y' if len(node) == 1 else 'ies'})")
            picked = [i % len(node)]
        else:
            picked = [j for j, item in enumerate(node)
                      if isinstance(item, dict) and step.field in item and str(item[step.field]) == step.value]
            if not picked:
                have = sorted({str(item[step.field]) for item in node if isinstance(item, dict) and step.field in item})
                hint = _did_you_mean(str(step.value), have)
                listing = f" ({where} has {step.field} {', '.join(have)})" if have and not hint else ""
                raise self.fail(f"no entry of {where} has {step.field}={step.value}{hint}{listing}")
        here = f"{where}{step}"
        if not rest:
            if self.unset:
                for j in sorted(picked, reverse=True):
                    del node[j]
            else:
                for j in picked:
                    node[j] = copy.deepcopy(self.value)
            return
        for j in picked:
            self.apply(node[j], rest, model, here)


# ----------------------------------------------------------------------------------------------
# the models, for field names


_UNKNOWN = object()


def _model_fields(model: Any) -> list[str]:
    if model is None:
        return []
    names = []
    for name, info in model.model_fields.items():
        names.append(info.alias or name)
        if info.validation_alias and isinstance(info.validation_alias, str):
            names.append(info.validation_alias)
    return names


def _field_model(model: Any, name: str) -> Any:
    """The model (element model for lists) of field ``name`` of ``model``; None when not a single
    model (any value accepted below); :data:`_UNKNOWN` when ``model`` has no such field."""
    if model is None:
        return None
    if name not in model.model_fields:
        for info in model.model_fields.values():
            if name in (info.alias, info.validation_alias):
                return _element_model(info.annotation)
        if model.model_config.get("extra") != "forbid":
            return None
        return _UNKNOWN
    return _element_model(model.model_fields[name].annotation)


def _element_model(annotation: Any) -> Any:
    from pydantic import BaseModel

    found = []
    todo = [annotation]
    while todo:
        a = todo.pop()
        if isinstance(a, type) and issubclass(a, BaseModel):
            found.append(a)
            continue
        origin = typing.get_origin(a)
        if origin is typing.Annotated:
            todo.append(typing.get_args(a)[0])
        elif origin in (list, tuple, typing.Union, types.UnionType):
            todo.extend(typing.get_args(a))
    return found[0] if len(found) == 1 else None


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


# ----------------------------------------------------------------------------------------------
# variants files


VARIANT_KEYS = ("name", "description", "set", "unset")


def read_variants_file(path: str | Path) -> list[tuple[str, dict[str, Any]]]:
    """The variants of a variants file (``docs/variants.md``) as ``[(name, overrides)]``, in file order.

    A variant without ``name`` is named by :func:`describe`; the first variant is the baseline the
    others are compared with. Every problem is reported with the file and the variant's field path.
    """
    file = str(path)
    from amdsim.scenario.load import parse_scenario_text

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the variants file: {exc.strerror or exc}", file=file) from None
    doc = parse_scenario_text(data, file)      # the guarded YAML reader of scenario files
    example = "variants: [{name: baseline}, {name: no AEW, unset: [\"aew[id=aew_avalon]\"]}]"
    if not isinstance(doc, dict) or not isinstance(doc.get("variants"), list) or not doc["variants"]:
        raise InputError(Problem(file, "variants", f"expected a list of variants, e.g. {example}"))
    problems: list[Problem] = []
    out: list[tuple[str, dict[str, Any]]] = []
    for i, v in enumerate(doc["variants"]):
        where = f"variants[{i}]"
        if not isinstance(v, dict):
            problems.append(Problem(file, where, "expected a mapping with name, set and/or unset"))
            continue
        for key in v:
            if key not in VARIANT_KEYS:
                problems.append(Problem(file, f"{where}.{key}", f"unknown key{_did_you_mean(str(key), VARIANT_KEYS)} "
                                                                f"(a variant has {', '.join(VARIANT_KEYS)})"))
        ov: dict[str, Any] = {}
        sets = v.get("set") or {}
        if not isinstance(sets, dict):
            problems.append(Problem(file, f"{where}.set", "expected a mapping PATH: VALUE, e.g. {link.latency_s: 5}"))
            sets = {}
        for p, val in sets.items():
            try:
                parse_path(str(p), f"{file}: {where}.set")
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            ov[str(p)] = val
        unsets = v.get("unset") or []
        if isinstance(unsets, str):
            unsets = [unsets]
        if not isinstance(unsets, list):
            problems.append(Problem(file, f"{where}.unset", "expected a list of paths, e.g. [\"aew[id=aew_avalon]\"]"))
            unsets = []
        for p in unsets:
            try:
                parse_path(str(p), f"{file}: {where}.unset")
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            ov[UNSET + str(p)] = None
        name = v.get("name")
        out.append((str(name) if name not in (None, "") else describe(ov), ov))
    names = [n for n, _ in out]
    for n in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem(file, "variants", f"the name {n!r} is given to {names.count(n)} variants; "
                                                  "names must be unique"))
    if problems:
        raise InputError(problems)
    return out


__all__ = ["BASELINE", "UNSET", "Step", "apply_overrides", "describe", "parse_path", "parse_set_options",
           "parse_unset_options", "read_variants_file", "single_overrides", "split_top", "sweep_variants",
           "unique_names", "yaml_scalar"]
