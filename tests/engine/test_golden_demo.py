"""The bundled demo's results, held by content hash: a refactoring must not change them.

A change that moves results on purpose (a model change) refreshes ``GOLDEN`` in the same commit,
with ``python tests/engine/golden.py RUN_FOLDER``, and says why in its message.
"""

from __future__ import annotations

from amdsim.engine.run import run_replication
from amdsim.scenario import demo_path, load_compiled
from tests.engine.golden import run_digests

GOLDEN = {
    "movers": "c1ddbd1374887e8453f16ccb02372b67e59e6a4f125fb7b8e4bfc9d2491f1d2d",
    "sensors": "d6f1c72dc3d5c8402712d0ddecd14f86bd25b9b93a7ac7eba78506ef8a695d8f",
    "events": "f5735e60ca7022b976eb9a8f27edfea8a74917c75fd3253e855c31f1e68998bc",
    "states": "c98aad34fb5fad35057038f79e2263c955e14a16a9f86c0fb66918cc64dec0a7",
    "detections": "7fa9cafdc5fb80f3b8738d81b7125351e15efa7e251aaafb45412cd1525ce43d",
    "tracks": "dd441359fa68c676c0588bf661df5994a563ab99b4eb39439ae4661d138e46ec",
    "engagements": "11407ec7f4ecfb00a7bd18cf4fcf52fe631e3cb63cabbde3c875ad5912055bd8",
    "summary": "1144fc5bcd15267f9cb1804302c9a651b09c46fa497043d5ddd88f7f8542f4c2",
}


def test_demo_outputs_match_the_golden_hashes(tmp_path):
    run_replication(load_compiled(demo_path()), 0, tmp_path)
    got = run_digests(tmp_path)
    changed = sorted(k for k in GOLDEN if got[k] != GOLDEN[k])
    assert not changed, f"demo results changed in {changed}: {got}"
