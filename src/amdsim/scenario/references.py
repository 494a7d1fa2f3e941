"""Cross-reference checks the schema cannot express: ids exist, are unique, sides make sense."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from amdsim.core.errors import Problem, did_you_mean
from amdsim.core.geodesy import EARTH_MEAN_RADIUS, EARTH_MU, geodetic2ecef
from amdsim.core.kepler import burnout_state
from amdsim.scenario.models import (
    MAX_SPEED_MPS,
    Aew,
    AirBase,
    Battery,
    Fighters,
    Orbit,
    PlatformAsset,
    Scenario,
    ThreatCommon,
)

#: Shortest and longest ground range of a ballistic flight (m): below, launch and aim coincide for
#: the Kepler solution; above (near antipodal aim points) the plane of flight is undefined.
MIN_BALLISTIC_RANGE_M = 5_000.0
MAX_BALLISTIC_RANGE_M = 16_000_000.0


class _Owned(Protocol):
    """An entity with an id, belonging to a force (every group checked below)."""
    @property
    def id(self) -> str: ...
    @property
    def force(self) -> str: ...


def unknown_ref(kind: str, value: str, known) -> str:
    """``unknown interceptor type 'pac3'; expected one of [...] (did you mean 'pac-3'?)``."""
    names = sorted(known)
    if not names:
        return f"unknown {kind} {value!r}: the scenario defines none (expected the id of one it defines)"
    shown = ", ".join(repr(n) for n in names[:12]) + (f", ... ({len(names)} in all)" if len(names) > 12 else "")
    return f"unknown {kind} {value!r}; expected one of {shown}{did_you_mean(value, names)}"


def check_references(sc: Scenario, file: str) -> list[Problem]:
    """Return every dangling or inconsistent reference, each with its field path."""
    problems: list[Problem] = []

    def bad(path: str, msg: str) -> None:
        problems.append(Problem(file, path, msg))

    forces = {f.id: f for f in sc.forces}
    if len(forces) != len(sc.forces):
        bad("forces", "force ids must be unique")
    groups: dict[str, Sequence[_Owned]] = {
        # a defended platform's entry of assets is the platform itself: checked once, as a platform
        "assets": [a for a in sc.assets if not isinstance(a, PlatformAsset)], "launch_sites": sc.launch_sites,
        "cruise_missiles": sc.cruise_missiles, "ballistic_missiles": sc.ballistic_missiles, "aircraft": sc.aircraft,
        "radars": sc.radars, "aew": sc.aew, "fighters": sc.fighters, "batteries": sc.batteries,
        "platforms": sc.platforms, "air_bases": sc.air_bases, "air_traffic": sc.air_traffic,
    }
    seen: dict[str, str] = {}
    for group, items in groups.items():
        for i, item in enumerate(items):
            if item.id in seen:
                bad(f"{group}[{i}].id", f"id {item.id!r} is already used by {seen[item.id]}")
            seen.setdefault(item.id, f"{group}[{i}]")
            if item.force not in forces:
                bad(f"{group}[{i}].force", unknown_ref("force", item.force, forces))
    red_groups = ("launch_sites", "cruise_missiles", "ballistic_missiles", "aircraft")
    for group, items in groups.items():
        want = "red" if group in red_groups else "blue"
        for i, item in enumerate(items):
            f = forces.get(item.force)
            if f is not None and f.side != want:
                bad(f"{group}[{i}].force", f"force {item.force!r} is {f.side}; {group} belong to a {want} force")
    assets = {a.id for a in sc.assets}
    sites = {s.id for s in sc.launch_sites}
    itypes = {t.id for t in sc.interceptor_types}
    if len(itypes) != len(sc.interceptor_types):
        bad("interceptor_types", "interceptor type ids must be unique")
    threats: dict[str, Sequence[ThreatCommon]] = {
        "cruise_missiles": sc.cruise_missiles, "ballistic_missiles": sc.ballistic_missiles, "aircraft": sc.aircraft,
    }
    shooters: dict[str, Sequence[Battery | Fighters]] = {"batteries": sc.batteries, "fighters": sc.fighters}
    for group in ("cruise_missiles", "ballistic_missiles", "aircraft"):
        for i, t in enumerate(threats[group]):
            if t.site is not None and t.site not in sites:
                bad(f"{group}[{i}].site", unknown_ref("launch site", t.site, sites))
    for i, cm in enumerate(sc.cruise_missiles):
        if cm.target not in assets:
            bad(f"cruise_missiles[{i}].target", unknown_ref("asset", cm.target, assets))
    for i, bm in enumerate(sc.ballistic_missiles):
        if bm.aim is not None and bm.aim not in assets:
            bad(f"ballistic_missiles[{i}].aim", unknown_ref("asset", bm.aim, assets))
    for group in ("batteries", "fighters"):
        for i, s in enumerate(shooters[group]):
            if s.interceptor not in itypes:
                bad(f"{group}[{i}].interceptor", unknown_ref("interceptor type", s.interceptor, itypes))
    n_launches = sum(len(t.launch_times()) for g in red_groups[1:] for t in threats[g])
    n_rounds = sum(b.launchers * b.interceptors_per_launcher + b.reloads
                   for b in [*sc.batteries, *(pb for p in sc.platforms for pb in p.batteries)]) + sum(
        f.count * f.missiles * (f.sorties if f.base is not None else 1) for f in sc.fighters)
    if n_launches > 20_000:
        bad("cruise_missiles", f"{n_launches} threat launches in all; the limit is 20000")
    if n_rounds > 50_000:
        bad("batteries", f"{n_rounds} interceptors in all; the limit is 50000")
    if sc.duration_s < sc.step_s:
        bad("duration_s", f"must be at least step_s ({sc.step_s} s): expected one step or more")
    if sc.output_rate_s < sc.step_s:
        bad("output_rate_s", f"must be at least step_s ({sc.step_s} s)")
    if sc.duration_s / sc.step_s > 2_000_000:
        bad("step_s", "duration_s / step_s exceeds 2,000,000 steps")
    for i, r in enumerate(sc.radars):
        if r.radar.el_min_deg >= r.radar.el_max_deg:
            bad(f"radars[{i}].radar.el_min_deg", "must be below el_max_deg")
    problems.extend(check_contested(sc, file, forces))
    problems.extend(check_link_pairs(sc, file))
    problems.extend(check_platforms_and_bases(sc, file))
    problems.extend(check_ballistic_geometry(sc, file))
    return problems


def check_platforms_and_bases(sc: Scenario, file: str) -> list[Problem]:
    """What platforms and air bases refer to: the interceptor types of a platform's batteries, the
    elevation limits of its radars; each aircraft's ``base`` (an air base of a blue force; an ally's
    will do) and, for fighters, fuel enough for the flight out to the orbit and back."""
    problems: list[Problem] = []
    itypes = {t.id for t in sc.interceptor_types}
    top_ids = {x.id for g in (sc.assets, sc.launch_sites, sc.radars, sc.aew, sc.fighters, sc.batteries,
                              sc.platforms, sc.air_bases) for x in g}
    for i, p in enumerate(sc.platforms):
        # the sensors and shooters of a platform are named "platform.id": no other entity may have that name
        for group, ids in (("radars", [r.id for r in p.radars]), ("batteries", [x.id for x in p.batteries])):
            for j, inner in enumerate(ids):
                name = f"{p.id}.{inner}"
                if name in top_ids:
                    problems.append(Problem(file, f"platforms[{i}].{group}[{j}].id", f"its name {name!r} is already "
                                            "the id of another entity: expected a name used once"))
        for j, b in enumerate(p.batteries):
            if b.interceptor not in itypes:
                problems.append(Problem(file, f"platforms[{i}].batteries[{j}].interceptor",
                                        unknown_ref("interceptor type", b.interceptor, itypes)))
            if b.radar is not None and b.radar.el_min_deg >= b.radar.el_max_deg:
                problems.append(Problem(file, f"platforms[{i}].batteries[{j}].radar.el_min_deg", "must be below el_max_deg"))
        for j, r in enumerate(p.radars):
            if r.radar.el_min_deg >= r.radar.el_max_deg:
                problems.append(Problem(file, f"platforms[{i}].radars[{j}].radar.el_min_deg", "must be below el_max_deg"))
    bases = {b.id: b for b in sc.air_bases}
    based: tuple[tuple[str, Sequence[Fighters | Aew]], ...] = (("fighters", sc.fighters), ("aew", sc.aew))
    for group, items in based:
        for i, a in enumerate(items):
            if a.base is None:
                continue
            base = bases.get(a.base)
            if base is None:
                problems.append(Problem(file, f"{group}[{i}].base", unknown_ref("air base", a.base, bases)))
            elif isinstance(a, Fighters):
                out_and_back = 2.0 * _transit_s(base, a.orbit, a.climb_rate_mps)
                if a.endurance_s <= out_and_back:
                    problems.append(Problem(file, f"{group}[{i}].endurance_s", f"{a.endurance_s:g} s of fuel does not "
                                            f"cover the flight from base {a.base!r} to the orbit and back "
                                            f"({out_and_back:.0f} s): expected more endurance or a nearer orbit"))
    return problems


def _transit_s(base: AirBase, orbit: Orbit, climb_rate_mps: float) -> float:
    """Shortest flight (s) from ``base`` to the nearest point of ``orbit`` at the orbit speed, or the
    climb to its height if that takes longer (movers/sortie.py flies it)."""
    deg = np.pi / 180.0
    lat1, lon1 = base.position.lat_deg * deg, base.position.lon_deg * deg
    lat2, lon2 = orbit.center.lat_deg * deg, orbit.center.lon_deg * deg
    to_center = 2.0 * EARTH_MEAN_RADIUS * np.arcsin(np.sqrt(np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2)
                                                            * np.sin((lon2 - lon1) / 2) ** 2))
    climb = max(orbit.alt_m - base.position.alt_m, 0.0) / climb_rate_mps
    return max(abs(float(to_center) - orbit.radius_m) / orbit.speed_mps, climb)


def check_link_pairs(sc: Scenario, file: str) -> list[Problem]:
    """Each ``links:`` entry names two known forces of one side, and no direction is given twice."""
    forces = {f.id: f for f in sc.forces}
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for i, pair in enumerate(sc.links):
        a, b = pair.between
        known = True
        for j, fid in enumerate((a, b)):
            if fid not in forces:
                problems.append(Problem(file, f"links[{i}].between[{j}]",
                                        unknown_ref("force", fid, forces)))
                known = False
        if not known:
            continue
        if forces[a].side != forces[b].side:
            problems.append(Problem(file, f"links[{i}].between", f"forces {a!r} ({forces[a].side}) and {b!r} "
                                    f"({forces[b].side}) are on different sides: links join allies only"))
            continue
        for d in ([(a, b)] if pair.one_way else [(a, b), (b, a)]):
            if d in seen:
                problems.append(Problem(file, f"links[{i}].between", f"the link from {d[0]!r} to {d[1]!r} is "
                                        f"already given by links[{seen[d]}]: expected each direction once"))
                break
            seen[d] = i
    return problems


def check_ballistic_geometry(sc: Scenario, file: str) -> list[Problem]:
    """Each ballistic missile must have a Kepler solution: launch and aim apart, not antipodal,
    and a finite burnout speed below the engine's physical limit."""

    sites = {s.id: s.position for s in sc.launch_sites}
    assets = {a.id: a.position for a in sc.assets}
    problems: list[Problem] = []
    deg = np.pi / 180.0
    for i, bm in enumerate(sc.ballistic_missiles):
        p0 = sites.get(bm.site) if bm.site is not None else bm.launch_position
        pt = assets.get(bm.aim) if bm.aim is not None else bm.aim_position
        if p0 is None or pt is None:
            continue  # the dangling reference is reported already
        path = f"ballistic_missiles[{i}].{'aim' if bm.aim is not None else 'aim_position'}"
        r0 = geodetic2ecef(p0.lat_deg * deg, p0.lon_deg * deg, p0.alt_m)
        r0 = r0 * (1.0 + bm.burnout_alt_m / np.linalg.norm(r0))
        rt = geodetic2ecef(pt.lat_deg * deg, pt.lon_deg * deg, pt.alt_m)
        cos_psi = np.dot(r0, rt) / (np.linalg.norm(r0) * np.linalg.norm(rt))
        ground_range = float(np.arccos(np.clip(cos_psi, -1.0, 1.0))) * EARTH_MEAN_RADIUS
        if ground_range < MIN_BALLISTIC_RANGE_M:
            problems.append(Problem(file, path, f"aim point is {ground_range:.0f} m from the launch point; expected "
                                                f"at least {MIN_BALLISTIC_RANGE_M:.0f} m for a ballistic flight"))
            continue
        if ground_range > MAX_BALLISTIC_RANGE_M:
            problems.append(Problem(file, path, f"aim point is {ground_range / 1e3:.0f} km from the launch point; "
                                                f"expected at most {MAX_BALLISTIC_RANGE_M / 1e3:.0f} km"))
            continue
        with np.errstate(all="ignore"):
            _, vel = burnout_state(r0, rt, bm.trajectory, bm.loft_deg * deg, EARTH_MU)
        speed = float(np.linalg.norm(vel))
        if not np.isfinite(speed) or speed > MAX_SPEED_MPS:
            problems.append(Problem(file, path, f"no ballistic trajectory ({bm.trajectory}) reaches this aim point "
                                                f"with a burnout speed below {MAX_SPEED_MPS:.0f} m/s (expected a "
                                                "reachable aim point: check aim altitude and burnout_alt_m)"))
    return problems


