"""A multi-target tracker on arrays: constant-velocity Kalman filter, chi-square gate, global nearest
neighbour, one-point initiation, M-of-N confirmation, deletion after missed scans.

State per track: x = [position (3), velocity (3)] in the frame of the measurements (ECEF in the
engine), covariance P (6x6). Process noise: continuous white-noise acceleration of spectral density
q (m^2/s^3) (Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to Tracking and
Navigation*, 2001, sec. 6.2.2). Measurements are positions with their own covariance R (converted
measurements). All tracks are predicted, gated, assigned and updated at once; the only loop is
over the scan batches handed in (one per sensor, for sequential centralised fusion).

Track lifecycle:

==========  ===========================================  =========================================
state       entered when                                 leaves when
==========  ===========================================  =========================================
tentative   a detection no track claims                  M hits in the last N scans -> confirmed;
                                                         ``tentative_misses`` misses -> deleted
confirmed   M of N                                       ``delete_misses`` consecutive misses while in
                                                         view after coasting half of ``max_coast_s``,
                                                         or ``max_coast_s`` without update -> deleted
deleted     misses, or position sigma over ``max_sigma``  (final)
==========  ===========================================  =========================================
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.stats import chi2

from amdsim.tracking.kalman import position_matrix, process_noise

_BIG = 1e12


class GNNTracker:
    """Struct-of-arrays track table with integer ids assigned in order."""

    def __init__(self, q: float = 400.0, gate_prob: float = 0.999, m: int = 2, n: int = 3,
                 delete_misses: int = 4, tentative_misses: int = 2, init_speed_sigma: float = 700.0,
                 max_sigma: float = 20_000.0, max_coast_s: float = np.inf) -> None:
        self.q = q
        self.gate = float(chi2.ppf(gate_prob, 3))
        self.m, self.n = m, n
        self.delete_misses = delete_misses
        self.tentative_misses = tentative_misses
        self.init_speed_sigma = init_speed_sigma
        self.max_sigma = max_sigma
        self.max_coast_s = max_coast_s
        self.t_update = np.zeros(0)
        self.next_id = 0
        self.track_id = np.zeros(0, np.int64)
        self.x = np.zeros((0, 6))
        self.P = np.zeros((0, 6, 6))
        self.t = np.zeros(0)
        self.hits = np.zeros(0, np.int64)       # bit history of the last N scans (1 = associated)
        self.misses = np.zeros(0, np.int64)     # consecutive misses
        self.confirmed = np.zeros(0, bool)
        self.label = np.zeros(0, np.int64)      # bookkeeping carried from the detections (e.g. truth)

    @property
    def size(self) -> int:
        return self.track_id.size

    def predicted(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """Every track's state and covariance predicted to time ``t`` (nothing stored)."""
        dt = t - self.t
        F = np.broadcast_to(np.eye(6), (self.size, 6, 6)).copy()
        F[:, 0, 3] = F[:, 1, 4] = F[:, 2, 5] = dt
        x = np.einsum("nij,nj->ni", F, self.x)
        P = F @ self.P @ np.swapaxes(F, 1, 2) + _process_noise(dt, self.q)
        return x, P

    def step(self, t: float, z: np.ndarray, R: np.ndarray, labels: np.ndarray | None = None,
             in_view=None) -> np.ndarray:
        """Process one scan batch of M position measurements ``z`` (M,3) with covariances ``R`` (M,3,3)
        taken at time ``t``. ``in_view`` (a callable of the predicted positions (N,3) -> (N,) bool, or None
        for all) says which tracks the scan could have seen: only those count a miss.
        Returns (M,) the track id each detection updated or started (-1 if none)."""
        m_det = z.shape[0]
        labels = np.full(m_det, -1, np.int64) if labels is None else np.asarray(labels, np.int64)
        owner = np.full(m_det, -1, np.int64)
        x, P = self.predicted(t)
        assigned_t = np.zeros(0, np.int64)
        assigned_d = np.zeros(0, np.int64)
        if self.size and m_det:
            # coarse Euclidean gate first (trace bound on the innovation covariance), exact
            # Mahalanobis distances only for the surviving (track, detection) pairs
            spread = np.trace(P[:, :3, :3], axis1=1, axis2=2)[:, None] + np.trace(R, axis1=1, axis2=2)[None, :]
            dist2 = np.sum((z[None, :, :] - x[:, None, :3]) ** 2, axis=-1)
            ti, di = np.nonzero(dist2 <= self.gate * spread)
            cost = np.full((self.size, m_det), _BIG)
            if ti.size:
                S = P[ti, :3, :3] + R[di]
                nu = z[di] - x[ti, :3]
                d2 = np.einsum("pi,pi->p", nu, np.linalg.solve(S, nu[..., None])[..., 0])
                ok = d2 <= self.gate
                cost[ti[ok], di[ok]] = d2[ok] + np.linalg.slogdet(S[ok])[1]
            rows, cols = linear_sum_assignment(cost)
            ok = cost[rows, cols] < _BIG
            assigned_t, assigned_d = rows[ok], cols[ok]
        if assigned_t.size:
            Pa = P[assigned_t]
            S = Pa[:, :3, :3] + R[assigned_d]
            K = Pa[:, :, :3] @ np.linalg.inv(S)                              # (A,6,3)
            nu = z[assigned_d] - x[assigned_t, :3]
            x[assigned_t] = x[assigned_t] + np.einsum("aij,aj->ai", K, nu)
            IKH = np.broadcast_to(np.eye(6), (*K.shape[:1], 6, 6)) - K @ _H[None]
            # Joseph form keeps P symmetric and positive definite
            P[assigned_t] = IKH @ Pa @ np.swapaxes(IKH, 1, 2) + K @ R[assigned_d] @ np.swapaxes(K, 1, 2)
            owner[assigned_d] = self.track_id[assigned_t]
        hit = np.zeros(self.size, bool)
        hit[assigned_t] = True
        self.x, self.P, self.t = x, P, np.full(self.size, t)
        self.hits_before = self.hits
        self.hits = ((self.hits << 1) | hit) & ((1 << self.n) - 1)
        seen = np.ones(self.size, bool) if in_view is None or not self.size else in_view(x[:, :3])
        self.misses = np.where(hit, 0, self.misses + (seen & ~hit))
        self.hits = np.where(seen | hit, self.hits, self.hits_before)
        self.label[assigned_t] = labels[assigned_d]
        self.confirmed |= _popcount(self.hits) >= self.m
        sigma = np.sqrt(np.trace(P[:, :3, :3], axis1=1, axis2=2) / 3.0) if self.size else np.zeros(0)
        self.t_update = np.where(hit, t, self.t_update)
        coast = t - self.t_update
        keep = np.where(self.confirmed, (self.misses < self.delete_misses) | (coast < self.max_coast_s / 2),
                        self.misses < self.tentative_misses)
        keep &= (sigma <= self.max_sigma) & (coast <= self.max_coast_s)
        self._take(np.flatnonzero(keep))
        new = np.flatnonzero(owner < 0)
        if new.size:
            owner[new] = self._start(t, z[new], R[new], labels[new])
        return owner

    def _start(self, t, z, R, labels) -> np.ndarray:
        k = z.shape[0]
        ids = np.arange(self.next_id, self.next_id + k, dtype=np.int64)
        self.next_id += k
        x = np.concatenate([z, np.zeros((k, 3))], axis=1)
        P = np.zeros((k, 6, 6))
        P[:, :3, :3] = R
        P[:, 3:, 3:] = np.eye(3) * self.init_speed_sigma**2
        self.track_id = np.concatenate([self.track_id, ids])
        self.x = np.concatenate([self.x, x])
        self.P = np.concatenate([self.P, P])
        self.t = np.concatenate([self.t, np.full(k, t)])
        self.t_update = np.concatenate([self.t_update, np.full(k, t)])
        self.hits = np.concatenate([self.hits, np.ones(k, np.int64)])
        self.misses = np.concatenate([self.misses, np.zeros(k, np.int64)])
        self.confirmed = np.concatenate([self.confirmed, np.full(k, self.m <= 1)])
        self.label = np.concatenate([self.label, labels])
        return ids

    def _take(self, idx: np.ndarray) -> None:
        for name in ("track_id", "x", "P", "t", "t_update", "hits", "misses", "confirmed", "label"):
            setattr(self, name, getattr(self, name)[idx])


_H = position_matrix(3)


def _process_noise(dt: np.ndarray, q: float) -> np.ndarray:
    """(N,6,6) discretised continuous white-noise acceleration (Bar-Shalom et al. eq. 6.2.2-12)."""
    return process_noise(np.atleast_1d(np.asarray(dt, float)), q, 3, "cv").reshape((*np.shape(dt), 6, 6))


def _popcount(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, np.int64)
    c = np.zeros(v.shape, np.int64)
    while np.any(v):
        c += v & 1
        v = v >> 1
    return c
