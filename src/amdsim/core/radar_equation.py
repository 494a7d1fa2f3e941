"""Radar range equation: signal-to-noise ratio of a point target, vectorized over (S, T).

Two parametrisations, both returning the single-pulse SNR (linear power ratio):

* physical: SNR = Pt G^2 lambda^2 sigma / ((4 pi)^3 R^4 k_B T_s B L)  (Skolnik 2001, eq. 2.22 with
  N = k_B T_s B; T_s = T0 F when only the noise figure F is known, T0 = 290 K);
* reference: SNR = SNR_ref (sigma / sigma_ref) (R_ref / R)^4, for a radar described by the range at
  which it reaches SNR_ref on a reference RCS (how open sources usually quote radars).

Per-sensor parameters are (S,) arrays broadcast against (S, T) ranges; RCS may be (T,) or (S, T).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Boltzmann constant (J/K).
BOLTZMANN = 1.380649e-23
#: Standard reference temperature T0 (K) for noise figures.
T0 = 290.0


def _per_sensor(x: ArrayLike, like: ArrayLike) -> NDArray[np.float64]:
    """(S,) per-sensor values as (S, 1) when ``like`` is a 2-D (S, T) array."""
    x = np.asarray(x, float)
    return x[:, None] if (np.ndim(like) == 2 and x.ndim == 1) else x


def db2lin(x_db: ArrayLike) -> NDArray[np.float64]:
    """Decibels to linear power ratio."""
    return 10.0 ** (np.asarray(x_db, float) / 10.0)


def lin2db(x: ArrayLike) -> NDArray[np.float64]:
    """Linear power ratio to decibels (-inf for 0)."""
    with np.errstate(divide="ignore"):
        db: NDArray[np.float64] = 10.0 * np.log10(np.asarray(x, float))
        return db


def snr_radar_equation(rng: ArrayLike, rcs: ArrayLike, peak_power: ArrayLike, gain: ArrayLike,
                       wavelength: ArrayLike, bandwidth: ArrayLike | None = None,
                       pulse_width: ArrayLike | None = None, noise_figure_db: ArrayLike = 0.0,
                       system_temp: ArrayLike | None = None, losses_db: ArrayLike = 0.0) -> NDArray[np.float64]:
    """Single-pulse SNR (linear) from the physical radar range equation.

    Parameters
    ----------
    rng : ndarray, shape (S, T) or (N,)
        Slant range (m).
    rcs : ndarray, shape (T,), (S, T) or (N,)
        Target radar cross section (m^2).
    peak_power : array_like, shape (S,)
        Transmitted peak power Pt (W).
    gain : array_like, shape (S,)
        Antenna gain G (linear, same on transmit and receive).
    wavelength : array_like, shape (S,)
        Wavelength (m).
    bandwidth : array_like, shape (S,), optional
        Receiver noise bandwidth B (Hz). Either this or ``pulse_width``.
    pulse_width : array_like, shape (S,), optional
        Pulse width tau (s); matched filter, B = 1 / tau.
    noise_figure_db : array_like, shape (S,)
        Receiver noise figure F (dB); used when ``system_temp`` is None, T_s = T0 F.
    system_temp : array_like, shape (S,), optional
        System noise temperature T_s (K).
    losses_db : array_like, shape (S,)
        Total system losses L (dB, positive).

    Returns
    -------
    ndarray
        SNR, linear, broadcast shape of ``rng`` and ``rcs``.

    Notes
    -----
    Skolnik, *Introduction to Radar Systems*, 3rd ed. (2001), eq. 2.22 (with Ae = G lambda^2 / 4 pi).
    """
    if bandwidth is None:
        if pulse_width is None:
            raise ValueError("give bandwidth or pulse_width")
        bandwidth = 1.0 / np.asarray(pulse_width, float)
    if system_temp is None:
        system_temp = T0 * db2lin(noise_figure_db)
    p = _per_sensor
    num = p(peak_power, rng) * p(gain, rng) ** 2 * p(wavelength, rng) ** 2 * np.asarray(rcs, float)
    den = ((4.0 * np.pi) ** 3 * np.maximum(rng, 1.0) ** 4 * BOLTZMANN * p(system_temp, rng)
           * p(bandwidth, rng) * p(db2lin(losses_db), rng))
    snr: NDArray[np.float64] = num / den
    return snr


def snr_reference(rng: ArrayLike, rcs: ArrayLike, ref_range: ArrayLike, ref_rcs: ArrayLike,
                  ref_snr: ArrayLike) -> NDArray[np.float64]:
    """Single-pulse SNR (linear) scaled from a reference detection range.

    SNR = SNR_ref (sigma / sigma_ref) (R_ref / R)^4.

    Parameters
    ----------
    rng : ndarray, shape (S, T) or (N,)
        Slant range (m).
    rcs : ndarray, shape (T,), (S, T) or (N,)
        Target RCS (m^2).
    ref_range : array_like, shape (S,)
        Range (m) at which the reference target gives ``ref_snr``.
    ref_rcs : array_like, shape (S,)
        Reference RCS (m^2).
    ref_snr : array_like, shape (S,)
        SNR (linear) of the reference target at the reference range.
    """
    p = _per_sensor
    return p(ref_snr, rng) * (np.asarray(rcs, float) / p(ref_rcs, rng)) * (p(ref_range, rng) / np.maximum(rng, 1.0)) ** 4


def range_for_snr(snr: ArrayLike, rcs: ArrayLike, ref_range: ArrayLike, ref_rcs: ArrayLike,
                  ref_snr: ArrayLike) -> NDArray[np.float64]:
    """Range (m) at which a target of RCS ``rcs`` gives SNR ``snr`` (linear): the reference form inverted.

    R = R_ref (SNR_ref sigma / (SNR sigma_ref))^(1/4).
    """
    rng: NDArray[np.float64] = np.asarray(ref_range, float) * (
        np.asarray(ref_snr, float) * np.asarray(rcs, float) / (np.asarray(snr, float) * np.asarray(ref_rcs, float))
    ) ** 0.25
    return rng


def reference_range_from_equation(ref_snr: ArrayLike, ref_rcs: ArrayLike, peak_power: ArrayLike, gain: ArrayLike,
                                  wavelength: ArrayLike, bandwidth: ArrayLike | None = None,
                                  pulse_width: ArrayLike | None = None, noise_figure_db: ArrayLike = 0.0,
                                  system_temp: ArrayLike | None = None, losses_db: ArrayLike = 0.0) -> NDArray[np.float64]:
    """Range (m) at which the physical radar equation gives ``ref_snr`` on ``ref_rcs``.

    Converts a physical description into the reference form used on the hot path.
    """
    snr_1m = snr_radar_equation(np.asarray(1.0), ref_rcs, peak_power, gain, wavelength, bandwidth,
                                pulse_width, noise_figure_db, system_temp, losses_db)
    ref_range: NDArray[np.float64] = (snr_1m / np.asarray(ref_snr, float)) ** 0.25
    return ref_range
