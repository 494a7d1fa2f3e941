"""Shared fixtures: the small test scenario, compiled once per session, and a run folder of it."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def small_scenario_path() -> Path:
    return DATA / "small.yaml"


@pytest.fixture(scope="session")
def small_compiled(small_scenario_path):
    from amdsim.scenario import load_compiled

    return load_compiled(small_scenario_path)


@pytest.fixture(scope="session")
def small_run(tmp_path_factory, small_compiled) -> Path:
    """A run folder of the small scenario (replication 0), written once per test session."""
    from amdsim.engine.run import run_replication

    out = tmp_path_factory.mktemp("small_run")
    run_replication(small_compiled, 0, out)
    return out
