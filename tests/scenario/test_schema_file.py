"""The editor schema shipped in the package (src/amdsim/data/amdsim.schema.json) is the models' own
JSON Schema, and every bundled scenario names it on its first line for yaml-language-server (VS Code)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amdsim.scenario.models import Scenario

DATA = Path(__file__).resolve().parents[2] / "src" / "amdsim" / "data"
SCHEMA = DATA / "amdsim.schema.json"


def test_shipped_schema_matches_the_models():
    assert json.loads(SCHEMA.read_text()) == Scenario.model_json_schema(), (
        "src/amdsim/data/amdsim.schema.json is stale: run `make schema` "
        "(amdsim schema --out src/amdsim/data/amdsim.schema.json) and commit it")


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.yaml")))
def test_bundled_scenario_points_its_editor_at_the_schema(name):
    first = (DATA / name).read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=amdsim.schema.json"
    assert (DATA / first.split("=", 1)[1]).is_file()  # relative to the YAML file, as the language server reads it

