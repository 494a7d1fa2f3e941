"""``amdsim explain``: what would have saved each leaker (counterfactual reruns, common random numbers)."""

from __future__ import annotations

from pathlib import Path

import typer

from amdsim.cli.app import app

FACTOR_HELP = ("Built-in idealisation to try (repeatable): perfect_picture, no_link_latency, unlimited_interceptors, "
               "no_reaction_time, coordination_on. Default: all five, unless only --set/--unset are given.")


@app.command()
def explain(
    folder: Path = typer.Argument(..., help="Run folder or batch folder written by `amdsim run` (it holds scenario.yaml)."),
    factor: list[str] = typer.Option(None, "--factor", "-f", help=FACTOR_HELP),
    set_: list[str] = typer.Option(None, "--set", help="PATH=V[,V...]: a change of your own to try, one factor per value "
                                   "(repeatable), e.g. --set aew.0.on_station_s=0 or --set batteries\\[id=alpha_long].position.lat_deg=35.2."),
    unset: list[str] = typer.Option(None, "--unset", help="PATH: remove a list entry or field as a factor of your own "
                                    "(repeatable), e.g. --unset aew\\[id=aew_avalon]."),
    workers: int = typer.Option(0, "--workers", "-w", min=0, help="Worker processes (0: all cores)."),
    cluster: str = typer.Option(None, "--cluster", help="Run the reruns on an existing Dask cluster, e.g. tcp://127.0.0.1:8786."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show the progress bar of the reruns."),
) -> None:
    """Rerun FOLDER's replications with one idealisation at a time: which leakers does each save?

    Each rerun draws from the same seed as the replication it repeats (common
    random numbers), so the factor is the only difference.

    Per factor: leakers prevented per replication (the run's leakers minus the
    rerun's), their mean and paired 95 % interval (Student t; two or more
    replications needed: explain a batch of `amdsim run --replications N`).
    Per leaker: its cause (summary.json leak_cause) and the factors that saved it.

    Writes FOLDER/explain.json.
    """
    from rich.console import Console

    from amdsim.montecarlo.explain import explain as run_explain

    doc = run_explain(folder, factor or None, set_ or None, unset or None, workers=workers or None, cluster=cluster,
                      progress=progress)
    out = Console()
    out.width = max(out.width, 140)     # names and intervals readable in narrow terminals (as `amdsim stats`)
    print_explanation(doc, out)
    out.print(f"written: {Path(folder) / 'explain.json'}")


def print_explanation(doc: dict, console) -> None:
    """The console summary of an explain.json: factors with their intervals, then the leakers."""
    from rich.markup import escape
    from rich.table import Table

    n = len(doc["replications"])
    t = Table(title=f"{escape(doc['scenario'])}: leakers prevented per replication ({n} replication{'s' * (n != 1)}, "
                    f"{100 * doc['level']:.0f} % paired interval)")
    for col in ("factor", "prevented", "95% CI", "leakers", "saved", "new leakers"):
        t.add_column(col, justify="left" if col == "factor" else "right")
    for name, f in doc["factors"].items():
        lo, hi = f["ci95"]
        ci = f"[{lo:.2f}, {hi:.2f}]" if lo is not None and hi is not None else "n/a"
        mean = f"{f['prevented_mean']:.2f}" if f["prevented_mean"] is not None else "n/a"
        leak = (f"{f['baseline_leakers_mean']:.2f} -> {f['leakers_mean']:.2f}"
                if f["leakers_mean"] is not None and f["baseline_leakers_mean"] is not None else "")
        t.add_row(escape(name) + (" (unchanged)" if f["note"] else ""), mean, ci, leak, str(f["saved"]),
                  str(f["new_leakers"]))
    console.print(t)
    if doc["leakers"]:
        lt = Table(title="leakers and what would have saved them")
        for col in ("replication", "threat", "asset", "cause", "saved by"):
            lt.add_column(col)
        for d in doc["leakers"]:
            lt.add_row(str(d["replication"]), escape(d["threat"]), escape(str(d["asset"] or "")),
                       escape(str(d["cause"] or "")), escape(", ".join(d["saved_by"]) or "none of these factors"))
        console.print(lt)
    else:
        console.print("no leakers in this folder: nothing to save")
    for fail in doc["failures"]:
        console.print(f"[red]rerun failed:[/] factor {escape(fail['factor'])}, replication {fail['replication']}: "
                      f"{escape(fail['error'])}")
