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


def test_map_labels_do_not_collide_around_a_crowded_point():
    """Twelve sites within 2 km of a capital (as in three_nations.yaml): the placed labels' boxes
    (in display pixels) do not overlap each other."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from amdsim.review.figures import place_labels

    rng = np.random.default_rng(3)
    xs = 127.0 + rng.uniform(-0.02, 0.02, 12)
    ys = 37.5 + rng.uniform(-0.02, 0.02, 12)
    fig, ax = plt.subplots(figsize=(8, 6))
    ax.plot(xs, ys, "s")
    ax.set_xlim(125.5, 128.5)
    ax.set_ylim(36.5, 38.5)
    texts = [f"site_{k}_battery" for k in range(12)]
    anns = place_labels(ax, xs, ys, texts, ["#1f5fbf"] * 12)
    fig.canvas.draw()
    # each label's text box, measured again without its leader line
    renderer = fig.canvas.get_renderer()
    boxes = []
    for a in anns:
        probe = ax.annotate(a.get_text(), a.xy, xytext=a.xyann, textcoords="offset points", ha=a.get_ha(),
                            va=a.get_va(), fontsize=a.get_fontsize())
        boxes.append(probe.get_window_extent(renderer))
        probe.remove()
    frame = ax.get_window_extent(renderer)
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in boxes)
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (texts[i], texts[j])
    plt.close(fig)
