"""The exact WTA solver stops at its wall-clock limit (issue 17: 200 x 200 ran past 300 s, its only
limit counting nodes) and then says so: not proven optimal, which limit stopped it, and its gap to a
proven (Lagrangian) lower bound."""

from __future__ import annotations

import numpy as np

from amdsim.c2.wta import wta_exact


def test_exact_stops_at_its_time_limit_with_a_gap_to_the_bound():
    g = np.random.default_rng(0)
    v, p = g.uniform(1, 100, 40), g.uniform(0.3, 0.9, (40, 40))
    wta_exact(v[:20], p[:20, :20], time_limit_s=0.01)          # compile outside the measured call
    res = wta_exact(v, p, time_limit_s=0.2)
    assert not res.optimal and res.stopped_by == "time"
    assert res.seconds < 0.2 + 30.0        # the limit plus the bound's computation; never the search's hours
    assert 0.0 < res.lower_bound <= res.objective and 0.0 <= res.gap < 0.2
    d = res.to_dict()
    assert d["optimal"] is False and d["stopped_by"] == "time" and d["gap"] == res.gap


def test_exact_stopped_by_its_node_limit_says_nodes():
    g = np.random.default_rng(1)
    v, p = g.uniform(1, 100, 30), g.uniform(0.3, 0.9, (30, 30))
    res = wta_exact(v, p, max_nodes=1000, time_limit_s=None)
    assert not res.optimal and res.stopped_by == "nodes" and res.gap is not None


def test_a_finished_search_is_optimal_and_carries_no_gap():
    g = np.random.default_rng(2)
    v, p = g.uniform(1, 100, 5), g.uniform(0.3, 0.9, (8, 5))
    res = wta_exact(v, p, method="bnb", time_limit_s=60.0)
    assert res.optimal and res.stopped_by is None and res.gap is None and "gap" not in res.to_dict()
