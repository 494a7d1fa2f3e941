"""Plausibility warnings: a scenario that validates but is probably not what its author meant.

The schema (``models.py``) and the cross references (``references.py``) refuse what cannot be
simulated. What can be simulated but makes little sense gets a *warning* here, as a
:class:`~amdsim.core.errors.Problem` (file, field path, what was found and what was expected):
``amdsim validate``, ``run``, ``run -n`` (batches) and ``sweep`` print them in yellow on stderr and
go on; with ``--strict`` they are errors (exit status 2, every one listed).

Rules (each is a function below; thresholds are module constants with their reasons):

* coordinates that look like radians: every latitude and longitude of the file within +-pi/2 and
  +-pi, the whole scenario (read in degrees) spanning under ``RADIANS_MAX_EXTENT`` and every
  threat path under ``RADIANS_MAX_PATH_M``: read as radians the same numbers make a theatre of
  normal size. Each condition alone is met by real scenarios (near 0 N 0 E; a small exercise area),
  the three together by a converted file only;
* a cruise missile route longer than ``MAX_CRUISE_ROUTE_M``, or too long for the first missile of
  its group to reach its target before the end of the scenario (speed x the time left);
* a threat launched after the end of the scenario; an AEW that comes on station after the end;
* a defended asset outside every blue sensor's coverage: farther than each sensor's instrumented
  range or beyond its radar horizon for a target at the asset's height (or outside its sector);
* a battery with no radar of its own whose force has no sensor and gets no ally's picture over a
  link (no allied force with a sensor, or every such link drops every report): it can never fire;
* fighters (and an AEW flying from a base) whose orbit is beyond their endurance: the time left on
  station (``endurance_s``, less the transit from the base and back for fighters) is shorter than
  one lap of the orbit.

The checks read the validated :class:`~amdsim.scenario.models.Scenario` only (no compilation),
and every point of the file is found by walking the model, so new kinds of entities with a
position are covered by the radians rule without a change here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from amdsim.core.errors import InputError, Problem
from amdsim.core.geodesy import EARTH_MEAN_RADIUS
from amdsim.scenario.models import Aew, Fighters, RadarSpec, Scenario

#: Largest extent (degrees as written, bounding-box diagonal) of a file whose coordinates the radians
#: rule suspects: 0.2 read as radians is 11.5 deg (~1,300 km, a large theatre), read as degrees
#: ~22 km (a very small exercise area). Notional choice.
RADIANS_MAX_EXTENT = 0.2
#: ... and longest threat path (m, read in degrees) it still suspects: 25 km read in degrees is
#: ~1,430 km read as radians. Real raids fly farther than 25 km (notional choice).
RADIANS_MAX_PATH_M = 25_000.0
#: Longest plausible cruise-missile route (m). Notional: the longest-ranged land-attack cruise
#: missiles in open sources are of the 2,000-3,000 km class; a route beyond this is most likely a
#: waypoint with a wrong sign or a unit slip.
MAX_CRUISE_ROUTE_M = 2_500_000.0
#: Earth radius (m) of the plausibility geometry (great circles, radar horizon).
_R = EARTH_MEAN_RADIUS
_DEG = math.pi / 180.0


@dataclass(frozen=True)
class _Point:
    path: str
    lat_deg: float
    lon_deg: float


@dataclass(frozen=True)
class _Sensor:
    path: str
    force: str
    lat_deg: float
    lon_deg: float
    height_m: float          # antenna height above the surface (m)
    radar: RadarSpec
    orbit_radius_m: float    # 0 for a sensor at a point; an orbiting aircraft is anywhere on its circle
    airborne: bool


def plausibility_warnings(sc: Scenario, file: str) -> list[Problem]:
    """Every plausibility warning of a validated scenario, in rule order, each with its field path."""
    out: list[Problem] = []
    for rule in (_radians, _cruise_routes, _late_launches, _late_aew, _asset_coverage, _blind_batteries,
                 _orbits_beyond_endurance):
        out.extend(Problem(file, path, msg) for path, msg in rule(sc))
    return out


def check_file(path: str | Path, overrides: dict | None = None) -> list[Problem]:
    """Read and validate a scenario file (with dotted-path ``overrides``) and return its warnings.

    Invalid input raises :class:`~amdsim.core.errors.InputError` exactly as loading it does.
    """
    from amdsim.scenario.load import read_scenario_dict, scenario_from_dict

    raw = read_scenario_dict(path)
    if overrides:
        from amdsim.scenario.overrides import apply_overrides

        raw = apply_overrides(raw, overrides, file=str(path))
    from amdsim.scenario.compile.terrain import dem_warnings

    sc = scenario_from_dict(raw, file=str(path))
    return plausibility_warnings(sc, str(path)) + dem_warnings(sc, Path(path).resolve().parent, str(path))


def raise_if_strict(warnings: list[Problem], strict: bool) -> None:
    """With ``strict``, warnings are errors: raise one :class:`InputError` listing them all (exit 2)."""
    if strict and warnings:
        raise InputError([Problem(w.file, w.path, f"{w.message} [a plausibility warning: an error with --strict]")
                          for w in warnings])


# ---------------------------------------------------------------------------------------------
# geometry (spherical earth: these are sanity checks, not the engine's ellipsoid)


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine great-circle distance (m) between points in degrees."""
    p1, p2 = lat1 * _DEG, lat2 * _DEG
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((lon2 - lon1) * _DEG / 2) ** 2
    return 2.0 * _R * math.asin(math.sqrt(min(max(h, 0.0), 1.0)))


