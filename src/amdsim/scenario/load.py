"""Read a scenario file into a validated :class:`~amdsim.scenario.models.Scenario`.

Every problem is reported at once as an :class:`~amdsim.core.errors.InputError` whose lines give the
file, the field path (``cruise_missiles[2].target``) and what was expected. Hostile YAML (not
UTF-8, too deep, aliases that expand beyond reason, gigantic files) is refused with a message too.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from amdsim.core.errors import InputError, Problem
from amdsim.core.literal import OversizedNumber, guard_int_literal, oversized_problems
from amdsim.scenario.diagnose import format_field_path as format_field_path  # re-exported
from amdsim.scenario.diagnose import problem_from_pydantic, references_of_what_parsed
from amdsim.scenario.models import Scenario
from amdsim.scenario.references import check_references

#: Largest scenario file accepted (bytes).
MAX_FILE_BYTES = 5_000_000
#: Largest number of YAML nodes after alias expansion.
MAX_EXPANDED_NODES = 2_000_000
#: Deepest nesting accepted.
MAX_DEPTH = 64


def load_scenario_file(path: str | Path) -> Scenario:
    """Read, parse and validate a scenario file; raises :class:`InputError` listing every problem."""
    raw = read_scenario_dict(path)
    return scenario_from_dict(raw, file=str(path))


def read_scenario_dict(path: str | Path) -> dict:
    """Read and parse a YAML file into a plain dict (no schema validation yet)."""
    name = str(path)
    p = Path(path)
    try:
        if not p.is_file():
            raise InputError(Problem(name, "", "file not found (expected a scenario YAML file)"))
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(Problem(name, "", f"file is {size} bytes; scenarios are limited to {MAX_FILE_BYTES}"))
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(Problem(name, "", f"cannot read file: {exc.strerror or exc}")) from None
    return parse_scenario_text(data, file=name)


#: libyaml's parser (``CSafeLoader``, 5x faster) when PyYAML has it, else the pure-Python one; the
#: constructor is the safe one either way. libyaml recurses on the C stack, and a document of 100,000
#: nested brackets kills the process (seen: signal 11), so deep flow nesting goes to the Python parser,
#: whose clean "nested too deeply" error the user gets.
_BRACKETS = re.compile(r"[^\[\]{}]+")


def _guarded_int(loader: yaml.SafeLoader, node: yaml.ScalarNode):
    """YAML's int constructor behind the numeric-literal guard (``core/literal.py``): a literal of more
    than MAX_INT_DIGITS digits becomes a placeholder, reported with its field path after parsing
    (Python refuses to convert one of more than 4,300 digits at all)."""
    m = node.start_mark
    return guard_int_literal(str(node.value), f"line {m.line + 1}, column {m.column + 1}") or \
        yaml.SafeLoader.construct_yaml_int(loader, node)


class _GuardedFastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader with the integer guard."""


class _GuardedLoader(yaml.SafeLoader):
    """The pure-Python safe loader with the integer guard."""


for _loader in (_GuardedFastLoader, _GuardedLoader):
    _loader.add_constructor("tag:yaml.org,2002:int", _guarded_int)
_FAST_LOADER = _GuardedFastLoader


def _char(c: int | str) -> str:
    """The offending character of a ReaderError: libyaml gives its code point, the Python reader the character."""
    return chr(c) if isinstance(c, int) else c


