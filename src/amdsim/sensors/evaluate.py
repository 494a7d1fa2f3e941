"""Compiled radar x target evaluation: line of sight, geometry, field of regard, SNR, multipath, Pd.

One fused numba loop over the (S, T) pairs replaces about forty numpy passes over (S, T)
temporaries; it gives the same numbers as composing :mod:`horizon`, :mod:`scan`,
:mod:`range_equation`, :mod:`clutter` and :mod:`detection` (checked in the tests), with Pd read from
per-radar tables (:func:`amdsim.sensors.detection.pd_table`, 0.05 dB grid, linear interpolation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

from amdsim.core.geodesy import EARTH_MEAN_RADIUS, FOUR_THIRDS, ecef2geodetic, enu_basis
from amdsim.sensors.clutter import MAX_LOSS_DB
from amdsim.sensors.detection import TABLE_SNR_DB, pd_table
from amdsim.sensors.horizon import horizon_angle


def _f(x: ArrayLike, n: int) -> NDArray[np.float64]:
    return np.ascontiguousarray(np.broadcast_to(np.asarray(x, float), (n,)))


@dataclass(init=False)
class RadarParams:
    """Per-radar parameters as (S,) arrays, SI units (plain arrays: no scenario classes).

    ``ref_snr_db`` is reached on a target of ``ref_rcs`` (m^2) at ``ref_range`` (m); ``az_width``
    of 2 pi means all-round; ``multipath`` switches the sea-surface loss per radar. Each argument
    may be a scalar (the same for every radar) or an (S,) array; the attributes are (S,) arrays.
    """

    ref_range: NDArray[np.float64]
    ref_rcs: NDArray[np.float64]
    ref_snr_db: NDArray[np.float64]
    pfa: NDArray[np.float64]
    n_pulses: NDArray[np.float64]
    swerling: NDArray[np.int_]
    wavelength: NDArray[np.float64]
    az_center: NDArray[np.float64]
    az_width: NDArray[np.float64]
    el_min: NDArray[np.float64]
    el_max: NDArray[np.float64]
    min_range: NDArray[np.float64]
    max_range: NDArray[np.float64]
    multipath: NDArray[np.bool_]
    sea_rms_height: NDArray[np.float64]
    _tables: NDArray[np.float64] | None = field(default=None, repr=False)

    def __init__(self, ref_range: ArrayLike, ref_rcs: ArrayLike = 1.0, ref_snr_db: ArrayLike = 13.0,
                 pfa: ArrayLike = 1e-6, n_pulses: ArrayLike = 1, swerling: ArrayLike = 1,
                 wavelength: ArrayLike = 0.1, az_center: ArrayLike = 0.0, az_width: ArrayLike = 2.0 * np.pi,
                 el_min: ArrayLike = -np.pi / 2, el_max: ArrayLike = np.pi / 2, min_range: ArrayLike = 0.0,
                 max_range: ArrayLike = np.inf, multipath: ArrayLike = True, sea_rms_height: ArrayLike = 0.0,
                 _tables: NDArray[np.float64] | None = None) -> None:
        self.ref_range = np.atleast_1d(np.asarray(ref_range, float))
        n = self.ref_range.size
        self.ref_rcs = _f(ref_rcs, n)
        self.ref_snr_db = _f(ref_snr_db, n)
        self.pfa = _f(pfa, n)
        self.n_pulses = _f(n_pulses, n)
        self.wavelength = _f(wavelength, n)
        self.az_center = _f(az_center, n)
        self.az_width = _f(az_width, n)
        self.el_min = _f(el_min, n)
        self.el_max = _f(el_max, n)
        self.min_range = _f(min_range, n)
        self.max_range = _f(max_range, n)
        self.sea_rms_height = _f(sea_rms_height, n)
        self.swerling = np.ascontiguousarray(np.broadcast_to(np.asarray(swerling, int), (n,)))
        self.multipath = np.ascontiguousarray(np.broadcast_to(np.asarray(multipath, bool), (n,)))
        self._tables = _tables

    @property
    def n(self) -> int:
        return self.ref_range.size

    def subset(self, rows) -> RadarParams:
        """The radars at ``rows`` (index array or mask), sharing the already computed Pd tables."""
        names = ("ref_range", "ref_rcs", "ref_snr_db", "pfa", "n_pulses", "swerling", "wavelength", "az_center",
                 "az_width", "el_min", "el_max", "min_range", "max_range", "multipath", "sea_rms_height")
        sub = RadarParams(**{name: getattr(self, name)[rows] for name in names})
        if self._tables is not None:
            sub._tables = self._tables[rows]
        return sub

    def tables(self) -> np.ndarray:
        """(S, G) Pd tables on :data:`TABLE_SNR_DB`, computed once and cached."""
        if self._tables is None:
            self._tables = pd_table(self.pfa, self.n_pulses, self.swerling)
        return self._tables

    def snr_db_at_1m_1m2(self) -> np.ndarray:
        """(S,) SNR (dB) of a 1 m^2 target at 1 m: ref_snr_db - 10 log10(ref_rcs) + 40 log10(ref_range)."""
        return self.ref_snr_db - 10.0 * np.log10(self.ref_rcs) + 40.0 * np.log10(self.ref_range)


class PairEvaluation(NamedTuple):
    """(S, T) results; ``pd`` is 0 and ``snr_db``, ``azimuth``, ``elevation`` are NaN where ``visible`` is False."""

    visible: np.ndarray    #: bool, line of sight clear and inside the field of regard
    pd: np.ndarray         #: detection probability this scan
    snr_db: np.ndarray     #: mean single-pulse SNR after multipath loss (dB)
    range: np.ndarray      #: slant range (m)
    azimuth: np.ndarray    #: rad from north, radar ENU
    elevation: np.ndarray  #: rad, radar ENU


@numba.njit(cache=True, fastmath=True, nogil=True, error_model="numpy")
def _evaluate_kernel(rpos, basis, r_cos, r_sin, r_h, tpos, t_unit, t_cos, t_sin, t_h, rcs_db,
                     c_db, wavelength, multipath, rough, az_center, cos_half, all_round,
                     sin_el_min, sin_el_max, min_range, max_range, tables, g0, inv_dg, max_loss_db,
                     with_angles, visible, pd, snr_db, rng_out, az_out, el_out):
    n_s = rpos.shape[0]
    n_t = tpos.shape[0]
    n_g = tables.shape[1]
    nan = math.nan
    for s in range(n_s):
        rx, ry, rz = rpos[s, 0], rpos[s, 1], rpos[s, 2]
        rn = math.sqrt(rx * rx + ry * ry + rz * rz)
        ux, uy, uz = rx / rn, ry / rn, rz / rn
        ex, ey, ez = basis[s, 0, 0], basis[s, 0, 1], basis[s, 0, 2]
        nx, ny, nz = basis[s, 1, 0], basis[s, 1, 1], basis[s, 1, 2]
        zx, zy, zz = basis[s, 2, 0], basis[s, 2, 1], basis[s, 2, 2]
        sc, cc = math.sin(az_center[s]), math.cos(az_center[s])
        lam = wavelength[s]
        hr = r_h[s]
        rmin, rmax = min_range[s], max_range[s]
        for t in range(n_t):
            dx, dy, dz = tpos[t, 0] - rx, tpos[t, 1] - ry, tpos[t, 2] - rz
            rng = math.sqrt(dx * dx + dy * dy + dz * dz)
            rng_out[s, t] = rng
            # Cheapest rejections first; angles and SNR only for pairs that survive.
            ok = rmin <= rng <= rmax
            if ok:
                # Effective-earth line of sight: theta / k <= alpha_r + alpha_t, compared as cosines
                # of k (alpha_r + alpha_t) from per-radar and per-target sines and cosines.
                ok = ux * t_unit[t, 0] + uy * t_unit[t, 1] + uz * t_unit[t, 2] >= (
                    r_cos[s] * t_cos[t] - r_sin[s] * t_sin[t])
            if ok:
                du = (dx * zx + dy * zy + dz * zz) / max(rng, 1e-9)
                ok = sin_el_min[s] <= du <= sin_el_max[s]
            de = 0.0
            dn = 0.0
            if ok:
                de = dx * ex + dy * ey + dz * ez
                dn = dx * nx + dy * ny + dz * nz
                if not all_round[s]:
                    hz = math.sqrt(de * de + dn * dn)
                    ok = de * sc + dn * cc >= cos_half[s] * hz
            visible[s, t] = ok
            if not ok:
                pd[s, t] = 0.0
                snr_db[s, t] = nan
                az_out[s, t] = nan
                el_out[s, t] = nan
                continue
            if with_angles:
                az_out[s, t] = math.atan2(de, dn)
                el_out[s, t] = math.asin(min(max(du, -1.0), 1.0))
            r = max(rng, 1.0)
            snr = c_db[s] + rcs_db[s, t] - 40.0 * math.log10(r)
            if multipath[s]:
                ht = max(t_h[t], 0.0)
                ph = min(12.566370614359172 * hr * ht / (lam * r), math.pi)
                rho = 1.0
                if rough[s] > 0.0:
                    a = 6.283185307179586 * rough[s] * min((hr + ht) / r, 1.0) / lam
                    rho = math.exp(-2.0 * a * a)
                # With rho = 1 the factor is >= 1 (no loss) once the phase passes pi / 3.
                f2 = 1.0 if (rho == 1.0 and ph >= 1.0471975511965976) else 1.0 + rho * rho - 2.0 * rho * math.cos(ph)
                if f2 < 1.0:
                    snr -= max_loss_db if f2 <= 0.0 else min(-20.0 * math.log10(f2), max_loss_db)
            snr_db[s, t] = snr
            x = (snr - g0) * inv_dg
            if x <= 0.0:
                p = tables[s, 0]
            elif x >= n_g - 1:
                p = tables[s, n_g - 1]
            else:
                i = int(x)
                w = x - i
                p = tables[s, i] * (1.0 - w) + tables[s, i + 1] * w
            pd[s, t] = p


def evaluate_pairs(radar_pos_ecef, target_pos_ecef, rcs, params: RadarParams, k=FOUR_THIRDS,
                   az_offset=None, radar_geodetic=None, target_alt=None, out=None,
                   with_angles=True) -> PairEvaluation:
    """Evaluate every radar x target pair in one compiled pass.

    Parameters
    ----------
    radar_pos_ecef : ndarray, shape (S, 3)
        Antenna positions (m).
    target_pos_ecef : ndarray, shape (T, 3)
        Target positions (m).
    rcs : array_like, shape (T,) or (S, T)
        Target RCS (m^2) seen by each radar (aspect classes resolved by the caller).
    params : RadarParams
        S radars.
    k : float
        Effective-earth-radius factor.
    az_offset : array_like, shape (S,), optional
        Added to ``params.az_center`` (host heading, rad, for body-fixed fighter radar sectors).
    radar_geodetic, target_alt : optional
        Precomputed ``ecef2geodetic(radar_pos_ecef)`` and target heights (T,) to skip the conversions.
    out : PairEvaluation, optional
        Preallocated (S, T) output arrays to reuse.
    with_angles : bool
        Fill ``azimuth`` and ``elevation``; when False they are left unset (the visibility tests do
        not need them) and :func:`amdsim.sensors.measurement.ecef2rae` can supply them for the
        detected pairs only.

    Returns
    -------
    PairEvaluation
    """
    rpos = np.ascontiguousarray(np.atleast_2d(radar_pos_ecef), dtype=float)
    tpos = np.ascontiguousarray(np.atleast_2d(target_pos_ecef), dtype=float)
    n_s, n_t = rpos.shape[0], tpos.shape[0]
    lat, lon, h_r = radar_geodetic if radar_geodetic is not None else ecef2geodetic(rpos)
    h_t = np.asarray(target_alt, float) if target_alt is not None else ecef2geodetic(tpos)[2]
    basis = np.ascontiguousarray(enu_basis(lat, lon))
    with np.errstate(divide="ignore"):
        rcs_db = 10.0 * np.log10(np.asarray(rcs, float))
    rcs_db = np.broadcast_to(rcs_db, (n_s, n_t))
    center = params.az_center if az_offset is None else params.az_center + np.asarray(az_offset, float)
    if out is None:
        out = PairEvaluation(np.empty((n_s, n_t), bool), *(np.empty((n_s, n_t)) for _ in range(5)))
    # k (alpha_r + alpha_t) is the largest true central angle with a clear ray (alpha: horizon angles
    # on the effective earth); capped below pi so the cosine comparison stays monotone.
    a_r = np.minimum(k * horizon_angle(h_r, k, EARTH_MEAN_RADIUS), np.pi / 2)
    a_t = np.minimum(k * horizon_angle(h_t, k, EARTH_MEAN_RADIUS), np.pi / 2)
    t_unit = tpos / np.linalg.norm(tpos, axis=1, keepdims=True)
    _evaluate_kernel(rpos, basis, np.cos(a_r), np.sin(a_r), np.maximum(h_r, 0.0), tpos, t_unit,
                     np.cos(a_t), np.sin(a_t), np.ascontiguousarray(h_t, dtype=float), rcs_db,
                     params.snr_db_at_1m_1m2(), params.wavelength, params.multipath, params.sea_rms_height,
                     np.ascontiguousarray(center), np.cos(params.az_width / 2.0),
                     params.az_width >= 2.0 * np.pi - 1e-12, np.sin(params.el_min), np.sin(params.el_max),
                     params.min_range, params.max_range, params.tables(),
                     float(TABLE_SNR_DB[0]), 1.0 / float(TABLE_SNR_DB[1] - TABLE_SNR_DB[0]), MAX_LOSS_DB,
                     bool(with_angles), *out)
    return out
