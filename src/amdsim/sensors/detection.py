"""Probability of detection from SNR and false-alarm probability (square-law detector).

Cases follow Swerling: 0 (non-fluctuating), 1 (scan-to-scan, chi-square 2 dof), 2 (pulse-to-pulse,
2 dof), 3 (scan-to-scan, 4 dof), 4 (pulse-to-pulse, 4 dof). ``n`` pulses are integrated
non-coherently; ``snr`` is always the mean single-pulse SNR (linear).

Methods
-------
``exact``
    Threshold T from Pfa = Q(n, T) (regularised upper incomplete gamma). Swerling 0: generalised
    Marcum Q, Pd = Q_n(sqrt(2 n x), sqrt(2 T)) computed as the survival function of a non-central
    chi-square (scipy ``chndtr``). Swerling 1: closed form (Richards 2005, eq. 6.68 ;
    Mahafza, *Radar Systems Analysis and Design Using MATLAB*, 3rd ed., eq. 2.84).
    Swerling 2: Pd = Q(n, T / (1 + x)) (Richards eq. 6.70). Swerling 3: closed form for n <= 2
    (Mahafza eq. 2.93), otherwise the Swerling 0 result averaged over the 4-dof RCS density by generalised Gauss-Laguerre quadrature (exact to ~1e-6).
    Swerling 4: only through Shnidman.
``albersheim``
    Albersheim's empirical relation, Swerling 0 only (Richards eq. 6.79 and its inversion 6.80);
    quoted within 0.2 dB for 1e-7 <= Pfa <= 1e-3, 0.1 <= Pd <= 0.9, 1 <= n <= 8096 (fitted to a
    linear detector); against the exact square-law result we measure <= 0.3 dB for Pd >= 0.5, but
    errors of 1-4 dB at Pd 0.1 with Pfa >= 1e-5.
``shnidman``
    Shnidman's empirical relation for all five cases (Richards eqs. 6.81-6.84); within about
    1 dB for 0.1 <= Pd <= 0.99, 1e-7 <= Pfa <= 1e-3, 1 <= n <= 100 (Richards, Scheer & Holm,
    *Principles of Modern Radar* (2010), sec. 15.4); 0.5 dB for 0.5 <= Pd <= 0.9 (tests).

References: M. A. Richards, *Fundamentals of Radar Signal Processing*, McGraw-Hill (2005), ch. 6;
Skolnik, *Introduction to Radar Systems*, 3rd ed. (2001), sec. 2.5; D. A. Shnidman, "Determination
of required SNR values", IEEE TAES 38(3), 2002.
"""

from __future__ import annotations

import numpy as np
from scipy import special

_QUAD_NODES, _QUAD_WEIGHTS = special.roots_genlaguerre(96, 1.0)


def threshold_from_pfa(pfa, n=1):
    """Normalised square-law threshold T (noise-power units) giving ``pfa`` over ``n`` pulses.

    Pfa = Gamma_upper(n, T) / Gamma(n)  (Richards 2005, eq. 6.55); T = -ln(Pfa) when n = 1.
    """
    return special.gammainccinv(np.asarray(n, float), np.asarray(pfa, float))


def _pd_sw0(x, thr, n):
    # Pd = Q_n(sqrt(2nx), sqrt(2T)) = P[chi'^2(2n, 2nx) > 2T].
    return 1.0 - special.chndtr(2.0 * thr, 2.0 * n, 2.0 * n * x)


def _pd_sw1(x, thr, n):
    nx = n * x
    one = np.exp(-thr / (1.0 + x))
    # Richards eq. 6.68: Pd = 1 - P(n-1, T) + (1 + 1/(n x))^(n-1) P(n-1, T/(1 + 1/(n x))) e^{-T/(1+n x)}.
    nm1 = np.maximum(n - 1.0, 1e-300)
    ratio = 1.0 + 1.0 / np.maximum(nx, 1e-300)
    with np.errstate(over="ignore", invalid="ignore"):
        many = (special.gammaincc(nm1, thr) + ratio ** (n - 1.0) * special.gammainc(nm1, thr / ratio)
                * np.exp(-thr / (1.0 + nx)))
    # Overflow only at vanishing n x, where Pd tends to Pfa = Q(n, T).
    return np.where(n <= 1, one, np.where(np.isfinite(many), many, special.gammaincc(n, thr)))


def _pd_sw2(x, thr, n):
    return special.gammaincc(n, thr / (1.0 + x))


