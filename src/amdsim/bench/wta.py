"""WTA benchmark: heuristic on 100 weapons x 100 targets, exact branch and bound on 10 x 10.

Random instances (seeded): target values uniform in [1, 100], single-shot Pk uniform in [0.3, 0.9],
every pair feasible (the hardest case for the search: nothing is pruned by infeasibility).

Heuristic (MMR + local search + 1500 kicks of 3 weapons): time per solve (median of repeats, one core) and its gap
``(F_heuristic - LB) / F_heuristic`` against the Lagrangian lower bound (:func:`wta_lagrangian_bound`,
given the best assignment found by a long run of kicks as its target). The gap against the bound is
an upper bound on the gap against the optimum. Also reported: the gap of plain MMR greedy, and the
gap of the bound to the best known assignment (how loose the bound is).

Exact (branch and bound): time per solve on 10 x 10, whether optimality was proven, and the
heuristic's gap to the proven optimum. Aims: heuristic < 50 ms with gap < 2 %; exact 10 x 10 < 1 s.
"""

from __future__ import annotations

import numpy as np

from amdsim.bench import median_time


def _instance(n_w: int, n_t: int, seed: int):
    g = np.random.default_rng(seed)
    return g.uniform(1.0, 100.0, n_t), g.uniform(0.3, 0.9, (n_w, n_t))


def run(quick: bool) -> dict:
    """Run the benchmark; ``quick`` uses fewer instances and a shorter bound computation."""
    from amdsim.c2.wta import wta_exact, wta_greedy_mmr, wta_heuristic, wta_lagrangian_bound

    n_big = 2 if quick else 5
    big = []
    for seed in range(n_big):
        v, p = _instance(100, 100, seed)
        he = wta_heuristic(v, p)
        t_he = median_time(lambda v=v, p=p: wta_heuristic(v, p), 3 if quick else 10)
        gr = wta_greedy_mmr(v, p)
        best = wta_heuristic(v, p, n_kicks=2000 if quick else 20000, seed=1)
        best_f = min(best.objective, he.objective)
        lb = wta_lagrangian_bound(v, p, upper=best_f, iters=500 if quick else 3000)
        big.append({"seed": seed, "heuristic_s": t_he, "heuristic": he.objective, "greedy": gr.objective,
                    "best_known": best_f, "lower_bound": lb,
                    "gap_heuristic_vs_bound": (he.objective - lb) / he.objective,
                    "gap_heuristic_vs_best_known": (he.objective - best_f) / he.objective,
                    "gap_greedy_vs_bound": (gr.objective - lb) / gr.objective,
                    "gap_best_known_vs_bound": (best_f - lb) / best_f})
    n_small = 4 if quick else 20
    small = []
    for seed in range(n_small):
        v, p = _instance(10, 10, 1000 + seed)
        ex = wta_exact(v, p)
        t_ex = median_time(lambda v=v, p=p: wta_exact(v, p), 1 if quick else 3)
        he = wta_heuristic(v, p)
        small.append({"seed": 1000 + seed, "exact_s": t_ex, "optimal": ex.optimal, "objective": ex.objective,
                      "gap_heuristic_vs_optimum": (he.objective - ex.objective) / ex.objective})
    col = lambda rows, k: np.array([r[k] for r in rows], dtype=float)  # noqa: E731
    return {
        "heuristic_100x100": {
            "instances": n_big,
            "median_seconds": float(np.median(col(big, "heuristic_s"))),
            "max_seconds": float(col(big, "heuristic_s").max()),
            "mean_gap_vs_bound": float(col(big, "gap_heuristic_vs_bound").mean()),
            "max_gap_vs_bound": float(col(big, "gap_heuristic_vs_bound").max()),
            "mean_gap_vs_best_known": float(col(big, "gap_heuristic_vs_best_known").mean()),
            "mean_greedy_gap_vs_bound": float(col(big, "gap_greedy_vs_bound").mean()),
            "mean_bound_looseness": float(col(big, "gap_best_known_vs_bound").mean()),
            "aim": "median_seconds < 0.05 and gap < 0.02",
            "per_instance": big,
        },
        "exact_10x10": {
            "instances": n_small,
            "median_seconds": float(np.median(col(small, "exact_s"))),
            "max_seconds": float(col(small, "exact_s").max()),
            "all_optimal": bool(all(r["optimal"] for r in small)),
            "max_heuristic_gap_vs_optimum": float(col(small, "gap_heuristic_vs_optimum").max()),
            "aim": "max_seconds < 1",
            "per_instance": small,
        },
    }
