"""Static weapon-target assignment (WTA) in Manne's form: the public surface of ``amdsim.c2.wta``.

Minimise the expected surviving target value ``F(x) = sum_j V_j prod_i (1 - p_ij)^x_ij`` with each
weapon on at most one target (Manne 1958; Ahuja, Kumar, Jha, Orlin 2007, Operations Research 55(6),
eq. 1). By role: ``problem.py`` (result type, instance checks, objective), ``exact.py`` (subset
dynamic program, branch and bound), ``heuristic.py`` (MMR greedy, iterated local search),
``bounds.py`` (Lagrangian and continuous-relaxation lower bounds), ``solve.py`` (the dispatcher
:func:`wta_solve` and :func:`wta_assigner`, which C2 uses). Arrays in, arrays out: reading instance
files is the CLI's job (``amdsim.cli.wta_io``).
"""

from amdsim.c2.wta.bounds import wta_assignment_bound, wta_lagrangian_bound, wta_lower_bound
from amdsim.c2.wta.exact import DP_MAX_WEAPONS, wta_exact
from amdsim.c2.wta.heuristic import wta_greedy_mmr, wta_heuristic
from amdsim.c2.wta.problem import WTAResult, wta_check, wta_expand_rounds, wta_objective
from amdsim.c2.wta.solve import (
    EXACT_MAX_WORK,
    SOLVERS,
    Assigner,
    WTASolver,
    wta_assigner,
    wta_solve,
)

__all__ = [
    "DP_MAX_WEAPONS",
    "EXACT_MAX_WORK",
    "SOLVERS",
    "Assigner",
    "WTAResult",
    "WTASolver",
    "wta_assigner",
    "wta_assignment_bound",
    "wta_check",
    "wta_exact",
    "wta_expand_rounds",
    "wta_greedy_mmr",
    "wta_heuristic",
    "wta_lagrangian_bound",
    "wta_lower_bound",
    "wta_objective",
    "wta_solve",
]