def _pd_sw3(x, thr, n):
    # n = 1, 2: closed form (Mahafza 2005, eq. 2.93; reduces to Richards eq. 6.69 for n = 1).
    nx = np.maximum(n * x, 1e-300)
    closed = ((1.0 + 2.0 / nx) ** (n - 2.0) * (1.0 + thr / (1.0 + nx / 2.0) - 2.0 * (n - 2.0) / nx)
              * np.exp(-thr / (1.0 + nx / 2.0)))
    if np.all(n <= 2):
        return closed
    # n > 2: average the non-fluctuating Pd over the chi-square 4-dof RCS density p(s) = 4 s e^{-2s} (mean 1):
    # with u = 2 s the weight is u e^{-u}, generalised Gauss-Laguerre with alpha = 1.
    s = _QUAD_NODES / 2.0
    pd = _pd_sw0(x[..., None] * s, thr[..., None], n[..., None])
    return np.where(n <= 2, closed, pd @ _QUAD_WEIGHTS)


def pd_exact(snr, pfa, n=1, case=0):
    """Exact Pd (see module notes) for mean single-pulse SNR ``snr`` (linear), Swerling 0-3.

    Parameters
    ----------
    snr, pfa, n, case : array_like
        Broadcast together; ``case`` is 0, 1, 2 or 3 (Swerling 4: use :func:`pd_shnidman`).

    Returns
    -------
    ndarray
        Pd in [0, 1], broadcast shape.
    """
    snr, pfa, n, case = np.broadcast_arrays(np.maximum(np.asarray(snr, float), 0.0), np.asarray(pfa, float),
                                            np.asarray(n, float), np.asarray(case, int))
    if np.any(case == 4) or np.any((case < 0) | (case > 4)):
        raise ValueError("pd_exact handles Swerling cases 0-3; use pd_shnidman for case 4")
    thr = threshold_from_pfa(pfa, n)
    out = np.empty(snr.shape)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        _pd_fill(out, snr, thr, n, case)
    return np.clip(np.where(snr > 0.0, out, pfa), 0.0, 1.0)


def _pd_fill(out, snr, thr, n, case):
    for c, fn in ((0, _pd_sw0), (1, _pd_sw1), (2, _pd_sw2), (3, _pd_sw3)):
        m = case == c
        if np.any(m):
            out[m] = fn(snr[m], thr[m], n[m])


def snr_albersheim(pd, pfa, n=1):
    """Albersheim's required single-pulse SNR (linear), Swerling 0 (Richards 2005, eq. 6.79)."""
    pd, pfa, n = (np.asarray(v, float) for v in (pd, pfa, n))
    a = np.log(0.62 / pfa)
    b = np.log(pd / (1.0 - pd))
    snr_db = -5.0 * np.log10(n) + (6.2 + 4.54 / np.sqrt(n + 0.44)) * np.log10(a + 0.12 * a * b + 1.7 * b)
    return 10.0 ** (snr_db / 10.0)


def pd_albersheim(snr, pfa, n=1):
    """Albersheim's relation inverted for Pd (Richards 2005, eq. 6.80), Swerling 0."""
    snr, pfa, n = (np.asarray(v, float) for v in (snr, pfa, n))
    with np.errstate(divide="ignore"):
        z = (10.0 * np.log10(np.maximum(snr, 1e-300)) + 5.0 * np.log10(n)) / (6.2 + 4.54 / np.sqrt(n + 0.44))
    a = np.log(0.62 / pfa)
    b = (10.0 ** z - a) / (1.7 + 0.12 * a)
    return 1.0 / (1.0 + np.exp(-np.clip(b, -700.0, 700.0)))


def _shnidman_k(case, n):
    return np.select([case == 0, case == 1, case == 2, case == 3], [np.inf, 1.0, n, 2.0], 2.0 * n)


def snr_shnidman(pd, pfa, n=1, case=0):
    """Shnidman's required single-pulse SNR (linear) for Swerling 0-4 (Richards 2005, eqs. 6.81-6.84)."""
    pd, pfa, n, case = np.broadcast_arrays(np.asarray(pd, float), np.asarray(pfa, float),
                                           np.asarray(n, float), np.asarray(case, int))
    k = _shnidman_k(case, n)
    alpha = np.where(n < 40, 0.0, 0.25)
    eta = np.sqrt(-0.8 * np.log(4.0 * pfa * (1.0 - pfa))) + np.sign(pd - 0.5) * np.sqrt(
        -0.8 * np.log(4.0 * pd * (1.0 - pd)))
    x_inf = eta * (eta + 2.0 * np.sqrt(n / 2.0 + (alpha - 0.25)))
    c1 = (((17.7006 * pd - 18.4496) * pd + 14.5339) * pd - 3.525) / k
    c2 = (np.exp(27.31 * pd - 25.14) + (pd - 0.8) * (0.7 * np.log(1e-5 / pfa) + (2.0 * n - 20.0) / 80.0)) / k
    c_db = np.where(pd <= 0.872, c1, c1 + c2)
    c = np.where(np.isinf(k), 1.0, 10.0 ** (c_db / 10.0))
    return c * x_inf / n


