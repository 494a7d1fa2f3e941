"""One replication, start to finish: build the state, step to the end, write the run folder."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from amdsim.c2.approval import Operators
from amdsim.core.errors import SimulationError
from amdsim.core.rng import replication_seed
from amdsim.engine.operators import decisions_table
from amdsim.engine.replication import Replication, new_replication
from amdsim.engine.sanity import check_world
from amdsim.engine.step import step
from amdsim.records import tables
from amdsim.records.killchain import killchain_table
from amdsim.records.summary import build_summary
from amdsim.records.writer import (
    begin_run_folder,
    folder_lock,
    write_json_atomic,
    write_parquet_atomic,
    write_scenario_copy,
)
from amdsim.world.tables import CompiledScenario


def simulate(cs: CompiledScenario, replication: int = 0, root_seed: int | None = None,
             progress: Callable[[float], None] | None = None, record_detections: bool = True,
             operators: Operators | None = None) -> Replication:
    """Run replication ``replication`` to the end and return its final state (nothing written).

    ``operators`` replays a live session's decisions (``engine/operators.py``).

    A :class:`SimulationError` stops the run; the replication so far is attached as ``exc.replication``.
    """
    seed = cs.seed if root_seed is None else root_seed
    r = new_replication(cs, replication_seed(seed, replication), record_detections=record_detections)
    r.operators = operators
    n = cs.n_steps
    every = max(1, n // 200)
    try:
        for k in range(n):
            step(r)
            check_world(r)
            if progress is not None and k % every == 0:
                progress(r.world.t)
    except SimulationError as exc:
        exc.replication = r
        raise
    if progress is not None:
        progress(r.world.t)
    return r


def run_replication(cs: CompiledScenario, replication: int = 0, out_dir: Path | None = None, *,
                    root_seed: int | None = None, progress: Callable[[float], None] | None = None,
                    operators: Operators | None = None) -> dict:
    """Simulate one replication and, if ``out_dir`` is given, write its run folder. Returns the summary.

    If the simulation stops on a :class:`SimulationError`, what was computed is still written,
    with ``complete: false`` and the error in summary.json, and the error is raised again.
    """
    seed = cs.seed if root_seed is None else root_seed
    t0 = time.perf_counter()
    try:
        r = simulate(cs, replication, seed, progress, operators=operators)
    except SimulationError as exc:
        stopped = exc.replication
        if not isinstance(stopped, Replication):  # simulate() attaches the state reached; nothing to write without it
            raise
        summary = build_summary(stopped, replication, seed, complete=False, error=exc.user_message())
        if out_dir is not None:
            write_run_folder(stopped, summary, Path(out_dir))
        raise
    summary = build_summary(r, replication, seed)
    if out_dir is not None:
        write_run_folder(r, summary, Path(out_dir))
    summary["_wall_s"] = time.perf_counter() - t0
    return summary


def write_run_folder(r: Replication, summary: dict, out: Path) -> None:
    """Write the run folder by the run-folder protocol (records/writer.py): under its lock, the previous
    outputs removed, every table atomically, summary.json last (its presence marks completion)."""
    with folder_lock(out):
        _write_run_folder(r, summary, out)


def _write_run_folder(r: Replication, summary: dict, out: Path) -> None:
    cs = r.cs
    begin_run_folder(out)
    write_parquet_atomic(tables.movers_table(cs), out / "movers.parquet")
    write_parquet_atomic(tables.sensors_table(cs), out / "sensors.parquet")
    write_parquet_atomic(tables.events_table(cs, r.log), out / "events.parquet")
    write_parquet_atomic(tables.states_table(cs, r.recorder), out / "states.parquet")
    write_parquet_atomic(tables.detections_table(cs, r.recorder), out / "detections.parquet")
    write_parquet_atomic(tables.tracks_table(cs, r.recorder), out / "tracks.parquet")
    write_parquet_atomic(tables.engagements_table(cs, r.book), out / "engagements.parquet")
    write_parquet_atomic(killchain_table(r), out / "killchain.parquet")
    write_scenario_copy(cs, out)
    write_parquet_atomic(tables.magazines_table(cs, r.recorder, r.world.mag), out / "magazines.parquet")
    if r.operators is not None:   # a live session or its replay: the operators' record
        write_parquet_atomic(decisions_table(r.operators, cs), out / "decisions.parquet")
    clean = {k: v for k, v in summary.items() if not k.startswith("_")}
    write_json_atomic(clean, out / "summary.json")


__all__ = ["run_replication", "simulate", "write_run_folder"]
