"""File I/O of ``amdsim wta``: reading a weapon-target assignment instance from a JSON file.

The solvers (``amdsim.c2.wta``) take plain arrays and read no files; this module turns an instance
file into those arrays, with errors (:class:`~amdsim.core.errors.InputError`) naming the file and the
field at fault.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from amdsim.c2.wta import SOLVERS
from amdsim.core.errors import InputError, Problem
from amdsim.core.literal import json_loads_guarded

#: Largest instance file accepted (bytes): 1000 weapons x 1000 targets of 20-character numbers is 20 MB.
MAX_INSTANCE_BYTES = 100_000_000


def wta_load(path) -> tuple[np.ndarray, np.ndarray, str]:
    """Read a WTA instance file.

    Parameters
    ----------
    path : str or Path
        JSON file ``{"values": [V_j], "pk": [[p_ij for each target j] for each weapon i],
        "solver": optional}``.

    Returns
    -------
    values : ndarray, shape (n_targets,)
    pk : ndarray, shape (n_weapons, n_targets)
    solver : str
        ``"auto"`` when the file names none.

    Raises
    ------
    amdsim.core.errors.InputError
        Naming the file and the field for unreadable JSON, missing fields or bad shapes and values.
    """
    f = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_INSTANCE_BYTES:
            raise InputError(Problem(f, "", f"file is {size} bytes: instances are limited to {MAX_INSTANCE_BYTES}"))
        text = Path(path).read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(Problem(f, "", f"cannot read the file ({exc.strerror})")) from None
    except UnicodeDecodeError as exc:
        raise InputError(Problem(f, "", f"not UTF-8 text (byte {exc.start}): expected a JSON file")) from None
    doc = json_loads_guarded(text, f)   # numeric literals and nesting guarded (core/literal.py)
    if not isinstance(doc, dict):
        raise InputError(Problem(f, "", 'expected a JSON object with "values" and "pk"'))
    problems = [Problem(f, k, "missing (required)") for k in ("values", "pk") if k not in doc]
    solver = doc.get("solver", "auto")
    if solver not in SOLVERS:
        problems.append(Problem(f, "solver", f"expected one of {', '.join(SOLVERS)}, got {solver!r}"))
    if problems:
        raise InputError(problems)
    v, p = doc["values"], doc["pk"]
    if not isinstance(v, list) or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
        raise InputError(Problem(f, "values", "expected a list of numbers (one value per target)"))
    if not isinstance(p, list) or not all(isinstance(r, list) for r in p):
        raise InputError(Problem(f, "pk", "expected a list of rows (one per weapon), each a list of numbers"))
    for i, row in enumerate(p):
        if len(row) != len(v):
            raise InputError(Problem(f, f"pk[{i}]", f"expected {len(v)} entries (one per target), got {len(row)}"))
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in row):
            raise InputError(Problem(f, f"pk[{i}]", "expected numbers"))
    v = np.asarray(v, dtype=np.float64).reshape(-1)
    p = np.asarray(p, dtype=np.float64).reshape(len(p), v.size)
    if not np.all(np.isfinite(v)) or np.any(v < 0):
        raise InputError(Problem(f, "values", "expected finite values >= 0"))
    with np.errstate(over="ignore"):
        total = v.sum()
    if not np.isfinite(total):
        raise InputError(Problem(f, "values", f"the values add up beyond the float range (about 1.8e308): expected a "
                                              f"finite total (largest value {v.max():.3g}); rescale them"))
    bad = np.argwhere(~np.isfinite(p) | (p < 0) | (p > 1))
    if bad.size:
        i, j = bad[0]
        raise InputError(Problem(f, f"pk[{i}][{j}]", f"expected a probability in [0, 1], got {p[i, j]}"))
    return v, p, solver