def _flow_depth_bound(text: str) -> int:
    """An upper bound of the flow-collection nesting depth ([ and { outside quotes count too)."""
    depth = deepest = 0
    for ch in _BRACKETS.sub("", text):
        depth = depth + 1 if ch in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def parse_scenario_text(data: bytes | str, file: str = "<scenario>") -> dict:
    """Parse YAML text (bytes must be UTF-8) into a dict, refusing hostile documents."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(Problem(file, "", f"not UTF-8 text (byte {exc.start}): expected a YAML file")) from None
    else:
        text = data
    if "\x00" in text:
        raise InputError(Problem(file, "", "contains NUL characters: expected a YAML text file"))
    loader = None
    try:
        loader = (_FAST_LOADER if _flow_depth_bound(text) <= MAX_DEPTH else _GuardedLoader)(text)
        node = loader.get_single_node()
        if node is None:
            raise InputError(Problem(file, "", "file is empty: expected a YAML mapping with the scenario fields"))
        _check_node_budget(node, file)
        raw = loader.construct_document(node)   # the same node tree: the text is parsed once
    except yaml.reader.ReaderError as exc:  # a character YAML forbids; it has a position, not a mark
        raise InputError(Problem(file, f"character {exc.position + 1}",
                                 f"not valid YAML: character {_char(exc.character)!r} is not allowed in YAML text "
                                 "(expected printable text)")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        msg = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(Problem(file, where, f"not valid YAML: {msg} (expected well-formed YAML)")) from None
    except RecursionError:
        raise InputError(Problem(file, "", f"YAML nested too deeply (limit {MAX_DEPTH} levels)")) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(raw, dict):
        raise InputError(Problem(file, "", f"expected a YAML mapping at the top level, found {type(raw).__name__}"))
    problems = oversized_problems(raw, file)
    if problems:
        raise InputError(problems)
    return raw


def parse_yaml_scalar(text: str, where: str):
    """One YAML scalar of a command-line value (``--set PATH=VALUE``), behind the same guard as scenario
    files: InputError naming ``where`` for text that is not a YAML scalar or an oversized number."""
    try:
        value = yaml.load(text, Loader=_GuardedLoader)
    except yaml.YAMLError:
        raise InputError(Problem("--set", where, f"value {text!r} is not a YAML scalar")) from None
    except RecursionError:
        raise InputError(Problem("--set", where, f"value {text[:40]!r} is nested too deeply (expected a scalar)")) from None
    if isinstance(value, OversizedNumber):
        raise InputError(Problem("--set", where, value.why))
    if isinstance(value, dict | list):
        raise InputError(Problem("--set", where, f"value {text!r} is not a scalar"))
    return value


def _check_node_budget(root: yaml.Node, file: str) -> None:
    """Refuse documents too deep or whose aliases expand to too many nodes (billion laughs)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(Problem(file, "", f"YAML nested too deeply (limit {MAX_DEPTH} levels)"))
        key = id(node)
        if key in sizes and not done:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                children.extend((k, v))
            if not done:
                _check_duplicate_keys(node, file)
        if not done:
            sizes[key] = -1  # in progress
            stack.append((node, depth, True))
            stack.extend((c, depth + 1, False) for c in children if id(c) not in sizes)
        else:
            total = 1 + sum(max(sizes.get(id(c), 1), 1) for c in children)
            sizes[key] = total
            if total > MAX_EXPANDED_NODES:
                raise InputError(Problem(
                    file, "", f"YAML expands to more than {MAX_EXPANDED_NODES} nodes (aliases/anchors): refused"))


def _check_duplicate_keys(node: yaml.MappingNode, file: str) -> None:
    """Refuse a mapping that repeats a key: YAML would silently keep the last value only."""
    first: dict[str, yaml.Node] = {}
    for k, _ in node.value:
        if not isinstance(k, yaml.ScalarNode) or k.value == "<<":
            continue
        if k.value in first:
            m, m0 = k.start_mark, first[k.value].start_mark
            raise InputError(Problem(
                file, f"line {m.line + 1}, column {m.column + 1}",
                f"duplicate key {k.value[:60]!r} (first given at line {m0.line + 1}): expected each key once"))
        first[k.value] = k


def scenario_from_dict(raw: dict, file: str = "<scenario>") -> Scenario:
    """Validate a parsed scenario dict: schema, then cross references; with schema errors, the
    references of the parts that parsed are listed too (:mod:`amdsim.scenario.diagnose`)."""
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        raise InputError([problem_from_pydantic(file, e) for e in errors]
                         + references_of_what_parsed(raw, errors, file)) from None
    except RecursionError:
        raise InputError(Problem(file, "", "structure nested too deeply")) from None
    problems = check_references(scenario, file)
    if problems:
        raise InputError(problems)
    return scenario


def scenario_hash(raw: dict) -> str:
    """SHA-256 of the canonical JSON of the validated scenario (stable across key order)."""
    import json

    return hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()
