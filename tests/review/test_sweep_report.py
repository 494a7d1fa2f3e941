"""The sweep report's pieces (review/sweep_report.py): variant names and the paired difference."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.results.stats import paired_difference
from amdsim.review.sweep_report import paired, variant_folder, variant_label


def test_variants_are_named_by_their_settings_unless_sweep_json_names_them():
    assert variant_label({"name": "variant_01", "overrides": {"c2.coordination": False, "fighters.count": 2}}) \
        == "c2.coordination=false, fighters.count=2"
    assert variant_label({"name": "variant_00", "overrides": {}}) == "baseline (scenario as written)"
    assert variant_label({"name": "more rounds at the port", "overrides": {"x": 1}}) == "more rounds at the port"
    assert variant_folder({"name": "variant_03"}, 3) == "variant_03"
    assert variant_folder({"name": "c2.coordination=false"}, 1) == "variant_01"
    assert variant_folder({"name": "x", "folder": "variant_07"}, 1) == "variant_07"


def test_paired_difference_matches_the_statistics_module_and_keeps_common_replications_only():
    """Common random numbers: only replications present in both variants pair; the estimate and the
    Student-t interval are results/stats.py's paired_difference."""
    x = {0: 3.0, 1: 1.0, 2: 4.0, 4: 2.0}
    base = {0: 2.0, 1: 2.0, 2: 1.0, 3: 9.0, 4: 2.0}
    got = paired(x, base)
    ref = paired_difference(np.array([3.0, 1.0, 4.0, 2.0]), np.array([0, 1, 2, 4]),
                            np.array([2.0, 2.0, 1.0, 9.0, 2.0]), np.array([0, 1, 2, 3, 4]))
    assert got["n"] == ref["n_pairs"] == 4
    assert got["diff"] == pytest.approx(ref["diff"]) == pytest.approx(0.75)
    assert (got["lo"], got["hi"]) == pytest.approx((ref["lo"], ref["hi"]))
