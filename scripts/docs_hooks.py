"""MkDocs hooks of amdsim's documentation site (``mkdocs.yml``: ``hooks: [scripts/docs_hooks.py]``).

Two markers in a page's Markdown are replaced at build time:

``<!-- amdsim:scenario-reference -->``
    the scenario reference, generated from the JSON Schema of the pydantic models (what ``amdsim
    schema`` prints): every model, and for each field its type, unit, default, description and an
    example (the value a bundled scenario gives it, else the default). Nothing is kept by hand, so
    the page cannot drift from the code.
``<!-- amdsim:architecture "Heading" -->``
    the section of ``docs/architecture.md`` under that ``##`` heading (the text stays there, once;
    a heading that no longer exists fails the build).

``python scripts/docs_hooks.py`` prints the generated reference (to read it without building).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from amdsim.scenario.diagnose import value_at

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "amdsim" / "data"
BUNDLED = ("demo.yaml", "three_nations.yaml", "six_nations.yaml")
REFERENCE_MARK = "<!-- amdsim:scenario-reference -->"
SECTION_MARK = re.compile(r'<!-- amdsim:architecture "([^"]+)" -->')

#: Units read from a field name's suffix (the house rule puts the unit there), longest first.
SUFFIX_UNITS = (("_kg_m2", "kg/m²"), ("_mps2", "m/s²"), ("_mps", "m/s"), ("_m2", "m²"), ("_deg", "deg"),
                ("_rad", "rad"), ("_db", "dB"), ("_hz", "Hz"), ("_km", "km"), ("_s", "s"), ("_m", "m"),
                ("_g", "g"), ("_w", "W"))


def _schema() -> dict:
    from amdsim.scenario.models import Scenario

    return Scenario.model_json_schema()


def _ref_name(prop: dict) -> str | None:
    ref = prop.get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None


def _children(prop: dict) -> list[tuple[str, bool]]:
    """(model name, is a list of it) reachable from one property."""
    out = []
    if _ref_name(prop):
        out.append((_ref_name(prop) or "", False))
    for key in ("anyOf", "oneOf", "allOf"):
        for alt in prop.get(key, []):
            out.extend(_children(alt))
    if prop.get("type") == "array" and isinstance(prop.get("items"), dict):
        out.extend((name, True) for name, _ in _children(prop["items"]))
    for alt in prop.get("discriminator", {}).get("mapping", {}).values():
        out.append((alt.rsplit("/", 1)[-1], False))
    return out


def model_paths(schema: dict) -> dict[str, list[tuple]]:
    """Each model's locations in a scenario (``('radars', 0, 'radar')``), breadth first from the top."""
    paths: dict[str, list[tuple]] = {"Scenario": [()]}
    queue: list[tuple[str, tuple]] = [("Scenario", ())]
    defs = schema.get("$defs", {})
    while queue:
        name, loc = queue.pop(0)
        model = schema if name == "Scenario" else defs.get(name, {})
        for field, prop in model.get("properties", {}).items():
            for child, is_list in _children(prop):
                child_loc = (*loc, field, 0) if is_list else (*loc, field)
                if child not in paths:
                    paths[child] = []
                    queue.append((child, child_loc))
                if len(paths[child]) < 4:
                    paths[child].append(child_loc)
    return paths


def _bundled() -> list[dict]:
    """The bundled scenarios, the demo and coalitions first, then any other (case studies)."""
    names = [n for n in BUNDLED if (DATA / n).is_file()]
    names += sorted(p.name for p in DATA.glob("*.yaml") if p.name not in names)
    return [yaml.safe_load((DATA / n).read_text()) for n in names]


def _flow(value: Any, limit: int = 70) -> str:
    if isinstance(value, list) and len(value) > 3:
        value = value[:3]
        text = yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False).strip()
        text = text[:-1] + ", ...]"
    else:
        text = yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False).strip()
    text = text.removesuffix("...").strip()
    return text if len(text) <= limit else text[: limit - 4] + " ..."


def _type(prop: dict) -> str:
    if "const" in prop:
        return f"`{json.dumps(prop['const'])}`"
    if "enum" in prop:
        return " | ".join(f"`{v}`" for v in prop["enum"])
    name = _ref_name(prop)
    if name:
        return f"[{name}](#{name.lower()})"
    for key in ("anyOf", "oneOf"):
        if key in prop:
            alts = [_type(a) for a in prop[key]]
            return " or ".join(a for a in alts if a != "null") + (" or null" if "null" in alts else "")
    t = prop.get("type", "any")
    if t == "array":
        items = prop.get("items", {})
        return f"list of {_type(items) if items else 'any'}"
    if t == "string" and prop.get("format"):
        return f"{t} ({prop['format']})"
    return str(t)


