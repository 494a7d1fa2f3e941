"""Interceptor types' endgame fields (``guidance_law``, ``flight_control:``, ``seeker:``): defaults that
keep every bundled scenario valid, compilation into SI columns, errors that name the field path."""

from __future__ import annotations

from importlib.resources import files

import numpy as np
import pytest
import yaml

from amdsim.core.errors import InputError
from amdsim.scenario import compile_scenario, load_compiled, scenario_from_dict

from ..conftest import DATA


def _raw(**itype):
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    raw["interceptor_types"][0].update(itype)
    return raw


def _problems(raw):
    with pytest.raises(InputError) as exc:
        scenario_from_dict(raw, file="s.yaml")
    return {p.path for p in exc.value.problems}


def test_the_endgame_compiles_to_si_columns():
    raw = _raw(guidance_law="apn", flight_control={"time_constant_s": 0.3, "order": 3},
               seeker={"acquisition_range_m": 20_000, "gimbal_limit_deg": 45, "angle_noise_rad": 2e-3,
                       "glint_m": 0.5, "update_rate_hz": 50})
    it = compile_scenario(scenario_from_dict(raw)).itypes
    assert it.guidance_law[0] == 1 and it.fc_order[0] == 3 and it.fc_time_constant[0] == 0.3
    assert it.seeker_range[0] == 20_000.0 and it.seeker_gimbal[0] == pytest.approx(np.pi / 4)
    assert (it.seeker_angle_noise[0], it.seeker_glint[0], it.seeker_update[0]) == (2e-3, 0.5, 0.02)


@pytest.mark.parametrize("name", ["demo.yaml", "three_nations.yaml"])
def test_bundled_scenarios_get_the_notional_defaults(name):
    it = load_compiled(str(files("amdsim") / "data" / name)).itypes
    assert (it.seeker_range == 15_000.0).all()                     # the old SEEKER_RANGE
    assert (it.fc_order == 5).all() and (it.guidance_law == 0).all()


@pytest.mark.parametrize(("itype", "path"), [
    ({"seeker": {"gimbal_limit_deg": 120}}, "interceptor_types[0].seeker.gimbal_limit_deg"),
    ({"flight_control": {"order": 0}}, "interceptor_types[0].flight_control.order"),
    ({"flight_control": {"order": 9}}, "interceptor_types[0].flight_control.order"),
    ({"seeker": {"angle_noise_rad": -1e-3}}, "interceptor_types[0].seeker.angle_noise_rad"),
    ({"guidance_law": "pursuit"}, "interceptor_types[0].guidance_law"),
    ({"seeker": {"range_m": 1000}}, "interceptor_types[0].seeker.range_m"),
])
def test_bad_endgame_input_names_the_field(itype, path):
    assert path in _problems(_raw(**itype))
