"""What would have saved each leaker: counterfactual reruns under common random numbers (``amdsim explain``).

A run or batch folder records its scenario as run (``scenario.yaml``, ``records/writer.py``), its
root seed and its replications. ``explain`` reruns the same replications — replication k of every
variant draws from the same seed (``core/rng.py``), so each variant differs from the run only by
the change — with one idealisation at a time:

========================  =========================================================================
factor                    change (dotted overrides of the scenario as run)
========================  =========================================================================
perfect_picture           ``tracking.model: perfect``: exact tracks on every threat a sensor detects
no_link_latency           ``link.latency_s: 0`` and every ``links[].latency_s: 0``
unlimited_interceptors    every magazine at its schema maximum: ``batteries[].interceptors_per_launcher``
                          and ``platforms[].batteries[].interceptors_per_launcher`` (64),
                          ``fighters[].missiles`` (16)
no_reaction_time          every ``interceptor_types[].reaction_time_s: 0``
coordination_on           ``c2.coordination: true``
``PATH=V``                any ``--set`` change (one factor per value)
========================  =========================================================================

and writes ``explain.json`` into the folder::

    {"folder", "kind": "run" | "batch", "scenario", "scenario_sha256", "root_seed", "replications",
     "level": 0.95,
     "leakers": [{"replication", "threat", "asset", "cause", "saved_by": [factor, ...]}],
     "factors": {name: {"overrides", "description", "prevented": [per replication], "prevented_mean",
                        "ci95": [lo, hi], "n", "baseline_leakers_mean", "leakers_mean", "saved",
                        "new_leakers", "note"}},
     "failures": [{"factor", "replication", "error"}]}

``prevented`` in replication k is the run's leakers minus the variant's; ``ci95`` is the Student-t
interval of these paired differences (``results/intervals.py``; null with fewer than two
replications). A leaker is *saved by* a factor when it does not hit an asset in the variant's rerun of
its replication. A factor that leaves the scenario unchanged (coordination already on, ...) is not
rerun: it prevents nothing (``note`` says so). A rerun that fails is listed in ``failures`` and its
replication left out of that factor's statistics. The reruns write no tables; ``explain.json``
holds no timings, so its bytes do not depend on the workers.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

from amdsim.core.errors import InputError, Problem, SimulationError
from amdsim.engine.run import simulate
from amdsim.montecarlo.batch import MANIFEST, dask_client, rep_dir, replication_outcomes
from amdsim.montecarlo.progress import BatchBar
from amdsim.records.leak import leakers
from amdsim.records.writer import SCENARIO_COPY, folder_lock, write_json_atomic
from amdsim.scenario.compile import compile_scenario
from amdsim.scenario.load import read_scenario_dict, scenario_from_dict, scenario_hash
from amdsim.scenario.models import Battery, Fighters
from amdsim.scenario.overrides import (
    UNSET,
    apply_overrides,
    parse_set_options,
    parse_unset_options,
    yaml_scalar,
)

EXPLAIN = "explain.json"
LEVEL = 0.95

#: The built-in idealisations, in the order they are run and reported.
FACTORS = {
    "perfect_picture": "exact tracks on every threat a sensor detects (tracking.model: perfect)",
    "no_link_latency": "no data-link latency between forces (link and links latency_s: 0)",
    "unlimited_interceptors": "every battery and fighter magazine at its schema maximum",
    "no_reaction_time": "every interceptor type launches at once when ordered (reaction_time_s: 0)",
    "coordination_on": "engagement coordination between nations on (c2.coordination: true)",
}

# Per-process cache of the variants' compiled scenarios (set by the pool initializer).
_WORKER_VARIANTS: dict | None = None


def _upper_bound(model, name: str) -> int:
    """The ``le`` bound the schema declares for ``model.name`` (declared once, in scenario/models.py)."""
    for meta in model.model_fields[name].metadata:
        le = getattr(meta, "le", None)
        if le is not None:
            return int(le)
    raise ValueError(f"{model.__name__}.{name} declares no upper bound")


def factor_overrides(name: str, raw: dict) -> dict[str, Any]:
    """The dotted overrides of built-in factor ``name`` for the scenario dict ``raw`` (explicit list
    indices, so that a list the scenario does not have is left alone)."""
    if name == "perfect_picture":
        return {"tracking.model": "perfect"}
    if name == "coordination_on":
        return {"c2.coordination": True}
    if name == "no_link_latency":
        out: dict[str, Any] = {"link.latency_s": 0.0}
        out.update({f"links.{i}.latency_s": 0.0 for i in range(len(raw.get("links") or []))})
        return out
    if name == "no_reaction_time":
        return {f"interceptor_types.{i}.reaction_time_s": 0.0 for i in range(len(raw.get("interceptor_types") or []))}
    if name == "unlimited_interceptors":
        per_launcher = _upper_bound(Battery, "interceptors_per_launcher")
        out = {f"batteries.{i}.interceptors_per_launcher": per_launcher for i in range(len(raw.get("batteries") or []))}
        for p, plat in enumerate(raw.get("platforms") or []):
            n = len(plat.get("batteries") or []) if isinstance(plat, dict) else 0
            out.update({f"platforms.{p}.batteries.{i}.interceptors_per_launcher": per_launcher for i in range(n)})
        out.update({f"fighters.{i}.missiles": _upper_bound(Fighters, "missiles")
                    for i in range(len(raw.get("fighters") or []))})
        return out
    raise InputError(Problem("--factor", name, f"unknown factor: expected one of {', '.join(FACTORS)}"))


# ----------------------------------------------------------------------------------------------
# what a folder recorded


def recorded_scenario(folder: Path) -> tuple[dict, Path, Path]:
    """``(raw scenario dict, base folder for its relative paths, the copy's path)`` of a run or batch
    folder, from its ``scenario.yaml`` (a batch's own, else its first replication's)."""
    folder = Path(folder)
    candidates = [folder / SCENARIO_COPY, *sorted(folder.glob(f"rep_*/{SCENARIO_COPY}"))]
    copy = next((c for c in candidates if c.is_file()), None)
    if copy is None:
        raise InputError(f"{folder} has no {SCENARIO_COPY}: it was written by an amdsim that did not record the "
                         "scenario; run it again to explain it", file=str(folder))
    raw = read_scenario_dict(copy)
    base = copy.parent
    for line in copy.read_text(encoding="utf-8").splitlines()[:3]:
        if line.startswith("# source: "):
            try:
                src = Path(json.loads(line[len("# source: "):]))
            except ValueError:
                break
            if src.parent.is_dir():
                base = src.parent
    return raw, base, copy


def _read_json(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path}: {exc}", file=str(path)) from None
    if not isinstance(doc, dict):
        raise InputError(f"{path} is not a JSON object", file=str(path))
    return doc


def baseline(folder: Path) -> dict[str, Any]:
    """What the folder holds: kind, scenario hash, root seed and per replication its leakers
    ``{k: [{"threat", "asset", "cause"}]}`` (complete replications only)."""
    folder = Path(folder)
    if (folder / "summary.json").is_file():
        s = _read_json(folder / "summary.json")
        run = s.get("run", {})
        if run.get("complete") is not True:
            raise InputError(f"{folder} is an incomplete run (summary.json complete: false): nothing to explain",
                             file=str(folder))
        k = int(run.get("replication", 0))
        return {"kind": "run", "scenario": run.get("scenario", ""), "sha256": run.get("scenario_sha256", ""),
                "root_seed": int(run["seed"]), "leakers": {k: _leakers_of(s)}}
    if (folder / MANIFEST).is_file():
        man = _read_json(folder / MANIFEST)
        ok, _ = replication_outcomes(folder)
        if not ok:
            raise InputError(f"{folder} holds no complete replication: nothing to explain", file=str(folder))
        return {"kind": "batch", "scenario": man.get("scenario", ""), "sha256": man.get("scenario_sha256", ""),
                "root_seed": int(man["root_seed"]),
                "leakers": {k: _leakers_of(_read_json(rep_dir(folder, k) / "summary.json")) for k in ok}}
    if (folder / "sweep.json").is_file():
        raise InputError(f"{folder} is a sweep: explain one of its variant_XX batch folders", file=str(folder))
    raise InputError(f"{folder} is neither a run folder (summary.json) nor a batch folder (manifest.json)",
                     file=str(folder))


def _leakers_of(summary: dict) -> list[dict]:
    return [{"threat": t["name"], "asset": t.get("impact_asset"), "cause": t.get("leak_cause")}
            for t in summary.get("threats", []) if t.get("fate") == "leaked"]


# ----------------------------------------------------------------------------------------------
# the variants


def variants(raw: dict, factors: Iterable[str] | None, sets: list[str] | None,
             unsets: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """{factor name: overrides}: the built-in ``factors`` (default: all of them, unless only ``sets``
    or ``unsets`` are given), then one factor ``PATH=V`` per value of each ``--set PATH=V1,V2``
    option, then one factor ``PATH removed`` per ``--unset PATH``."""
    names = list(factors) if factors else ([] if sets or unsets else list(FACTORS))
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        out[name] = factor_overrides(name, raw)
    for path, values in parse_set_options(list(sets or [])):
        for v in values:
            out[f"{path}={yaml_scalar(v)}"] = {path: v}
    for path in parse_unset_options(list(unsets or [])):
        out[f"{path} removed"] = {UNSET + path: None}
    if not out:
        raise InputError(Problem("--factor", "", "no factor to explain with"))
    return out


def compile_variants(raw: dict, base: Path, copy: Path, overrides: dict[str, dict]) -> dict[str, Any]:
    """{factor: compiled scenario, or None when the overrides leave the scenario unchanged}; every
    variant is validated before anything runs (a bad ``--set`` names its factor)."""
    out: dict[str, Any] = {}
    as_run = scenario_from_dict(raw, file=str(copy)).model_dump()
    for name, ov in overrides.items():
        new = apply_overrides(raw, ov, file=str(copy))
        try:
            sc = scenario_from_dict(new, file=str(copy))
        except InputError as exc:
            raise InputError([Problem(f"factor {name}", p.path, p.message) for p in exc.problems]) from None
        # the same validated scenario (e.g. a default made explicit) is the same run: not rerun
        out[name] = None if sc.model_dump() == as_run else compile_scenario(sc, base_dir=base,
                                                                             scenario_hash=scenario_hash(new))
    return out


def rerun(cs, k: int, root_seed: int) -> dict:
    """Replication ``k`` of a variant, simulated to the end (no tables): its leakers' names, or the error."""
    try:
        r = simulate(cs, k, root_seed, record_detections=False)
    except SimulationError as exc:
        return {"k": k, "error": exc.user_message(), "leakers": None}
    return {"k": k, "error": None, "leakers": sorted(cs.movers.name[n] for n in leakers(r).tolist())}


def _init_worker(variants_cs: dict) -> None:
    global _WORKER_VARIANTS
    _WORKER_VARIANTS = variants_cs


def _rerun_cached(name: str, k: int, root_seed: int) -> dict:
    assert _WORKER_VARIANTS is not None, "the pool initializer sets the variants"
    return {**rerun(_WORKER_VARIANTS[name], k, root_seed), "factor": name}


def _rerun_named(variants_cs: dict, name: str, k: int, root_seed: int) -> dict:
    return {**rerun(variants_cs[name], k, root_seed), "factor": name}


# ----------------------------------------------------------------------------------------------
# the command


def explain(folder, factors: Iterable[str] | None = None, sets: list[str] | None = None,
            unsets: list[str] | None = None, *,
            workers: int | None = None, cluster: str | None = None, progress: bool = True,
            executor: Executor | None = None) -> dict[str, Any]:
    """Rerun the replications of the run or batch ``folder`` once per factor; write and return explain.json.

    Parameters
    ----------
    folder : path
        A run folder or a batch folder written by ``amdsim run`` (with its ``scenario.yaml``).
    factors : names, optional
        Built-in factors (:data:`FACTORS`); default all of them, unless only ``sets``/``unsets`` are given.
    sets : list of str, optional
        ``PATH=V[,V...]`` changes, one factor per value (as ``amdsim sweep --set``).
    unsets : list of str, optional
        ``PATH`` removals (as ``amdsim run --unset``), one factor each (``"aew[id=aew_avalon] removed"``).
    workers, cluster, executor
        Local worker processes (default: all cores), an existing Dask scheduler's address, or an
        executor of the caller's (as :func:`amdsim.montecarlo.batch.run_batch`).
    progress : bool
        A progress bar of the reruns on stderr.
    """
    folder = Path(folder)
    base = baseline(folder)
    raw, base_dir, copy = recorded_scenario(folder)
    if base["sha256"] and scenario_hash(raw) != base["sha256"]:
        raise InputError(f"{copy} does not hash to the scenario_sha256 the folder's results record: it is not the "
                         "scenario they were run from", file=str(copy))
    overrides = variants(raw, factors, sets, unsets)
    compiled = compile_variants(raw, base_dir, copy, overrides)
    reps = sorted(base["leakers"])
    seed = int(base["root_seed"])
    todo = [(name, k) for name, cs in compiled.items() if cs is not None for k in reps]
    results: dict[tuple[str, int], dict] = {}
    if todo:
        bar = BatchBar(len(todo), 0, progress)
        runnable = {n: cs for n, cs in compiled.items() if cs is not None}

        def done(res: dict) -> None:
            results[(res["factor"], res["k"])] = res
            bar.advance()

        with bar:
            if executor is not None:
                _run_on(executor, runnable, todo, seed, done)
            elif cluster:
                _run_dask(runnable, todo, seed, cluster, done)
            else:
                _run_local(runnable, todo, seed, workers, done)
    doc = _document(folder, base, raw, overrides, compiled, reps, results)
    with folder_lock(folder):        # not while a run rewrites the folder (records/writer.py)
        write_json_atomic(doc, folder / EXPLAIN)
    return doc


def _document(folder: Path, base: dict, raw: dict, overrides: dict, compiled: dict, reps: list[int],
              results: dict) -> dict[str, Any]:
    """explain.json from the baseline and the reruns (deterministic: sorted, no timings)."""
    factors: dict[str, Any] = {}
    failures = []
    saved_by: dict[tuple[int, str], list[str]] = {}
    for name, ov in overrides.items():
        diffs, var_counts, base_counts = [], [], []
        per_rep: list[int | None] = []
        saved = new = 0
        for k in reps:
            before = {d["threat"] for d in base["leakers"][k]}
            if compiled[name] is None:
                after = before
            else:
                res = results[(name, k)]
                if res["error"] is not None:
                    failures.append({"factor": name, "replication": k, "error": res["error"]})
                    per_rep.append(None)
                    continue
                after = set(res["leakers"])
            for threat in sorted(before - after):
                saved_by.setdefault((k, threat), []).append(name)
            saved += len(before - after)
            new += len(after - before)
            diffs.append(len(before) - len(after))
            per_rep.append(diffs[-1])
            var_counts.append(len(after))
            base_counts.append(len(before))
        st = t_interval(diffs, LEVEL)
        factors[name] = {
            "overrides": ov, "description": FACTORS.get(name, "user change (--set)"),
            "prevented": per_rep, "prevented_mean": _num(st["mean"]), "ci95": [_num(st["lo"]), _num(st["hi"])],
            "n": int(st["n"]),
            "baseline_leakers_mean": _num(sum(base_counts) / len(base_counts)) if base_counts else None,
            "leakers_mean": _num(sum(var_counts) / len(var_counts)) if var_counts else None,
            "saved": saved, "new_leakers": new,
            "note": "the scenario already has this setting: not rerun" if compiled[name] is None else "",
        }
    leakers_out = [{"replication": k, "threat": d["threat"], "asset": d["asset"], "cause": d["cause"],
                    "saved_by": saved_by.get((k, d["threat"]), [])}
                   for k in reps for d in base["leakers"][k]]
    return {"folder": str(folder), "kind": base["kind"], "scenario": base["scenario"] or raw.get("name", ""),
            "scenario_sha256": base["sha256"], "root_seed": base["root_seed"], "replications": reps,
            "level": LEVEL, "leakers": leakers_out, "factors": factors, "failures": failures}


def t_interval(values: list[int], level: float = LEVEL) -> dict[str, float]:
    """Mean and Student-t interval of the paired differences ``values``: mean -+ t_{(1+level)/2, n-1}
    s / sqrt(n) (e.g. Montgomery, *Design and Analysis of Experiments*, 8th ed., sec. 2.5.1, the
    paired comparison). NaN bounds with fewer than two values. (``results/intervals.py`` has the
    same for the results layer, which montecarlo may not import: tests check that both agree.)"""
    import math

    from scipy import stats

    n = len(values)
    mean = sum(values) / n if n else math.nan
    if n < 2:
        return {"mean": mean, "lo": math.nan, "hi": math.nan, "n": n}
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return {"mean": mean, "lo": mean - half, "hi": mean + half, "n": n}


def _num(x: float) -> float | None:
    return None if x != x or x in (float("inf"), float("-inf")) else round(float(x), 6)


def _run_local(runnable: dict, todo: list[tuple[str, int]], seed: int, workers: int | None,
               on_result: Callable[[dict], None]) -> None:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    n = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_init_worker, initargs=(runnable,))
    try:
        _drain(lambda task: pool.submit(_rerun_cached, task[0], task[1], seed), todo, n, on_result)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _run_on(executor: Executor, runnable: dict, todo: list[tuple[str, int]], seed: int,
            on_result: Callable[[dict], None]) -> None:
    n = max(1, int(getattr(executor, "_max_workers", 1) or 1))
    _drain(lambda task: executor.submit(_rerun_named, runnable, task[0], task[1], seed), todo, n, on_result)


