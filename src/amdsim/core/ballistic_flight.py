"""Flight of a ballistic missile in the earth-fixed frame: boost, free flight, pull-up and glide,
and the launch solution that makes it hit its aim point.

Equations of motion in ECEF (rotating with the earth; the air is at rest in that frame, so the
ECEF velocity is also the air-relative velocity):

.. math:: \\ddot{\\mathbf r} = \\mathbf a_{free}(\\mathbf r, \\dot{\\mathbf r})
          + a_T(t)\\,\\mathbf e_T(t)
          - \\frac{\\rho(h)\\,|\\dot{\\mathbf r}|\\,\\dot{\\mathbf r}}{2\\beta(t)}
          + a_L\\,\\mathbf n

- :math:`\\mathbf a_{free}`: WGS84 J2 gravitation plus the centrifugal and Coriolis terms
  (``core/gravity.free_accel``), or point-mass gravity on a non-rotating earth (``rotating`` 0).
- Thrust of a single-stage-equivalent motor of constant thrust F and exhaust velocity
  :math:`c = g_0 I_{sp}` (Sutton & Biblarz, *Rocket Propulsion Elements*, 9th ed., ch. 4):
  :math:`m(t) = m_0 (1 - k t)` with :math:`k = a_0 / c`, :math:`a_0 = F / m_0`, so
  :math:`a_T = a_0 / (1 - k t)` until the cut-off :math:`t_{co}` (at most the burn time
  :math:`t_b`; the mass ratio is :math:`1 / (1 - k t_b)` and the ideal velocity :math:`c \\ln MR`,
  ibid. eq. 4-6). Pitch programme: thrust along the launch vertical (the ellipsoid normal of the
  pad) until :math:`t_v`; then turning at a constant rate towards the launch azimuth, by the kick
  angle at :math:`t_k`; then held at that attitude until the velocity has turned as far from the
  vertical (the thrust direction is then the velocity's, so the switch is continuous); then along
  the velocity (zero angle of attack: the gravity turn) until cut-off.
- Drag with the USSA76 density at the geodetic height (``core/atmosphere.py``), ballistic
  coefficient :math:`\\beta = m / (C_D A)`: the booster's :math:`\\beta_0 (1 - k t)` while it
  burns (its mass falls, its drag area stays), the re-entry vehicle's after burnout (inf: no drag).
- Quasi-ballistic pull-up and glide (notional): after burnout, descending below the pull-up
  height and faster than the glide's end speed, lift normal to the velocity in the vertical plane
  holds the flight path near level, :math:`a_L = \\min(g_{eff}\\cos\\gamma - v\\gamma/\\tau,
  (L/D)\\,D)`, with :math:`g_{eff} = \\mu/r^2 - (v\\cos\\gamma)^2/r` and :math:`D` the drag
  deceleration. Height, speed and descent enter through linear ramps (:data:`GLIDE_RAMP_H_M`,
  :data:`GLIDE_RAMP_SPEED_MPS`, :data:`GLIDE_RAMP_SIN_GAMMA`) so that the acceleration stays
  continuous for the integrator.

Integration: classical RK4 with sub-steps of at most ``h_max`` (0.25 s) that end exactly on the
programme's switch times (:math:`t_v, t_k, t_{co}`), so no step straddles a jump of the thrust.
The flight ends when the missile, after burnout and descending, crosses the radius of its aim
point (linear interpolation inside the sub-step). Everything runs per row in compiled kernels.

Launch solution (:func:`solve_launch`): the shape of the arc is the Kepler closed form's
(``core/kepler.py``: the minimum-energy flight-path angle for the range from burnout, plus or
minus the loft), the rest is Newton's method (differential correction with a finite-difference
Jacobian) on the real equations of motion: with a boost, on the launch azimuth, the kick angle and
the thrust cut-off time, so that the impact's east and north miss and the burnout flight-path
angle's error vanish; without a boost (the missile appears at burnout), on the burnout velocity's
azimuth and magnitude. The ECEF (earth-relative) flight-path angle defines the shape, so on the
rotating earth "minimum energy" is the closed form's shape, not an exact optimum.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray

from amdsim.core.atmosphere import density_scalar
from amdsim.core.geodesy import EARTH_MU, G0, FloatArray, ecef2geodetic, enu_basis, geodetic2ecef
from amdsim.core.geodesy_compiled import ellipsoid_height
from amdsim.core.gravity import free_accel
from amdsim.core.kepler import minimum_energy_gamma, speed_parameter

# -- the per-row parameter vector (one float64 row per missile) ------------------------------------
P_A0 = 0          #: thrust acceleration at lift-off F/m0 (m/s^2); 0: no boost (the row starts at burnout)
P_K = 1           #: mass flow over lift-off mass a0 / (g0 Isp) (1/s)
P_TV = 2          #: end of the vertical rise (s after lift-off)
P_TK = 3          #: end of the pitch-over (s)
P_TCO = 4         #: thrust cut-off (s); 0 without a boost
P_KICK = 5        #: kick angle from the vertical reached at P_TK (rad)
P_UP = 6          #: 6..8 launch vertical, ECEF unit vector
P_AZ = 9          #: 9..11 launch azimuth, ECEF horizontal unit vector
P_BETA_BOOST = 12  #: booster ballistic coefficient at lift-off (kg/m^2); inf: no drag
P_BETA = 13       #: re-entry vehicle ballistic coefficient (kg/m^2); inf: no drag
P_LD = 14         #: lift-to-drag ratio of the glide; 0: none
P_PULLUP_H = 15   #: pull-up height (m above the ellipsoid)
P_GLIDE_END = 16  #: speed (m/s) below which the glide ends
P_GLIDE_TAU = 17  #: flight-path-angle time constant of the pull-up (s)
P_R_IMPACT = 18   #: radius (m) of the aim point: the flight ends there, descending
P_ROTATING = 19   #: 1: rotating earth with J2; 0: non-rotating point mass
N_PARAMS = 20

#: Largest RK4 sub-step (s) of the integrator (the movers and the launch solution alike).
H_MAX = 0.25
#: Ramps that switch the glide's lift on continuously: over this height below the pull-up height (m) ...
GLIDE_RAMP_H_M = 2000.0
#: ... over this speed above the glide's end speed (m/s) ...
GLIDE_RAMP_SPEED_MPS = 100.0
#: ... and over this sine of the descent angle (about 2 deg).
GLIDE_RAMP_SIN_GAMMA = 0.035


def empty_params(n: int) -> NDArray[np.float64]:
    """(n, N_PARAMS) parameter rows of unpowered, drag-free flight on a rotating earth."""
    prm = np.zeros((n, N_PARAMS))
    prm[:, P_BETA_BOOST] = np.inf
    prm[:, P_BETA] = np.inf
    prm[:, P_ROTATING] = 1.0
    return prm


@njit(cache=True)
def _accel(x: float, y: float, z: float, vx: float, vy: float, vz: float, tau: float, prm: FloatArray,
           boosting: bool, turning: bool = False) -> tuple[float, float, float]:  # pragma: no cover - compiled
    """ECEF acceleration (m/s^2) at ``tau`` s after lift-off (module docstring); ``boosting``: the
    motor burns; ``turning``: the gravity turn has begun (both decided once per sub-step, which never
    straddles the cut-off nor the start of the gravity turn)."""
    ax, ay, az = free_accel(x, y, z, vx, vy, vz, prm[P_ROTATING] != 0.0)
    sp = np.sqrt(vx * vx + vy * vy + vz * vz)
    if boosting:
        frac = 1.0 - prm[P_K] * tau
        a_t = prm[P_A0] / frac
        # pitch programme: vertical rise, pitch-over to the kick attitude, hold it until the
        # velocity has turned as far (_fly ends a sub-step there), then along the velocity
        if turning and sp > 1.0:
            ex, ey, ez = vx / sp, vy / sp, vz / sp
        else:
            s = (tau - prm[P_TV]) / max(prm[P_TK] - prm[P_TV], 1e-9)
            th = min(max(s, 0.0), 1.0) * prm[P_KICK]
            c, sn = np.cos(th), np.sin(th)
            ex = c * prm[P_UP] + sn * prm[P_AZ]
            ey = c * prm[P_UP + 1] + sn * prm[P_AZ + 1]
            ez = c * prm[P_UP + 2] + sn * prm[P_AZ + 2]
        ax += a_t * ex
        ay += a_t * ey
        az += a_t * ez
        beta = prm[P_BETA_BOOST] * frac
    else:
        beta = prm[P_BETA]
    if np.isfinite(beta) and sp > 0.0:
        h = ellipsoid_height(x, y, z)
        rho = density_scalar(h)
        if rho > 0.0:
            k = -rho * sp / (2.0 * beta)
            ax += k * vx
            ay += k * vy
            az += k * vz
            if prm[P_LD] > 0.0 and not boosting and sp > 1.0:
                r = np.sqrt(x * x + y * y + z * z)
                ux, uy, uz = x / r, y / r, z / r
                sin_g = (vx * ux + vy * uy + vz * uz) / sp
                f_h = min(max((prm[P_PULLUP_H] - h) / GLIDE_RAMP_H_M, 0.0), 1.0)
                f_v = min(max((sp - prm[P_GLIDE_END]) / GLIDE_RAMP_SPEED_MPS, 0.0), 1.0)
                f_d = min(max(-sin_g / GLIDE_RAMP_SIN_GAMMA, 0.0), 1.0)
                on = f_h * f_v * f_d
                if on > 0.0:
                    cos_g = np.sqrt(max(1.0 - sin_g * sin_g, 1e-12))
                    g_eff = EARTH_MU / (r * r) - (sp * cos_g) ** 2 / r
                    cmd = g_eff * cos_g - sp * np.arcsin(sin_g) / prm[P_GLIDE_TAU]
                    a_l = on * min(max(cmd, 0.0), prm[P_LD] * (-k * sp))
                    # unit normal to the velocity in the vertical plane, upwards
                    nx = (ux - sin_g * vx / sp) / cos_g
                    ny = (uy - sin_g * vy / sp) / cos_g
                    nz = (uz - sin_g * vz / sp) / cos_g
                    ax += a_l * nx
                    ay += a_l * ny
                    az += a_l * nz
    return ax, ay, az


@njit(cache=True)
def _turned(v: FloatArray, tau: float, prm: FloatArray) -> bool:  # pragma: no cover - compiled
    """After the pitch-over, the velocity has turned from the launch vertical by the kick angle: the
    gravity turn (thrust along the velocity) has begun. Monotone once true (gravity keeps turning
    the velocity over)."""
    if tau < prm[P_TK] - 1e-9:
        return False
    sp = np.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
    if sp <= 1.0:
        return False
    cos_tilt = (v[0] * prm[P_UP] + v[1] * prm[P_UP + 1] + v[2] * prm[P_UP + 2]) / sp
    turned: bool = cos_tilt <= np.cos(prm[P_KICK]) + 1e-15
    return turned


@njit(cache=True)
def _rk4_step(p: FloatArray, v: FloatArray, tau: float, h: float, prm: FloatArray) -> None:  # pragma: no cover
    """One classical RK4 step of length ``h`` s from (p, v) at ``tau``, in place. The motor's state
    is that of the step's mid-point: sub-steps end on the cut-off, so every stage of a step sees the
    same side of it (deciding per stage would drop the thrust from the last stage of the step that
    ends on the cut-off, or not, by rounding)."""
    boosting = prm[P_A0] > 0.0 and tau + 0.5 * h < prm[P_TCO]
    turning = boosting and _turned(v, tau, prm)
    x, y, z = p[0], p[1], p[2]
    vx, vy, vz = v[0], v[1], v[2]
    a1x, a1y, a1z = _accel(x, y, z, vx, vy, vz, tau, prm, boosting, turning)
    hh = 0.5 * h
    v2x, v2y, v2z = vx + hh * a1x, vy + hh * a1y, vz + hh * a1z
    a2x, a2y, a2z = _accel(x + hh * vx, y + hh * vy, z + hh * vz, v2x, v2y, v2z, tau + hh, prm, boosting, turning)
    v3x, v3y, v3z = vx + hh * a2x, vy + hh * a2y, vz + hh * a2z
    a3x, a3y, a3z = _accel(x + hh * v2x, y + hh * v2y, z + hh * v2z, v3x, v3y, v3z, tau + hh, prm, boosting, turning)
    v4x, v4y, v4z = vx + h * a3x, vy + h * a3y, vz + h * a3z
    a4x, a4y, a4z = _accel(x + h * v3x, y + h * v3y, z + h * v3z, v4x, v4y, v4z, tau + h, prm, boosting, turning)
    s = h / 6.0
    p[0] = x + s * (vx + 2.0 * v2x + 2.0 * v3x + v4x)
    p[1] = y + s * (vy + 2.0 * v2y + 2.0 * v3y + v4y)
    p[2] = z + s * (vz + 2.0 * v2z + 2.0 * v3z + v4z)
    v[0] = vx + s * (a1x + 2.0 * a2x + 2.0 * a3x + a4x)
    v[1] = vy + s * (a1y + 2.0 * a2y + 2.0 * a3y + a4y)
    v[2] = vz + s * (a1z + 2.0 * a2z + 2.0 * a3z + a4z)


@njit(cache=True)
def _next_switch(tau: float, prm: FloatArray) -> float:  # pragma: no cover - compiled
    """The programme's next switch time after ``tau`` (inf: none)."""
    if prm[P_A0] <= 0.0:
        return np.inf
    for t_s in (prm[P_TV], prm[P_TK], prm[P_TCO]):
        if t_s > tau + 1e-9:
            switch: float = t_s
            return switch
    return np.inf


