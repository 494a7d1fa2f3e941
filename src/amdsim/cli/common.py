"""Shared pieces of the commands: progress bars, console output, the end-of-run report."""

from __future__ import annotations

import time
from pathlib import Path

from amdsim.montecarlo.progress import console


def run_single(scenario: Path, out: Path, *, seed: int | None = None, dis: str | None = None,
               realtime: bool = False, speed: float = 1.0, report: bool = True, overrides: dict | None = None,
               strict: bool = False, decisions: Path | None = None, dis_rate: float | None = None) -> dict:
    from amdsim.records.writer import begin_run_folder, folder_lock
    from amdsim.scenario import load_compiled

    cs = load_compiled(scenario, overrides=overrides or None)
    check_plausibility(scenario, overrides, strict=strict)
    address = _parse_address(dis) if dis else None
    operators = None
    if decisions is not None:   # replay a live session's operator decisions (engine/operators.py)
        from amdsim.engine.operators import load_decisions

        operators = load_decisions(decisions, cs)
        seed = operators.seed if seed is None else seed   # the session's own seed, recorded with its decisions
    with folder_lock(out):     # one writer from the first removal to the report (records/writer.py)
        # the previous run's outputs go first; an unwritable folder is reported before the simulation
        begin_run_folder(out)
        return _run_single_locked(cs, out, seed=seed, address=address, realtime=realtime, speed=speed,
                                  report=report, operators=operators, dis_rate=dis_rate)


