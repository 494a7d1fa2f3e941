"""Kalman filters batched over tracks: constant velocity (CV), constant acceleration (CA), and an IMM
mixing them, in 2-D or 3-D.

State layout (``dim`` = 2 or 3): x = [position (dim), velocity (dim)] for CV, plus [acceleration
(dim)] for CA, SI units. Every function takes N tracks at once: states (N,n), covariances (N,n,n),
per-track time steps (N,), per-track measurement covariances (N,m,m) (converted measurements: the
sensors give a Cartesian position and its 3x3 covariance per detection, so the update is linear).

Process noise (Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to Tracking and
Navigation*, 2001, sec. 6.2): CV with continuous white-noise acceleration of spectral density q
(m^2/s^3), eq. 6.2.2-12; CA with continuous white-noise jerk (Wiener-process acceleration) of
density q (m^2/s^5), eq. 6.2.3-8. IMM: ibid. sec. 11.6.6 (mixing, mode-matched filtering, mode
probability update, combination).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from amdsim.core.gravity import accel


class TransitionModel(Protocol):
    """A motion model: per-track steps dt (N,) s and a spectral density q -> (F (N,n,n), Q (N,n,n)),
    x_k+1 = F x_k + w with w ~ N(0, Q). ``cv_model``, ``ca_model`` and ``cv_in_ca_model`` are these."""

    def __call__(self, dt: np.ndarray, q: float, dim: int = 3) -> tuple[np.ndarray, np.ndarray]: ...


def _blocks(M1: np.ndarray, dim: int) -> np.ndarray:
    """Scalar-per-derivative blocks (..., k, k) -> (..., k dim, k dim) with the [pos, vel, acc] layout."""
    return np.einsum("...ij,ab->...iajb", M1, np.eye(dim)).reshape(*M1.shape[:-2], M1.shape[-2] * dim,
                                                                      M1.shape[-1] * dim)


def cv_model(dt: np.ndarray, q: float, dim: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Transition F and process noise Q, each (N, 2 dim, 2 dim), of the CV model for steps dt (N,) s."""
    dt = np.atleast_1d(np.asarray(dt, float))
    one, z = np.ones_like(dt), np.zeros_like(dt)
    F1 = np.stack([np.stack([one, dt], -1), np.stack([z, one], -1)], -2)
    Q1 = q * np.stack([np.stack([dt**3 / 3, dt**2 / 2], -1), np.stack([dt**2 / 2, dt], -1)], -2)
    return _blocks(F1, dim), _blocks(Q1, dim)


def ca_model(dt: np.ndarray, q: float, dim: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Transition F and process noise Q, each (N, 3 dim, 3 dim), of the CA model for steps dt (N,) s."""
    dt = np.atleast_1d(np.asarray(dt, float))
    one, z = np.ones_like(dt), np.zeros_like(dt)
    F1 = np.stack([np.stack([one, dt, dt**2 / 2], -1), np.stack([z, one, dt], -1), np.stack([z, z, one], -1)], -2)
    Q1 = q * np.stack([np.stack([dt**5 / 20, dt**4 / 8, dt**3 / 6], -1),
                       np.stack([dt**4 / 8, dt**3 / 3, dt**2 / 2], -1),
                       np.stack([dt**3 / 6, dt**2 / 2, dt], -1)], -2)
    return _blocks(F1, dim), _blocks(Q1, dim)


def cv_in_ca_model(dt: np.ndarray, q: float, dim: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """The CV model acting on the CA state (acceleration held at zero), for the IMM: (N, 3 dim, 3 dim)."""
    dt = np.atleast_1d(np.asarray(dt, float))
    one, z = np.ones_like(dt), np.zeros_like(dt)
    F1 = np.stack([np.stack([one, dt, z], -1), np.stack([z, one, z], -1), np.stack([z, z, z], -1)], -2)
    Q1 = q * np.stack([np.stack([dt**3 / 3, dt**2 / 2, z], -1), np.stack([dt**2 / 2, dt, z], -1),
                       np.stack([z, z, z], -1)], -2)
    return _blocks(F1, dim), _blocks(Q1, dim)


def free_fall_increment(x: np.ndarray, dt: float, rotating: bool = True) -> np.ndarray:
    """The free-fall mode's addition to the constant-velocity prediction (``imm_gravity``): for states
    x (..., >= 6) = [position, velocity, ...] in ECEF (m, m/s) and a step dt (s), the increment
    (..., 6) = [a dt^2 / 2, a dt] with a the free-flight acceleration at the step's mid-point
    (position x_p + x_v dt / 2, velocity x_v): ``core/gravity.accel``, the engine's model of the
    missiles' free flight (``rotating``: WGS84 J2 gravitation plus the centrifugal and Coriolis terms
    of the earth-fixed frame; else point-mass gravity). Its change over a scan is second order."""
    pos, vel = x[..., :3], x[..., 3:6]
    a = accel(pos + 0.5 * dt * vel, vel, rotating)
    return np.concatenate([0.5 * dt * dt * a, dt * a], axis=-1)


def transition_matrix(dt: np.ndarray, dim: int = 3, model: str = "cv") -> np.ndarray:
    """F (N,n,n) of model ``cv`` or ``ca`` for steps dt (N,) s."""
    return {"cv": cv_model, "ca": ca_model}[model](dt, 0.0, dim)[0]


def process_noise(dt: np.ndarray, q: float, dim: int = 3, model: str = "cv") -> np.ndarray:
    """Q (N,n,n) of model ``cv`` (white-noise acceleration, q m^2/s^3) or ``ca`` (white-noise jerk,
    q m^2/s^5) for steps dt (N,) s."""
    return {"cv": cv_model, "ca": ca_model}[model](dt, q, dim)[1]


def position_matrix(dim: int = 3, n: int | None = None) -> np.ndarray:
    """H (dim, n) picking the position out of a state of length n (default 2 dim, the CV state)."""
    n = 2 * dim if n is None else n
    H = np.zeros((dim, n))
    H[:, :dim] = np.eye(dim)
    return H


def kalman_predict(x: np.ndarray, P: np.ndarray, F: np.ndarray, Q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Predicted states (N,n) and covariances (N,n,n) for transitions F and noises Q ((N,n,n) or (n,n))."""
    x = np.einsum("...ij,...j->...i", F, x)
    P = F @ P @ np.swapaxes(F, -1, -2) + Q
    return x, 0.5 * (P + np.swapaxes(P, -1, -2))


