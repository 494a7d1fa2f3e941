"""The ``links:`` list and the batteries' reload fields: validation with field paths, compilation.

Bad input names the field (``links[i].between[j]``, ``links[i].between``): unknown forces, a pair
across sides, a direction given twice, a force paired with itself.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from amdsim.core.errors import InputError
from amdsim.scenario import compile_scenario, scenario_from_dict

from ..conftest import DATA


def _raw(**top):
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    raw["forces"].append({"id": "blue_c", "side": "blue", "nation": "Caledonia"})
    raw.update(top)
    return raw


def _problems(raw):
    with pytest.raises(InputError) as exc:
        scenario_from_dict(raw, file="s.yaml")
    return {(p.path, p.message) for p in exc.value.problems}


def test_pairs_override_the_default_per_direction_and_leave_the_rest():
    raw = _raw(link={"latency_s": 2.0, "update_s": 3.0, "drop_prob": 0.1, "capacity_tracks": 50},
               links=[{"between": ["blue_a", "blue_b"], "latency_s": 6.0, "capacity_tracks": 5},
                      {"between": ["blue_c", "blue_a"], "one_way": True, "drop_prob": 0.5, "update_s": 1.0}])
    cs = compile_scenario(scenario_from_dict(raw))
    a, b, c = (cs.force_names.index(f) for f in ("blue_a", "blue_b", "blue_c"))
    L = cs.links
    assert L.latency[a, b] == L.latency[b, a] == 6.0 and L.capacity[a, b] == L.capacity[b, a] == 5
    assert L.update[a, b] == 3.0 and L.drop[a, b] == 0.1                 # fields left out: link:'s
    assert L.drop[c, a] == 0.5 and L.update[c, a] == 1.0 and L.latency[c, a] == 2.0
    assert L.drop[a, c] == 0.1 and L.update[a, c] == 3.0 and L.capacity[a, c] == 50   # one way only
    # the scalar fields stay the link: default
    assert (cs.link_latency, cs.link_update, cs.link_drop) == (2.0, 3.0, 0.1)


def test_no_links_means_every_pair_is_the_link_block_with_no_capacity_limit():
    cs = compile_scenario(scenario_from_dict(yaml.safe_load((DATA / "small.yaml").read_text())))
    n = len(cs.force_names)
    np.testing.assert_array_equal(cs.links.latency, np.full((n, n), cs.link_latency))
    np.testing.assert_array_equal(cs.links.update, np.full((n, n), cs.link_update))
    np.testing.assert_array_equal(cs.links.drop, np.full((n, n), cs.link_drop))
    np.testing.assert_array_equal(cs.links.capacity, np.full((n, n), -1))


def test_unknown_force_pair_across_sides_and_duplicates_are_named_by_field_path():
    probs = _problems(_raw(links=[
        {"between": ["blue_a", "nobody"], "latency_s": 1.0},
        {"between": ["blue_a", "red"], "latency_s": 1.0},
        {"between": ["blue_a", "blue_b"], "latency_s": 1.0},
        {"between": ["blue_b", "blue_a"], "latency_s": 3.0, "one_way": True},
        {"between": ["blue_c", "blue_a"], "one_way": True},
        {"between": ["blue_c", "blue_a"], "one_way": True},
    ]))
    paths = sorted(p for p, _ in probs)
    assert paths == ["links[0].between[1]", "links[1].between", "links[3].between", "links[5].between"]
    msgs = dict(probs)
    assert "unknown force 'nobody'" in msgs["links[0].between[1]"]
    assert "different sides" in msgs["links[1].between"]
    assert "already given by links[2]" in msgs["links[3].between"]
    assert "already given by links[4]" in msgs["links[5].between"]


def test_a_force_paired_with_itself_and_bad_values_are_schema_errors():
    probs = _problems(_raw(links=[{"between": ["blue_a", "blue_a"]}, {"between": ["blue_a"]},
                                  {"between": ["blue_a", "blue_b"], "capacity_tracks": 0}]))
    paths = {p for p, _ in probs}
    assert any(p.startswith("links[0]") for p in paths) and any(p.startswith("links[1].between") for p in paths)
    assert any(p.startswith("links[2].capacity_tracks") for p in paths)
    assert any("twice" in m for _, m in probs)


def test_reload_fields_validate_and_default_to_no_reloads():
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    raw["batteries"][0]["reloads"] = -1
    with pytest.raises(InputError) as exc:
        scenario_from_dict(raw, file="s.yaml")
    assert [p.path for p in exc.value.problems] == ["batteries[0].reloads"]
    raw["batteries"][0]["reloads"] = 8
    raw["batteries"][0]["reload_time_s"] = 1200.0
    cs = compile_scenario(scenario_from_dict(raw))
    assert cs.shooters.reload_rounds.tolist() == [8, 0] and cs.shooters.reload_time[0] == 1200.0
