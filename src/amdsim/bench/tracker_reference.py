"""A plain numpy/scipy tracker, the yardstick of ``amdsim track``: the same algorithm in the plainest code.

Run as a script (``python tracker_reference.py detections.parquet --out tracks.parquet [--motion cv|imm_cv]
[--q Q] [--q-quiet Q0]``): it imports only numpy, scipy.optimize and pyarrow, reads the same
detections file (``time_s``, ``sensor_id``, ``x_m``, ``y_m``; 2-D, one noise ``--sigma``), and writes
the same columns. The algorithm is the offline tracker's: Kalman filters on the constant-velocity
model (Bar-Shalom, Li & Kirubarajan 2001, eq. 6.2.2-12), or an IMM of a quiet and a manoeuvring CV
mode (ibid. sec. 11.6.6); chi-square gate at 0.999 in any mode; global nearest neighbour by
``scipy.optimize.linear_sum_assignment`` on the dense tracks x detections matrix of -2 ln of the
mixture's predictive likelihood; one-point initiation (velocity 0, sigma 300 m/s); 2-of-3
confirmation; deletion after 4 (confirmed) or 2 (tentative) missed scans.

``amdsim bench --only tracker`` times both from process start to written file and scores both by
OSPA; with ``--motion cv --q 1`` this is the standard CV Kalman + GNN tracker tuned to quiet truth.
"""

from __future__ import annotations

import argparse

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.optimize import linear_sum_assignment

GATE = 13.815510557964274          # chi-square(2) quantile at 0.999: -2 ln(0.001)
BIG = 1e9


def cv(dt: float, q: float) -> tuple[np.ndarray, np.ndarray]:
    """F, Q (4,4) of the 2-D CV model, state [x, y, vx, vy]."""
    F = np.eye(4)
    F[0, 2] = F[1, 3] = dt
    Q = np.zeros((4, 4))
    Q[[0, 1], [0, 1]] = q * dt**3 / 3
    Q[[2, 3], [2, 3]] = q * dt
    Q[[0, 1, 2, 3], [2, 3, 0, 1]] = q * dt**2 / 2
    return F, Q


