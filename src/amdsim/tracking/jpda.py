"""Joint probabilistic data association weights per cluster of the gate graph, compiled.

Exact joint-event enumeration (Bar-Shalom, Willett & Tian, *Tracking and Data Fusion*, 2011, ch. 6)
for clusters up to ``MAX_JOINT_EVENTS`` events; Fitzgerald's "cheap JPDA" (1986) beyond.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from amdsim.tracking.associate import _cluster_members, cluster_spans

#: Clusters whose joint events exceed this many are weighted with the cheap JPDA approximation.
MAX_JOINT_EVENTS = 20_000


_LOG_2PI = float(np.log(2.0 * np.pi))


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
