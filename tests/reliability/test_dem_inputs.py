"""DEM files at the input edge and fixed sites on the terrain (issue 17).

Before: a sparse 60000 x 60000 GeoTIFF (a few hundred kB) drove ``amdsim validate`` out of memory
(15 GB; exit 1), heights of 1e30 passed validation and stopped the run (exit 3), and fixed sites stood
at ``alt_m`` above the ellipsoid while routes flew above the terrain: a radar on a 2,000 m peak saw
nothing, and cruise missiles reached an asset on that peak 2,000 m above it, counted as ground impacts.
"""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from amdsim.core.errors import InputError
from amdsim.core.terrain import MAX_DEM_POSTS, Dem, write_ridge_dem
from amdsim.scenario.compile.terrain import site_terrain_warnings
from amdsim.scenario.load import scenario_from_dict
from tests.reliability.extreme import extreme_scenario
from tests.reliability.oracle import load_dict


def _tif(path, data, *, crs="EPSG:4326", transform=None, **kw):
    h, w = data.shape if data is not None else kw.pop("shape")
    with rasterio.open(path, "w", driver="GTiff", height=h, width=w, count=1, dtype="float32", crs=crs,
                       transform=transform or from_origin(10.0, 50.0, 0.01, 0.01), **kw) as dst:
        if data is not None:
            dst.write(data.astype(np.float32), 1)
    return path


DEM_CASES = [
    ("sparse-60000", lambda p: _tif(p, None, shape=(60_000, 60_000), tiled=True, compress="deflate", sparse_ok=True),
     "shape", f"at most {MAX_DEM_POSTS:,}"),
    ("heights-1e30", lambda p: _tif(p, np.where(np.eye(20) > 0, 1e30, 100.0)), "heights", "outside"),
    ("heights-inf", lambda p: _tif(p, np.where(np.eye(20) > 0, np.inf, 100.0)), "heights", "outside"),
    ("heights-below-ocean-floor", lambda p: _tif(p, np.full((20, 20), -20_000.0)), "heights", "outside"),
    ("projected-utm", lambda p: _tif(p, np.zeros((20, 20)), crs="EPSG:32633",
                                     transform=from_origin(500_000.0, 5_500_000.0, 30.0, 30.0)), "crs", "projected"),
    ("no-crs-metres", lambda p: _tif(p, np.zeros((20, 20)), crs=None,
                                     transform=from_origin(500_000.0, 5_500_000.0, 30.0, 30.0)), "crs", "not latitude"),
    ("one-post", lambda p: _tif(p, np.zeros((1, 1))), "shape", "at least 2x2"),
]


@pytest.mark.parametrize(("make", "field", "words"), [c[1:] for c in DEM_CASES], ids=[c[0] for c in DEM_CASES])
def test_bad_dems_are_refused_from_their_header_or_values(tmp_path, make, field, words):
    path = make(tmp_path / "dem.tif")
    with pytest.raises(InputError) as exc:
        Dem.from_geotiff(path)
    (p,) = exc.value.problems
    assert p.path == field and words in p.message


