"""Scenario: YAML in, validated pydantic models, compiled SI arrays out."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from amdsim.world.tables import CompiledScenario

#: Names this package exports, and the module each comes from: imported on first use, so that
#: ``amdsim --help`` and ``amdsim schema`` (which need only ``scenario.models``) do not pay for
#: loading and compilation.
_EXPORTS = {
    "compile_scenario": "amdsim.scenario.compile",
    "load_scenario_file": "amdsim.scenario.load",
    "read_scenario_dict": "amdsim.scenario.load",
    "scenario_from_dict": "amdsim.scenario.load",
    "scenario_hash": "amdsim.scenario.load",
    "Scenario": "amdsim.scenario.models",
    "CompiledScenario": "amdsim.world.tables",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'amdsim.scenario' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def load_compiled(path: str | Path, overrides: dict | None = None) -> CompiledScenario:
    """Read, validate and compile a scenario file (optionally with dotted-path overrides applied first)."""
    from amdsim.core.errors import InputError, Problem
    from amdsim.scenario.compile import compile_scenario
    from amdsim.scenario.load import read_scenario_dict, scenario_from_dict, scenario_hash

    raw = read_scenario_dict(path)
    if overrides:
        from amdsim.scenario.overrides import apply_overrides, describe

        raw = apply_overrides(raw, overrides, file=str(path))
        try:
            sc = scenario_from_dict(raw, file=str(path))
        except InputError as exc:     # the changes made it invalid: say which
            raise InputError([Problem(f"{p.file} with {describe(overrides)}", p.path, p.message)
                              for p in exc.problems]) from None
    else:
        sc = scenario_from_dict(raw, file=str(path))
    cs = compile_scenario(sc, base_dir=Path(path).resolve().parent, scenario_hash=scenario_hash(raw), file=str(path))
    # what the run folders record as scenario.yaml (records/writer.py), so a run can be rerun (amdsim explain)
    cs.extras["scenario_source"] = {"path": str(Path(path).resolve()), "raw": raw}
    return cs   # a DEM was read (and checked: earth.dem_path) by compile_scenario, which stands the sites on it


def demo_path() -> Path:
    """Path of the bundled demo scenario."""
    from importlib.resources import files

    return Path(str(files("amdsim") / "data" / "demo.yaml"))


__all__ = ["CompiledScenario", "Scenario", "compile_scenario", "demo_path", "load_compiled", "load_scenario_file",
           "read_scenario_dict", "scenario_from_dict", "scenario_hash"]
