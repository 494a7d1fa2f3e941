"""review/extent.py: the smallest longitude arc of a run (the viewer's and the report's map extent).

Expected values are worked by hand: the arc is the circle less its largest gap between neighbouring
longitudes, its centre the antipode of that gap's middle."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.review.extent import lon_center_deg, map_extent, unwrap_lon_deg

CASES = [
    # (longitudes deg, centre deg): the largest gap and its antipode
    ([126.0, 127.0], 126.5),                  # gap 127 -> 486 (359 deg), middle 306.5, antipode 126.5
    ([179.8, -179.8], -180.0),                # arc 179.8 .. 180.2 across the antimeridian, centre 180 = -180
    ([178.8, 179.8, -179.85], 179.475),       # arc 178.8 .. 180.15
    ([-10.0, 10.0], 0.0),
    ([170.0, -170.0, 0.0], -95.0),            # gaps 170, 20, 170: the first of the largest (0 -> 170) loses
    ([42.0], 42.0),
]


@pytest.mark.parametrize(("lons", "center"), CASES, ids=[str(c[0]) for c in CASES])
def test_center_of_the_smallest_arc(lons, center):
    got = lon_center_deg(lons)
    assert np.mod(got - center + 180.0, 360.0) - 180.0 == pytest.approx(0.0, abs=1e-9)
    assert -180.0 <= got < 180.0


def test_unwrap_puts_longitudes_within_half_a_turn_of_the_centre():
    lon = np.array([-179.9, 179.9, -180.0, 180.0, 0.0, 359.0, -541.0])
    out = unwrap_lon_deg(lon, 180.0)
    assert np.all((out >= 0.0) & (out < 360.0))
    np.testing.assert_allclose(np.mod(out - lon, 360.0), 0.0, atol=1e-9)     # whole turns only
    np.testing.assert_allclose(out[:2], [180.1, 179.9], atol=1e-9)


def test_map_extent_across_the_antimeridian_is_small():
    lat = [36.7, 38.4, 36.9]
    lon0, lat0, lon1, lat1, c = map_extent(lat, [178.8, 179.8, -179.85], pad_deg=0.5)
    assert (lon0, lon1) == pytest.approx((178.3, 180.65)) and (lat0, lat1) == pytest.approx((36.2, 38.9))
    assert c == pytest.approx(179.475)


def test_map_extent_of_nothing_is_the_world():
    assert map_extent([], []) == (-180.0, -90.0, 180.0, 90.0, 0.0)
    assert map_extent([np.nan], [np.nan])[:4] == (-180.0, -90.0, 180.0, 90.0)
