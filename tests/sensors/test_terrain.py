"""DEM loading, bilinear heights and terrain masking behind a generated ridge."""

from __future__ import annotations

import numpy as np
import pytest

from amdsim.core.errors import InputError
from amdsim.core.geodesy import geodetic2ecef
from amdsim.sensors import Dem, line_of_sight_clear, terrain_masked, write_ridge_dem


@pytest.fixture(scope="module")
def ridge(tmp_path_factory):
    path = tmp_path_factory.mktemp("dem") / "ridge.tif"
    write_ridge_dem(path, 34.0, 36.0, 34.0, 36.0, ridge_lon_deg=35.0, ridge_height_m=1000.0)
    return Dem.from_geotiff(path)


def test_ridge_heights_bilinear(ridge):
    lat = np.radians([35.0, 35.0, 35.0, 35.0, 37.0])
    lon = np.radians([35.0, 35.02, 35.0025, 34.5, 35.0])
    h = ridge.height(lat, lon)
    assert h[0] == pytest.approx(1000.0, rel=1e-6)                 # on a post at the crest
    assert h[1] == pytest.approx(1000.0 * np.exp(-0.5), rel=1e-6)  # one half-width out, on a post
    # Between posts the value is the mean of its neighbours (bilinear), not the Gaussian itself.
    neighbours = 1000.0 * (1.0 + np.exp(-0.5 * 0.25 ** 2)) / 2
    assert h[2] == pytest.approx(neighbours, rel=1e-6)
    assert h[3] == pytest.approx(0.0, abs=1e-3)                    # flat far from the ridge
    assert h[4] == 0.0                                             # outside the DEM: sea level


def test_target_behind_ridge_masked_above_ridge_line_not(ridge):
    # Radar 20 m up, 0.5 deg west of a 1000 m ridge; targets 0.3 deg east of it.
    radar = geodetic2ecef(np.radians(35.0), np.radians(34.5), 20.0)[None]
    lat = np.radians([35.0, 35.0, 35.0])
    lon = np.radians([35.3, 35.3, 34.8])
    # Ray over the crest at 45.6 km of 73 km: h_ray = 20 + (h_t - 20) 0.625 - bulge(~92 m).
    alts = np.array([500.0, 2000.0, 100.0])
    targets = geodetic2ecef(lat, lon, alts)
    masked = terrain_masked(ridge, radar, targets)
    assert masked.tolist() == [[True, False, False]]
    # Without terrain the 500 m target is above the smooth-earth horizon: the DEM is what hides it.
    assert line_of_sight_clear(radar, targets).clear[0, 0]
    # Only the pairs asked for are tested.
    assert not terrain_masked(ridge, radar, targets, pairs=np.zeros((1, 3), bool)).any()


def test_dem_errors_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        Dem.from_geotiff(tmp_path / "missing.tif")
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        Dem.from_geotiff(empty)
    corrupt = tmp_path / "corrupt.tif"
    corrupt.write_bytes(b"II*\x00" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match="GeoTIFF"):
        Dem.from_geotiff(corrupt)
    tiny = tmp_path / "tiny.tif"
    write_ridge_dem(tiny, 35.0, 35.0, 35.0, 35.0, 35.0, 10.0)  # a single post
    with pytest.raises(InputError, match="2x2"):
        Dem.from_geotiff(tiny)


def test_projected_dem_rejected(tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    path = tmp_path / "utm.tif"
    with rasterio.open(path, "w", driver="GTiff", height=4, width=4, count=1, dtype="float32",
                       crs="EPSG:32636", transform=from_origin(500000, 4000000, 30, 30)) as dst:
        dst.write(np.zeros((4, 4), np.float32), 1)
    with pytest.raises(InputError, match="projected"):
        Dem.from_geotiff(path)


def test_pd_grid_shadow_behind_ridge(ridge):
    from amdsim.sensors import RadarParams, pd_grid

    radar = RadarParams(ref_range=300e3, ref_rcs=1.0, ref_snr_db=13.0, swerling=1, el_min=-0.1, el_max=1.0)
    lat = np.radians(np.full(3, 35.0))
    lon = np.radians([34.8, 35.2, 35.4])      # 27 km (in front of the ridge), 64 km and 82 km (behind)
    args = ([np.radians(35.0)], [np.radians(34.5)], [20.0], radar, lat, lon, 300.0, 1.0)
    open_sea = pd_grid(*args)
    shadowed = pd_grid(*args, dem=ridge)
    assert np.all(open_sea > 0.5)
    assert shadowed[0] == pytest.approx(open_sea[0]) and shadowed[1] == 0.0 and shadowed[2] == 0.0