def _bisect(fun, target, lo, hi, iters=60):
    """Vectorised bisection for an increasing ``fun`` on [lo, hi] (arrays broadcast with target)."""
    lo = np.broadcast_to(np.asarray(lo, float), np.shape(target)).copy()
    hi = np.broadcast_to(np.asarray(hi, float), np.shape(target)).copy()
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        up = fun(mid) < target
        lo = np.where(up, mid, lo)
        hi = np.where(up, hi, mid)
    return 0.5 * (lo + hi)


def pd_shnidman(snr, pfa, n=1, case=0):
    """Shnidman's relation inverted numerically for Pd (monotone bisection on Pd in [0.1, 0.99])."""
    snr, pfa, n, case = np.broadcast_arrays(np.asarray(snr, float), np.asarray(pfa, float),
                                            np.asarray(n, float), np.asarray(case, int))
    pd = _bisect(lambda p: snr_shnidman(p, pfa, n, case), snr, 0.1, 0.99, iters=40)
    lo_snr = snr_shnidman(0.1, pfa, n, case)
    hi_snr = snr_shnidman(0.99, pfa, n, case)
    # Outside Shnidman's validity the Pd is clamped to the end of the fitted range (or 0 / 1 far out).
    pd = np.where(snr < lo_snr, 0.1 * np.clip(snr / lo_snr, 0.0, 1.0) ** 4, pd)
    return np.where(snr > hi_snr, 0.99 + 0.01 * (1.0 - np.clip(hi_snr / snr, 0.0, 1.0)), pd)


def pd_from_snr(snr, pfa, n=1, case=0, method="exact"):
    """Pd for mean single-pulse SNR (linear), Pfa, n pulses non-coherently integrated, Swerling case.

    ``method`` is ``"exact"`` (cases 0-3), ``"albersheim"`` (case 0) or ``"shnidman"`` (cases 0-4).
    """
    if method == "exact":
        return pd_exact(snr, pfa, n, case)
    if method == "albersheim":
        if np.any(np.asarray(case) != 0):
            raise ValueError("Albersheim's relation is for Swerling 0 only")
        return pd_albersheim(snr, pfa, n)
    if method == "shnidman":
        return pd_shnidman(snr, pfa, n, case)
    raise ValueError(f"unknown method {method!r}: exact, albersheim or shnidman")


def required_snr(pd, pfa, n=1, case=0, method="exact"):
    """Mean single-pulse SNR (linear) needed to reach ``pd`` at ``pfa`` with ``n`` pulses.

    Exact method: bisection in dB on :func:`pd_exact` over [-30, 80] dB (60 halvings, 1e-16 dB).
    """
    if method == "albersheim":
        return snr_albersheim(pd, pfa, n)
    if method == "shnidman":
        return snr_shnidman(pd, pfa, n, case)
    if method != "exact":
        raise ValueError(f"unknown method {method!r}: exact, albersheim or shnidman")
    pd, pfa, n, case = np.broadcast_arrays(np.asarray(pd, float), np.asarray(pfa, float),
                                           np.asarray(n, float), np.asarray(case, int))
    snr_db = _bisect(lambda s: pd_exact(10.0 ** (s / 10.0), pfa, n, case), pd, -30.0, 80.0, iters=50)
    return 10.0 ** (snr_db / 10.0)


#: SNR grid (dB) of the per-sensor Pd lookup tables used on the hot path.
TABLE_SNR_DB = np.linspace(-20.0, 60.0, 1601)


def pd_table(pfa, n, case, snr_db_grid=TABLE_SNR_DB):
    """Per-sensor Pd lookup table on an SNR grid (dB), for the compiled evaluation kernel.

    Parameters
    ----------
    pfa, n, case : array_like, shape (S,)
        Per-sensor false-alarm probability, pulses integrated, Swerling case (0-4; case 4 uses
        Shnidman, the others the exact forms).
    snr_db_grid : ndarray, shape (G,)
        Uniform SNR grid (dB).

    Returns
    -------
    ndarray, shape (S, G)
        Pd; linear interpolation between 0.05 dB grid points is within 1e-3 of the exact value.
    """
    pfa, n, case = np.broadcast_arrays(np.atleast_1d(np.asarray(pfa, float)), np.atleast_1d(np.asarray(n, float)),
                                       np.atleast_1d(np.asarray(case, int)))
    snr = 10.0 ** (snr_db_grid[None, :] / 10.0)
    table = np.empty((pfa.size, snr_db_grid.size))
    for key in sorted(set(zip(pfa.tolist(), n.tolist(), case.tolist(), strict=True))):
        rows = (pfa == key[0]) & (n == key[1]) & (case == key[2])
        method = "shnidman" if key[2] == 4 else "exact"
        table[rows] = pd_from_snr(snr[0], key[0], key[1], key[2], method)
    return table
