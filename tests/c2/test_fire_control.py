"""Engagement on a track of known quality (c2/fire_control.py): launch requirements, own or remote
track, the seeker basket (Rayleigh acquisition probability; Zarchan's heading-error demand) and
fire-control capacity, each checked against its formula on one battery and hand-built tracks."""

import copy

import numpy as np
import pytest

from amdsim.c2.fire_control import fire_control_check, radar_sees, track_quality
from amdsim.c2.reach import engagement_pk
from amdsim.c2.reasons import Why
from amdsim.core.geodesy import EARTH_MEAN_RADIUS, enu2ecef_vector, geodetic2ecef
from amdsim.core.units import DEG
from amdsim.scenario.compile import compile_scenario
from amdsim.scenario.load import scenario_from_dict
from amdsim.world.engagements import EngagementBook
from amdsim.world.picture import Picture, Sightings
from amdsim.world.state import initial_world

LAT, LON = 36.0, 127.0

BASE = {
    "name": "fire control", "start_utc": "2030-01-01T00:00:00Z", "duration_s": 60, "seed": 1,
    "forces": [{"id": "blue", "side": "blue", "nation": "A"}, {"id": "red", "side": "red", "nation": "R"}],
    "assets": [{"id": "base", "force": "blue", "position": {"lat_deg": LAT, "lon_deg": LON}}],
    "interceptor_types": [{"id": "sam", "max_range_m": 100000, "max_tof_s": 120, "min_range_m": 1000,
                           "max_accel_mps2": 300, "nav_gain": 4}],
    "batteries": [{"id": "bat", "force": "blue", "position": {"lat_deg": LAT, "lon_deg": LON, "alt_m": 10},
                   "interceptor": "sam",
                   "radar": {"ref_range_m": 150000, "max_range_m": 120000, "revisit_s": 1,
                             "sigma_range_m": 20, "sigma_az_deg": 0.1, "sigma_el_deg": 0.1}}],
}


def _setup(**edit):
    raw = copy.deepcopy(BASE)
    for path, value in edit.items():
        node = raw
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        node[keys[-1]] = value
    cs = compile_scenario(scenario_from_dict(raw))
    w = initial_world(cs)
    w.t = 100.0
    return cs, w


def _track(w, east_m, alt_m=3000.0, pos_sigma=30.0, vel_sigma=5.0, age=0.0, track_id=7):
    """One confirmed track ``east_m`` east of the battery at ``alt_m``, flying west at 250 m/s."""
    p = geodetic2ecef(LAT * DEG, LON * DEG + east_m / (EARTH_MEAN_RADIUS * np.cos(LAT * DEG)), alt_m)
    v = enu2ecef_vector(np.array([[-250.0, 0.0, 0.0]]), LAT * DEG, LON * DEG)[0]
    return Picture(0, w.t, np.array([track_id], np.int64), p[None], v[None], np.array([pos_sigma]),
                   np.ones(1, bool), np.array([w.t - age]), np.zeros(1, np.int16), np.array([-1], np.int32),
                   pos_sigma ** 2 * np.eye(3)[None], vel_sigma ** 2 * np.eye(3)[None])


def _check(cs, w, pic, book=None):
    shooters = np.arange(cs.shooters.n)
    _, pip, tau, why = engagement_pk(w, cs, shooters, pic)
    pacq = fire_control_check(w, cs, shooters, pic, pip, tau, why, book or EngagementBook(2))
    return why, pacq, pip, tau


def test_a_good_track_in_the_envelope_is_feasible_with_acquisition_near_certain():
    cs, w = _setup()
    why, pacq, _, _ = _check(cs, w, _track(w, 40e3))
    assert why[0, 0] == Why.FEASIBLE
    assert pacq[0, 0] > 0.999


def test_launch_requirements_refuse_a_coarse_or_old_track():
    cs, w = _setup(interceptor_types__0__launch_requirements={"max_pos_sigma_m": 100, "max_track_age_s": 3})
    assert _check(cs, w, _track(w, 40e3, pos_sigma=150.0))[0][0, 0] == Why.TRACK_QUALITY
    assert _check(cs, w, _track(w, 40e3, age=4.0))[0][0, 0] == Why.TRACK_QUALITY
    assert _check(cs, w, _track(w, 40e3, pos_sigma=90.0, age=2.0))[0][0, 0] == Why.FEASIBLE


def test_no_launch_on_remote_needs_a_sighting_by_the_batterys_own_radar():
    cs, w = _setup(batteries__0__fire_control={"launch_on_remote": False})
    pic = _track(w, 40e3)
    assert _check(cs, w, pic)[0][0, 0] == Why.NOT_HELD
    radar = int(np.flatnonzero(cs.sensors.host == cs.shooters.host[0])[0])
    pic.sightings = Sightings(np.array([7], np.int64), np.array([radar], np.int32), np.array([w.t - 1.0]))
    assert _check(cs, w, pic)[0][0, 0] == Why.FEASIBLE
    pic.sightings = Sightings(np.array([7], np.int64), np.array([radar], np.int32), np.array([w.t - 10.0]))
    assert _check(cs, w, pic)[0][0, 0] == Why.NOT_HELD        # older than 3 revisits of 1 s


