"""amdsim explain (montecarlo/explain.py): counterfactual reruns under common random numbers."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from scipy import stats

from amdsim.core.errors import InputError
from amdsim.montecarlo.batch import InProcessExecutor, run_batch
from amdsim.montecarlo.explain import FACTORS, explain, factor_overrides, variants
from amdsim.results.intervals import t_interval as t_interval_results
from tests.records import leak_scenarios as scenarios

N = 3


@pytest.fixture(scope="module")
def one_round_batch(tmp_path_factory):
    """The out-of-interceptors scenario (one round, three cruise missiles), three replications."""
    d = tmp_path_factory.mktemp("explain_batch")
    path = scenarios.write(scenarios.out_of_interceptors(), d, "one_round.yaml")
    out = d / "batch"
    run_batch(path, N, out, progress=False, executor=InProcessExecutor())
    return out


def _explained(folder, **kw):
    return explain(folder, progress=False, executor=InProcessExecutor(), **kw)


def test_batch_and_run_folders_record_their_scenario(one_round_batch):
    assert (one_round_batch / "scenario.yaml").is_file()
    assert (one_round_batch / "rep_00000" / "scenario.yaml").is_file()


def test_more_interceptors_save_the_leakers_of_an_empty_battery(one_round_batch):
    doc = _explained(one_round_batch, factors=["unlimited_interceptors", "coordination_on"])
    assert (one_round_batch / "explain.json").is_file()
    assert doc["kind"] == "batch" and doc["replications"] == list(range(N))
    f = doc["factors"]["unlimited_interceptors"]
    assert f["overrides"] == {"batteries.0.interceptors_per_launcher": 64}
    assert f["n"] == N and f["prevented_mean"] > 0
    assert doc["leakers"], "one round against three threats leaks"
    for d in doc["leakers"]:
        assert d["cause"] == "out_of_interceptors"
        assert "unlimited_interceptors" in d["saved_by"]
    # a one-nation scenario with coordination already on: nothing to rerun, nothing prevented
    c = doc["factors"]["coordination_on"]
    assert c["note"] and c["prevented_mean"] == 0 and c["prevented"] == [0] * N


def test_interval_is_the_t_interval_of_the_paired_differences(one_round_batch):
    """Student t interval of the per-replication differences (e.g. Montgomery, Design and Analysis of
    Experiments, paired comparison), computed here from the formula."""
    doc = _explained(one_round_batch, factors=["unlimited_interceptors"])
    f = doc["factors"]["unlimited_interceptors"]
    x = f["prevented"]
    n = len(x)
    mean = sum(x) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in x) / (n - 1))
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    assert f["prevented_mean"] == pytest.approx(mean)
    assert f["ci95"] == pytest.approx([mean - half, mean + half])
    ref = t_interval_results(x)            # the results layer's interval agrees
    assert [ref["lo"], ref["hi"]] == pytest.approx(f["ci95"])
    base = json.loads((one_round_batch / "rep_00000" / "summary.json").read_text())["leakers"]
    assert f["baseline_leakers_mean"] >= 0 and x[0] <= base


def test_a_set_change_is_a_factor_per_value(one_round_batch):
    doc = _explained(one_round_batch, sets=["batteries.0.interceptors_per_launcher=1,8"])
    assert list(doc["factors"]) == ["batteries.0.interceptors_per_launcher=1", "batteries.0.interceptors_per_launcher=8"]
    same, more = doc["factors"].values()
    assert same["note"] and same["prevented_mean"] == 0      # the scenario's own value: not rerun
    assert more["prevented_mean"] > 0


def test_bytes_do_not_depend_on_the_workers(one_round_batch):
    a = json.dumps(_explained(one_round_batch, factors=["no_reaction_time"]), sort_keys=True)
    first = (one_round_batch / "explain.json").read_bytes()
    b = explain(one_round_batch, factors=["no_reaction_time"], workers=2, progress=False)
    assert json.dumps(b, sort_keys=True) == a
    assert (one_round_batch / "explain.json").read_bytes() == first


def test_a_run_folder_has_no_interval_with_one_replication(small_run):
    doc = _explained(small_run, factors=["perfect_picture"])
    f = doc["factors"]["perfect_picture"]
    assert doc["kind"] == "run" and f["n"] == 1 and f["ci95"] == [None, None]


def test_factor_overrides_follow_the_scenario():
    raw = {"links": [{}, {}], "interceptor_types": [{}], "batteries": [{}], "fighters": [{}, {}],
           "platforms": [{"batteries": [{}]}, {"radars": []}]}
    assert factor_overrides("no_link_latency", raw) == {"link.latency_s": 0.0, "links.0.latency_s": 0.0,
                                                        "links.1.latency_s": 0.0}
    assert factor_overrides("unlimited_interceptors", raw) == {
        "batteries.0.interceptors_per_launcher": 64, "platforms.0.batteries.0.interceptors_per_launcher": 64,
        "fighters.0.missiles": 16, "fighters.1.missiles": 16}
    assert factor_overrides("no_reaction_time", raw) == {"interceptor_types.0.reaction_time_s": 0.0}
    assert list(variants(raw, None, None)) == list(FACTORS)
    assert list(variants(raw, None, ["c2.coordination=false"])) == ["c2.coordination=false"]


def test_bad_input_is_named(one_round_batch, tmp_path):
    with pytest.raises(InputError, match="--factor"):
        _explained(one_round_batch, factors=["more_coffee"])
    with pytest.raises(InputError, match=r"factor batteries\.0\.launchers=0"):
        _explained(one_round_batch, sets=["batteries.0.launchers=0"])
    with pytest.raises(InputError, match="neither a run folder"):
        _explained(tmp_path)


def test_cli_prints_factors_by_name(one_round_batch):
    res = subprocess.run([sys.executable, "-m", "amdsim", "explain", str(one_round_batch), "--factor",
                          "unlimited_interceptors", "--workers", "1", "--no-progress"],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    out = res.stdout + res.stderr
    assert "unlimited_interceptors" in out and "cm.2" in out and "explain.json" in out


def test_dask_cluster_gives_the_same_document(one_round_batch):
    """Reruns on a LocalCluster of worker processes on 127.0.0.1: the same explain.json as in process."""
    distributed = pytest.importorskip("distributed")
    local = _explained(one_round_batch, factors=["no_reaction_time"])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        remote = explain(one_round_batch, factors=["no_reaction_time"], cluster=cluster.scheduler_address,
                         progress=False)
    assert remote == local
