"""Air density of the U.S. Standard Atmosphere 1976 (USSA76) by layers, for drag on missiles.

Below 86 km (geometric) the standard is defined by seven layers of linear molecular-scale
temperature :math:`T_M` in geopotential height :math:`H` (U.S. Standard Atmosphere 1976, NOAA-S/T
76-1562, part 1, eqs. 18, 23 and 33a/b, table 4):

.. math:: H = \\frac{r_0 Z}{r_0 + Z}, \\qquad T_M = T_{M,b} + L_b (H - H_b),

.. math:: P = P_b \\left(\\frac{T_{M,b}}{T_M}\\right)^{g_0' M_0 / (R^* L_b)} \\;(L_b \\ne 0), \\qquad
          P = P_b \\exp\\!\\left(-\\frac{g_0' M_0 (H - H_b)}{R^* T_{M,b}}\\right) \\;(L_b = 0),

.. math:: \\rho = \\frac{P M_0}{R^* T_M}

with :math:`r_0` = 6,356,766 m, :math:`g_0'` = 9.80665 m/s^2, :math:`M_0` = 28.9644 kg/kmol and
:math:`R^*` = 8,314.32 J/(kmol K); the base pressures follow from the sea-level 101,325 Pa by the
same equations, so this reproduces the standard's tables (density to 4-5 digits, checked in the
tests). From 86 km to 1,000 km the standard integrates the diffusion of each gas; here the
density is interpolated log-linearly in the standard's table 1 densities at the heights of
:data:`UPPER_HEIGHTS_M` (a ballistic missile's drag there is negligible; the table only keeps the
density continuous and positive). Above 1,000 km the density is 0.

``Z`` is the geometric height above the WGS84 ellipsoid (the geodetic height); below sea level the
sea-level layer is extrapolated. :func:`density_scalar` is the numba kernel for per-row
integrators; :func:`density` is its numpy twin.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

#: Effective earth radius of the geopotential height (m), USSA76 eq. 18.
R0_GEOPOTENTIAL = 6_356_766.0
#: g0' M0 / R* (K/m): sea-level gravity x mean molecular weight / gas constant, USSA76 table 2
#: (g0' = 9.80665 m/s^2, M0 = 28.9644 kg/kmol, R* = 8314.32 J/(kmol K)).
GMR = 9.80665 * 28.9644 / 8314.32
#: M0 / R* (kg K / J): density = P x M0 / (R* T_M).
M0_OVER_R = 28.9644 / 8314.32
#: Layer bases: geopotential height (m'), molecular-scale temperature lapse rate (K/m'), USSA76 table 4.
LAYER_H = np.array([0.0, 11_000.0, 20_000.0, 32_000.0, 47_000.0, 51_000.0, 71_000.0, 84_852.0])
LAYER_LAPSE = np.array([-0.0065, 0.0, 0.0010, 0.0028, 0.0, -0.0028, -0.0020, 0.0])
#: Sea-level temperature (K) and pressure (Pa), USSA76 table 2.
T0 = 288.15
P0 = 101_325.0
#: Top of the layered lower atmosphere (geometric height, m).
Z_LOWER_TOP = 86_000.0
#: Geometric heights (m) and densities (kg/m^3) of USSA76 table 1 above 86 km (the first entry is
#: the layered model's own value at 86 km, so the density is continuous there).
UPPER_HEIGHTS_M = np.array([86e3, 90e3, 95e3, 100e3, 110e3, 120e3, 130e3, 140e3, 150e3, 160e3, 180e3, 200e3,
                            250e3, 300e3, 400e3, 500e3, 600e3, 700e3, 800e3, 900e3, 1000e3])
_UPPER_RHO_TABLE = np.array([np.nan, 3.416e-6, 1.393e-6, 5.604e-7, 9.708e-8, 2.222e-8, 8.152e-9, 3.831e-9,
                             2.076e-9, 1.233e-9, 5.194e-10, 2.541e-10, 6.073e-11, 1.916e-11, 2.803e-12,
                             5.215e-13, 1.137e-13, 3.070e-14, 1.136e-14, 5.759e-15, 3.561e-15])


def _layer_bases() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Base temperatures (K) and pressures (Pa) of the eight layers, from sea level up (USSA76 eq. 33)."""
    t_b = np.empty(LAYER_H.size)
    p_b = np.empty(LAYER_H.size)
    t_b[0], p_b[0] = T0, P0
    for b in range(1, LAYER_H.size):
        dh = LAYER_H[b] - LAYER_H[b - 1]
        lapse = LAYER_LAPSE[b - 1]
        t_b[b] = t_b[b - 1] + lapse * dh
        if lapse == 0.0:
            p_b[b] = p_b[b - 1] * np.exp(-GMR * dh / t_b[b - 1])
        else:
            p_b[b] = p_b[b - 1] * (t_b[b - 1] / t_b[b]) ** (GMR / lapse)
    return t_b, p_b


