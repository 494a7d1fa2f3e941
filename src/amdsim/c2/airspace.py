"""Airspace control: fighter, missile and joint engagement zones with a weapon control status per zone
and time (``airspace_zones:``), deconflicting fighters and surface-to-air batteries.

A track is in a zone when its position is inside the zone's polygon (even-odd rule) and between its
floor and ceiling. Who may engage it there (JP 3-52, Joint Airspace Control, 2017; JP 3-01):

================  ==================  =================
track is in       batteries may       fighters may
================  ==================  =================
a mez             yes                 no
a fez             no                  yes
a jez             yes                 yes
no zone           yes                 yes
================  ==================  =================

A track in several zones may be engaged by a shooter if any of them admits its type. The weapon
control status that applies to the pair is the stricter of the shooter's own (doctrine) and the
strictest status of the admitting zones the track is in at that time (free < tight < hold). The zone
is judged at the track's position, not at the predicted intercept point: C2 orders a shot only on a
track that is in airspace the shooter owns now.
"""

from __future__ import annotations

import numpy as np

from amdsim.world.identity import WCS_FREE, ContestedTable


def in_polygon(lat: np.ndarray, lon: np.ndarray, poly_lat: np.ndarray, poly_lon: np.ndarray) -> np.ndarray:
    """(M,) bool: points (rad) inside the polygon (rad, V vertices), by the even-odd ray-casting rule in
    the (lon, lat) plane (fine for polygons of a few hundred km away from the poles and the date line)."""
    x, y = lon[:, None], lat[:, None]
    x1, y1 = poly_lon[None, :], poly_lat[None, :]
    x2 = np.concatenate([poly_lon[1:], poly_lon[:1]])[None, :]
    y2 = np.concatenate([poly_lat[1:], poly_lat[:1]])[None, :]
    crosses = (y1 > y) != (y2 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
    inside: np.ndarray = (np.count_nonzero(crosses & (x < xi), axis=1) % 2) == 1
    return inside


def zone_wcs_at(tab: ContestedTable, t: float) -> np.ndarray:
    """(Z,) int8: each zone's weapon control status at ``t`` (s)."""
    out = np.zeros(len(tab.zone_name), np.int8)
    for z, (times, codes) in enumerate(zip(tab.zone_wcs_time, tab.zone_wcs, strict=True)):
        out[z] = codes[np.searchsorted(times, t + 1e-9, side="right") - 1]
    return out


def zones_of(tab: ContestedTable, lat: np.ndarray, lon: np.ndarray, alt: np.ndarray) -> np.ndarray:
    """(M,Z) bool: track m (rad, rad, m) is inside zone z."""
    inside = np.zeros((lat.size, len(tab.zone_name)), bool)
    for z, (off, cnt) in enumerate(zip(tab.zone_offset.tolist(), tab.zone_count.tolist(), strict=True)):
        inside[:, z] = (in_polygon(lat, lon, tab.zone_lat[off:off + cnt], tab.zone_lon[off:off + cnt])
                        & (alt >= tab.zone_min_alt[z]) & (alt <= tab.zone_max_alt[z]))
    return inside


def airspace_rules(tab: ContestedTable, is_fighter: np.ndarray, own_wcs: np.ndarray, lat: np.ndarray,
                   lon: np.ndarray, alt: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
    """``(zone_ok, wcs)``, (K,M) each: shooter k (``is_fighter`` (K,), ``own_wcs`` (K,) int8) may engage
    track m by the airspace control order, and the weapon control status of the pair (module docstring)."""
    k, m = is_fighter.size, lat.size
    wcs = np.broadcast_to(own_wcs[:, None], (k, m)).astype(np.int8)
    if not tab.zone_name or m == 0:
        return np.ones((k, m), bool), wcs
    inside = zones_of(tab, lat, lon, alt)                                        # (M,Z)
    admits = np.where(is_fighter[:, None], tab.zone_fighters[None, :], tab.zone_batteries[None, :])  # (K,Z)
    in_admitting = inside[None, :, :] & admits[:, None, :]                         # (K,M,Z)
    in_any: np.ndarray = np.asarray(inside.any(axis=1))[None, :]
    ok = ~in_any | in_admitting.any(axis=2)
    status = zone_wcs_at(tab, t)
    zone_wcs = np.where(in_admitting, status[None, None, :], WCS_FREE).max(axis=2, initial=WCS_FREE)
    return ok, np.maximum(wcs, zone_wcs).astype(np.int8)
