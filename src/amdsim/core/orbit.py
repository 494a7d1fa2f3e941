"""Circular orbits flown at constant speed (AEW tracks, combat air patrol stations)."""

from __future__ import annotations

import numpy as np

from amdsim.core.geodesy import FloatArray, Floats, destination


def orbit_position(t: Floats, center_lat: Floats, center_lon: Floats, radius: Floats, speed: Floats,
                   direction: Floats, phase0: Floats) -> tuple[FloatArray, FloatArray, Floats]:
    """Position and course on a circular orbit at time ``t`` (s).

    The aircraft is at bearing ``phase0 + direction * speed / radius * t`` from the centre (rad),
    ``direction`` +1 clockwise (seen from above), -1 counter-clockwise.

    Returns (lat, lon, course), radians.
    """
    theta = phase0 + direction * speed / radius * t
    lat, lon, _ = destination(center_lat, center_lon, theta, radius)
    course = theta + direction * np.pi / 2
    return lat, lon, (course + np.pi) % (2 * np.pi) - np.pi


def orbit_phase_at(t: Floats, bearing_from_center: Floats, speed: Floats, radius: Floats,
                   direction: Floats) -> Floats:
    """``phase0`` that puts the aircraft at ``bearing_from_center`` (rad) at time ``t`` (s)."""
    return bearing_from_center - direction * speed / radius * t
