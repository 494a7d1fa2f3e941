"""Issue 20's scenario fields: absent, nothing is contested (no state, no traffic rows); bad references
name the file, the field path and what was expected."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import amdsim
from amdsim.core.errors import InputError
from amdsim.scenario import load_compiled
from amdsim.world.identity import Allegiance, initial_contested

CASE = Path(amdsim.__file__).parent / "data" / "fratricide_case.yaml"


def test_uncontested_scenario_has_no_contested_state(small_compiled):
    assert initial_contested(small_compiled, np.random.default_rng(0), np.random.default_rng(1)) is None
    assert (small_compiled.movers.allegiance == Allegiance.HOSTILE).all()


def test_case_compiles_traffic_rows_as_aircraft_not_threats():
    cs = load_compiled(CASE)
    m = cs.movers
    raven, airliner = m.name.index("raven.1"), m.name.index("airway_south.airliner1")
    assert m.allegiance[raven] == Allegiance.FRIEND and m.allegiance[airliner] == Allegiance.NEUTRAL
    assert m.is_air_target[[raven, airliner]].all() and not m.is_threat[[raven, airliner]].any()
    tab = cs.extras["contested"]
    assert tab.has_iff[raven] and not tab.has_iff[airliner]


@pytest.mark.parametrize(("path", "value", "where"), [
    ("c2_outages.0.battery", "nope", "c2_outages[0].battery"),
    ("corridors.1.airliners.force", "red", "corridors[1].airliners.force"),
    ("air_traffic.0.force", "ghost", "air_traffic[0].force"),
])
def test_bad_references_name_the_field(path, value, where):
    with pytest.raises(InputError) as exc:
        load_compiled(CASE, {path: value})
    assert any(p.path == where for p in exc.value.problems), [str(p) for p in exc.value.problems]