def test_seeker_basket_probability_is_the_rayleigh_of_the_inertial_prediction_error():
    """Inertial midcourse: sigma_a^2 = sigma_p^2 + sigma_v^2 t_a^2 + q t_a^3 / 3 (Bar-Shalom, Li &
    Kirubarajan 2001, sec. 6.2.2); basket radius b = R_acq min(gimbal, a_max t_seek / (N V_c))
    (Zarchan, ch. 2: PN demand N V_c HE / t_go); P = 1 - exp(-b^2 / (2 sigma_a^2))."""
    cs, w = _setup(interceptor_types__0__midcourse="inertial")
    pic = _track(w, 80e3, pos_sigma=200.0, vel_sigma=20.0)
    why, pacq, pip, tau = _check(cs, w, pic)
    it = cs.itypes
    sp, sv = track_quality(pic)
    spos = w.pos[cs.shooters.host[0]]
    vc = np.linalg.norm(pip[0, 0] - spos) / tau[0, 0] + 250.0
    t_seek = it.seeker_range[0] / vc
    t_a = tau[0, 0] - t_seek
    q = cs.tracking["process_noise_mps2"] ** 2
    var = sp[0] ** 2 + (sv[0] * t_a) ** 2 + q * t_a ** 3 / 3
    b = it.seeker_range[0] * min(it.seeker_gimbal[0], it.max_accel[0] * t_seek / (it.nav_gain[0] * vc))
    p = 1 - np.exp(-b ** 2 / (2 * var))
    assert 0.9 < p < 0.99                  # the geometry sits just inside the 90 % basket
    assert why[0, 0] == Why.FEASIBLE and pacq[0, 0] == pytest.approx(p, rel=1e-9)
    # the same shot under command guidance from the battery's own radar, which sees the intercept point
    cs2, w2 = _setup()
    why2, pacq2, pip2, _ = _check(cs2, w2, _track(w2, 80e3, pos_sigma=200.0, vel_sigma=20.0))
    sees, err = radar_sees(w2, cs2, np.flatnonzero(cs2.sensors.host == cs2.shooters.host[0])[:1], pip2[:1])
    assert sees[0, 0] and why2[0, 0] == Why.FEASIBLE
    assert pacq2[0, 0] == pytest.approx(1 - np.exp(-b ** 2 / (2 * err[0, 0] ** 2)), rel=1e-3)
    assert pacq2[0, 0] >= pacq[0, 0]


def test_a_long_inertial_flight_on_a_coarse_track_is_refused_and_command_guidance_takes_it():
    cs, w = _setup(interceptor_types__0__midcourse="inertial")
    coarse = dict(pos_sigma=2000.0, vel_sigma=60.0)
    assert _check(cs, w, _track(w, 90e3, **coarse))[0][0, 0] == Why.SEEKER_BASKET
    cs, w = _setup()
    assert _check(cs, w, _track(w, 90e3, **coarse))[0][0, 0] == Why.FEASIBLE


def test_fire_control_capacity_counts_targets_and_missiles_in_flight():
    cs, w = _setup(batteries__0__fire_control={"max_tracks": 1})
    book = EngagementBook(2)
    assert _check(cs, w, _track(w, 40e3), book)[0][0, 0] == Why.FEASIBLE
    book.add_shot(0, -1, 5, 99, 0, 90.0, 95.0)          # one target (track 99) engaged, in flight
    assert _check(cs, w, _track(w, 40e3), book)[0][0, 0] == Why.FIRE_CONTROL_BUSY
    book.outcome[0] = "kill"
    assert _check(cs, w, _track(w, 40e3), book)[0][0, 0] == Why.FEASIBLE
    cs, w = _setup(batteries__0__fire_control={"max_missiles": 2})
    book = EngagementBook(2)
    book.add_shot(0, -1, 5, 99, 0, 90.0, 95.0)
    assert _check(cs, w, _track(w, 40e3), book)[0][0, 0] == Why.FEASIBLE
    book.add_shot(0, -1, 5, 99, 0, 90.0, 95.0)
    assert _check(cs, w, _track(w, 40e3), book)[0][0, 0] == Why.FIRE_CONTROL_BUSY


def test_radar_sees_nothing_below_its_horizon():
    """A 30 m target 60 km away is below a 10 m-mast radar's 4/3-earth horizon (about 36 km)."""
    cs, w = _setup()
    low = _track(w, 60e3, alt_m=30.0)
    radar = np.flatnonzero(cs.sensors.host == cs.shooters.host[0])[:1]
    sees, _ = radar_sees(w, cs, radar, low.pos[None])
    assert not sees[0, 0]
    near = _track(w, 20e3, alt_m=30.0)
    assert radar_sees(w, cs, radar, near.pos[None])[0][0, 0]
