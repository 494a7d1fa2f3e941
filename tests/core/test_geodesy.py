"""Frame conversions: special points and round trips (tolerances in metres / radians)."""

import numpy as np
import pymap3d
import pytest

from amdsim.core.geodesy import (
    WGS84_A,
    destination,
    ecef2geodetic,
    geodetic2ecef,
    great_circle_distance,
    initial_bearing,
)

DEG = np.pi / 180


@pytest.mark.parametrize(
    ("lat", "lon", "alt", "xyz"),
    [
        (0.0, 0.0, 0.0, (WGS84_A, 0.0, 0.0)),
        (0.0, 90.0, 0.0, (0.0, WGS84_A, 0.0)),
        (90.0, 0.0, 0.0, (0.0, 0.0, 6_356_752.314245)),   # WGS84 semi-minor axis b
        (0.0, 180.0, 1000.0, (-(WGS84_A + 1000.0), 0.0, 0.0)),
    ],
    ids=["equator-greenwich", "equator-90E", "north-pole", "antimeridian-1km"],
)
def test_geodetic2ecef_special_points(lat, lon, alt, xyz):
    np.testing.assert_allclose(geodetic2ecef(lat * DEG, lon * DEG, alt), xyz, atol=1e-3)


def test_ecef2geodetic_round_trip_matches_pymap3d():
    rng = np.random.default_rng(1)
    lat = rng.uniform(-89.9, 89.9, 500) * DEG
    lon = rng.uniform(-180, 180, 500) * DEG
    alt = rng.uniform(-500, 1_500_000, 500)
    pos = geodetic2ecef(lat, lon, alt)
    la, lo, al = ecef2geodetic(pos)
    assert np.max(np.abs(al - alt)) < 1e-3                  # 1 mm
    assert np.max(np.abs(la - lat)) < 1e-10                 # ~0.6 mm on the ground
    np.testing.assert_allclose(np.angle(np.exp(1j * (lo - lon))), 0, atol=1e-12)
    ref = pymap3d.ecef2geodetic(pos[:, 0], pos[:, 1], pos[:, 2], deg=False)
    np.testing.assert_allclose(la, ref[0], atol=1e-9)


def test_scalar_and_vector_inputs_agree():
    one = geodetic2ecef(0.6, 2.2, 100.0)
    many = geodetic2ecef(np.array([0.6]), np.array([2.2]), np.array([100.0]))
    assert one.shape == (3,) and many.shape == (1, 3)
    np.testing.assert_allclose(one, many[0])


def test_destination_inverts_distance_and_bearing():
    rng = np.random.default_rng(2)
    lat = rng.uniform(-1.2, 1.2, 200)
    lon = rng.uniform(-3, 3, 200)
    brg = rng.uniform(-np.pi, np.pi, 200)
    d = rng.uniform(1.0, 2.0e6, 200)
    lat2, lon2, _ = destination(lat, lon, brg, d)
    np.testing.assert_allclose(great_circle_distance(lat, lon, lat2, lon2), d, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(np.angle(np.exp(1j * (initial_bearing(lat, lon, lat2, lon2) - brg))), 0, atol=1e-7)


def test_haversine_quarter_meridian():
    # equator to pole along a meridian: a quarter of the great circle, pi R / 2
    assert great_circle_distance(0.0, 0.0, np.pi / 2, 0.0) == pytest.approx(np.pi * 6_371_008.8 / 2, rel=1e-12)


def test_compiled_twins_agree_with_the_numpy_geodesy():
    """core/geodesy_compiled.py's scalar kernels are the same formulas as core/geodesy.py (to 1e-9 m / rad)."""
    from amdsim.core import geodesy as g
    from amdsim.core import geodesy_compiled as gc

    rng = np.random.default_rng(7)
    lat1, lat2 = rng.uniform(-1.5, 1.5, (2, 50))
    lon1, lon2 = rng.uniform(-np.pi, np.pi, (2, 50))
    alt = rng.uniform(-100.0, 400e3, 50)
    brg, dist = rng.uniform(-np.pi, np.pi, 50), rng.uniform(0.0, 2e6, 50)
    out = np.empty(3)
    for i in range(50):
        assert gc.gc_distance(lat1[i], lon1[i], lat2[i], lon2[i]) == pytest.approx(
            float(g.great_circle_distance(lat1[i], lon1[i], lat2[i], lon2[i])), abs=1e-6)
        assert gc.gc_bearing(lat1[i], lon1[i], lat2[i], lon2[i]) == pytest.approx(
            float(g.initial_bearing(lat1[i], lon1[i], lat2[i], lon2[i])), abs=1e-12)
        la, lo = gc.gc_destination(lat1[i], lon1[i], brg[i], dist[i])
        la2, lo2, _ = g.destination(lat1[i], lon1[i], brg[i], dist[i])
        assert (la, lo) == pytest.approx((float(la2), float(lo2)), abs=1e-12)
        gc.geodetic_to_ecef(lat1[i], lon1[i], alt[i], out)
        np.testing.assert_allclose(out, g.geodetic2ecef(lat1[i], lon1[i], alt[i]), rtol=0, atol=1e-6)
        assert gc.ellipsoid_height(*out) == pytest.approx(alt[i], abs=1e-6)
