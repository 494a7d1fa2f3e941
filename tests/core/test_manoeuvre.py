"""The g-limited pop-up and dive geometry (core/manoeuvre.py).

The angles solve closed equations (arcs of radius v^2 / (n g0), uniform circular motion); here the
geometry is rebuilt segment by segment, independently of the derivation, and must close.
"""

from __future__ import annotations

import math

import pytest

from amdsim.core.geodesy import G0
from amdsim.core.manoeuvre import climb_angle, dive_angle, popup_angles, turn_radius


@pytest.mark.parametrize("length, rise, radius", [(6000.0, 570.0, 2124.0), (3000.0, 1000.0, 500.0),
                                                  (10000.0, 50.0, 20000.0)], ids=["demo", "steep", "gentle"])
def test_s_climb_closes(length, rise, radius):
    g = climb_angle(length, rise, radius)
    assert g is not None and 0.0 < g < math.pi / 2
    # two arcs of radius r to and from g, and a straight segment of length s at g
    s = (length - 2 * radius * math.sin(g)) / math.cos(g)
    assert s >= 0.0
    assert 2 * radius * (1 - math.cos(g)) + s * math.sin(g) == pytest.approx(rise, rel=1e-9)


@pytest.mark.parametrize("length, drop, radius", [(6000.0, 600.0, 2124.0), (6000.0, 25.0, 2300.0),
                                                  (2000.0, 1500.0, 300.0)], ids=["popup", "shallow", "steep"])
def test_pushover_dive_closes(length, drop, radius):
    g = dive_angle(length, drop, radius)
    assert g is not None and 0.0 < g < math.pi / 2
    s = (length - radius * math.sin(g)) / math.cos(g)
    assert s >= 0.0
    assert radius * (1 - math.cos(g)) + s * math.sin(g) == pytest.approx(drop, rel=1e-9)
    # steeper than the straight line from the apex: the arc spends some of the distance level-ish
    assert g > math.atan(drop / length)


def test_infeasible_geometry_is_none():
    # 1 km up within 1 km at a 2 km turn radius: the arcs alone would take more
    assert climb_angle(1000.0, 1000.0, 2000.0) is None
    assert dive_angle(500.0, 1000.0, 2000.0) is None
    assert popup_angles(1000.0, 30.0, 2000.0, 250.0, 1.0) is None
    assert turn_radius(250.0, 3 * G0) == pytest.approx(250.0**2 / (3 * G0))
