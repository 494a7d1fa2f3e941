"""Red threats: cruise missiles, ballistic missiles and aircraft, one mover row per launch.

Rows follow the platforms' in the order: cruise missiles, ballistic missiles, aircraft (each kind
in scenario order, each threat type's launches in time order).
"""

from __future__ import annotations

import numpy as np

from amdsim.core.constants import BALLISTIC_VULNERABILITY, DEFAULT_VULNERABILITY
from amdsim.core.geodesy import EARTH_MU
from amdsim.core.kepler import burnout_state
from amdsim.core.kinds import Behavior, MoverKind
from amdsim.core.units import DEG
from amdsim.scenario.compile.platforms import Platforms
from amdsim.scenario.compile.rows import Rows, ecef, route_fields, waypoint_rows
from amdsim.scenario.models import Position, Scenario, ThreatCommon
from amdsim.world.tables import TERMINAL_CODES


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
    for cm in sc.cruise_missiles:
        p, parent = _launch_point(sc, plat, cm)
        tgt = next(a for a in sc.assets if a.id == cm.target)
        # the route ends over the target, at the missile's own cruise height
        wps = [*waypoint_rows(cm.waypoints), (tgt.position.lat_deg * DEG, tgt.position.lon_deg * DEG, np.nan)]
        for i, t_l in enumerate(cm.launch_times()):
            off, cnt = rows.add_route(wps)
            rows.add(name=f"{cm.id}.{i + 1}", kind=MoverKind.CRUISE_MISSILE, force=forces[cm.force], parent=parent,
                     type_name=cm.id, behavior=Behavior.ROUTE, t_launch=t_l,
                     vulnerability=_vulnerability(cm, DEFAULT_VULNERABILITY),
                     rcs=cm.rcs_m2, rcs_side=cm.rcs_side_m2, rcs_tail=cm.rcs_tail_m2,
                     pos0=ecef(p), wp_offset=off, wp_count=cnt, speed=cm.speed_mps, agl=cm.cruise_alt_m,
                     home_on=plat.asset_row[cm.target] if tgt.route is not None else -1,
                     aim_asset=plat.asset_row[cm.target], term_kind=TERMINAL_CODES[cm.terminal.kind],
                     term_range=cm.terminal.start_range_m, term_alt=cm.terminal.alt_m)


def _ballistic_missiles(sc: Scenario, rows: Rows, forces: dict[str, int], plat: Platforms) -> None:
    for bm in sc.ballistic_missiles:
        p, parent = _launch_point(sc, plat, bm)
        aim = _asset_position(sc, bm.aim) if bm.aim is not None else bm.aim_position
        assert aim is not None  # the model validator requires aim or aim_position
        r0 = np.array(ecef(p), float)
        r0 = r0 * (1.0 + bm.burnout_alt_m / np.linalg.norm(r0))
        rt = np.array(ecef(aim), float)
        pos, vel = burnout_state(r0, rt, bm.trajectory, bm.loft_deg * DEG, EARTH_MU)
        for i, t_l in enumerate(bm.launch_times()):
            rows.add(name=f"{bm.id}.{i + 1}", kind=MoverKind.BALLISTIC_MISSILE, force=forces[bm.force],
                     parent=parent, type_name=bm.id, behavior=Behavior.BALLISTIC, t_launch=t_l,
                     vulnerability=_vulnerability(bm, BALLISTIC_VULNERABILITY),
                     rcs=bm.rcs_m2, rcs_side=bm.rcs_side_m2, rcs_tail=bm.rcs_tail_m2,
                     pos0=tuple(pos), vel0=tuple(vel), impact_radius=float(np.linalg.norm(rt)),
                     ballistic_coeff=bm.ballistic_coeff_kg_m2 or np.inf,      # none: no drag
                     aim_asset=plat.asset_row.get(bm.aim, -1) if bm.aim else -1)


def _aircraft(sc: Scenario, rows: Rows, forces: dict[str, int], plat: Platforms) -> None:
    for ac in sc.aircraft:
        p, parent = _launch_point(sc, plat, ac)
        for i, t_l in enumerate(ac.launch_times()):
            extra = route_fields(rows, ac.route)        # each launch its own copy of the route
            rows.add(name=f"{ac.id}.{i + 1}", kind=MoverKind.AIRCRAFT, force=forces[ac.force], parent=parent,
                     type_name=ac.id, t_launch=t_l, vulnerability=_vulnerability(ac, DEFAULT_VULNERABILITY),
                     rcs=ac.rcs_m2, rcs_side=ac.rcs_side_m2, rcs_tail=ac.rcs_tail_m2, pos0=ecef(p), **extra)
