"""Predicted intercept point (PIP), engagement feasibility and single-shot Pk, over shooters x tracks.

Flyout model (average speed): the interceptor leaves the launcher at ``launch_speed`` v0, accelerates
at ``boost_accel`` a for ``boost_time`` tb, then flies at the average ``coast_speed`` vc (which stands
for the drag-degraded speed of the coast phase). The distance it covers in a straight line after a
time of flight tau is

    d(tau) = v0 tau + a tau^2 / 2                      for tau <= tb,
    d(tau) = v0 tb + a tb^2 / 2 + vc (tau - tb)         for tau >  tb.

The target flies at constant velocity. The intercept is the first tau with
``d(tau) = |r + v tau|`` (r, v: target position and velocity relative to the shooter at launch):
in the coast phase a quadratic, solved in closed form; in the boost phase the first root is found by
bisection on all pairs at once. Positions are ECEF (m) and velocities ECEF (m/s), as in the engine;
any Cartesian frame works for :func:`intercept_solve`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Flyout:
    """Interceptor flyout and envelope parameters, one entry per shooter (arrays of shape (n_shooters,)).

    Attributes
    ----------
    launch_speed : ndarray
        Speed at launch v0 (m/s).
    boost_accel : ndarray
        Mean acceleration during boost a (m/s^2).
    boost_time : ndarray
        Boost duration tb (s).
    coast_speed : ndarray
        Average speed after burnout vc (m/s).
    min_range, max_range : ndarray
        Slant range of the PIP from the shooter (m).
    min_alt, max_alt : ndarray
        Height of the PIP above the WGS84 ellipsoid (m).
    max_tof : ndarray
        Longest time of flight (s).
    """

    launch_speed: np.ndarray
    boost_accel: np.ndarray
    boost_time: np.ndarray
    coast_speed: np.ndarray
    min_range: np.ndarray
    max_range: np.ndarray
    min_alt: np.ndarray
    max_alt: np.ndarray
    max_tof: np.ndarray

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, np.atleast_1d(np.asarray(getattr(self, name), dtype=np.float64)))


def flyout_distance(tau, launch_speed, boost_accel, boost_time, coast_speed):
    """Straight-line distance flown after a time of flight tau (m); see the module docstring.

    Parameters
    ----------
    tau : ndarray
        Time of flight (s), any shape broadcasting with the parameters.
    launch_speed, boost_accel, boost_time, coast_speed : ndarray
        Flyout parameters (m/s, m/s^2, s, m/s).

    Returns
    -------
    ndarray
        Distance (m).
    """
    tb = np.minimum(tau, boost_time)
    return launch_speed * tb + 0.5 * boost_accel * tb * tb + coast_speed * np.maximum(tau - boost_time, 0.0)


def intercept_solve(shooter_pos, target_pos, target_vel, fly: Flyout, delay=0.0, n_bisect: int = 60):
    """Time of flight and PIP of each shooter against each constant-velocity target.

    Parameters
    ----------
    shooter_pos : ndarray, shape (n_shooters, 3)
        Launcher positions (m).
    target_pos : ndarray, shape (n_tracks, 3)
        Target positions now (m).
    target_vel : ndarray, shape (n_tracks, 3)
        Target velocities (m/s).
    fly : Flyout
        Flyout parameters per shooter.
    delay : float or ndarray, shape (n_shooters,)
        Time from now to launch (s); the target keeps flying meanwhile.
    n_bisect : int
        Bisection steps for boost-phase intercepts (60 halvings: exact to float precision).

    Returns
    -------
    tof : ndarray, shape (n_shooters, n_tracks)
        Time of flight from launch to intercept (s); NaN when the interceptor never catches the target
        within ``fly.max_tof``.
    pip : ndarray, shape (n_shooters, n_tracks, 3)
        Predicted intercept point (m); NaN where ``tof`` is NaN.
    """
    s = np.asarray(shooter_pos, dtype=np.float64)
    tp = np.asarray(target_pos, dtype=np.float64)
    tv = np.asarray(target_vel, dtype=np.float64)
    dl = np.broadcast_to(np.asarray(delay, dtype=np.float64), (s.shape[0],))[:, None, None]
    r = tp[None, :, :] + tv[None, :, :] * dl - s[:, None, :]  # (S, T, 3) at launch
    v = np.broadcast_to(tv[None, :, :], r.shape)
    v0, a, tb, vc, tmax = (x[:, None] for x in (fly.launch_speed, fly.boost_accel, fly.boost_time,
                                                  fly.coast_speed, fly.max_tof))
    rr = np.einsum("stk,stk->st", r, r)
    rv = np.einsum("stk,stk->st", r, v)
    vv = np.einsum("stk,stk->st", v, v)

    def gap(tau):  # distance flown minus distance to the target: >= 0 once caught
        d_t = np.sqrt(np.maximum(rr + 2.0 * rv * tau + vv * tau * tau, 0.0))
        return flyout_distance(tau, v0, a, tb, vc) - d_t

    tof = np.full(rr.shape, np.nan)
    # boost phase: caught by burnout -> first root in [0, tb] by bisection (gap(0) = -|r| <= 0)
    tb_b = np.broadcast_to(np.minimum(tb, tmax), rr.shape)
    in_boost = gap(tb_b) >= 0.0
    if np.any(in_boost):
        lo = np.zeros(rr.shape)
        hi = tb_b.copy()
        for _ in range(n_bisect):  # fixed iterations over all pairs at once
            mid = 0.5 * (lo + hi)
            ok = gap(mid) >= 0.0
            hi = np.where(ok, mid, hi)
            lo = np.where(ok, lo, mid)
        tof = np.where(in_boost, hi, tof)
    # coast phase: |r + v tau| = c0 + vc tau, c0 = d(tb) - vc tb, tau > tb
    c0 = v0 * tb + 0.5 * a * tb * tb - vc * tb
    qa = vv - vc * vc
    qb = 2.0 * (rv - c0 * vc)
    qc = rr - c0 * c0
    with np.errstate(invalid="ignore", divide="ignore"):
        disc = qb * qb - 4.0 * qa * qc
        sq = np.sqrt(np.where(disc >= 0.0, disc, np.nan))
        lin = np.abs(qa) < 1e-9 * np.maximum(vv, 1.0)
        r1 = np.where(lin, -qc / qb, (-qb - sq) / (2.0 * qa))
        r2 = np.where(lin, np.nan, (-qb + sq) / (2.0 * qa))
    valid = lambda t: (t >= tb) & (c0 + vc * t >= 0.0) & (t <= tmax)  # noqa: E731
    r1 = np.where(valid(r1), r1, np.nan)
    r2 = np.where(valid(r2), r2, np.nan)
    coast = np.fmin(r1, r2)
    tof = np.where(in_boost, tof, coast)
    tof = np.where(tof <= tmax, tof, np.nan)
    pip = r + v * tof[:, :, None] + s[:, None, :]
    return tof, pip


def engagement_feasible(shooter_pos, tof, pip, fly: Flyout, ready=True, rounds_left=1):
    """Whether each shooter can engage each track: PIP inside the envelope, launcher ready, rounds left.

    Parameters
    ----------
    shooter_pos : ndarray, shape (n_shooters, 3)
        Launcher positions, ECEF (m).
    tof : ndarray, shape (n_shooters, n_tracks)
        Time of flight from :func:`intercept_solve` (s), NaN for no intercept.
    pip : ndarray, shape (n_shooters, n_tracks, 3)
        Predicted intercept points, ECEF (m).
    fly : Flyout
        Envelope per shooter.
    ready : bool or ndarray, shape (n_shooters,)
        Launcher ready to fire.
    rounds_left : int or ndarray, shape (n_shooters,)
        Interceptors left.

    Returns
    -------
    ndarray, shape (n_shooters, n_tracks), bool
    """
    from amdsim.core.geodesy import ecef2geodetic

    s = np.asarray(shooter_pos, dtype=np.float64)
    rng = np.linalg.norm(pip - s[:, None, :], axis=-1)
    _, _, alt = ecef2geodetic(np.nan_to_num(pip))
    with np.errstate(invalid="ignore"):
        ok = (np.isfinite(tof) & (tof <= fly.max_tof[:, None])
              & (rng >= fly.min_range[:, None]) & (rng <= fly.max_range[:, None])
              & (alt >= fly.min_alt[:, None]) & (alt <= fly.max_alt[:, None]))
    shooter_ok = np.asarray(ready, dtype=bool) & (np.asarray(rounds_left) > 0)
    return ok & np.broadcast_to(shooter_ok, (s.shape[0],))[:, None]


def engagement_pk(pk_by_kind, kinds, feasible):
    """Single-shot Pk p_ij for the WTA: the shooter's Pk against the track's threat type where feasible.

    Parameters
    ----------
    pk_by_kind : ndarray, shape (n_shooters, n_kinds)
        Single-shot Pk of each shooter against each threat kind, indexed by the ``amdsim.core.kinds``
        MoverKind code (e.g. columns 2 cruise, 3 ballistic, 4 aircraft).
    kinds : ndarray, shape (n_tracks,), int
        Threat kind code of each track (from :func:`amdsim.c2.threat.threat_classify`); codes
        outside the table give Pk 0.
    feasible : ndarray, shape (n_shooters, n_tracks), bool

    Returns
    -------
    ndarray, shape (n_shooters, n_tracks)
        p_ij in [0, 1]; 0 marks an infeasible pair.
    """
    table = np.asarray(pk_by_kind, dtype=np.float64)
    k = np.asarray(kinds, dtype=np.int64)
    known = (k >= 0) & (k < table.shape[1])
    p = np.where(known[None, :], table[:, np.clip(k, 0, table.shape[1] - 1)], 0.0)
    return np.where(feasible, np.clip(p, 0.0, 1.0), 0.0)
