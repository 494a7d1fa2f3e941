"""Schema errors in a newcomer's words: what was expected, with an example, and "did you mean".

pydantic reports ``Input should be a valid dictionary or instance of Position``; a user reads
``expected a mapping of Position's fields (key: value lines), got a list [33, 35]; e.g. position:
{lat_deg: 33.2, lon_deg: 35.4, alt_m: 0.0}``. The example is the value the same field has in a
bundled scenario (``amdsim/data/*.yaml``), else a sketch of the model's required fields. A
misspelled field or choice gets the closest names (difflib). :func:`references_of_what_parsed`
lets reference errors be listed in the same pass as schema errors.
"""

from __future__ import annotations

import re
import types
import typing
import warnings
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from amdsim.core.errors import Problem, did_you_mean
from amdsim.scenario.models import Scenario

#: Longest example or shown input, in characters.
MAX_SHOWN = 90


def format_field_path(loc: tuple) -> str:
    """``('cruise_missiles', 2, 'target')`` -> ``cruise_missiles[2].target``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + (str(part) if part != "" else "''")
    return out


# --- where in the models a location points ------------------------------------------------------

def _models_in(tp: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold (through Optional, unions, Annotated)."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        args = typing.get_args(tp)[:1] if origin is typing.Annotated else typing.get_args(tp)
        return [m for a in args for m in _models_in(a)]
    return []


def _item_type(tp: Any) -> Any:
    """The element type of a list/tuple annotation (through Optional and Annotated), else None."""
    origin = typing.get_origin(tp)
    if origin in (list, tuple, set, frozenset):
        args = typing.get_args(tp)
        return args[0] if args else None
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        for a in typing.get_args(tp)[:1] if origin is typing.Annotated else typing.get_args(tp):
            inner = _item_type(a)
            if inner is not None:
                return inner
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    names = []
    for name, info in model.model_fields.items():
        names.append(info.alias or name)
        if info.validation_alias and isinstance(info.validation_alias, str):
            names.append(info.validation_alias)
        if info.alias and info.alias != name:
            names.append(name)
    return list(dict.fromkeys(names))


def _field(model: type[BaseModel], key: str):
    for name, info in model.model_fields.items():
        if key in (name, info.alias, info.validation_alias):
            return info
    return None


def locate(loc: tuple) -> tuple[type[BaseModel] | None, Any]:
    """(the model holding the last key of ``loc``, that key's FieldInfo or None); (None, None) if lost."""
    tp: Any = Scenario
    parent: type[BaseModel] | None = None
    info = None
    for part in loc:
        if isinstance(part, int):
            tp = _item_type(tp)
            if tp is None:
                return None, None
            continue
        models = _models_in(tp)
        holder = next((m for m in models if _field(m, part) is not None), None)
        if holder is None:
            if len(models) > 1 or (models and part not in _field_names(models[0])):
                # a discriminated union's tag in the location, or an unknown key: stay on this level
                parent, info = (models[0] if len(models) == 1 else parent), None
                continue
            return None, None
        parent, info = holder, _field(holder, part)
        tp = info.annotation
    return parent, info


# --- examples from the bundled scenarios --------------------------------------------------------

@cache
def _bundled() -> tuple[dict, ...]:
    out = []
    for name in ("demo.yaml", "three_nations.yaml", "six_nations.yaml"):
        try:
            out.append(yaml.safe_load((files("amdsim") / "data" / name).read_text()))
        except (OSError, yaml.YAMLError):
            continue
    return tuple(d for d in out if isinstance(d, dict))


def value_at(data: Any, loc: tuple) -> Any:
    """The value at ``loc`` in ``data`` (any list entry that has it, for an index); KeyError if none."""
    if not loc:
        return data
    head, rest = loc[0], loc[1:]
    if isinstance(head, int):
        if not isinstance(data, list):
            raise KeyError(head)
        for item in data:
            try:
                return value_at(item, rest)
            except KeyError:
                continue
        raise KeyError(head)
    if not isinstance(data, dict) or head not in data:
        raise KeyError(head)
    return value_at(data[head], rest)


def _flow(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False).strip()
    text = text.removesuffix("\n...").removesuffix("...").strip()
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 4] + " ...}"[: 5 if text[0] == "{" else 4]


