"""Interceptor flyout: 3-DOF point mass, boost then coast, a homing loop that can miss, exact endgame.

The homing loop of one interceptor (Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed.,
ch. 2-5 for the loop and its linear analysis, ch. 8 for augmented PN):

.. math::
   \\hat{\\mathbf u} = \\frac{\\mathbf R_m}{|\\mathbf R_m|},\\qquad
   \\dot{\\mathbf z} = \\frac{\\hat{\\mathbf u} - \\mathbf z}{\\tau},\\qquad
   \\hat{\\dot{\\mathbf u}} = \\dot{\\mathbf z} - (\\dot{\\mathbf z}\\cdot\\hat{\\mathbf u})\\,\\hat{\\mathbf u},
   \\qquad \\tau = T/n

   \\mathbf a_c = N V_c\\, \\hat{\\dot{\\mathbf u}}
        \\;[+\\; \\tfrac{N}{2}\\, \\hat{\\mathbf a}_{T\\perp}\\ \\text{(APN)}]
        \\;-\\; \\mathbf g_\\perp, \\quad |\\mathbf a_c| \\le a_{max},\\qquad
   \\dot{\\mathbf x}_1 = \\frac{\\mathbf a_c - \\mathbf x_1}{\\tau},\\ \\dots,\\
   \\dot{\\mathbf x}_{n-1} = \\frac{\\mathbf x_{n-2} - \\mathbf x_{n-1}}{\\tau}

- ``R_m`` is the measured line of sight: until the seeker acquires, the relative position of the
  aim point the caller gives (midcourse, noise-free); after acquisition the true relative position
  plus the seeker's noise normal to the line of sight, ``|R| sigma_angle n_a + sigma_glint n_g``
  (new standard-normal draws ``n`` every guidance update, held in between).
- ``z`` is the seeker's track loop, a first-order lag on the line-of-sight direction; its rate
  ``d u / dt = Omega x u`` is the line-of-sight rate vector, so ``N V_c`` times it is true
  proportional navigation (ch. 2). The track loop is the first of the n equal lags of the binomial
  guidance system ``1/(1 + sT/n)^n`` (ch. 5); the other n - 1 (autopilot and airframe, ``x_k``)
  follow the limited command. Linearised, the loop from the line-of-sight rate to the achieved
  acceleration is exactly the binomial, so the linear closed forms and adjoint curves apply.
  ``T = 0`` is ideal PN: the line-of-sight rate ``(W - (W . u) u) / |R|`` straight from geometry.
- APN adds ``N/2`` times the target acceleration normal to the line of sight, estimated by a
  first-order filter of the same ``tau`` on the true target acceleration after acquisition (ch. 8).
- The command compensates the interceptor's own free acceleration (gravity and, on the rotating
  earth, the frame terms: :func:`amdsim.core.gravity.free_accel`) and is applied normal to the
  velocity (aerodynamic lift); thrust and drag act along it.

Seeker: it acquires when the true target is inside ``seeker_range`` and its look angle (off the
velocity) inside ``seeker_gimbal``; the lock is lost when the look angle leaves the gimbal (except
inside ``SEEKER_BLIND_RANGE_M``) and the interceptor flies the aim point again until it reacquires.
At each switch the track loop is shifted so that the rate estimate is continuous.

Integration: classic RK4 over the whole state (position, velocity, track loop, estimate, lags) on
sub-steps of at most ``FLYOUT_MAX_SUBSTEP_S`` and ``FLYOUT_LAG_STEP_FRACTION`` tau, cut at guidance
updates, burnout and expiry; near the target the sub-step shrinks as ``FLYOUT_ENDGAME_STEP_FRACTION``
times the time to closest approach, down to ``FLYOUT_MIN_SUBSTEP_S``, inside which the closest
approach is solved in closed form on straight relative motion (``t* = -r.v/|v|^2``). The true
target moves on the cubic Hermite curve through its (position, velocity) at the start and end of
the major step, exact for constant acceleration; the aim point moves linearly between ``aim0`` and
``aim1``. The miss distance is therefore independent of the major step.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from amdsim.core.constants import (
    ENDGAME_RANGE_M,
    FLYOUT_ENDGAME_STEP_FRACTION,
    FLYOUT_LAG_STEP_FRACTION,
    FLYOUT_MAX_SUBSTEP_S,
    FLYOUT_MIN_SUBSTEP_S,
    FLYOUT_STATE_WIDTH,
    SEEKER_BLIND_RANGE_M,
)
from amdsim.core.gravity import free_accel

#: Status codes returned by :func:`pn_flyout`.
FLYING, CPA, EXPIRED = 0, 1, 2
#: Seeker states (``World.icpt_lock``): not yet flown, midcourse (aim point), locked on, lock lost.
FRESH, MIDCOURSE, LOCKED, LOST = -1, 0, 1, 2
#: Guidance laws (``InterceptorTypeTable.guidance_law``).
PN, APN = 0, 1
#: Gravity models of the kernel: none (tests of the linear loop only), point mass, rotating earth.
GRAVITY_NONE, GRAVITY_POINT, GRAVITY_ROTATING = 0, 1, 2

#: Length of the RK4 state vector: position, velocity and the guidance-loop state.
_NY = 6 + FLYOUT_STATE_WIDTH


@njit(cache=True, inline="always")
def _target(p0, v0, p1, v1, i, big_dt, s):  # pragma: no cover - compiled
    """True target of row ``i`` at ``s`` (s) into the major step: cubic Hermite through (p0, v0) at 0
    and (p1, v1) at ``big_dt``. Returns position (m), velocity (m/s), acceleration (m/s^2), 9 floats."""
    u = s / big_dt
    u2 = u * u
    u3 = u2 * u
    h00, h10, h01, h11 = 2.0 * u3 - 3.0 * u2 + 1.0, (u3 - 2.0 * u2 + u) * big_dt, -2.0 * u3 + 3.0 * u2, \
        (u3 - u2) * big_dt
    d00, d10, d01, d11 = (6.0 * u2 - 6.0 * u) / big_dt, 3.0 * u2 - 4.0 * u + 1.0, (6.0 * u - 6.0 * u2) / big_dt, \
        3.0 * u2 - 2.0 * u
    a00, a10, a01, a11 = (12.0 * u - 6.0) / big_dt ** 2, (6.0 * u - 4.0) / big_dt, (6.0 - 12.0 * u) / big_dt ** 2, \
        (6.0 * u - 2.0) / big_dt
    return (h00 * p0[i, 0] + h10 * v0[i, 0] + h01 * p1[i, 0] + h11 * v1[i, 0],
            h00 * p0[i, 1] + h10 * v0[i, 1] + h01 * p1[i, 1] + h11 * v1[i, 1],
            h00 * p0[i, 2] + h10 * v0[i, 2] + h01 * p1[i, 2] + h11 * v1[i, 2],
            d00 * p0[i, 0] + d10 * v0[i, 0] + d01 * p1[i, 0] + d11 * v1[i, 0],
            d00 * p0[i, 1] + d10 * v0[i, 1] + d01 * p1[i, 1] + d11 * v1[i, 1],
            d00 * p0[i, 2] + d10 * v0[i, 2] + d01 * p1[i, 2] + d11 * v1[i, 2],
            a00 * p0[i, 0] + a10 * v0[i, 0] + a01 * p1[i, 0] + a11 * v1[i, 0],
            a00 * p0[i, 1] + a10 * v0[i, 1] + a01 * p1[i, 1] + a11 * v1[i, 1],
            a00 * p0[i, 2] + a10 * v0[i, 2] + a01 * p1[i, 2] + a11 * v1[i, 2])


@njit(cache=True, inline="always")
def _los(y, s, mode, i, tp0, tv0, tp1, tv1, aim0, aim1, big_dt, na, ng):  # pragma: no cover - compiled
    """Measured line of sight at ``s``, 11 floats: unit vector (3), closing speed (m/s), the relative
    velocity normal to it over the range (3, 1/s: the ideal LOS-rate vector), the target acceleration
    seen (3, m/s^2) and |R| (m). Midcourse: the aim point (no acceleration); locked: the true target
    plus the noise ``|R| na + ng`` (m) normal to the line of sight."""
    if mode == LOCKED:
        tx, ty, tz, tvx, tvy, tvz, ax, ay, az = _target(tp0, tv0, tp1, tv1, i, big_dt, s)
    else:
        f = s / big_dt
        tx = aim0[i, 0] + (aim1[i, 0] - aim0[i, 0]) * f
        ty = aim0[i, 1] + (aim1[i, 1] - aim0[i, 1]) * f
        tz = aim0[i, 2] + (aim1[i, 2] - aim0[i, 2]) * f
        tvx = (aim1[i, 0] - aim0[i, 0]) / big_dt
        tvy = (aim1[i, 1] - aim0[i, 1]) / big_dt
        tvz = (aim1[i, 2] - aim0[i, 2]) / big_dt
        ax = ay = az = 0.0
    rx, ry, rz = tx - y[0], ty - y[1], tz - y[2]
    wx, wy, wz = tvx - y[3], tvy - y[4], tvz - y[5]
    r = np.sqrt(rx * rx + ry * ry + rz * rz)
    if not r > 0.0:
        return np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, ax, ay, az, r
    vc = -(rx * wx + ry * wy + rz * wz) / r
    if mode == LOCKED:
        ex, ey, ez = r * na[0] + ng[0], r * na[1] + ng[1], r * na[2] + ng[2]
        ed = (ex * rx + ey * ry + ez * rz) / (r * r)
        rx, ry, rz = rx + ex - ed * rx, ry + ey - ed * ry, rz + ez - ed * rz   # the noise normal to the LOS
    rm = np.sqrt(rx * rx + ry * ry + rz * rz)
    ux, uy, uz = rx / rm, ry / rm, rz / rm
    wd = wx * ux + wy * uy + wz * uz
    return ux, uy, uz, vc, (wx - wd * ux) / r, (wy - wd * uy) / r, (wz - wd * uz) / r, ax, ay, az, r


@njit(cache=True)
def _deriv(y, s, dy, ach, mode, i, tp0, tv0, tp1, tv1, aim0, aim1, big_dt, na, ng, law, nav, tau, order, amax,
           thrust, drag, gravity):  # pragma: no cover - compiled
    """Time derivative ``dy`` of the state ``y`` (module docstring); ``ach`` gets the achieved lateral
    acceleration (m/s^2). Returns False when there is no guidance solution (zero range or speed)."""
    ux, uy, uz, vc, ox, oy, oz, atx, aty, atz, r = _los(y, s, mode, i, tp0, tv0, tp1, tv1, aim0, aim1, big_dt,
                                                        na, ng)
    sp = np.sqrt(y[3] ** 2 + y[4] ** 2 + y[5] ** 2)
    if not (r > 0.0 and sp > 0.0):
        return False
    vx, vy, vz = y[3] / sp, y[4] / sp, y[5] / sp
    if tau > 0.0:
        # seeker track loop (first lag): its rate, normal to the line of sight, is the LOS-rate estimate
        zx, zy, zz = (ux - y[6]) / tau, (uy - y[7]) / tau, (uz - y[8]) / tau
        dy[6], dy[7], dy[8] = zx, zy, zz
        dy[9], dy[10], dy[11] = (atx - y[9]) / tau, (aty - y[10]) / tau, (atz - y[11]) / tau  # APN estimate
        zu = zx * ux + zy * uy + zz * uz
        ox, oy, oz = zx - zu * ux, zy - zu * uy, zz - zu * uz
        qx, qy, qz = y[9], y[10], y[11]
    else:
        dy[6] = dy[7] = dy[8] = dy[9] = dy[10] = dy[11] = 0.0
        qx, qy, qz = atx, aty, atz
    cx, cy, cz = nav * vc * ox, nav * vc * oy, nav * vc * oz
    if law == APN:
        qu = qx * ux + qy * uy + qz * uz
        cx += 0.5 * nav * (qx - qu * ux)
        cy += 0.5 * nav * (qy - qu * uy)
        cz += 0.5 * nav * (qz - qu * uz)
    if gravity == GRAVITY_NONE:
        gx, gy, gz = 0.0, 0.0, 0.0
    else:
        gx, gy, gz = free_accel(y[0], y[1], y[2], y[3], y[4], y[5], gravity == GRAVITY_ROTATING)
    # compensate the own free acceleration; the command is normal to the velocity and limited
    cx, cy, cz = cx - gx, cy - gy, cz - gz
    along = cx * vx + cy * vy + cz * vz
    cx, cy, cz = cx - along * vx, cy - along * vy, cz - along * vz
    mag = np.sqrt(cx * cx + cy * cy + cz * cz)
    if mag > amax:
        f = amax / mag
        cx, cy, cz = cx * f, cy * f, cz * f
    # the other n - 1 lags of the binomial (autopilot, airframe); unused slots stay put
    n_lag = order - 1 if tau > 0.0 else 0
    for j in range(12 + 3 * n_lag, dy.shape[0]):
        dy[j] = 0.0
    for k in range(n_lag):
        b = 12 + 3 * k
        dy[b], dy[b + 1], dy[b + 2] = (cx - y[b]) / tau, (cy - y[b + 1]) / tau, (cz - y[b + 2]) / tau
        cx, cy, cz = y[b], y[b + 1], y[b + 2]
    along = cx * vx + cy * vy + cz * vz
    ach[0], ach[1], ach[2] = cx - along * vx, cy - along * vy, cz - along * vz
    axial = thrust - drag * sp * sp
    dy[0], dy[1], dy[2] = y[3], y[4], y[5]
    dy[3] = gx + ach[0] + axial * vx
    dy[4] = gy + ach[1] + axial * vy
    dy[5] = gz + ach[2] + axial * vz
    return True


@njit(cache=True)
def pn_flyout(pm, vm, tof, ctrl, lock, s_start, tgt_p0, tgt_v0, tgt_p1, tgt_v1, aim0, aim1, law, nav_gain,
              time_const, order, max_accel, boost_accel, boost_time, drag_coeff, max_tof, seeker_range,
              seeker_gimbal, angle_sigma, glint_sigma, update_dt, noise, dt, gravity):  # pragma: no cover
    """Advance n interceptors from ``s_start`` to the end of one major step ``dt`` (s).

    Parameters
    ----------
    pm, vm : (n,3) ECEF position (m) and velocity (m/s), updated in place
    tof : (n,) time of flight so far (s), updated in place
    ctrl : (n, FLYOUT_STATE_WIDTH) guidance-loop state (``World.icpt_ctrl``), updated in place
    lock : (n,) int8 seeker state FRESH / MIDCOURSE / LOCKED / LOST (``World.icpt_lock``), updated in place
    s_start : (n,) s into the step at which each row starts flying (0: from the step's start)
    tgt_p0, tgt_v0, tgt_p1, tgt_v1 : (n,3) true target position (m) and velocity (m/s) at the
        start and end of the step
    aim0, aim1 : (n,3) midcourse aim point at the start and end of the step (m)
    law : (n,) int PN or APN;  nav_gain : (n,) N;  time_const : (n,) T (s);  order : (n,) int n
    max_accel, boost_accel, boost_time, drag_coeff, max_tof : (n,) m/s^2, m/s^2, s, 1/m, s
    seeker_range : (n,) m;  seeker_gimbal : (n,) rad
    angle_sigma : (n,) rad;  glint_sigma : (n,) m (1 sigma per axis, against this row's target)
    update_dt : (n,) s between guidance updates
    noise : (n, U, 6) standard normals: update k of the step (from s = 0) uses ``noise[i, k]``
        (angle 0:3, glint 3:6); U = 0: no noise
    gravity : GRAVITY_NONE (tests), GRAVITY_POINT or GRAVITY_ROTATING

    Returns
    -------
    status : (n,) int8  FLYING, CPA (closest approach reached this step) or EXPIRED
    miss : (n,) m closest-approach distance (for CPA)
    t_event : (n,) s into the step of the CPA / expiry
    t_acq : (n,) s into the step of the first acquisition of the seeker (NaN: none this step)
    r_acq : (n,) m range to the true target at that acquisition
    n_lost : (n,) int32 locks lost this step
    accel : (n,3) achieved lateral acceleration at the end of the step (m/s^2)
    """
    n = pm.shape[0]
    status = np.zeros(n, np.int8)
    miss = np.full(n, np.nan)
    t_event = np.zeros(n)
    t_acq = np.full(n, np.nan)
    r_acq = np.full(n, np.nan)
    n_lost = np.zeros(n, np.int32)
    accel = np.zeros((n, 3))
    n_upd = noise.shape[1]
    y = np.zeros(_NY)
    yt = np.zeros(_NY)
    k1 = np.zeros(_NY)
    k2 = np.zeros(_NY)
    k3 = np.zeros(_NY)
    k4 = np.zeros(_NY)
    ach = np.zeros(3)
    na = np.zeros(3)
    ng = np.zeros(3)
    for i in range(n):
        s = s_start[i]
        if s >= dt - 1e-12:
            continue
        nav, amax, o = nav_gain[i], max_accel[i], order[i]
        tau = time_const[i] / o if time_const[i] > 0.0 else 0.0
        hmax = FLYOUT_MAX_SUBSTEP_S if tau <= 0.0 else min(FLYOUT_MAX_SUBSTEP_S, FLYOUT_LAG_STEP_FRACTION * tau)
        for j in range(3):
            y[j] = pm[i, j]
            y[3 + j] = vm[i, j]
        for j in range(FLYOUT_STATE_WIDTH):
            y[6 + j] = ctrl[i, j]
        mode = lock[i]
        if mode == FRESH:
            los = _los(y, s, MIDCOURSE, i, tgt_p0, tgt_v0, tgt_p1, tgt_v1, aim0, aim1, dt, na, ng)
            for j in range(FLYOUT_STATE_WIDTH):
                y[6 + j] = 0.0
            y[6], y[7], y[8] = los[0], los[1], los[2]
            mode = MIDCOURSE
        ok = True
        while True:
            # the seeker's noise draw of the guidance update this sub-step lies in
            kk = int(np.floor(s / update_dt[i] + 1e-9))
            for j in range(3):
                if n_upd > 0:
                    kc = min(kk, n_upd - 1)
                    na[j] = angle_sigma[i] * noise[i, kc, j]
                    ng[j] = glint_sigma[i] * noise[i, kc, 3 + j]
                else:
                    na[j] = 0.0
                    ng[j] = 0.0
            tx, ty, tz, tvx, tvy, tvz, _, _, _ = _target(tgt_p0, tgt_v0, tgt_p1, tgt_v1, i, dt, s)
            rx, ry, rz = tx - y[0], ty - y[1], tz - y[2]
            wx, wy, wz = tvx - y[3], tvy - y[4], tvz - y[5]
            rr = np.sqrt(rx * rx + ry * ry + rz * rz)
            sp = np.sqrt(y[3] ** 2 + y[4] ** 2 + y[5] ** 2)
            if not (rr > 0.0 and sp > 0.0 and np.isfinite(rr)):
                ok = False
                break
            cos_look = (rx * y[3] + ry * y[4] + rz * y[5]) / (rr * sp)
            look = np.arccos(min(max(cos_look, -1.0), 1.0))
            new_mode = mode
            if mode != LOCKED and rr < seeker_range[i] and look <= seeker_gimbal[i]:
                new_mode = LOCKED
                if np.isnan(t_acq[i]):
                    t_acq[i] = s
                    r_acq[i] = rr
            elif mode == LOCKED and look > seeker_gimbal[i] and rr > SEEKER_BLIND_RANGE_M:
                new_mode = LOST
                n_lost[i] += 1
            if new_mode != mode:
                if tau > 0.0:
                    # shift the track loop so that the rate estimate (u - z) / tau is continuous
                    lo = _los(y, s, mode, i, tgt_p0, tgt_v0, tgt_p1, tgt_v1, aim0, aim1, dt, na, ng)
                    ln = _los(y, s, new_mode, i, tgt_p0, tgt_v0, tgt_p1, tgt_v1, aim0, aim1, dt, na, ng)
                    y[6] += ln[0] - lo[0]
                    y[7] += ln[1] - lo[1]
                    y[8] += ln[2] - lo[2]
                mode = new_mode
            # sub-step: cut at the step's end, the next guidance update, burnout and expiry
            h = min(hmax, dt - s)
            if mode == LOCKED and n_upd > 0:
                h = min(h, max((kk + 1) * update_dt[i] - s, 1e-9))
            boosting = tof[i] < boost_time[i]
            if boosting:
                h = min(h, boost_time[i] - tof[i])
            h = min(h, max(max_tof[i] - tof[i], 1e-9))
            ww = wx * wx + wy * wy + wz * wz
            if ww > 0.0:
                tstar = -(rx * wx + ry * wy + rz * wz) / ww
                if rr < ENDGAME_RANGE_M and tstar > 0.0:
                    h = min(h, max(FLYOUT_ENDGAME_STEP_FRACTION * tstar, FLYOUT_MIN_SUBSTEP_S))
                # closed-form closest approach inside this sub-step (relative motion straight); only near
                # the target: far off, an opening geometry is a turn, not a miss
                if tstar < h and rr < max(ENDGAME_RANGE_M, 3.0 * np.sqrt(ww) * h):
                    tstar = max(tstar, 0.0)
                    cx, cy, cz = rx + wx * tstar, ry + wy * tstar, rz + wz * tstar
                    status[i] = CPA
                    miss[i] = np.sqrt(cx * cx + cy * cy + cz * cz)
                    t_event[i] = s + tstar
                    for j in range(3):
                        y[j] += y[3 + j] * tstar
                    tof[i] += tstar
                    break
            thrust = boost_accel[i] if boosting else 0.0
            # classic RK4 (the mode, noise draw and thrust are constant over the sub-step)
            ok = _deriv(y, s, k1, ach, mode, i, tgt_p0, tgt_v0, tgt_p1, tgt_v1, aim0, aim1, dt, na, ng, law[i], nav,
                        tau, o, amax, thrust, drag_coeff[i], gravity)
            for j in range(_NY):
                yt[j] = y[j] + 0.5 * h * k1[j]
            ok &= _deriv(yt, s + 0.5 * h, k2, ach, mode, i, tgt_p0, tgt_v0, tgt_p1, tgt_v1, aim0, aim1, dt, na, ng,
                         law[i], nav, tau, o, amax, thrust, drag_coeff[i], gravity)
            for j in range(_NY):
                yt[j] = y[j] + 0.5 * h * k2[j]
            ok &= _deriv(yt, s + 0.5 * h, k3, ach, mode, i, tgt_p0, tgt_v0, tgt_p1, tgt_v1, aim0, aim1, dt, na, ng,
                         law[i], nav, tau, o, amax, thrust, drag_coeff[i], gravity)
            for j in range(_NY):
                yt[j] = y[j] + h * k3[j]
            ok &= _deriv(yt, s + h, k4, ach, mode, i, tgt_p0, tgt_v0, tgt_p1, tgt_v1, aim0, aim1, dt, na, ng,
                         law[i], nav, tau, o, amax, thrust, drag_coeff[i], gravity)
            if not ok:
                break
            for j in range(_NY):
                y[j] += h / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j])
            for j in range(3):
                accel[i, j] = ach[j]
            s += h
            tof[i] += h
            if tof[i] >= max_tof[i] - 1e-12:
                status[i] = EXPIRED
                t_event[i] = s
                break
            if s >= dt - 1e-12:
                break
        if not ok:
            # no guidance solution (aim point at zero range or not finite, or no velocity): leave a
            # non-finite state that engine.sanity.check_world reports, naming the interceptor
            y[3] = y[4] = y[5] = np.nan
        for j in range(3):
            pm[i, j] = y[j]
            vm[i, j] = y[3 + j]
        for j in range(FLYOUT_STATE_WIDTH):
            ctrl[i, j] = y[6 + j]
        lock[i] = mode
    return status, miss, t_event, t_acq, r_acq, n_lost, accel


def kill_probability(miss, pk_max, lethal_radius):
    """Single-shot kill probability at miss distance ``miss`` (m): Gaussian lethality.

    P_k(m) = P_k,max exp(-m^2 / (2 sigma^2)), sigma the lethal radius (a cookie-cutter-free,
    textbook "Carleton" damage function; Driels, *Weaponeering*, 2nd ed., ch. 12).
    """
    return pk_max * np.exp(-0.5 * (np.asarray(miss) / lethal_radius) ** 2)
