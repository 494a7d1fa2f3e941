"""Cross-reference checks the schema cannot express: ids exist, are unique, sides make sense."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from amdsim.core.errors import Problem
from amdsim.core.geodesy import EARTH_MEAN_RADIUS, EARTH_MU, geodetic2ecef
from amdsim.core.kepler import burnout_state
from amdsim.scenario.models import MAX_SPEED_MPS, Battery, Fighters, Scenario, ThreatCommon

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


def check_references(sc: Scenario, file: str) -> list[Problem]:
    """Return every dangling or inconsistent reference, each with its field path."""
    problems: list[Problem] = []

    def bad(path: str, msg: str) -> None:
        problems.append(Problem(file, path, msg))

    forces = {f.id: f for f in sc.forces}
    if len(forces) != len(sc.forces):
        bad("forces", "force ids must be unique")
    groups: dict[str, Sequence[_Owned]] = {
        "assets": sc.assets, "launch_sites": sc.launch_sites, "cruise_missiles": sc.cruise_missiles,
        "ballistic_missiles": sc.ballistic_missiles, "aircraft": sc.aircraft, "radars": sc.radars,
        "aew": sc.aew, "fighters": sc.fighters, "batteries": sc.batteries,
    }
    seen: dict[str, str] = {}
    for group, items in groups.items():
        for i, item in enumerate(items):
            if item.id in seen:
                bad(f"{group}[{i}].id", f"id {item.id!r} is already used by {seen[item.id]}")
            seen.setdefault(item.id, f"{group}[{i}]")
            if item.force not in forces:
                bad(f"{group}[{i}].force", f"unknown force {item.force!r}; expected one of {sorted(forces)}")
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
                bad(f"{group}[{i}].site", f"unknown launch site {t.site!r}; expected one of {sorted(sites)}")
    for i, cm in enumerate(sc.cruise_missiles):
        if cm.target not in assets:
            bad(f"cruise_missiles[{i}].target", f"unknown asset {cm.target!r}; expected one of {sorted(assets)}")
    for i, bm in enumerate(sc.ballistic_missiles):
        if bm.aim is not None and bm.aim not in assets:
            bad(f"ballistic_missiles[{i}].aim", f"unknown asset {bm.aim!r}; expected one of {sorted(assets)}")
    for group in ("batteries", "fighters"):
        for i, s in enumerate(shooters[group]):
            if s.interceptor not in itypes:
                bad(f"{group}[{i}].interceptor", f"unknown interceptor type {s.interceptor!r}; expected one of {sorted(itypes)}")
    n_launches = sum(len(t.launch_times()) for g in red_groups[1:] for t in threats[g])
    n_rounds = sum(b.launchers * b.interceptors_per_launcher for b in sc.batteries) + sum(
        f.count * f.missiles for f in sc.fighters)
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
    problems.extend(check_ballistic_geometry(sc, file))
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
