"""Fixtures for the review tests: a real run of tests/data/small.yaml (amdsim run), made once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    """A run folder from ``amdsim run tests/data/small.yaml`` (about 3 s)."""
    out = tmp_path_factory.mktemp("review") / "small"
    subprocess.run([sys.executable, "-m", "amdsim", "run", str(DATA / "small.yaml"), "--out", str(out), "--no-report"],
                   check=True, capture_output=True, timeout=300)
    assert (out / "states.parquet").exists()
    return out


@pytest.fixture(scope="session")
def batch_dir(tmp_path_factory) -> Path:
    """A batch folder of two replications of tests/data/small.yaml (about 8 s)."""
    out = tmp_path_factory.mktemp("review_batch") / "batch"
    subprocess.run([sys.executable, "-m", "amdsim", "run", str(DATA / "small.yaml"), "--out", str(out), "-n", "2",
                    "--workers", "1", "--no-report"], check=True, capture_output=True, timeout=300)
    assert (out / "rep_00001" / "states.parquet").exists()
    return out