@njit(cache=True)
def _fly(p: FloatArray, v: FloatArray, tau0: float, duration: float, prm: FloatArray, h_max: float, p0: FloatArray,
         v0: FloatArray) -> float:  # pragma: no cover - compiled
    """Fly one state (p, v) in place from ``tau0`` for ``duration`` s; returns the time flown (s),
    shorter than ``duration`` when the flight ended at the aim radius (p, v then at the crossing)."""
    t = 0.0
    tau = tau0
    r_imp = prm[P_R_IMPACT]
    t_co = prm[P_TCO] if prm[P_A0] > 0.0 else 0.0
    while t < duration - 1e-12:
        h = min(h_max, duration - t, _next_switch(tau, prm) - tau)
        for j in range(3):
            p0[j] = p[j]
            v0[j] = v[j]
        holding = prm[P_A0] > 0.0 and tau + 0.5 * h < prm[P_TCO] and not _turned(v, tau, prm)
        _rk4_step(p, v, tau, h, prm)
        if holding and tau + h >= prm[P_TK] - 1e-9 and _turned(v, tau + h, prm):
            # the velocity reached the kick attitude inside the sub-step: end it there (bisection
            # to 1e-9 s), so no sub-step straddles the start of the gravity turn
            lo, hi = 0.0, h
            while hi - lo > 1e-9:
                mid = 0.5 * (lo + hi)
                for j in range(3):
                    p[j] = p0[j]
                    v[j] = v0[j]
                _rk4_step(p, v, tau, mid, prm)
                if _turned(v, tau + mid, prm):
                    hi = mid
                else:
                    lo = mid
            for j in range(3):
                p[j] = p0[j]
                v[j] = v0[j]
            _rk4_step(p, v, tau, hi, prm)
            h = hi
        t += h
        tau += h
        if tau >= t_co - 1e-9 and r_imp > 0.0:
            r1 = np.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2])
            if r1 <= r_imp and p[0] * v[0] + p[1] * v[1] + p[2] * v[2] < 0.0:
                r0 = np.sqrt(p0[0] * p0[0] + p0[1] * p0[1] + p0[2] * p0[2])
                f = min(max((r0 - r_imp) / max(r0 - r1, 1e-12), 0.0), 1.0)
                for j in range(3):
                    p[j] = p0[j] + f * (p[j] - p0[j])
                    v[j] = v0[j] + f * (v[j] - v0[j])
                flown: float = t - h * (1.0 - f)
                return flown
    return duration


