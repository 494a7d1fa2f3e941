"""Scenario fields of ballistic missiles (boost presets, deprecated burnout) and the launch warning:
defaults keep the existing files valid, bad input names its field path."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import yaml

from amdsim.core.constants import BOOST_PRESETS
from amdsim.core.errors import InputError
from amdsim.scenario import compile_scenario, load_compiled, scenario_from_dict
from amdsim.scenario.models import BallisticMissile, Boost, LaunchWarning

from ..conftest import DATA


def _raw(**extra) -> dict:
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    raw.update(extra)
    return raw


@pytest.mark.parametrize("name", ["demo.yaml", "three_nations.yaml"])
def test_bundled_scenarios_still_validate_without_warnings(name):
    from amdsim.scenario import demo_path

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cs = load_compiled(demo_path().parent / name)
    bt = cs.ballistic
    assert bt is None or np.nanmax(bt.solution_miss) < 1.0
    assert cs.launch_warning is None                          # the scenario gives none


def test_a_boost_block_takes_the_preset_for_what_it_leaves_out():
    fields = Boost(burn_time_s=50.0).resolved("MRBM")
    assert fields["burn_time_s"] == 50.0
    assert {k: v for k, v in fields.items() if k != "burn_time_s"} == {
        k: v for k, v in BOOST_PRESETS["MRBM"].items() if k not in ("burn_time_s", "rcs_boost_m2")}
    with pytest.raises(ValueError, match="burn more than its whole mass"):
        Boost(accel_mps2=60.0, burn_time_s=100.0).resolved("SRBM")


def test_launch_warning_defaults_and_force_checks():
    cs = compile_scenario(scenario_from_dict(_raw(launch_warning={})))
    lw = cs.launch_warning
    d = LaunchWarning()
    assert lw.delay == d.delay_s and lw.cued_gain == d.cued_pulses
    assert lw.receives.tolist() == [True, True, False]          # every blue force, not red
    with pytest.raises(InputError, match=r"launch_warning\.forces\[1\].*red"):
        compile_scenario(scenario_from_dict(_raw(launch_warning={"forces": ["blue_a", "red"]})))
    with pytest.raises(InputError, match=r"launch_warning\.forces\[0\].*unknown force"):
        compile_scenario(scenario_from_dict(_raw(launch_warning={"forces": ["nobody"]})))
    with pytest.raises(InputError, match=r"launch_warning\.cued_pulses"):
        scenario_from_dict(_raw(launch_warning={"cued_pulses": 0}))


def test_range_class_is_inferred_from_the_ground_range():
    from amdsim.core.geodesy import geodetic2ecef
    from amdsim.scenario.compile.ballistic import range_class_of

    bm = BallisticMissile(id="b", force="red", launch_times_s=[0.0], launch_position={"lat_deg": 0, "lon_deg": 0},
                          aim_position={"lat_deg": 0, "lon_deg": 20})
    pad = geodetic2ecef(0.0, 0.0, 0.0)
    for lon_deg, cls in ((5.0, "SRBM"), (20.0, "MRBM"), (40.0, "IRBM"), (60.0, "ICBM")):
        assert range_class_of(bm, pad, geodetic2ecef(0.0, np.radians(lon_deg), 0.0)) == cls
    assert range_class_of(bm.model_copy(update={"range_class": "IRBM"}), pad, geodetic2ecef(0.0, 0.05, 0.0)) == "IRBM"
