"""``amdsim track``: the multi-target tracker on recorded detections.

Every tracker option is a field of a scenario's ``tracking:`` (:class:`amdsim.scenario.models.Tracking`):
the parameter is named after the field and takes its default, bounds (checked by the model) and
description from there, so the offline tracker starts from the settings a scenario starts from.
``--confirm M/N`` sets ``confirm_m`` and ``confirm_n`` at once. ``--sigma`` and
``--clutter-density`` are the offline tracker's own (a scenario's radars give their noise; the
engine estimates the clutter). Where the offline tracker departs from the engine's on purpose (no
coast limit, initial speed sigma) is told in :func:`amdsim.tracking.offline.offline_config`.
"""

from __future__ import annotations

import inspect
import typing
from enum import StrEnum
from pathlib import Path

import typer

from amdsim.cli.app import app
from amdsim.scenario.models import Tracking

_FIELDS = Tracking.model_fields


def _default(name: str):
    return _FIELDS[name].default


def _help(name: str) -> str:
    return _FIELDS[name].description or ""


def _choices(name: str) -> list[str]:
    return list(typing.get_args(_FIELDS[name].annotation))


#: imm_gravity and imm_cv_gravity add free fall towards the earth's centre: they need ECEF measurements,
#: and a detections file is in a local Cartesian frame, so the offline tracker does not offer them.
Motion = StrEnum("Motion", {m: m for m in _choices("motion") if not m.endswith("gravity")})  # type: ignore[misc]  # members from the model
Association = StrEnum("Association", {a: a for a in _choices("association")})  # type: ignore[misc]

_CONFIRM_DEFAULT = f"{_default('confirm_m')}/{_default('confirm_n')}"
_CONFIRM_HELP = f"M/N: {_help('confirm_m').rstrip(' .')} {_help('confirm_n').lstrip('. ')}"


@app.command()
def track(
    detections: Path = typer.Argument(..., help="Parquet file: time_s, sensor_id, x_m, y_m [, z_m] [, sigma_m or sigma_x_m/sigma_y_m/sigma_z_m]."),
    out: Path = typer.Option(..., "--out", "-o", help="Output Parquet file of tracks."),
    motion: Motion = typer.Option(Motion(_default("motion")), "--motion", "--model",
                                  help=f"{_help('motion')} Offline: not the gravity ones (they need ECEF measurements)."),
    association: Association = typer.Option(Association(_default("association")), "--association",
                                            help=_help("association")),
    process_noise_mps2: float = typer.Option(_default("process_noise_mps2"), "--process-noise",
                                             help=_help("process_noise_mps2")),
    jerk_noise_mps3: float = typer.Option(_default("jerk_noise_mps3"), "--jerk-noise", help=_help("jerk_noise_mps3")),
    quiet_noise_mps2: float = typer.Option(_default("quiet_noise_mps2"), "--quiet-noise", help=_help("quiet_noise_mps2")),
    manoeuvre_noise_mps2: float = typer.Option(_default("manoeuvre_noise_mps2"), "--manoeuvre-noise",
                                               help=_help("manoeuvre_noise_mps2")),
    mode_switch_prob: float = typer.Option(_default("mode_switch_prob"), "--mode-switch", help=_help("mode_switch_prob")),
    assumed_pd: float = typer.Option(_default("assumed_pd"), "--pd", help=_help("assumed_pd")),
    gate_prob: float = typer.Option(_default("gate_prob"), "--gate", help=_help("gate_prob")),
    confirm: str = typer.Option(_CONFIRM_DEFAULT, "--confirm", help=_CONFIRM_HELP),
    delete_misses: int = typer.Option(_default("delete_misses"), "--delete", help=_help("delete_misses")),
    sigma: float = typer.Option(50.0, "--sigma", min=0.0, help="Measurement noise (m) where the file gives none."),
    clutter: float | None = typer.Option(None, "--clutter-density", min=0.0, show_default="estimated from the detections",
                                         help="False detections per m^3 assumed by JPDA."),
    q_old: float | None = typer.Option(None, "--q", min=0.0, hidden=True,
                                       help="Deprecated: spectral density (m^2/s^3); use --process-noise sqrt(q)."),
    q_ca_old: float | None = typer.Option(None, "--q-ca", min=0.0, hidden=True,
                                          help="Deprecated: jerk spectral density (m^2/s^5); use --jerk-noise sqrt(q)."),
) -> None:
    """Track recorded detections: Kalman filter (CV, CA or IMM), chi-square gate, GNN or JPDA
    association, one-point initiation, M-of-N confirmation, deletion after missed scans.

    The defaults are a scenario file's `tracking:` defaults (an IMM of a quiet and a manoeuvring
    constant-velocity mode, GNN); the measurement noise defaults to 50 m. sensor_id may be numbers
    or names.
    Output columns: time_s, track_id, x_m, y_m (z_m), vx_mps, vy_mps (vz_mps), confirmed, quality.
    """
    import math

    from pydantic import ValidationError
    from rich.progress import Progress

    from amdsim.cli.common import console
    from amdsim.core.errors import InputError, Problem
    from amdsim.records.writer import write_parquet_atomic
    from amdsim.tracking.offline import (
        offline_config,
        read_detections,
        track_detections,
        tracks_table,
    )

    for old, new, value in (("--q", "--process-noise", q_old), ("--q-ca", "--jerk-noise", q_ca_old)):
        if value is not None:
            console.print(f"[yellow]warning:[/] {old} Q is deprecated: use {new} {math.sqrt(value):g} (the square "
                          "root of Q, a standard deviation like the scenario's tracking: fields)")
    if q_old is not None:
        process_noise_mps2 = math.sqrt(q_old)
    if q_ca_old is not None:
        jerk_noise_mps3 = math.sqrt(q_ca_old)
    try:
        m, n = (int(v) for v in confirm.split("/"))
    except ValueError:
        raise InputError(f"expected M/N (two whole numbers), got {confirm!r}", file="--confirm") from None
    settings = dict(motion=motion.value, association=association.value, process_noise_mps2=process_noise_mps2,
                    jerk_noise_mps3=jerk_noise_mps3, quiet_noise_mps2=quiet_noise_mps2,
                    manoeuvre_noise_mps2=manoeuvre_noise_mps2, mode_switch_prob=mode_switch_prob, assumed_pd=assumed_pd, gate_prob=gate_prob, confirm_m=m,
                    confirm_n=n, delete_misses=delete_misses)
    try:
        cfg = offline_config(settings, **({} if clutter is None else {"clutter_density": clutter}))
    except ValidationError as exc:   # the bounds a scenario file has, named by option
        raise InputError([Problem(_option(str(e["loc"][0])), "", f"{e['msg']}, got {e['input']!r}")
                          for e in exc.errors()]) from None
    except ValueError as exc:        # M > N
        raise InputError(str(exc), file="--confirm") from None
    cols = read_detections(detections)
    with Progress(transient=True) as bar:
        task = bar.add_task("tracking", total=cols["time_s"].size)
        res = track_detections(cols, sigma, cfg, progress=lambda k: bar.update(task, completed=k))
    write_parquet_atomic(tracks_table(res), Path(out))
    import numpy as np

    typer.echo(f"{np.unique(res['track_id'][res['confirmed']]).size} confirmed tracks -> {out}")


def _option(field: str) -> str:
    """The option of :func:`track` that sets the `tracking:` field ``field``."""
    param = inspect.signature(track).parameters.get(field)
    return param.default.param_decls[0] if param is not None else "--confirm"   # confirm_m, confirm_n
