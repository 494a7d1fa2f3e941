"""Sea-surface multipath loss: its limits and the two-ray R^-8 regime."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.sensors import multipath_loss_db
from amdsim.sensors.clutter import MAX_LOSS_DB


def test_no_loss_high_up_and_cap_at_the_surface():
    rng = np.full(3, 50e3)
    loss = multipath_loss_db(20.0, np.array([10_000.0, 0.0, -5.0]), rng, 0.1)
    assert loss[0] == 0.0
    assert loss[1] == pytest.approx(MAX_LOSS_DB)
    assert loss[2] == pytest.approx(MAX_LOSS_DB)


def test_loss_grows_as_target_descends_and_range_grows():
    heights = np.array([200.0, 50.0, 20.0, 5.0, 1.0])
    loss = multipath_loss_db(20.0, heights, 30e3, 0.1)
    assert np.all(np.diff(loss) >= 0.0) and loss[-1] > 30.0
    ranges = np.array([5e3, 20e3, 40e3, 80e3])
    loss_r = multipath_loss_db(20.0, 5.0, ranges, 0.1)
    assert np.all(np.diff(loss_r) > 0.0)


def test_interference_region_matches_two_ray_r8_law():
    # Skolnik (2001) eq. 8.8: for small phase, F^4 = (4 pi h_r h_t / (lambda R))^4.
    h_r, h_t, lam, r = 20.0, 2.0, 0.1, 50e3
    phase = 4 * np.pi * h_r * h_t / (lam * r)
    assert multipath_loss_db(h_r, h_t, r, lam) == pytest.approx(-40 * np.log10(phase), abs=0.05)


def test_switch_and_roughness():
    assert multipath_loss_db(20.0, 1.0, 30e3, 0.1, enabled=False) == 0.0
    smooth = multipath_loss_db(20.0, 5.0, 30e3, 0.1)
    # A rough sea (Ament factor: sigma_h 20 m at 0.05 deg grazing gives rho ~ 0.1) scatters the
    # reflected ray diffusely, and the interference loss almost disappears.
    rough = multipath_loss_db(20.0, 5.0, 30e3, 0.1, sigma_h=20.0)
    assert smooth > 10.0 and rough < 2.5
    # Per-radar switch broadcast over (S, T).
    loss = multipath_loss_db(np.array([[20.0], [20.0]]), np.array([[1.0, 2.0]]), np.full((2, 2), 30e3), 0.1,
                             enabled=np.array([[True], [False]]))
    assert loss.shape == (2, 2) and np.all(loss[0] > 0) and np.all(loss[1] == 0)
