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
    "events": "b9a47dcd544cd9932904d9a22b19d89b5aa1ed1f00cafc0c5834ceae54077314",
    "states": "c4930164dc969e66e76a22cd9dde097088939b48fe0fad34f7af6e1bf1af7213",
    "detections": "7f1cb6a64ebb1f7f988d46cd06994decf7ac57aba3928b1f61acf1fd598b14d3",
    "tracks": "34e59f7be22eb05db1472d96f7fe8b55988c25f7c56f93712775af343e9c3392",
    "engagements": "fd9e0c8f26f54c33ecad176836dd81a5a512245dd3cf08aff460adb5347345dd",
    "killchain": "66e391e519e5b220540993852ebb310d15c9c56ec95566c9cb37f4fbc98757f5",
    "magazines": "eaf67e46468ba9c4862799969d0f5c43692acd5676a52a6d2b5db09a2f0f2309",
    "summary": "9bcda7e3e17e647d3dceb6c27fe56e938400aaf71dafbd03ba9c36224b51e8da",
}


def test_demo_outputs_match_the_golden_hashes(tmp_path):
    run_replication(load_compiled(demo_path()), 0, tmp_path)
    got = run_digests(tmp_path)
    changed = sorted(k for k in GOLDEN if got[k] != GOLDEN[k])
    assert not changed, f"demo results changed in {changed}: {got}"
