"""Determinism through the real command line (issue 8): the same scenario and seed give
byte-identical Parquet files (and summary.json) whatever the process, its hash seed, the output
folder's name, or whether the seed comes from the scenario or from ``--seed``.
(The in-process check of the same property is tests/engine/test_run.py.)
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from amdsim.engine.run import run_replication
from tests.conftest import DATA

SCENARIO = DATA / "small.yaml"   # its own seed is 7


def digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def cli_run(out, *extra, hash_seed: str = "0") -> None:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    res = subprocess.run([sys.executable, "-m", "amdsim", "run", str(SCENARIO), "--out", str(out), "--no-report",
                          *extra], capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stderr[-2000:]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Five CLI runs, two at a time: default seed twice (different hash seeds), --seed 7 (the
    scenario's own), --seed 11 twice."""
    base = tmp_path_factory.mktemp("det")
    plan = {
        "default_a": ((), "1"), "default_b": ((), "2"), "seed7": (("--seed", "7"), "3"),
        "seed11_a": (("--seed", "11"), "4"), "seed11_b": (("--seed", "11"), "5"),
    }
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda kv: cli_run(base / kv[0], *kv[1][0], hash_seed=kv[1][1]), plan.items()))
    return {name: base / name for name in plan}


def test_same_scenario_same_seed_gives_identical_files(runs):
    a, b = digests(runs["default_a"]), digests(runs["default_b"])
    assert sorted(a) == sorted(["detections.parquet", "engagements.parquet", "events.parquet", "movers.parquet",
                                "sensors.parquet", "states.parquet", "summary.json", "tracks.parquet",
                                "killchain.parquet", "magazines.parquet", "scenario.yaml"])
    assert a == b


def test_seed_option_equal_to_the_scenario_seed_changes_nothing(runs):
    assert digests(runs["seed7"]) == digests(runs["default_a"])


def test_seed_option_is_reproducible_and_changes_the_draws(runs):
    s11a, s11b, s7 = digests(runs["seed11_a"]), digests(runs["seed11_b"]), digests(runs["default_a"])
    assert s11a == s11b
    assert s11a["detections.parquet"] != s7["detections.parquet"]
    assert s11a["movers.parquet"] == s7["movers.parquet"]      # the order of battle does not depend on the seed


def test_cli_and_api_write_the_same_bytes(runs, tmp_path, small_compiled):
    run_replication(small_compiled, 0, tmp_path / "api", root_seed=11)
    assert digests(tmp_path / "api") == digests(runs["seed11_a"])