def _bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing (deg from north, 0..360) from point 1 to point 2."""
    p1, p2, dl = lat1 * _DEG, lat2 * _DEG, (lon2 - lon1) * _DEG
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def radar_horizon_m(h_radar_m: float, h_target_m: float, k: float) -> float:
    """Radar horizon range (m) over an effective earth of radius k R: sqrt(2 k R h1) + sqrt(2 k R h2).

    Skolnik, *Introduction to Radar Systems*, 3rd ed. (2001), eq. 8.1, at both ends of the path; the
    same formula as :func:`amdsim.sensors.horizon.radar_horizon_range` (which ``scenario`` may not
    import; a test keeps the two equal). Negative heights count as 0.
    """
    a = k * _R
    return math.sqrt(2.0 * a * max(h_radar_m, 0.0)) + math.sqrt(2.0 * a * max(h_target_m, 0.0))


def _path_length_m(points: list[tuple[float, float]]) -> float:
    return sum(_distance_m(a[0], a[1], b[0], b[1]) for a, b in itertools.pairwise(points))


# ---------------------------------------------------------------------------------------------
# what the rules read


def _points(node: object, path: str = "") -> Iterator[_Point]:
    """Every point (a model with ``lat_deg`` and ``lon_deg``) in the scenario, with its field path."""
    if isinstance(node, BaseModel):
        if hasattr(node, "lat_deg") and hasattr(node, "lon_deg"):
            yield _Point(path, float(node.lat_deg), float(node.lon_deg))
            return
        for name in type(node).model_fields:
            yield from _points(getattr(node, name), f"{path}.{name}" if path else name)
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            yield from _points(item, f"{path}[{i}]")


def _launch_point(sc: Scenario, threat) -> tuple[float, float] | None:
    if threat.launch_position is not None:
        return threat.launch_position.lat_deg, threat.launch_position.lon_deg
    for s in sc.launch_sites:
        if s.id == threat.site:
            return s.position.lat_deg, s.position.lon_deg
    return None


def _assets(sc: Scenario) -> list[tuple[str, str, str, float, float, float]]:
    """(path, id, force, lat_deg, lon_deg, alt_m) of every defended asset; a defended platform's entry
    (which validation adds to ``assets``) is named by the platform's own field path."""
    platforms = {p.id: i for i, p in enumerate(getattr(sc, "platforms", None) or [])}
    out = []
    for i, a in enumerate(sc.assets):
        owner = getattr(a, "platform", None)
        path = f"platforms[{platforms[owner]}]" if owner in platforms else f"assets[{i}]"
        out.append((path, a.id, a.force, a.position.lat_deg, a.position.lon_deg, a.position.alt_m))
    return out


def _asset_point(sc: Scenario, asset_id: str) -> tuple[float, float] | None:
    for _, aid, _, lat, lon, _ in _assets(sc):
        if aid == asset_id:
            return lat, lon
    return None