LAYER_T, LAYER_P = _layer_bases()


@njit(cache=True)
def _lower_density(z: float, layer_h: FloatArray, layer_lapse: FloatArray, layer_t: FloatArray,
                   layer_p: FloatArray) -> float:  # pragma: no cover - compiled
    h = R0_GEOPOTENTIAL * z / (R0_GEOPOTENTIAL + z)
    b = 0
    for i in range(1, layer_h.size):
        if h >= layer_h[i]:
            b = i
    dh = h - layer_h[b]
    lapse = layer_lapse[b]
    if lapse == 0.0:
        t = layer_t[b]
        p = layer_p[b] * np.exp(-GMR * dh / t)
    else:
        t = layer_t[b] + lapse * dh
        p = layer_p[b] * (layer_t[b] / t) ** (GMR / lapse)
    rho: float = p * M0_OVER_R / t
    return rho


def _lower_density_np(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """The layered density (kg/m^3) below 86 km at geometric heights ``z`` (m), numpy."""
    h = R0_GEOPOTENTIAL * z / (R0_GEOPOTENTIAL + z)
    b = np.clip(np.searchsorted(LAYER_H, h, side="right") - 1, 0, LAYER_H.size - 1)
    dh = h - LAYER_H[b]
    lapse = LAYER_LAPSE[b]
    iso = lapse == 0.0
    safe = np.where(iso, 1.0, lapse)
    t = np.where(iso, LAYER_T[b], LAYER_T[b] + lapse * dh)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        p = np.where(iso, LAYER_P[b] * np.exp(-GMR * dh / LAYER_T[b]), LAYER_P[b] * (LAYER_T[b] / t) ** (GMR / safe))
    return np.asarray(p * M0_OVER_R / t, float)


def _upper_log_table() -> NDArray[np.float64]:
    rho = _UPPER_RHO_TABLE.copy()
    rho[0] = float(_lower_density_np(np.array([Z_LOWER_TOP]))[0])
    return np.asarray(np.log(rho), float)


#: log of the densities at UPPER_HEIGHTS_M (kg/m^3).
UPPER_LOG_RHO = _upper_log_table()


@njit(cache=True)
def _density(z: float, layer_h: FloatArray, layer_lapse: FloatArray, layer_t: FloatArray, layer_p: FloatArray,
             up_z: FloatArray, up_log_rho: FloatArray) -> float:  # pragma: no cover - compiled
    if z < Z_LOWER_TOP:
        return _lower_density(z, layer_h, layer_lapse, layer_t, layer_p)
    if z >= up_z[up_z.size - 1]:
        return 0.0
    i = 0
    while up_z[i + 1] <= z:
        i += 1
    w = (z - up_z[i]) / (up_z[i + 1] - up_z[i])
    rho: float = np.exp(up_log_rho[i] * (1.0 - w) + up_log_rho[i + 1] * w)
    return rho


@njit(cache=True)
def density_scalar(z: float) -> float:  # pragma: no cover - compiled
    """USSA76 air density (kg/m^3) at geometric height ``z`` (m) above the ellipsoid (module docstring)."""
    rho: float = _density(z, LAYER_H, LAYER_LAPSE, LAYER_T, LAYER_P, UPPER_HEIGHTS_M, UPPER_LOG_RHO)
    return rho


def density(z: ArrayLike) -> NDArray[np.float64]:
    """USSA76 air density (kg/m^3) at geometric heights ``z`` (m, any shape): numpy twin of
    :func:`density_scalar`."""
    z = np.asarray(z, float)
    lower = _lower_density_np(np.minimum(z, Z_LOWER_TOP))
    zu = np.clip(z, UPPER_HEIGHTS_M[0], UPPER_HEIGHTS_M[-1])
    upper = np.exp(np.interp(zu, UPPER_HEIGHTS_M, UPPER_LOG_RHO))
    out = np.where(z < Z_LOWER_TOP, lower, np.where(z >= UPPER_HEIGHTS_M[-1], 0.0, upper))
    return np.asarray(out, float)
