"""The numeric-literal and nesting guard at every parser edge (issue 17): scenario YAML, ``--set`` values and
WTA instance JSON. Each hostile literal ends as an InputError naming the file and the field (exit 2), never
"internal error" (exit 1): before the guard, a 5,000-digit seed raised ValueError (Python's 4,300-digit
int-to-string limit), a 400-digit WTA value OverflowError, 100,000 nested brackets RecursionError, and a
1.7e308 value printed ``"objective": Infinity`` (not JSON).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from amdsim.c2.wta import wta_check
from amdsim.cli.wta_io import wta_load
from amdsim.core.errors import InputError
from amdsim.core.literal import MAX_INT_DIGITS, json_nesting_depth
from amdsim.scenario.load import parse_scenario_text, parse_yaml_scalar

SMALL = (Path(__file__).parents[1] / "data" / "small.yaml").read_text()

YAML_CASES = [
    ("seed: 7", "seed: " + "9" * 5000, "seed", "5000 digits"),
    ("seed: 7", "seed: " + "9" * 400, "seed", "400 digits"),
    ("seed: 7", "seed: " + "9" * (MAX_INT_DIGITS + 1), "seed", f"{MAX_INT_DIGITS + 1} digits"),
    ("seed: 7", "seed: -" + "1" * 5000, "seed", "5000 digits"),
    ("seed: 7", "seed: 0x" + "f" * 4000, "seed", "digits"),
    ("launch_times_s: [60]", "launch_times_s: [60, " + "7" * 4400 + "]", "ballistic_missiles[0].launch_times_s[1]",
     "4400 digits"),
    ("interval_s: 10}", "interval_s: 1" + "0" * 5000 + "}", "cruise_missiles[0].salvo.interval_s", "5001 digits"),
]


@pytest.mark.parametrize(("old", "new", "field", "words"), YAML_CASES,
                         ids=["seed-5000", "seed-400", "seed-limit+1", "negative-5000", "hex-4000", "list-item-4400",
                              "nested-field-5001"])
def test_scenario_yaml_oversized_integer_names_the_field(old, new, field, words):
    assert old in SMALL
    with pytest.raises(InputError) as exc:
        parse_scenario_text(SMALL.replace(old, new, 1).encode(), file="s.yaml")
    (p,) = exc.value.problems
    assert (p.file, p.path) == ("s.yaml", field)
    assert words in p.message and "at most" in p.message and "line" in p.message


def test_scenario_yaml_integers_up_to_the_limit_still_parse():
    raw = parse_scenario_text(SMALL.replace("seed: 7", "seed: " + "9" * MAX_INT_DIGITS).encode(), file="s.yaml")
    assert raw["seed"] == int("9" * MAX_INT_DIGITS)    # refused later by the schema (seed < 2^63), not by the parser


@pytest.mark.parametrize(("text", "words"), [("9" * 5000, "5000 digits"), ("[1, 2]", "not a scalar"),
                                             ("{a: [", "not a YAML scalar"), ("[" * 5000, "nested too deeply")],
                         ids=["5000-digits", "list", "broken", "deep"])
def test_set_values_are_guarded(text, words):
    with pytest.raises(InputError) as exc:
        parse_yaml_scalar(text, "seed")
    (p,) = exc.value.problems
    assert (p.file, p.path) == ("--set", "seed") and words in p.message


WTA_CASES = [
    ('{"values": [1, ' + "9" * 400 + '], "pk": [[0.5, 0.5]]}', "values[1]", "400 digits"),
    ('{"values": [1, ' + "9" * 5000 + '], "pk": [[0.5, 0.5]]}', "values[1]", "5000 digits"),
    ('{"values": [1, 2], "pk": [[0.5, ' + "1" * 41 + "]]}", "pk[0][1]", "41 digits"),
    ('{"values": ' + "[" * 100_000 + "]" * 100_000 + ', "pk": []}', "", "100001 levels"),
    ('{"values": [1, 1e999], "pk": [[0.5, 0.5]]}', "values[1]", "float range"),
    ('{"values": [1, NaN], "pk": [[0.5, 0.5]]}', "values[1]", "NaN is not a JSON number"),
    ('{"values": [1, -Infinity], "pk": [[0.5, 0.5]]}', "values[1]", "-Infinity is not a JSON number"),
    ('{"values": [1.7e308, 1.7e308], "pk": [[0.5, 0.5]]}', "values", "float range"),
    ('{"values": [1, 2], "pk": [[0.5, 0.5]', "line 1, column", "not valid JSON"),
]


@pytest.mark.parametrize(("text", "field", "words"), WTA_CASES,
                         ids=["400-digits", "5000-digits", "pk-41-digits", "nested-100000", "1e999", "NaN",
                              "-Infinity", "sum-overflow", "truncated"])
def test_wta_instance_hostile_numbers_name_the_field(tmp_path, text, field, words):
    f = tmp_path / "w.json"
    f.write_text(text)
    with pytest.raises(InputError) as exc:
        wta_load(f)
    (p,) = exc.value.problems
    assert p.file == str(f) and p.path.startswith(field) and (p.path == field or field) and words in p.message


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert json_nesting_depth('{"a": "[[[[[[", "b": [[1]]}') == 3
    assert json_nesting_depth('{"a": "\\"[[[", "b": 1}') == 1


def test_the_solvers_refuse_values_whose_total_overflows():
    with pytest.raises(ValueError, match="finite total"):
        wta_check([1.7e308, 1.7e308], [[0.5, 0.5]])


def test_amdsim_wta_exits_2_on_hostile_files_and_prints_only_json(tmp_path):
    """Through the real command line: exit 2 with the file and field, or valid JSON on stdout."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"values": [1, ' + "9" * 400 + '], "pk": [[0.5, 0.5]]}')
    good = tmp_path / "good.json"
    good.write_text('{"values": [1e307, 2e307], "pk": [[0.5, 0.5], [0.9, 0.1]]}')
    out = subprocess.run([sys.executable, "-m", "amdsim", "wta", str(bad)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "values[1]" in out.stderr and "Traceback" not in out.stderr
    out = subprocess.run([sys.executable, "-m", "amdsim", "wta", str(good)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout, parse_constant=lambda c: pytest.fail(f"{c} in the output"))
    # weapon 1 on target 0 (0.9), weapon 0 on target 1 (0.5): 0.1e307 + 1e307 survive
    assert doc["objective"] == pytest.approx(1.1e307, rel=1e-9)


def test_recursive_and_shared_aliases_are_walked_once():
    """The guard's walk over a parsed document ends on a recursive YAML alias (a list holding itself)."""
    raw = parse_scenario_text((SMALL + "\nextra: &r [*r]\nx: &e {a: 1}\ny: *e\n").encode(), file="s.yaml")
    assert raw["extra"][0] is raw["extra"]
