"""The compiled pop-up and dive profiles (movers/paths.py): arcs of radius v^2 / (n g0) and lines in
the vertical plane, built from core/manoeuvre.py's angles, must join up and invert exactly."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.core.geodesy import G0
from amdsim.core.manoeuvre import dive_angle, popup_angles, turn_radius
from amdsim.movers.paths import TERM_DIVE, TERM_POPUP, profile_at_s, profile_at_x, profile_segments


def _segments(kind, R, h0, H, v, g):
    r = turn_radius(v, g * G0)
    if kind == TERM_POPUP:
        gc, gd = popup_angles(R, h0, H, v, g)
    else:
        gc, gd = 0.0, dive_angle(R, h0, r)
    seg = np.empty((4, 6))
    n = profile_segments(kind, R, h0, H, r, gc, gd, seg)
    return seg, n, r


def test_popup_profile_passes_the_apex_and_reaches_the_target():
    R, h0, H = 12_000.0, 30.0, 600.0
    seg, n, r = _segments(TERM_POPUP, R, h0, H, 250.0, 3.0)
    assert n == 4
    _, h, g = profile_at_x(seg, n, R / 2)
    assert h == pytest.approx(H, abs=1e-6) and g == pytest.approx(0.0, abs=1e-9)   # level apex
    _, h_end, _ = profile_at_x(seg, n, R)
    assert h_end == pytest.approx(0.0, abs=1e-6)
    _, h_start, g_start = profile_at_x(seg, n, 0.0)
    assert h_start == h0 and g_start == 0.0
    # continuous in height and angle at every joint; each arc has the radius v^2 / (n g0)
    for j in range(n - 1):
        xb = seg[j, 1]
        left, right = profile_at_x(seg, n, xb - 1e-6), profile_at_x(seg, n, xb + 1e-6)
        assert left[1] == pytest.approx(right[1], abs=1e-4) and left[2] == pytest.approx(right[2], abs=1e-6)
    curved = np.abs(seg[:n, 5][seg[:n, 5] != 0.0])
    assert curved.size == 2 and np.allclose(curved, 1.0 / r, rtol=1e-12)


@pytest.mark.parametrize("kind", [TERM_POPUP, TERM_DIVE], ids=["popup", "dive"])
def test_profile_path_length_and_distance_are_inverse(kind):
    seg, n, _ = _segments(kind, 12_000.0, 30.0, 600.0, 250.0, 3.0)
    for x in np.linspace(-500.0, 11_999.0, 97):
        s, h, g = profile_at_x(seg, n, x)
        x2, h2, g2 = profile_at_s(seg, n, s)
        assert x2 == pytest.approx(x, abs=1e-6) and h2 == pytest.approx(h, abs=1e-6) and g2 == pytest.approx(g, abs=1e-9)
    # the path is longer than its horizontal span, by the secant of the angles flown
    assert profile_at_x(seg, n, 12_000.0)[0] > 12_000.0
