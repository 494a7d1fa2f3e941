"""Batches of replications: a local process pool or a Dask cluster, atomic run folders, resume.

Layout of a batch folder ``out_dir``::

    manifest.json        scenario hash, root seed, n, amdsim version, variant overrides, completed list
    rep_00000/ ...       one complete run folder per replication (docs/architecture.md)

Each replication is simulated into a hidden temporary folder ``.tmp_rep_XXXXX.<token>`` and renamed
to ``rep_XXXXX`` when its summary.json is written, so a killed batch never leaves a half-written
replication that looks complete; ``resume=True`` deletes the temporaries and runs what is missing.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from amdsim import __version__
from amdsim.core.errors import InputError, OutputError, SimulationError
from amdsim.engine.run import run_replication
from amdsim.montecarlo.progress import BatchBar
from amdsim.records.writer import write_json_atomic
from amdsim.scenario import load_compiled

MANIFEST = "manifest.json"
REP_FORMAT = "rep_{:05d}"
#: Seconds to wait for a Dask scheduler before reporting it unreachable.
CONNECT_TIMEOUT_S = 10.0

# Per-process cache of the compiled scenario (set by the pool initializer).
_WORKER_CS = None


@dataclass
class BatchResult:
    """What a finished batch reports back (tables are on disk, in ``out_dir``)."""
    out_dir: Path
    n_replications: int
    completed: list[int]
    failed: list[int]
    skipped: int
    wall_s: float
    peak_rss_bytes: int
    rep_wall_s: list[float] = field(default_factory=list)

    @property
    def rate_per_s(self) -> float:
        """Replications simulated per wall-clock second in this call (resumed ones excluded)."""
        done = len(self.rep_wall_s)
        return done / self.wall_s if self.wall_s > 0 else 0.0


def rep_dir(out_dir: Path, k: int) -> Path:
    """Run folder of replication ``k`` inside batch folder ``out_dir``."""
    return Path(out_dir) / REP_FORMAT.format(k)


def completed_replications(out_dir: Path) -> list[int]:
    """Replications whose run folder is in place (renamed into place only once written)."""
    out = []
    for p in Path(out_dir).glob("rep_*"):
        tail = p.name[4:]
        if p.is_dir() and tail.isdigit() and (p / "summary.json").is_file():
            out.append(int(tail))
    return sorted(out)


def run_batch(scenario, n_replications: int, out_dir, workers: int | None = None, cluster: str | None = None,
              resume: bool = False, root_seed: int | None = None, progress: bool = True,
              overrides: dict | None = None) -> BatchResult:
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
        Keep finished replications in ``out_dir`` and run only the missing ones.
    root_seed : int, optional
        Root seed (default: the scenario's seed).
    progress : bool
        Show a rich progress bar (done, rate, time left) on stderr.
    overrides : dict, optional
        Dotted-path overrides (a sweep variant), recorded in the manifest.

    Returns
    -------
    BatchResult
    """

    if n_replications < 1:
        raise InputError(f"expected at least one replication, got {n_replications}", file="--replications")
    cs = _compile(scenario, overrides)
    seed = int(cs.seed if root_seed is None else root_seed)
    out = Path(out_dir)
    manifest: dict[str, Any] = {"scenario": getattr(cs, "name", ""), "scenario_sha256": getattr(cs, "scenario_hash", ""),
                "root_seed": seed, "n_replications": int(n_replications), "amdsim_version": __version__,
                "overrides": dict(overrides or {}), "completed": [], "failed": []}
    _prepare(out, manifest, resume)
    done = [k for k in completed_replications(out) if k < n_replications]
    todo = [k for k in range(n_replications) if k not in set(done)]
    failed = sorted(k for k in done if not _summary_complete(rep_dir(out, k)))
    t0 = time.perf_counter()
    walls: list[float] = []
    peak = 0

    def on_result(res: dict) -> None:
        nonlocal peak
        done.append(res["k"])
        if not res["complete"]:
            failed.append(res["k"])
        walls.append(res["wall_s"])
        peak = max(peak, res["rss_bytes"])

    if todo:
        bar = BatchBar(n_replications, len(done), progress)

        def on_result_shown(res: dict) -> None:
            on_result(res)
            bar.advance()

        with bar:
            if cluster:
                _run_dask(cs, todo, out, seed, cluster, on_result_shown)
            else:
                _run_local(cs, todo, out, seed, workers, on_result_shown)
    manifest["completed"] = sorted(done)
    manifest["failed"] = sorted(set(failed))
    _write_manifest(out, manifest)
    return BatchResult(out, n_replications, sorted(done), sorted(set(failed)), n_replications - len(todo),
                       time.perf_counter() - t0, peak, walls)


