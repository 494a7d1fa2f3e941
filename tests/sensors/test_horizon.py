"""Radar horizon and effective-earth line of sight."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.core.geodesy import EARTH_MEAN_RADIUS, destination, geodetic2ecef
from amdsim.sensors import horizon_angle, line_of_sight_clear, radar_horizon_range


@pytest.mark.parametrize(("h1", "h2", "expected_km"), [(20.0, 0.0, 18.43), (20.0, 30.0, 41.00),
                                                        (9000.0, 30.0, 413.6), (100.0, 100.0, 82.4)],
                         ids=["mast-surface", "mast-skimmer", "aew-skimmer", "100m-100m"])
def test_horizon_range_skolnik_4_12_sqrt_h(h1, h2, expected_km):
    # Skolnik, Introduction to Radar Systems, 3rd ed. (2001), eq. 8.2: with k = 4/3,
    # d[km] = 4.12 (sqrt(h1[m]) + sqrt(h2[m])); the factor 4.12 is printed to 3 digits, hence 0.3 %.
    assert radar_horizon_range(h1, h2) / 1000.0 == pytest.approx(4.12 * (np.sqrt(h1) + np.sqrt(h2)), rel=3e-3)
    assert radar_horizon_range(h1, h2) / 1000.0 == pytest.approx(expected_km, rel=3e-3)


def test_horizon_range_scales_with_k_and_clamps_negative_heights():
    assert radar_horizon_range(100.0, 0.0, k=1.0) == pytest.approx(np.sqrt(2 * EARTH_MEAN_RADIUS * 100.0))
    assert radar_horizon_range(100.0, 0.0, k=4 / 3) / radar_horizon_range(100.0, 0.0, k=1.0) == pytest.approx(
        np.sqrt(4 / 3))
    assert radar_horizon_range(-5.0, -1.0) == 0.0
    # Small-angle limit of the exact tangent angle: alpha a ~ sqrt(2 a h).
    a = 4 / 3 * EARTH_MEAN_RADIUS
    assert horizon_angle(20.0) * a == pytest.approx(radar_horizon_range(20.0), rel=1e-5)


@pytest.mark.parametrize("k", [1.0, 4 / 3, 2.0])
def test_line_of_sight_switches_at_the_horizon_range(k):
    lat0, lon0, h_r, h_t = np.radians(10.0), np.radians(20.0), 20.0, 30.0
    d_hor = radar_horizon_range(h_r, h_t, k)
    ground = d_hor * np.array([0.5, 0.98, 1.02, 1.5])
    lat, lon, _ = destination(lat0, lon0, np.radians(45.0), ground)
    radar = geodetic2ecef(lat0, lon0, h_r)[None]
    targets = geodetic2ecef(lat, lon, np.full(4, h_t))
    los = line_of_sight_clear(radar, targets, k)
    # Heights are above the ellipsoid while the horizon formula uses a sphere: 2 % margin either side.
    assert los.clear.tolist() == [[True, True, False, False]]
    assert los.range.shape == (1, 4)
    # Ground distances are on the mean-radius sphere, ranges on WGS84: 1 % apart at most.
    assert np.allclose(los.range[0], ground, rtol=1e-2)
    # Beyond a few km the target lies below the radar's local horizontal (earth curvature).
    assert np.all(los.elevation[0] < 0.0)


def test_line_of_sight_overhead_and_far_side():
    radar = geodetic2ecef(0.0, 0.0, 10.0)[None]
    targets = np.stack([geodetic2ecef(0.0, 0.0, 10_000.0), geodetic2ecef(0.0, np.pi, 10_000.0)])
    los = line_of_sight_clear(radar, targets)
    assert los.clear.tolist() == [[True, False]]
    assert los.elevation[0, 0] == pytest.approx(np.pi / 2, abs=1e-6)
    assert los.range[0, 0] == pytest.approx(9990.0, abs=1e-3)
