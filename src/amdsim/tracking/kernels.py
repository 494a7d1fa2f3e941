"""Compiled kernels of the tracker's per-scan association: gating, clustering, GNN and JPDA.

All work on flat arrays: N predicted tracks, M detections, and the P gated (track, detection) pairs
as parallel arrays ``ti, di`` (indices), ``d2`` (squared Mahalanobis distance) and ``logdet``
(ln |S| of the pair's innovation covariance S = H P H' + R, m^2 units, 3-D positions).

Pairs split into clusters (connected components of the bipartite gate graph); each cluster is
solved on its own dense little matrix, so the cost of a scan grows with the clutter around the
tracks, not with N x M. References: Bar-Shalom, Willett & Tian, *Tracking and Data Fusion* (2011)
ch. 6 (JPDA); Blackman & Popoli, *Design and Analysis of Modern Tracking Systems* (1999) 6.5 (GNN);
Fitzgerald, "Development of practical PDA logic for multitarget tracking by microprocessor" (1986)
(the "cheap JPDA" used on clusters too large to enumerate); Kuhn–Munkres with potentials for the
small assignment problems.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Cost standing for "not in the gate" inside a cluster's dense matrix.
BIG = 1e9
#: Clusters whose joint events exceed this many are weighted with the cheap JPDA approximation.
MAX_JOINT_EVENTS = 20_000
_LOG_2PI = float(np.log(2.0 * np.pi))


@njit(cache=True)
def gate_pairs(xp, Pp, z, R, gate):
    """Pairs (track, detection) inside the chi-square gate.

    xp (N,3) predicted positions, Pp (N,3,3) their covariances, z (M,3) measured positions,
    R (M,3,3) their covariances, gate: threshold on the squared Mahalanobis distance.
    A cheap Euclidean test (|nu|^2 <= gate * (tr P + tr R), implied by the exact test since the
    largest eigenvalue of S is at most its trace) screens the pairs before the 3x3 inverse.
    Returns ti, di (P,) int64, d2, logdet (P,) float64.
    """
    n, m = xp.shape[0], z.shape[0]
    cap = 4 * (n + m) + 16
    ti = np.empty(cap, np.int64)
    di = np.empty(cap, np.int64)
    d2 = np.empty(cap)
    ld = np.empty(cap)
    trp = np.empty(n)
    for i in range(n):
        trp[i] = Pp[i, 0, 0] + Pp[i, 1, 1] + Pp[i, 2, 2]
    trr = np.empty(m)
    for j in range(m):
        trr[j] = R[j, 0, 0] + R[j, 1, 1] + R[j, 2, 2]
    k = 0
    for i in range(n):
        for j in range(m):
            a0 = z[j, 0] - xp[i, 0]
            a1 = z[j, 1] - xp[i, 1]
            a2 = z[j, 2] - xp[i, 2]
            e2 = a0 * a0 + a1 * a1 + a2 * a2
            if e2 > gate * (trp[i] + trr[j]):
                continue
            s00 = Pp[i, 0, 0] + R[j, 0, 0]
            s01 = Pp[i, 0, 1] + R[j, 0, 1]
            s02 = Pp[i, 0, 2] + R[j, 0, 2]
            s11 = Pp[i, 1, 1] + R[j, 1, 1]
            s12 = Pp[i, 1, 2] + R[j, 1, 2]
            s22 = Pp[i, 2, 2] + R[j, 2, 2]
            # adjugate of the symmetric 3x3 S
            c00 = s11 * s22 - s12 * s12
            c01 = s02 * s12 - s01 * s22
            c02 = s01 * s12 - s02 * s11
            c11 = s00 * s22 - s02 * s02
            c12 = s01 * s02 - s00 * s12
            c22 = s00 * s11 - s01 * s01
            det = s00 * c00 + s01 * c01 + s02 * c02
            if det <= 0.0:
                continue
            q = (a0 * (c00 * a0 + c01 * a1 + c02 * a2) + a1 * (c01 * a0 + c11 * a1 + c12 * a2)
                 + a2 * (c02 * a0 + c12 * a1 + c22 * a2)) / det
            if q > gate:
                continue
            if k == cap:
                cap *= 2
                ti2 = np.empty(cap, np.int64)
                di2 = np.empty(cap, np.int64)
                d22 = np.empty(cap)
                ld2 = np.empty(cap)
                ti2[:k] = ti[:k]
                di2[:k] = di[:k]
                d22[:k] = d2[:k]
                ld2[:k] = ld[:k]
                ti, di, d2, ld = ti2, di2, d22, ld2
            ti[k] = i
            di[k] = j
            d2[k] = q
            ld[k] = np.log(det)
            k += 1
    return ti[:k], di[:k], d2[:k], ld[:k]


@njit(cache=True)
def _find(parent, a):
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    return a


@njit(cache=True)
def clusters(ti, di, n_tracks):
    """Cluster label of every pair: connected components of the gate graph (tracks 0..N-1 and
    detections N.. as nodes). Returns (P,) int64 labels, equal for pairs of one cluster."""
    n_nodes = n_tracks + (di.max() + 1 if di.size else 0)
    parent = np.arange(n_nodes)
    for p in range(ti.size):
        a = _find(parent, ti[p])
        b = _find(parent, n_tracks + di[p])
        if a != b:
            parent[a] = b
    lab = np.empty(ti.size, np.int64)
    for p in range(ti.size):
        lab[p] = _find(parent, ti[p])
    return lab


@njit(cache=True)
def cluster_spans(ti, di, n_tracks):
    """Pairs grouped by cluster: ``order`` (P,) pair indices sorted by cluster and ``bounds`` (C+1,)
    so that cluster c holds pairs order[bounds[c]:bounds[c+1]]."""
    lab = clusters(ti, di, n_tracks)
    order = np.argsort(lab, kind="mergesort")
    bounds = [0]
    for q in range(1, order.size):
        if lab[order[q]] != lab[order[q - 1]]:
            bounds.append(q)
    bounds.append(order.size)
    return order, np.array(bounds, np.int64)


@njit(cache=True)
def hungarian(a):
    """Minimum-cost assignment of every row of a (n, m), n <= m, to a distinct column
    (Kuhn–Munkres with row/column potentials, O(n^2 m)). Returns (n,) column per row."""
    n, m = a.shape
    u = np.zeros(n + 1)
    v = np.zeros(m + 1)
    p = np.zeros(m + 1, np.int64)
    way = np.zeros(m + 1, np.int64)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, np.bool_)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = np.inf
            j1 = 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = a[i0 - 1, j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    col = np.full(n, -1, np.int64)
    for j in range(1, m + 1):
        if p[j] != 0:
            col[p[j] - 1] = j - 1
    return col


@njit(cache=True)
def _cluster_members(ti, di, order, s, e, loc_t, loc_d, tr, de):
    """Local indices of the tracks and detections of the pairs order[s:e]; returns their counts."""
    nt = 0
    nd = 0
    for q in range(s, e):
        p = order[q]
        if loc_t[ti[p]] < 0:
            loc_t[ti[p]] = nt
            tr[nt] = ti[p]
            nt += 1
        if loc_d[di[p]] < 0:
            loc_d[di[p]] = nd
            de[nd] = di[p]
            nd += 1
    return nt, nd


@njit(cache=True)
def gnn_assign(ti, di, cost, n_tracks, n_dets):
    """Global nearest neighbour: the largest set of gated pairs with no track or detection used
    twice, of least total cost, solved cluster by cluster. Returns (N,) detection per track, -1 none."""
    det_of = np.full(n_tracks, -1, np.int64)
    if ti.size == 0:
        return det_of
    order, bounds = cluster_spans(ti, di, n_tracks)
    loc_t = np.full(n_tracks, -1, np.int64)
    loc_d = np.full(n_dets, -1, np.int64)
    tr = np.empty(n_tracks, np.int64)
    de = np.empty(n_dets, np.int64)
    for c in range(bounds.size - 1):
        s, e = bounds[c], bounds[c + 1]
        if e - s == 1:
            det_of[ti[order[s]]] = di[order[s]]
        else:
            nt, nd = _cluster_members(ti, di, order, s, e, loc_t, loc_d, tr, de)
            transpose = nt > nd
            a = np.full((nd, nt) if transpose else (nt, nd), BIG)
            for q in range(s, e):
                p = order[q]
                if transpose:
                    a[loc_d[di[p]], loc_t[ti[p]]] = cost[p]
                else:
                    a[loc_t[ti[p]], loc_d[di[p]]] = cost[p]
            col = hungarian(a)
            for r in range(col.size):
                c = col[r]
                if c >= 0 and a[r, c] < BIG:
                    if transpose:
                        det_of[tr[c]] = de[r]
                    else:
                        det_of[tr[r]] = de[c]
            for k in range(nt):
                loc_t[tr[k]] = -1
            for k in range(nd):
                loc_d[de[k]] = -1
    return det_of


@njit(cache=True)
def _exact_jpda(G, miss):
    """Marginal association probabilities of a cluster by enumerating its joint events.

    G (nt, nd): likelihood ratio of each feasible pair (0 where outside the gate); miss: the weight of a
    track taking no detection (1 - Pd Pg). Returns beta (nt, nd + 1), column 0 = no detection."""
    nt, nd = G.shape
    acc = np.zeros((nt, nd + 1))
    total = 0.0
    choice = np.full(nt, -2, np.int64)
    used = np.zeros(nd, np.bool_)
    k = 0
    while k >= 0:
        if choice[k] >= 0:
            used[choice[k]] = False
        nxt = choice[k] + 1
        while 0 <= nxt < nd and (used[nxt] or G[k, nxt] <= 0.0):
            nxt += 1
        if nxt >= nd:
            choice[k] = -2
            k -= 1
            continue
        choice[k] = nxt
        if nxt >= 0:
            used[nxt] = True
        if k == nt - 1:
            w = 1.0
            for i in range(nt):
                w *= G[i, choice[i]] if choice[i] >= 0 else miss
            total += w
            for i in range(nt):
                acc[i, choice[i] + 1] += w
        else:
            k += 1
            choice[k] = -2
    return acc / total


@njit(cache=True)
def _cheap_jpda(G, miss):
    """Fitzgerald's approximation: beta_ij = G_ij / (sum_j G_ij + sum_i G_ij - G_ij + B), B = miss."""
    nt, nd = G.shape
    row = G.sum(axis=1)
    colsum = G.sum(axis=0)
    beta = np.zeros((nt, nd + 1))
    for i in range(nt):
        tot = 0.0
        for j in range(nd):
            if G[i, j] > 0.0:
                beta[i, j + 1] = G[i, j] / (row[i] + colsum[j] - G[i, j] + miss)
                tot += beta[i, j + 1]
        if tot > 1.0:
            for j in range(nd):
                beta[i, j + 1] /= tot
            tot = 1.0
        beta[i, 0] = 1.0 - tot
    return beta


