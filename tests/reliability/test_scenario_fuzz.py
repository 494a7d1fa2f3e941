"""Scenario fuzzing (issue 8): every mutated scenario ends in a valid scenario or an InputError whose
every problem names the file, a field path (or the YAML location) and what was expected.

Never another exception, never a traceback, never a hang, never unbounded memory. Valid mutations
also run for a few steps: they finish, or stop on a SimulationError naming the mover and time.

Cases (about 2,700 in all): 1,500 structured mutations in process, 300 textual mutations in process,
an exhaustive sweep of extreme numbers over every numeric field of both base scenarios, and 300
mutated files plus the hostile documents through the real CLI in subprocesses (time and memory bounded).
``pytest tests/reliability --hypothesis-show-statistics`` lists the cases by kind.
"""

from __future__ import annotations

import contextlib
import math
import resource
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from amdsim.core.errors import InputError, SimulationError
from tests.reliability import mutate as mut
from tests.reliability.oracle import load_dict, load_text, problem_defects, short_run

FILE = "fuzzed.yaml"
#: Wall-clock bound of one in-process case (s): a hang becomes a failure, not a stuck suite.
CASE_TIMEOUT_S = 20
#: Address-space and wall-clock bounds of one CLI subprocess.
CLI_MEMORY_BYTES = 2 << 30
CLI_TIMEOUT_S = 120
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                      HealthCheck.filter_too_much])