def example(loc: tuple) -> str:
    """``key: value`` as a bundled scenario writes the field at ``loc`` ('' if none does)."""
    key = next((p for p in reversed(loc) if isinstance(p, str)), None)
    if key is None:
        return ""
    for data in _bundled():
        try:
            value = value_at(data, loc)
        except KeyError:
            continue
        if isinstance(loc[-1], int):      # an entry of a list: show it as one
            value = [value]
        elif isinstance(value, list) and value:
            value = value[:1]
        return f"{key}: {_flow(value)}"
    return ""


def _sketch(model: type[BaseModel]) -> str:
    """``{lat_deg: ..., lon_deg: ...}``: a mapping of the model's required fields."""
    req = [info.alias or name for name, info in model.model_fields.items() if info.is_required()]
    return "{" + ", ".join(f"{n}: ..." for n in (req or _field_names(model)[:3])) + "}"


# --- the message ----------------------------------------------------------------------------------

def _shown(value: Any) -> str:
    if value is None:
        return "an empty value"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _what(value: Any) -> str:
    """'a list [33, 35]', 'the text 'x'', 'a number 3'."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list {_shown(value)}"
    if isinstance(value, str):
        return f"the text {_shown(value)}"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if value is None:
        return "nothing (an empty value)"
    return f"the number {_shown(value)}" if isinstance(value, int | float) else _shown(value)


def _unit(info: Any) -> str:
    """' (m/s)': the unit in a field's description, if any."""
    desc = getattr(info, "description", None) or ""
    m = re.search(r"\(([^()]{1,24})\)\.?$", desc)
    return f" ({m.group(1)})" if m and not m.group(1).startswith(("e.g", "default")) else ""


def _quoted(text: str) -> list[str]:
    """The choices of pydantic's "'a', 'b' or 'c'" (or "0, 1 or 3")."""
    quoted = re.findall(r"'([^']*)'", text)
    return quoted or [c for c in re.split(r",\s*|\s+or\s+", text) if c]


def problem_from_pydantic(file: str, err: ErrorDetails) -> Problem:
    """One pydantic error as a :class:`Problem` a newcomer can act on."""
    loc = tuple(err.get("loc", ()))
    path = format_field_path(loc)
    kind = err.get("type", "")
    msg = err.get("msg", "invalid value")
    ctx = err.get("ctx") or {}
    got = err.get("input")
    parent, info = locate(loc)
    key = loc[-1] if loc and isinstance(loc[-1], str) else ""
    eg = example(loc)
    eg_text = f"; e.g. `{eg}`" if eg else ""
    show_got = True
    if kind == "value_error" and msg.startswith("Value error, "):  # our validators' own words
        msg = msg[len("Value error, "):]
        eg_text = ""
    elif kind == "extra_forbidden":
        known = _field_names(parent) if parent is not None else []
        listed = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
        where = f" of {parent.__name__}" if parent is not None else ""
        msg = (f"unknown field {key!r}{did_you_mean(key, known)}: expected one of the fields{where}"
               f" ({listed}); `amdsim schema` lists them all")
        show_got, eg_text = False, ""
    elif kind == "missing":
        desc = getattr(info, "description", None)
        msg = "required field is missing" + (f": {desc.rstrip('.')}" if desc else "")
        show_got = False
        if not eg and info is not None:
            inner = _models_in(info.annotation)
            eg_text = f"; e.g. `{key}: {_sketch(inner[0])}`" if inner else ""
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        name = ctx.get("class_name") or (_models_in(info.annotation)[0].__name__ if info is not None
                                         and _models_in(info.annotation) else "the")
        msg = f"expected a mapping of {name}'s fields (`key: value` lines, or {{key: value, ...}}), got {_what(got)}"
        if not eg and info is not None and _models_in(info.annotation):
            eg_text = f"; e.g. `{key}: {_sketch(_models_in(info.annotation)[0])}`"
        show_got = False
    elif kind in ("list_type", "tuple_type", "set_type"):
        msg = f"expected a list (`- item` lines, or [a, b]), got {_what(got)}"
        show_got = False
    elif kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        what = "whole number" if kind.startswith("int") else "number"
        msg = f"not a valid {what}: expected a plain {what}{_unit(info)}, without units or quotes"
    elif kind in ("bool_parsing", "bool_type"):
        msg = "expected true or false"
    elif kind == "string_type":
        msg = "expected text" + (" (quote it: '...')" if isinstance(got, int | float) else "")
    elif kind == "string_pattern_mismatch":
        desc = getattr(info, "description", None) or "text matching " + str(ctx.get("pattern", ""))
        msg = f"expected {desc[0].lower() + desc[1:].rstrip('.')}"
    elif kind in ("literal_error", "enum"):
        choices = _quoted(str(ctx.get("expected", "")))
        shown = ", ".join(c if c.lstrip("-").isdigit() else repr(c) for c in choices)
        msg = f"expected one of {shown}{did_you_mean(str(got), choices)}"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        tags = _quoted(str(ctx.get("expected_tags", "")))
        disc = str(ctx.get("discriminator", "kind")).strip("'")
        tag = ctx.get("tag")
        msg = (f"{disc} {tag!r} is not one of {', '.join(map(repr, tags))}{did_you_mean(str(tag), tags)}"
               if kind == "union_tag_invalid" else f"expected a {disc}: one of {', '.join(map(repr, tags))}")
        show_got = False
    elif msg.startswith("Input should be "):
        rest = msg[len("Input should be "):]
        msg = "expected " + ("a value " if rest.startswith(("greater", "less")) else "") + rest + _unit(info)
    if show_got and not isinstance(got, dict | list):
        msg = f"{msg} (got {_shown(got)})"
    return Problem(file, path, msg + eg_text)