@njit(cache=True)
def fly_rows(rows: NDArray[np.int64], pos: FloatArray, vel: FloatArray, tau0: FloatArray, duration: FloatArray,
             prm: FloatArray, h_max: float, hit: NDArray[np.bool_], t_hit: FloatArray) -> None:  # pragma: no cover
    """Advance the missiles at ``rows`` of the (N,3) ECEF ``pos``/``vel`` arrays in place.

    ``tau0`` (R,) s since lift-off at the start, ``duration`` (R,) s to fly, ``prm`` (N, N_PARAMS)
    parameter rows. Sets ``hit`` (R,) where the flight ended at the aim radius and ``t_hit`` (R,),
    the time flown (s) until then."""
    p = np.empty(3)
    v = np.empty(3)
    p0 = np.empty(3)
    v0 = np.empty(3)
    for i in range(rows.size):
        row = rows[i]
        for j in range(3):
            p[j] = pos[row, j]
            v[j] = vel[row, j]
        flown = _fly(p, v, tau0[i], duration[i], prm[row], h_max, p0, v0)
        hit[i] = flown < duration[i] - 1e-12
        t_hit[i] = flown
        for j in range(3):
            pos[row, j] = p[j]
            vel[row, j] = v[j]


@njit(cache=True)
def flight_to_impact(pos0: FloatArray, vel0: FloatArray, prm: FloatArray, h_max: float,
                     t_max: float) -> tuple[FloatArray, float, FloatArray, FloatArray, float, bool]:  # pragma: no cover
    """Fly one missile from lift-off (or burnout) to its aim radius.

    Returns (impact position (3,), time of flight s, burnout position (3,), burnout velocity (3,),
    largest radius reached m, hit). Burnout is at the cut-off (the start without a boost)."""
    p = pos0.copy()
    v = vel0.copy()
    p0 = np.empty(3)
    v0 = np.empty(3)
    t_co = prm[P_TCO] if prm[P_A0] > 0.0 else 0.0
    t = 0.0
    if t_co > 0.0:
        t = _fly(p, v, 0.0, t_co, prm, h_max, p0, v0)
    p_bo = p.copy()
    v_bo = v.copy()
    r_max = np.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2])
    hit = False
    while t < t_max:
        # one sub-step at a time, so that the largest radius is seen at the sub-step's resolution
        flown = _fly(p, v, t, h_max, prm, h_max, p0, v0)
        t += flown
        r = np.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2])
        r_max = max(r_max, r)
        if flown < h_max - 1e-12:
            hit = True
            break
    return p, t, p_bo, v_bo, r_max, hit


