"""``amdsim bench``: run the benchmarks and write their figures as JSON."""

from __future__ import annotations

import importlib
import json
import platform
import time
from pathlib import Path

import typer

from amdsim.cli.app import app


@app.command()
def bench(
    only: list[str] = typer.Option(
        None, "--only", help="Run only these benchmarks (repeat the option): engine, sensors, tracker, siap, wta, montecarlo, startup, engagement, scale, first_run."
    ),
    out: Path = typer.Option(Path("bench-results/bench.json"), "--out", help="Where to write the JSON results."),
    quick: bool = typer.Option(False, "--quick", help="Smaller sizes, for a smoke test (figures not comparable)."),
) -> None:
    """Measure speed and memory of each pipeline stage and write the figures as JSON.

    Each benchmark reports its own figures (rates, wall times, peak memory) next to the aim the
    project set for it, so a regression shows as a number, not as a flaky test.
    """
    from rich.console import Console

    from amdsim import __version__
    from amdsim.bench import BENCHMARKS
    from amdsim.core.errors import InputError

    console = Console(stderr=True)
    names = list(only) if only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        raise InputError(f"unknown benchmark(s) {unknown}; expected some of {sorted(BENCHMARKS)}", file="--only")
    results: dict = {
        "amdsim_version": __version__,
        "machine": {"python": platform.python_version(), "processor": platform.machine(), "cpus": _cpus()},
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "quick": quick,
        "benchmarks": {},
    }
    for name in names:
        console.print(f"[bold]bench[/] {name} ...")
        module = importlib.import_module(BENCHMARKS[name])
        t0 = time.perf_counter()
        figures = module.run(quick=quick)
        figures["bench_wall_s"] = round(time.perf_counter() - t0, 3)
        results["benchmarks"][name] = figures
        console.print_json(json.dumps(figures))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    console.print(f"wrote {out}")


def _cpus() -> int:
    import os

    return os.cpu_count() or 1
