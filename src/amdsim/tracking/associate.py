"""Association of gated pairs, compiled: clusters of the gate graph and global nearest neighbour (GNN).

Gating is in ``gate.py``, JPDA weights in ``jpda.py``; this module's clusters serve both.

All work on flat arrays: N predicted tracks, M detections, and the P gated (track, detection) pairs
as parallel arrays ``ti, di`` (indices), ``d2`` (squared Mahalanobis distance) and ``logdet``
(ln |S| of the pair's innovation covariance S = H P H' + R, m^2 units, 3-D positions).

Pairs split into clusters (connected components of the bipartite gate graph); each cluster is
solved on its own dense little matrix, so the cost of a scan grows with the clutter around the
tracks, not with N x M. References: Bar-Shalom, Willett & Tian, *Tracking and Data Fusion* (2011)
ch. 6 (JPDA); Blackman & Popoli, *Design and Analysis of Modern Tracking Systems* (1999) 6.5 (GNN);
Fitzgerald, "Development of practical PDA logic for multitarget tracking by microprocessor" (1986)
(the "cheap JPDA" used on clusters too large to enumerate); Kuhn–Munkres with potentials for the
small assignment problems; a cluster too large for a dense matrix (a crowd of tracks and detections
gated together) goes to scipy's sparse LAPJV (``scipy.sparse.csgraph.min_weight_full_bipartite_matching``,
Crouse, "On implementing 2D rectangular assignment algorithms", IEEE TAES 52(4), 2016) on its gated
pairs only.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Cost standing for "not in the gate" inside a cluster's dense matrix.
BIG = 1e9
#: Clusters with more (tracks x detections) cells than this are solved sparse (scipy), not dense.
DENSE_CELLS = 160_000

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


def gnn_assign(ti: np.ndarray, di: np.ndarray, cost: np.ndarray, n_tracks: int, n_dets: int) -> np.ndarray:
    """Global nearest neighbour: the largest set of gated pairs (ti, di) (P,) with no track or detection
    used twice, of least total ``cost``, solved cluster by cluster (dense Kuhn-Munkres, or sparse LAPJV
    for clusters over ``DENSE_CELLS``). Returns (N,) detection per track, -1 none."""
    det_of, big_order, big_bounds = _gnn_dense(ti, di, cost, n_tracks, n_dets, DENSE_CELLS)
    for c in range(big_bounds.size - 1):
        pairs = big_order[big_bounds[c]:big_bounds[c + 1]]
        t, d = _sparse_assign(ti[pairs], di[pairs], cost[pairs])
        det_of[t] = d
    return det_of


def _sparse_assign(ti: np.ndarray, di: np.ndarray, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One cluster's GNN on its pairs alone: each track also gets a private "no detection" column of a
    cost above any set of real pairs, so a full matching always exists and the most pairs come first,
    as with the dense matrix's BIG cells. Returns the assigned (tracks, detections)."""
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    tr, t_loc = np.unique(ti, return_inverse=True)
    de, d_loc = np.unique(di, return_inverse=True)
    w = cost - cost.min() + 1.0                       # positive: the solver drops stored zeros
    miss = w.sum() + 1.0
    nt, nd = tr.size, de.size
    rows = np.r_[t_loc, np.arange(nt)]
    cols = np.r_[d_loc, nd + np.arange(nt)]
    g = coo_array((np.r_[w, np.full(nt, miss)], (rows, cols)), shape=(nt, nd + nt)).tocsr()
    _, col = min_weight_full_bipartite_matching(g)
    real = col < nd
    return tr[real], de[col[real]]


@njit(cache=True)
def _gnn_dense(ti, di, cost, n_tracks, n_dets, max_cells):
    """The clusters of at most ``max_cells`` cells by Kuhn-Munkres; returns (N,) detection per track and
    the other clusters' pairs (order, bounds as :func:`cluster_spans`) for the sparse solver."""
    det_of = np.full(n_tracks, -1, np.int64)
    big_order = np.empty(0, np.int64)
    big_bounds = np.zeros(1, np.int64)
    if ti.size == 0:
        return det_of, big_order, big_bounds
    order, bounds = cluster_spans(ti, di, n_tracks)
    keep = np.zeros(order.size, np.bool_)
    big = [0]
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
            if nt * nd > max_cells:
                keep[s:e] = True
                big.append(big[-1] + e - s)
                for k in range(nt):
                    loc_t[tr[k]] = -1
                for k in range(nd):
                    loc_d[de[k]] = -1
                continue
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
    return det_of, order[keep], np.array(big, np.int64)
