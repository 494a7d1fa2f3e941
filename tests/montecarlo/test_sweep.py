"""Sweeps: --set parsing, cross product, bad paths reported against --set, common random numbers."""

from __future__ import annotations

import json

import pytest

from amdsim.core.errors import InputError
from amdsim.montecarlo.sweep import parse_set_options, run_sweep, sweep_variants


def test_set_values_are_yaml_scalars():
    sets = parse_set_options(["fighters.count=0,2,4", "link.latency_s=1.5,5", "x.flag=true,off", "a.b=name"])
    assert sets == [("fighters.count", [0, 2, 4]), ("link.latency_s", [1.5, 5]), ("x.flag", [True, False]),
                    ("a.b", ["name"])]


@pytest.mark.parametrize("bad", ["fighters.count", "=1", "a..b=1", "a.b=", "a.b=[1", "a[x].b=1", "a[id=x=1"])
def test_malformed_set_option_names_set(bad):
    with pytest.raises(InputError, match="--set"):
        parse_set_options([bad])


def test_cross_product_first_option_slowest():
    v = sweep_variants([("a", [0, 1]), ("b", ["x", "y", "z"])])
    assert len(v) == 6
    assert v[0] == {"a": 0, "b": "x"} and v[1] == {"a": 0, "b": "y"} and v[3] == {"a": 1, "b": "x"}
    assert sweep_variants([]) == [{}]


def test_bad_override_path_is_reported_before_any_run(small_scenario_path, tmp_path):
    with pytest.raises(InputError, match="--set") as err:
        run_sweep(small_scenario_path, [("radars.0.nonsense_field", [1])], 1, tmp_path / "s", progress=False)
    assert "nonsense_field" in str(err.value)
    with pytest.raises(InputError, match="out of range"):
        run_sweep(small_scenario_path, [("radars.5.mast_height_m", [1])], 1, tmp_path / "s", progress=False)
    assert not (tmp_path / "s" / "variant_00").exists()


def test_sweep_variants_share_seeds_and_record_overrides(small_scenario_path, tmp_path):
    out = tmp_path / "sweep"
    # the same value twice: two variants that must be identical (common random numbers, same root seed)
    doc = run_sweep(small_scenario_path, [("batteries.interceptors_per_launcher", [4, 4])], 1, out,
                    workers=1, progress=False)
    assert [v["name"] for v in doc["variants"]] == ["batteries.interceptors_per_launcher=4",
                                                    "batteries.interceptors_per_launcher=4 (2)"]
    assert [v["folder"] for v in doc["variants"]] == ["variant_00", "variant_01"]
    m0 = json.loads((out / "variant_00" / "manifest.json").read_text())
    m1 = json.loads((out / "variant_01" / "manifest.json").read_text())
    assert m0["overrides"] == {"batteries.interceptors_per_launcher": 4} and m0["root_seed"] == m1["root_seed"]
    assert json.loads((out / "sweep.json").read_text())["baseline"] == "batteries.interceptors_per_launcher=4"
    from amdsim.results.views import run_query

    rows = run_query(out, "SELECT variant_index, replication, count(*) AS n FROM events GROUP BY ALL ORDER BY 1"
                     ).to_pylist()
    assert [(r["variant_index"], r["replication"]) for r in rows] == [(0, 0), (1, 0)] and rows[0]["n"] == rows[1]["n"]
    for name in ("events.parquet", "engagements.parquet"):
        assert (out / "variant_00/rep_00000" / name).read_bytes() == (out / "variant_01/rep_00000" / name).read_bytes()

    with pytest.raises(InputError, match="--resume"):
        run_sweep(small_scenario_path, [("batteries.interceptors_per_launcher", [4, 4])], 1, out, progress=False)
    with pytest.raises(InputError, match="its variants is"):
        run_sweep(small_scenario_path, [("batteries.interceptors_per_launcher", [4, 3])], 1, out, progress=False,
                  resume=True)
    # a sweep of an older amdsim (variants named variant_XX, no folder key) resumes: only the changes must match
    older = json.loads((out / "sweep.json").read_text())
    for i, v in enumerate(older["variants"]):
        v["name"] = f"variant_{i:02d}"
        del v["folder"]
    (out / "sweep.json").write_text(json.dumps(older))
    again = run_sweep(small_scenario_path, [("batteries.interceptors_per_launcher", [4, 4])], 1, out, progress=False,
                      resume=True, workers=1)
    assert again["variants"][1]["name"] == "batteries.interceptors_per_launcher=4 (2)" and not again["failures"]


def test_variants_file_names_everywhere(small_scenario_path, tmp_path):
    """A variants file's names reach sweep.json, `amdsim stats` (stats.json/csv) and SQL's variant column;
    an unnamed variant is named by its settings; the folders stay variant_XX."""
    from amdsim.results.stats import batch_statistics, statistics_rows
    from amdsim.results.views import run_query
    from amdsim.scenario.overrides import read_variants_file

    vf = tmp_path / "variants.yaml"
    vf.write_text("variants:\n  - name: as written\n  - unset: ['aew[id=aew]']\n")
    out = tmp_path / "sweep"
    doc = run_sweep(small_scenario_path, None, 1, out, variants=read_variants_file(vf), workers=1, progress=False)
    assert [(v["name"], v["folder"]) for v in doc["variants"]] == [("as written", "variant_00"),
                                                                   ("aew[id=aew] removed", "variant_01")]
    assert json.loads((out / "variant_01" / "manifest.json").read_text())["overrides"] == {"unset aew[id=aew]": None}
    st = batch_statistics(out)
    assert st["baseline"] == "as written" and set(st["variants"]) == {"as written", "aew[id=aew] removed"}
    assert {r["variant"] for r in statistics_rows(st)} == {"as written", "aew[id=aew] removed"}
    rows = run_query(out, "SELECT variant, variant_index, count(*) AS n FROM movers WHERE name = 'aew' "
                          "GROUP BY ALL ORDER BY variant_index").to_pylist()
    assert rows == [{"variant": "as written", "variant_index": 0, "n": 1}]      # the AEW is gone from variant 1
    s = run_query(out, "SELECT variant FROM summary ORDER BY variant_index").to_pylist()
    assert [r["variant"] for r in s] == ["as written", "aew[id=aew] removed"]
