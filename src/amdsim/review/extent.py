"""The map extent of a run: the smallest longitude arc holding every point, so a run that crosses the
antimeridian (180 deg) is drawn across it, not across the world.

Longitudes are unwrapped about the arc's centre into ``[centre - 180, centre + 180)``; a map drawn in
those longitudes (matplotlib, Leaflet) then shows a crossing as the short way round. The viewer's page
(``viewer/static/app.js``, ``lonCenter``) applies the same rule to the tables it loads.
"""

from __future__ import annotations

import numpy as np


def lon_center_deg(lon_deg) -> float:
    """Centre (deg, in [-180, 180)) of the smallest arc of longitude that holds every finite ``lon_deg``.

    The arc is the circle less its largest empty gap between neighbouring longitudes; 0 for no points.
    """
    lon = np.asarray(lon_deg, float).ravel()
    lon = np.unique(np.mod(lon[np.isfinite(lon)], 360.0))
    if lon.size == 0:
        return 0.0
    gaps = np.diff(np.append(lon, lon[0] + 360.0))        # gap after each longitude, going east
    k = int(np.argmax(gaps))
    start = lon[(k + 1) % lon.size]                         # the arc starts east of the largest gap
    span = 360.0 - gaps[k]
    return float(np.mod(start + span / 2 + 180.0, 360.0) - 180.0)


def unwrap_lon_deg(lon_deg, center_deg: float) -> np.ndarray:
    """``lon_deg`` shifted by whole turns into ``[center_deg - 180, center_deg + 180)`` (deg)."""
    lon = np.asarray(lon_deg, float)
    return lon - 360.0 * np.floor((lon - center_deg + 180.0) / 360.0)


def map_extent(lat_deg, lon_deg, pad_deg: float = 0.5) -> tuple[float, float, float, float, float]:
    """``(lon0, lat0, lon1, lat1, center)`` in degrees: the padded box of the points with longitudes
    unwrapped about ``center`` (so ``lon1 - lon0`` is at most 360 + 2 pad, and small for a run that
    crosses the antimeridian)."""
    lat = np.asarray(lat_deg, float)
    c = lon_center_deg(lon_deg)
    lon = unwrap_lon_deg(lon_deg, c)
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        return (-180.0, -90.0, 180.0, 90.0, 0.0)
    return (float(lon[ok].min() - pad_deg), float(max(lat[ok].min() - pad_deg, -90.0)),
            float(lon[ok].max() + pad_deg), float(min(lat[ok].max() + pad_deg, 90.0)), c)


__all__ = ["lon_center_deg", "map_extent", "unwrap_lon_deg"]
