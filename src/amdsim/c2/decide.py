"""The C2 stage: per blue force, evaluate threats, check engagement feasibility, assign weapons.

Reads only the force's perceived picture (never the truth), its shooters' state and the
engagement book; writes engagement orders. Threat evaluation, feasibility and the assignment
solver are pluggable functions of plain arrays (``c2/threat.py``, ``c2/intercept.py``, ``c2/wta.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from amdsim.c2.coordination import CoordinationChannel
from amdsim.c2.threat import _height
from amdsim.engage.book import EngagementBook
from amdsim.engine.state import World
from amdsim.kinds import BLUE, MoverKind
from amdsim.scenario.compile import DOCTRINE_CODES, CompiledScenario
from amdsim.tracking.picture import Picture

BALLISTIC_KIND = int(MoverKind.BALLISTIC_MISSILE)
#: C2's planning estimate of the Pk penalty against re-entry vehicles (the simulation draws kills with
#: each threat's own vulnerability, which C2 does not know).
BALLISTIC_VULNERABILITY = 0.8


@dataclass
class Orders:
    """Engagement orders of one step (O rows): shooter fires ``rounds`` at a track."""

    shooter: np.ndarray       # (O,) int32
    track_id: np.ndarray      # (O,) int64
    force: np.ndarray         # (O,) int16
    rounds: np.ndarray        # (O,) int32
    truth: np.ndarray         # (O,) int32 bookkeeping: true mover behind the track
    pip: np.ndarray           # (O,3) predicted intercept point (ECEF m)
    pk: np.ndarray            # (O,) estimated single-shot Pk

    @property
    def n(self) -> int:
        return self.shooter.size


def decide(w: World, cs: CompiledScenario, pictures: list[Picture], book: EngagementBook,
           coord: CoordinationChannel, solver) -> Orders:
    """All blue forces' engagement orders for this step."""
    sh = cs.shooters
    t = w.t
    out: list[tuple] = []
    for f, pic in enumerate(pictures):
        if cs.force_side[f] != BLUE or pic.n == 0:
            continue
        shooters = np.flatnonzero((sh.force == f) & w.is_active[sh.host] & (w.rounds_left > 0)
                                  & (w.next_ready <= t + 1e-9) & (t < sh.endurance))
        if shooters.size == 0:
            continue
        eligible = _eligible_tracks(f, pic, book, coord, t, cs.max_track_age)
        if eligible.size == 0:
            continue
        tp = pic.take(eligible)
        kind, values = evaluate_threats(tp, w, cs)
        pk, pip = engagement_pk(w, cs, shooters, tp)
        pk = pk * np.where(kind == BALLISTIC_KIND, BALLISTIC_VULNERABILITY, 1.0)[None, :]
        # reserve interceptors are kept for ballistic threats
        ballistic = kind == BALLISTIC_KIND
        short = (w.rounds_left[shooters] <= sh.reserve[shooters])[:, None] & ~ballistic[None, :]
        tight = ~sh.weapons_free[shooters][:, None] & ~(tp.confirmed & ballistic)[None, :]
        pk = np.where(short | tight, 0.0, pk)
        if not np.any(pk > 0):
            continue
        assignment = solver(values, pk)
        ordered: set[int] = set()
        for k, j in enumerate(assignment.tolist()):
            if j < 0 or pk[k, j] <= 0:
                continue
            s = shooters[k]
            mode = sh.doctrine[s]
            # "look" doctrines commit one shooter per threat per decision, then wait for the assessment
            if j in ordered and mode != DOCTRINE_CODES["salvo"]:
                continue
            ordered.add(j)
            rounds = int(sh.salvo_size[s]) if mode == DOCTRINE_CODES["salvo"] else (
                2 if mode == DOCTRINE_CODES["shoot_shoot_look"] else 1)
            rounds = min(rounds, int(w.rounds_left[s]))
            out.append((s, tp.track_id[j], f, rounds, tp.truth[j], pip[k, j], pk[k, j]))
    if not out:
        return Orders(np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0, np.int16), np.zeros(0, np.int32),
                      np.zeros(0, np.int32), np.zeros((0, 3)), np.zeros(0))
    cols = list(zip(*out, strict=True))
    return Orders(np.array(cols[0], np.int32), np.array(cols[1], np.int64), np.array(cols[2], np.int16),
                  np.array(cols[3], np.int32), np.array(cols[4], np.int32), np.array(cols[5], float).reshape(-1, 3),
                  np.array(cols[6], float))