def _run_single_locked(cs, out: Path, *, seed: int | None, address: tuple[str, int] | None, realtime: bool,
                       speed: float, report: bool, operators=None, dis_rate: float | None = None) -> dict:
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from amdsim.core.errors import SimulationError
    from amdsim.engine.run import run_replication

    t0 = time.perf_counter()
    with Progress(TextColumn("[bold]simulating[/]"), BarColumn(), TextColumn("{task.fields[sim]}"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task("run", total=cs.duration, sim="")

        def progress(t: float) -> None:
            bar.update(task, completed=t, sim=f"t={t:7.0f}/{cs.duration:.0f} s")

        try:
            summary = run_replication(cs, 0, out, root_seed=seed, progress=progress, operators=operators)
        except SimulationError as exc:
            console.print(f"[red]stopped:[/] {exc.user_message()}\n"
                          f"partial results (marked complete: false) are in {out}")
            raise
    wall = time.perf_counter() - t0
    _print_summary(summary, out, wall, cs.duration)
    if address is not None:
        _stream_dis(out, address, realtime, speed, dis_rate)
    if report:
        write_report_if_available(out)
    return summary


def run_many(scenario: Path, out: Path, *, replications: int, workers: int | None, cluster: str | None,
             resume: bool, seed: int | None, report: bool, overrides: dict | None = None,
             retry_failed: bool = False, strict: bool = False) -> None:
    """A batch; failed replications are named with their errors at the end, then exit status 3."""
    from amdsim.core.errors import InputError

    try:
        from amdsim.montecarlo.batch import ReplicationsFailedError, run_batch
    except ImportError:
        raise InputError("batches need amdsim.montecarlo.batch, which is not available in this build",
                         file="--replications") from None
    from amdsim.records.writer import folder_lock

    check_plausibility(scenario, overrides, strict=strict)   # validates first: bad input is exit 2, no warning
    with folder_lock(out, "batch folder"):      # the batch and its report: one writer (records/writer.py)
        res = run_batch(scenario, replications, out, workers=workers, cluster=cluster, resume=resume,
                        root_seed=seed, progress=True, overrides=overrides or None, retry_failed=retry_failed)
        if report and res.completed:
            write_report_if_available(out)
    if res.failures:
        print_failures({str(out): res.failures})
        raise ReplicationsFailedError({str(out): res.failures}, replications)


def check_plausibility(scenario: Path, overrides: dict | None = None, *, strict: bool = False) -> list:
    """Plausibility warnings of a valid scenario (``scenario/plausibility.py``): printed in yellow on
    stderr, or with ``strict`` raised as one InputError listing them all (exit 2)."""
    from amdsim.scenario.plausibility import check_file, raise_if_strict

    warnings = check_file(scenario, overrides or None)
    raise_if_strict(warnings, strict)
    print_warnings(warnings)
    return warnings


def print_warnings(warnings: list, suffix: dict | None = None) -> None:
    """Each warning as ``warning: FILE: FIELD PATH: what was found and expected`` in yellow on stderr;
    ``suffix`` maps a warning's index to a note appended to it (e.g. the sweep variants it concerns)."""
    from rich.markup import escape

    for i, w in enumerate(warnings):
        note = f" ({suffix[i]})" if suffix and i in suffix else ""
        console.print(f"[yellow]warning:[/] {escape(str(w) + note)}", soft_wrap=True, highlight=False)


def print_failures(failures: dict[str, dict[int, str]]) -> None:
    """Name every failed replication and its error in red on stderr (``failures``: label -> {k: error})."""
    from rich.markup import escape

    n = sum(len(f) for f in failures.values())
    console.print(f"[red]failed:[/] {n} replication{'s' if n != 1 else ''}", highlight=False)
    for label, fails in failures.items():
        for k, err in sorted(fails.items()):
            console.print(f"  [red]{escape(label)}/rep_{k:05d}[/]: {escape(err)}", soft_wrap=True, highlight=False)


def write_report_if_available(folder: Path) -> None:
    try:
        from amdsim.review.report import write_report
    except ImportError:
        return
    path = write_report(folder)
    console.print(f"report: [bold]{path}[/]")


def _parse_address(text: str) -> tuple[str, int]:
    from amdsim.core.errors import InputError

    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not (0 < int(port) < 65536):
        raise InputError(f"expected HOST:PORT such as 127.0.0.1:3000, got {text!r}", file="--dis")
    return host, int(port)


def _stream_dis(out: Path, address: tuple[str, int], realtime: bool, speed: float, rate: float | None = None) -> None:
    from amdsim.core.errors import InputError

    try:
        from amdsim.review.dis import stream_run
    except ImportError:
        raise InputError("DIS streaming is not available in this build", file="--dis") from None
    n = (stream_run(out, address=address, realtime=realtime, speed=speed) if rate is None
         else stream_run(out, address=address, realtime=realtime, speed=speed, rate_pdu_s=rate))
    console.print(f"DIS: sent {n} PDUs to {address[0]}:{address[1]}; entity names: {out / 'dis_entities.json'}")


def _names(names: list[str], most: int = 6) -> str:
    """``a, b, c and 4 more``: the first ``most`` names of a list for a console cell."""
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _print_summary(summary: dict, out: Path, wall: float, duration: float) -> None:
    from rich.table import Table

    c = summary["counts"]
    t = Table(title=f"{summary['run']['scenario']}", show_header=False)
    t.add_row("threats launched", str(c["launched"]))
    t.add_row("killed", str(c["killed"]))
    t.add_row("leakers (hit an asset)", str(summary["leakers"]))
    for asset, n in summary["leakers_per_asset"].items():
        if n:
            t.add_row(f"  on {asset}", str(n))
    in_flight = [th["name"] for th in summary.get("threats", []) if th.get("fate") == "in_flight"]
    n_flying = int(c.get("in_flight_at_end", len(in_flight)))
    t.add_row("still in flight at the end", str(n_flying) + (f" ({_names(in_flight)})" if n_flying else ""),
              style="yellow" if n_flying else None)
    t.add_row("interceptors expended", str(summary["interceptors_expended"]))
    ipk = summary["interceptors_per_kill"]
    t.add_row("interceptors per kill", "- (no kill)" if ipk is None else f"{float(ipk):.2f}")
    t.add_row("double engagements", str(summary["double_engagements"]))
    t.add_row("wall time", f"{wall:.2f} s ({duration / max(wall, 1e-9):.0f}x real time)")
    console.print(t)
    console.print(f"results: [bold]{out}[/]")
