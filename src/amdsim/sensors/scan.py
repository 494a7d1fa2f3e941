"""Scan geometry and timing: field-of-regard masks (S, T) and revisit scheduling."""

from __future__ import annotations

import numpy as np


def _col(x):
    x = np.asarray(x, float)
    return x[:, None] if x.ndim == 1 else x


def azimuth_in_sector(az, az_center, az_width):
    """(S, T) bool: azimuth (rad from north) within the sector centred on ``az_center`` (S,).

    A width of 2 pi or more is all-round.
    """
    width = _col(az_width)
    off = np.abs((az - _col(az_center) + np.pi) % (2.0 * np.pi) - np.pi)
    return (width >= 2.0 * np.pi - 1e-12) | (off <= width / 2.0)


def field_of_regard_mask(rng, az, el, az_center, az_width, el_min, el_max, min_range, max_range):
    """(S, T) bool: target inside each radar's azimuth sector, elevation limits and range window.

    Parameters
    ----------
    rng, az, el : ndarray, shape (S, T)
        Slant range (m), azimuth (rad from north), elevation (rad) of each target from each radar.
    az_center, az_width : array_like, shape (S,)
        Sector centre (rad from north; add the host heading for body-fixed fighter radars) and
        full width (rad).
    el_min, el_max : array_like, shape (S,)
        Elevation limits (rad); airborne look-down radars use negative ``el_min``.
    min_range, max_range : array_like, shape (S,)
        Instrumented range window (m).
    """
    return (azimuth_in_sector(az, az_center, az_width)
            & (el >= _col(el_min)) & (el <= _col(el_max))
            & (rng >= _col(min_range)) & (rng <= _col(max_range)))


def scan_initial_times(revisit, gen: np.random.Generator):
    """First scan time (s) of each radar, uniform over its revisit interval (S,)."""
    revisit = np.asarray(revisit, float)
    return gen.random(revisit.shape) * revisit


def scans_due(t, next_scan, revisit):
    """Radars whose scan falls due at time ``t`` (s), and their next scan times.

    Parameters
    ----------
    t : float
        Current time (s); a scan is due when ``next_scan <= t`` (1 ns tolerance).
    next_scan : ndarray, shape (S,)
        Next scheduled scan time (s) of each radar.
    revisit : ndarray, shape (S,)
        Revisit interval (s).

    Returns
    -------
    due : ndarray of int
        Rows of the radars that scan now (ascending).
    next_scan : ndarray, shape (S,)
        Updated schedule (a copy): due radars move forward by whole revisit intervals to the first
        time after ``t``, so a step longer than the revisit skips scans rather than bunching them.
    """
    next_scan = np.array(next_scan, float)
    revisit = np.asarray(revisit, float)
    due = np.flatnonzero(next_scan <= t + 1e-9)
    if due.size:
        k = np.floor((t + 1e-9 - next_scan[due]) / revisit[due]) + 1.0
        next_scan[due] += k * revisit[due]
    return due, next_scan
