"""The editor schema shipped in the package (src/amdsim/data/amdsim.schema.json) is the models' own
JSON Schema, and every bundled scenario names it on its first line for yaml-language-server (VS Code)."""

from __future__ import annotations

import json
import re
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



@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.yaml")))
def test_editor_checks_agree_with_amdsim(name):
    """What the editor's language server checks with the shipped schema (JSON Schema 2020-12, the
    jsonschema package): a bundled scenario passes; a misspelled field and a list where a mapping
    belongs are flagged at their paths, as `amdsim validate` flags them."""
    import jsonschema
    import yaml

    class Yaml12Loader(yaml.SafeLoader):
        """YAML 1.2's floats, as the language server reads them (``100.0e6``: PyYAML's YAML 1.1 says text)."""

    Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(
        r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"), list("-+0123456789."))
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()),
                                                format_checker=jsonschema.FormatChecker())
    raw = yaml.load((DATA / name).read_text(), Loader=Yaml12Loader)   # a SafeLoader
    assert [e.message for e in validator.iter_errors(raw)] == []
    raw["forces"][0]["sid"] = "blue"
    raw["assets"][0]["position"] = [36.9, 126.95]
    flagged = {tuple(e.absolute_path) for e in validator.iter_errors(raw)}
    assert ("forces", 0) in flagged and ("assets", 0, "position") in flagged