def _sensors(sc: Scenario) -> list[_Sensor]:
    """Every blue sensor: radar sites, battery radars, AEW and fighter radars, platform radars."""
    out: list[_Sensor] = []
    for i, r in enumerate(sc.radars):
        out.append(_Sensor(f"radars[{i}]", r.force, r.position.lat_deg, r.position.lon_deg,
                           r.position.alt_m + r.mast_height_m, r.radar, 0.0, False))
    for i, b in enumerate(sc.batteries):
        if b.radar is not None:
            out.append(_Sensor(f"batteries[{i}].radar", b.force, b.position.lat_deg, b.position.lon_deg,
                               b.position.alt_m + b.mast_height_m, b.radar, 0.0, False))
    for i, a in enumerate(sc.aew):
        o = a.orbit
        out.append(_Sensor(f"aew[{i}]", a.force, o.center.lat_deg, o.center.lon_deg, o.alt_m, a.radar,
                           o.radius_m, True))
    for i, f in enumerate(sc.fighters):
        if f.count > 0:
            o = f.orbit
            out.append(_Sensor(f"fighters[{i}]", f.force, o.center.lat_deg, o.center.lon_deg, o.alt_m, f.radar,
                               o.radius_m, True))
    for i, p in enumerate(getattr(sc, "platforms", None) or []):
        for j, r in enumerate(getattr(p, "radars", None) or []):
            spec = getattr(r, "radar", None)
            if isinstance(spec, RadarSpec):
                out.append(_Sensor(f"platforms[{i}].radars[{j}]", p.force, p.position.lat_deg, p.position.lon_deg,
                                   p.position.alt_m + float(getattr(r, "mast_height_m", 0.0)), spec, 0.0, False))
        for j, b in enumerate(getattr(p, "batteries", None) or []):
            if isinstance(getattr(b, "radar", None), RadarSpec):
                out.append(_Sensor(f"platforms[{i}].batteries[{j}].radar", p.force, p.position.lat_deg,
                                   p.position.lon_deg, p.position.alt_m + b.mast_height_m, b.radar, 0.0, False))
    return out


def _covers(s: _Sensor, lat: float, lon: float, height_m: float, k: float) -> bool:
    """Whether sensor ``s`` can see a target at this point and height (range, horizon, sector)."""
    d = max(_distance_m(s.lat_deg, s.lon_deg, lat, lon) - s.orbit_radius_m, 0.0)
    if d > min(s.radar.max_range_m, radar_horizon_m(s.height_m, height_m, k)):
        return False
    if s.airborne or s.radar.az_width_deg >= 360.0 or d == 0.0:
        return True   # an aircraft turns on its orbit; a sector is relative to a ground sensor's north
    off = (_bearing_deg(s.lat_deg, s.lon_deg, lat, lon) - s.radar.az_center_deg + 180.0) % 360.0 - 180.0
    return abs(off) <= s.radar.az_width_deg / 2.0


def _threat_groups(sc: Scenario) -> list[tuple[str, list]]:
    return [("cruise_missiles", list(sc.cruise_missiles)), ("ballistic_missiles", list(sc.ballistic_missiles)),
            ("aircraft", list(sc.aircraft))]


def _cruise_route(sc: Scenario, cm) -> list[tuple[float, float]] | None:
    start = _launch_point(sc, cm)
    end = _asset_point(sc, cm.target)
    if start is None or end is None:
        return None
    return [start, *((w.lat_deg, w.lon_deg) for w in cm.waypoints), end]


def _threat_paths_m(sc: Scenario) -> list[float]:
    """Ground length (m) of every threat's path: cruise and aircraft routes, ballistic launch to aim."""
    out: list[float] = []
    for cm in sc.cruise_missiles:
        route = _cruise_route(sc, cm)
        if route is not None:
            out.append(_path_length_m(route))
    for bm in sc.ballistic_missiles:
        start = _launch_point(sc, bm)
        aim = (_asset_point(sc, bm.aim) if bm.aim is not None else
               (bm.aim_position.lat_deg, bm.aim_position.lon_deg) if bm.aim_position is not None else None)
        if start is not None and aim is not None:
            out.append(_distance_m(start[0], start[1], aim[0], aim[1]))
    for ac in sc.aircraft:
        start = _launch_point(sc, ac)
        if start is not None:
            out.append(_path_length_m([start, *((w.lat_deg, w.lon_deg) for w in ac.route.waypoints)]))
    return out


# ---------------------------------------------------------------------------------------------
# the rules: each yields (field path, message)