def track(time_s, sensor, z, sigma, qs, switch=0.005, m=2, n=3, delete=4, tentative=2, speed_sigma=300.0):
    r = len(qs)
    trans = np.full((r, r), switch / (r - 1)) + np.eye(r) * (1 - switch - switch / (r - 1)) if r > 1 else np.eye(1)
    R = np.eye(2) * sigma**2
    x = np.zeros((0, r, 4))
    P = np.zeros((0, r, 4, 4))
    mu = np.zeros((0, r))
    ids = np.zeros(0, np.int64)
    hist = np.zeros(0, np.int64)
    miss = np.zeros(0, np.int64)
    conf = np.zeros(0, bool)
    age = np.zeros(0, np.int64)
    next_id, t_prev = 0, None
    order = np.lexsort((sensor, time_s))
    keys = np.stack([time_s[order], sensor[order]], 1)
    starts = np.flatnonzero(np.r_[True, np.any(keys[1:] != keys[:-1], axis=1)])
    out = []
    for s, e in zip(starts, np.r_[starts[1:], len(order)], strict=True):
        idx = order[s:e]
        t = time_s[idx[0]]
        zk = z[idx]
        if len(ids) and t != t_prev:
            # IMM mixing, then per-mode prediction
            c = mu @ trans
            w = mu[:, :, None] * trans[None] / np.maximum(c[:, None, :], 1e-300)
            x0 = np.einsum("nij,nik->njk", w, x)
            d = x[:, :, None] - x0[:, None]
            P = np.einsum("nij,nijab->njab", w, P[:, :, None] + d[..., None] * d[..., None, :])
            mu = c
            for j, q in enumerate(qs):
                F, Q = cv(t - t_prev, q)
                x0[:, j] = x0[:, j] @ F.T
                P[:, j] = F @ P[:, j] @ F.T + Q
            x = x0
        t_prev = t
        hit = np.zeros(len(ids), bool)
        free = np.ones(len(zk), bool)
        if len(ids):
            S = P[:, :, :2, :2] + R                                         # (N,r,2,2)
            Si = np.linalg.inv(S)
            nu = zk[:, None, None, :] - x[None, :, :, :2]                   # (M,N,r,2)
            d2 = np.einsum("mnri,nrij,mnrj->mnr", nu, Si, nu)
            ll = np.log(np.maximum(mu, 1e-300))[None] - 0.5 * (d2 + np.log(np.linalg.det(S))[None])
            top = ll.max(axis=2)
            cost = -2.0 * (top + np.log(np.exp(ll - top[..., None]).sum(axis=2)))
            cost = np.where((d2 <= GATE).any(axis=2), cost, BIG).T          # (N,M)
            rows, cols = linear_sum_assignment(cost)
            ok = cost[rows, cols] < BIG
            rows, cols = rows[ok], cols[ok]
            hit[rows] = True
            free[cols] = False
            K = P[rows][..., :, :2] @ Si[rows]                              # (A,r,4,2)
            v = zk[cols][:, None] - x[rows][..., :2]
            x[rows] += np.einsum("arij,arj->ari", K, v)
            P[rows] -= K @ P[rows][..., :2, :]
            if r > 1:
                lik = np.exp(-0.5 * d2[cols, rows]) / np.sqrt(np.linalg.det(S[rows]))
                wm = mu[rows] * lik
                mu[rows] = wm / np.maximum(wm.sum(1, keepdims=True), 1e-300)
        hist = ((hist << 1) | hit) & 0xFFFF
        age += 1
        miss = np.where(hit, 0, miss + 1)
        conf |= np.bitwise_count(hist & ((1 << n) - 1)) >= m
        keep = np.where(conf, miss < delete, miss < tentative)
        x, P, mu, ids, hist, miss, conf, age = (a[keep] for a in (x, P, mu, ids, hist, miss, conf, age))
        k = int(free.sum())
        if k:
            xn = np.zeros((k, r, 4))
            xn[:, :, :2] = zk[free][:, None]
            Pn = np.zeros((k, r, 4, 4))
            Pn[:, :, :2, :2] = R
            Pn[:, :, 2:, 2:] = np.eye(2) * speed_sigma**2
            x, P = np.concatenate([x, xn]), np.concatenate([P, Pn])
            mu = np.concatenate([mu, np.full((k, r), 1.0 / r)])
            ids = np.r_[ids, np.arange(next_id, next_id + k)]
            next_id += k
            hist, miss = np.r_[hist, np.ones(k, np.int64)], np.r_[miss, np.zeros(k, np.int64)]
            conf, age = np.r_[conf, np.full(k, m <= 1)], np.r_[age, np.ones(k, np.int64)]
        xc = np.einsum("nr,nri->ni", mu, x)
        out.append((np.full(len(ids), t), ids.copy(), xc, conf.copy(),
                    np.bitwise_count(hist & 0xFF) / np.minimum(age, 8)))
    cols = [np.concatenate(c) for c in zip(*out, strict=True)]
    return {"time_s": cols[0], "track_id": cols[1], "x_m": cols[2][:, 0], "y_m": cols[2][:, 1],
            "vx_mps": cols[2][:, 2], "vy_mps": cols[2][:, 3], "confirmed": cols[3], "quality": cols[4]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("detections")
    ap.add_argument("--out", required=True)
    ap.add_argument("--motion", choices=["cv", "imm_cv"], default="imm_cv")
    ap.add_argument("--q", type=float, default=2500.0, help="CV (or manoeuvre mode) spectral density, m^2/s^3")
    ap.add_argument("--q-quiet", type=float, default=0.25, help="IMM quiet mode spectral density, m^2/s^3")
    ap.add_argument("--sigma", type=float, default=50.0, help="measurement noise, m")
    a = ap.parse_args()
    tab = pq.read_table(a.detections)
    cols = {c: tab.column(c).to_numpy() for c in ("time_s", "sensor_id", "x_m", "y_m")}
    sensor = np.unique(cols["sensor_id"].astype(str), return_inverse=True)[1]
    qs = [a.q] if a.motion == "cv" else [a.q_quiet, a.q]
    res = track(cols["time_s"].astype(float), sensor, np.stack([cols["x_m"], cols["y_m"]], 1).astype(float),
                a.sigma, qs)
    pq.write_table(pa.table(res), a.out)


if __name__ == "__main__":
    main()
