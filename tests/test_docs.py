"""The documentation site's generated parts (scripts/docs_hooks.py): the scenario reference lists every
field of every model of the JSON Schema with its type, unit, default and an example; sections taken
from docs/architecture.md fail loudly when their heading is gone. (`make check` builds the whole
site with `mkdocs build --strict`.)"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from amdsim.scenario.models import Scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def hooks():
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "scripts" / "docs_hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(text: str, model: str) -> dict[str, list[str]]:
    section = text.split(f"\n## {model}\n", 1)[1] if not text.startswith(f"## {model}\n") else text[len(model) + 4:]
    section = section.split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"^\| `([^`]+)` \|", line)
        if m:
            rows[m.group(1)] = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
    return rows


def test_reference_has_every_field_of_every_model(hooks):
    schema = Scenario.model_json_schema()
    text = hooks.scenario_reference(schema)
    models = {"Scenario": schema, **schema["$defs"]}
    reachable = hooks.model_paths(schema)
    for name, model in models.items():
        if "properties" not in model or name not in reachable:
            continue
        rows = _rows(text, name)
        assert set(rows) == set(model["properties"]), name
        for field, (_, typ, _unit, default, _desc, example) in rows.items():
            assert typ and default, (name, field)
            if field in model.get("required", []):
                assert default == "**required**"
            assert example, (name, field)   # a bundled scenario's value, the default, or "(see below)"
    assert set(reachable) >= {"Position", "RadarSpec", "InterceptorType", "Terminal", "LaunchWarning"}


def test_reference_units_and_examples_come_from_the_models_and_bundled_files(hooks):
    text = hooks.scenario_reference()
    pos = _rows(text, "Position")
    assert pos["alt_m"][2] == "m" and pos["alt_m"][3] == "`0.0`"
    assert pos["lat_deg"][5].startswith("`lat_deg: ") and pos["lat_deg"][3] == "**required**"
    radar = _rows(text, "RadarSpec")
    assert radar["ref_rcs_m2"][2] in ("m^2", "m²")
    assert radar["swerling"][1] in ("`0` \\| `1` \\| `3`", "integer")
    tracking = _rows(text, "Tracking")
    assert "`kalman`" in tracking["model"][1]      # the choices are listed


def test_missing_architecture_heading_fails_the_build(hooks):
    assert "SeedSequence" in hooks.architecture_section("Randomness")
    with pytest.raises(ValueError, match="no section"):
        hooks.architecture_section("A heading nobody wrote")
    page = 'x\n<!-- amdsim:architecture "Randomness" -->\ny'
    assert "SeedSequence" in hooks.on_page_markdown(page, None, None, None)
