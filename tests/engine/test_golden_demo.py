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
    "events": "f5f1604bea15876bb5ae9a8bd300898a844b0c1e6de5f4c9cb539ae845f620ad",
    "states": "b7f12ddfb8e0b3db3e4ea6a23ca1808388ea9a29c931ea0ccafca3291a6ca102",
    "detections": "1c8d502a73f125fe353090d72be1ce711b50215271cb3edbb3c617bbc3d66ff0",
    "tracks": "20e0150b573914c4d71c0009643c3325edb6552e123892d9f6edb09ce0ba3810",
    "engagements": "617bdb0f2b591fbbb9c02fbd50102411f8128fa6bec44f3a07837f06fd1ee481",
    "summary": "2c3a3ad828a51baf65270a5c38bc1833f89b179183973abbb40e3b201a780a79",
}


def test_demo_outputs_match_the_golden_hashes(tmp_path):
    run_replication(load_compiled(demo_path()), 0, tmp_path)
    got = run_digests(tmp_path)
    changed = sorted(k for k in GOLDEN if got[k] != GOLDEN[k])
    assert not changed, f"demo results changed in {changed}: {got}"