def _eligible_tracks(f: int, pic: Picture, book: EngagementBook, coord: CoordinationChannel, t: float,
                     max_age: float) -> np.ndarray:
    """Tracks C2 may engage now: confirmed, fresh (updated within ``max_age`` s), not engaged or
    awaiting an assessment, not believed dead, not taken by an ally."""
    ok = pic.confirmed & (t - pic.t_update <= max_age)
    status = book.status[f]
    for i, tid in enumerate(pic.track_id.tolist()):
        st = status.get(tid)
        if st is None:
            continue
        if st.believed_dead and pic.t_update[i] > st.next_allowed:
            st.believed_dead = False  # the picture shows it still flying: the kill assessment was wrong
        if st.inflight > 0 or st.awaiting > 0 or st.believed_dead or t < st.next_allowed:
            ok[i] = False
    ok &= ~coord.engaged_by_allies(f, t, pic.pos, pic.pos_sigma)
    return np.flatnonzero(ok)


#: A hostile track is always worth this fraction of the most valuable asset: its route may still turn.
VALUE_FLOOR = 0.1


def evaluate_threats(pic: Picture, w: World, cs: CompiledScenario):
    """Threat evaluation of the picture (``c2/threat.py``): (kind codes, threat values).

    Value = most threatened asset's value x likelihood (straight-line closest approach for
    air-breathers, gravity-only impact point for ballistic tracks), floored at ``VALUE_FLOOR`` of the
    most valuable asset because cruise missiles fly dog-legs that a straight line does not foresee,
    and weighted up as the time to go shrinks.
    """
    from amdsim.c2.threat import threat_values

    if cs.asset_rows.size == 0:
        kind, _, _ = threat_values(pic.pos, pic.vel, np.zeros((0, 3)), np.zeros(0), np.zeros(0))
        return kind, np.ones(pic.n)
    kind, threat, ttg = threat_values(pic.pos, pic.vel, w.pos[cs.asset_rows], cs.asset_value, cs.asset_radius)
    urgency = 1.0 / (1.0 + np.nan_to_num(ttg, nan=1e9) / 600.0)
    value = np.maximum(threat, VALUE_FLOOR * cs.asset_value.max()) * (0.5 + 0.5 * urgency)
    return kind, value


def flyout_distance(tau, launch_speed, boost_accel, boost_time, drag_coeff):
    """Distance (m) an interceptor covers in ``tau`` seconds, flying straight.

    Boost: dv/dt = a - k v^2, so v = v_T tanh(c + t sqrt(ak)) with v_T = sqrt(a/k),
    c = artanh(v0/v_T), and d = ln(cosh(c + t sqrt(ak)) / cosh(c)) / k. Coast: dv/dt = -k v^2, so
    d = ln(1 + k v_b t) / k from the burnout speed v_b. Broadcasts over arrays.
    """
    return np.vectorize(_flyout_distance, otypes=[float])(tau, launch_speed, boost_accel, boost_time, drag_coeff)


@njit(cache=True)
def _flyout_distance(tau, v0, a, tb, k):
    t1 = min(tau, tb)
    tc = max(tau - tb, 0.0)
    if k <= 1e-12:
        vb = v0 + a * tb
        return v0 * t1 + 0.5 * a * t1 * t1 + vb * tc
    vt = np.sqrt(a / k)
    c = np.arctanh(min(v0 / vt, 0.999999))
    s = np.sqrt(a * k)
    d = np.log(np.cosh(c + t1 * s) / np.cosh(c)) / k
    vb = vt * np.tanh(c + tb * s)
    return d + np.log1p(k * vb * tc) / k


@njit(cache=True)
def _reach_gap(rel, vel, k, m, tau, v0, a, tb, drag):
    """Distance from the interceptor's reach to the track at time ``tau`` (m); <= 0 means reachable."""
    x = rel[k, m, 0] + vel[m, 0] * tau
    y = rel[k, m, 1] + vel[m, 1] * tau
    z = rel[k, m, 2] + vel[m, 2] * tau
    return np.sqrt(x * x + y * y + z * z) - _flyout_distance(tau, v0, a, tb, drag)