def unit(field: str, prop: dict) -> str:
    """The field's unit: the description's closing parenthesis, else the name's suffix, else ''."""
    desc = prop.get("description", "")
    m = re.search(r"\(([^()]{1,20})\)\.?\s*$", desc.split(";")[0]) or re.search(r"\(([^()]{1,20})\)\.?\s*$", desc)
    if m and not m.group(1).startswith(("e.g", "default", "0", "1")) and ":" not in m.group(1) \
            and len(m.group(1).split()) <= 3:
        return m.group(1)
    return next((u for suffix, u in SUFFIX_UNITS if field.endswith(suffix)), "")


def _bounds(prop: dict) -> str:
    parts = []
    for key, sym in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="), ("exclusiveMaximum", "<"),
                     ("minLength", "length >="), ("maxLength", "length <="), ("minItems", "items >="),
                     ("maxItems", "items <=")):
        if key in prop:
            parts.append(f"{sym} {prop[key]}")
    for alt in prop.get("anyOf", []):
        b = _bounds(alt)
        if b:
            parts.append(b)
    return ", ".join(parts)


def _synthetic(prop: dict) -> Any:
    """A value of the field's type within its bounds, for a field no bundled scenario sets."""
    for alt in prop.get("anyOf", []):
        if alt.get("type") != "null":
            return _synthetic(alt)
    t = prop.get("type")
    if "enum" in prop:
        return prop["enum"][0]
    if t in ("number", "integer"):
        lo = prop.get("minimum", prop.get("exclusiveMinimum", 0))
        hi = prop.get("maximum", prop.get("exclusiveMaximum", lo + 10))
        value = lo + 1 if lo + 1 < hi else (lo + hi) / 2
        return int(value) if t == "integer" else float(value)
    if t == "boolean":
        return True
    if t == "array":
        return [_synthetic(prop.get("items", {}))] if prop.get("items", {}).get("type") else []
    if t == "string":
        return "2030-01-01T00:00:00Z" if prop.get("format") == "date-time" else "my_id"
    return None


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def scenario_reference(schema: dict | None = None) -> str:
    """The scenario reference as Markdown: one section per model, one table row per field."""
    schema = schema or _schema()
    defs = schema.get("$defs", {})
    paths = model_paths(schema)
    bundled = _bundled()
    out = []
    for name in paths:
        model = schema if name == "Scenario" else defs.get(name)
        if model is None or "properties" not in model:
            continue
        shown_paths = ", ".join("`" + ("".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)
                                       .lstrip(".").replace("[0]", "[]") or "(top level)") + "`"
                                for loc in paths[name])
        out += [f"## {name}", ""]
        if model.get("description"):
            out += [model["description"].strip(), ""]
        out += [f"Where: {shown_paths}", "",
                "| field | type | unit | default | description | example |",
                "|---|---|---|---|---|---|"]
        required = set(model.get("required", []))
        for field, prop in model["properties"].items():
            if field in required:
                default = "**required**"
            elif "default" in prop:
                default = f"`{_flow(prop['default'], 40)}`"
            elif prop.get("type") == "array":
                default = "`[]`"
            else:
                default = "(its fields' defaults)"
            example = ""
            for loc in paths[name]:
                for data in bundled:
                    try:
                        example = f"`{field}: {_flow(value_at(data, (*loc, field)))}`"
                        break
                    except KeyError:
                        continue
                if example:
                    break
            if not example and prop.get("default") is not None:
                example = f"`{field}: {_flow(prop['default'], 40)}`"
            elif not example and "enum" in prop:
                example = f"`{field}: {prop['enum'][0]}`"
            desc = prop.get("description", "")
            refs = [c for c, _ in _children(prop)]
            if not desc and refs and defs.get(refs[0], {}).get("description"):
                first = re.match(r"(.+?(?<!e\.g)\.)(\s|$)", defs[refs[0]]["description"].strip(), re.S)
                desc = first.group(1) if first else defs[refs[0]]["description"].strip()
            if not example and refs:
                example = "(see below)"
            elif not example and field.endswith("_path"):
                example = f"`{field}: terrain/dem.tif`"
            elif not example and _synthetic(prop) is not None:
                example = f"`{field}: {_flow(_synthetic(prop), 40)}`"
            bounds = _bounds(prop)
            if bounds:
                desc = f"{desc} ({bounds})" if desc else bounds
            out.append("| " + " | ".join(_cell(c) for c in (f"`{field}`", _type(prop), unit(field, prop), default,
                                                              desc, example)) + " |")
        out.append("")
    return "\n".join(out)


def architecture_section(heading: str) -> str:
    """The body of ``## heading`` in docs/architecture.md (up to the next ``##``)."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("## ") and ln[3:].strip().startswith(heading)), None)
    if start is None:
        raise ValueError(f'docs/architecture.md has no section "## {heading}"')
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start + 1:end]).strip()


def on_page_markdown(markdown: str, page, config, files) -> str:  # MkDocs hook
    if REFERENCE_MARK in markdown:
        markdown = markdown.replace(REFERENCE_MARK, scenario_reference())
    return SECTION_MARK.sub(lambda m: architecture_section(m.group(1)), markdown)


if __name__ == "__main__":
    print(scenario_reference())
