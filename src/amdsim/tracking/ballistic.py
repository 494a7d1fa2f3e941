"""Ballistic tracks: launch point estimation and predicted impact point with an uncertainty ellipse.

A track's state x = [position (3), velocity (3)] (ECEF m, m/s) is propagated under gravity only,
the engine's model of free flight (``rotating``, the default and ``cs.earth_rotation``'s default:
WGS84 J2 gravitation with the centrifugal and Coriolis terms of the earth-fixed frame,
``core/gravity.accel``; otherwise point-mass gravity, a Kepler conic: Bate, Mueller & White,
*Fundamentals of Astrodynamics*, 1971, ch. 6), forwards to the ground for the impact point, or
backwards for the launch point. Drag, thrust and a quasi-ballistic glide are not modelled: the
prediction is the ballistic one a defence makes. The backward arc ignores the boost phase, so the
launch point is the *ballistic* launch point (the point where a gravity-only arc through the track
meets the ground), the usual first estimate of a launch site; the boost's curved path puts it
downrange of the pad.

The ground is the WGS84 ellipsoid raised by ``ground_alt`` (m), or a sphere of radius
``ground_radius`` when given (used by the tests against the analytic Kepler range).

Uncertainty: the track covariance P (6x6) is carried by the 2n = 12 points of the spherical
cubature rule, x +/- sqrt(n) columns of chol(P), all with weight 1/(2n) (Arasaratnam & Haykin,
"Cubature Kalman filters", IEEE TAC 54(6), 2009, eq. 28); each point is flown to the ground and
the ground points give the mean and covariance. The ellipse is the probability-``prob`` contour of
the horizontal (east, north) part of that covariance.

Everything runs on arrays of tracks; the only Python loop is over integration steps.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit
from scipy.stats import chi2

from amdsim.core.geodesy import EARTH_MU, WGS84_A, WGS84_E2, ecef2geodetic, enu_basis
from amdsim.core.gravity import J2, OMEGA_EARTH, accel

_WGS84_B = WGS84_A * np.sqrt(1.0 - WGS84_E2)


class GroundPoint(NamedTuple):
    """Where ballistic tracks meet the ground (N tracks).

    pos_ecef: (N,3) m, mean ground point.  time_s: (N,) s from the track time (negative for a launch
    point).  cov_ecef: (N,3,3) m^2.  semi_axes: (N,2) m, major then minor ellipse semi-axis.
    azimuth: (N,) rad, bearing of the major axis clockwise from north, in [0, pi).
    found: (N,) bool, the arc met the ground within the time limit (other rows are NaN).
    """

    pos_ecef: np.ndarray
    time_s: np.ndarray
    cov_ecef: np.ndarray
    semi_axes: np.ndarray
    azimuth: np.ndarray
    found: np.ndarray


def ground_height(pos_ecef: np.ndarray, ground_alt: float = 0.0, ground_radius: float | None = None) -> np.ndarray:
    """(K,) m height of positions (K,3) above the ground surface, measured along the geocentric radius.

    On the ellipsoid the surface radius at geocentric latitude phi is a b / sqrt((b cos phi)^2 +
    (a sin phi)^2), so the zero crossing is exact on the surface (heights away from it are within
    a fraction of a percent of the geodetic height).
    """
    r = np.linalg.norm(pos_ecef, axis=-1)
    if ground_radius is not None:
        return r - ground_radius - ground_alt
    sin2 = (pos_ecef[..., 2] / r) ** 2
    surf = WGS84_A * _WGS84_B / np.sqrt(_WGS84_B**2 * (1.0 - sin2) + WGS84_A**2 * sin2)
    return r - surf - ground_alt


def _gravity(p: np.ndarray, v: np.ndarray, mu: float, rotating: bool) -> np.ndarray:
    """Free-flight acceleration (m/s^2): core/gravity.accel on the rotating earth, else -mu r / |r|^3."""
    if rotating:
        return accel(p, v, True)
    r = np.linalg.norm(p, axis=-1, keepdims=True)
    return -mu * p / r**3


def _rk4(p, v, h, mu, rotating):
    """One classical RK4 step of length h (scalar or (K,) s) of free flight (:func:`_gravity`)."""
    h = np.asarray(h, float)[..., None] if np.ndim(h) else h
    a1 = _gravity(p, v, mu, rotating)
    p2, v2 = p + 0.5 * h * v, v + 0.5 * h * a1
    a2 = _gravity(p2, v2, mu, rotating)
    p3, v3 = p + 0.5 * h * v2, v + 0.5 * h * a2
    a3 = _gravity(p3, v3, mu, rotating)
    p4, v4 = p + h * v3, v + h * a3
    a4 = _gravity(p4, v4, mu, rotating)
    return (p + h / 6.0 * (v + 2 * v2 + 2 * v3 + v4), v + h / 6.0 * (a1 + 2 * a2 + 2 * a3 + a4))


def ballistic_ground_cross(pos: np.ndarray, vel: np.ndarray, direction: float = 1.0, step_s: float = 1.0,
                           max_time_s: float = 4000.0, ground_alt: float = 0.0, ground_radius: float | None = None,
                           mu: float = EARTH_MU, rotating: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fly gravity-only states forwards (``direction`` +1) or backwards (-1) until they meet the ground.

    Parameters
    ----------
    pos, vel : (K,3) ECEF m, m/s.
    step_s : RK4 step (s); the crossing is then refined by two Newton steps on the height.
    mu, rotating : point-mass gravity of ``mu`` (m^3/s^2) when not ``rotating``; the rotating earth's
        WGS84 J2 gravity with the frame's terms (``cs.earth_rotation``) otherwise.

    Returns
    -------
    pos_ground (K,3) m, time_s (K,) s (signed with ``direction``), found (K,) bool.
    Points already under the ground, or not reaching it within ``max_time_s``, are not found (NaN).
    """
    if not rotating:
        return _ground_cross_numpy(pos, vel, direction, step_s, max_time_s, ground_alt, ground_radius, mu)
    p = np.array(pos, float).reshape(-1, 3)
    v = np.array(vel, float).reshape(-1, 3)
    k = p.shape[0]
    h = float(direction) * step_s
    out_p = np.full((k, 3), np.nan)
    out_t = np.full(k, np.nan)
    found = np.zeros(k, bool)
    # on the rotating earth (the engine's model) the fixed steps run as one compiled loop per point (the
    # arithmetic of _rk4 and ground_height in the same order: the numpy loop's result to the bit)
    radius = -1.0 if ground_radius is None else float(ground_radius)
    t_cross, p0, v0, h1 = _step_to_ground(np.ascontiguousarray(p), np.ascontiguousarray(v), h, float(max_time_s),
                                          float(ground_alt), radius)
    c = np.flatnonzero(np.isfinite(t_cross))
    if c.size:
        pt, tau = _refine_crossing(p0[c], v0[c], h1[c], h, mu, rotating, ground_alt, ground_radius)
        out_p[c] = pt
        out_t[c] = t_cross[c] + tau
        found[c] = True
    return out_p, out_t, found