def kalman_update(x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray,
                  H: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kalman update of states (N,n), covariances (N,n,n) with measurements z (N,m), covariances R (N,m,m)
    and measurement matrix H (m,n). Joseph form. Returns x, P, innovation nu (N,m), its covariance S (N,m,m)."""
    nu = z - x @ H.T
    PHt = P @ H.T
    S = H @ PHt + R
    K = np.swapaxes(np.linalg.solve(S, np.swapaxes(PHt, -1, -2)), -1, -2)   # P H' S^-1 (S symmetric)
    x = x + np.einsum("...ij,...j->...i", K, nu)
    IKH = np.eye(P.shape[-1]) - K @ H
    P = IKH @ P @ np.swapaxes(IKH, -1, -2) + K @ R @ np.swapaxes(K, -1, -2)
    return x, 0.5 * (P + np.swapaxes(P, -1, -2)), nu, S


def mahalanobis_sq(nu: np.ndarray, S: np.ndarray) -> np.ndarray:
    """nu' S^-1 nu for innovations (...,m) and covariances (...,m,m): the NIS, or the NEES with errors and P."""
    return np.einsum("...i,...i->...", nu, np.linalg.solve(S, nu[..., None])[..., 0])


def gaussian_likelihood(nu: np.ndarray, S: np.ndarray) -> np.ndarray:
    """N(nu; 0, S) for (...,m) innovations and (...,m,m) covariances."""
    m = nu.shape[-1]
    _, logdet = np.linalg.slogdet(S)
    return np.exp(-0.5 * (mahalanobis_sq(nu, S) + logdet + m * np.log(2 * np.pi)))


def imm_mix(x: np.ndarray, P: np.ndarray, mu: np.ndarray,
            trans: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """IMM interaction: model-conditioned states (N,r,n), covariances (N,r,n,n), mode probabilities (N,r),
    Markov transition matrix (r,r) (row i -> column j). Returns mixed x0 (N,r,n), P0 (N,r,n,n) and the
    predicted mode probabilities c (N,r)."""
    c = mu @ trans                                                  # (N,r)
    w = mu[:, :, None] * trans[None] / np.maximum(c[:, None, :], 1e-300)   # (N,i,j) mixing weights
    x0 = np.einsum("nij,nik->njk", w, x)
    d = x[:, :, None, :] - x0[:, None, :, :]                        # (N,i,j,n)
    P0 = np.einsum("nij,nijab->njab", w, P[:, :, None] + d[..., :, None] * d[..., None, :])
    return x0, P0, c


def imm_step(x: np.ndarray, P: np.ndarray, mu: np.ndarray, trans: np.ndarray, F: np.ndarray, Q: np.ndarray,
             z: np.ndarray, R: np.ndarray, H: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One IMM cycle (mix, predict, update, mode probabilities) for N tracks and r models.

    x (N,r,n), P (N,r,n,n), mu (N,r), trans (r,r), F and Q (N,r,n,n) per track and model (e.g. stacked
    ``cv_in_ca_model`` and ``ca_model``), z (N,m), R (N,m,m), H (m,n). Returns the updated x, P, mu.
    """
    x0, P0, c = imm_mix(x, P, mu, trans)
    xp, Pp = kalman_predict(x0, P0, F, Q)
    r = x.shape[1]
    xu, Pu, nu, S = kalman_update(xp, Pp, np.repeat(z[:, None], r, 1), np.repeat(R[:, None], r, 1), H)
    lik = gaussian_likelihood(nu, S)                                # (N,r)
    mu = c * lik
    tot = mu.sum(axis=1, keepdims=True)
    mu = np.where(tot > 0, mu / np.where(tot > 0, tot, 1.0), c)
    return xu, Pu, mu


def imm_combine(x: np.ndarray, P: np.ndarray, mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Combined estimate (N,n) and covariance (N,n,n) of model-conditioned x (N,r,n), P (N,r,n,n)."""
    xc = np.einsum("nr,nri->ni", mu, x)
    d = x - xc[:, None]
    Pc = np.einsum("nr,nrij->nij", mu, P + d[..., :, None] * d[..., None, :])
    return xc, Pc
