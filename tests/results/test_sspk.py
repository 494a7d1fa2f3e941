"""SSPK per interceptor and threat type from a run folder's shots (results/sspk.py), checked against
the engagement and mover tables directly, and its intervals against results/intervals.py."""

import numpy as np
import pyarrow.parquet as pq
import pytest

from amdsim.results.intervals import t_interval, wilson_interval
from amdsim.results.sspk import TRIALS, sspk_table


def _shots(run):
    eng = pq.read_table(run / "engagements.parquet").to_pydict()
    mov = pq.read_table(run / "movers.parquet").to_pydict()
    mtype = dict(zip(mov["mover_id"], mov["type"], strict=True))
    out = {}
    for i, o in enumerate(eng["outcome"]):
        if o in TRIALS:
            key = (mtype[eng["interceptor_id"][i]], mtype[eng["target_id"][i]])
            out.setdefault(key, []).append((o, eng["miss_m"][i], eng["pk"][i]))
    return out


def test_sspk_table_counts_every_trial_once(small_run):
    rows = sspk_table(small_run)
    shots = _shots(small_run)
    assert shots, "the small scenario should have shots"
    assert {(r["interceptor_type"], r["threat_type"]) for r in rows} == set(shots)
    for r in rows:
        s = shots[(r["interceptor_type"], r["threat_type"])]
        kills = sum(o == "kill" for o, _, _ in s)
        assert (r["shots"], r["kills"]) == (len(s), kills)
        assert (r["sspk_lo"], r["sspk_hi"]) == pytest.approx(wilson_interval(kills, len(s)))
        assert r["sspk_lo"] <= r["sspk"] <= r["sspk_hi"]
        pk = [0.0 if o == "expired" else p for o, _, p in s]
        assert r["sspk_from_miss"] == pytest.approx(t_interval(pk)["mean"])
        miss = [m for o, m, _ in s if o != "expired" and np.isfinite(m)]
        if miss:
            assert r["miss_median_m"] == pytest.approx(float(np.median(miss)))
    pooled = sspk_table(small_run, pooled=True)
    assert len(pooled) == 1 and pooled[0]["shots"] == sum(r["shots"] for r in rows)
