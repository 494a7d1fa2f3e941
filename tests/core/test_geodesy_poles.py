"""Great-circle kernels at the poles and on the antimeridian (issue 17): destination, bearing and
interpolation, numpy and numba twins. Tolerances in metres on the sphere of the mean radius.

Reference: the n-vector form (Gade 2010, "A non-singular horizontal position representation",
J. Navigation 63(3)); at a pole, bearing b points along the meridian lon + pi - b (north) or lon + b
(south), the limit of the local east/north frame.
"""

import numpy as np
import pytest

from amdsim.core import geodesy_compiled as gc
from amdsim.core.geodesy import (
    EARTH_MEAN_RADIUS,
    destination,
    great_circle_distance,
    great_circle_interpolate,
    initial_bearing,
)

R = EARTH_MEAN_RADIUS
HALF_PI = np.pi / 2


@pytest.mark.parametrize("pole", [HALF_PI, -HALF_PI], ids=["north", "south"])
def test_an_orbit_round_a_pole_is_a_smooth_circle(pole):
    """Points at 20 km from a pole for bearings 0..2 pi: all at 20 km, consecutive ones one chord apart."""
    theta = np.linspace(0.0, 2 * np.pi, 3601)
    lat, lon, _ = destination(np.full(theta.size, pole), 0.3, theta, 20_000.0)
    np.testing.assert_allclose(great_circle_distance(pole, 0.3, lat, lon), 20_000.0, atol=1e-6)
    step = great_circle_distance(lat[:-1], lon[:-1], lat[1:], lon[1:])
    expected = 2 * R * np.arcsin(np.sin(20_000.0 / R) * np.sin(np.diff(theta) / 2))
    np.testing.assert_allclose(step, expected, rtol=1e-6)
    # the meridian reached: lon + pi - b from the north pole, lon + b from the south pole
    want = 0.3 + np.pi - theta if pole > 0 else 0.3 + theta
    np.testing.assert_allclose(np.angle(np.exp(1j * (lon - want))), 0.0, atol=1e-9)


@pytest.mark.parametrize(("lat", "lon"), [(HALF_PI, 0.0), (-HALF_PI, 2.0), (HALF_PI - 1e-9, 1.0), (0.0, np.pi),
                                          (0.0, -np.pi), (1.0, np.pi - 1e-9), (-0.7, -np.pi + 1e-12)],
                         ids=["north-pole", "south-pole", "near-pole", "antimeridian+", "antimeridian-", "just-west",
                              "just-east"])
def test_destination_inverts_distance_and_bearing_at_extreme_points(lat, lon):
    brg = np.linspace(-np.pi, np.pi, 73)[:-1]
    for d in (1.0, 1_000.0, 500_000.0):
        lat2, lon2, final = destination(np.full(brg.size, lat), lon, brg, d)
        np.testing.assert_allclose(great_circle_distance(lat, lon, lat2, lon2), d, rtol=1e-9, atol=1e-6)
        assert np.all(np.abs(lon2) <= np.pi) and np.all(np.abs(lat2) <= HALF_PI)
        back = initial_bearing(lat, lon, lat2, lon2)
        np.testing.assert_allclose(np.angle(np.exp(1j * (back - brg))), 0.0, atol=1e-6)
        # the final course, flown backwards, returns to the start
        la0, lo0, _ = destination(lat2, lon2, final + np.pi, d)
        np.testing.assert_allclose(great_circle_distance(la0, lo0, lat, lon), 0.0, atol=1e-5)


def test_the_compiled_destination_matches_numpy_at_the_poles_and_antimeridian():
    rng = np.random.default_rng(3)
    for lat, lon in [(HALF_PI, 0.0), (-HALF_PI, 1.0), (0.0, np.pi), (0.2, -np.pi)]:
        for brg, d in zip(rng.uniform(-np.pi, np.pi, 20), rng.uniform(0.0, 2e6, 20), strict=True):
            la, lo = gc.gc_destination(lat, lon, brg, d)
            la2, lo2, _ = destination(lat, lon, brg, d)
            assert great_circle_distance(la, lo, float(la2), float(lo2)) < 1e-6


def test_interpolation_stays_on_the_arc_across_the_antimeridian_and_over_a_pole():
    f = np.linspace(0.0, 1.0, 11)
    # across the antimeridian: 179.5 E to 179.5 W along the equator passes 180, never 0
    lat, lon = great_circle_interpolate(0.0, np.radians(179.5), 0.0, np.radians(-179.5), f)
    np.testing.assert_allclose(lat, 0.0, atol=1e-12)
    assert np.all(np.abs(lon) >= np.radians(179.5) - 1e-12)
    d = great_circle_distance(0.0, np.radians(179.5), lat, lon)
    np.testing.assert_allclose(d, f * great_circle_distance(0.0, np.radians(179.5), 0.0, np.radians(-179.5)),
                               atol=1e-6)
    # over the north pole: 80 N 0 E to 80 N 180 E passes 90 N halfway
    lat, lon = great_circle_interpolate(np.radians(80), 0.0, np.radians(80), np.pi, f)
    assert lat[5] == pytest.approx(HALF_PI, abs=1e-9)
    # equal points: the point itself
    lat, lon = great_circle_interpolate(0.5, 0.5, 0.5, 0.5, f)
    np.testing.assert_allclose(lat, 0.5) and np.testing.assert_allclose(lon, 0.5)