# -- the launch solution -----------------------------------------------------------------------------
@dataclass(frozen=True)
class BoostProgram:
    """Powered flight of a single-stage-equivalent motor (SI; module docstring).

    accel0: F / m0 at lift-off (m/s^2); burn_time: t_b (s); isp: specific impulse (s);
    vertical_time: t_v (s); pitch_over_time: t_k - t_v (s); beta0: booster ballistic coefficient at
    lift-off (kg/m^2, inf: no drag)."""

    accel0: float
    burn_time: float
    isp: float
    vertical_time: float
    pitch_over_time: float
    beta0: float

    @property
    def exhaust_speed(self) -> float:
        """c = g0 Isp (m/s)."""
        return G0 * self.isp

    @property
    def k(self) -> float:
        """Mass flow over lift-off mass a0 / c (1/s)."""
        return self.accel0 / self.exhaust_speed

    @property
    def mass_ratio(self) -> float:
        """m0 / m(t_b) = 1 / (1 - k t_b) at full burn."""
        return 1.0 / (1.0 - self.k * self.burn_time)

    def ideal_dv(self, t: float | None = None) -> float:
        """Ideal velocity c ln(m0 / m(t)) (m/s) after ``t`` s of burn (default: the full burn)."""
        t = self.burn_time if t is None else t
        return -self.exhaust_speed * float(np.log(1.0 - self.k * t))


