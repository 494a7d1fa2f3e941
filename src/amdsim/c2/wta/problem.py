"""Static weapon-target assignment (WTA) in Manne's form: the problem, its objective and its checks.

Problem (Manne 1958; Ahuja, Kumar, Jha, Orlin 2007, Operations Research 55(6), eq. 1):

    minimise   F(x) = sum_j V_j prod_i (1 - p_ij)^x_ij
    subject to sum_j x_ij <= 1 for every weapon i,   x_ij in {0, 1},

the expected value of the targets that survive. ``p_ij = 0`` marks an infeasible pair, which is never
assigned. A battery that fires several rounds enters as repeated rows (:func:`wta_expand_rounds`).
This module holds what every solver shares: the result type :class:`WTAResult`, the validation of an
instance's arrays (:func:`wta_check`), the objective (:func:`wta_objective`) and the clean-up of a
solution that unassigns weapons with zero marginal return (:func:`_drop_idle`). It reads no files.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class WTAResult:
    """A weapon-target assignment.

    Attributes
    ----------
    assignment : ndarray, shape (n_weapons,), int64
        Target index of each weapon, -1 when unassigned.
    objective : float
        Expected surviving target value ``sum_j V_j prod_i (1 - p_ij)^x_ij`` (units of V).
    solver : str
        ``"exact"``, ``"heuristic"`` or ``"greedy"``.
    optimal : bool
        True when the assignment is proven optimal (exact search completed).
    seconds : float
        Wall time of the solve (s).
    lower_bound : float or None
        A proven lower bound on the optimum, when the solver computed one (an exact search stopped by
        its time or node limit).
    stopped_by : str or None
        ``"time"`` or ``"nodes"`` when a limit stopped an exact search.
    """

    assignment: np.ndarray
    objective: float
    solver: str
    optimal: bool
    seconds: float
    lower_bound: float | None = None
    stopped_by: str | None = None

    @property
    def gap(self) -> float | None:
        """``(objective - lower_bound) / objective``: an upper bound on the distance to the optimum."""
        if self.lower_bound is None:
            return None
        return 0.0 if self.objective <= 0.0 else max(self.objective - self.lower_bound, 0.0) / self.objective

    def to_dict(self) -> dict:
        """JSON-ready dict: assignment (list of int), objective, solver, optimal, seconds; lower_bound, gap
        and stopped_by when known."""
        out = {"assignment": [int(a) for a in self.assignment], "objective": float(self.objective),
               "solver": self.solver, "optimal": bool(self.optimal), "seconds": float(self.seconds)}
        if self.lower_bound is not None:
            out |= {"lower_bound": float(self.lower_bound), "gap": self.gap, "stopped_by": self.stopped_by}
        return out


def wta_check(values, pk) -> tuple[np.ndarray, np.ndarray]:
    """Validate and convert a WTA instance.

    Parameters
    ----------
    values : array_like, shape (n_targets,)
        Target values V_j >= 0.
    pk : array_like, shape (n_weapons, n_targets)
        Single-shot kill probabilities in [0, 1]; 0 marks an infeasible pair.

    Returns
    -------
    values : ndarray, shape (n_targets,), float64
    pk : ndarray, shape (n_weapons, n_targets), float64

    Raises
    ------
    ValueError
        On a shape mismatch, a non-finite value, a negative value or a probability outside [0, 1].
    """
    v = np.asarray(values, dtype=np.float64)
    p = np.asarray(pk, dtype=np.float64)
    if v.ndim != 1:
        raise ValueError(f"values must be a list of numbers, got an array of shape {v.shape}")
    if p.ndim == 1 and p.size == 0:
        p = p.reshape(0, v.size)
    if p.ndim != 2 or p.shape[1] != v.size:
        raise ValueError(f"pk must have one row per weapon and {v.size} columns (one per target), got shape {p.shape}")
    if not np.all(np.isfinite(v)) or np.any(v < 0):
        raise ValueError("values must be finite and >= 0")
    with np.errstate(over="ignore"):
        if not np.isfinite(v.sum()):
            raise ValueError("values must add up to a finite total (below about 1.8e308)")
    if not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
        raise ValueError("pk entries must be probabilities in [0, 1]")
    return v, p


def wta_objective(values: np.ndarray, pk: np.ndarray, assignment: np.ndarray) -> float:
    """Expected surviving value of an assignment.

    Parameters
    ----------
    values : ndarray, shape (n_targets,)
    pk : ndarray, shape (n_weapons, n_targets)
    assignment : ndarray, shape (n_weapons,), int
        Target index per weapon, -1 unassigned.

    Returns
    -------
    float
        ``sum_j V_j prod_{i: a_i = j} (1 - p_ij)``.
    """
    v = np.asarray(values, dtype=np.float64)
    p = np.asarray(pk, dtype=np.float64)
    a = np.asarray(assignment, dtype=np.int64)
    used = a >= 0
    surv = np.ones(v.size)
    np.multiply.at(surv, a[used], 1.0 - p[np.flatnonzero(used), a[used]])
    return float(np.dot(v, surv))


def wta_expand_rounds(pk: np.ndarray, rounds) -> tuple[np.ndarray, np.ndarray]:
    """Repeat each shooter's row once per round it may fire in this assignment.

    Parameters
    ----------
    pk : ndarray, shape (n_shooters, n_targets)
    rounds : array_like of int, shape (n_shooters,)
        Rounds each shooter may fire (>= 0).

    Returns
    -------
    pk_rows : ndarray, shape (sum(rounds), n_targets)
        One row per round.
    owner : ndarray, shape (sum(rounds),), int64
        Shooter index of each row.
    """
    r = np.asarray(rounds, dtype=np.int64)
    owner = np.repeat(np.arange(r.size), np.maximum(r, 0))
    return np.asarray(pk, dtype=np.float64)[owner], owner


def _drop_idle(v: np.ndarray, p: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Unassign weapons whose marginal return is exactly zero (target of value 0, or already killed
    with certainty by another weapon with p = 1), so no solver spends a round for nothing."""
    a = a.copy()
    n_t = v.size
    used = a >= 0
    if not used.any():
        return a
    idx = np.flatnonzero(used)
    certain = p[idx, a[idx]] >= 1.0
    first = np.full(n_t, -1, np.int64)
    first[a[idx[certain]][::-1]] = idx[certain][::-1]  # lowest-index certain kill per target
    sure = first[a[idx]] >= 0
    idle = (v[a[idx]] <= 0.0) | (sure & (first[a[idx]] != idx))
    a[idx[idle]] = -1
    return a
