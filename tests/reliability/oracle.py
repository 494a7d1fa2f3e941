"""What a fuzzed scenario may end in: a compiled scenario, or an InputError whose every problem
names the file, a field path (or YAML location) and what was expected. Nothing else."""

from __future__ import annotations

import math
import re

from amdsim.core.errors import InputError

#: A problem's message must say what was expected; these words are how the loader says it.
EXPECTATION = re.compile(
    r"expect|should|must|required|unknown|limit|refused|not valid|at least|at most|exactly|already used|"
    r"belong|exceed|duplicate|not UTF-8|is empty|too deeply|coincide|cannot|greater|less|valid|allowed|"
    r"permitted|match|finite|zero|one of", re.IGNORECASE)
#: Problems that concern the whole file carry no field path; their message locates the fault instead.
FILE_LEVEL = re.compile(r"line \d+|byte \d+|top level|file is|NUL|nested too deeply|expands to|not UTF-8|"
                        r"file not found|cannot read", re.IGNORECASE)


def problem_defects(exc: InputError, file: str) -> list[str]:
    """Every way the problems of ``exc`` fall short of the contract (empty list: all good)."""
    out = []
    if not exc.problems:
        out.append("InputError without problems")
    for p in exc.problems:
        if p.file != file:
            out.append(f"{p}: names file {p.file!r}, expected {file!r}")
        if not p.path and not FILE_LEVEL.search(p.message):
            out.append(f"{p}: neither a field path nor a location in the file")
        if not EXPECTATION.search(p.message):
            out.append(f"{p}: does not say what was expected")
    return out


def load_text(text: bytes, file: str):
    """The in-process path of ``amdsim validate``: parse, validate, compile."""
    from amdsim.scenario.load import parse_scenario_text

    return load_dict(parse_scenario_text(text, file=file), file)


def load_dict(raw: dict, file: str):
    from amdsim.scenario.compile import compile_scenario
    from amdsim.scenario.load import scenario_from_dict, scenario_hash

    sc = scenario_from_dict(raw, file=file)
    return compile_scenario(sc, base_dir=None, scenario_hash=scenario_hash(raw), file=file)


def short_run(raw: dict, file: str, out_dir=None):
    """Run a valid scenario for a few steps (into ``out_dir`` if given); returns the summary or
    raises SimulationError."""
    from amdsim.engine.run import run_replication

    step = raw.get("step_s", 1.0)
    raw = dict(raw, duration_s=min(20.0, 20 * step) if isinstance(step, int | float) and math.isfinite(step) else 20.0)
    cs = load_dict(raw, file)
    return run_replication(cs, 0, out_dir)
