"""Confidence intervals: Wilson and Clopper-Pearson for proportions, Student t for means.

References: Wilson (1927) JASA 22:209; Clopper & Pearson (1934) Biometrika 26:404;
Brown, Cai & DasGupta (2001) Stat. Sci. 16:101 (coverage of binomial intervals).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion; ``(nan, nan)`` when ``n == 0``."""
    if n <= 0:
        return (math.nan, math.nan)
    z = stats.norm.ppf(0.5 + level / 2)
    p = successes / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    lo, hi = centre - half, centre + half
    return (0.0 if lo < 1e-12 else lo, 1.0 if hi > 1 - 1e-12 else hi)   # rounding at the bounds


def clopper_pearson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for a binomial proportion from beta quantiles."""
    if n <= 0:
        return (math.nan, math.nan)
    a = 1 - level
    lo = 0.0 if successes == 0 else float(stats.beta.ppf(a / 2, successes, n - successes + 1))
    hi = 1.0 if successes == n else float(stats.beta.ppf(1 - a / 2, successes + 1, n - successes))
    return (lo, hi)


def t_interval(values, level: float = 0.95) -> dict:
    """Mean and Student-t interval of the finite values of ``values`` (shape (n,)).

    Returns ``{"mean", "lo", "hi", "n", "sd"}``; the interval is NaN with fewer than two values and
    collapses to the mean when every value is equal.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return {"mean": math.nan, "lo": math.nan, "hi": math.nan, "n": 0, "sd": math.nan}
    mean = float(x.mean())
    if n < 2:
        return {"mean": mean, "lo": math.nan, "hi": math.nan, "n": n, "sd": math.nan}
    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return {"mean": mean, "lo": mean - half, "hi": mean + half, "n": n, "sd": sd}


def proportion_summary(flags, level: float = 0.95) -> dict:
    """Proportion of true values in ``flags`` (shape (n,), bool) with Wilson and Clopper-Pearson intervals."""
    f = np.asarray(flags, dtype=bool)
    n, k = int(f.size), int(f.sum())
    lo, hi = wilson_interval(k, n, level)
    cp_lo, cp_hi = clopper_pearson_interval(k, n, level)
    return {"mean": k / n if n else math.nan, "lo": lo, "hi": hi, "n": n, "successes": k,
            "cp_lo": cp_lo, "cp_hi": cp_hi, "method": "wilson"}


__all__ = ["clopper_pearson_interval", "proportion_summary", "t_interval", "wilson_interval"]