@njit(cache=True)
def jpda_weights(ti, di, d2, logdet, n_tracks, n_dets, pd, gate_prob, gate, clutter_density):
    """Association probabilities beta of every gated pair and of "no detection" for every track.

    Pair likelihood ratio G = Pd N(nu; 0, S) / lambda, no-detection weight 1 - Pd Pg (Bar-Shalom et al.
    2011, eq. 6.2.4). ``clutter_density`` lambda (per m^3); <= 0 means non-parametric: lambda = (the
    cluster's detections) / (the sum of its tracks' gate volumes) (the diffuse prior, ibid. 3.4.3).
    Returns beta_pair (P,), beta_none (N,) (1 for tracks with no gated detection)."""
    beta_pair = np.zeros(ti.size)
    beta_none = np.ones(n_tracks)
    if ti.size == 0:
        return beta_pair, beta_none
    miss = 1.0 - pd * gate_prob
    c3 = 4.0 / 3.0 * np.pi * gate ** 1.5
    order, bounds = cluster_spans(ti, di, n_tracks)
    loc_t = np.full(n_tracks, -1, np.int64)
    loc_d = np.full(n_dets, -1, np.int64)
    tr = np.empty(n_tracks, np.int64)
    de = np.empty(n_dets, np.int64)
    vol = np.zeros(n_tracks)
    for p in range(ti.size):
        vol[ti[p]] = max(vol[ti[p]], c3 * np.exp(0.5 * logdet[p]))
    for c in range(bounds.size - 1):
        s, e = bounds[c], bounds[c + 1]
        nt, nd = _cluster_members(ti, di, order, s, e, loc_t, loc_d, tr, de)
        lam = clutter_density
        if lam <= 0.0:
            v = 0.0
            for k in range(nt):
                v += vol[tr[k]]
            lam = nd / v
        G = np.zeros((nt, nd))
        for q in range(s, e):
            p = order[q]
            G[loc_t[ti[p]], loc_d[di[p]]] = pd * np.exp(-0.5 * (d2[p] + logdet[p] + 3.0 * _LOG_2PI)) / lam
        events = 1.0
        for k in range(nt):
            cnt = 1.0
            for j in range(nd):
                if G[k, j] > 0.0:
                    cnt += 1.0
            events *= cnt
        beta = _exact_jpda(G, miss) if events <= MAX_JOINT_EVENTS else _cheap_jpda(G, miss)
        for q in range(s, e):
            p = order[q]
            beta_pair[p] = beta[loc_t[ti[p]], loc_d[di[p]] + 1]
        for k in range(nt):
            beta_none[tr[k]] = beta[k, 0]
            loc_t[tr[k]] = -1
        for k in range(nd):
            loc_d[de[k]] = -1
    return beta_pair, beta_none


