"""--set/--unset paths (scenario/overrides.py): entries by id, removal, empty lists, the old forms, and
errors that name the option with "did you mean"; variants files."""

from __future__ import annotations

import pytest

from amdsim.core.errors import InputError
from amdsim.scenario import demo_path, load_compiled
from amdsim.scenario.load import read_scenario_dict
from amdsim.scenario.overrides import (
    UNSET,
    apply_overrides,
    describe,
    parse_path,
    parse_set_options,
    read_variants_file,
    single_overrides,
)


@pytest.fixture(scope="module")
def demo_raw() -> dict:
    return read_scenario_dict(demo_path())


def _battery(raw, bid):
    return next(b for b in raw["batteries"] if b["id"] == bid)


def test_entry_by_id_changes_that_entry_only(demo_raw):
    out = apply_overrides(demo_raw, {"batteries[id=alpha_long].launchers": 7})
    assert _battery(out, "alpha_long")["launchers"] == 7
    others = [b for b in out["batteries"] if b["id"] != "alpha_long"]
    assert others == [b for b in demo_raw["batteries"] if b["id"] != "alpha_long"]
    assert _battery(demo_raw, "alpha_long")["launchers"] != 7       # the input is not changed


def test_old_forms_still_work(demo_raw):
    out = apply_overrides(demo_raw, {"aew.0.on_station_s": 99, "link.latency_s": 5, "fighters.count": 0})
    assert out["aew"][0]["on_station_s"] == 99 and out["link"]["latency_s"] == 5
    assert all(f["count"] == 0 for f in out["fighters"])              # a name on a list: every entry
    assert apply_overrides(demo_raw, {"aew[0].on_station_s": 99}) == apply_overrides(demo_raw, {"aew.0.on_station_s": 99})


def test_nested_entry_by_id(demo_raw):
    out = apply_overrides(demo_raw, {"platforms[id=carrier_group].batteries.0.launchers": 3})
    assert out["platforms"][0]["batteries"][0]["launchers"] == 3


def test_unset_removes_entry_and_empty_list_is_accepted(demo_raw):
    removed = apply_overrides(demo_raw, {UNSET + "aew[id=aew_avalon]": None})
    assert [a["id"] for a in removed["aew"]] == []
    ov = single_overrides(["aew=[]"], None)
    assert ov == {"aew": []}
    emptied = apply_overrides(demo_raw, ov)
    assert emptied["aew"] == [] and emptied == removed
    cs = load_compiled(demo_path(), ov)                   # the scenario without AEW validates and compiles
    assert "aew_avalon" not in list(cs.movers.name)


def test_unset_of_a_field_restores_its_default(demo_raw):
    out = apply_overrides(demo_raw, {UNSET + "link.latency_s": None})
    assert "latency_s" not in out["link"]
    with pytest.raises(InputError, match="already at its default"):
        apply_overrides(out, {UNSET + "link.latency_s": None})


@pytest.mark.parametrize(("change", "option", "words"), [
    ({"batteries[id=alpha_lng].launchers": 2}, "--set", ["no entry of batteries has id=alpha_lng",
                                                          "did you mean 'alpha_long'"]),
    ({"batteries[id=alpha_long].launcher": 2}, "--set", ["has no field 'launcher'", "did you mean 'launchers'"]),
    ({"lnk.latency_s": 2}, "--set", ["no field 'lnk'", "'link'"]),
    ({UNSET + "aew[id=zzz]": None}, "--unset", ["no entry of aew has id=zzz", "aew has id aew_avalon"]),
    ({"aew.3.on_station_s": 1}, "--set", ["index 3 out of range", "1 entry"]),
    ({"link.latency_s.x": 1}, "--set", ["not a mapping"]),
])
def test_bad_paths_name_the_option(demo_raw, change, option, words):
    with pytest.raises(InputError) as err:
        apply_overrides(demo_raw, change)
    text = str(err.value)
    assert f"{option}: " in text and all(w in text for w in words), text


