"""Valid scenarios with extreme geometry: every mover kind around one centre point, which may be a pole
or on the antimeridian, with zero-length legs and sites on (or under) the terrain.

The builder places everything by great-circle offsets from the centre (``core.geodesy.destination``),
so a scenario at latitude 90 deg is as compact as one at the equator: a defended asset at the centre,
a radar, a battery and a ground platform beside it, an AEW orbit and a fighter orbit centred on it
(the fighters fly from an air base), a ship sailing across it, cruise missiles and a hostile aircraft
flying over it, a ballistic missile aimed at it.
"""

from __future__ import annotations

import numpy as np

from amdsim.core.geodesy import destination

DEG = np.pi / 180.0


def offset(lat_deg: float, lon_deg: float, bearing_deg: float, dist_m: float) -> dict:
    """A YAML position ``dist_m`` from (lat, lon) on ``bearing_deg``, in degrees rounded to 1e-9 deg."""
    la, lo, _ = destination(lat_deg * DEG, lon_deg * DEG, bearing_deg * DEG, dist_m)
    lat = float(np.clip(round(float(la) / DEG, 9), -90.0, 90.0))
    lon = round(float(lo) / DEG, 9)
    return {"lat_deg": lat, "lon_deg": 180.0 if lon > 180.0 else max(lon, -180.0)}


def extreme_scenario(lat: float, lon: float, *, zero_legs: bool = False, site_alt_m: float = 20.0,
                     dem_path: str | None = None, duration_s: float = 120.0, spin_deg: float = 0.0) -> dict:
    """A scenario dict with every mover kind around (lat, lon) deg; ``spin_deg`` turns the layout."""

    def at(brg, dist, alt=None):
        p = offset(lat, lon, brg + spin_deg, dist)
        if alt is not None:
            p["alt_m"] = alt
        return p

    centre = at(0.0, 0.0, site_alt_m)
    ship_start = at(270.0, 15_000.0, 0.0)
    cm_start = at(90.0, 60_000.0, 0.0)
    cm_wps = [at(45.0, 30_000.0)]
    if zero_legs:           # a waypoint on the launch point and a repeated one: legs of zero length
        cm_wps = [dict(cm_start, alt_m=30.0), at(45.0, 30_000.0), at(45.0, 30_000.0)]
    ac_route = [at(180.0, 20_000.0), at(0.0, 0.0), at(0.0, 40_000.0)]
    if zero_legs:
        ac_route = [at(180.0, 20_000.0), at(180.0, 20_000.0), at(0.0, 0.0), at(0.0, 40_000.0)]
    sc: dict = {
        "name": f"extreme geometry at {lat}, {lon}",
        "start_utc": "2030-01-01T00:00:00Z",
        "duration_s": duration_s,
        "step_s": 1.0,
        "seed": 3,
        "output_rate_s": 5.0,
        "forces": [{"id": "blue", "side": "blue", "nation": "Avalon"}, {"id": "red", "side": "red", "nation": "Opfor"}],
        "assets": [{"id": "base", "force": "blue", "position": centre, "value": 10, "radius_m": 1500}],
        "launch_sites": [{"id": "sea", "force": "red", "position": cm_start},
                         {"id": "tel", "force": "red", "position": at(200.0, 150_000.0, 0.0)}],
        "cruise_missiles": [{"id": "cm", "force": "red", "site": "sea", "salvo": {"count": 2, "start_s": 5,
                                                                                  "interval_s": 5},
                             "speed_mps": 250, "cruise_alt_m": 30, "waypoints": cm_wps, "target": "base",
                             "terminal": {"kind": "popup", "start_range_m": 6000, "alt_m": 300}}],
        "ballistic_missiles": [{"id": "srbm", "force": "red", "site": "tel", "launch_times_s": [10], "aim": "base"}],
        "aircraft": [{"id": "raider", "force": "red", "launch_times_s": [0],
                      "launch_position": at(180.0, 40_000.0, 3000.0),
                      "route": {"speed_mps": 200, "alt_m": 3000, "waypoints": ac_route}}],
        "radars": [{"id": "radar", "force": "blue", "position": at(90.0, 2000.0, site_alt_m), "mast_height_m": 20,
                    "radar": {"ref_range_m": 200000, "max_range_m": 300000, "revisit_s": 2}}],
        "aew": [{"id": "aew", "force": "blue",
                 "orbit": {"center": at(0.0, 0.0), "radius_m": 20000, "speed_mps": 150, "alt_m": 9000}}],
        "air_bases": [{"id": "field", "force": "blue", "position": at(135.0, 10_000.0, site_alt_m),
                       "turnaround_s": 300}],
        "fighters": [{"id": "cap", "force": "blue", "count": 2, "base": "field", "sorties": 1, "takeoff_s": 0,
                      "orbit": {"center": at(0.0, 0.0), "radius_m": 20000, "speed_mps": 220, "alt_m": 6000},
                      "missiles": 2, "interceptor": "aam"},
                     {"id": "cap_on_station", "force": "blue", "count": 1,
                      "orbit": {"center": at(0.0, 0.0), "radius_m": 25000, "speed_mps": 220, "alt_m": 7000},
                      "missiles": 2, "interceptor": "aam"}],
        "interceptor_types": [
            {"id": "sam", "max_range_m": 80000, "max_tof_s": 90, "lethal_radius_m": 10, "pk_max": 0.85,
             "reaction_time_s": 4},
            {"id": "aam", "boost_accel_mps2": 250, "boost_time_s": 4, "launch_speed_mps": 250, "max_accel_mps2": 350,
             "max_tof_s": 60, "min_range_m": 1500, "max_range_m": 50000, "lethal_radius_m": 8, "pk_max": 0.8,
             "reaction_time_s": 2}],
        "batteries": [{"id": "bat", "force": "blue", "position": at(300.0, 1500.0, site_alt_m), "launchers": 2,
                       "interceptors_per_launcher": 4, "interceptor": "sam"}],
        "platforms": [
            {"id": "ship", "force": "blue", "kind": "ship", "position": ship_start,
             "route": {"speed_mps": 12, "alt_m": 0, "waypoints": [at(90.0, 15_000.0)]},
             "radars": [{"id": "ship_radar", "mast_height_m": 30,
                         "radar": {"ref_range_m": 150000, "max_range_m": 200000, "revisit_s": 2}}]},
            {"id": "post", "force": "blue", "kind": "ground", "position": at(20.0, 3000.0, site_alt_m),
             "radars": [{"id": "post_radar", "mast_height_m": 10,
                         "radar": {"ref_range_m": 100000, "max_range_m": 150000, "revisit_s": 2}}]}],
        "link": {"latency_s": 2.0, "update_s": 2.0},
    }
    if dem_path is not None:
        sc["earth"] = {"dem_path": dem_path}
    return sc
