"""Radar range equation in physical and reference forms."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.sensors import (
    lin2db,
    range_for_snr,
    reference_range_from_equation,
    snr_radar_equation,
    snr_reference,
)


def test_physical_equation_matches_decibel_budget():
    # Skolnik (2001) eq. 2.22 written as a dB budget by hand: Pt 1 MW, G 40 dB, lambda 0.1 m,
    # sigma 1 m^2, R 100 km, tau 1 us (B 1 MHz), F 3 dB, L 6 dB.
    budget = (60.0 + 2 * 40.0 + 20 * np.log10(0.1) + 0.0 - 30 * np.log10(4 * np.pi) - 40 * np.log10(1e5)
              - 10 * np.log10(1.380649e-23 * 290.0 * 1e6) - 3.0 - 6.0)
    snr = snr_radar_equation(1e5, 1.0, 1e6, 1e4, 0.1, pulse_width=1e-6, noise_figure_db=3.0, losses_db=6.0)
    assert lin2db(snr) == pytest.approx(budget, abs=1e-9)
    assert budget == pytest.approx(22.0, abs=0.05)  # the figure itself, for orientation


def test_reference_form_scaling_and_broadcast():
    ref_range = np.array([100e3, 200e3])              # (S,)
    rng = np.array([[100e3, 50e3, 200e3], [200e3, 100e3, 400e3]])  # (S, T)
    rcs = np.array([1.0, 1.0, 16.0])                  # (T,)
    snr = snr_reference(rng, rcs, ref_range, 1.0, 20.0)
    assert snr.shape == (2, 3)
    assert snr[0, 0] == pytest.approx(20.0)
    assert snr[0, 1] == pytest.approx(20.0 * 16)      # half range: +12 dB
    assert snr[0, 2] == pytest.approx(20.0)           # 16 m^2 at twice the range
    assert snr[1, 2] == pytest.approx(20.0)


def test_reference_range_round_trip():
    r_ref = reference_range_from_equation(20.0, 1.0, 1e6, 1e4, 0.1, bandwidth=1e6, system_temp=500.0)
    snr = snr_radar_equation(r_ref, 1.0, 1e6, 1e4, 0.1, bandwidth=1e6, system_temp=500.0)
    assert snr == pytest.approx(20.0, rel=1e-9)
    assert range_for_snr(20.0 * 16, 1.0, r_ref, 1.0, 20.0) == pytest.approx(r_ref / 2)
