"""Ballistic missiles in the engine's movers stage: boost from lift-off, the compiled launch solution
hitting the aim point on the rotating earth, the deprecated burnout model, quasi-ballistic glides
the defence's ballistic impact prediction does not anticipate."""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest
import yaml

from amdsim.core.errors import InputError
from amdsim.core.geodesy import destination, ecef2geodetic, geodetic2ecef
from amdsim.core.kinds import MoverKind
from amdsim.movers.advance import advance_movers
from amdsim.scenario import compile_scenario, scenario_from_dict
from amdsim.scenario.models import ScenarioDeprecationWarning
from amdsim.tracking.ballistic import ballistic_ground_cross
from amdsim.world.state import initial_world

from ..conftest import DATA

TEL = (38.40, 126.60)
#: Impact tolerance of the engine's flight at the aim point (m): the launch solution is solved to
#: 0.5 m; the engine's 1 s steps cut the solution's 0.25 s sub-steps differently after cut-off.
IMPACT_TOL_M = 50.0


def _aim(bearing_deg: float, range_m: float) -> dict:
    lat, lon, _ = destination(np.radians(TEL[0]), np.radians(TEL[1]), np.radians(bearing_deg), range_m)
    return {"lat_deg": float(np.degrees(lat)), "lon_deg": float(np.degrees(lon)), "alt_m": 0.0}


def _scenario(missiles: list[dict], rotation: bool = True, duration: float = 2500.0, **extra):
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    raw["cruise_missiles"] = []
    raw["ballistic_missiles"] = missiles
    raw["duration_s"] = duration
    raw["earth"] = {"rotation": rotation}
    raw.update(extra)
    return raw


def _fly(cs, until_s: float):
    """Movers only, 1 s steps: {row: impact point} and the world."""
    w = initial_world(cs)
    impacts = {}
    while w.t < until_s:
        ev = advance_movers(w, cs, cs.dt)
        w.t += cs.dt
        for row, p in zip(ev.impacted.tolist(), ev.impact_pos, strict=True):
            impacts[row] = p.copy()
        if len(impacts) == int(np.sum(cs.movers.kind == MoverKind.BALLISTIC_MISSILE)):
            break
    return impacts, w


def _aim_of(raw: dict, bm: dict) -> np.ndarray:
    if "aim_position" in bm:
        a = bm["aim_position"]
    else:
        a = next(x for x in raw["assets"] if x["id"] == bm["aim"])["position"]
    return geodetic2ecef(np.radians(a["lat_deg"]), np.radians(a["lon_deg"]), a.get("alt_m", 0.0))


CASES = [
    ("srbm-min-energy", {"aim": "base"}),
    ("srbm-lofted", {"aim": "base", "trajectory": "lofted"}),
    ("srbm-depressed-drag", {"aim": "base", "trajectory": "depressed", "ballistic_coeff_kg_m2": 8000}),
    ("mrbm-east", {"aim_position": _aim(95.0, 2_000e3), "range_class": "MRBM"}),
    ("irbm-west", {"aim_position": _aim(265.0, 4_000e3)}),        # class inferred from the range
    ("custom-boost", {"aim_position": _aim(180.0, 600e3), "boost": {"accel_mps2": 35, "burn_time_s": 60,
                                                                    "isp_s": 260}}),
    # launched between two engine steps: the engine's sub-steps fall elsewhere than the solution's
    ("icbm-off-grid", {"aim_position": _aim(80.0, 9_000e3), "launch_times_s": [7.37]}),
    ("srbm-off-grid", {"aim": "base", "trajectory": "quasi_ballistic", "launch_times_s": [12.61]}),
]


@pytest.mark.parametrize("rotation", [True, False], ids=["rotating", "non-rotating"])
@pytest.mark.parametrize(("name", "spec"), CASES, ids=[c[0] for c in CASES])
def test_engine_flight_hits_the_aim_point(name, spec, rotation):
    bm = {"id": "bm", "force": "red", "site": "tel", "launch_times_s": [7.0], **spec}
    raw = _scenario([bm], rotation=rotation, duration=3000.0)
    cs = compile_scenario(scenario_from_dict(copy.deepcopy(raw)))
    row = int(np.flatnonzero(cs.movers.kind == MoverKind.BALLISTIC_MISSILE)[0])
    assert cs.ballistic is not None and cs.ballistic.has_boost[row]
    assert cs.ballistic.solution_miss[row] < 1.0
    impacts, _ = _fly(cs, 3000.0)
    assert row in impacts
    assert np.linalg.norm(impacts[row] - _aim_of(raw, bm)) < IMPACT_TOL_M


