"""The bundled demo's results, held by content hash: a refactoring must not change them.

A change that moves results on purpose (a model change) refreshes ``GOLDEN`` in the same commit,
with ``python tests/engine/golden.py RUN_FOLDER``, and says why in its message.
"""

from __future__ import annotations

from amdsim.engine.run import run_replication
from amdsim.scenario import demo_path, load_compiled
from tests.engine.golden import run_digests

GOLDEN = {
    "movers": "51dff6f4f78d471aa1d7122e0d7c17d025d1f462e726f7710c9a0aabbd56d4de",
    "sensors": "9fe3a0f2227600298d7a9be94a61804a773d89b54a52fb337d662bd6f34abb27",
    "events": "44e77a8233f49c5caeb6be4e341e447faeebe2d68d566efac9a15d3fd002eea6",
    "states": "8e53a5194ff33bb069790b5ba049b161dd14ab81912ca8a5fcf4125178827825",
    "detections": "fe7bc6df7f1dbd3bf918d1c0621486276e6da43836aa2daa8d71dc7af017eafc",
    "tracks": "46de7f60e600668630ca91cd444030ecfb464f75efdb875b6b63a88d7da86c60",
    "engagements": "617319d032a100411312ee7b4ad3932ad255b382437e2d7708e1af75367676fb",
    "killchain": "0b3d0bb99771f1f4329f016c026bb791828734a46bfdef96ab494bb8fe1b7768",
    "magazines": "cd572fd8704e167886737ec1cee448ac9c0519dc78d310858fcf9ab0c34e3667",
    "summary": "3cbc3a7ece578c6ad4ee88cc87c742a6d2f20ed6ef185e1c3570aa1226bdcc9b",
}


def test_demo_outputs_match_the_golden_hashes(tmp_path):
    run_replication(load_compiled(demo_path()), 0, tmp_path)
    got = run_digests(tmp_path)
    changed = sorted(k for k in GOLDEN if got[k] != GOLDEN[k])
    assert not changed, f"demo results changed in {changed}: {got}"
