"""``amdsim validate`` and ``amdsim schema``: check scenario files, publish their JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from amdsim.cli.app import app


@app.command()
def validate(
    scenarios: list[Path] = typer.Argument(..., help="Scenario YAML files to check."),
) -> None:
    """Check scenario files: schema, units, references. Exit 2 listing every problem with its field path."""
    from amdsim.core.errors import InputError, Problem
    from amdsim.scenario import load_compiled

    problems: list[Problem] = []
    for path in scenarios:
        try:
            cs = load_compiled(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        typer.echo(f"{path}: ok ({cs.movers.n} movers, {cs.sensors.n} sensors, {cs.shooters.n} shooters, "
                   f"{cs.n_steps} steps)")
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
