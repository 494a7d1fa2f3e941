"""Batches of replications: a local process pool or a Dask cluster, atomic run folders, resume.

Layout of a batch folder ``out_dir``::

    manifest.json        scenario hash, root seed, n, amdsim version, variant overrides, the completed
                         replications, the failed ones and each one's error
    scenario.yaml        the scenario as run, overrides applied (records/writer.py; `amdsim explain`)
    rep_00000/ ...       one run folder per replication (docs/architecture.md)

Each replication is simulated into a hidden temporary folder ``.tmp_rep_XXXXX.<token>`` and renamed
to ``rep_XXXXX`` when its summary.json is written, so a killed batch never leaves a half-written
replication that looks complete; ``resume=True`` deletes the temporaries and runs what is missing.
The batch holds the folder's lock (``records/writer.py folder_lock``) from start to end, so a resume
never deletes the temporaries of a live batch: it is refused while one writes. A resume refuses a
single-run folder and a manifest of another scenario, seed, overrides or ``n_replications``; the
manifest says ``complete: true`` only once every replication is in place (rewritten last).

A replication that fails does not stop the batch. A :class:`SimulationError` leaves its partial
tables with summary.json marked ``complete: false`` and the error; any other error (a bug) leaves
a run folder with only summary.json (``complete: false``, the error) and error.txt (the traceback),
see :mod:`amdsim.records.failure`. Either way the replication is in place and *failed*: listed with
its error in the manifest (written as soon as a failure arrives), counted and left out by the
statistics, not run again by ``resume``; ``retry_failed=True`` runs the failed ones again (and the
missing ones). The whole batch then raises :class:`ReplicationsFailedError` in the CLI (exit status 3).
Replication ``k`` draws from ``SeedSequence(root_seed).spawn(k + 1)[k]`` (see
:func:`amdsim.core.rng.replication_seed`), so its bytes do not depend on the worker count or
the order of completion, and variants of a sweep share root seeds (common random numbers).
Workers send back a few numbers per replication, never tables: memory stays flat in N.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from amdsim import __version__
from amdsim.core.errors import AmdsimError, InputError, OutputError, SimulationError
from amdsim.engine.run import run_replication
from amdsim.montecarlo.progress import BatchBar
from amdsim.records.failure import error_text, write_failed_run_folder
from amdsim.records.writer import (
    BATCH_OUTPUTS,
    folder_lock,
    remove_stray_temporaries,
    write_json_atomic,
    write_point,
    write_scenario_copy,
)
from amdsim.scenario import load_compiled

MANIFEST = "manifest.json"
REP_FORMAT = "rep_{:05d}"
#: Seconds to wait for a Dask scheduler before reporting it unreachable.
CONNECT_TIMEOUT_S = 10.0

# Per-process cache of the compiled scenario (set by the pool initializer).
_WORKER_CS = None


@dataclass
class BatchResult:
    """What a finished batch reports back (tables are on disk, in ``out_dir``).

    ``completed`` are the replications that ran to the end, ``failed`` those that stopped on an
    error (``failures`` maps each to its error message); together they are every replication in
    place. ``skipped`` counts those already in place before this call (kept by a resume).
    """
    out_dir: Path
    n_replications: int
    completed: list[int]
    failed: list[int]
    skipped: int
    wall_s: float
    peak_rss_bytes: int
    rep_wall_s: list[float] = field(default_factory=list)
    failures: dict[int, str] = field(default_factory=dict)

    @property
    def rate_per_s(self) -> float:
        """Replications simulated per wall-clock second in this call (resumed ones excluded)."""
        done = len(self.rep_wall_s)
        return done / self.wall_s if self.wall_s > 0 else 0.0


def rep_dir(out_dir: Path, k: int) -> Path:
    """Run folder of replication ``k`` inside batch folder ``out_dir``."""
    return Path(out_dir) / REP_FORMAT.format(k)


class ReplicationsFailedError(AmdsimError):
    """Some replications of a batch or sweep failed; the others finished (exit status 3, as for a
    single run that stops on a simulation error).

    ``failures`` maps a label (the batch folder, or ``variant_XX`` of a sweep) to {replication: error}.
    """

    exit_code = 3

    def __init__(self, failures: dict[str, dict[int, str]], n_total: int) -> None:
        self.failures = {label: dict(sorted(f.items())) for label, f in failures.items() if f}
        self.n_total = n_total
        super().__init__(self.user_message())

    @property
    def n_failed(self) -> int:
        return sum(len(f) for f in self.failures.values())

    def user_message(self) -> str:
        n = self.n_failed
        return (f"{n} of {self.n_total} replication{'s' if self.n_total != 1 else ''} failed (each is recorded with "
                "its error in the batch manifest and its rep_XXXXX/summary.json, and left out of the statistics); "
                "the others finished. `--resume --retry-failed` runs the failed ones again.")


def completed_replications(out_dir: Path) -> list[int]:
    """Replications whose run folder is in place (renamed into place only once written), whether
    they ran to the end or failed (see :func:`replication_outcomes`)."""
    out = []
    for p in Path(out_dir).glob("rep_*"):
        tail = p.name[4:]
        if p.is_dir() and tail.isdigit() and (p / "summary.json").is_file():
            out.append(int(tail))
    return sorted(out)


def replication_outcomes(out_dir: Path) -> tuple[list[int], dict[int, str]]:
    """``(completed, failures)`` of the replications in place: those whose summary says complete, and
    {replication: error} of the others (a summary without ``complete: true`` counts as failed)."""
    ok: list[int] = []
    failures: dict[int, str] = {}
    for k in completed_replications(out_dir):
        run = _summary_run(rep_dir(out_dir, k))
        if run.get("complete") is True:
            ok.append(k)
        else:
            failures[k] = str(run.get("error") or "incomplete run folder (summary.json without complete: true)")
    return ok, failures


def run_batch(scenario, n_replications: int, out_dir, workers: int | None = None, cluster: str | None = None,
              resume: bool = False, root_seed: int | None = None, progress: bool = True,
              overrides: dict | None = None, retry_failed: bool = False,
              executor: Executor | None = None) -> BatchResult:
    """Run replications ``0 .. n_replications-1`` of a scenario into the batch folder ``out_dir``.

    Parameters
    ----------
    scenario : str, Path or CompiledScenario
        Scenario file (``overrides`` applied to its raw YAML before validation) or a compiled scenario.
    n_replications : int
        Number of replications N (>= 1).
    out_dir : str or Path
        Batch folder; must be empty or absent unless ``resume``.
    workers : int, optional
        Local worker processes (default: all cores). Ignored with ``cluster``.
    cluster : str, optional
        Address of an existing Dask scheduler, e.g. ``tcp://127.0.0.1:8786``.
    resume : bool
        Keep the replications in place in ``out_dir`` (completed or failed) and run only the missing ones.
    root_seed : int, optional
        Root seed (default: the scenario's seed).
    progress : bool
        Show a rich progress bar (done, rate, time left) on stderr.
    overrides : dict, optional
        Dotted-path overrides (a sweep variant), recorded in the manifest.
    retry_failed : bool
        Resume (implies ``resume``) and run the failed replications again, besides the missing ones;
        completed replications are kept.
    executor : concurrent.futures.Executor, optional
        Run the replications on this executor (e.g. :class:`InProcessExecutor`, to debug or to
        monkeypatch the engine in tests) instead of a local process pool; the caller shuts it down.

    Returns
    -------
    BatchResult
        A failed replication does not raise: it is in ``failed`` / ``failures`` (and the manifest).
    """

    if n_replications < 1:
        raise InputError(f"expected at least one replication, got {n_replications}", file="--replications")
    cs = _compile(scenario, overrides)
    seed = int(cs.seed if root_seed is None else root_seed)
    out = Path(out_dir)
    manifest: dict[str, Any] = {"scenario": getattr(cs, "name", ""), "scenario_sha256": getattr(cs, "scenario_hash", ""),
                "root_seed": seed, "n_replications": int(n_replications), "amdsim_version": __version__,
                "overrides": dict(overrides or {}), "completed": [], "failed": [], "failures": [],
                "complete": False}
    resume = resume or retry_failed
    with folder_lock(out, "batch folder"):
        return _run_batch_locked(cs, n_replications, out, manifest, seed, workers=workers, cluster=cluster,
                                 resume=resume, progress=progress, retry_failed=retry_failed, executor=executor)


def _run_batch_locked(cs, n_replications: int, out: Path, manifest: dict, seed: int, *, workers: int | None,
                      cluster: str | None, resume: bool, progress: bool, retry_failed: bool,
                      executor: Executor | None) -> BatchResult:
    _prepare(out, manifest, resume)
    write_scenario_copy(cs, out)      # scenario.yaml: the scenario as run (amdsim explain reruns it)
    ok, failures = replication_outcomes(out)
    ok = [k for k in ok if k < n_replications]
    failures = {k: e for k, e in failures.items() if k < n_replications}
    if retry_failed:
        for k in failures:
            _discard(rep_dir(out, k))
        failures = {}
    in_place = set(ok) | set(failures)
    todo = [k for k in range(n_replications) if k not in in_place]
    t0 = time.perf_counter()
    walls: list[float] = []
    peak = 0

    def on_result(res: dict) -> None:
        nonlocal peak
        if res["error"] is None:
            ok.append(res["k"])
        else:
            failures[res["k"]] = res["error"]
            _record_outcomes(out, manifest, ok, failures)   # recorded now: the batch may yet be interrupted
        walls.append(res["wall_s"])
        peak = max(peak, res["rss_bytes"])

    if todo:
        bar = BatchBar(n_replications, len(in_place), progress)

        def on_result_shown(res: dict) -> None:
            on_result(res)
            bar.advance()

        with bar:
            if executor is not None:
                _run_on(executor, cs, todo, out, seed, on_result_shown)
            elif cluster:
                _run_dask(cs, todo, out, seed, cluster, on_result_shown)
            else:
                _run_local(cs, todo, out, seed, workers, on_result_shown)
    _record_outcomes(out, manifest, ok, failures)
    return BatchResult(out, n_replications, sorted(ok), sorted(failures), len(in_place),
                       time.perf_counter() - t0, peak, walls, dict(sorted(failures.items())))


def _record_outcomes(out: Path, manifest: dict, ok: list[int], failures: dict[int, str]) -> None:
    manifest["completed"] = sorted(ok)
    manifest["failed"] = sorted(failures)
    manifest["failures"] = [{"replication": k, "error": failures[k]} for k in sorted(failures)]
    manifest["complete"] = len(set(ok) | set(failures)) >= int(manifest["n_replications"])
    _write_manifest(out, manifest)


def _discard(folder: Path) -> None:
    """Remove a run folder: renamed out of place first (atomic), so a kill half way through the
    removal never leaves a partial ``rep_XXXXX`` that looks finished (``_prepare`` clears temporaries)."""
    if not folder.exists():
        return
    aside = folder.with_name(f".tmp_{folder.name}.retry.{uuid.uuid4().hex[:12]}")
    try:
        os.replace(folder, aside)
    except OSError as exc:
        raise OutputError(f"cannot remove the failed replication {folder} to run it again: "
                          f"{exc.strerror or exc}") from None
    shutil.rmtree(aside, ignore_errors=True)


# ----------------------------------------------------------------------------------------------
# worker side


def replicate(cs, k: int, out_dir: str, root_seed: int) -> dict:
    """Simulate replication ``k`` into ``out_dir/rep_XXXXX`` atomically; returns a few numbers only.

    A replication that fails is still put in place, as a failed run folder (see the module
    docstring), and reported with its ``error``; only an :class:`OutputError` (the batch folder
    cannot be written), Ctrl-C and the like propagate.
    """
    final = rep_dir(Path(out_dir), k)
    tmp = Path(out_dir) / f".tmp_{final.name}.{uuid.uuid4().hex[:12]}"
    t0 = time.perf_counter()
    error: str | None = None
    try:
        run_replication(cs, k, tmp, root_seed=root_seed)
    except SimulationError as exc:
        error = exc.user_message()     # the partial folder says complete: false and why; kept as the result
        if not (tmp / "summary.json").is_file():   # stopped before any state existed: nothing was written
            shutil.rmtree(tmp, ignore_errors=True)
            write_failed_run_folder(cs, k, root_seed, exc, tmp)
    except OutputError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except Exception as exc:           # an amdsim bug in this replication: record it, let the others run
        error = error_text(exc)
        shutil.rmtree(tmp, ignore_errors=True)
        write_failed_run_folder(cs, k, root_seed, exc, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if final.exists():     # a duplicate attempt (e.g. a Dask retry) finished first: same bytes, drop ours
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        write_point(f"{final.name}:rename")
        os.replace(tmp, final)
    return {"k": k, "complete": error is None, "error": error, "wall_s": time.perf_counter() - t0,
            "rss_bytes": _peak_rss()}


class InProcessExecutor(Executor):
    """An executor that runs each call at once, in the calling process, one after the other.

    For debugging a batch (breakpoints, profilers) and for tests that monkeypatch the engine; the
    batch's bytes are the same as with any process pool (each replication has its own seed).
    """

    _max_workers = 1

    def submit(self, fn, /, *args, **kwargs) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as exc:   # as a pool would: the error is the future's, raised by result()
            fut.set_exception(exc)
        return fut


def _init_worker(cs) -> None:
    global _WORKER_CS
    _WORKER_CS = cs


def _replicate_cached(k: int, out_dir: str, root_seed: int) -> dict:
    return replicate(_WORKER_CS, k, out_dir, root_seed)


def _peak_rss() -> int:
    """Peak resident set size of this process, bytes."""
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


# ----------------------------------------------------------------------------------------------
# parent side


def _compile(scenario, overrides):
    if isinstance(scenario, (str, Path)):
        return load_compiled(scenario, overrides=overrides)
    if overrides:
        raise InputError("overrides need a scenario file, not a compiled scenario", file="--set")
    return scenario


def _prepare(out: Path, manifest: dict, resume: bool) -> None:
    try:
        if out.exists() and not out.is_dir():
            raise OutputError(f"cannot write the batch folder {out}: it exists and is not a folder")
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the batch folder {out}: {exc.strerror or exc}") from None
    if (out / "summary.json").exists() or (out / "states.parquet").exists():
        raise InputError(f"{out} holds a single run (summary.json, states.parquet), not a batch: a batch would be "
                         "mixed into it; choose another --out", file="--out")
    if (out / "sweep.json").exists():
        raise InputError(f"{out} holds a sweep (sweep.json), not a batch: resume it with `amdsim sweep ... --resume` "
                         "or choose another --out", file="--out")
    if (out / MANIFEST).is_file():
        check_resumable(out / MANIFEST, manifest, ("scenario_sha256", "root_seed", "overrides", "n_replications"),
                        resume, "batch")
    elif any(out.glob("rep_*")) and not resume:
        raise InputError(f"{out} already holds replications; add --resume or choose another --out", file="--out")
    # under the folder's lock: every temporary here belongs to a killed writer, never to a live one
    for tmp in out.glob(".tmp_rep_*"):
        shutil.rmtree(tmp, ignore_errors=True)
    remove_stray_temporaries(out)
    for name in BATCH_OUTPUTS:          # derived from the whole batch: rewritten when it ends
        (out / name).unlink(missing_ok=True)
    ok, failures = replication_outcomes(out)
    _record_outcomes(out, manifest, ok, failures)


def check_resumable(path: Path, new: dict, keys: tuple[str, ...], resume: bool, what: str) -> None:
    """Refuse to write over the existing ``what`` described by ``path`` unless resuming the same one.

    Raises :class:`InputError` without ``resume``, or when any of ``keys`` differs between the JSON
    document at ``path`` and ``new``.
    """
    out = path.parent
    if not resume:
        raise InputError(f"{out} already holds a {what}; add --resume to continue it or choose another --out",
                         file="--out")
    try:
        old = json.loads(path.read_text())
    except (OSError, ValueError):
        raise InputError(f"{path} is unreadable; cannot resume", file="--resume") from None
    for key in keys:
        if old.get(key) != new[key]:
            raise InputError(f"cannot resume {out}: its {key} is {old.get(key)!r}, this {what} has {new[key]!r}",
                             file="--resume")


def _write_manifest(out: Path, manifest: dict) -> None:

    write_json_atomic(manifest, out / MANIFEST)


def _summary_run(folder: Path) -> dict:
    """The ``run`` block of a run folder's summary.json ({} if unreadable)."""
    try:
        run = json.loads((folder / "summary.json").read_text())["run"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return run if isinstance(run, dict) else {}


def _run_local(cs, todo: list[int], out: Path, seed: int, workers: int | None, on_result) -> None:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    n = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_init_worker, initargs=(cs,))
    try:
        _drain(lambda k: pool.submit(_replicate_cached, k, str(out), seed), todo, n, on_result)
    except BaseException:          # Ctrl-C or a worker's error: drop queued replications, do not wait for them
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _run_on(executor: Executor, cs, todo: list[int], out: Path, seed: int, on_result) -> None:
    """Replications on a caller's executor (the compiled scenario travels with each call)."""
    n = max(1, int(getattr(executor, "_max_workers", 1) or 1))
    _drain(lambda k: executor.submit(replicate, cs, k, str(out), seed), todo, n, on_result)


def _drain(submit: Callable[[int], Future], todo: list[int], n: int, on_result) -> None:
    """Submit replications keeping at most two per worker in flight (bounded parent memory)."""
    from concurrent.futures import FIRST_COMPLETED, wait

    pending = set()
    queue = iter(todo)
    for k in queue:             # keep at most 2 tasks per worker in flight: bounded parent memory
        pending.add(submit(k))
        if len(pending) >= 2 * n:
            break
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for f in finished:         # every result is recorded before more work starts (a failure first of all)
            on_result(f.result())
        for _ in finished:
            k_next = next(queue, None)
            if k_next is not None:
                pending.add(submit(k_next))


def dask_client(cluster: str):
    """A ``distributed.Client`` on the scheduler at ``cluster``; InputError (``--cluster``) when
    dask.distributed is missing or the scheduler does not answer within ``CONNECT_TIMEOUT_S``."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--cluster needs dask.distributed, which is not installed", file="--cluster") from None
    try:
        return Client(cluster, timeout=f"{CONNECT_TIMEOUT_S}s")
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot connect to the Dask scheduler at {cluster}: {exc}", file="--cluster") from None


def _run_dask(cs, todo: list[int], out: Path, seed: int, cluster: str, on_result) -> None:
    client = dask_client(cluster)
    from distributed import as_completed

    try:
        cs_future = client.scatter(cs, broadcast=True)
        futures = [client.submit(replicate, cs_future, k, str(out.resolve()), seed, pure=False,
                                 key=f"amdsim-rep-{k}-{uuid.uuid4().hex[:8]}") for k in todo]
        for fut in as_completed(futures):
            on_result(fut.result())
            fut.release()
    finally:
        client.close()




__all__ = ["BatchResult", "InProcessExecutor", "ReplicationsFailedError", "completed_replications", "dask_client",
           "rep_dir", "replicate", "replication_outcomes", "run_batch"]