def test_the_missile_exists_from_lift_off_under_thrust_with_its_boost_rcs():
    raw = _scenario([{"id": "bm", "force": "red", "site": "tel", "launch_times_s": [10.0], "aim": "base",
                      "rcs_boost_m2": 3.0}])
    cs = compile_scenario(scenario_from_dict(raw))
    row = int(np.flatnonzero(cs.movers.kind == MoverKind.BALLISTIC_MISSILE)[0])
    w = initial_world(cs)
    pad = cs.movers.pos0[row].copy()
    np.testing.assert_array_equal(cs.movers.vel0[row], 0.0)        # at rest on the pad
    heights, speeds, boosting = [], [], []
    while w.t < 80.0:
        advance_movers(w, cs, cs.dt)
        w.t += cs.dt
        if w.is_active[row]:
            heights.append(float(w.alt[row]))
            speeds.append(float(np.linalg.norm(w.vel[row])))
            boosting.append(bool(w.is_boosting[row]))
    assert len(heights) == 71                                        # in the world from lift-off at 10 s
    assert heights[0] == pytest.approx(float(ecef2geodetic(pad)[2]), abs=1e-6) and speeds[0] == 0.0
    assert heights[1] - heights[0] < 50.0                            # 1 s after lift-off: still low ...
    assert speeds[1] < 40.0                                          # ... and slow (a0 - g ~ 18 m/s^2)
    assert all(np.diff(speeds[:40]) > 0)                             # accelerating under thrust
    t_co = cs.ballistic.t_cutoff[row]
    assert boosting[: int(t_co)] == [True] * int(t_co) and not boosting[-1]
    assert cs.ballistic.rcs_boost[row] == 3.0 and cs.movers.rcs[row] == 0.05


def test_deprecated_burnout_altitude_still_flies_to_the_aim_with_a_warning():
    raw = _scenario([{"id": "bm", "force": "red", "site": "tel", "launch_times_s": [5.0], "aim": "base",
                      "burnout_alt_m": 20_000}])
    with pytest.warns(ScenarioDeprecationWarning, match="burnout_alt_m is deprecated"):
        sc = scenario_from_dict(raw)
    cs = compile_scenario(sc)
    row = int(np.flatnonzero(cs.movers.kind == MoverKind.BALLISTIC_MISSILE)[0])
    assert not cs.ballistic.has_boost[row]
    pad = geodetic2ecef(np.radians(TEL[0]), np.radians(TEL[1]), 100.0)
    assert np.linalg.norm(cs.movers.pos0[row]) - np.linalg.norm(pad) == pytest.approx(20_000.0, abs=1e-6)
    assert np.linalg.norm(cs.movers.vel0[row]) > 1000.0              # appears at burnout speed
    impacts, _ = _fly(cs, 1000.0)
    assert np.linalg.norm(impacts[row] - _aim_of(raw, raw["ballistic_missiles"][0])) < IMPACT_TOL_M
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scenario_from_dict(_scenario([{"id": "bm", "force": "red", "site": "tel", "launch_times_s": [5.0],
                                       "aim": "base"}]))               # no burnout_alt_m: no warning


def test_unreachable_aim_point_is_an_input_error_at_its_path():
    raw = _scenario([{"id": "bm", "force": "red", "site": "tel", "launch_times_s": [5.0], "range_class": "SRBM",
                      "aim_position": _aim(180.0, 2_500e3)}])
    with pytest.raises(InputError, match=r"ballistic_missiles\[0\]\.aim_position.*out of reach"):
        compile_scenario(scenario_from_dict(raw))
    raw["ballistic_missiles"][0]["burnout_alt_m"] = 0.0
    raw["ballistic_missiles"][0]["boost"] = {"accel_mps2": 20}
    with pytest.raises(InputError, match=r"ballistic_missiles\[0\]: give either 'boost'"):
        scenario_from_dict(raw)


def test_quasi_ballistic_glide_defeats_the_ballistic_impact_prediction_yet_hits_its_aim():
    """The defence predicts a ballistic impact from the missile's true state before the pull-up
    (tracking/ballistic.py: gravity only, the same rotating earth): the pull-up and glide carry the
    missile kilometres beyond it, and it still hits its aim point (the launch solution flies the
    glide). A plain depressed arc of the same missile (no drag) lands where the prediction says."""
    aim = _aim(150.0, 450e3)
    out = {}
    for traj in ("depressed", "quasi_ballistic"):
        raw = _scenario([{"id": "bm", "force": "red", "site": "tel", "launch_times_s": [3.0], "aim_position": aim,
                          "trajectory": traj, "loft_deg": 8}])
        cs = compile_scenario(scenario_from_dict(raw))
        row = int(np.flatnonzero(cs.movers.kind == MoverKind.BALLISTIC_MISSILE)[0])
        w = initial_world(cs)
        state = None
        impact = None
        while impact is None and w.t < 1500.0:
            ev = advance_movers(w, cs, cs.dt)
            w.t += cs.dt
            descending = np.dot(w.pos[row], w.vel[row]) < 0
            if state is None and descending and w.is_active[row] and w.alt[row] < 40e3:
                state = (w.pos[row].copy(), w.vel[row].copy())
            if row in ev.impacted.tolist():
                impact = ev.impact_pos[ev.impacted.tolist().index(row)]
        assert state is not None and impact is not None
        target = _aim_of(raw, raw["ballistic_missiles"][0])
        assert np.linalg.norm(impact - target) < IMPACT_TOL_M
        predicted, _, found = ballistic_ground_cross(state[0][None], state[1][None], step_s=0.5,
                                                     ground_radius=float(np.linalg.norm(target)))
        assert found[0]
        out[traj] = float(np.linalg.norm(predicted[0] - target))
    assert out["depressed"] < 300.0                   # no drag, no glide: the prediction holds
    assert out["quasi_ballistic"] > 5_000.0           # the glide: kilometres beyond the prediction
