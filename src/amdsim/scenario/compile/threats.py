"""Red threats: cruise missiles, ballistic missiles and aircraft, one mover row per launch.

Rows follow the platforms' in the order: cruise missiles, ballistic missiles, aircraft (each kind
in scenario order, each threat type's launches in time order).
"""

from __future__ import annotations

import zlib

import numpy as np

from amdsim.core.ballistic_flight import P_BETA
from amdsim.core.constants import BALLISTIC_VULNERABILITY, DEFAULT_VULNERABILITY
from amdsim.core.errors import InputError, Problem
from amdsim.core.geodesy import G0, great_circle_distance
from amdsim.core.kinds import Behavior, MoverKind
from amdsim.core.manoeuvre import dive_angle, popup_angles, turn_radius
from amdsim.core.rng import compile_stream
from amdsim.core.units import DEG
from amdsim.scenario.compile.ballistic import solve_ballistic_type
from amdsim.scenario.compile.platforms import Platforms
from amdsim.scenario.compile.rows import Rows, ecef, route_fields, waypoint_rows
from amdsim.scenario.models import Aircraft, CruiseMissile, Position, Scenario, ThreatCommon
from amdsim.world.tables import EVASION_CODES, TERMINAL_CODES


def add_threats(sc: Scenario, rows: Rows, forces: dict[str, int], plat: Platforms) -> None:
    """Mover rows of every threat launch, aimed at the assets and launched from the sites of ``plat``."""
    _cruise_missiles(sc, rows, forces, plat)
    _ballistic_missiles(sc, rows, forces, plat)
    _aircraft(sc, rows, forces, plat)


def _vulnerability(t: ThreatCommon, default: float) -> float:
    return default if t.vulnerability is None else t.vulnerability


def _launch_point(sc: Scenario, plat: Platforms, t: ThreatCommon) -> tuple[Position, int]:
    """Launch position of a threat and its parent row (the launch site, or -1 for a bare position)."""
    if t.site is not None:
        p = next(s for s in sc.launch_sites if s.id == t.site).position
        return p, plat.site_row[t.site]
    assert t.launch_position is not None  # the model validator requires site or launch_position
    return t.launch_position, -1


def _asset_position(sc: Scenario, asset_id: str) -> Position:
    return next(a for a in sc.assets if a.id == asset_id).position


def _cruise_missiles(sc: Scenario, rows: Rows, forces: dict[str, int], plat: Platforms) -> None:
    for k, cm in enumerate(sc.cruise_missiles):
        p, parent = _launch_point(sc, plat, cm)
        tgt = next(a for a in sc.assets if a.id == cm.target)
        # the route ends over the target, at the missile's own cruise height
        wps = [*waypoint_rows(cm.waypoints), (tgt.position.lat_deg * DEG, tgt.position.lon_deg * DEG, np.nan)]
        last_from = wps[-2][:2] if len(wps) > 1 else (p.lat_deg * DEG, p.lon_deg * DEG)
        final_leg = float(great_circle_distance(*last_from, *wps[-1][:2]))
        for i, t_l in enumerate(cm.launch_times()):
            off, cnt = rows.add_route(wps)
            manoeuvre = _terminal_columns(sc, rows, cm, k, i, final_leg)
            rows.add(name=f"{cm.id}.{i + 1}", kind=MoverKind.CRUISE_MISSILE, force=forces[cm.force], parent=parent,
                     type_name=cm.id, behavior=Behavior.ROUTE, t_launch=t_l,
                     vulnerability=_vulnerability(cm, DEFAULT_VULNERABILITY),
                     rcs=cm.rcs_m2, rcs_side=cm.rcs_side_m2, rcs_tail=cm.rcs_tail_m2,
                     pos0=ecef(p), wp_offset=off, wp_count=cnt, speed=cm.speed_mps, agl=cm.cruise_alt_m,
                     home_on=plat.asset_row[cm.target] if tgt.route is not None else -1,
                     aim_asset=plat.asset_row[cm.target], **manoeuvre)


