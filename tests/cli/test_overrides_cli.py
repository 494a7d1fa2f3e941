"""The commands' --set/--unset/--variants: errors exit 2 naming the option, sweep names in `amdsim stats`
and `amdsim query` (brackets shown, not taken for console markup)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def amdsim(*args):
    return subprocess.run([sys.executable, "-m", "amdsim", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def test_bad_set_and_unset_exit_2_with_did_you_mean(tmp_path):
    out = tmp_path / "run"
    res = amdsim("run", DATA / "small.yaml", "--out", out, "--set", "batteries[id=bat_c].launchers=2")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "--set: batteries[id=bat_c].launchers: no entry of batteries has id=bat_c; did you mean" in res.stderr
    res = amdsim("run", DATA / "small.yaml", "--out", out, "--unset", "aew[id=aew].orbit.radus_m")
    assert res.returncode == 2 and "--unset" in res.stderr and "did you mean 'radius_m'" in res.stderr
    assert not out.exists()
    res = amdsim("sweep", DATA / "small.yaml", "--out", tmp_path / "sw")
    assert res.returncode == 2 and "--variants" in res.stderr
    bad = tmp_path / "v.yaml"
    bad.write_text("variants:\n  - name: a\n    set: {link.latency_s: 1}\n  - name: b\n    unset: ['aew[id=awe]']\n")
    res = amdsim("sweep", DATA / "small.yaml", "--variants", bad, "--out", tmp_path / "sw")
    assert res.returncode == 2 and "no entry of aew has id=awe; did you mean 'aew'" in res.stderr
    assert "v.yaml: variant 'b': unset aew[id=awe]" in res.stderr          # said of the file, not of --unset
    assert not (tmp_path / "sw").exists()


def test_stats_and_query_show_variant_names(tmp_path):
    names = ["baseline", "aew[id=aew_avalon] removed, link.latency_s=5"]
    for v in range(2):
        for k in range(3):
            d = tmp_path / f"variant_{v:02d}" / f"rep_{k:05d}"
            d.mkdir(parents=True)
            d.joinpath("summary.json").write_text(json.dumps({"run": {"replication": k, "complete": True},
                                                              "leakers": k + v, "zero_leakers": k + v == 0}))
    tmp_path.joinpath("sweep.json").write_text(json.dumps({"baseline": names[0], "variants": [
        {"name": n, "folder": f"variant_{i:02d}", "overrides": {}} for i, n in enumerate(names)]}))
    res = amdsim("stats", tmp_path)
    assert res.returncode == 0, res.stderr
    assert "aew[id=aew_avalon]" in res.stdout and "variant_01" not in res.stdout
    st = json.loads((tmp_path / "stats.json").read_text())
    assert st["baseline"] == "baseline" and list(st["variants"]) == names
    assert st["variants"][names[1]]["folder"] == "variant_01"
    res = amdsim("query", tmp_path, "SELECT variant, avg(leakers) AS m FROM summary GROUP BY variant, variant_index "
                                    "ORDER BY variant_index")
    assert res.returncode == 0 and "aew[id=aew_avalon]" in res.stdout and "variant_01" not in res.stdout