@contextlib.contextmanager
def time_bound(seconds: int):
    """Raise TimeoutError in the main thread if the block runs longer than ``seconds``."""

    def on_alarm(signum, frame):
        raise TimeoutError(f"case took longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def assert_clean_outcome(load, raw_for_run: dict | None) -> str:
    """Run ``load()``; it must return a compiled scenario or raise a well-formed InputError.

    A valid scenario whose dict is given is also run for a few steps. Returns the outcome's name.
    """
    with time_bound(CASE_TIMEOUT_S):
        try:
            cs = load()
        except InputError as exc:
            defects = problem_defects(exc, FILE)
            assert not defects, "\n".join(defects)
            return "input_error"
        # a scenario that validates compiles into consistent tables: finite start states, references in range
        assert cs.n_steps >= 1
        assert np.isfinite(cs.movers.pos0).all() and np.isfinite(cs.movers.vel0).all()
        assert ((cs.sensors.host >= 0) & (cs.sensors.host < cs.movers.n)).all()
        assert ((cs.shooters.host >= 0) & (cs.shooters.host < cs.movers.n)).all()
        assert ((cs.shooters.itype >= 0) & (cs.shooters.itype < len(cs.itypes.name))).all()
        if raw_for_run is None:
            return "valid"
        try:
            summary = short_run(raw_for_run, FILE)
        except SimulationError as exc:
            assert exc.mover and math.isfinite(exc.time_s), exc.user_message()
            assert_partial_folder(raw_for_run)
            return "simulation_error"
        except InputError as exc:  # a file the scenario names (the DEM) is read when the run starts
            assert exc.problems and all(p.file and p.message for p in exc.problems), exc.user_message()
            return "input_error_at_run"
        assert summary["run"]["complete"] is True
        return "ran"


def assert_partial_folder(raw: dict) -> None:
    """Run again into a folder: the partial results are valid Parquet marked ``complete: false``."""
    import json
    import tempfile

    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as tmp:
        with pytest.raises(SimulationError):
            short_run(raw, FILE, out_dir=Path(tmp))
        for table in Path(tmp).glob("*.parquet"):
            pq.read_table(table)
        assert json.loads((Path(tmp) / "summary.json").read_text())["run"]["complete"] is False


# ------------------------------------------------------------------------------------ in process

@settings(FUZZ, max_examples=1500)
@given(st.data())
def test_structured_mutations_end_in_a_scenario_or_a_clear_input_error(data):
    c = mut.HypothesisChooser(data)
    _, raw = mut.base(c.pick(["small", "demo"]))
    for kind in mut.mutate_structured(raw, c, c.integer(1, 3)):
        event(f"mutation: {kind}")
    outcome = assert_clean_outcome(lambda: load_dict(raw, FILE), raw)
    event(f"outcome: {outcome}")


@settings(FUZZ, max_examples=300)
@given(st.data())
def test_textual_mutations_end_in_a_scenario_or_a_clear_input_error(data):
    c = mut.HypothesisChooser(data)
    text, raw = mut.base(c.pick(["small", "demo"]))
    if c.integer(0, 1):
        mut.mutate_structured(raw, c, 1)
        text = mut.dump(raw)
    blob, kind = c.pick(mut.TEXTUAL)(text, c)
    event(f"mutation: {kind}")
    outcome = assert_clean_outcome(lambda: load_text(blob, FILE), None)
    event(f"outcome: {outcome}")


EXTREMES = [math.nan, math.inf, -math.inf, -0.0, 0, -1, 1e-300, 1e308, 2**64, 10**400]


def _numeric_paths(name: str) -> list[tuple]:
    _, raw = mut.base(name)
    return [p for p in mut.all_paths(raw) if mut._is_number(mut._parent(raw, p)[p[-1]])]


@pytest.mark.parametrize("name", ["small", "demo"])
def test_every_numeric_field_survives_every_extreme_value(name):
    """Exhaustive: each numeric field of the base scenario set to each extreme value in turn."""
    n_cases = 0
    failures = []
    for path in _numeric_paths(name):
        for value in EXTREMES:
            _, raw = mut.base(name)
            mut._parent(raw, path)[path[-1]] = value
            try:
                assert_clean_outcome(lambda raw=raw: load_dict(raw, FILE), raw)
            except AssertionError as exc:
                failures.append(f"{path} = {value!r}: {exc}")
            n_cases += 1
    assert n_cases > 500 if name == "demo" else n_cases > 100
    assert not failures, "\n".join(failures[:20])


def test_duplicate_keys_are_refused_with_their_line():
    text, _ = mut.base("small")
    blob = text + b"\nduration_s: 30\n"
    with pytest.raises(InputError) as info:
        load_text(blob, FILE)
    (p,) = info.value.problems
    assert p.file == FILE and p.path.startswith("line ") and "duplicate key 'duration_s'" in p.message


def test_alias_bomb_is_refused_quickly():
    with time_bound(10), pytest.raises(InputError) as info:
        load_text(mut.billion_laughs(12, 10), FILE)  # 10**12 nodes once expanded
    assert "expands to more than" in str(info.value)


def test_ballistic_missile_aimed_at_its_launch_point_is_an_input_error():
    _, raw = mut.base("small")
    bm = raw["ballistic_missiles"][0]
    bm.pop("aim")
    bm["aim_position"] = dict(raw["launch_sites"][1]["position"])
    with pytest.raises(InputError) as info:
        load_dict(raw, FILE)
    (p,) = info.value.problems
    assert p.path == "ballistic_missiles[0].aim_position" and "expected at least" in p.message


def test_orbit_of_zero_radius_is_an_input_error():
    _, raw = mut.base("small")
    raw["aew"][0]["orbit"]["radius_m"] = 1e-9
    with pytest.raises(InputError) as info:
        load_dict(raw, FILE)
    assert [p.path for p in info.value.problems] == ["aew[0].orbit"]


def test_route_of_zero_length_legs_runs():
    """A ship ordered to stay where it is (every waypoint its own position) is valid and runs."""
    _, raw = mut.base("demo")
    asset = next(a for a in [*raw["assets"], *raw.get("platforms", [])] if "route" in a)   # the demo's carrier group
    p = asset["position"]
    asset["route"]["waypoints"] = [{"lat_deg": p["lat_deg"], "lon_deg": p["lon_deg"]}] * 3
    assert assert_clean_outcome(lambda: load_dict(raw, FILE), raw) == "ran"


# ------------------------------------------------------------------------------------ real CLI

def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CLI_MEMORY_BYTES, CLI_MEMORY_BYTES))


def run_cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "amdsim", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=CLI_TIMEOUT_S, preexec_fn=_limit_memory)


def assert_cli_clean(res: subprocess.CompletedProcess, allowed=(0, 2)) -> None:
    assert res.returncode in allowed, f"exit {res.returncode}\n{res.stderr[-2000:]}"
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr, res.stderr[-2000:]


N_BATCHES, BATCH_SIZE = 20, 15


def _write_batch(folder: Path, seed: int) -> list[Path]:
    """BATCH_SIZE mutated scenario files, structured and textual, from one seed."""
    folder.mkdir()
    files = []
    for i in range(BATCH_SIZE):
        c = mut.RandomChooser(seed * 1000 + i)
        _, raw = mut.base(c.pick(["small", "demo"]))
        mut.mutate_structured(raw, c, c.integer(1, 3))
        blob = mut.dump(raw)
        if c.integer(0, 3) == 0:
            blob, _ = c.pick(mut.TEXTUAL)(blob, c)
        path = folder / f"case{i:02d}.yaml"
        path.write_bytes(blob)
        files.append(path)
    return files


