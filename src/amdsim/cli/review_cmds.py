"""``amdsim report``, ``amdsim view`` and ``amdsim export czml``: after-action review of a run folder."""

from __future__ import annotations

from pathlib import Path

import typer

from amdsim.cli.app import app

export_app = typer.Typer(help="Export a run folder to other tools' formats (CZML for Cesium).", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("czml")
def export_czml(
    folder: Path = typer.Argument(..., help="Run folder (or batch folder: its first replication)."),
    out: Path = typer.Option(None, "--out", "-o", help="CZML file to write (default FOLDER/run.czml)."),
    sensors: bool = typer.Option(True, "--sensors/--no-sensors", help="Add sensor coverage ellipses, moving with their hosts."),
    target_alt_m: float = typer.Option(30.0, "--target-alt-m", min=0.0, max=100_000.0,
                                       help="Target altitude (m) the coverage is drawn against: each ellipse's radius "
                                            "is the 4/3-earth horizon range to such a target, at most the sensor's "
                                            "instrumented range (30: a sea-skimmer)."),
) -> None:
    """Write a CZML document (Cesium) of a run: movers with trails, named events, sensor coverage
    against targets at --target-alt-m."""
    from amdsim.review.czml import write_czml

    typer.echo(f"wrote {write_czml(folder, out, sensors=sensors, target_alt_m=target_alt_m)}")


@app.command()
def report(
    folder: Path = typer.Argument(..., help="Run or batch folder (from amdsim run), or sweep folder (amdsim sweep)."),
    out: Path = typer.Option(None, "--out", "-o", help="HTML file to write (default FOLDER/report.html)."),
) -> None:
    """Write a self-contained HTML after-action review (figures embedded, no network needed).

    It opens with the answers (probability of no leaker, leakers per asset with 95 % intervals, the
    causes ranked), then one card per leaker (its kill chain, why it leaked, the evidence, and what would
    have saved it once `amdsim explain FOLDER` has run), every threat's kill chain, magazines over time
    and the details. For a sweep folder: the variants, named by their settings, compared with the
    baseline by paired differences (same seeds per replication) with 95 % intervals.
    """
    import contextlib

    from amdsim.records.writer import folder_lock
    from amdsim.review.report import write_report

    # into the folder: not while a run, batch or sweep writes it (a report elsewhere needs no lock on it)
    inside = folder.is_dir() and (out is None or out.resolve().parent == folder.resolve())
    with folder_lock(folder) if inside else contextlib.nullcontext(folder):
        typer.echo(f"wrote {write_report(folder, out)}")


@app.command()
def view(
    folder: Path = typer.Argument(..., help="Run or batch folder (from amdsim run)."),
    port: int = typer.Option(8765, "--port", "-p", min=0, max=65535, help="TCP port (0: any free port)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; the default serves this machine only."),
    allow_host: list[str] = typer.Option(None, "--allow-host", help="A further Host name to answer (repeatable), "
                                         "e.g. this machine's LAN name with --host 0.0.0.0; by default only "
                                         "127.0.0.1, localhost, [::1] and the --host address are answered."),
) -> None:
    """Serve the web replay viewer of a run folder (map, time slider, tracks, engagements)."""
    from amdsim.review.server import serve

    serve(folder, host=host, port=port, allow_hosts=tuple(allow_host or ()))
