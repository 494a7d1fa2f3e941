"""``amdsim track``: the multi-target tracker on recorded detections."""

from __future__ import annotations

from pathlib import Path

import typer

from amdsim.cli.app import app


@app.command()
def track(
    detections: Path = typer.Argument(..., help="Parquet file: time_s, sensor_id, x_m, y_m [, z_m] [, sigma_m]."),
    out: Path = typer.Option(..., "--out", "-o", help="Output Parquet file of tracks."),
    sigma: float = typer.Option(50.0, "--sigma", min=0.0, help="Measurement noise (m) where the file gives none."),
    q: float = typer.Option(25.0, "--q", min=0.0, help="Process noise: white-noise acceleration spectral density (m^2/s^3)."),
    gate: float = typer.Option(0.999, "--gate", min=0.5, max=0.9999999, help="Chi-square gate probability."),
    confirm: str = typer.Option("2/3", "--confirm", help="M/N: confirm after M detections in N scans."),
    delete: int = typer.Option(3, "--delete", min=1, help="Delete a track after this many missed scans."),
) -> None:
    """Track recorded detections: Kalman filter (constant velocity), chi-square gate, global nearest
    neighbour, M-of-N confirmation, deletion after missed scans. Defaults suit aircraft and cruise
    missiles observed every 1 s with 50 m noise."""
    from rich.progress import Progress

    from amdsim.errors import InputError
    from amdsim.tracking.offline import read_detections, track_detections, write_tracks

    try:
        m, n = (int(v) for v in confirm.split("/"))
        if not 1 <= m <= n <= 30:
            raise ValueError
    except ValueError:
        raise InputError(f"expected M/N with 1 <= M <= N <= 30, got {confirm!r}", file="--confirm") from None
    cols = read_detections(detections)
    with Progress(transient=True) as bar:
        task = bar.add_task("tracking", total=cols["time_s"].size)
        res = track_detections(cols, sigma, q, gate, m, n, delete, progress=lambda k: bar.update(task, completed=k))
    write_tracks(res, out)
    import numpy as np

    typer.echo(f"{np.unique(res['track_id'][res['confirmed']]).size} confirmed tracks -> {out}")