def test_cli_validate_on_mutated_files(tmp_path):
    """300 mutated files through ``python -m amdsim validate``, 15 per process, two processes at a time.

    Each file must be reported ``ok`` on stdout or named in a problem on stderr; exit 0 or 2 only.
    """
    batches = [_write_batch(tmp_path / f"b{k}", k) for k in range(N_BATCHES)]

    def check(files: list[Path]) -> int:
        res = run_cli("validate", *[f.name for f in files], cwd=files[0].parent)
        assert_cli_clean(res)
        ok = {line.split(":")[0] for line in res.stdout.splitlines() if ": ok (" in line}
        for f in files:
            assert (f.name in ok) != (f"  - {f.name}" in res.stderr), f"{f.name}: neither ok nor a problem\n{res.stderr}"
        for line in res.stderr.splitlines():
            if line.startswith("warning: ") or (line.startswith("amdsim: ") and line.endswith("found:")):
                continue        # plausibility warnings (scenario/plausibility.py) and the problems' header
            assert line.startswith("  - case"), f"not a problem line: {line!r}"
        return len(files)

    with ThreadPoolExecutor(2) as pool:
        assert sum(pool.map(check, batches)) == N_BATCHES * BATCH_SIZE


HOSTILE = {
    "alias_bomb": mut.billion_laughs(14, 12),
    "deep_flow_nesting": mut.deep_nesting(100_000, flow=True),
    "deep_block_nesting": mut.deep_nesting(3_000, flow=False),
    "not_utf8": b"name: \xff\xfe caf\xe9\n",
    "utf16": "name: x\n".encode("utf-16"),
    "binary": bytes(range(256)) * 64,
    "empty": b"",
    "only_a_list": b"- 1\n- 2\n",
    "python_tag": b"!!python/object/apply:os.system ['echo pwned']\n",
    "recursive_alias": b"name: &r [*r]\n",
    "huge_file": b"name: x\n" + b"# padding\n" * 600_000,
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_cli_hostile_documents(tmp_path, kind):
    path = tmp_path / f"{kind}.yaml"
    path.write_bytes(HOSTILE[kind])
    res = run_cli("validate", path.name, cwd=tmp_path)
    assert_cli_clean(res, allowed=(2,))
    assert f"{kind}.yaml" in res.stderr
    assert "pwned" not in res.stdout


def test_cli_run_on_bad_input_writes_nothing(tmp_path):
    (tmp_path / "bomb.yaml").write_bytes(mut.billion_laughs(14, 12))
    res = run_cli("run", "bomb.yaml", "--out", "out", "--no-report", cwd=tmp_path)
    assert_cli_clean(res, allowed=(2,))
    assert not (tmp_path / "out").exists()


def test_cli_run_on_a_mutated_valid_scenario(tmp_path):
    """A valid mutation (more launchers, tiny duration) runs end to end through the CLI."""
    _, raw = mut.base("demo")
    raw["duration_s"] = 30
    raw["batteries"][0]["launchers"] = 64
    raw["batteries"][0]["interceptors_per_launcher"] = 64
    (tmp_path / "s.yaml").write_bytes(mut.dump(raw))
    res = run_cli("run", "s.yaml", "--out", "out", "--no-report", cwd=tmp_path)
    assert_cli_clean(res, allowed=(0,))
    assert (tmp_path / "out" / "summary.json").is_file()


def test_largest_scenario_the_limits_allow_compiles_and_runs():
    """20,000 threat launches and 49,152 interceptors (the loader's limits) stay within the case bound
    (measured: about 2 s to compile, 4 s for 20 simulated seconds, 330 MB)."""
    import copy

    _, raw = mut.base("small")
    cm = raw["cruise_missiles"][0]
    cm["salvo"].update(count=10_000, interval_s=0.001)
    raw["cruise_missiles"].append(dict(copy.deepcopy(cm), id="cm2", salvo=dict(cm["salvo"], count=9_999)))
    raw["batteries"] = [dict(copy.deepcopy(raw["batteries"][k % 2]), id=f"b{k}", launchers=64,
                             interceptors_per_launcher=64) for k in range(12)]
    assert assert_clean_outcome(lambda: load_dict(raw, FILE), raw) == "ran"
    raw["cruise_missiles"][1]["salvo"]["count"] = 10_000   # one launch over the limit
    with pytest.raises(InputError, match="20001 threat launches in all; the limit is 20000"):
        load_dict(raw, FILE)
