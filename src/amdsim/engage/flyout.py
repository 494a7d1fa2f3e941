"""Interceptor flyout: 3-DOF point mass, boost then coast, proportional navigation, exact endgame.

Each major step is split into sub-steps of at most ``MAX_SUBSTEP`` seconds; the target moves at
constant velocity inside the major step (linear between its start and end positions). Guidance is
true proportional navigation on the aim point (the perceived track until the seeker acquires the
true target inside ``SEEKER_RANGE``):

.. math:: \\mathbf a_c = N V_c\\, (\\boldsymbol\\Omega \\times \\hat{\\mathbf R}),\\quad
          \\boldsymbol\\Omega = \\frac{\\mathbf R \\times \\mathbf V}{|\\mathbf R|^2},\\quad
          V_c = -\\frac{\\mathbf R\\cdot\\mathbf V}{|\\mathbf R|}

(Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed., ch. 2), limited to ``max_accel`` and
applied normal to the velocity, with gravity compensated. The endgame is resolved in closed form:
in each sub-step the relative motion is linear, so the time and distance of closest approach
follow from :math:`t^* = -\\mathbf r\\cdot\\mathbf v/|\\mathbf v|^2`; the miss distance therefore
does not depend on the step size beyond the guidance discretisation.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from amdsim.core.geodesy import EARTH_MU

MAX_SUBSTEP = 0.02
SEEKER_RANGE = 15_000.0
#: Closest approach is only declared inside this range (m).
ENDGAME_RANGE = 3_000.0

#: Status codes returned by :func:`pn_flyout`.
FLYING, CPA, EXPIRED = 0, 1, 2


@njit(cache=True)
def _cross(a0, a1, a2, b0, b1, b2):
    return a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0


@njit(cache=True)
def pn_flyout(pm, vm, tof, tgt0, tgt1, aim_off, nav_gain, max_accel, boost_accel, boost_time, drag_coeff,
              max_tof, dt, max_substep, seeker_range):  # pragma: no cover - compiled
    """Advance n interceptors over one major step ``dt`` (s).

    Parameters
    ----------
    pm, vm : (n,3) ECEF position (m) and velocity (m/s), updated in place
    tof : (n,) time of flight so far (s), updated in place
    tgt0, tgt1 : (n,3) true target position at the start and end of the step (m)
    aim_off : (n,3) perceived-minus-true target position (m): the track error guided on until the
        seeker acquires the true target within ``seeker_range`` (m)
    nav_gain, max_accel, boost_accel, boost_time, drag_coeff, max_tof : (n,) per interceptor

    Returns
    -------
    status : (n,) int8  FLYING, CPA (closest approach reached this step) or EXPIRED
    miss : (n,) m closest-approach distance (for CPA)
    t_event : (n,) s into the step of the CPA / expiry
    """
    n = pm.shape[0]
    status = np.zeros(n, np.int8)
    miss = np.full(n, np.nan)
    t_event = np.zeros(n)
    n_sub = max(1, int(np.ceil(dt / max_substep)))
    h = dt / n_sub
    for i in range(n):
        vt0 = (tgt1[i, 0] - tgt0[i, 0]) / dt
        vt1 = (tgt1[i, 1] - tgt0[i, 1]) / dt
        vt2 = (tgt1[i, 2] - tgt0[i, 2]) / dt
        for k in range(n_sub):
            s = k * h
            tx = tgt0[i, 0] + vt0 * s
            ty = tgt0[i, 1] + vt1 * s
            tz = tgt0[i, 2] + vt2 * s
            rx, ry, rz = tx - pm[i, 0], ty - pm[i, 1], tz - pm[i, 2]
            wx, wy, wz = vt0 - vm[i, 0], vt1 - vm[i, 1], vt2 - vm[i, 2]
            rr = np.sqrt(rx * rx + ry * ry + rz * rz)
            # closed-form closest approach inside this sub-step (relative motion linear)
            ww = wx * wx + wy * wy + wz * wz
            if ww > 0.0:
                tstar = -(rx * wx + ry * wy + rz * wz) / ww
                # endgame only near the target: far off, an opening geometry is a turn, not a miss
                if tstar < h and rr < max(ENDGAME_RANGE, 3.0 * np.sqrt(ww) * h):
                    tstar = max(tstar, 0.0)
                    cx, cy, cz = rx + wx * tstar, ry + wy * tstar, rz + wz * tstar
                    status[i] = CPA
                    miss[i] = np.sqrt(cx * cx + cy * cy + cz * cz)
                    t_event[i] = s + tstar
                    for j in range(3):
                        pm[i, j] += vm[i, j] * tstar
                    tof[i] += tstar
                    break
            # aim point: track estimate until the seeker sees the true target
            if rr > seeker_range:
                ax, ay, az = rx + aim_off[i, 0], ry + aim_off[i, 1], rz + aim_off[i, 2]
            else:
                ax, ay, az = rx, ry, rz
            ar = np.sqrt(ax * ax + ay * ay + az * az)
            sp = np.sqrt(vm[i, 0] ** 2 + vm[i, 1] ** 2 + vm[i, 2] ** 2)
            if not (ar > 0.0 and sp > 0.0):
                # no guidance solution (aim point at zero range or not finite, or no velocity): leave a
                # non-finite state that engine.sanity.check_world reports, naming the interceptor
                vm[i, 0] = vm[i, 1] = vm[i, 2] = np.nan
                break
            ox, oy, oz = _cross(ax, ay, az, wx, wy, wz)
            ox, oy, oz = ox / (ar * ar), oy / (ar * ar), oz / (ar * ar)
            vc = -(ax * wx + ay * wy + az * wz) / ar
            px, py, pz = _cross(ox, oy, oz, ax / ar, ay / ar, az / ar)
            cmdx, cmdy, cmdz = nav_gain[i] * vc * px, nav_gain[i] * vc * py, nav_gain[i] * vc * pz
            # gravity
            r = np.sqrt(pm[i, 0] ** 2 + pm[i, 1] ** 2 + pm[i, 2] ** 2)
            g = EARTH_MU / (r * r * r)
            gx, gy, gz = -g * pm[i, 0], -g * pm[i, 1], -g * pm[i, 2]
            ux, uy, uz = vm[i, 0] / sp, vm[i, 1] / sp, vm[i, 2] / sp
            # compensate gravity normal to the velocity, keep the command normal to the velocity
            cmdx -= gx
            cmdy -= gy
            cmdz -= gz
            along = cmdx * ux + cmdy * uy + cmdz * uz
            cmdx -= along * ux
            cmdy -= along * uy
            cmdz -= along * uz
            mag = np.sqrt(cmdx * cmdx + cmdy * cmdy + cmdz * cmdz)
            if mag > max_accel[i]:
                f = max_accel[i] / mag
                cmdx *= f
                cmdy *= f
                cmdz *= f
            # burn for the part of this sub-step that is still inside the boost phase
            axial = boost_accel[i] * min(max((boost_time[i] - tof[i]) / h, 0.0), 1.0)
            axial -= drag_coeff[i] * sp * sp
            accx = cmdx + gx + axial * ux
            accy = cmdy + gy + axial * uy
            accz = cmdz + gz + axial * uz
            # semi-implicit Euler (symplectic for the gravity part)
            vm[i, 0] += accx * h
            vm[i, 1] += accy * h
            vm[i, 2] += accz * h
            pm[i, 0] += vm[i, 0] * h
            pm[i, 1] += vm[i, 1] * h
            pm[i, 2] += vm[i, 2] * h
            tof[i] += h
            if tof[i] >= max_tof[i]:
                status[i] = EXPIRED
                t_event[i] = s + h
                break
    return status, miss, t_event


def kill_probability(miss, pk_max, lethal_radius):
    """Single-shot kill probability at miss distance ``miss`` (m): Gaussian lethality.

    P_k(m) = P_k,max exp(-m^2 / (2 sigma^2)), sigma the lethal radius (a cookie-cutter-free,
    textbook "Carleton" damage function; Driels, *Weaponeering*, 2nd ed., ch. 12).
    """
    return pk_max * np.exp(-0.5 * (np.asarray(miss) / lethal_radius) ** 2)
