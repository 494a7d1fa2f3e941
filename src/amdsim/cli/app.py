"""The typer application every ``amdsim`` sub-command registers on.

Command modules live beside this one (``amdsim/cli/<name>.py``) and import heavy dependencies
inside their functions so that ``amdsim --help`` stays instant.
"""

import typer

app = typer.Typer(
    name="amdsim",
    help=(
        "amdsim: a constructive simulator for combined air and missile defense exercises.\n\n"
        "Scenario (YAML) -> movers -> sensors -> tracking -> C2 -> engagements -> results "
        "(Parquet, DuckDB) -> after-action review (report, viewer, CZML, DIS).\n\n"
        "Start with `amdsim demo`, then `amdsim run SCENARIO --out DIR`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
