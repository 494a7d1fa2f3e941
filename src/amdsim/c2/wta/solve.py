"""Static WTA: the solver dispatcher :func:`wta_solve` and :func:`wta_assigner`, the function C2 uses.

``solver="auto"`` picks the exact solver (``exact.py``) while the subset dynamic program's work
``n_targets 3^n_weapons`` is at most :data:`EXACT_MAX_WORK`, the heuristic (``heuristic.py``) beyond.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from amdsim.c2.wta.exact import DP_MAX_WEAPONS, wta_exact
from amdsim.c2.wta.heuristic import wta_greedy_mmr, wta_heuristic
from amdsim.c2.wta.problem import WTAResult

SOLVERS = ("auto", "exact", "heuristic", "greedy")
EXACT_MAX_WORK = 5e7
"""``solver="auto"`` uses the exact solver when ``n_targets 3^n_weapons`` (the dynamic program's
work, about 1.5 ns per unit) is at most this, the heuristic beyond (14 weapons x 10 targets: exact)."""


def wta_solve(values, pk, solver: str = "auto", time_limit_s: float | None = 60.0) -> WTAResult:
    """Solve a WTA instance with the named solver.

    Parameters
    ----------
    values : array_like, shape (n_targets,)
    pk : array_like, shape (n_weapons, n_targets)
    solver : {"auto", "exact", "heuristic", "greedy"}
        ``"auto"``: exact while ``n_targets 3^n_weapons <= EXACT_MAX_WORK``, heuristic beyond.
    time_limit_s : float or None
        Wall-clock limit of the exact solver (s); see :func:`~amdsim.c2.wta.exact.wta_exact`.

    Returns
    -------
    WTAResult
    """
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {', '.join(SOLVERS)}, got {solver!r}")
    if solver == "auto":
        n_w, n_t = np.shape(pk)[0], (np.shape(pk)[1] if np.ndim(pk) == 2 else 0)
        small = n_w <= DP_MAX_WEAPONS and max(n_t, 1) * 3.0**n_w <= EXACT_MAX_WORK
        solver = "exact" if small else "heuristic"
    if solver == "exact":
        return wta_exact(values, pk, time_limit_s=time_limit_s)
    solvers: dict[str, WTASolver] = {"heuristic": wta_heuristic, "greedy": wta_greedy_mmr}
    return solvers[solver](values, pk)


class WTASolver(Protocol):
    """A weapon-target assignment solver: Manne's problem (values (T,), pk (W, T)) -> its solution."""

    def __call__(self, values: np.ndarray, pk: np.ndarray) -> WTAResult: ...


class Assigner(Protocol):
    """What C2 calls: values (T,) and pk (W, T) -> the target of each weapon (W,), -1 unassigned."""

    def __call__(self, values: np.ndarray, pk: np.ndarray) -> np.ndarray: ...


def wta_assigner(solver: str = "auto") -> Assigner:
    """The weapon-target assignment used by :func:`decide`: Manne's static WTA (``c2/wta/``),
    exact while ``n_targets 3^n_weapons <= EXACT_MAX_WORK``, heuristic beyond, or as the scenario's
    ``c2.wta_solver`` says."""

    def assign(values: np.ndarray, pk: np.ndarray) -> np.ndarray:
        return wta_solve(values, pk, solver).assignment

    return assign
