"""Confidence intervals: published values and coverage in toy models with a known truth."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.results.intervals import (
    clopper_pearson_interval,
    proportion_summary,
    t_interval,
    wilson_interval,
)
from amdsim.results.stats import ratio_bootstrap


def test_zero_successes_closed_forms():
    # 0 of n: Wilson upper = z^2/(n+z^2); Clopper-Pearson upper = 1-(alpha/2)^(1/n) (Clopper & Pearson 1934)
    z2 = 1.959963984540054**2
    assert wilson_interval(0, 10) == pytest.approx((0.0, z2 / (10 + z2)), abs=1e-12)
    assert clopper_pearson_interval(0, 10)[1] == pytest.approx(1 - 0.025 ** 0.1, rel=1e-9)   # 0.3085
    assert clopper_pearson_interval(10, 10)[0] == pytest.approx(0.025 ** 0.1, rel=1e-9)


def test_wilson_published_example():
    # Newcombe (1998) Stat. Med. 17:857, Table I: 81/263 -> Wilson 0.2553 to 0.3662
    lo, hi = wilson_interval(81, 263)
    assert (round(lo, 4), round(hi, 4)) == (0.2553, 0.3662)
    lo, hi = clopper_pearson_interval(81, 263)   # same table, exact: 0.2527 to 0.3676
    assert (round(lo, 4), round(hi, 4)) == (0.2527, 0.3676)


def test_wilson_covers_p_about_95_percent_of_the_time():
    """400 toy batches of 60 Bernoulli(0.3) replications: the 95 % interval contains p in ~95 % of them."""
    rng = np.random.default_rng(2024)
    p, n, trials = 0.3, 60, 400
    hits = [proportion_summary(rng.random(n) < p) for _ in range(trials)]
    covered = np.mean([h["lo"] <= p <= h["hi"] for h in hits])
    cp_covered = np.mean([h["cp_lo"] <= p <= h["cp_hi"] for h in hits])
    # binomial SE of a coverage estimate from 400 trials is ~0.011: +-3 SE around 0.95
    assert 0.915 <= covered <= 0.985
    assert cp_covered >= covered and cp_covered >= 0.93     # exact interval is conservative


def test_t_interval_covers_the_mean():
    rng = np.random.default_rng(7)
    mu, trials = 3.0, 400
    covered = np.mean([(r := t_interval(rng.normal(mu, 2.0, 12)))["lo"] <= mu <= r["hi"] for _ in range(trials)])
    assert 0.915 <= covered <= 0.985


def test_t_interval_degenerate_inputs():
    assert np.isnan(t_interval([])["mean"])
    one = t_interval([5.0])
    assert one["mean"] == 5.0 and np.isnan(one["lo"])
    r = t_interval([1.0, np.nan, 3.0])      # NaN (missing field) ignored
    assert r["n"] == 2 and r["mean"] == 2.0
    # two values 1 and 3: mean 2, sd sqrt(2), t(0.975, 1) = 12.706 -> half width 12.706
    assert r["hi"] - r["mean"] == pytest.approx(12.7062047, rel=1e-6)


def test_pooled_ratio_bootstrap_is_sum_over_sum_and_reproducible():
    num = np.array([3.0, 2.0, 4.0, np.nan, 1.0])
    den = np.array([2.0, 2.0, 2.0, 1.0, 1.0])
    r = ratio_bootstrap(num, den)
    assert r["mean"] == pytest.approx(10 / 7) and r["n"] == 4       # the NaN pair is left out
    assert r["lo"] <= r["mean"] <= r["hi"] and r == ratio_bootstrap(num, den)
    assert np.isnan(ratio_bootstrap(np.ones(3), np.zeros(3))["mean"])
