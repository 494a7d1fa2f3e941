"""``amdsim validate`` and ``amdsim schema``: check scenario files, publish their JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from amdsim.cli.app import app


@app.command()
def validate(
    scenarios: list[Path] = typer.Argument(..., help="Scenario YAML files to check."),
    strict: bool = typer.Option(False, "--strict", help="Plausibility warnings are errors (exit 2, every one listed)."),
) -> None:
    """Check scenario files: schema, units, references, then plausibility (warnings on stderr).

    Exit 2 listing every problem with its field path; with --strict the warnings count as problems.
    """
    from amdsim.cli.common import print_warnings
    from amdsim.core.errors import InputError, Problem
    from amdsim.scenario import load_compiled
    from amdsim.scenario.plausibility import check_file

    problems: list[Problem] = []
    warnings: list[Problem] = []
    for path in scenarios:
        try:
            cs = load_compiled(path)
            found = check_file(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        warnings.extend(found)
        note = f", {len(found)} warning{'s' if len(found) != 1 else ''}" if found else ""
        typer.echo(f"{path}: {'valid' if found and strict else 'ok'} ({cs.movers.n} movers, {cs.sensors.n} sensors, "
                   f"{cs.shooters.n} shooters, {cs.n_steps} steps{note})")
    if strict:
        from amdsim.scenario.plausibility import raise_if_strict

        try:
            raise_if_strict(warnings, strict)
        except InputError as exc:
            problems.extend(exc.problems)
    else:
        print_warnings(warnings)
    if problems:
        raise InputError(problems)


@app.command()
def schema(
    out: Path = typer.Option(None, "--out", "-o", help="Write the schema here instead of printing it."),
) -> None:
    """Print the scenario JSON Schema (for editor completion and validation of YAML files)."""
    from amdsim.scenario.models import Scenario

    text = json.dumps(Scenario.model_json_schema(), indent=2)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n")
        typer.echo(f"wrote {out}")