@dataclass(frozen=True)
class GlideProgram:
    """Quasi-ballistic pull-up and glide (notional; module docstring): lift-to-drag ratio, pull-up
    height (m), speed that ends the glide (m/s), flight-path-angle time constant (s)."""

    lift_to_drag: float
    pullup_alt: float
    end_speed: float
    time_constant: float


@dataclass(frozen=True)
class LaunchSolution:
    """What the mover needs (``params``, the start state) and what the solution reached.

    pos0, vel0: ECEF start state (the pad at rest, or the burnout state without a boost);
    params: (N_PARAMS,) parameter row; azimuth: launch (or burnout) azimuth (rad from north);
    miss: distance of the solved impact from the aim point (m); time_of_flight: s;
    burnout_pos, burnout_vel: ECEF burnout state; apogee_radius: largest geocentric radius
    reached (m); iterations: Newton iterations taken."""

    pos0: NDArray[np.float64]
    vel0: NDArray[np.float64]
    params: NDArray[np.float64]
    azimuth: float
    miss: float
    time_of_flight: float
    burnout_pos: NDArray[np.float64]
    burnout_vel: NDArray[np.float64]
    apogee_radius: float
    iterations: int


class NoLaunchSolutionError(ValueError):
    """No trajectory of the requested shape reaches the aim point (the message says why)."""


#: Newton stops when the miss is below this (m) ...
SOLVE_MISS_TOL_M = 0.5
#: ... and the burnout flight-path angle is within this of its target (rad).
SOLVE_GAMMA_TOL_RAD = 1e-6
#: Longest flight (s) the solution integrates before it declares that the arc never lands.
SOLVE_MAX_FLIGHT_S = 6000.0
#: Newton iterations at most.
SOLVE_MAX_ITER = 40


def _enu(pos: NDArray[np.float64]) -> NDArray[np.float64]:
    lat, lon, _ = ecef2geodetic(pos)
    return enu_basis(lat, lon)


def target_gamma(burnout_pos: FloatArray, aim_pos: FloatArray, trajectory: str, loft: float) -> float:
    """Burnout flight-path angle (rad) of the requested shape: the Kepler closed form's minimum-energy
    angle for the range angle from ``burnout_pos`` to ``aim_pos`` (``core/kepler.py``), plus ``loft``
    (lofted) or minus it (depressed, quasi_ballistic)."""
    r0, rt = float(np.linalg.norm(burnout_pos)), float(np.linalg.norm(aim_pos))
    psi = float(np.arccos(np.clip(np.dot(burnout_pos, aim_pos) / (r0 * rt), -1.0, 1.0)))
    gamma = minimum_energy_gamma(psi, r0, rt)
    if trajectory == "lofted":
        gamma = min(gamma + loft, np.pi / 2 - 1e-3)
    elif trajectory in ("depressed", "quasi_ballistic"):
        gamma = max(gamma - loft, 1e-3)
    return float(gamma)


