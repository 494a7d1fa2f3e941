"""Sweeps: the cross product of ``--set PATH=V1,V2`` options, one batch per variant, common random numbers.

Layout::

    sweep.json           variants (name, overrides), replications, root seed; variant_00 is the baseline
    variant_00/          a batch folder (manifest.json with its overrides, rep_XXXXX/ ...)
    variant_01/ ...
"""

from __future__ import annotations

import itertools
from concurrent.futures import Executor
from pathlib import Path

from amdsim.core.errors import InputError, Problem
from amdsim.montecarlo.batch import check_resumable, run_batch
from amdsim.montecarlo.progress import console
from amdsim.records.writer import BATCH_OUTPUTS, folder_lock, write_json_atomic
from amdsim.scenario import load_compiled
from amdsim.scenario.load import parse_yaml_scalar

SWEEP = "sweep.json"


def parse_set_options(options: list[str]) -> list[tuple[str, list]]:
    """Parse ``PATH=V1,V2,...`` options into ``[(path, [values...])]``; values are YAML scalars."""
    out: list[tuple[str, list]] = []
    for opt in options:
        path, eq, values = opt.partition("=")
        path = path.strip()
        if not eq or not path or not values.strip():
            raise InputError(Problem("--set", opt, "expected PATH=VALUE[,VALUE...], e.g. fighters.count=0,2,4"))
        if any(not part for part in path.split(".")):
            raise InputError(Problem("--set", opt, "empty part in the dotted path"))
        parsed = []
        for text in values.split(","):
            parsed.append(parse_yaml_scalar(text.strip(), path))   # numeric-literal guard (core/literal.py)
        out.append((path, parsed))
    return out


def sweep_variants(sets: list[tuple[str, list]]) -> list[dict]:
    """Cross product of the set options, first option varying slowest: a list of override dicts."""
    if not sets:
        return [{}]
    paths = [p for p, _ in sets]
    return [dict(zip(paths, combo, strict=False)) for combo in itertools.product(*(v for _, v in sets))]


def run_sweep(scenario: Path, sets: list[tuple[str, list]], n_replications: int, out_dir, *,
              workers: int | None = None, cluster: str | None = None, resume: bool = False,
              root_seed: int | None = None, progress: bool = True, retry_failed: bool = False,
              executor: Executor | None = None) -> dict:
    """Run one batch per variant into ``out_dir/variant_XX`` with the same root seed; returns sweep.json's dict
    plus ``failures``: {variant_XX: {replication: error}} of the replications that failed (every variant
    runs to the end whatever fails; see :func:`amdsim.montecarlo.batch.run_batch`).

    Every variant is validated (and so every bad ``--set`` reported) before the first replication runs.
    ``retry_failed`` resumes and runs each variant's failed replications again; ``executor`` as for
    :func:`~amdsim.montecarlo.batch.run_batch`.
    """

    out = Path(out_dir)
    variants = sweep_variants(sets)
    compiled = []
    for ov in variants:
        try:
            compiled.append(load_compiled(scenario, overrides=ov))
        except InputError as exc:
            raise InputError([Problem("--set", f"{_describe(ov)}", str(p)) for p in exc.problems]) from None
    seed = int(compiled[0].seed if root_seed is None else root_seed)
    doc = {"scenario": str(scenario), "root_seed": seed, "n_replications": int(n_replications),
           "baseline": "variant_00",
           "variants": [{"name": f"variant_{i:02d}", "overrides": ov} for i, ov in enumerate(variants)]}
    resume = resume or retry_failed
    with folder_lock(out, "sweep folder"):      # one writer of the sweep (records/writer.py)
        if (out / SWEEP).is_file():
            check_resumable(out / SWEEP, doc, ("scenario", "root_seed", "variants", "n_replications"), resume,
                            "sweep")
        for name in BATCH_OUTPUTS:      # derived from the whole sweep: stale once it runs again
            (out / name).unlink(missing_ok=True)
        write_json_atomic(doc, out / SWEEP)
        failures: dict[str, dict[int, str]] = {}
        for i, ov in enumerate(variants):
            if progress:
                console.print(f"variant_{i:02d}: {_describe(ov) or 'baseline'}")
            res = run_batch(scenario, n_replications, out / f"variant_{i:02d}", workers=workers, cluster=cluster,
                            resume=resume, root_seed=seed, progress=progress, overrides=ov,
                            retry_failed=retry_failed, executor=executor)
            if res.failures:
                failures[f"variant_{i:02d}"] = res.failures
    return {**doc, "failures": failures}


def _describe(ov: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in ov.items())


__all__ = ["parse_set_options", "run_sweep", "sweep_variants"]
