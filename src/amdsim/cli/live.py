"""``amdsim live``: the exercise itself, the engine paced to the wall clock with operators in the loop."""

from __future__ import annotations

from pathlib import Path

import typer

from amdsim.cli.app import app


@app.command()
def live(
    scenario: Path = typer.Argument(..., help="Scenario YAML file (see `amdsim schema`)."),
    out: Path = typer.Option(..., "--out", "-o", help="Run folder written at the session's end, with decisions.parquet."),
    speed: float = typer.Option(1.0, "--speed", min=0.001, max=1000.0,
                                help="Simulated seconds per wall-clock second (exercise control can change it)."),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="Port of the consoles (0: a free one)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to serve on; any host but loopback needs the "
                             "access token printed at start."),
    approve: str = typer.Option("manual", "--approve", help="manual: blue forces' engagement orders wait for their "
                                "operators; auto: each force's C2 approves its own and the session ends by itself."),
    decision_time: float = typer.Option(30.0, "--decision-time", min=0.0,
                                        help="Seconds an operator has before the doctrine's default applies "
                                        "(weapons free: fire; weapons tight: hold)."),
    seed: int = typer.Option(None, "--seed", min=0, help="Root seed (default: the scenario's seed)."),
    report: bool = typer.Option(True, "--report/--no-report", help="Write report.html into OUT at the end."),
) -> None:
    """Run SCENARIO live: web consoles for each blue force's operators and for exercise control.

    Open the printed address: an operator console per force shows its perceived picture, its threats
    ranked by threat evaluation, the engagement proposals to approve or deny, magazines and alerts;
    the exercise-control console sees the truth, pauses, changes speed, launches a waiting threat now,
    takes a radar or a link down and back. Every decision goes to OUT/decisions.parquet;
    `amdsim run SCENARIO --decisions OUT/decisions.parquet --out D2` replays the session exactly.
    Ctrl-C ends a manual session (the run folder is written with what was simulated).
    """
    from amdsim.core.errors import InputError, Problem
    from amdsim.records.writer import begin_run_folder, folder_lock
    from amdsim.scenario import load_compiled

    if approve not in ("manual", "auto"):
        raise InputError(Problem("--approve", "", f"manual or auto, not {approve!r}"))
    cs = load_compiled(scenario)
    with folder_lock(out):   # one writer of OUT for the whole session (records/writer.py)
        begin_run_folder(out)
        _serve(cs, out, approve, decision_time, speed, seed, port, host, report)


def _serve(cs, out: Path, approve: str, decision_time: float, speed: float, seed: int | None, port: int, host: str,
           report: bool) -> None:
    """Serve the session until its end (auto) or Ctrl-C (manual); then the summary line and the report."""
    import secrets

    from amdsim.cli.common import console, write_report_if_available
    from amdsim.core.errors import InputError, Problem
    from amdsim.live.server import LOOPBACK, LiveServer
    from amdsim.live.session import Session

    session = Session(cs, out, approve=approve, decision_time=decision_time, speed=speed, seed=seed)
    token = None if host in LOOPBACK else secrets.token_urlsafe(16)
    try:
        srv = LiveServer(session, host, port, token=token, exit_when_done=approve == "auto")
    except OSError as exc:
        raise InputError(Problem("--port", "", f"cannot serve on {host}:{port}: {exc.strerror or exc}")) from None
    console.print(f"amdsim live: [bold]{cs.name}[/] at x{speed:g}, approval {approve}; consoles at [bold]{srv.url}[/]")
    if token:
        console.print(f"access token (required, not on loopback): [bold]{token}[/]")
    srv.start()
    try:
        srv.wait()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()
    if session.error:
        console.print(f"[red]the session stopped:[/] {session.error}")
    p = session.pace
    console.print(f"{p.steps} steps; the engine could have run at up to x{p.max_speed(cs.dt):.0f}; "
                  f"it fell behind the paced clock by at most {p.max_lag_s:.1f} s; run folder: [bold]{out}[/]")
    if report and (Path(out) / "summary.json").exists():
        write_report_if_available(out)