@njit(cache=True)
def lifecycle(hit, seen, hist, age, misses, confirmed, t_update, Ppos, t, m, n, delete_misses,
              tentative_misses, max_coast, max_sigma):
    """Track management after a scan, in place: hit history (16 bits, newest in bit 0, shifted only on
    scans that saw the track or hit it), scans in view, consecutive misses in view, M-of-N
    confirmation, last update time. Returns (N,) bool: tracks to keep. A confirmed track goes after
    ``delete_misses`` misses once it has coasted half of ``max_coast`` s (at once when that is
    infinite), a tentative one after ``tentative_misses``; any track after ``max_coast`` s without an
    update or with a position sigma (root of trace(Ppos)/3, m) over ``max_sigma``."""
    keep = np.empty(hit.size, np.bool_)
    grace = max_coast / 2 if np.isfinite(max_coast) else 0.0
    window = (1 << n) - 1
    for i in range(hit.size):
        if seen[i] or hit[i]:
            hist[i] = ((hist[i] << 1) | (1 if hit[i] else 0)) & 0xFFFF
            age[i] += 1
        if hit[i]:
            misses[i] = 0
            t_update[i] = t
        elif seen[i]:
            misses[i] += 1
        bits = hist[i] & window
        count = 0
        while bits:
            count += bits & 1
            bits >>= 1
        if count >= m:
            confirmed[i] = True
        coast = t - t_update[i]
        if confirmed[i]:
            ok = misses[i] < delete_misses or coast < grace
        else:
            ok = misses[i] < tentative_misses
        sigma = np.sqrt((Ppos[i, 0, 0] + Ppos[i, 1, 1] + Ppos[i, 2, 2]) / 3.0)
        keep[i] = ok and sigma <= max_sigma and coast <= max_coast
    return keep