def _radians(sc: Scenario) -> Iterator[tuple[str, str]]:
    pts = list(_points(sc))
    if len(pts) < 2 or not all(abs(p.lat_deg) <= math.pi / 2 and abs(p.lon_deg) <= math.pi for p in pts):
        return
    lats, lons = [p.lat_deg for p in pts], [p.lon_deg for p in pts]
    mean_lat = sum(lats) / len(lats)
    extent = math.hypot(max(lats) - min(lats), (max(lons) - min(lons)) * math.cos(mean_lat * _DEG))
    paths = _threat_paths_m(sc)
    if extent >= RADIANS_MAX_EXTENT or not paths or max(paths) >= RADIANS_MAX_PATH_M:
        return
    first = pts[0]
    yield first.path, (
        f"lat_deg {first.lat_deg:g}, lon_deg {first.lon_deg:g} look like radians: all {len(pts)} points of the file "
        f"lie within +-pi/2 and +-pi, span only {extent * _DEG * _R / 1e3:.1f} km read as degrees, and the longest "
        f"threat path is {max(paths) / 1e3:.1f} km; read as radians they would make a "
        f"{math.degrees(extent):.1f} deg theatre. Expected degrees (lat_deg {math.degrees(first.lat_deg):.4g}, "
        f"lon_deg {math.degrees(first.lon_deg):.4g} if these are radians)")


def _cruise_routes(sc: Scenario) -> Iterator[tuple[str, str]]:
    for i, cm in enumerate(sc.cruise_missiles):
        route = _cruise_route(sc, cm)
        if route is None:
            continue
        length = _path_length_m(route)
        where = f"cruise_missiles[{i}].{'waypoints' if cm.waypoints else 'target'}"
        if length > MAX_CRUISE_ROUTE_M:
            yield where, (f"route of {length / 1e3:,.0f} km from launch to {cm.target}: expected at most "
                          f"{MAX_CRUISE_ROUTE_M / 1e3:,.0f} km for a cruise missile (a waypoint with a wrong sign "
                          "or in the wrong unit?)")
        first = min(cm.launch_times())
        flight = length / cm.speed_mps
        if first < sc.duration_s and first + flight > sc.duration_s:
            yield where, (f"route of {length / 1e3:,.0f} km takes {flight:,.0f} s at {cm.speed_mps:g} m/s: launched "
                          f"from {first:g} s, no missile of {cm.id} reaches {cm.target} before the scenario ends "
                          f"(duration_s {sc.duration_s:g} s); expected a route flown within the duration (shorten "
                          "it, launch earlier or lengthen duration_s)")


def _late_launches(sc: Scenario) -> Iterator[tuple[str, str]]:
    for group, threats in _threat_groups(sc):
        for i, t in enumerate(threats):
            times = t.launch_times()
            late = [x for x in times if x >= sc.duration_s]
            if not late:
                continue
            if t.launch_times_s is not None:
                where = f"{group}[{i}].launch_times_s[{times.index(late[0])}]"
            else:
                where = f"{group}[{i}].salvo"
            yield where, (f"{len(late)} of {len(times)} launches of {t.id} (the first at {late[0]:g} s) come at or "
                          f"after the end of the scenario (duration_s {sc.duration_s:g} s): they never fly; "
                          "expected launch times below duration_s")


def _late_aew(sc: Scenario) -> Iterator[tuple[str, str]]:
    for i, a in enumerate(sc.aew):
        if a.on_station_s >= sc.duration_s:
            yield f"aew[{i}].on_station_s", (f"{a.id} comes on station at {a.on_station_s:g} s, at or after the end "
                                             f"of the scenario (duration_s {sc.duration_s:g} s): it never flies; "
                                             "expected a time below duration_s")


def _asset_coverage(sc: Scenario) -> Iterator[tuple[str, str]]:
    sides = {f.id: f.side for f in sc.forces}
    sensors = [s for s in _sensors(sc) if sides.get(s.force) == "blue"]
    k = sc.earth.effective_radius_factor
    for path, aid, _force, lat, lon, alt in _assets(sc):
        if any(_covers(s, lat, lon, alt, k) for s in sensors):
            continue
        if not sensors:
            yield f"{path}.position", f"asset {aid} is seen by no sensor: the scenario has no blue sensor"
            continue
        nearest = min(sensors, key=lambda s: _distance_m(s.lat_deg, s.lon_deg, lat, lon) - s.orbit_radius_m)
        d = max(_distance_m(nearest.lat_deg, nearest.lon_deg, lat, lon) - nearest.orbit_radius_m, 0.0)
        reach = min(nearest.radar.max_range_m, radar_horizon_m(nearest.height_m, alt, k))
        yield f"{path}.position", (
            f"asset {aid} is outside every blue sensor's coverage: the nearest, {nearest.path}, is {d / 1e3:,.1f} km "
            f"away and sees a target at the asset's height ({alt:g} m) out to {reach / 1e3:,.1f} km (instrumented "
            "range and radar horizon); expected a sensor within reach of each defended asset")