def flight_path_angle(pos: FloatArray, vel: FloatArray) -> float:
    """Angle (rad) of the ECEF velocity above the plane normal to the geocentric radius."""
    return float(np.arcsin(np.clip(np.dot(pos, vel) / (np.linalg.norm(pos) * np.linalg.norm(vel)), -1.0, 1.0)))


def _miss_enu(impact: FloatArray, aim: FloatArray, aim_basis: FloatArray) -> FloatArray:
    return np.asarray(aim_basis[:2] @ (impact - aim), float)


def solve_launch(launch_pos: ArrayLike, aim_pos: ArrayLike, trajectory: str = "minimum_energy", loft: float = 0.0,
                 boost: BoostProgram | None = None, beta: float = np.inf, glide: GlideProgram | None = None,
                 rotating: bool = True, burnout_alt: float = 0.0) -> LaunchSolution:
    """The launch that hits ``aim_pos`` (ECEF m) from the pad ``launch_pos`` (ECEF m).

    With a ``boost`` the missile lifts off from the pad at rest and Newton's method solves the
    launch azimuth, kick angle and thrust cut-off; without one it appears at burnout, ``burnout_alt``
    (m) above the pad along the geocentric radius (the first wave's model) and Newton solves the
    burnout velocity's azimuth and magnitude, the flight-path angle held at the shape's. ``beta``:
    the re-entry vehicle's ballistic coefficient (kg/m^2, inf: no drag); ``glide``: quasi-ballistic
    pull-up and glide (trajectory ``quasi_ballistic``). Raises :class:`NoLaunchSolutionError`.
    """
    launch_pos = np.asarray(launch_pos, float)
    aim_pos = np.asarray(aim_pos, float)
    prm = empty_params(1)[0]
    prm[P_BETA] = beta
    prm[P_R_IMPACT] = float(np.linalg.norm(aim_pos))
    prm[P_ROTATING] = 1.0 if rotating else 0.0
    if glide is not None:
        prm[P_LD] = glide.lift_to_drag
        prm[P_PULLUP_H] = glide.pullup_alt
        prm[P_GLIDE_END] = glide.end_speed
        prm[P_GLIDE_TAU] = glide.time_constant
    aim_basis = _enu(aim_pos)
    pad_basis = _enu(launch_pos)
    d = pad_basis @ (aim_pos - launch_pos)
    az0 = float(np.arctan2(d[0], d[1]))
    if boost is None:
        return _solve_burnout(launch_pos, aim_pos, trajectory, loft, prm, aim_basis, burnout_alt)
    return _solve_boost(launch_pos, aim_pos, trajectory, loft, prm, aim_basis, pad_basis, az0, boost)


def _horizontal(basis: FloatArray, az: float) -> FloatArray:
    return np.asarray(np.sin(az) * basis[0] + np.cos(az) * basis[1], float)


def _newton(residual: Callable[[FloatArray], FloatArray], u0: FloatArray, steps: FloatArray, lower: FloatArray,
            upper: FloatArray, scale: FloatArray,
            done: Callable[[FloatArray], bool]) -> tuple[FloatArray, FloatArray, int]:
    """Damped Newton on ``residual(u) -> r`` (square system) with a forward-difference Jacobian.

    ``steps``: difference steps per unknown; ``lower``/``upper``: bounds the iterate is clipped to;
    ``scale``: residual weights for the step acceptance; ``done(r)``: convergence test.
    Returns (u, r, iterations)."""
    u = np.array(u0, float)
    r = residual(u)
    for it in range(1, SOLVE_MAX_ITER + 1):
        if done(r):
            return u, r, it - 1
        jac = np.empty((r.size, u.size))
        for j in range(u.size):
            du = np.zeros(u.size)
            du[j] = steps[j] if u[j] + steps[j] <= upper[j] else -steps[j]
            jac[:, j] = (residual(u + du) - r) / du[j]
        try:
            step = -np.linalg.solve(jac, r)
        except np.linalg.LinAlgError:
            break
        norm0 = np.linalg.norm(r / scale)
        lam = 1.0
        for _ in range(12):
            u_new = np.clip(u + lam * step, lower, upper)
            r_new = residual(u_new)
            if np.all(np.isfinite(r_new)) and np.linalg.norm(r_new / scale) < norm0:
                break
            lam *= 0.5
        else:
            break
        u, r = u_new, r_new
    return u, r, SOLVE_MAX_ITER