def _refine_crossing(pc, vc, h1c, h, mu, rotating, ground_alt, ground_radius):
    """Ground point (K,3) and time into the step (K,) s of states ``pc``, ``vc`` whose step of ``h`` s
    ends at height ``h1c`` < 0: a linear first guess, then two Newton steps on the height."""
    h0 = ground_height(pc, ground_alt, ground_radius)
    tau = h * h0 / (h0 - h1c)                               # linear first guess inside the step
    for _ in range(2):                                       # Newton on height(tau)
        pt, vt = _rk4(pc, vc, tau, mu, rotating)
        up = pt / np.linalg.norm(pt, axis=1, keepdims=True)
        rate = np.einsum("ki,ki->k", vt, up)
        tau = tau - ground_height(pt, ground_alt, ground_radius) / np.where(rate == 0, np.inf, rate)
    pt, _ = _rk4(pc, vc, tau, mu, rotating)
    return pt, tau


def _ground_cross_numpy(pos, vel, direction, step_s, max_time_s, ground_alt, ground_radius, mu):
    """:func:`ballistic_ground_cross` around a non-rotating earth (point-mass gravity), all steps on arrays
    (numpy's vectorised power is not libm's, so this path stays in numpy to keep its results)."""
    rotating = False
    p = np.array(pos, float).reshape(-1, 3)
    v = np.array(vel, float).reshape(-1, 3)
    k = p.shape[0]
    h = float(direction) * step_s
    out_p = np.full((k, 3), np.nan)
    out_t = np.full(k, np.nan)
    found = np.zeros(k, bool)
    active = ground_height(p, ground_alt, ground_radius) >= 0.0
    idx = np.flatnonzero(active)
    p, v = p[idx], v[idx]
    t = 0.0
    while idx.size and abs(t) < max_time_s:
        p1, v1 = _rk4(p, v, h, mu, rotating)
        h1 = ground_height(p1, ground_alt, ground_radius)
        crossed = h1 < 0.0
        if np.any(crossed):
            c = np.flatnonzero(crossed)
            pt, tau = _refine_crossing(p[c], v[c], h1[c], h, mu, rotating, ground_alt, ground_radius)
            out_p[idx[c]] = pt
            out_t[idx[c]] = t + tau
            found[idx[c]] = True
            keep = ~crossed
            idx, p1, v1 = idx[keep], p1[keep], v1[keep]
        p, v = p1, v1
        t += h
    return out_p, out_t, found


