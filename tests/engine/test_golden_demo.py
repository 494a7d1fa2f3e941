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
    "events": "a63e98e398ef167071f3445ff8c273ec8d8c001b1a6da359441993143641571e",
    "states": "fcc0e0037c92e3c8d459d521fd2d4672a1ee48e5d20228c87e1bd03476922fe8",
    "detections": "ee3e281fcdbdeb68949314387babcfe23333e2685ad3d8d471f7960f87305c40",
    "tracks": "2b3a005b2d926b9fc47801f0e8669dbf5d5d2bdce6344f734429343eabb44058",
    "engagements": "4643f547cc08fee7ab541640adf20a53948859f84d807659ea98da8e710cfe4b",
    "killchain": "c1f85943cb671075b8d6f2ee63abda8d7d3330ac114dfbaf8462ba74a1a68e08",
    "magazines": "eaf67e46468ba9c4862799969d0f5c43692acd5676a52a6d2b5db09a2f0f2309",
    "summary": "9bcda7e3e17e647d3dceb6c27fe56e938400aaf71dafbd03ba9c36224b51e8da",
}


def test_demo_outputs_match_the_golden_hashes(tmp_path):
    run_replication(load_compiled(demo_path()), 0, tmp_path)
    got = run_digests(tmp_path)
    changed = sorted(k for k in GOLDEN if got[k] != GOLDEN[k])
    assert not changed, f"demo results changed in {changed}: {got}"
