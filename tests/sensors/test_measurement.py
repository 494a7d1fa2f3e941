"""Polar measurements, converted-measurement covariance, and false alarms."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.core.geodesy import destination, geodetic2ecef
from amdsim.sensors import (
    Polar,
    ecef2rae,
    false_alarms_draw,
    radar_enu_basis,
    rae2ecef_with_cov,
    rae_measure,
)


def _geometry():
    lat0, lon0 = np.radians(40.0), np.radians(10.0)
    radar = geodetic2ecef(lat0, lon0, 30.0)[None]
    lat, lon, _ = destination(lat0, lon0, np.radians([0.0, 90.0, 225.0]), np.array([50e3, 80e3, 120e3]))
    targets = geodetic2ecef(lat, lon, np.array([5000.0, 300.0, 10000.0]))
    return radar, targets


def test_azimuth_elevation_of_known_geometry():
    radar, targets = _geometry()
    p = ecef2rae(targets, radar)
    assert np.degrees(p.azimuth[0]) == pytest.approx([0.0, 90.0, -135.0], abs=0.2)
    # Target 5 km up at 50 km: elevation atan((5000 - 30)/50e3) less the earth drop d/2R (flat-ish).
    expected = np.arctan2(4970.0 - 50e3**2 / (2 * 6.371e6), 50e3)
    assert p.elevation[0, 0] == pytest.approx(expected, abs=2e-3)


def test_range_rate_sign():
    radar, targets = _geometry()
    vel = np.zeros((3, 3))
    vel[0] = -(targets[0] - radar[0]) / np.linalg.norm(targets[0] - radar[0]) * 250.0  # inbound at 250 m/s
    p = ecef2rae(targets, radar, vel)
    assert p.range_rate[0, 0] == pytest.approx(-250.0)
    assert p.range_rate[0, 1] == pytest.approx(0.0)


def test_noise_free_round_trip():
    radar, targets = _geometry()
    p = ecef2rae(targets, radar)
    basis = np.repeat(radar_enu_basis(radar), 3, axis=0)
    pos, cov = rae2ecef_with_cov(p.range[0], p.azimuth[0], p.elevation[0], 10.0, 1e-3, 1e-3,
                                 np.repeat(radar, 3, axis=0), basis)
    assert np.allclose(pos, targets, atol=1e-6)
    assert np.allclose(cov, np.swapaxes(cov, 1, 2))
    assert np.all(np.linalg.eigvalsh(cov) > 0)
    # Cross-range standard deviation r * sigma_az dominates at long range.
    assert np.sqrt(np.linalg.eigvalsh(cov[2])[-1]) == pytest.approx(120e3 * 1e-3, rel=0.05)


def test_converted_covariance_matches_monte_carlo():
    # The first-order covariance is accurate when r sigma_angle^2 << sigma_range (Lerro &
    # Bar-Shalom 1993, eq. 13); here r sa^2 = 0.08 m << 20 m.
    radar, targets = _geometry()
    p = ecef2rae(targets[:1], radar)
    g = np.random.default_rng(3)
    m = 20_000
    true = Polar(np.full(m, p.range[0, 0]), np.full(m, p.azimuth[0, 0]), np.full(m, p.elevation[0, 0]))
    meas = rae_measure(true, 20.0, 2e-3, 2e-3, g)
    basis = np.repeat(radar_enu_basis(radar), m, axis=0)
    pos, cov = rae2ecef_with_cov(meas.range, meas.azimuth, meas.elevation, 20.0, 2e-3, 2e-3,
                                 np.repeat(radar, m, axis=0), basis)
    sample = np.cov((pos - targets[0]).T)
    assert np.allclose(np.linalg.eigvalsh(sample), np.linalg.eigvalsh(cov.mean(axis=0)), rtol=0.05)
    # NEES averages to 3 (chi-square, 3 dof) for a consistent covariance.
    err = pos - targets[0]
    nees = np.einsum("ni,nij,nj->n", err, np.linalg.inv(cov), err)
    assert nees.mean() == pytest.approx(3.0, abs=0.1)


def test_unbiased_conversion_removes_the_mean_bias():
    # Large angle errors: the plain conversion is pulled towards the radar by E[cos] = exp(-s^2/2).
    radar = geodetic2ecef(0.0, 0.0, 0.0)[None]
    m = 200_000
    true = Polar(np.full(m, 100e3), np.zeros(m), np.full(m, 0.3))
    g = np.random.default_rng(5)
    meas = rae_measure(true, 1.0, 0.3, 0.3, g)
    basis = np.repeat(radar_enu_basis(radar), m, axis=0)
    args = (meas.range, meas.azimuth, meas.elevation, 1.0, 0.3, 0.3, np.repeat(radar, m, axis=0), basis)
    truth = rae2ecef_with_cov(np.array([100e3]), np.zeros(1), np.array([0.3]), 1.0, 0.3, 0.3, radar,
                              basis[:1])[0][0]
    plain = rae2ecef_with_cov(*args)[0].mean(axis=0) - truth
    unbiased = rae2ecef_with_cov(*args, unbiased=True)[0].mean(axis=0) - truth
    assert np.linalg.norm(plain) > 4000.0
    assert np.linalg.norm(unbiased) < 400.0


def test_false_alarms_poisson_count_and_field_of_regard():
    g = np.random.default_rng(11)
    rate = np.array([0.5, 3.0])
    counts = np.zeros(2)
    n_scans = 4000
    for _ in range(n_scans):
        fa = false_alarms_draw(rate, np.array([0.0, np.pi / 2]), np.array([2 * np.pi, 0.5]), -0.1, 0.3,
                               1e3, np.array([100e3, 200e3]), g)
        counts += np.bincount(fa.sensor, minlength=2)
        s1 = fa.sensor == 1
        assert np.all(np.abs(fa.azimuth[s1] - np.pi / 2) <= 0.25)
        assert np.all((fa.elevation >= -0.1) & (fa.elevation <= 0.3))
        assert np.all((fa.range >= 1e3) & (fa.range <= np.where(s1, 200e3, 100e3)))
    # Poisson mean per scan: 5-sigma bounds.
    assert np.all(np.abs(counts / n_scans - rate) < 5 * np.sqrt(rate / n_scans))
