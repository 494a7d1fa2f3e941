"""points_in_view (what the tracker asks before it counts a missed scan) against the horizon model."""

import numpy as np

from amdsim.core.geodesy import EARTH_MEAN_RADIUS, FOUR_THIRDS, enu_basis, geodetic2ecef
from amdsim.sensors.horizon import line_of_sight_clear
from amdsim.sensors.visibility import points_in_view


def test_points_in_view_agrees_with_the_effective_earth_line_of_sight():
    rng = np.random.default_rng(4)
    lat0, lon0 = np.radians(45.0), np.radians(10.0)
    spos = np.asarray(geodetic2ecef(lat0, lon0, 30.0), float)
    lat = lat0 + rng.uniform(-3, 3, 2000) * np.pi / 180
    lon = lon0 + rng.uniform(-4, 4, 2000) * np.pi / 180
    alt = rng.choice([10.0, 100.0, 1000.0, 10_000.0], 2000)
    pos = geodetic2ecef(lat, lon, alt)
    los = line_of_sight_clear(spos[None], pos)
    want = los.clear[0] & (los.range[0] <= 400_000.0)
    got = points_in_view(pos, spos, 30.0, FOUR_THIRDS, EARTH_MEAN_RADIUS, 0.0, 400_000.0, 0.0, 2 * np.pi, np.eye(3))
    assert 50 < want.sum() < 1950
    # the two use different earth approximations only within metres of the horizon: agree on > 99.5 %
    assert np.mean(got == want) > 0.995


def test_points_in_view_keeps_to_the_azimuth_sector():
    lat0, lon0 = np.radians(45.0), np.radians(10.0)
    spos = np.asarray(geodetic2ecef(lat0, lon0, 30.0), float)
    bearings = np.radians(np.arange(0, 360, 10.0))
    d = 50_000.0 / 6.371e6
    lat = np.arcsin(np.sin(lat0) * np.cos(d) + np.cos(lat0) * np.sin(d) * np.cos(bearings))
    lon = lon0 + np.arctan2(np.sin(bearings) * np.sin(d) * np.cos(lat0), np.cos(d) - np.sin(lat0) * np.sin(lat))
    pos = geodetic2ecef(lat, lon, np.full(bearings.size, 3000.0))
    enu = enu_basis(lat0, lon0)
    got = points_in_view(pos, spos, 30.0, FOUR_THIRDS, EARTH_MEAN_RADIUS, 0.0, 400_000.0, np.radians(90.0),
                         np.radians(60.0), np.ascontiguousarray(enu))
    np.testing.assert_array_equal(np.degrees(bearings[got]).round(), [60.0, 70.0, 80.0, 90.0, 100.0, 110.0, 120.0])