# ----------------------------------------------------------------------------------------------
# worker side


def replicate(cs, k: int, out_dir: str, root_seed: int) -> dict:
    """Simulate replication ``k`` into ``out_dir/rep_XXXXX`` atomically; returns a few numbers only."""
    final = rep_dir(Path(out_dir), k)
    tmp = Path(out_dir) / f".tmp_{final.name}.{uuid.uuid4().hex[:12]}"
    t0 = time.perf_counter()
    complete = True
    try:
        run_replication(cs, k, tmp, root_seed=root_seed)
    except SimulationError:
        complete = False   # the partial folder says complete: false and why; it is kept as the result
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if final.exists():     # a duplicate attempt (e.g. a Dask retry) finished first: same bytes, drop ours
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        os.replace(tmp, final)
    return {"k": k, "complete": complete, "wall_s": time.perf_counter() - t0, "rss_bytes": _peak_rss()}


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
    if (out / MANIFEST).is_file():
        check_resumable(out / MANIFEST, manifest, ("scenario_sha256", "root_seed", "overrides"), resume, "batch")
    elif any(out.glob("rep_*")) and not resume:
        raise InputError(f"{out} already holds replications; add --resume or choose another --out", file="--out")
    for tmp in out.glob(".tmp_rep_*"):       # left by a killed batch: never complete, start again
        shutil.rmtree(tmp, ignore_errors=True)
    manifest["completed"] = completed_replications(out)
    _write_manifest(out, manifest)


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


def _summary_complete(folder: Path) -> bool:
    try:
        return bool(json.loads((folder / "summary.json").read_text())["run"]["complete"])
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _run_local(cs, todo: list[int], out: Path, seed: int, workers: int | None, on_result) -> None:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    n = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_init_worker, initargs=(cs,))
    try:
        _drain(pool, todo, out, seed, n, on_result)
    except BaseException:          # Ctrl-C or a worker's error: drop queued replications, do not wait for them
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _drain(pool, todo: list[int], out: Path, seed: int, n: int, on_result) -> None:
    """Submit replications keeping at most two per worker in flight (bounded parent memory)."""
    from concurrent.futures import FIRST_COMPLETED, wait

    pending = set()
    queue = iter(todo)
    for k in queue:             # keep at most 2 tasks per worker in flight: bounded parent memory
        pending.add(pool.submit(_replicate_cached, k, str(out), seed))
        if len(pending) >= 2 * n:
            break
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for f in finished:
            on_result(f.result())
            k_next = next(queue, None)
            if k_next is not None:
                pending.add(pool.submit(_replicate_cached, k_next, str(out), seed))


def _run_dask(cs, todo: list[int], out: Path, seed: int, cluster: str, on_result) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InputError("--cluster needs dask.distributed, which is not installed", file="--cluster") from None
    try:
        client = Client(cluster, timeout=f"{CONNECT_TIMEOUT_S}s")
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot connect to the Dask scheduler at {cluster}: {exc}", file="--cluster") from None
    try:
        cs_future = client.scatter(cs, broadcast=True)
        futures = [client.submit(replicate, cs_future, k, str(out.resolve()), seed, pure=False,
                                 key=f"amdsim-rep-{k}-{uuid.uuid4().hex[:8]}") for k in todo]
        for fut in as_completed(futures):
            on_result(fut.result())
            fut.release()
    finally:
        client.close()




__all__ = ["BatchResult", "completed_replications", "rep_dir", "replicate", "run_batch"]