@pytest.mark.parametrize("bad", ["a[b", "a[x].b", "a[id=].b", "a..b", "a[id=x]y", "3a.b"])
def test_malformed_paths(bad):
    with pytest.raises(InputError, match="--unset"):
        parse_path(bad, "--unset")


def test_values_split_outside_brackets():
    assert parse_set_options(["a.b=[1,2],[3]", "c={x: 1, y: 2}", "link.latency_s=1,5",
                              "batteries[id=a.b].launchers=2"]) == [
        ("a.b", [[1, 2], [3]]), ("c", [{"x": 1, "y": 2}]), ("link.latency_s", [1, 5]),
        ("batteries[id=a.b].launchers", [2])]


def test_invalid_value_names_the_change():
    with pytest.raises(InputError) as err:
        load_compiled(demo_path(), {"batteries[id=alpha_long].launchers": -2})
    assert "batteries[id=alpha_long].launchers=-2" in str(err.value) and "launchers" in str(err.value)


def test_names_built_from_settings():
    assert describe({UNSET + "aew[id=aew_avalon]": None, "link.latency_s": 5}) == \
        "aew[id=aew_avalon] removed, link.latency_s=5"
    assert describe({}) == "baseline" and describe({"aew": []}) == "aew=[]"


def test_bundled_variants_file_validates():
    path = demo_path().parent / "variants" / "demo_variants.yaml"
    variants = read_variants_file(path)
    assert [n for n, _ in variants][:3] == ["baseline", "no AEW", "slow link"]
    assert variants[-1][0] == "fighters.count=0, link.latency_s=0"        # unnamed: named by its settings
    for _, ov in variants:
        load_compiled(demo_path(), ov)


def test_variants_file_errors_are_listed_together(tmp_path):
    f = tmp_path / "v.yaml"
    f.write_text("variants:\n  - {name: a, sett: {x: 1}}\n  - {name: a, unset: ['b[']}\n  - 3\n")
    with pytest.raises(InputError) as err:
        read_variants_file(f)
    text = str(err.value)
    assert "variants[0].sett" in text and "did you mean 'set'" in text
    assert "variants[1].unset" in text and "'a' is given to 2 variants" in text and "variants[2]" in text


def test_api_and_explain_take_the_same_forms(demo_raw):
    """amdsim.run(set=, unset=) and amdsim explain --set/--unset parse through the same module."""
    from amdsim.api import _overrides
    from amdsim.montecarlo.explain import variants

    assert _overrides(["batteries[id=alpha_long].launchers=2"], ["aew[id=aew_avalon]"]) == {
        "batteries[id=alpha_long].launchers": 2, UNSET + "aew[id=aew_avalon]": None}
    assert _overrides({"link.latency_s": 4}, "aew[id=aew_avalon]") == {"link.latency_s": 4,
                                                                      UNSET + "aew[id=aew_avalon]": None}
    with pytest.raises(InputError, match="one value per path"):
        _overrides(["link.latency_s=1,5"], None)
    got = variants(demo_raw, None, ["batteries[id=alpha_long].launchers=2,4"], ["aew[id=aew_avalon]"])
    assert got == {"batteries[id=alpha_long].launchers=2": {"batteries[id=alpha_long].launchers": 2},
                   "batteries[id=alpha_long].launchers=4": {"batteries[id=alpha_long].launchers": 4},
                   "aew[id=aew_avalon] removed": {UNSET + "aew[id=aew_avalon]": None}}


def test_every_bad_change_is_listed(demo_raw):
    with pytest.raises(InputError) as err:
        apply_overrides(demo_raw, {"lnk.latency_s": 1, UNSET + "aew[id=zzz]": None, "link.latency_s": 2})
    assert len(err.value.problems) == 2 and [p.file for p in err.value.problems] == ["--set", "--unset"]


def test_sweep_report_says_removed_for_an_unset():
    from amdsim.review.sweep_report import variant_label

    entry = {"name": "variant_03", "overrides": {UNSET + "aew[id=aew_avalon]": None, "link.latency_s": 5}}
    assert variant_label(entry) == "aew[id=aew_avalon] removed, link.latency_s=5"