@njit(cache=True)
def intercept_times(rel, vel, launch_speed, boost_accel, boost_time, drag_coeff, max_tof):  # pragma: no cover
    """(K,M) first time tau (s) at which the interceptor of shooter k can reach track m, inf if none
    within ``max_tof``: the first root of |rel + v tau| = d(tau), by a coarse scan then bisection.

    rel : (K,M,3) track position relative to the shooter (m); vel : (M,3) track velocity (m/s);
    the flyout parameters are (K,) arrays per shooter.
    """
    n_k, n_m = rel.shape[0], rel.shape[1]
    out = np.full((n_k, n_m), np.inf)
    n_scan = 32
    for k in range(n_k):
        v0, a, tb, drag = launch_speed[k], boost_accel[k], boost_time[k], drag_coeff[k]
        for m in range(n_m):
            lo = 0.0
            for i in range(1, n_scan + 1):
                hi = max_tof[k] * i / n_scan
                if _reach_gap(rel, vel, k, m, hi, v0, a, tb, drag) <= 0.0:
                    for _ in range(30):
                        mid = 0.5 * (lo + hi)
                        if _reach_gap(rel, vel, k, m, mid, v0, a, tb, drag) <= 0.0:
                            hi = mid
                        else:
                            lo = mid
                    out[k, m] = hi
                    break
                lo = hi
    return out


def engagement_pk(w: World, cs: CompiledScenario, shooters: np.ndarray, pic: Picture):
    """(K,M) estimated single-shot Pk (0 where infeasible) and (K,M,3) predicted intercept points.

    The intercept time is the first root of |p + v tau - s| = d(tau) (constant-velocity target,
    :func:`flyout_distance` for the interceptor). Feasible when the intercept lies inside the
    envelope: range and altitude (above the ellipsoid) limits and the time of flight. The Pk estimate
    is the interceptor's Pk_max, degraded towards the edge of the range envelope.
    """
    sh = cs.shooters
    it = cs.itypes
    ty = sh.itype[shooters]
    spos = np.ascontiguousarray(w.pos[sh.host[shooters]])                           # (K,3)
    pk = np.zeros((shooters.size, pic.n))
    pip = np.zeros((shooters.size, pic.n, 3))
    _engagement_kernel(spos, np.ascontiguousarray(pic.pos), np.ascontiguousarray(pic.vel), it.launch_speed[ty],
                       it.boost_accel[ty], it.boost_time[ty], it.drag_coeff[ty], it.max_tof[ty], it.min_range[ty],
                       it.max_range[ty], it.min_alt[ty], it.max_alt[ty], it.pk_max[ty], pk, pip)
    return pk, pip


@njit(cache=True)
def _engagement_kernel(spos, tpos, tvel, v0, acc, tb, drag, max_tof, rmin, rmax, amin, amax, pk_max,
                       pk, pip):  # pragma: no cover - compiled
    n_scan = 32
    for k in range(spos.shape[0]):
        for m in range(tpos.shape[0]):
            rel = np.empty((1, 1, 3))
            for j in range(3):
                rel[0, 0, j] = tpos[m, j] - spos[k, j]
            vel = tvel[m:m + 1]
            # first reachable time: coarse scan then bisection (as intercept_times)
            tau = np.inf
            lo = 0.0
            for i in range(1, n_scan + 1):
                hi = max_tof[k] * i / n_scan
                if _reach_gap(rel, vel, 0, 0, hi, v0[k], acc[k], tb[k], drag[k]) <= 0.0:
                    for _ in range(30):
                        mid = 0.5 * (lo + hi)
                        if _reach_gap(rel, vel, 0, 0, mid, v0[k], acc[k], tb[k], drag[k]) <= 0.0:
                            hi = mid
                        else:
                            lo = mid
                    tau = hi
                    break
                lo = hi
            if not np.isfinite(tau):
                for j in range(3):
                    pip[k, m, j] = tpos[m, j]
                continue
            for j in range(3):
                pip[k, m, j] = tpos[m, j] + tvel[m, j] * tau
            dx, dy, dz = pip[k, m, 0] - spos[k, 0], pip[k, m, 1] - spos[k, 1], pip[k, m, 2] - spos[k, 2]
            rng = np.sqrt(dx * dx + dy * dy + dz * dz)
            alt = _height(pip[k, m, 0], pip[k, m, 1], pip[k, m, 2])
            if rmin[k] <= rng <= rmax[k] and amin[k] * 0.5 <= alt <= amax[k]:
                edge = min(max(1.0 - (rng / rmax[k]) ** 4, 0.2), 1.0)
                pk[k, m] = pk_max[k] * edge


def wta_assigner(solver: str = "auto"):
    """The weapon-target assignment used by :func:`decide`: Manne's static WTA (``c2/wta.py``),
    exact up to ten weapons, heuristic beyond, or as the scenario's ``c2.wta_solver`` says."""
    from amdsim.c2.wta import wta_solve

    def assign(values: np.ndarray, pk: np.ndarray) -> np.ndarray:
        return wta_solve(values, pk, solver).assignment

    return assign