def test_a_sparse_giant_raster_is_refused_before_reading(tmp_path):
    """From the header: the refusal allocates nothing like the raster (3.6e9 posts, 14 GB as float32)."""
    import tracemalloc

    path = DEM_CASES[0][1](tmp_path / "big.tif")
    tracemalloc.start()
    with pytest.raises(InputError):
        Dem.from_geotiff(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50e6


def test_heights_are_kept_as_float32_and_undeclared_nan_is_sea_level(tmp_path):
    data = np.full((10, 10), 250.0)
    data[3, 3] = np.nan
    dem = Dem.from_geotiff(_tif(tmp_path / "d.tif", data))
    assert dem.heights.dtype == np.float32 and dem.heights[3, 3] == 0.0 and dem.heights[0, 0] == 250.0


# ------------------------------------------------------------------------------- sites on the terrain
LAT, LON = 36.0, 127.0


@pytest.fixture(scope="module")
def peak_dem(tmp_path_factory):
    """A 2,000 m ridge along the centre's meridian, 0.1 deg half-width (Gaussian)."""
    return str(write_ridge_dem(tmp_path_factory.mktemp("dem") / "peak.tif", LAT - 2, LAT + 2, LON - 2, LON + 2, LON,
                               2000.0, ridge_halfwidth_deg=0.1, post_deg=0.01))


def test_fixed_sites_stand_alt_m_above_the_terrain(peak_dem):
    raw = extreme_scenario(LAT, LON, dem_path=peak_dem, site_alt_m=20.0)
    cs = load_dict(raw, "peak.yaml")
    from amdsim.core.geodesy import ecef2geodetic

    dem = Dem.from_geotiff(peak_dem)
    for name in ("base", "radar", "bat", "post", "field"):
        row = cs.movers.name.index(name)
        lat, lon, alt = ecef2geodetic(cs.movers.pos0[row])
        assert alt == pytest.approx(float(dem.height(lat, lon)) + 20.0, abs=0.01), name
    # without a DEM: alt_m above the ellipsoid, as before
    cs0 = load_dict(extreme_scenario(LAT, LON, site_alt_m=20.0), "flat.yaml")
    base = cs0.movers.name.index("base")
    assert ecef2geodetic(cs0.movers.pos0[base])[2] == pytest.approx(20.0, abs=0.01)


def test_a_radar_on_the_peak_sees_and_missiles_hit_the_asset_on_the_peak(peak_dem, tmp_path):
    """The radar at alt_m 20 on the 2,000 m ridge detects; the cruise missiles that reach the asset on the
    ridge hit it (impact target = the asset): none is a silent ground impact 2 km above it."""
    import pandas as pd

    from amdsim.engine.run import run_replication

    raw = extreme_scenario(LAT, LON, dem_path=peak_dem, site_alt_m=20.0, duration_s=330.0)
    for kind in ("fighters", "aew", "aircraft", "ballistic_missiles", "platforms", "batteries", "air_bases"):
        raw.pop(kind)
    raw["launch_sites"] = raw["launch_sites"][:1]
    cs = load_dict(raw, "peak.yaml")
    run_replication(cs, 0, tmp_path / "run")
    det = pd.read_parquet(tmp_path / "run" / "detections.parquet")
    radar = int(np.flatnonzero(cs.sensors.host == cs.movers.name.index("radar"))[0])
    assert (det["sensor_id"] == radar).sum() > 10
    ev = pd.read_parquet(tmp_path / "run" / "events.parquet")
    impacts = ev[ev["kind"] == "impact"]
    assert len(impacts) == 2 and (impacts["target_id"] == cs.movers.name.index("base")).all()


def test_sites_below_or_doubled_on_the_terrain_are_warned(peak_dem):
    raw = extreme_scenario(LAT, LON, dem_path=peak_dem, site_alt_m=20.0)
    raw["radars"][0]["position"]["alt_m"] = -30.0          # below the ground
    raw["batteries"][0]["position"]["alt_m"] = 1990.0      # the old reading: the ridge's elevation
    sc = scenario_from_dict(raw, file="peak.yaml")
    found = {p.path: p.message for p in site_terrain_warnings(sc, Dem.from_geotiff(peak_dem), "peak.yaml")}
    assert set(found) == {"radars[0].position.alt_m", "batteries[0].position.alt_m"}
    assert "below the terrain" in found["radars[0].position.alt_m"]
    assert "close to the terrain's elevation" in found["batteries[0].position.alt_m"]


@pytest.fixture(scope="module")
def polar_dem(tmp_path_factory):
    """A 1,500 m ridge on the antimeridian from 88 N to the pole, every longitude covered."""
    return str(write_ridge_dem(tmp_path_factory.mktemp("dem") / "polar.tif", 88.0, 90.0, -180.0, 180.0, 180.0,
                               1500.0, ridge_halfwidth_deg=20.0, post_deg=0.05))


@pytest.mark.parametrize("site_alt", [-30.0, 0.0, 20.0], ids=["under", "on", "above"])
@pytest.mark.parametrize("where", ["ridge", "pole"])
def test_scenarios_with_sites_on_and_under_the_terrain_run_to_the_end(peak_dem, polar_dem, where, site_alt):
    """Every mover kind with its sites under (alt_m < 0: warned), on and above a DEM, at mid latitude and at
    the North Pole on the antimeridian: valid, and it runs without any mover jumping."""
    from tests.reliability.test_extreme_geometry import fly

    lat, lon, dem = (LAT, LON, peak_dem) if where == "ridge" else (90.0, 180.0, polar_dem)
    r = fly(extreme_scenario(lat, lon, dem_path=dem, site_alt_m=site_alt, duration_s=30.0))
    assert r.world.t == pytest.approx(30.0)


def test_a_grid_across_the_antimeridian_answers_for_both_signs_of_longitude(tmp_path):
    """A 0..360 style grid from 170 E to 190 E (= 170 W): a query at -175 deg reads the post at 185 deg."""
    data = np.tile(np.linspace(0.0, 2000.0, 21), (11, 1))      # height grows eastward, 100 m per degree
    dem = Dem.from_geotiff(_tif(tmp_path / "am.tif", data, transform=from_origin(169.5, 5.5, 1.0, 1.0)))
    deg = np.pi / 180
    assert float(dem.height(0.0, -175.0 * deg)) == pytest.approx(1500.0, abs=1e-3)
    assert float(dem.height(0.0, 185.0 * deg)) == pytest.approx(1500.0, abs=1e-3)
    assert float(dem.height(0.0, 175.0 * deg)) == pytest.approx(500.0, abs=1e-3)
