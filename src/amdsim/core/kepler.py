"""Two-body free flight on a spherical earth: the burnout state that reaches an aim point.

Free flight follows a Keplerian conic. With burnout radius :math:`r_0`, target radius :math:`r_t`,
ground-range angle :math:`\\Psi` and flight-path angle :math:`\\gamma`, the burnout speed
parameter :math:`Q = v^2 r_0/\\mu` that reaches the target is (Bate, Mueller & White,
*Fundamentals of Astrodynamics*, 1971, sec. 6.2, the free-flight range equation, generalised to
unequal radii):

.. math:: Q = \\frac{1 - \\cos\\Psi}{\\cos\\gamma\\,\\left(\\frac{r_0}{r_t}\\cos\\gamma - \\cos(\\Psi+\\gamma)\\right)}

The minimum-energy trajectory minimises :math:`Q` over :math:`\\gamma`; for :math:`r_0 = r_t` the
optimum is :math:`\\gamma^* = (\\pi - \\Psi)/4` (ibid., eq. 6.2-19). Lofted and depressed
trajectories add or subtract a flight-path-angle offset. Compilation (burnout states) and the
movers (propagation, ``movers/ballistic.py``) both use these formulas, so they live in ``core``.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike

from amdsim.core.geodesy import EARTH_MU, FloatArray

#: A real scalar: a Python float or a numpy one (a vector norm, say); both radii of a call alike.
_Real = TypeVar("_Real", float, np.floating[Any])


def speed_parameter(psi: float, gamma: float, r0: _Real, rt: _Real) -> float:
    """Burnout speed parameter Q = v^2 r0 / mu reaching range angle ``psi`` (rad) at flight-path angle ``gamma``."""
    den = np.cos(gamma) * (r0 / rt * np.cos(gamma) - np.cos(psi + gamma))
    return (1.0 - np.cos(psi)) / den if den > 0 else np.inf


def minimum_energy_gamma(psi: float, r0: _Real, rt: _Real) -> float:
    """Flight-path angle (rad) minimising the burnout speed for range angle ``psi`` (rad).

    Q is smallest where f(gamma) = cos(gamma) (rho cos(gamma) - cos(psi + gamma)), rho = r0 / rt, is
    largest; df/dgamma = sin(psi + 2 gamma) - rho sin(2 gamma) = 0 gives

    .. math:: \\tan 2\\gamma^* = \\frac{\\sin\\Psi}{\\rho - \\cos\\Psi}

    which for r0 = rt is Bate, Mueller & White's gamma* = (pi - Psi) / 4 (eq. 6.2-19).
    """
    if abs(r0 - rt) < 1e-9 * r0:
        return (np.pi - psi) / 4.0
    return 0.5 * float(np.arctan2(np.sin(psi), r0 / rt - np.cos(psi)))


def burnout_state(r0_vec: ArrayLike, rt_vec: ArrayLike, trajectory: str = "minimum_energy", loft: float = 0.0,
                  mu: float = EARTH_MU) -> tuple[FloatArray, FloatArray]:
    """ECEF burnout position and velocity reaching ``rt_vec`` from ``r0_vec`` (both m, shape (3,)).

    ``trajectory`` is ``minimum_energy``, ``lofted`` (gamma* + loft) or ``depressed`` (gamma* - loft;
    ``quasi_ballistic`` starts as depressed). This is the non-rotating point-mass closed form: the
    engine's launch solution (``core/ballistic_flight.py``) starts from its shape and corrects it for
    the boost, the rotating earth, J2 and drag.
    """
    r0_vec = np.asarray(r0_vec, float)
    rt_vec = np.asarray(rt_vec, float)
    r0, rt = np.linalg.norm(r0_vec), np.linalg.norm(rt_vec)
    u0 = r0_vec / r0
    psi = float(np.arccos(np.clip(np.dot(u0, rt_vec / rt), -1.0, 1.0)))
    if psi < 1e-6:
        raise ValueError("launch and aim points coincide")
    gamma = minimum_energy_gamma(psi, r0, rt)
    if trajectory == "lofted":
        gamma = min(gamma + loft, np.pi / 2 - 1e-3)
    elif trajectory in ("depressed", "quasi_ballistic"):
        gamma = max(gamma - loft, 1e-3)
    q = speed_parameter(psi, gamma, r0, rt)
    v = np.sqrt(q * mu / r0)
    horiz = rt_vec - np.dot(rt_vec, u0) * u0
    horiz /= np.linalg.norm(horiz)
    vel = v * (np.cos(gamma) * horiz + np.sin(gamma) * u0)
    return r0_vec.copy(), vel


def kepler_apogee_radius(r0: float, v0: float, gamma: float, mu: float = EARTH_MU) -> float:
    """Apogee radius (m) of the conic through burnout radius ``r0``, speed ``v0``, flight-path angle ``gamma``."""
    energy = v0**2 / 2 - mu / r0
    a = -mu / (2 * energy)
    h = r0 * v0 * np.cos(gamma)
    e = np.sqrt(max(1.0 - h**2 / (mu * a), 0.0))
    apogee: float = a * (1 + e)
    return apogee
