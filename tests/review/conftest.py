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
    subprocess.run([sys.executable, "-m", "amdsim", "run", str(DATA / "small.yaml"), "--out", str(out)],
                   check=True, capture_output=True, timeout=300)
    assert (out / "states.parquet").exists()
    return out
