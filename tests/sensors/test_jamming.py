"""Noise jamming (sensors/jamming.py): J/N and burn-through range against the jamming form of the radar
range equation (Skolnik, Introduction to Radar Systems, 3rd ed., 2001, ch. 14; Schleher, Electronic
Warfare in the Information Age, 1999, ch. 3), Pd at S/(N+J), strobe triangulation against geometry, and
the bundled jamming case: the escort jammer hides the raid until near burn-through, strobes locate it."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import amdsim
from amdsim.core.radar_equation import BOLTZMANN, T0, snr_radar_equation
from amdsim.sensors.detection import pd_from_snr, pd_table, required_snr
from amdsim.sensors.jamming import burn_through_range, jammed_pd, jn_ratio, triangulate


def test_jn_against_the_decibel_budget():
    """J/N (dB) = Pj + Gj + Gr + 20 log lambda - 20 log 4 pi - 20 log Rj - 10 log k T0 - F - 10 log Bj - D."""
    pj, gj_db, gr_db, lam, rj, f_db, bj, d_db = 100.0, 10.0, 35.0, 0.1, 150e3, 3.0, 50e6, 6.0
    budget = (10 * math.log10(pj) + gj_db + gr_db + 20 * math.log10(lam) - 20 * math.log10(4 * math.pi)
              - 20 * math.log10(rj) - 10 * math.log10(BOLTZMANN * T0) - f_db - 10 * math.log10(bj) - d_db)
    jn = jn_ratio(pj, 10 ** (gj_db / 10), bj, 10 ** (gr_db / 10), lam, rj, f_db, d_db)
    assert 10 * math.log10(jn) == pytest.approx(budget, abs=1e-9)
    # inverse square in the jammer's range (one way), linear in power and gains
    assert jn_ratio(pj, 10, bj, 3162, lam, 2 * rj, f_db) == pytest.approx(jn_ratio(pj, 10, bj, 3162, lam, rj, f_db) / 4)


def test_burn_through_root_satisfies_sinr_equation():
    c_s, c_j, q = 3.9e23, 5.0e12, 18.9
    r = float(burn_through_range(c_s, c_j, q))
    sinr = (c_s / r ** 4) / (1.0 + c_j / r ** 2)
    assert sinr == pytest.approx(q, rel=1e-12)
    # no jammer: the free-space detection range (C_s / q)^(1/4)
    assert float(burn_through_range(c_s, 0.0, q)) == pytest.approx((c_s / q) ** 0.25, rel=1e-12)


def test_burn_through_matches_skolnik_self_screening_form():
    """Jamming >> noise: R_bt^2 = Pt G sigma Bj / (4 pi Pj Gj Bn L (S/J)req) (Skolnik 3rd ed. ch. 14),
    from C_s of the physical range equation and C_j of eq. (1)."""
    pt, g, lam, sigma, bn, f_db, l_db = 1e6, 10 ** 3.5, 0.1, 5.0, 1e6, 3.0, 6.0
    pj, gj, bj, q = 500.0, 10.0, 100e6, 20.0
    c_s = float(snr_radar_equation(np.asarray(1.0), sigma, pt, g, lam, bandwidth=bn, noise_figure_db=f_db, losses_db=l_db))
    c_j = float(jn_ratio(pj, gj, bj, g, lam, 1.0, f_db))
    r_bt = float(burn_through_range(c_s, c_j, q))
    skolnik = math.sqrt(pt * g * sigma * bj / (4 * math.pi * pj * gj * bn * 10 ** (l_db / 10) * q))
    assert r_bt == pytest.approx(skolnik, rel=1e-3)


@pytest.mark.parametrize(("snr_db", "jn_db"), [(20.0, 0.0), (20.0, 10.0), (15.0, 3.0), (30.0, 25.0)])
def test_pd_at_signal_to_noise_plus_jamming(snr_db, jn_db):
    """jammed_pd reads the radar's Pd table at S/(N+J) = SNR / (1 + J/N) (eq. 2)."""
    tables = pd_table(np.array([1e-6]), np.array([1]), np.array([1]))
    pd = jammed_pd(np.array([[snr_db]]), np.array([[10 ** (jn_db / 10)]]), tables)[0, 0]
    sinr = 10 ** (snr_db / 10) / (1 + 10 ** (jn_db / 10))
    assert pd == pytest.approx(float(pd_from_snr(sinr, 1e-6, 1, 1)), abs=1e-3)   # table step 0.05 dB


def test_triangulation_against_geometry():
    """Exact bearings from three sites cross at the emitter; two noisy bearings (0.2 deg) cross within the
    error ellipse's scale R sigma / sin(crossing angle)."""
    target = np.array([40_000.0, 250_000.0])
    sites = np.array([[0.0, 0.0], [100_000.0, 0.0], [-60_000.0, 20_000.0]])
    rel = target - sites
    exact = np.arctan2(rel[:, 0], rel[:, 1])
    assert np.allclose(triangulate(sites, exact), target, atol=1e-6)
    rng = np.random.default_rng(5)
    sigma = 0.2 * math.pi / 180
    errs = [np.linalg.norm(triangulate(sites[:2], exact[:2] + rng.normal(0, sigma, 2)) - target) for _ in range(500)]
    crossing = abs(exact[0] - exact[1])
    scale = 250_000.0 * sigma / math.sin(crossing)
    assert np.median(errs) < 2.0 * scale
    assert np.median(errs) > 0.1 * scale


