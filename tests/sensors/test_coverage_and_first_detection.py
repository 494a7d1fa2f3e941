"""Sensors in the engine: the low-altitude gap, and the coverage tool that shows it."""

import json
import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq

from amdsim.core.geodesy import EARTH_MEAN_RADIUS
from amdsim.scenario import demo_path


def test_coverage_tool_writes_png_and_geojson_and_shows_the_low_altitude_gap(tmp_path):
    areas = {}
    for alt in (30, 3000):
        out = tmp_path / f"a{alt}"
        res = subprocess.run([sys.executable, "-m", "amdsim", "coverage", str(demo_path()), "--altitude", str(alt),
                              "--out", str(out), "--resolution", "80"], capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, res.stderr
        assert (out / "coverage.png").stat().st_size > 10_000
        gj = json.loads((out / "coverage.geojson").read_text())
        assert gj["type"] == "FeatureCollection" and gj["features"]
        assert {f["properties"]["force"] for f in gj["features"]} == {"avalon", "borealis"}
        areas[alt] = {line.split(":")[0]: float(line.split(":")[1].split("km")[0].replace(",", ""))
                      for line in res.stdout.splitlines() if "km²" in line}
    # the AEW orbit fills much of Avalon's gap; Borealis, with surface radars only, loses most of it
    assert areas[3000]["avalon"] > 1.2 * areas[30]["avalon"]
    assert areas[3000]["borealis"] > 2 * areas[30]["borealis"]


def test_ground_radar_sees_sea_skimmers_only_inside_its_horizon(small_run):
    # first detections by the ground radar (25 m mast on a 40 m site) of 30 m cruise missiles must
    # lie inside the 4/3-earth horizon sqrt(2kR h1) + sqrt(2kR h2) (Skolnik 2001, eq. 8.39)
    ev = pq.read_table(small_run / "events.parquet").to_pylist()
    movers = {m["mover_id"]: m for m in pq.read_table(small_run / "movers.parquet").to_pylist()}
    ke = 4 / 3 * EARTH_MEAN_RADIUS
    horizon = np.sqrt(2 * ke * 65.0) + np.sqrt(2 * ke * 30.0)
    ground = [e for e in ev if e["kind"] == "detection" and movers[e["actor_id"]]["kind"] == "radar_site"
              and movers[e["target_id"]]["kind"] == "cruise_missile"]
    airborne = [e for e in ev if e["kind"] == "detection" and movers[e["actor_id"]]["kind"] == "aew"
                and movers[e["target_id"]]["kind"] == "cruise_missile"]
    assert all(e["value"] <= horizon * 1.01 for e in ground)
    assert airborne and max(e["value"] for e in airborne) > horizon
