"""The fused compiled evaluation agrees with the composed numpy functions."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.core.geodesy import ecef2geodetic, geodetic2ecef
from amdsim.sensors import (
    RadarParams,
    ecef2rae,
    evaluate_pairs,
    field_of_regard_mask,
    line_of_sight_clear,
    multipath_loss_db,
    pd_exact,
    snr_reference,
)


@pytest.fixture(scope="module")
def scene():
    g = np.random.default_rng(42)
    n_s, n_t = 12, 300
    radars = geodetic2ecef(np.radians(g.uniform(30, 34, n_s)), np.radians(g.uniform(30, 34, n_s)),
                           g.uniform(5, 9000, n_s))
    targets = geodetic2ecef(np.radians(g.uniform(29, 35, n_t)), np.radians(g.uniform(29, 35, n_t)),
                            g.uniform(0, 15000, n_t))
    params = RadarParams(ref_range=g.uniform(80e3, 400e3, n_s), ref_rcs=1.0, ref_snr_db=g.uniform(10, 16, n_s),
                         pfa=1e-6, n_pulses=g.integers(1, 6, n_s), swerling=g.integers(0, 4, n_s),
                         wavelength=0.1, az_center=g.uniform(-np.pi, np.pi, n_s),
                         az_width=np.where(np.arange(n_s) % 3 == 0, 2 * np.pi, 1.5), el_min=-0.2, el_max=0.8,
                         min_range=2e3, max_range=g.uniform(150e3, 500e3, n_s), multipath=np.arange(n_s) % 2 == 0)
    rcs = g.uniform(0.05, 5.0, n_t)
    return radars, targets, params, rcs


def test_fused_kernel_matches_composed_functions(scene):
    radars, targets, p, rcs = scene
    ev = evaluate_pairs(radars, targets, rcs, p)
    los = line_of_sight_clear(radars, targets)
    polar = ecef2rae(targets, radars)
    fov = field_of_regard_mask(polar.range, polar.azimuth, polar.elevation, p.az_center, p.az_width, p.el_min,
                               p.el_max, p.min_range, p.max_range)
    expected_visible = los.clear & fov
    assert 0.05 < expected_visible.mean() < 0.95          # the scene exercises both outcomes
    assert np.mean(ev.visible != expected_visible) < 1e-3  # only boundary ties may differ
    both = ev.visible & expected_visible
    assert np.allclose(ev.range, polar.range, rtol=1e-12)
    assert np.allclose(ev.azimuth[both], polar.azimuth[both], atol=1e-9)
    assert np.allclose(ev.elevation[both], polar.elevation[both], atol=1e-9)
    h_r = ecef2geodetic(radars)[2][:, None]
    h_t = ecef2geodetic(targets)[2][None, :]
    snr_db = (10 * np.log10(snr_reference(polar.range, rcs, p.ref_range, p.ref_rcs, 10 ** (p.ref_snr_db / 10)))
              - multipath_loss_db(h_r, h_t, polar.range, p.wavelength[:, None], p.multipath[:, None]))
    assert np.allclose(ev.snr_db[both], snr_db[both], atol=1e-8)
    pd = pd_exact(10 ** (snr_db / 10), p.pfa[:, None], p.n_pulses[:, None], p.swerling[:, None])
    assert np.max(np.abs(ev.pd[both] - pd[both])) < 1e-3
    assert np.all(ev.pd[~ev.visible] == 0.0)


def test_subset_keeps_tables(scene):
    radars, targets, p, rcs = scene
    full = evaluate_pairs(radars, targets, rcs, p)
    rows = np.array([1, 4, 7])
    part = evaluate_pairs(radars[rows], targets, rcs, p.subset(rows))
    assert np.array_equal(part.pd, full.pd[rows])


def test_angles_optional_and_pairs2rae_agrees(scene):
    from amdsim.sensors import pairs2rae, radar_enu_basis

    radars, targets, p, rcs = scene
    full = evaluate_pairs(radars, targets, rcs, p)
    lean = evaluate_pairs(radars, targets, rcs, p, with_angles=False)
    assert np.array_equal(full.visible, lean.visible) and np.array_equal(full.pd, lean.pd)
    si, ti = np.nonzero(full.visible)
    pol = pairs2rae(targets[ti], radars[si], radar_enu_basis(radars)[si])
    assert np.allclose(pol.azimuth, full.azimuth[si, ti], atol=1e-9)
    assert np.allclose(pol.elevation, full.elevation[si, ti], atol=1e-9)
    assert np.allclose(pol.range, full.range[si, ti], rtol=1e-12)