def check_contested(sc: Scenario, file: str, forces: dict) -> list[Problem]:
    """Issue 20's references: each corridor's airliners fly for a blue force; each outage names a known
    blue force or a battery / fighter flight."""
    out: list[Problem] = []
    for i, c in enumerate(sc.corridors):
        f = forces.get(c.airliners.force) if c.airliners is not None else None
        if c.airliners is not None and (f is None or f.side != "blue"):
            out.append(Problem(file, f"corridors[{i}].airliners.force",
                               f"{c.airliners.force!r} is not a blue force; expected one of "
                               f"{sorted(k for k, v in forces.items() if v.side == 'blue')}"))
    shooters = {b.id for b in sc.batteries} | {f.id for f in sc.fighters} | {
        f"{p.id}.{b.id}" for p in sc.platforms for b in p.batteries}
    for i, o in enumerate(sc.c2_outages):
        if o.force is not None and o.force not in forces:
            out.append(Problem(file, f"c2_outages[{i}].force", f"unknown force {o.force!r}; expected one of {sorted(forces)}"))
        if o.battery is not None and o.battery not in shooters:
            out.append(Problem(file, f"c2_outages[{i}].battery",
                               f"unknown battery or fighter flight {o.battery!r}; expected one of {sorted(shooters)}"))
    return out
