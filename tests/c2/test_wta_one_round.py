"""One-round WTA instances (issue 18): with one round per weapon type and at most one weapon per target
worth firing, Manne's problem is a linear assignment of gains V_j p_ij, solved exactly by scipy's
``linear_sum_assignment``; the heuristic must reach that optimum, and the Lagrangian lower bound
(``c2/wta/bounds.py``) proves it optimal. Instances: Ahuja, Kumar, Jha and Orlin (2007), Operations
Research 55(6), sec. 7 (V ~ U[25, 100], p ~ U[0.6, 0.9])."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from amdsim.bench.wta import ahuja_instance
from amdsim.c2.wta import wta_assignment_bound, wta_heuristic, wta_objective


def lsa_optimum(v, p):
    rows, cols = linear_sum_assignment(v[None, :] * p, maximize=True)
    a = np.full(p.shape[0], -1)
    a[rows] = cols
    return wta_objective(v, p, a)


@pytest.mark.parametrize(("n_types", "n_targets", "seed"), [(20, 40, 0), (50, 100, 0), (50, 100, 1), (30, 30, 2)],
                         ids=["20x40", "50x100-a", "50x100-b", "30x30-square"])
def test_one_round_instances_come_out_optimal(n_types, n_targets, seed):
    v, p = ahuja_instance(n_types, n_targets, 1, seed)
    optimum = lsa_optimum(v, p)
    res = wta_heuristic(v, p)
    assert res.objective == pytest.approx(optimum, rel=1e-12)
    # proof: no assignment (doubling up on a target included) does better than the linear assignment
    assert wta_assignment_bound(v, p) == pytest.approx(optimum, rel=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_the_slot_lp_bound_is_below_the_exact_optimum(seed):
    """Any prices give a valid Lagrangian bound: checked against the exact optimum on small instances with
    more weapons than targets (where doubling up pays) and infeasible pairs."""
    from amdsim.c2.wta import wta_exact

    g = np.random.default_rng(seed)
    v, p = g.uniform(1, 100, 5), g.uniform(0.2, 0.9, (9, 5)) * (g.random((9, 5)) < 0.8)
    opt = wta_exact(v, p).objective
    for slots in (1, 2, None):
        assert wta_assignment_bound(v, p, slots=slots) <= opt * (1 + 1e-9)


def test_the_slot_lp_bound_is_tight_on_two_round_instances():
    """Ahuja et al.'s 50 x 100 class with two rounds per type: the bound at the slot LP's prices proves the
    heuristic within 0.5 % of the optimum (measured 0.36 %)."""
    v, p = ahuja_instance(50, 100, 2, 0)
    res = wta_heuristic(v, p)
    assert (res.objective - wta_assignment_bound(v, p, slots=None)) / res.objective < 0.005
