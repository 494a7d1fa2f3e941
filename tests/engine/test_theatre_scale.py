"""The bundled theatre (issue 18's scale benchmark) holds what the issue asks for, and the scale
benchmark's raid scaling and growth exponent do what they say (no simulation: compilation only)."""

from __future__ import annotations

import numpy as np

from amdsim.bench.scale import growth_exponent, scale_raid, theatre_path
from amdsim.core.kinds import BLUE, MoverKind
from amdsim.scenario.compile import compile_scenario
from amdsim.scenario.load import read_scenario_dict, scenario_from_dict


def _compiled(raw):
    path = theatre_path()
    return compile_scenario(scenario_from_dict(raw, file=str(path)), base_dir=path.parent, file=str(path))


def test_theatre_has_the_size_the_issue_asks_for():
    raw = read_scenario_dict(theatre_path())
    cs = _compiled(raw)
    kind = cs.movers.kind
    assert int(np.sum(cs.force_side == BLUE)) >= 3
    assert int(cs.movers.is_threat.sum()) >= 300
    for k in (MoverKind.CRUISE_MISSILE, MoverKind.BALLISTIC_MISSILE, MoverKind.AIRCRAFT):
        assert int(np.sum(kind == k)) > 0, k
    assert len(raw["batteries"]) >= 20 and len(raw["radars"]) >= 10 and len(raw["aew"]) == 2
    assert sum(f["count"] for f in raw["fighters"]) >= 16


def test_scaled_raid_multiplies_every_salvo_in_the_same_window():
    raw = read_scenario_dict(theatre_path())
    base = int(_compiled(raw).movers.is_threat.sum())
    assert int(_compiled(scale_raid(raw, 3)).movers.is_threat.sum()) == 3 * base
    tripled = scale_raid(raw, 3)["cruise_missiles"][0]["salvo"]
    first = raw["cruise_missiles"][0]["salvo"]
    assert tripled["count"] == 3 * first["count"]
    assert tripled["interval_s"] * 3 == first["interval_s"]


def test_growth_exponent_is_the_log_log_slope():
    n = [300, 900, 3000]
    assert abs(growth_exponent(n, [2.0 * x for x in n]) - 1.0) < 1e-9
    assert abs(growth_exponent(n, [1e-4 * x ** 2 for x in n]) - 2.0) < 1e-9
