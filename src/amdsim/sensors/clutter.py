"""Low-altitude loss: sea-surface multipath (two-ray propagation factor), documented and switchable.

A radar looking at a low target over the sea receives the direct ray and a ray reflected off the
surface. With reflection coefficient -rho (horizontal polarisation at low grazing angles), path
difference delta = 2 h_r h_t / R (flat-earth two-ray geometry) and phase 2 pi delta / lambda, the
one-way pattern propagation factor is

    F^2 = 1 + rho^2 - 2 rho cos(4 pi h_r h_t / (lambda R))

and the two-way power factor is F^4 (Skolnik, *Introduction to Radar Systems*, 3rd ed., sec. 8.2,
eqs. 8.5-8.8; Blake, *Radar Range-Performance Analysis*, ch. 6). Surface roughness reduces rho by
the Ament factor rho = rho0 exp(-2 (2 pi sigma_h sin psi / lambda)^2) with grazing angle
psi ~ (h_r + h_t) / R.

The simulator wants an average loss, not the lobe pattern: the phase is capped at pi (the first lobe
peak), so the factor is a loss only, it falls monotonically as the target nears the surface or the
range grows (grazing towards the horizon), reaches the R^-8 regime, (4 pi h_r h_t / lambda R)^4, in
the interference region, and is capped at ``max_loss_db`` (1 - rho)^4 can be 0 at h_t = 0).
Clutter-limited detection is folded into the same loss as a simplification.
"""

from __future__ import annotations

import numpy as np

#: Default cap on the multipath loss (dB).
MAX_LOSS_DB = 60.0


def multipath_loss_db(h_radar, h_target, rng, wavelength, enabled=True, rho0=1.0, sigma_h=0.0,
                      max_loss_db=MAX_LOSS_DB):
    """Two-way sea-surface multipath loss (dB, >= 0) for each radar x target pair.

    Parameters
    ----------
    h_radar : array_like, shape (S, 1) or broadcastable
        Antenna height above the surface (m).
    h_target : array_like, shape (1, T) or broadcastable
        Target height above the surface (m).
    rng : ndarray, shape (S, T)
        Slant range (m).
    wavelength : array_like, shape (S, 1)
        Radar wavelength (m).
    enabled : array_like of bool, shape (S, 1)
        Where False, the loss is 0 dB (the model is switched off for that radar).
    rho0 : float
        Smooth-surface reflection coefficient magnitude (1 for calm sea).
    sigma_h : float
        RMS surface height (m) for the Ament roughness factor (sea state; 0 = smooth).
    max_loss_db : float
        Cap on the loss (dB).

    Returns
    -------
    ndarray
        Loss in dB (subtract from the SNR in dB), broadcast shape.
    """
    h_r = np.maximum(np.asarray(h_radar, float), 0.0)
    h_t = np.maximum(np.asarray(h_target, float), 0.0)
    r = np.maximum(np.asarray(rng, float), 1.0)
    lam = np.asarray(wavelength, float)
    sin_psi = np.minimum((h_r + h_t) / r, 1.0)
    rho = rho0 * np.exp(-2.0 * (2.0 * np.pi * sigma_h * sin_psi / lam) ** 2)
    phase = np.minimum(4.0 * np.pi * h_r * h_t / (lam * r), np.pi)
    f2 = 1.0 + rho * rho - 2.0 * rho * np.cos(phase)
    with np.errstate(divide="ignore"):
        loss = -20.0 * np.log10(np.minimum(f2, 1.0))                 # F^4 in power
    return np.where(enabled, np.minimum(loss, max_loss_db), 0.0)