@njit(cache=True, inline="always")
def _accel_row(x, y, z, vx, vy):
    """One row of core/gravity.accel on the rotating earth, operation for operation."""
    r2 = (x * x + y * y) + z * z
    r = np.sqrt(r2)
    g = -EARTH_MU / (r2 * r)
    kk = 1.5 * J2 * WGS84_A ** 2 / r2
    zz = z * z / r2
    ax = g * x * (1 + kk * (1 - 5 * zz))
    ay = g * y * (1 + kk * (1 - 5 * zz))
    az = g * z * (1 + kk * (3 - 5 * zz))
    w = OMEGA_EARTH
    return ax + (w * w * x + 2 * w * vy), ay + (w * w * y - 2 * w * vx), az


@njit(cache=True, inline="always")
def _height_row(x, y, z, ground_alt, ground_radius):
    """One row of :func:`ground_height` (``ground_radius`` < 0: the ellipsoid)."""
    r = np.sqrt((x * x + y * y) + z * z)
    if ground_radius >= 0.0:
        return r - ground_radius - ground_alt
    sin2 = (z / r) ** 2
    surf = WGS84_A * _WGS84_B / np.sqrt(_WGS84_B ** 2 * (1.0 - sin2) + WGS84_A ** 2 * sin2)
    return r - surf - ground_alt


@njit(cache=True, inline="always")
def _rk4_row(x0, x1, x2, u0, u1, u2, h):
    """One row of :func:`_rk4` on the rotating earth (scalar step ``h``), operation for operation."""
    a10, a11, a12 = _accel_row(x0, x1, x2, u0, u1)
    p20, p21, p22 = x0 + 0.5 * h * u0, x1 + 0.5 * h * u1, x2 + 0.5 * h * u2
    v20, v21, v22 = u0 + 0.5 * h * a10, u1 + 0.5 * h * a11, u2 + 0.5 * h * a12
    a20, a21, a22 = _accel_row(p20, p21, p22, v20, v21)
    p30, p31, p32 = x0 + 0.5 * h * v20, x1 + 0.5 * h * v21, x2 + 0.5 * h * v22
    v30, v31, v32 = u0 + 0.5 * h * a20, u1 + 0.5 * h * a21, u2 + 0.5 * h * a22
    a30, a31, a32 = _accel_row(p30, p31, p32, v30, v31)
    p40, p41, p42 = x0 + h * v30, x1 + h * v31, x2 + h * v32
    v40, v41, v42 = u0 + h * a30, u1 + h * a31, u2 + h * a32
    a40, a41, a42 = _accel_row(p40, p41, p42, v40, v41)
    k = h / 6.0
    return (x0 + k * (u0 + 2 * v20 + 2 * v30 + v40), x1 + k * (u1 + 2 * v21 + 2 * v31 + v41),
            x2 + k * (u2 + 2 * v22 + 2 * v32 + v42), u0 + k * (a10 + 2 * a20 + 2 * a30 + a40),
            u1 + k * (a11 + 2 * a21 + 2 * a31 + a41), u2 + k * (a12 + 2 * a22 + 2 * a32 + a42))


