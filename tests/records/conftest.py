"""The demo, simulated once for the records tests (replication 0, nothing written)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def demo_replication():
    from amdsim.engine.run import simulate
    from amdsim.scenario import demo_path, load_compiled

    return simulate(load_compiled(demo_path()), 0)
