"""``amdsim run`` and ``amdsim demo``: simulate a scenario end to end and write its results."""

from __future__ import annotations

from pathlib import Path

import typer

from amdsim.cli.app import app


@app.command()
def run(
    scenario: Path = typer.Argument(..., help="Scenario YAML file (see `amdsim schema`)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder: a run folder, or a batch folder with --replications."),
    replications: int = typer.Option(1, "--replications", "-n", min=1, help="Monte Carlo replications."),
    workers: int = typer.Option(0, "--workers", "-w", min=0, help="Worker processes for a batch (0: all cores)."),
    cluster: str = typer.Option(None, "--cluster", help="Run the batch on an existing Dask cluster, e.g. tcp://127.0.0.1:8786."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted batch in OUT; finished replications are kept, failed ones are not run again."),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Resume the batch in OUT and run its failed replications again, besides the missing ones (implies --resume)."),
    strict: bool = typer.Option(False, "--strict", help="Plausibility warnings are errors (exit 2, every one listed)."),
    seed: int = typer.Option(None, "--seed", min=0, help="Root seed (default: the scenario's seed)."),
    dis: str = typer.Option(None, "--dis", help="Also stream the run as DIS PDUs over UDP to HOST:PORT (e.g. 127.0.0.1:3000)."),
    realtime: bool = typer.Option(False, "--realtime", help="With --dis: pace the PDUs to wall-clock time."),
    speed: float = typer.Option(1.0, "--speed", min=0.001, help="With --realtime: time compression factor."),
    report: bool = typer.Option(True, "--report/--no-report", help="Write report.html into OUT at the end."),
    decisions: Path = typer.Option(None, "--decisions", help="Replay a live session: apply the operator decisions "
                                   "and control actions of its decisions.parquet (from `amdsim live`)."),
    set_: list[str] = typer.Option(None, "--set", help="PATH=VALUE dotted override of the scenario, repeatable, "
                                   "e.g. --set tracking.model=kalman --set link.latency_s=4 --set "
                                   "batteries\\[id=alpha_long].launchers=2 --set aew=\\[]."),
    unset: list[str] = typer.Option(None, "--unset", help="PATH: remove a list entry or a field (back to its default), "
                                    "repeatable, e.g. --unset aew\\[id=aew_avalon]."),
    dis_rate: float = typer.Option(None, "--dis-rate", min=0, help="With --dis: PDUs per second at most (default "
                                   "2000, what a listener on loopback keeps up with; 0: unpaced)."),
) -> None:
    """Simulate SCENARIO and write Parquet tables, summary.json and report.html into OUT.

    One replication writes a run folder (events, states, detections, tracks, engagements, summary).
    With --replications N it writes a batch: one run folder per replication plus manifest.json,
    reproducible whatever the number of workers, and resumable with --resume. A replication that
    fails is recorded as failed with its error; the others finish and the batch exits with status 3.
    """
    from amdsim.cli.common import run_single
    from amdsim.core.errors import InputError, Problem
    from amdsim.scenario.overrides import single_overrides

    overrides = single_overrides(set_, unset)
    if decisions is not None and replications != 1:
        raise InputError(Problem("--decisions", "", "a live session replays as one replication (leave out -n)"))
    if replications == 1 and cluster is None and not resume and not retry_failed:
        run_single(scenario, out, seed=seed, dis=dis, realtime=realtime, speed=speed, report=report,
                   overrides=overrides, strict=strict, decisions=decisions, dis_rate=dis_rate)
        return
    from amdsim.cli.common import run_many

    run_many(scenario, out, replications=replications, workers=workers or None, cluster=cluster, resume=resume,
             seed=seed, report=report, overrides=overrides, retry_failed=retry_failed, strict=strict)


@app.command()
def demo(
    out: Path = typer.Option(Path("runs/demo"), "--out", "-o", help="Output folder for the demo run."),
    report: bool = typer.Option(True, "--report/--no-report", help="Write report.html at the end."),
) -> None:
    """Run the bundled demo scenario end to end and print where its results are.

    A notional combined exercise: 26 sea-skimming cruise missiles and 6 ballistic missiles against
    an air base, a port and a carrier group defended by two allied nations.
    """
    from amdsim.cli.common import run_single
    from amdsim.scenario import demo_path

    run_single(demo_path(), out, report=report)
