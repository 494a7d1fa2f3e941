"""``amdsim track``: the multi-target tracker on recorded detections."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from amdsim.cli.app import app


class Motion(StrEnum):
    cv = "cv"
    ca = "ca"
    imm = "imm"


class Association(StrEnum):
    gnn = "gnn"
    jpda = "jpda"


@app.command()
def track(
    detections: Path = typer.Argument(..., help="Parquet file: time_s, sensor_id, x_m, y_m [, z_m] [, sigma_m or sigma_x_m/sigma_y_m/sigma_z_m]."),
    out: Path = typer.Option(..., "--out", "-o", help="Output Parquet file of tracks."),
    model: Motion = typer.Option(Motion.cv, "--model", help="Motion model: cv (constant velocity), ca (constant acceleration) or imm (IMM of cv and ca, for manoeuvring targets)."),
    association: Association = typer.Option(Association.gnn, "--association", help="gnn: global nearest neighbour (one detection per track); jpda: joint probabilistic data association (dense clutter)."),
    sigma: float = typer.Option(50.0, "--sigma", min=0.0, help="Measurement noise (m) where the file gives none."),
    q: float = typer.Option(25.0, "--q", min=0.0, help="CV process noise: white-noise acceleration spectral density (m^2/s^3)."),
    q_ca: float = typer.Option(400.0, "--q-ca", min=0.0, help="CA process noise: white-noise jerk spectral density (m^2/s^5)."),
    gate: float = typer.Option(0.999, "--gate", min=0.5, max=0.9999999, help="Chi-square gate probability."),
    confirm: str = typer.Option("2/3", "--confirm", help="M/N: confirm after M detections in N scans."),
    delete: int = typer.Option(3, "--delete", min=1, help="Delete a track after this many missed scans."),
    pd: float = typer.Option(0.9, "--pd", min=0.01, max=1.0, help="Detection probability assumed by JPDA."),
    clutter: float = typer.Option(0.0, "--clutter-density", min=0.0, help="False detections per m^3 assumed by JPDA (0: estimated from the detections)."),
) -> None:
    """Track recorded detections: Kalman filter (CV, CA or IMM), chi-square gate, GNN or JPDA
    association, one-point initiation, M-of-N confirmation, deletion after missed scans.

    Defaults suit aircraft and cruise missiles observed every 1 s with 50 m noise. Output columns:
    time_s, track_id, x_m, y_m (z_m), vx_mps, vy_mps (vz_mps), confirmed, quality.
    """
    from rich.progress import Progress

    from amdsim.core.errors import InputError
    from amdsim.tracking.offline import read_detections, track_detections, write_tracks
    from amdsim.tracking.tracker import TrackerConfig

    try:
        m, n = (int(v) for v in confirm.split("/"))
        if not 1 <= m <= n <= 30:
            raise ValueError
    except ValueError:
        raise InputError(f"expected M/N with 1 <= M <= N <= 30, got {confirm!r}", file="--confirm") from None
    cfg = TrackerConfig(motion=model.value, association=association.value, q=q, q_ca=q_ca, gate_prob=gate,
                        m=m, n=n, delete_misses=delete, pd=pd, clutter_density=clutter)
    cols = read_detections(detections)
    with Progress(transient=True) as bar:
        task = bar.add_task("tracking", total=cols["time_s"].size)
        res = track_detections(cols, sigma, cfg, progress=lambda k: bar.update(task, completed=k))
    write_tracks(res, out)
    import numpy as np

    typer.echo(f"{np.unique(res['track_id'][res['confirmed']]).size} confirmed tracks -> {out}")
