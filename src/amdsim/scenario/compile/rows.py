"""The mover-row accumulator, the helper that turns lists of row dicts into a table, and the
geometry every entity kind shares (positions in ECEF, routes as rows of the waypoint table).

Row order is mover id order: :class:`Rows` hands out ids in the order rows are added, so the
modules of this package add them in scenario order (platforms, threats, interceptors last).
"""

from __future__ import annotations

import numpy as np

from amdsim.core.constants import DEFAULT_VULNERABILITY, PLATFORM_RCS_M2
from amdsim.core.geodesy import geodetic2ecef
from amdsim.core.kinds import Behavior
from amdsim.core.units import DEG
from amdsim.scenario.models import Position, Route
from amdsim.world.tables import MoverTable

#: What a mover row holds when its entity kind does not set the column: no parent, present from
#: the start, no route, orbit or ballistic arc (a neutral value each), and the constants' defaults.
ROW_DEFAULTS = dict(parent=-1, type_name="", behavior=Behavior.STATIC, t_launch=0.0, rcs=PLATFORM_RCS_M2,
                    vel0=(0.0, 0.0, 0.0), wp_offset=0, wp_count=0, speed=0.0, agl=0.0, loop=False,
                    home_on=-1, term_kind=0, term_range=0.0, term_alt=0.0, term_accel=0.0, term_period=0.0,
                    term_climb=0.0, term_dive=0.0, term_side=1.0, jink_offset=0, jink_count=0,
                    evade_accel=0.0, evade_reaction=0.0, evade_kind=0, orb_lat=0.0, orb_lon=0.0,
                    orb_radius=0.0, orb_alt=0.0, orb_dir=1.0, orb_phase0=0.0, impact_radius=0.0,
                    ballistic_coeff=np.inf, aim_asset=-1, base_row=-1, sorties=0, turnaround=0.0,
                    fuel_time=np.inf, station_time=np.inf, climb_rate=0.0, runway_heading=np.nan,
                    allegiance=0)


class Rows:
    """Accumulates mover rows as dicts of columns, then freezes them into a MoverTable."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.wp_lat: list[float] = []
        self.wp_lon: list[float] = []
        self.wp_agl: list[float] = []
        self.jink_sign: list[float] = []

    def add(self, **kw) -> int:
        """Append one mover row; returns its mover id."""
        self.rows.append(kw)
        return len(self.rows) - 1

    def add_route(self, waypoints: list[tuple[float, float, float]]) -> tuple[int, int]:
        """Append (lat rad, lon rad, height above surface m or NaN) points; returns (offset, count)."""
        off = len(self.wp_lat)
        for lat, lon, agl in waypoints:
            self.wp_lat.append(lat)
            self.wp_lon.append(lon)
            self.wp_agl.append(agl)
        return off, len(waypoints)

    def add_jinks(self, signs: list[float]) -> tuple[int, int]:
        """Append one mover's jink signs (+1 right, -1 left, 0 none) in flight order; returns (offset, count)."""
        off = len(self.jink_sign)
        self.jink_sign.extend(float(s) for s in signs)
        return off, len(signs)

    def column(self, key: str, default) -> np.ndarray:
        """One column over every row, ``default`` where a row does not set it."""
        return np.array([r.get(key, default) for r in self.rows])

    def freeze(self) -> MoverTable:
        n = len(self.rows)

        def col(key, dtype):
            return np.array([r.get(key, ROW_DEFAULTS.get(key)) for r in self.rows], dtype=dtype).reshape(
                (n, 3) if key in ("pos0", "vel0") else (n,))

        # aspect RCS: a row without its own side / tail RCS shows its nose-on RCS all round
        rcs = [r.get("rcs", ROW_DEFAULTS["rcs"]) for r in self.rows]
        return MoverTable(
            name=[r["name"] for r in self.rows], kind=col("kind", np.int8), force=col("force", np.int16),
            parent=col("parent", np.int32), type_name=[r.get("type_name", "") for r in self.rows],
            behavior=col("behavior", np.int8), t_launch=col("t_launch", float), rcs=col("rcs", float),
            rcs_side=np.array([r.get("rcs_side") or c for r, c in zip(self.rows, rcs, strict=True)], float),
            rcs_tail=np.array([r.get("rcs_tail") or c for r, c in zip(self.rows, rcs, strict=True)], float),
            vulnerability=np.array([DEFAULT_VULNERABILITY if r.get("vulnerability") is None else r["vulnerability"]
                                    for r in self.rows], float),
            pos0=col("pos0", float), vel0=col("vel0", float), wp_offset=col("wp_offset", np.int32),
            wp_count=col("wp_count", np.int32), wp_lat=np.array(self.wp_lat, float),
            wp_lon=np.array(self.wp_lon, float), wp_agl=np.array(self.wp_agl, float),
            speed=col("speed", float), agl=col("agl", float), loop=col("loop", bool),
            home_on=col("home_on", np.int32), term_kind=col("term_kind", np.int8),
            term_range=col("term_range", float), term_alt=col("term_alt", float),
            term_accel=col("term_accel", float), term_period=col("term_period", float),
            term_climb=col("term_climb", float), term_dive=col("term_dive", float),
            term_side=col("term_side", float), jink_offset=col("jink_offset", np.int32),
            jink_count=col("jink_count", np.int32), jink_sign=np.array(self.jink_sign, float),
            evade_accel=col("evade_accel", float), evade_reaction=col("evade_reaction", float),
            evade_kind=col("evade_kind", np.int8),
            orb_lat=col("orb_lat", float), orb_lon=col("orb_lon", float), orb_radius=col("orb_radius", float),
            orb_alt=col("orb_alt", float), orb_dir=col("orb_dir", float), orb_phase0=col("orb_phase0", float),
            impact_radius=col("impact_radius", float), ballistic_coeff=col("ballistic_coeff", float),
            aim_asset=col("aim_asset", np.int32),
            base_row=col("base_row", np.int32), sorties=col("sorties", np.int32),
            turnaround=col("turnaround", float), fuel_time=col("fuel_time", float),
            station_time=col("station_time", float), climb_rate=col("climb_rate", float),
            runway_heading=col("runway_heading", float), allegiance=col("allegiance", np.int8),
        )


def table(cls, rows: list[dict], dtypes: dict):
    """Build the table dataclass ``cls`` from row dicts: one array per column (None: a list of str)."""
    kw = {}
    for key, dtype in dtypes.items():
        vals = [r[key] for r in rows]
        kw[key] = list(vals) if dtype is None else np.array(vals, dtype=dtype).reshape(len(rows))
    return cls(**kw)


def ecef(p: Position) -> tuple[float, float, float]:
    """ECEF position (m) of a scenario position."""
    return tuple(geodetic2ecef(p.lat_deg * DEG, p.lon_deg * DEG, p.alt_m).tolist())


def waypoint_rows(waypoints) -> list[tuple[float, float, float]]:
    """Scenario waypoints as (lat rad, lon rad, height m); NaN height: the mover's own."""
    return [(w.lat_deg * DEG, w.lon_deg * DEG, np.nan if w.alt_m is None else w.alt_m) for w in waypoints]


def route_fields(rows: Rows, route: Route) -> dict:
    """Add the route's waypoints to the table; returns the columns of a mover following it."""
    off, cnt = rows.add_route(waypoint_rows(route.waypoints))
    return dict(behavior=Behavior.ROUTE, wp_offset=off, wp_count=cnt, speed=route.speed_mps,
                agl=route.alt_m, loop=route.loop)
