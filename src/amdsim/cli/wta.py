"""``amdsim wta``: solve a standalone weapon-target assignment instance."""

from __future__ import annotations

from pathlib import Path

import typer

from amdsim.cli.app import app


@app.command()
def wta(
    instance: Path = typer.Argument(..., help='Instance JSON: {"values": [V_j], "pk": [[p_ij per target] per weapon], "solver": optional}.'),
    solver: str = typer.Option("", "--solver", help="exact, heuristic, greedy or auto; overrides the file's \"solver\"."),
    time_limit: float = typer.Option(60.0, "--time-limit", min=0.001, max=86_400.0,
                                     help="Wall-clock limit of the exact solver (s); when it stops the search the best "
                                          "assignment found is printed with optimal false and its gap to a lower bound."),
) -> None:
    """Solve a static weapon-target assignment (Manne's form); prints the result as JSON on stdout.

    Output: {"assignment": [target index per weapon, -1 unassigned], "objective": expected surviving
    value, "solver": ..., "optimal": true/false, "seconds": ..., "lower_bound": ..., "gap": ...}; the
    last two when a time or node limit stopped the exact search (gap = (objective - bound) / objective).
    """
    import json

    from amdsim.c2.wta import SOLVERS, wta_solve
    from amdsim.cli.wta_io import wta_load
    from amdsim.core.errors import InputError, Problem

    if solver and solver not in SOLVERS:
        raise InputError(Problem("--solver", "", f"expected one of {', '.join(SOLVERS)}, got {solver!r}"))
    values, pk, file_solver = wta_load(instance)
    res = wta_solve(values, pk, solver or file_solver, time_limit_s=time_limit)
    typer.echo(json.dumps(res.to_dict(), allow_nan=False))   # never Infinity/NaN: the inputs are checked finite