def test_required_snr_is_the_burn_through_threshold():
    assert required_snr(0.5, 1e-6, 1, 1) == pytest.approx(10 ** (12.77 / 10), rel=0.01)


@pytest.fixture(scope="module")
def jamming_runs():
    from amdsim.engine.run import run_replication
    from amdsim.scenario import load_compiled

    path = Path(amdsim.__file__).parent / "data" / "jamming_case.yaml"
    return run_replication(load_compiled(path), 0), run_replication(load_compiled(path, {"jammers": [], "duration_s": 60}), 0)


def test_escort_jammer_hides_the_raid_until_burn_through(jamming_runs):
    jammed, clear = jamming_runs
    jam = jammed["jamming"]
    assert clear.get("jamming") is None
    first_jam = min(t["first_detection_s"]["blue"] for t in jammed["threats"])
    first_clear = min(t["first_detection_s"]["blue"] for t in clear["threats"])
    assert first_clear <= 20.0            # seen at launch, ~330 km out, without jamming
    assert first_jam > 300.0               # hidden for the first 75 km of the run at least
    ranges = list(jam["first_detection_range_m"].values())
    bt = next(iter(jam["burn_through_m"].values()))
    assert bt == pytest.approx(64_050.0, rel=0.01)
    # cumulative detection over many scans comes before the single-scan Pd 0.5 range, not far before
    assert all(bt < r < 3.0 * bt for r in ranges)


def test_strobes_cross_at_the_jammer(jamming_runs):
    jam = jamming_runs[0]["jamming"]
    assert jam["strobes"] > 100 and jam["fixes"] > 100
    assert jam["fix_error_median_m"] < 10_000.0


def test_fixes_make_a_track_on_the_jammer_before_burn_through():
    """With the Kalman tracker, the crossed strobes alone (the escort is ~280 km out, far beyond burn-through)
    give a confirmed track on the jammer, within a few km."""
    from amdsim.core.rng import replication_seed
    from amdsim.engine.replication import new_replication
    from amdsim.engine.step import step
    from amdsim.scenario import load_compiled

    cs = load_compiled(Path(amdsim.__file__).parent / "data" / "jamming_case.yaml",
                       {"tracking.model": "kalman", "duration_s": 200})
    r = new_replication(cs, replication_seed(cs.seed, 0))
    escort = cs.movers.name.index("escort.1")
    for _ in range(100):
        step(r)
    assert not np.isfinite(r.world.first_detect[0, escort])        # its echo not detected yet
    pic = r.tracking.pictures(r.world)[0]
    on = np.flatnonzero(pic.truth == escort)
    assert on.size == 1 and pic.confirmed[on[0]]
    assert np.linalg.norm(pic.pos[on[0]] - r.world.pos[escort]) < 5_000.0


def test_home_on_jam_acquires_the_jammer_from_its_range():
    """Interceptors with a 3 km seeker and home_on_jam_range_m 40 km: the escort jammer is acquired at
    up to 40 km (homing on its noise), the strike aircraft beside it (no jammer) at their 3 km."""
    from amdsim.engine.run import simulate
    from amdsim.scenario import load_compiled

    itype = {"id": "sam", "max_range_m": 80000, "max_tof_s": 120, "pk_max": 0.9, "reaction_time_s": 4,
             "seeker": {"acquisition_range_m": 3000}, "home_on_jam_range_m": 40000}
    battery = {"id": "sam_port", "force": "blue", "position": {"lat_deg": 40.0, "lon_deg": 20.0, "alt_m": 10},
               "launchers": 4, "interceptors_per_launcher": 4, "interceptor": "sam"}
    cs = load_compiled(Path(amdsim.__file__).parent / "data" / "jamming_case.yaml",
                       {"interceptor_types": [itype], "batteries": [battery], "tracking": {"model": "kalman"},
                        "aircraft.launch_position.lat_deg": 41.0, "duration_s": 500})     # the raid starts 110 km out
    b = simulate(cs, 0).book
    escort = cs.movers.name.index("escort.1")
    acq = [(b.target[k] == escort, b.acquire_range[k]) for k in range(b.n_shots) if b.seeker_acquired[k]]
    on_jammer = [r for is_jammer, r in acq if is_jammer]
    others = [r for is_jammer, r in acq if not is_jammer]
    assert on_jammer and others
    # acquired far beyond its own 3 km, no farther than 40 km (the first update inside it)
    assert all(15_000.0 < r <= 40_000.0 for r in on_jammer)
    assert max(others) <= 3_000.0 + 1e-6
