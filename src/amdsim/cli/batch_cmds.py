"""``amdsim sweep``, ``amdsim query`` and ``amdsim stats``: variants, SQL over results, statistics."""

from __future__ import annotations

from pathlib import Path

import typer

from amdsim.cli.app import app


@app.command()
def sweep(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    set_: list[str] = typer.Option(None, "--set", help="PATH=V1,V2,... dotted override with values to sweep "
                                   "(repeatable; the variants are the cross product), e.g. link.latency_s=1,5 or "
                                   "batteries\\[id=alpha_long].launchers=2,4 or aew=\\[]."),
    variants_file: Path = typer.Option(None, "--variants", help="Variants file (YAML): named variants, each a set of "
                                       "set:/unset: changes, the first the baseline (docs/variants.md); with --set, "
                                       "each variant crossed with the --set values."),
    out: Path = typer.Option(..., "--out", "-o", help="Sweep folder: sweep.json and one batch per variant_XX."),
    replications: int = typer.Option(10, "--replications", "-n", min=1, help="Replications per variant."),
    workers: int = typer.Option(0, "--workers", "-w", min=0, help="Worker processes (0: all cores)."),
    cluster: str = typer.Option(None, "--cluster", help="Existing Dask scheduler, e.g. tcp://127.0.0.1:8786."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted sweep in OUT; failed replications are not run again."),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Resume the sweep in OUT and run its failed replications again, besides the missing ones (implies --resume)."),
    strict: bool = typer.Option(False, "--strict", help="Plausibility warnings are errors (exit 2, every one listed)."),
    seed: int = typer.Option(None, "--seed", min=0, help="Root seed shared by all variants (default: the scenario's)."),
) -> None:
    """Run every variant of SCENARIO with common random numbers, e.g. --set fighters.count=0,2,4
    or --variants variants.yaml.

    Each variant is named by the variants file or by its settings ("aew\\[id=aew_avalon] removed,
    link.latency_s=5"); `amdsim stats`, `amdsim query` and `amdsim report` show the names. A replication that fails is recorded as failed with its error; every other replication of every
    variant finishes, and the sweep exits with status 3 naming the failed ones.
    """
    from amdsim.core.errors import InputError, Problem
    from amdsim.montecarlo.sweep import plan_variants, run_sweep
    from amdsim.scenario.overrides import parse_set_options, read_variants_file

    if not set_ and variants_file is None:
        raise InputError(Problem("--set", "", "a sweep needs --set PATH=V1,V2,... and/or --variants FILE"))
    sets = parse_set_options(set_ or [])
    named = read_variants_file(variants_file) if variants_file is not None else None
    _sweep_plausibility(scenario, plan_variants(sets, named), strict)
    doc = run_sweep(scenario, sets, replications, out, variants=named,
                    variants_file=str(variants_file) if variants_file else None, workers=workers or None, cluster=cluster,
                    resume=resume, root_seed=seed, retry_failed=retry_failed)
    from amdsim.cli.common import console, print_failures

    console.print(f"{len(doc['variants'])} variants x {replications} replications in [bold]{out}[/]; "
                  f"compare them with `amdsim stats {out}`")
    if doc["failures"]:
        from amdsim.montecarlo.batch import ReplicationsFailedError

        failures = {str(Path(out) / v): f for v, f in doc["failures"].items()}
        print_failures(failures)
        raise ReplicationsFailedError(failures, replications * len(doc["variants"]))


def _sweep_plausibility(scenario: Path, variants: list[tuple[str, dict]], strict: bool) -> None:
    """Plausibility warnings of every variant, each printed once (with the variants it concerns when
    not all); an invalid variant is left to ``run_sweep``, which reports it against ``--set``."""
    from amdsim.cli.common import print_warnings
    from amdsim.core.errors import InputError
    from amdsim.scenario.plausibility import check_file, raise_if_strict

    seen: dict[tuple[str, str, str], list[int]] = {}
    order = []
    for i, (_name, ov) in enumerate(variants):
        try:
            found = check_file(scenario, ov or None)
        except InputError:
            return
        for w in found:
            key = (w.file, w.path, w.message)
            if key not in seen:
                seen[key] = []
                order.append(w)
            seen[key].append(i)
    raise_if_strict(order, strict)
    notes = {j: "only in " + ", ".join(f"variant_{i:02d} ({variants[i][0]})" for i in seen[(w.file, w.path, w.message)])
             for j, w in enumerate(order) if len(seen[(w.file, w.path, w.message)]) < len(variants)}
    print_warnings(order, notes)


@app.command()
def query(
    folder: Path = typer.Argument(..., help="Run, batch or sweep folder."),
    sql: str = typer.Argument(..., help="SQL over the views events, engagements, killchain, magazines, summary, "
                              "tracks, states, detections, movers, sensors (columns replication, and for sweeps variant, "
                              "the variant's name, and variant_index)."),
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
    """A cell for a rich table: numbers to 6 digits, text escaped (a variant's name has [brackets])."""
    from rich.markup import escape

    if isinstance(v, float):
        return f"{v:.6g}"
    return "" if v is None else escape(str(v))


@app.command()
def stats(
    folder: Path = typer.Argument(..., help="Batch or sweep folder (a single run folder works too)."),
) -> None:
    """Statistics with 95 % confidence intervals; writes stats.json and stats.csv into FOLDER.

    Probability of zero leakers (Wilson), leakers per asset, interceptors per kill, detection range of
    low flyers (< 100 m), double engagements; for a sweep, each variant (by its name) minus the
    baseline (the first variant), paired by replication.
    """
    from rich.console import Console
    from rich.markup import escape
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
    if sweep_:
        t.columns[0].overflow = "fold"         # a variant's name is its settings: shown whole
    for r in rows:
        cells = ([escape(r["variant"])] if sweep_ else []) + [r["metric"], _fmt(r["mean"]), _ci(r["lo"], r["hi"]), str(r["n"])]
        if sweep_:
            cells += [_fmt(r["diff"]), _ci(r["diff_lo"], r["diff_hi"])]
        t.add_row(*cells)
    c = Console()
    c.width = max(c.width, 130 if sweep_ else 90)     # a comparison table is wide; let it run past narrow terminals
    c.print(t)
    failed = [(name, v["failed"]) for name, v in st["variants"].items()] if sweep_ else [("", st["failed"])]
    for name, fails in failed:
        for f in fails:
            c.print(f"[yellow]failed, left out of the statistics:[/] {name + '/' if name else ''}"
                    f"rep_{f['replication']:05d}: {escape(str(f['error']))}", highlight=False)
    c.print(f"written: {jpath}, {cpath}")


def _ci(lo, hi) -> str:
    if not isinstance(lo, float) or not isinstance(hi, float) or lo != lo or hi != hi:
        return ""
    return f"[{lo:.4g}, {hi:.4g}]"