def _forces_with_sensors(sc: Scenario) -> set[str]:
    return {s.force for s in _sensors(sc)}


def _reports_reach(sc: Scenario, src: str, dst: str) -> bool:
    """Whether ``src``'s track reports can reach ``dst`` over the link (``link:``, per-pair ``links:``)."""
    drop = sc.link.drop_prob
    for pair in getattr(sc, "links", None) or []:
        a, b = pair.between
        if (a, b) == (src, dst) or (not pair.one_way and (b, a) == (src, dst)):
            drop = pair.drop_prob if pair.drop_prob is not None else drop
    return drop < 1.0


def _blind_batteries(sc: Scenario) -> Iterator[tuple[str, str]]:
    sides = {f.id: f.side for f in sc.forces}
    seeing = _forces_with_sensors(sc)
    batteries = [(f"batteries[{i}]", b) for i, b in enumerate(sc.batteries)]
    batteries += [(f"platforms[{i}].batteries[{j}]", b) for i, p in enumerate(getattr(sc, "platforms", None) or [])
                  for j, b in enumerate(getattr(p, "batteries", None) or [])]
    for path, b in batteries:
        if b.radar is not None or b.force in seeing:
            continue
        allies = [f for f in seeing if f != b.force and sides.get(f) == sides.get(b.force)]
        if any(_reports_reach(sc, f, b.force) for f in allies):
            continue
        why = ("no allied force has a sensor" if not allies else
               f"the link from {', '.join(sorted(allies))} drops every report")
        yield f"{path}.radar", (
            f"battery {b.id} has no radar of its own, its force {b.force} has no sensor, and {why}: it gets no "
            "track and can never fire; expected a radar: block, a sensor of its force or an allied sensor on a link")


def _orbits_beyond_endurance(sc: Scenario) -> Iterator[tuple[str, str]]:
    """Time on station shorter than one lap of the orbit. Without a base a fighter flight's
    ``endurance_s`` is its time on patrol; from a base it counts from take-off, so the transit out and
    back (at the orbit speed to the orbit's nearest point, climb neglected: at least this long) comes
    off it (a transit longer than the endurance is refused by ``references.py``); an AEW's
    ``endurance_s`` is its time on station, with a base only."""
    bases = {b.id: b.position for b in getattr(sc, "air_bases", None) or []}
    flights: list[tuple[str, Fighters | Aew, bool]] = [(f"fighters[{i}]", f, True) for i, f in enumerate(sc.fighters)]
    flights += [(f"aew[{i}]", a, False) for i, a in enumerate(sc.aew)]
    for path, fl, fighter in flights:
        endurance = getattr(fl, "endurance_s", None)
        base_id = getattr(fl, "base", None)
        if endurance is None or (not fighter and base_id is None):
            continue      # an AEW without a base stays on its orbit: no endurance
        o = fl.orbit
        lap = 2.0 * math.pi * o.radius_m / o.speed_mps
        base = bases.get(base_id or "")
        trip = 0.0
        if fighter and base is not None:
            transit = max(_distance_m(base.lat_deg, base.lon_deg, o.center.lat_deg, o.center.lon_deg) - o.radius_m, 0.0)
            trip = 2.0 * transit / o.speed_mps
        on_station = endurance - trip
        if on_station >= lap or on_station <= 0.0:
            continue
        if trip > 0.0:
            yield f"{path}.orbit.center", (
                f"{fl.id}'s orbit is beyond its endurance: the flight from base {base_id} and back takes at least "
                f"{trip:,.0f} s at {o.speed_mps:g} m/s, leaving {on_station:,.0f} s of its endurance_s ({endurance:g} s) "
                f"on station, less than one lap of the orbit ({lap:,.0f} s); expected an orbit nearer the base or "
                "more endurance")
        else:
            yield f"{path}.{'orbit.radius_m' if fighter else 'endurance_s'}", (
                f"one lap of {fl.id}'s orbit ({o.radius_m / 1e3:,.0f} km radius at {o.speed_mps:g} m/s) takes "
                f"{lap:,.0f} s, longer than its endurance_s ({endurance:g} s) on station: expected an orbit it can fly")


__all__ = ["MAX_CRUISE_ROUTE_M", "RADIANS_MAX_EXTENT", "RADIANS_MAX_PATH_M", "check_file", "plausibility_warnings",
           "radar_horizon_m", "raise_if_strict"]
