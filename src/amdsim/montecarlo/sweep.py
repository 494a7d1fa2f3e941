"""Sweeps: the variants of a variants file and/or the cross product of ``--set PATH=V1,V2`` options,
one batch per variant, common random numbers.

Layout::

    sweep.json           {"scenario", "root_seed", "n_replications", "baseline": name of the first variant,
                          "variants": [{"name", "folder": "variant_XX", "overrides"}]}
    variant_00/          a batch folder (manifest.json with its overrides, rep_XXXXX/ ...): the baseline
    variant_01/ ...

A variant's ``name`` is the variants file's, else built from its settings
(:func:`amdsim.scenario.overrides.describe`: ``"aew[id=aew_avalon] removed, link.latency_s=5"``);
``amdsim stats``, ``amdsim query`` (the ``variant`` column) and ``amdsim report`` show it.
"""

from __future__ import annotations

import json
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from amdsim.core.errors import InputError, Problem
from amdsim.montecarlo.batch import check_resumable, run_batch
from amdsim.montecarlo.progress import console
from amdsim.records.writer import BATCH_OUTPUTS, folder_lock, write_json_atomic
from amdsim.scenario import load_compiled
from amdsim.scenario.overrides import (
    UNSET,
    describe,
    parse_set_options,
    sweep_variants,
    unique_names,
)

SWEEP = "sweep.json"


def variant_folder(i: int) -> str:
    """The folder of the ``i``-th variant in a sweep folder."""
    return f"variant_{i:02d}"


def plan_variants(sets: list[tuple[str, list]] | None = None,
                  variants: list[tuple[str, dict[str, Any]]] | None = None) -> list[tuple[str, dict[str, Any]]]:
    """``[(name, overrides)]`` of a sweep: each variant of a variants file (default: one baseline)
    crossed with the cross product of the ``--set`` options; names unique, the first is the baseline."""
    base = variants or [("", {})]
    out = []
    for (name, ov), extra in ((b, e) for b in base for e in sweep_variants(list(sets or []))):
        both = {**ov, **extra}
        label = ", ".join(x for x in (name, describe(extra) if extra else "") if x) or describe(both)
        out.append((label, both))
    return list(zip(unique_names([n for n, _ in out]), [ov for _, ov in out], strict=True))


def run_sweep(scenario: Path, sets: list[tuple[str, list]] | None, n_replications: int, out_dir, *,
              variants: list[tuple[str, dict[str, Any]]] | None = None, variants_file: str | None = None,
              workers: int | None = None, cluster: str | None = None, resume: bool = False,
              root_seed: int | None = None, progress: bool = True, retry_failed: bool = False,
              executor: Executor | None = None) -> dict:
    """Run one batch per variant into ``out_dir/variant_XX`` with the same root seed; returns sweep.json's
    dict plus ``failures``: {variant_XX: {replication: error}} of the replications that failed (every
    variant runs to the end whatever fails; see :func:`amdsim.montecarlo.batch.run_batch`).

    The variants are :func:`plan_variants` of ``sets`` (parsed ``--set`` options) and ``variants``
    (a variants file's, :func:`amdsim.scenario.overrides.read_variants_file`; ``variants_file`` names
    that file in errors). Every variant is
    validated, and every problem of every variant reported, before the first replication runs.
    ``retry_failed`` resumes and runs each variant's failed replications again; ``executor`` as for
    :func:`~amdsim.montecarlo.batch.run_batch`.
    """

    out = Path(out_dir)
    plan = plan_variants(sets, variants)
    compiled: list = []
    problems: list[Problem] = []
    from_file = {k for _, ov in (variants or []) for k in ov}
    per_file_variant = len(sweep_variants(list(sets or [])))
    for i, (name, ov) in enumerate(plan):
        try:
            compiled.append(load_compiled(scenario, overrides=ov))
        except InputError as exc:
            named = variants[i // per_file_variant][0] if variants else name
            problems += [_in_variant(p, named, variants_file, from_file) for p in exc.problems]
    if problems:
        raise InputError(list({str(p): p for p in problems}.values()))      # each problem once
    seed = int(compiled[0].seed if root_seed is None else root_seed)
    doc = {"scenario": str(scenario), "root_seed": seed, "n_replications": int(n_replications),
           "baseline": plan[0][0],
           "variants": [{"name": name, "folder": variant_folder(i), "overrides": ov}
                        for i, (name, ov) in enumerate(plan)]}
    resume = resume or retry_failed
    with folder_lock(out, "sweep folder"):      # one writer of the sweep (records/writer.py)
        if (out / SWEEP).is_file():
            # the variants' changes must match; their names may differ (an older amdsim named them variant_XX)
            changes = [ov for _, ov in plan]
            check_resumable(out / SWEEP, doc, ("scenario", "root_seed", "n_replications"), resume, "sweep")
            old = _read_variant_changes(out / SWEEP)
            if old != changes:
                raise InputError(f"cannot resume {out}: its variants is {old!r}, this sweep has {changes!r}",
                                 file="--resume")
        for stale in BATCH_OUTPUTS:     # derived from the whole sweep: stale once it runs again
            (out / stale).unlink(missing_ok=True)
        write_json_atomic(doc, out / SWEEP)
        failures: dict[str, dict[int, str]] = {}
        for i, (name, ov) in enumerate(plan):
            if progress:
                console.print(f"{variant_folder(i)}: {name}", markup=False)
            res = run_batch(scenario, n_replications, out / variant_folder(i), workers=workers, cluster=cluster,
                            resume=resume, root_seed=seed, progress=progress, overrides=ov,
                            retry_failed=retry_failed, executor=executor)
            if res.failures:
                failures[variant_folder(i)] = res.failures
    return {**doc, "failures": failures}


def _read_variant_changes(path: Path) -> list | None:
    try:
        return [v.get("overrides") for v in json.loads(path.read_text()).get("variants", [])]
    except (OSError, ValueError, AttributeError, TypeError):
        return None


def _in_variant(p: Problem, name: str, variants_file: str | None, from_file: set[str]) -> Problem:
    """A problem of a variant's changes, said of the variants file when the change came from it."""
    key = {"--set": p.path, "--unset": UNSET + p.path}.get(p.file)
    if key is not None and key in from_file:
        return Problem(f"{variants_file or 'variants file'}: variant {name!r}", f"{p.file[2:]} {p.path}", p.message)
    return p


__all__ = ["SWEEP", "parse_set_options", "plan_variants", "run_sweep", "sweep_variants", "variant_folder"]
