"""Radar measurements: range, azimuth, elevation (and range rate) in the radar's local ENU frame.

Azimuth is measured clockwise from north, elevation up from the local horizontal (ellipsoid normal).
Noisy polar measurements are converted to ECEF positions with a 3x3 covariance (converted
measurement): first-order (linearised) covariance J diag(sr^2, sa^2, se^2) J^T, optionally with
the multiplicative debiasing of the unbiased converted measurement (Longbin, Xiaoquan, Yiyu,
Kangsheng & Bar-Shalom, "Unbiased converted measurements for tracking", IEEE TAES 34(3), 1998:
E[cos a] = exp(-sa^2/2) cos a, so dividing by lambda_a = exp(-sa^2/2), lambda_e = exp(-se^2/2)
removes the bias of the mean; the covariance stays first order).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from amdsim.core.geodesy import ecef2geodetic, enu_basis


class Polar(NamedTuple):
    """Radar-frame polar coordinates; arrays share one shape."""

    range: np.ndarray       #: m
    azimuth: np.ndarray     #: rad, clockwise from north, in (-pi, pi]
    elevation: np.ndarray   #: rad
    range_rate: np.ndarray | None = None  #: m/s, positive opening


def radar_enu_basis(radar_pos_ecef):
    """(S, 3, 3) ENU basis rows (east, north, up in ECEF) at each radar position (S, 3)."""
    lat, lon, _ = ecef2geodetic(np.atleast_2d(radar_pos_ecef))
    return enu_basis(lat, lon)


def ecef2rae(target_pos_ecef, radar_pos_ecef, target_vel_ecef=None, radar_vel_ecef=None):
    """True range, azimuth, elevation (and range rate) of every target (T, 3) from every radar (S, 3).

    Returns :class:`Polar` of (S, T) arrays; range rate when ``target_vel_ecef`` (T, 3) is given
    (radar velocity (S, 3) optional, zero otherwise).
    """
    radar_pos_ecef = np.atleast_2d(np.asarray(radar_pos_ecef, float))
    target_pos_ecef = np.atleast_2d(np.asarray(target_pos_ecef, float))
    basis = radar_enu_basis(radar_pos_ecef)
    rel = target_pos_ecef[None, :, :] - radar_pos_ecef[:, None, :]
    enu = np.einsum("sij,stj->sti", basis, rel)
    rng = np.linalg.norm(enu, axis=-1)
    az = np.arctan2(enu[..., 0], enu[..., 1])
    el = np.arcsin(np.clip(enu[..., 2] / np.maximum(rng, 1e-9), -1.0, 1.0))
    rr = None
    if target_vel_ecef is not None:
        vrel = np.atleast_2d(target_vel_ecef)[None, :, :]
        if radar_vel_ecef is not None:
            vrel = vrel - np.atleast_2d(radar_vel_ecef)[:, None, :]
        rr = np.einsum("stj,stj->st", rel, vrel) / np.maximum(rng, 1e-9)
    return Polar(rng, az, el, rr)


def pairs2rae(target_pos_ecef, radar_pos_ecef, basis):
    """True range, azimuth, elevation for M (radar, target) pairs given row by row.

    Parameters
    ----------
    target_pos_ecef, radar_pos_ecef : ndarray, shape (M, 3)
        Positions (m) of each pair.
    basis : ndarray, shape (M, 3, 3)
        ENU basis rows of each pair's radar.

    Returns
    -------
    Polar
        (M,) arrays; use after a detection draw so angles are computed only for detected pairs.
    """
    enu = np.einsum("mij,mj->mi", basis, np.asarray(target_pos_ecef, float) - radar_pos_ecef)
    rng = np.linalg.norm(enu, axis=-1)
    return Polar(rng, np.arctan2(enu[:, 0], enu[:, 1]),
                 np.arcsin(np.clip(enu[:, 2] / np.maximum(rng, 1e-9), -1.0, 1.0)))


def rae_measure(true: Polar, sigma_range, sigma_az, sigma_el, gen: np.random.Generator,
                sigma_range_rate=None) -> Polar:
    """Add zero-mean Gaussian errors to true polar coordinates (any common shape).

    Draw order is fixed (range, azimuth, elevation, range rate) so results depend only on the
    generator state. Azimuth is wrapped to (-pi, pi].
    """
    shape = np.shape(true.range)
    r = true.range + gen.standard_normal(shape) * sigma_range
    a = true.azimuth + gen.standard_normal(shape) * sigma_az
    e = true.elevation + gen.standard_normal(shape) * sigma_el
    rr = None
    if true.range_rate is not None and sigma_range_rate is not None:
        rr = true.range_rate + gen.standard_normal(shape) * sigma_range_rate
    return Polar(np.maximum(r, 0.0), np.pi - (np.pi - a) % (2.0 * np.pi), e, rr)


def rae2ecef_with_cov(rng, az, el, sigma_range, sigma_az, sigma_el, radar_pos_ecef, basis, unbiased=False):
    """Polar measurements (N,) to ECEF positions (N, 3) and covariances (N, 3, 3) in m^2.

    Parameters
    ----------
    rng, az, el : ndarray, shape (N,)
        Measured range (m), azimuth (rad from north), elevation (rad).
    sigma_range, sigma_az, sigma_el : array_like, shape (N,) or scalar
        Measurement standard deviations (m, rad, rad).
    radar_pos_ecef : ndarray, shape (N, 3)
        Antenna position of each measurement's radar (m).
    basis : ndarray, shape (N, 3, 3)
        ENU basis rows of that radar (:func:`radar_enu_basis`).
    unbiased : bool
        Remove the mean bias: east and north divided by exp(-sa^2/2) exp(-se^2/2), up by
        exp(-se^2/2) (Longbin et al. 1998).

    Returns
    -------
    pos : ndarray, shape (N, 3)
    cov : ndarray, shape (N, 3, 3)
        First-order covariance J diag(sr^2, sa^2, se^2) J^T rotated into ECEF.
    """
    rng, az, el = (np.asarray(v, float) for v in (rng, az, el))
    sr, sa, se = np.broadcast_arrays(*(np.asarray(v, float) for v in (sigma_range, sigma_az, sigma_el)), rng)[:3]
    ce, sel = np.cos(el), np.sin(el)
    ca, sai = np.cos(az), np.sin(az)
    enu = np.stack([rng * ce * sai, rng * ce * ca, rng * sel], axis=-1)
    if unbiased:
        # E[sin(a + e_a)] = exp(-sa^2/2) sin a etc.: east/north carry both factors, up only the elevation one.
        inv_e = np.exp(se * se / 2.0)
        enu = enu * np.stack([np.exp(sa * sa / 2.0) * inv_e, np.exp(sa * sa / 2.0) * inv_e, inv_e], axis=-1)
    jac = np.empty((*rng.shape, 3, 3))
    jac[..., 0, :] = np.stack([ce * sai, rng * ce * ca, -rng * sel * sai], axis=-1)
    jac[..., 1, :] = np.stack([ce * ca, -rng * ce * sai, -rng * sel * ca], axis=-1)
    jac[..., 2, :] = np.stack([sel, np.zeros_like(rng), rng * ce], axis=-1)
    d = np.stack([sr**2, sa**2, se**2], axis=-1)
    c_enu = np.einsum("nij,nj,nkj->nik", jac, d, jac)
    rot = np.swapaxes(basis, -1, -2)  # ENU -> ECEF
    pos = radar_pos_ecef + np.einsum("nij,nj->ni", rot, enu)
    cov = np.einsum("nij,njk,nlk->nil", rot, c_enu, rot)
    return pos, cov


class FalseAlarms(NamedTuple):
    """False alarms of one scan: row of the scanning radar and polar position of each plot."""

    sensor: np.ndarray      #: (M,) int, index into the radars passed in
    range: np.ndarray       #: (M,) m
    azimuth: np.ndarray     #: (M,) rad
    elevation: np.ndarray   #: (M,) rad


def false_alarms_draw(rate_per_scan, az_center, az_width, el_min, el_max, min_range, max_range,
                      gen: np.random.Generator) -> FalseAlarms:
    """Poisson number of false alarms per radar, uniform over its field of regard and range window.

    Parameters
    ----------
    rate_per_scan : array_like, shape (S,)
        Mean false alarms per scan (the cell Pfa times the number of resolution cells).
    az_center, az_width : array_like, shape (S,)
        Azimuth sector centre and full width (rad); width 2 pi for all-round radars.
    el_min, el_max : array_like, shape (S,)
        Elevation limits (rad).
    min_range, max_range : array_like, shape (S,)
        Range window (m).
    gen : numpy.random.Generator
        The ``false_alarm`` stream.

    Notes
    -----
    Uniform in (range, azimuth, elevation) because false alarms fall uniformly over resolution
    cells, which tile that space evenly.
    """
    lam = np.atleast_1d(np.asarray(rate_per_scan, float))
    counts = gen.poisson(lam)
    idx = np.repeat(np.arange(lam.size), counts)
    m = idx.size

    def sel(x):
        return np.broadcast_to(np.asarray(x, float), lam.shape)[idx]

    r_lo = sel(min_range)
    r = r_lo + gen.random(m) * (sel(max_range) - r_lo)
    az = sel(az_center) + (gen.random(m) - 0.5) * sel(az_width)
    el = sel(el_min) + gen.random(m) * (sel(el_max) - sel(el_min))
    return FalseAlarms(idx, r, np.pi - (np.pi - az) % (2.0 * np.pi), el)
