"""Coverage helper: best detection probability over a latitude/longitude grid, plain arrays in."""

from __future__ import annotations

import numpy as np

from amdsim.core.geodesy import FOUR_THIRDS, geodetic2ecef
from amdsim.sensors.evaluate import RadarParams, evaluate_pairs
from amdsim.sensors.terrain import terrain_masked


def pd_grid(radar_lat, radar_lon, radar_alt, params: RadarParams, lat_grid, lon_grid, target_alt_m, rcs,
            k=FOUR_THIRDS, dem=None, chunk=20_000):
    """Maximum single-scan Pd over S radars at every grid point, for a target at a fixed altitude.

    Parameters
    ----------
    radar_lat, radar_lon : array_like, shape (S,)
        Radar positions (rad).
    radar_alt : array_like, shape (S,)
        Antenna heights above the ellipsoid (m) (site elevation plus mast, or flight altitude).
    params : RadarParams
        The S radars' parameters.
    lat_grid, lon_grid : array_like
        Grid latitudes and longitudes (rad), broadcast together (e.g. from ``np.meshgrid``).
    target_alt_m : float
        Target height above the ellipsoid (m); with a DEM, above the terrain under it.
    rcs : float
        Target RCS (m^2).
    k : float
        Effective-earth-radius factor.
    dem : amdsim.sensors.terrain.Dem, optional
        Terrain for masking (and for raising the target above the ground).
    chunk : int
        Grid points per compiled pass (bounds memory to S x chunk).

    Returns
    -------
    ndarray
        Max Pd over the radars, shape of the broadcast grid; 0 where no radar sees the point.
    """
    lat_b, lon_b = np.broadcast_arrays(np.asarray(lat_grid, float), np.asarray(lon_grid, float))
    lat_f, lon_f = lat_b.ravel(), lon_b.ravel()
    alt = np.full(lat_f.shape, float(target_alt_m))
    if dem is not None:
        alt = alt + dem.height(lat_f, lon_f)
    rpos = np.atleast_2d(geodetic2ecef(np.asarray(radar_lat, float), np.asarray(radar_lon, float),
                                       np.asarray(radar_alt, float)))
    best = np.zeros(lat_f.size)
    for lo in range(0, lat_f.size, chunk):
        sl = slice(lo, lo + chunk)
        tpos = geodetic2ecef(lat_f[sl], lon_f[sl], alt[sl])
        ev = evaluate_pairs(rpos, tpos, rcs, params, k=k, target_alt=alt[sl])
        pd = ev.pd
        if dem is not None:

            pd = np.where(terrain_masked(dem, rpos, tpos, k, pairs=ev.visible), 0.0, pd)
        best[sl] = pd.max(axis=0)
    return best.reshape(lat_b.shape)