def _solve_burnout(launch_pos: FloatArray, aim_pos: FloatArray, trajectory: str, loft: float, prm: FloatArray,
                   aim_basis: FloatArray, burnout_alt: float) -> LaunchSolution:
    r0 = launch_pos * (1.0 + burnout_alt / np.linalg.norm(launch_pos))
    basis = _enu(r0)
    gamma = target_gamma(r0, aim_pos, trajectory, loft)
    psi = float(np.arccos(np.clip(np.dot(r0, aim_pos) / (np.linalg.norm(r0) * np.linalg.norm(aim_pos)), -1, 1)))
    q = speed_parameter(psi, gamma, float(np.linalg.norm(r0)), float(np.linalg.norm(aim_pos)))
    if not np.isfinite(q):
        raise NoLaunchSolutionError(f"no Kepler arc of flight-path angle {np.degrees(gamma):.1f} deg reaches the aim point")
    v_kep = float(np.sqrt(q * EARTH_MU / np.linalg.norm(r0)))
    # the Kepler plane: the aim's direction projected on the burnout point's horizontal plane
    u0 = r0 / np.linalg.norm(r0)
    horiz = aim_pos - np.dot(aim_pos, u0) * u0
    e, n = basis[0] @ horiz, basis[1] @ horiz
    az0 = float(np.arctan2(e, n))
    up = u0

    def velocity(u: FloatArray) -> FloatArray:
        h = _horizontal(basis, u[0])
        h = h - np.dot(h, up) * up
        h /= np.linalg.norm(h)
        vel: FloatArray = u[1] * (np.cos(gamma) * h + np.sin(gamma) * up)
        return vel

    def residual(u: FloatArray) -> FloatArray:
        imp, _, _, _, _, hit = flight_to_impact(r0, velocity(u), prm, H_MAX, SOLVE_MAX_FLIGHT_S)
        return _miss_enu(imp, aim_pos, aim_basis) if hit else np.full(2, np.nan)

    lower = np.array([-np.inf, 1.0])
    upper = np.array([np.inf, 12_000.0])
    u, r, it = _newton(residual, np.array([az0, v_kep]), np.array([1e-6, 1e-3]), lower, upper,
                       np.array([1.0, 1.0]), lambda r: bool(np.all(np.isfinite(r))) and np.hypot(*r) < SOLVE_MISS_TOL_M)
    if not np.all(np.isfinite(r)) or np.hypot(*r) > 1.0:
        raise NoLaunchSolutionError(f"the burnout velocity was not found (miss {np.hypot(*r):.0f} m after {it} iterations)")
    vel = velocity(u)
    _imp, tof, p_bo, v_bo, r_max, _ = flight_to_impact(r0, vel, prm, H_MAX, SOLVE_MAX_FLIGHT_S)
    return LaunchSolution(r0.copy(), vel, prm, float(u[0]), float(np.hypot(*r)), float(tof), p_bo, v_bo,
                          float(r_max), it)


def _boost_params(prm: FloatArray, boost: BoostProgram, pad_basis: FloatArray, az: float, kick: float,
                  t_co: float) -> FloatArray:
    p: FloatArray = prm.copy()
    p[P_A0] = boost.accel0
    p[P_K] = boost.k
    p[P_TV] = boost.vertical_time
    p[P_TK] = boost.vertical_time + boost.pitch_over_time
    p[P_TCO] = t_co
    p[P_KICK] = kick
    p[P_UP:P_UP + 3] = pad_basis[2]
    p[P_AZ:P_AZ + 3] = _horizontal(pad_basis, az)
    p[P_BETA_BOOST] = boost.beta0
    return p


def _burnout(launch_pos: FloatArray, p: FloatArray) -> tuple[FloatArray, FloatArray]:
    pos = launch_pos[None, :].copy()
    vel = np.zeros((1, 3))
    hit = np.zeros(1, np.bool_)
    t_hit = np.zeros(1)
    prm = p.copy()
    prm[P_R_IMPACT] = 0.0             # no impact test while solving the boost alone
    fly_rows(np.zeros(1, np.int64), pos, vel, np.zeros(1), np.array([p[P_TCO]]), prm[None, :], H_MAX, hit, t_hit)
    return pos[0], vel[0]


