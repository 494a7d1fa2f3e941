"""The imm_gravity free-fall mode's prediction (tracking/kalman.free_fall_increment) on the rotating
earth: the engine's own free flight over one scan, to second order in the step."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.core.geodesy import enu_basis, geodetic2ecef
from amdsim.movers.ballistic import propagate_ballistic
from amdsim.tracking.kalman import cv_model, free_fall_increment


@pytest.mark.parametrize("rotating", [True, False], ids=["rotating", "point-mass"])
def test_free_fall_prediction_follows_the_engine_flight_over_a_scan(rotating):
    lat, lon = np.radians(37.0), np.radians(127.0)
    E = enu_basis(lat, lon)
    x = np.r_[geodetic2ecef(lat, lon, 80e3), 2500.0 * (0.6 * E[0] + 0.8 * E[1])][None]
    errs = []
    for dt in (2.0, 4.0):
        F, _ = cv_model(np.array([dt]), 0.0)
        pred = np.einsum("ij,nj->ni", F[0], x) + free_fall_increment(x, dt, rotating)
        p, _ = propagate_ballistic(x[:, :3], x[:, 3:], [np.inf], dt, rotating=rotating)
        errs.append(np.linalg.norm(pred[0, :3] - p[0]))
        # the CV model alone is off by g dt^2 / 2
        assert np.linalg.norm(np.einsum("ij,nj->ni", F[0], x)[0, :3] - p[0]) > 0.4 * 9.5 * dt**2
    assert errs[0] < 0.05 and errs[1] < 0.4
    assert errs[1] / errs[0] == pytest.approx(8.0, rel=0.3)      # third order in dt (mid-point rule)
