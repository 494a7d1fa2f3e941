"""People's numbers (review/format.py): the values the issue found printed as 1.86e-07 and 1.5e+03."""

from __future__ import annotations

import re

import pytest

from amdsim.review.format import DASH, MINUS, interval, metres, number, percent, seconds

SCI = re.compile(r"\de[+-]?\d")


@pytest.mark.parametrize(("value", "text"), [
    (1.86e-07, "< 0.01"), (1.5e3, "1,500"), (1900.0, "1,900"), (0.683249, "0.68"), (12.345, "12.3"),
    (123456.7, "123,457"), (0, "0"), (0.0, "0.00"), (-3.5, f"{MINUS}3.50"), (7, "7"), (float("nan"), DASH),
    (None, DASH), (True, "yes")])
def test_number_has_no_scientific_notation(value, text):
    assert number(value) == text
    assert not SCI.search(number(value))


def test_units_for_distances_durations_and_probabilities():
    assert metres(1.86e-07) == "< 0.01 m"
    assert metres(0.683249) == "0.68 m"
    assert metres(850.0) == "850 m"
    assert metres(12_400.0) == "12.4 km"
    assert metres(150_000.0) == "150 km"
    assert seconds(1500.0) == "1,500 s (25 min)"
    assert seconds(8.25) == "8.2 s"
    assert seconds(None) == DASH
    assert percent(0.26) == "26 %"
    assert interval(-0.4, 2.2, floor=0.0) == f"0.00 {DASH} 2.20"
    for v in (1e-9, 3e-5, 2.5e7, 1e12):
        assert not SCI.search(number(v) + metres(v) + seconds(v))