def _solve_boost(launch_pos: FloatArray, aim_pos: FloatArray, trajectory: str, loft: float, prm: FloatArray,
                 aim_basis: FloatArray, pad_basis: FloatArray, az0: float, boost: BoostProgram) -> LaunchSolution:
    t_k = boost.vertical_time + boost.pitch_over_time
    t_lo, t_hi = t_k + 1.0, boost.burn_time
    if t_hi <= t_lo:
        raise NoLaunchSolutionError("the burn ends before the pitch-over: no gravity turn to shape the arc")

    # 1. the boost alone: kick angle and cut-off that give the shape's flight-path angle and the
    #    Kepler speed (point mass, non-rotating) at burnout -- the starting point of step 2
    def boost_residual(u: FloatArray) -> FloatArray:
        p_bo, v_bo = _burnout(launch_pos, _boost_params(prm, boost, pad_basis, az0, u[0], u[1]))
        gamma = target_gamma(p_bo, aim_pos, trajectory, loft)
        psi = float(np.arccos(np.clip(np.dot(p_bo, aim_pos) / (np.linalg.norm(p_bo) * np.linalg.norm(aim_pos)),
                                      -1.0, 1.0)))
        q = speed_parameter(psi, gamma, float(np.linalg.norm(p_bo)), float(np.linalg.norm(aim_pos)))
        v_kep = np.sqrt(q * EARTH_MU / np.linalg.norm(p_bo)) if np.isfinite(q) else np.inf
        return np.array([flight_path_angle(p_bo, v_bo) - gamma, (np.linalg.norm(v_bo) - v_kep) / 1000.0])

    lower = np.array([1e-3, t_lo])
    upper = np.array([np.radians(75.0), t_hi])
    u, r, _ = _newton(boost_residual, np.array([np.radians(5.0), t_hi]), np.array([1e-5, 1e-3]), lower, upper,
                      np.array([1.0, 1.0]), lambda r: bool(np.all(np.abs(r) < 1e-6)))
    if not np.all(np.isfinite(r)) or abs(r[1]) > 0.05 or abs(r[0]) > 0.01:
        if r[1] < 0 and u[1] >= t_hi - 1e-6:
            raise NoLaunchSolutionError(f"out of reach: the full burn gives {-r[1] * 1000:.0f} m/s less than the "
                                   "Kepler arc to the aim point needs")
        if r[1] > 0 and u[1] <= t_lo + 1e-6:
            raise NoLaunchSolutionError("too close: even a cut-off just after the pitch-over flies past the aim point")
        raise NoLaunchSolutionError(f"the boost programme cannot give the arc's shape (flight-path angle off by "
                               f"{np.degrees(r[0]):.1f} deg)")

    # 2. the whole flight on the real equations of motion: azimuth, kick, cut-off
    def residual(w: FloatArray) -> FloatArray:
        p = _boost_params(prm, boost, pad_basis, w[0], w[1], w[2])
        imp, _, p_bo, v_bo, _, hit = flight_to_impact(launch_pos, np.zeros(3), p, H_MAX, SOLVE_MAX_FLIGHT_S)
        if not hit:
            return np.full(3, np.nan)
        gamma = target_gamma(p_bo, aim_pos, trajectory, loft)
        out: FloatArray = np.r_[_miss_enu(imp, aim_pos, aim_basis), (flight_path_angle(p_bo, v_bo) - gamma) * 1e5]
        return out

    lower3 = np.array([-np.inf, 1e-3, t_lo])
    upper3 = np.array([np.inf, np.radians(75.0), t_hi])

    def done(r: FloatArray) -> bool:
        return bool(np.all(np.isfinite(r))) and np.hypot(r[0], r[1]) < SOLVE_MISS_TOL_M and \
            abs(r[2]) < SOLVE_GAMMA_TOL_RAD * 1e5

    w, r, it = _newton(residual, np.array([az0, u[0], u[1]]), np.array([1e-7, 1e-6, 1e-4]), lower3, upper3,
                       np.array([1.0, 1.0, 1.0]), done)
    if not np.all(np.isfinite(r)) or np.hypot(r[0], r[1]) > 1.0:
        if w[2] >= t_hi - 1e-6:
            raise NoLaunchSolutionError("out of reach on the rotating earth with drag: the full burn falls short "
                                   f"by {np.hypot(r[0], r[1]) / 1000:.1f} km")
        raise NoLaunchSolutionError(f"the launch was not found (miss {np.hypot(r[0], r[1]):.0f} m after {it} iterations)")
    p = _boost_params(prm, boost, pad_basis, w[0], w[1], w[2])
    _imp, tof, p_bo, v_bo, r_max, _ = flight_to_impact(launch_pos, np.zeros(3), p, H_MAX, SOLVE_MAX_FLIGHT_S)
    return LaunchSolution(launch_pos.copy(), np.zeros(3), p, float(w[0]), float(np.hypot(r[0], r[1])), float(tof),
                          p_bo, v_bo, float(r_max), it)


def pad_position(lat: float, lon: float, alt: float) -> NDArray[np.float64]:
    """ECEF (m) of a launch pad at geodetic (rad, rad, m)."""
    return np.asarray(geodetic2ecef(lat, lon, alt), float)
