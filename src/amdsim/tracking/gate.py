"""Chi-square gating on (tracks x detections) Mahalanobis distances (Bar-Shalom 2001, 2.4.3)."""
from __future__ import annotations

import numpy as np
from scipy.stats import chi2


def gate_threshold(prob: float, dim: int) -> float:
    """Squared-distance gate g such that P(chi2_dim <= g) = prob."""
    return float(chi2.ppf(prob, dim))


def mahalanobis_d2(zpred: np.ndarray, S: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Squared Mahalanobis distances (N, M) of detections z (M, d) to predictions zpred (N, d), S (N, d, d)."""
    L = np.linalg.cholesky(S)                              # (N, d, d)
    diff = z[None, :, :] - zpred[:, None, :]               # (N, M, d)
    y = np.linalg.solve(L[:, None], diff[..., None])[..., 0]
    return np.einsum("nmd,nmd->nm", y, y)


def gate_mask(d2: np.ndarray, prob: float, dim: int) -> np.ndarray:
    """Boolean (N, M) mask of pairs inside the chi-square gate."""
    return d2 <= gate_threshold(prob, dim)
