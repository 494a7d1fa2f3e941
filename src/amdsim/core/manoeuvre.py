"""Geometry of the threats' terminal manoeuvres that validation and compilation need (pure formulas).

Pop-up and dive at a load limit
-------------------------------
A cruise missile flying at speed v that pulls ``n`` g normal to its path flies a circular arc of
radius ``r = v^2 / (n g0)`` (uniform circular motion: a = v^2 / r; Anderson, *Introduction to
Flight*, 7th ed., sec. 6.17, where the pull-up of eq. 6.129 is the same arc in the vertical
plane). The g-limited profiles are arcs of that radius joined by straight lines, in the vertical
plane over the horizontal distance ``x`` flown since the manoeuvre began:

* pop-up (over ``L = start_range / 2`` to the apex, then ``L`` to the target): pull-up arc from level
  to the climb angle ``gc``, straight climb, push-over arc through the level apex at height ``H``,
  down to the dive angle ``gd``, straight dive to the target at height 0;
* dive (over ``L = start_range``): push-over arc from level at the cruise height into the dive
  angle ``gd``, straight dive to the target.

Closing the geometry gives one equation per angle, each of the form
``A sin(g) + B cos(g) = C`` (derived in :func:`climb_angle` and :func:`dive_angle`).

The manoeuvre's acceleration here is the kinematic one, normal to the path: the airframe also
carries the 1 g of gravity (Anderson's load factor of a pull-up, n = 1 + V^2 / (R g), counts it).
"""

from __future__ import annotations

import math

from amdsim.core.geodesy import G0


def turn_radius(speed: float, accel: float) -> float:
    """Radius (m) of the circle flown at ``speed`` (m/s) with ``accel`` (m/s^2) normal to the path: v^2 / a."""
    return speed * speed / accel


def _angle(a: float, b: float, c: float) -> float | None:
    """Smallest non-negative root of ``a sin(g) + b cos(g) = c`` (rad), None if there is none.

    With ``rho = hypot(a, b)`` and ``phi = atan2(a, b)`` the equation is ``rho cos(g - phi) = c``,
    so ``g = phi - acos(c / rho)`` (the other root, ``phi + acos``, is the far side of the circle).
    """
    rho = math.hypot(a, b)
    if rho <= 0.0 or c > rho:
        return None
    g = math.atan2(a, b) - math.acos(min(c / rho, 1.0))
    return max(g, 0.0) if g > -1e-12 else None


def climb_angle(length: float, rise: float, radius: float) -> float | None:
    """Flight-path angle (rad) of the straight climb of an S-shaped climb of ``rise`` (m) over ``length`` (m).

    Pull-up arc (radius ``r``) from level to ``g``, straight segment of length ``s`` at ``g``, push-over
    arc back to level: horizontally ``2 r sin g + s cos g = L``, vertically ``2 r (1 - cos g) + s sin g = dh``.
    Eliminating ``s`` and multiplying by ``cos g``: ``L sin g + (2 r - dh) cos g = 2 r``. None when the
    two arcs alone overshoot (``s < 0``): the climb does not fit at this load.
    """
    if rise <= 0.0:
        return 0.0
    g = _angle(length, 2.0 * radius - rise, 2.0 * radius)
    if g is None or g >= math.pi / 2 or 2.0 * radius * math.sin(g) > length * (1.0 + 1e-12):
        return None
    return g


def dive_angle(length: float, drop: float, radius: float) -> float | None:
    """Dive angle (rad, positive down) of a push-over from level followed by a straight dive.

    Push-over arc (radius ``r``) from level to ``g``, then a straight dive of length ``s``: horizontally
    ``r sin g + s cos g = L``, vertically ``r (1 - cos g) + s sin g = H``, so
    ``L sin g + (r - H) cos g = r``. None when the arc alone overshoots (``s < 0``).
    """
    if drop <= 0.0:
        return 0.0
    g = _angle(length, radius - drop, radius)
    if g is None or g >= math.pi / 2 or radius * math.sin(g) > length * (1.0 + 1e-12):
        return None
    return g


def popup_angles(start_range: float, cruise_alt: float, apex_alt: float, speed: float,
                 g: float) -> tuple[float, float] | None:
    """Climb and dive angles (rad) of the g-limited pop-up (apex at half the start range), None if infeasible."""
    r = turn_radius(speed, g * G0)
    half = 0.5 * start_range
    gc = climb_angle(half, apex_alt - cruise_alt, r)
    gd = dive_angle(half, apex_alt, r)
    if gc is None or gd is None:
        return None
    return gc, gd


def weave_lateral_speed(g: float, period: float) -> float:
    """Largest cross-track speed (m/s) of a weave of amplitude ``g`` g and ``period`` (s): a / omega."""
    return g * G0 * period / (2.0 * math.pi)


def jink_lateral_speed(g: float, period: float) -> float:
    """Largest cross-track speed (m/s) of a jink (``g`` g toward a side for half the interval): a P / 2."""
    return g * G0 * period / 2.0
