"""The space-based launch warning (sensors/launch_warning.py): report errors, the cued sector, the
cued dwell's SNR gain, and the engine: earlier first detections, the uncued counterfactual."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from scipy.stats import chi2

from amdsim.core.geodesy import destination, ecef2geodetic, geodetic2ecef, initial_bearing
from amdsim.core.kinds import MoverKind
from amdsim.core.rng import Streams, replication_seed
from amdsim.engine.replication import new_replication
from amdsim.engine.step import step
from amdsim.scenario import compile_scenario, scenario_from_dict
from amdsim.sensors.evaluate import evaluate_pairs
from amdsim.sensors.launch_warning import CuedDetections, CueState, cue_sectors, cued_dwells
from amdsim.sensors.scan import azimuth_in_sector
from amdsim.sensors.sense import aspect_rcs, initial_sensor_state
from amdsim.world.messages import Detections
from amdsim.world.state import initial_world

from ..conftest import DATA


def _raw(**extra) -> dict:
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    raw.update(extra)
    return raw


@pytest.mark.parametrize(("radar_brg", "radar_dist", "track_az"),
                         [(270.0, 150e3, 90.0), (180.0, 300e3, 150.0), (45.0, 80e3, 200.0)],
                         ids=["behind", "ahead-off-axis", "side"])
def test_cued_sector_holds_every_path_inside_the_reported_errors(radar_brg, radar_dist, track_az):
    lat0, lon0 = np.radians(38.4), np.radians(126.6)
    rlat, rlon, _ = destination(lat0, lon0, np.radians(radar_brg), radar_dist)
    rpos = geodetic2ecef(rlat, rlon, 0.0)[None]
    lpos = geodetic2ecef(lat0, lon0, 0.0)
    sig_az, sig_lp, length = np.radians(5.0), 2000.0, 600e3
    center, width = cue_sectors(np.atleast_1d(rlat), np.atleast_1d(rlon), rpos, lat0, lon0, lpos, np.radians(track_az),
                                sig_az, sig_lp, length)
    assert 0.0 < width[0] < 2 * np.pi
    # paths within 1.9 sigma of azimuth from the reported point, and the reported point itself
    for daz in np.linspace(-1.9, 1.9, 9) * sig_az:
        plat, plon, _ = destination(np.full(40, lat0), np.full(40, lon0), np.radians(track_az) + daz,
                                    np.linspace(0.0, length, 40))
        brg = initial_bearing(rlat, rlon, plat, plon)
        assert azimuth_in_sector(brg[None], center, width).all()
    # and nothing far off the track: the opposite direction from the launch point is outside
    plat, plon, _ = destination(lat0, lon0, np.radians(track_az + 180.0), 300e3)
    assert not azimuth_in_sector(np.atleast_2d(initial_bearing(rlat, rlon, plat, plon)), center, width).all()


def _lw_run(raw: dict, n_steps: int | None = None):
    cs = compile_scenario(scenario_from_dict(raw))
    r = new_replication(cs, replication_seed(cs.seed, 0), record_detections=False)
    for _ in range(n_steps or cs.n_steps):
        step(r)
    return cs, r


def _events(r, kind: str) -> list[tuple]:
    log = r.log
    return [(log.time[i], log.target[i], log.force[i], log.value[i], log.detail[i], log.pos[i], log.actor[i])
            for i in range(len(log)) if log.kind[i] == kind]


def test_report_errors_and_delay_follow_the_scenario():
    """Launch-point errors: normal per horizontal axis, so |error|^2 / sigma^2 is chi-square with 2
    degrees of freedom, summed over 300 launches; azimuth errors normal of sigma_az; delivered at
    lift-off + delay to each receiving force only."""
    raw = _raw(launch_warning={"delay_s": 30, "launch_point_sigma_m": 1500, "azimuth_sigma_deg": 4,
                               "forces": ["blue_b"]},
               duration_s=200, cruise_missiles=[], radars=[], aew=[], batteries=[],
               ballistic_missiles=[{"id": "srbm", "force": "red", "site": "tel", "aim": "base",
                                    "salvo": {"count": 300, "start_s": 5, "interval_s": 0.5}}])
    cs, r = _lw_run(raw, n_steps=190)
    ev = _events(r, "launch_warning")
    assert len(ev) == 300 and {e[2] for e in ev} == {cs.force_names.index("blue_b")}
    err = np.array([e[3] for e in ev])
    stat = float(np.sum(err**2) / 1500.0**2)
    assert chi2.ppf(0.001, 600) < stat < chi2.ppf(0.999, 600)
    rows = np.array([e[1] for e in ev])
    daz = np.array([np.radians(json.loads(e[4])["azimuth_deg"]) for e in ev]) - cs.ballistic.launch_az[rows]
    daz = np.mod(daz + np.pi, 2 * np.pi) - np.pi
    stat_az = float(np.sum(daz**2) / np.radians(4.0) ** 2)
    assert chi2.ppf(0.001, 300) < stat_az < chi2.ppf(0.999, 300)
    delays = np.array([e[0] for e in ev]) - r.world.t_launch[rows]
    assert np.all((delays >= 30.0 - 1e-9) & (delays < 31.0))          # the first step at or after the delay
    # the reported point is the pad moved by the error
    pad = cs.ballistic.launch_pos[rows]
    np.testing.assert_allclose(np.linalg.norm(np.array([e[5] for e in ev]) - pad, axis=1), err, rtol=1e-6)


def test_cued_dwell_gains_the_coherent_integration_of_its_pulses():
    """Skolnik 2001 sec. 2.6: n pulses integrated coherently give n times the single dwell's SNR;
    the cued dwell's detections carry the search evaluation's SNR + 10 log10(n)."""
    raw = _raw(launch_warning={"cued_pulses": 8})
    cs = compile_scenario(scenario_from_dict(raw))
    streams = Streams(replication_seed(cs.seed, 0))
    st = initial_sensor_state(cs, streams)
    w = initial_world(cs)
    w.t = 100.0
    row = int(np.flatnonzero(cs.movers.kind == MoverKind.BALLISTIC_MISSILE)[0])
    radar = 0
    host = cs.sensors.host[radar]
    w.is_active[row] = True
    # a target 60 km north of the radar, 20 km up: inside every sector we give
    lat, lon, _ = destination(w.lat[host], w.lon[host], 0.0, 60e3)
    w.pos[row] = geodetic2ecef(lat, lon, 20e3)
    w.vel[row] = np.array([0.0, 0.0, -1000.0])
    w.lat[row], w.lon[row], w.alt[row] = ecef2geodetic(w.pos[row])
    cue = CueState.empty(cs.sensors.n)
    cue.until[radar], cue.center[radar], cue.width[radar], cue.next_dwell[radar] = 200.0, 0.0, np.radians(40.0), 0.0
    got = []
    for _ in range(50):
        cue.next_dwell[radar] = 0.0
        det = cued_dwells(w, cs, cue, st.params, streams, Detections.empty(w.t),
                          lambda tg, sp, tp, tv: aspect_rcs(cs, tg, sp, tp, tv))
        assert isinstance(det, CuedDetections) and det.cued.all()
        got += det.snr_db[det.target == row].tolist()
        assert radar in det.cued_scanned.tolist() and det.scanned.size == 0
    spos = w.pos[host] + cs.sensors.height_offset[radar] * w.pos[host] / np.linalg.norm(w.pos[host])
    ev = evaluate_pairs(spos[None], w.pos[row][None], cs.movers.rcs[row], st.params.subset(np.array([radar])),
                        cs.k_factor, with_angles=True)
    assert got, "the cued dwell never detected a target at 60 km"
    assert np.allclose(got, ev.snr_db[0, 0] + 10 * np.log10(8.0), atol=0.05)
    # outside the sector the dwell sees nothing
    cue.center[radar] = np.pi
    cue.next_dwell[radar] = 0.0
    det = cued_dwells(w, cs, cue, st.params, streams, Detections.empty(w.t),
                      lambda tg, sp, tp, tv: aspect_rcs(cs, tg, sp, tp, tv))
    assert not np.any(det.target == row)


def _first(r, kind: str, row: int) -> dict[int, float]:
    out: dict[int, float] = {}
    for t, tgt, f, *_ in _events(r, kind):
        if tgt == row:
            out.setdefault(f, t)
    return out


def test_launch_warning_moves_first_detection_earlier_and_logs_the_uncued_counterfactual():
    """A radar too weak to see the boost at 170 km in search (ref range 100 km at 1 m^2): without a
    warning its force first sees the missile late in flight; cued 30 s after lift-off it dwells on
    the sector with 4 pulses (+6 dB) every second and sees it at once. The cued dwells draw from
    their own stream, so the normal scans of the warned run are those of the run without a warning:
    its ``uncued_detection`` events are the other run's first detections, to the step."""
    base = _raw(duration_s=330, cruise_missiles=[], aew=[], tracking={"model": "kalman"})
    base["radars"][0]["radar"]["ref_range_m"] = 100_000
    _, r0 = _lw_run(base)
    warned = dict(base, launch_warning={"delay_s": 30})
    cs1, r1 = _lw_run(warned)
    row = int(np.flatnonzero(cs1.movers.kind == MoverKind.BALLISTIC_MISSILE)[0])
    t_launch = float(cs1.movers.t_launch[row])
    without = _first(r0, "detection", row)
    with_lw = _first(r1, "detection", row)
    uncued = _first(r1, "uncued_detection", row)
    f = cs1.force_names.index("blue_a")
    assert f in without and f in with_lw
    assert 31.0 <= with_lw[f] - t_launch <= 40.0             # within seconds of the cue (30 s + a step)
    assert without[f] - with_lw[f] > 30.0                    # much later without it
    assert uncued == without                                 # the counterfactual is exact here
    assert len(_events(r1, "launch_warning")) == 2          # one launch, two blue forces


def test_the_kalman_tracker_takes_the_cued_dwells_detections():
    """The dwell-only detections reach the force's tracker (tracking/stage.py), so the warned force holds a
    confirmed track on the missile long before the unwarned one does."""
    base = _raw(duration_s=330, cruise_missiles=[], aew=[], tracking={"model": "kalman"})
    base["radars"][0]["radar"]["ref_range_m"] = 100_000
    first = {}
    for name, raw in (("without", base), ("with", dict(base, launch_warning={"delay_s": 30}))):
        cs = compile_scenario(scenario_from_dict(raw))
        r = new_replication(cs, replication_seed(cs.seed, 0), record_detections=False)
        row = int(np.flatnonzero(cs.movers.kind == MoverKind.BALLISTIC_MISSILE)[0])
        f = cs.force_names.index("blue_a")
        first[name] = np.inf
        for _ in range(cs.n_steps):
            step(r)
            pic = r.tracking.pictures(r.world)[f]
            if np.any(pic.confirmed & (pic.truth == row)):
                first[name] = r.world.t
                break
    assert np.isfinite(first["with"])
    assert first["without"] - first["with"] > 20.0
