"""What the low flyer exploits: an airborne radar sees a sea-skimmer hundreds of km out, a mast radar
a few tens of km out; and the coverage grid shows the same gap."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.core.geodesy import destination, geodetic2ecef
from amdsim.sensors import (
    RadarParams,
    evaluate_pairs,
    pd_grid,
    radar_horizon_range,
    range_for_snr,
    required_snr,
)

LAT0, LON0 = np.radians(35.0), np.radians(20.0)
SKIMMER_ALT, SKIMMER_RCS = 30.0, 0.1


def _first_detection_range(radar_alt, params):
    """Largest ground distance (m) at which a 30 m, 0.1 m^2 target inbound due north has Pd >= 0.5."""
    ground = np.arange(600e3, 1e3, -250.0)
    lat, lon, _ = destination(LAT0, LON0, 0.0, ground)
    targets = geodetic2ecef(lat, lon, np.full(ground.size, SKIMMER_ALT))
    radar = geodetic2ecef(LAT0, LON0, radar_alt)[None]
    ev = evaluate_pairs(radar, targets, SKIMMER_RCS, params)
    seen = np.flatnonzero(ev.pd[0] >= 0.5)
    return ground[seen[0]] if seen.size else 0.0


# Notional radars (Swerling 1, Pfa 1e-6, single look, 13 dB on 1 m^2 at the reference range):
# an airborne early-warning radar (400 km) and a ground surveillance radar on a 20 m mast (250 km).
AEW = RadarParams(ref_range=400e3, ref_rcs=1.0, ref_snr_db=13.0, pfa=1e-6, swerling=1, wavelength=0.3,
                  el_min=-0.3, el_max=0.3)
GROUND = RadarParams(ref_range=250e3, ref_rcs=1.0, ref_snr_db=13.0, pfa=1e-6, swerling=1, wavelength=0.1,
                     el_min=-0.05, el_max=1.0)


def test_airborne_radar_sees_sea_skimmer_hundreds_of_km_out_ground_radar_tens():
    # Power-limited range for Pd 0.5 on 0.1 m^2 (Swerling 1 closed form, Richards 2005 eq. 6.66).
    snr_50 = required_snr(0.5, 1e-6, 1, 1)
    aew_power = range_for_snr(snr_50, SKIMMER_RCS, 400e3, 1.0, 10 ** 1.3)
    ground_power = range_for_snr(snr_50, SKIMMER_RCS, 250e3, 1.0, 10 ** 1.3)
    # Horizons on the 4/3 earth (Skolnik 2001, eq. 8.2): 414 km from 9000 m, 41 km from 20 m.
    aew_horizon = radar_horizon_range(9000.0, SKIMMER_ALT)
    ground_horizon = radar_horizon_range(20.0, SKIMMER_ALT)
    assert aew_horizon == pytest.approx(413.6e3, rel=5e-3)
    assert ground_horizon == pytest.approx(41.0e3, rel=5e-3)

    aew = _first_detection_range(9000.0, AEW)
    ground = _first_detection_range(20.0, GROUND)
    # Airborne: power-limited (the horizon is far beyond), so within 1 % of the range equation.
    assert aew == pytest.approx(min(aew_power, aew_horizon), rel=1e-2)
    assert aew > 200e3
    # Ground: horizon-limited (to the 250 m search step). At 41 km the two-ray phase
    # 4 pi h_r h_t / (lambda R) is 1.8 rad, above pi/3, so the 10 cm radar suffers no multipath loss yet.
    assert ground_power > 3 * ground_horizon
    assert ground_horizon - 500.0 < ground <= ground_horizon
    assert aew / ground > 5


def test_pd_grid_shows_the_low_altitude_gap():
    lats = LAT0 + np.radians(np.linspace(-3.0, 3.0, 61))
    lat_g, lon_g = np.meshgrid(lats, LON0 + np.radians(np.linspace(-3.0, 3.0, 61)), indexing="ij")
    ground_pd = pd_grid([LAT0], [LON0], [20.0], GROUND, lat_g, lon_g, SKIMMER_ALT, SKIMMER_RCS)
    assert ground_pd.shape == lat_g.shape
    both = RadarParams(ref_range=[250e3, 400e3], ref_rcs=1.0, ref_snr_db=13.0, pfa=1e-6, swerling=1,
                       wavelength=[0.1, 0.3], el_min=[-0.05, -0.3], el_max=[1.0, 0.3])
    both_pd = pd_grid([LAT0, LAT0 - np.radians(2.0)], [LON0, LON0], [20.0, 9000.0], both, lat_g, lon_g,
                      SKIMMER_ALT, SKIMMER_RCS)
    cell = np.radians(0.1) * 6.371e6  # ~11 km grid spacing
    covered_ground = np.count_nonzero(ground_pd >= 0.5) * cell ** 2
    # The mast radar covers roughly a disc inside its 41 km horizon.
    assert covered_ground < np.pi * 45e3 ** 2
    assert ground_pd[30, 32] > 0.9 and ground_pd[0, 0] == 0.0
    # Adding the AEW orbit (2 deg south) raises the maximum everywhere and fills the gap.
    assert np.all(both_pd >= ground_pd - 1e-12)
    assert np.count_nonzero(both_pd >= 0.5) > 20 * np.count_nonzero(ground_pd >= 0.5)
