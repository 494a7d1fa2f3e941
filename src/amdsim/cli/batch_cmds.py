"""``amdsim sweep``, ``amdsim query`` and ``amdsim stats``: variants, SQL over results, statistics."""

from __future__ import annotations

from pathlib import Path

import typer

from amdsim.cli.app import app


@app.command()
def sweep(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    set_: list[str] = typer.Option(..., "--set", help="PATH=V1,V2,... dotted override with values to sweep "
                                   "(repeatable; the variants are the cross product)."),
    out: Path = typer.Option(..., "--out", "-o", help="Sweep folder: sweep.json and one batch per variant_XX."),
    replications: int = typer.Option(10, "--replications", "-n", min=1, help="Replications per variant."),
    workers: int = typer.Option(0, "--workers", "-w", min=0, help="Worker processes (0: all cores)."),
    cluster: str = typer.Option(None, "--cluster", help="Existing Dask scheduler, e.g. tcp://127.0.0.1:8786."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted sweep in OUT."),
    seed: int = typer.Option(None, "--seed", min=0, help="Root seed shared by all variants (default: the scenario's)."),
) -> None:
    """Run every variant of SCENARIO with common random numbers, e.g. --set fighters.count=0,2,4."""
    from amdsim.montecarlo.sweep import parse_set_options, run_sweep

    sets = parse_set_options(set_)
    doc = run_sweep(scenario, sets, replications, out, workers=workers or None, cluster=cluster, resume=resume,
                    root_seed=seed)
    from amdsim.cli.common import console

    console.print(f"{len(doc['variants'])} variants x {replications} replications in [bold]{out}[/]; "
                  f"compare them with `amdsim stats {out}`")


@app.command()
def query(
    folder: Path = typer.Argument(..., help="Run, batch or sweep folder."),
    sql: str = typer.Argument(..., help="SQL over the views events, engagements, summary, tracks, states, "
                              "detections, movers, sensors (columns replication, and variant for sweeps)."),
    csv_out: Path = typer.Option(None, "--csv", help="Write the result to this CSV file instead of printing it."),
    parquet_out: Path = typer.Option(None, "--parquet", help="Write the result to this Parquet file."),
    limit: int = typer.Option(50, "--limit", min=1, help="Rows printed (files get every row)."),
) -> None:
    """Run SQL (DuckDB) over a results folder; print a table or write CSV/Parquet."""
    from amdsim.results.views import run_query

    table = run_query(folder, sql)
    if csv_out is not None or parquet_out is not None:
        from amdsim.records.writer import write_parquet_atomic

        if parquet_out is not None:
            write_parquet_atomic(table, parquet_out)
        if csv_out is not None:
            import pyarrow.csv as pacsv

            from amdsim.records.writer import _atomic

            _atomic(Path(csv_out), lambda fh: pacsv.write_csv(table, fh), binary=True)
        from amdsim.cli.common import console

        console.print(f"{table.num_rows} rows written")
        return
    _print_table(table, limit)


def _print_table(table, limit: int) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(*table.column_names, caption=f"{table.num_rows} rows" + (f" (first {limit})"
                                                                         if table.num_rows > limit else ""))
    for row in table.slice(0, limit).to_pylist():
        t.add_row(*(_fmt(v) for v in row.values()))
    c = Console()
    c.width = max(c.width, min(240, 14 * len(table.column_names)))   # headers readable in narrow terminals
    c.print(t)


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return "" if v is None else str(v)


@app.command()
def stats(
    folder: Path = typer.Argument(..., help="Batch or sweep folder (a single run folder works too)."),
) -> None:
    """Statistics with 95 % confidence intervals; writes stats.json and stats.csv into FOLDER.

    Probability of zero leakers (Wilson), leakers per asset, interceptors per kill, detection range of
    low flyers (< 100 m), double engagements; for a sweep, each variant minus the baseline (variant_00),
    paired by replication.
    """
    from rich.console import Console
    from rich.table import Table

    from amdsim.results.stats import batch_statistics, statistics_rows, write_statistics

    st = batch_statistics(folder)
    jpath, cpath = write_statistics(st, folder)
    rows = statistics_rows(st)
    sweep_ = st["kind"] == "sweep"
    cols = (["variant"] if sweep_ else []) + ["metric", "mean", "95% CI", "n"] + (["diff vs baseline", "95% CI"]
                                                                                  if sweep_ else [])
    t = Table(*cols, title=f"{folder} ({st['kind']})")
    t.columns[cols.index("metric")].no_wrap = True
    for r in rows:
        cells = ([r["variant"]] if sweep_ else []) + [r["metric"], _fmt(r["mean"]), _ci(r["lo"], r["hi"]), str(r["n"])]
        if sweep_:
            cells += [_fmt(r["diff"]), _ci(r["diff_lo"], r["diff_hi"])]
        t.add_row(*cells)
    c = Console()
    c.width = max(c.width, 130 if sweep_ else 90)     # a comparison table is wide; let it run past narrow terminals
    c.print(t)
    c.print(f"written: {jpath}, {cpath}")


def _ci(lo, hi) -> str:
    if not isinstance(lo, float) or not isinstance(hi, float) or lo != lo or hi != hi:
        return ""
    return f"[{lo:.4g}, {hi:.4g}]"
