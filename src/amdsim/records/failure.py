"""The run folder of a replication that stopped on an unexpected error (an amdsim bug, not a
:class:`~amdsim.core.errors.SimulationError`).

A :class:`~amdsim.core.errors.SimulationError` leaves partial tables and a summary.json marked
``complete: false`` (``engine/run.py``). Any other error leaves no state to write, so the batch
records the replication as failed with a run folder that holds only:

* ``summary.json``: the ``run`` block of a normal summary (scenario, hash, seed, replication,
  version), ``complete: false``, ``error`` (``"OverflowError: ..."``) and ``error_type``;
* ``error.txt``: the traceback, from the replication's own frames down (so the same error gives
  the same bytes whichever worker or process ran it).

Readers tell a failed replication by ``run.complete`` being false, whether or not it has tables;
``results/stats.py`` counts failed replications and leaves them out of the statistics.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from amdsim import __version__
from amdsim.records.writer import _atomic, begin_run_folder, write_json_atomic

#: The file of a failed run folder that carries the traceback.
ERROR_FILE = "error.txt"


def error_text(exc: BaseException) -> str:
    """One line naming the error: ``"OverflowError: Python integer ... out of bounds for int32"``."""
    msg = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {msg[0]}" if msg else type(exc).__name__


def failure_summary(cs, replication: int, root_seed: int, exc: BaseException) -> dict:
    """summary.json of a replication that stopped on ``exc``: the run block only, marked incomplete."""
    return {
        "run": {
            "scenario": cs.name, "scenario_sha256": cs.scenario_hash, "seed": int(root_seed),
            "replication": int(replication), "amdsim_version": __version__, "start_utc": cs.start_utc,
            "duration_s": cs.duration, "step_s": cs.dt, "simulated_to_s": None, "complete": False,
            "error": error_text(exc), "error_type": type(exc).__name__,
        },
    }


def write_failed_run_folder(cs, replication: int, root_seed: int, exc: BaseException, out: Path) -> dict:
    """Write ``out`` as the run folder of a replication that failed on ``exc``; returns its summary.

    error.txt first and summary.json last, each atomically, as for a normal run folder.
    """
    out = Path(out)
    begin_run_folder(out)
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    _atomic(out / ERROR_FILE, lambda fh: fh.write(tb), binary=False)
    summary = failure_summary(cs, replication, root_seed, exc)
    write_json_atomic(summary, out / "summary.json")
    return summary


__all__ = ["ERROR_FILE", "error_text", "failure_summary", "write_failed_run_folder"]
