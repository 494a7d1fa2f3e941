"""Could a sensor have seen these points? Range window, effective-earth horizon and azimuth sector,
without the detection draw: the tracker counts a missed scan only for tracks the scan could see.

One compiled pass over the points (the tracker asks once per scanned sensor per step).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from amdsim.core.geodesy import geodetic_compiled

_geodetic = geodetic_compiled()


@njit(cache=True)
def points_in_view(pos, spos, salt, k, radius, min_range, max_range, az_center, az_width, enu):
    """(N,) bool: points ``pos`` (N,3) ECEF m inside the sensor's range window [min_range, max_range] m,
    above the horizon of the effective earth (radius k * ``radius``) seen from the sensor at ``spos``
    (3,) ECEF, height ``salt`` m, and (when ``az_width`` < 2 pi) within ``az_width`` / 2 rad of the
    azimuth ``az_center`` (rad from north), ``enu`` (3,3) the sensor's east-north-up rows."""
    n = pos.shape[0]
    out = np.zeros(n, np.bool_)
    if n == 0:
        return out
    a = k * radius
    h_s = max(salt, 0.0)
    horizon_s = np.arccos(a / (a + h_s))
    _, _, alt = _geodetic(pos[:, 0], pos[:, 1], pos[:, 2])
    snorm = np.sqrt(spos[0] ** 2 + spos[1] ** 2 + spos[2] ** 2)
    sector = az_width < 2 * np.pi - 1e-9
    for i in range(n):
        d0 = pos[i, 0] - spos[0]
        d1 = pos[i, 1] - spos[1]
        d2 = pos[i, 2] - spos[2]
        rng = np.sqrt(d0 * d0 + d1 * d1 + d2 * d2)
        if rng > max_range or rng < min_range:
            continue
        pnorm = np.sqrt(pos[i, 0] ** 2 + pos[i, 1] ** 2 + pos[i, 2] ** 2)
        cosang = (pos[i, 0] * spos[0] + pos[i, 1] * spos[1] + pos[i, 2] * spos[2]) / (pnorm * snorm)
        central = np.arccos(min(max(cosang, -1.0), 1.0)) / k
        h_t = max(alt[i], 0.0)
        if central > horizon_s + np.arccos(a / (a + h_t)):
            continue
        if sector:
            east = enu[0, 0] * d0 + enu[0, 1] * d1 + enu[0, 2] * d2
            north = enu[1, 0] * d0 + enu[1, 1] * d1 + enu[1, 2] * d2
            off = (np.arctan2(east, north) - az_center + np.pi) % (2 * np.pi) - np.pi
            if abs(off) > az_width / 2:
                continue
        out[i] = True
    return out