def _terminal_columns(sc: Scenario, rows: Rows, cm: CruiseMissile, k: int, launch: int, final_leg: float) -> dict:
    """The terminal-manoeuvre columns of launch ``launch`` of cruise missile type ``k`` (``core/manoeuvre.py``).

    Weave and jink start a whole number of periods before the target, inside the final leg, so the
    offset closes there with the heading back on the nominal course; the weave's side and the jinks'
    sides come from the scenario seed's ``manoeuvre`` stream, keyed by the type and the launch.
    """
    t, v = cm.terminal, cm.speed_mps
    cols = dict(term_kind=TERMINAL_CODES[t.kind], term_range=t.start_range_m, term_alt=t.alt_m)
    if t.g is None:
        return cols                       # none, or popup / dive without a load limit (today's profiles)
    accel = t.g * G0
    cols["term_accel"] = accel
    if t.kind == "popup":
        angles = popup_angles(t.start_range_m, cm.cruise_alt_m, t.alt_m, v, t.g)
        assert angles is not None         # the model validator checked the geometry
        cols["term_climb"], cols["term_dive"] = angles
        return cols
    if t.kind == "dive":
        dive = dive_angle(t.start_range_m, cm.cruise_alt_m, turn_radius(v, accel))
        assert dive is not None           # the model validator checked the geometry
        cols["term_dive"] = dive
        return cols
    assert t.period_s is not None         # weave and jink require it
    whole = int(np.floor(min(t.start_range_m, final_leg) / (v * t.period_s) + 1e-9))
    if whole < 1:
        raise InputError(Problem("", f"cruise_missiles[{k}].terminal.period_s",
                                 f"a {t.kind} of period {t.period_s:g} s needs {v * t.period_s:.0f} m of final leg "
                                 f"(speed_mps x period_s); the final leg to {cm.target!r} is {final_leg:.0f} m"))
    cols.update(term_period=t.period_s, term_range=whole * v * t.period_s)
    rng = compile_stream(sc.seed, "manoeuvre", zlib.crc32(cm.id.encode()), launch)
    if t.kind == "weave":
        cols["term_side"] = float(rng.choice([-1.0, 1.0]))
    else:
        # as many jinks right as left, in random order, so the sidesteps add up to zero at the
        # target; an odd interval count flies its first interval straight
        signs = rng.permutation(np.repeat([1.0, -1.0], whole // 2)).tolist()
        cols["jink_offset"], cols["jink_count"] = rows.add_jinks([0.0] * (whole % 2) + signs)
    return cols


def _ballistic_missiles(sc: Scenario, rows: Rows, forces: dict[str, int], plat: Platforms) -> None:
    """One row per launch; each type's launch solution (scenario/compile/ballistic.py) starts the row at
    the pad at rest (with a boost) or at the solved burnout state (the deprecated burnout_alt_m)."""
    for k, bm in enumerate(sc.ballistic_missiles):
        p, parent = _launch_point(sc, plat, bm)
        aim = _asset_position(sc, bm.aim) if bm.aim is not None else bm.aim_position
        assert aim is not None  # the model validator requires aim or aim_position
        rt = np.array(ecef(aim), float)
        sol, flight = solve_ballistic_type(sc, k, bm, np.array(ecef(p), float), rt)
        for i, t_l in enumerate(bm.launch_times()):
            rows.add(name=f"{bm.id}.{i + 1}", kind=MoverKind.BALLISTIC_MISSILE, force=forces[bm.force],
                     parent=parent, type_name=bm.id, behavior=Behavior.BALLISTIC, t_launch=t_l,
                     vulnerability=_vulnerability(bm, BALLISTIC_VULNERABILITY),
                     rcs=bm.rcs_m2, rcs_side=bm.rcs_side_m2, rcs_tail=bm.rcs_tail_m2,
                     pos0=tuple(sol.pos0), vel0=tuple(sol.vel0), impact_radius=float(np.linalg.norm(rt)),
                     ballistic_coeff=float(sol.params[P_BETA]),                # inf: no drag
                     aim_asset=plat.asset_row.get(bm.aim, -1) if bm.aim else -1, **flight)


def _aircraft(sc: Scenario, rows: Rows, forces: dict[str, int], plat: Platforms) -> None:
    for ac in sc.aircraft:
        p, parent = _launch_point(sc, plat, ac)
        for i, t_l in enumerate(ac.launch_times()):
            extra = route_fields(rows, ac.route)        # each launch its own copy of the route
            extra.update(_evasion_columns(ac))
            rows.add(name=f"{ac.id}.{i + 1}", kind=MoverKind.AIRCRAFT, force=forces[ac.force], parent=parent,
                     type_name=ac.id, t_launch=t_l, vulnerability=_vulnerability(ac, DEFAULT_VULNERABILITY),
                     rcs=ac.rcs_m2, rcs_side=ac.rcs_side_m2, rcs_tail=ac.rcs_tail_m2, pos0=ecef(p), **extra)


def _evasion_columns(ac: Aircraft) -> dict:
    """The evasive-turn columns of an aircraft row (none: zero acceleration, no evasion)."""
    e = ac.evasion
    if e is None:
        return {}
    return dict(evade_accel=e.g * G0, evade_reaction=e.reaction_s, evade_kind=EVASION_CODES[e.kind])
