"""Fixed sites on the terrain: with a DEM, a site's ``position.alt_m`` is its height above the ground.

Routes have always flown at their height above the surface (``movers/advance.py``: the DEM under the
mover, sea level where the DEM is below it or absent); fixed sites were placed at ``alt_m`` above the
ellipsoid, so a radar at ``alt_m: 20`` on a 2,000 m peak stood inside the mountain and saw nothing,
and cruise missiles flying 30 m above that peak arrived 2,000 m above an asset placed there and were
counted as ground impacts (issue 17). Now every fixed point of the scenario stands on the same
surface as the routes: ``alt_m`` (default 0) is read as height above ``max(DEM, 0)``, the ground or
the sea, when ``earth.dem_path`` is given, and as height above the ellipsoid without a DEM (as before;
without a DEM the surface is sea level, so both readings agree there).

Lifted: defended assets (and platforms' defended assets), launch sites, radar sites, batteries,
platforms (ships and ground sites, the start of their route), air bases, threats' launch positions
and ballistic aim points. Not lifted: orbits (``orbit.alt_m`` is above the ellipsoid, an aircraft's
flight level) and waypoints (already heights above the surface).

Warnings (:func:`site_terrain_warnings`, printed by ``validate`` and ``run`` with the plausibility
warnings): a site with a negative ``alt_m`` (below the ground), and a site whose ``alt_m`` is close to
the terrain's own elevation there (probably an elevation above the ellipsoid written for the old
reading: it now stands twice as high).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from amdsim.core.errors import Problem
from amdsim.core.terrain import Dem
from amdsim.core.units import DEG
from amdsim.scenario.models import Position, Scenario

#: A site whose ``alt_m`` lies within this fraction of the terrain elevation under it (terrain higher
#: than :data:`ELEVATION_LOOKALIKE_MIN_M`) gets a warning: it looks like an elevation above the ellipsoid.
ELEVATION_LOOKALIKE_FRACTION = 0.1
#: Terrain elevation (m) above which the look-alike warning applies (below, a mast height and the ground
#: elevation are too alike to tell).
ELEVATION_LOOKALIKE_MIN_M = 100.0


def site_positions(sc: Scenario) -> Iterator[tuple[str, Position]]:
    """(field path, position) of every fixed point that stands on the surface; a position shared by two
    entries (a platform and its defended asset) comes once, under its first path."""
    seen: set[int] = set()

    def once(path: str, pos: Position | None) -> Iterator[tuple[str, Position]]:
        if pos is not None and id(pos) not in seen:
            seen.add(id(pos))
            yield path, pos

    for kind in ("platforms", "assets", "launch_sites", "radars", "batteries", "air_bases"):
        for i, e in enumerate(getattr(sc, kind)):
            yield from once(f"{kind}[{i}].position", e.position)
    for kind in ("cruise_missiles", "ballistic_missiles", "aircraft"):
        for i, t in enumerate(getattr(sc, kind)):
            yield from once(f"{kind}[{i}].launch_position", t.launch_position)
    for i, b in enumerate(sc.ballistic_missiles):
        yield from once(f"ballistic_missiles[{i}].aim_position", b.aim_position)


def ground_height(dem: Dem, pos: Position) -> float:
    """Height (m above the ellipsoid) of the surface under ``pos``: the DEM, sea level where it is below 0."""
    return max(float(dem.height(pos.lat_deg * DEG, pos.lon_deg * DEG)), 0.0)


def place_sites_on_terrain(sc: Scenario, dem: Dem) -> Scenario:
    """A copy of ``sc`` whose fixed sites stand ``alt_m`` above the terrain (heights above the ellipsoid
    inside; see the module docstring). ``sc`` is left unchanged."""
    out = sc.model_copy(deep=True)        # one deepcopy: positions shared in ``sc`` stay shared in the copy
    for _, pos in site_positions(out):
        pos.alt_m = pos.alt_m + ground_height(dem, pos)
    return out


def load_scenario_dem(dem_path: str, file: str) -> Dem:
    """The DEM of a scenario (read once per process); its problems are reported under ``earth.dem_path``."""
    from amdsim.core.errors import InputError
    from amdsim.core.terrain import load_dem

    try:
        return load_dem(dem_path)
    except InputError as exc:
        raise InputError([Problem(file, "earth.dem_path", str(p)) for p in exc.problems]) from None
    except OSError as exc:
        raise InputError(Problem(file, "earth.dem_path", f"cannot read {dem_path}: {exc.strerror or exc}")) from None


def dem_warnings(sc: Scenario, base_dir: Path | None, file: str) -> list[Problem]:
    """:func:`site_terrain_warnings` of a scenario whose DEM path is relative to ``base_dir``; none without a DEM."""
    dem = sc.earth.dem_path
    if dem is None:
        return []
    if base_dir is not None and not Path(dem).is_absolute():
        dem = str((base_dir / dem).resolve())
    return site_terrain_warnings(sc, load_scenario_dem(dem, file), file)


def site_terrain_warnings(sc: Scenario, dem: Dem, file: str) -> list[Problem]:
    """Sites below the ground (negative ``alt_m``) and sites whose ``alt_m`` looks like the terrain's
    elevation (see the module docstring), each as a warning naming the field."""
    out = []
    for path, pos in site_positions(sc):
        ground = ground_height(dem, pos)
        if pos.alt_m < 0.0 and ground > 0.0:
            out.append(Problem(file, f"{path}.alt_m", f"{pos.alt_m:g} m: the site is {-pos.alt_m:,.0f} m below the "
                                                      f"terrain ({ground:,.0f} m here); with a DEM alt_m is the height "
                                                      "above the ground: expected 0 or more"))
        elif ground > ELEVATION_LOOKALIKE_MIN_M and abs(pos.alt_m - ground) <= ELEVATION_LOOKALIKE_FRACTION * ground:
            out.append(Problem(file, f"{path}.alt_m", f"{pos.alt_m:,.0f} m is close to the terrain's elevation here "
                                                      f"({ground:,.0f} m): with a DEM alt_m is the height above the "
                                                      f"ground, so the site stands at {pos.alt_m + ground:,.0f} m; "
                                                      "expected the height above the ground (e.g. 0)"))
    return out