def _drain(submit: Callable[[tuple[str, int]], Future], todo: list[tuple[str, int]], n: int,
           on_result: Callable[[dict], None]) -> None:
    """At most two tasks per worker in flight; results in completion order (the document sorts them)."""
    from concurrent.futures import FIRST_COMPLETED, wait

    queue = iter(todo)
    pending = {submit(task) for _, task in zip(range(2 * n), queue, strict=False)}
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for fut in finished:
            on_result(fut.result())
            task = next(queue, None)
            if task is not None:
                pending.add(submit(task))


def _run_dask(runnable: dict, todo: list[tuple[str, int]], seed: int, cluster: str,
              on_result: Callable[[dict], None]) -> None:
    client = dask_client(cluster)
    from distributed import as_completed

    try:
        shared = client.scatter(runnable, broadcast=True)
        tag = uuid.uuid4().hex[:8]
        futures = [client.submit(_rerun_named, shared, name, k, seed, pure=False,
                                 key=f"amdsim-explain-{i}-{tag}") for i, (name, k) in enumerate(todo)]
        for fut in as_completed(futures):
            on_result(fut.result())
            fut.release()
    finally:
        client.close()


__all__ = ["EXPLAIN", "FACTORS", "baseline", "explain", "factor_overrides", "recorded_scenario", "rerun", "variants"]