@njit(cache=True)
def _step_to_ground(p, v, h, max_time_s, ground_alt, ground_radius):
    """Fixed RK4 steps of ``h`` s per point (rotating earth) until the height turns negative (within
    ``max_time_s``); scalar arithmetic only (no array temporaries: quick to compile and to run).

    Returns t (K,) s of the step start before the crossing (NaN: never crossed or under the ground at
    the start), the state p, v (K,3) there and the height (K,) m after the step.
    """
    k = p.shape[0]
    t_cross = np.full(k, np.nan)
    p0 = np.empty((k, 3))
    v0 = np.empty((k, 3))
    h1 = np.full(k, np.nan)
    for i in range(k):
        x0, x1, x2, u0, u1, u2 = p[i, 0], p[i, 1], p[i, 2], v[i, 0], v[i, 1], v[i, 2]
        if not _height_row(x0, x1, x2, ground_alt, ground_radius) >= 0.0:
            continue
        t = 0.0
        while abs(t) < max_time_s:
            y0, y1, y2, w0, w1, w2 = _rk4_row(x0, x1, x2, u0, u1, u2, h)
            hn = _height_row(y0, y1, y2, ground_alt, ground_radius)
            if hn < 0.0:
                t_cross[i] = t
                p0[i, 0], p0[i, 1], p0[i, 2] = x0, x1, x2
                v0[i, 0], v0[i, 1], v0[i, 2] = u0, u1, u2
                h1[i] = hn
                break
            x0, x1, x2, u0, u1, u2 = y0, y1, y2, w0, w1, w2
            t += h
    return t_cross, p0, v0, h1


def cubature_points(x: np.ndarray, P: np.ndarray) -> np.ndarray:
    """(N,2n,n) spherical cubature points x +/- sqrt(n) chol(P) columns of states x (N,n), P (N,n,n)."""
    n = x.shape[-1]
    L = np.linalg.cholesky(P) * np.sqrt(n)                   # (N,n,n), columns are the offsets
    off = np.concatenate([np.swapaxes(L, 1, 2), -np.swapaxes(L, 1, 2)], axis=1)
    return x[:, None, :] + off


def ground_ellipse(cov_ecef: np.ndarray, pos_ecef: np.ndarray, prob: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Semi-axes (N,2) m (major, minor) and major-axis azimuth (N,) rad from north of the ``prob``
    ellipse of the horizontal part of covariances (N,3,3) at ground points (N,3)."""
    lat, lon, _ = ecef2geodetic(pos_ecef)
    E = enu_basis(lat, lon)[:, :2, :]                         # (N,2,3) east, north rows
    C = E @ cov_ecef @ np.swapaxes(E, 1, 2)
    w, V = np.linalg.eigh(C)                                  # ascending
    k = chi2.ppf(prob, 2)
    semi = np.sqrt(np.clip(w[:, ::-1], 0.0, None) * k)
    major = V[:, :, 1]                                        # (east, north)
    az = np.mod(np.arctan2(major[:, 0], major[:, 1]), np.pi)
    return semi, az


def _ground_point(x, P, direction, prob, **kw) -> GroundPoint:
    x = np.atleast_2d(np.asarray(x, float))
    P = np.asarray(P, float).reshape(-1, 6, 6)
    n = x.shape[0]
    pts = cubature_points(x, P)                               # (N,12,6)
    gp, gt, gf = ballistic_ground_cross(pts[..., :3].reshape(-1, 3), pts[..., 3:].reshape(-1, 3), direction, **kw)
    gp, gt, gf = gp.reshape(n, 12, 3), gt.reshape(n, 12), gf.reshape(n, 12)
    found = np.all(gf, axis=1)
    mean = np.mean(gp, axis=1)
    d = gp - mean[:, None, :]
    # the mean of points on a curved ground lies under it (chord sag); put it back on the surface
    up = mean / np.linalg.norm(mean, axis=1, keepdims=True)
    mean = mean - up * ground_height(mean, kw.get("ground_alt", 0.0), kw.get("ground_radius"))[:, None]
    cov = np.einsum("nki,nkj->nij", d, d) / 12.0
    semi = np.full((n, 2), np.nan)
    az = np.full(n, np.nan)
    if np.any(found):
        semi[found], az[found] = ground_ellipse(cov[found], mean[found], prob)
    return GroundPoint(mean, np.mean(gt, axis=1), cov, semi, az, found)


def impact_point_predict(x: np.ndarray, P: np.ndarray, prob: float = 0.95, **kw) -> GroundPoint:
    """Predicted impact points of ballistic tracks x (N,6), P (N,6,6) with their ``prob`` ellipses.
    Keyword options as for :func:`ballistic_ground_cross` (step_s, max_time_s, ground_alt, ground_radius,
    rotating: pass ``cs.earth_rotation``)."""
    return _ground_point(x, P, 1.0, prob, **kw)


def launch_point_estimate(x: np.ndarray, P: np.ndarray, prob: float = 0.95, **kw) -> GroundPoint:
    """Ballistic launch points of tracks x (N,6), P (N,6,6): the gravity-only arc flown backwards to the
    ground (``time_s`` negative: time since launch is -time_s), with the ``prob`` ellipses."""
    return _ground_point(x, P, -1.0, prob, **kw)
