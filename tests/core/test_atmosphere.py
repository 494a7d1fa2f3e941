"""U.S. Standard Atmosphere 1976 densities (core/atmosphere.py) against the standard's table, and
the drag's height: geodetic (above the WGS84 ellipsoid), no longer r - 6,371,008.8 m."""

import numpy as np
import pytest

from amdsim.core.atmosphere import UPPER_HEIGHTS_M, Z_LOWER_TOP, density, density_scalar
from amdsim.core.ballistic_flight import P_BETA, _accel, empty_params
from amdsim.core.geodesy import ecef2geodetic, geodetic2ecef
from amdsim.core.gravity import accel

#: U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562), table 1: density (kg/m^3) at geometric heights
#: (m), printed to five significant digits.
USSA76_TABLE1 = [(0.0, 1.2250), (1_000.0, 1.1117), (5_000.0, 0.73643), (10_000.0, 0.41351), (11_000.0, 0.36480),
                 (15_000.0, 0.19476), (20_000.0, 0.088910), (30_000.0, 0.018410), (40_000.0, 0.0039957),
                 (50_000.0, 0.0010269), (60_000.0, 3.0968e-4), (70_000.0, 8.2829e-5), (80_000.0, 1.8458e-5),
                 (86_000.0, 6.958e-6)]


@pytest.mark.parametrize(("z", "rho"), USSA76_TABLE1, ids=[f"{z / 1e3:g}km" for z, _ in USSA76_TABLE1])
def test_ussa76_table1_densities(z, rho):
    # five printed digits: half a unit of the fifth digit is < 5e-5 relative; the layers' own
    # 80-86 km molecular-weight change is inside it
    assert float(density(z)) == pytest.approx(rho, rel=6e-5)
    assert density_scalar(z) == pytest.approx(rho, rel=6e-5)


def test_compiled_and_numpy_twins_agree_and_density_falls_with_height():
    z = np.linspace(-500.0, 1.1e6, 20_001)
    d = density(z)
    s = np.array([density_scalar(float(x)) for x in z])
    np.testing.assert_allclose(s, d, rtol=1e-12, atol=0.0)
    inside = z < UPPER_HEIGHTS_M[-1]
    assert np.all(np.diff(d[inside]) < 0.0) and np.all(d[inside] > 0.0)
    assert np.all(d[~inside] == 0.0)
    # continuous at the top of the layers (the upper table starts from the layers' own value)
    below, above = density(Z_LOWER_TOP - 1e-6), density(Z_LOWER_TOP + 1e-6)
    assert float(above) == pytest.approx(float(below), rel=1e-6)


# The figures: at a point r = 6,371,008.8 m + 10 km on the radial of geodetic latitude phi,
# the first wave took the height as 10 km; the geodetic height is 10.58 km at 37 N, 2.87 km at the
# equator, 18.88 km at 60 N. With the first wave's 7.2 km scale height that made the density 8 %
# too high, 2.7 times too low and 3.4 times too high; against USSA76 the first wave's density
# (1.225 exp(-h / 7200)) was 0.79, 0.33 and 2.88 times the standard's.
POINTS = [(37.0, 10_575.45, 1.083, 0.794), (0.0, 2_871.80, 1 / 2.69, 0.332), (60.0, 18_876.50, 3.43, 2.88)]


@pytest.mark.parametrize(("lat_deg", "height", "exp_ratio", "ussa_ratio"), POINTS, ids=["37N", "equator", "60N"])
def test_drag_density_is_at_the_geodetic_height(lat_deg, height, exp_ratio, ussa_ratio):
    u = geodetic2ecef(np.radians(lat_deg), 0.0, 0.0)
    p = (6_371_008.8 + 10e3) * u / np.linalg.norm(u)
    h = float(ecef2geodetic(p)[2])
    assert h == pytest.approx(height, abs=0.1)
    old = 1.225 * np.exp(-10e3 / 7200.0)
    assert old / (1.225 * np.exp(-h / 7200.0)) == pytest.approx(exp_ratio, rel=5e-3)
    assert old / float(density(h)) == pytest.approx(ussa_ratio, rel=5e-3)
    # the flight kernel's drag deceleration is rho(h) v^2 / (2 beta) at that geodetic height
    v = np.array([0.0, 1000.0, 0.0])
    prm = empty_params(1)[0]
    prm[P_BETA] = 2000.0
    a = np.array(_accel(*p, *v, 100.0, prm, False))
    drag = a - accel(p[None], v[None], True)[0]
    assert np.linalg.norm(drag) == pytest.approx(float(density(h)) * 1000.0**2 / (2 * 2000.0), rel=1e-9)
    assert np.dot(drag, v) < 0