def references_of_what_parsed(raw: dict, errors: list[ErrorDetails], file: str) -> list[Problem]:
    """Reference problems of the parts that passed the schema, so that both kinds are listed at once.

    The entries of top-level lists with schema errors are left out (and references to their ids are
    not reported: the entry itself is); a top-level field with errors falls back to its default. If
    what is left still does not validate (a required field is wrong), nothing is added."""
    from amdsim.scenario.references import check_references

    bad_items: dict[str, set[int]] = {}
    bad_top: set[str] = set()
    for e in errors:
        loc = tuple(e.get("loc", ()))
        if not loc or not isinstance(loc[0], str):
            return []
        if len(loc) > 1 and isinstance(loc[1], int) and isinstance(raw.get(loc[0]), list):
            bad_items.setdefault(loc[0], set()).add(loc[1])
        else:
            bad_top.add(loc[0])
    pruned = {k: v for k, v in raw.items() if k not in bad_top}
    for key in bad_top:  # a required scalar (start_utc, duration_s) borrows a bundled value; others: give up
        info = Scenario.model_fields.get(key)
        if info is not None and info.is_required():
            try:
                value = value_at(_bundled()[0], (key,))
            except (KeyError, IndexError):
                return []
            if isinstance(value, dict | list):   # forces borrowed from the demo would dangle every reference
                return []
            pruned[key] = value
    kept: dict[str, list[int]] = {}
    dropped_ids: set[str] = set()
    for group, idx in bad_items.items():
        items = raw[group]
        kept[group] = [i for i in range(len(items)) if i not in idx]
        pruned[group] = [items[i] for i in kept[group]]
        dropped_ids |= {str(items[i]["id"]) for i in idx if isinstance(items[i], dict) and "id" in items[i]}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scenario = Scenario.model_validate(pruned)
    except (ValidationError, ValueError, TypeError, RecursionError):
        return []
    out = []
    for p in check_references(scenario, file):
        head = re.split(r"[;:]", p.message, maxsplit=1)[0]   # "unknown asset 'x'"
        if any(repr(d) in head for d in dropped_ids):
            continue
        m = re.match(r"^(\w+)\[(\d+)\]", p.path)
        if m and m.group(1) in kept:
            p = Problem(p.file, f"{m.group(1)}[{kept[m.group(1)][int(m.group(2))]}]{p.path[m.end():]}", p.message)
        if p.path.split("[")[0].split(".")[0] in bad_top:
            continue
        out.append(p)
    return out
