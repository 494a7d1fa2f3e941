"""Friendly and neutral air traffic, corridors, identification rules and C2 outages (issue 20).

Air traffic rows follow the threats' (each entry's launches in time order, then each civil
corridor's airliners in entry order); they are aircraft rows (``MoverKind.AIRCRAFT``) with a friend
or neutral ``allegiance``, so the radars and trackers handle them as they do threats. The rest
compiles into a :class:`~amdsim.world.identity.ContestedTable` (``cs.extras["contested"]``).
"""

from __future__ import annotations

import numpy as np

from amdsim.core.constants import DEFAULT_VULNERABILITY
from amdsim.core.kinds import Behavior, MoverKind
from amdsim.core.units import DEG
from amdsim.scenario.compile.rows import Rows, ecef, route_fields, waypoint_rows
from amdsim.scenario.models import Position, Scenario
from amdsim.world.identity import (
    WCS_NAMES,
    Allegiance,
    ContestedTable,
    JammingTable,
    RadarLoadTable,
)
from amdsim.world.tables import MoverTable, ShooterTable

#: Reply probability of an airliner's mode 3/C transponder (notional).
CIVIL_REPLY_PROB = 0.99
ALLEGIANCE_CODES = {"friend": int(Allegiance.FRIEND), "neutral": int(Allegiance.NEUTRAL)}


def add_traffic(sc: Scenario, rows: Rows, forces: dict[str, int]) -> dict[int, tuple]:
    """Mover rows of the air traffic; returns each row's transponder (reply prob, fail at s, fail prob)."""
    iff: dict[int, tuple] = {}
    for ac in sc.air_traffic:
        assert ac.launch_position is not None  # AirTraffic's validator refuses a site
        for i, t_l in enumerate(ac.launch_times()):
            row = rows.add(name=f"{ac.id}.{i + 1}", kind=MoverKind.AIRCRAFT, force=forces[ac.force], type_name=ac.id,
                           t_launch=t_l, vulnerability=DEFAULT_VULNERABILITY, rcs=ac.rcs_m2, rcs_side=ac.rcs_side_m2,
                           rcs_tail=ac.rcs_tail_m2, pos0=ecef(ac.launch_position),
                           allegiance=ALLEGIANCE_CODES[ac.identity], **route_fields(rows, ac.route))
            if ac.iff is not None:
                iff[row] = (ac.iff.reply_prob, np.inf if ac.iff.fail_at_s is None else ac.iff.fail_at_s,
                            ac.iff.fail_prob, "5" in ac.iff.modes, "3c" in ac.iff.modes)
    for c in sc.corridors:
        al = c.airliners
        if al is None:
            continue
        pts = list(reversed(c.waypoints)) if al.reverse else list(c.waypoints)
        start = Position(lat_deg=pts[0].lat_deg, lon_deg=pts[0].lon_deg, alt_m=al.alt_m)
        for i in range(al.count):
            off, cnt = rows.add_route(waypoint_rows(pts[1:]))
            row = rows.add(name=f"{c.id}.airliner{i + 1}", kind=MoverKind.AIRCRAFT, force=forces[al.force],
                     type_name=f"{c.id}.airliner", t_launch=al.start_s + i * al.interval_s,
                     vulnerability=DEFAULT_VULNERABILITY, rcs=al.rcs_m2, pos0=ecef(start),
                     allegiance=int(Allegiance.NEUTRAL), behavior=Behavior.ROUTE, wp_offset=off, wp_count=cnt,
                     speed=al.speed_mps, agl=al.alt_m, loop=False)
            if al.squawk:
                iff[row] = (CIVIL_REPLY_PROB, np.inf, 0.0, False, True)
    return iff


def contested_table(sc: Scenario, movers: MoverTable, shooters: ShooterTable, forces: dict[str, int],
                    iff: dict[int, tuple]) -> ContestedTable:
    """The compiled corridors, transponders, identification rules, outages and airspace zones."""
    n = movers.n
    has, civil = np.zeros(n, bool), np.zeros(n, bool)
    reply, fail_at, fail_p = np.zeros(n), np.full(n, np.inf), np.zeros(n)
    for row, (p, t_f, p_f, mode5, mode3c) in iff.items():
        has[row], civil[row], reply[row], fail_at[row], fail_p[row] = mode5, mode3c, p, t_f, p_f
    lat: list[float] = []
    lon: list[float] = []
    offset, count = [], []
    for c in sc.corridors:
        offset.append(len(lat))
        count.append(len(c.waypoints))
        lat.extend(w.lat_deg * DEG for w in c.waypoints)
        lon.extend(w.lon_deg * DEG for w in c.waypoints)
    ident = None
    if sc.identification is not None:
        ident = sc.identification.model_dump()
        poly = sc.identification.friendly_origin
        ident["origin_lat"] = None if poly is None else np.array([w.lat_deg * DEG for w in poly])
        ident["origin_lon"] = None if poly is None else np.array([w.lon_deg * DEG for w in poly])
        del ident["friendly_origin"]
    group = np.array(shooters.group, dtype=object)
    o_force, o_shooters = [], []
    for o in sc.c2_outages:
        if o.force is not None:
            o_force.append(forces[o.force])
            o_shooters.append(np.flatnonzero(shooters.force == forces[o.force]).astype(np.int32))
        else:
            o_force.append(-1)
            o_shooters.append(np.flatnonzero(group == o.battery).astype(np.int32))
    codes = {v: k for k, v in WCS_NAMES.items()}
    z_lat: list[float] = []
    z_lon: list[float] = []
    z_off, z_cnt = [], []
    for z in sc.airspace_zones:
        z_off.append(len(z_lat))
        z_cnt.append(len(z.polygon))
        z_lat.extend(p.lat_deg * DEG for p in z.polygon)
        z_lon.extend(p.lon_deg * DEG for p in z.polygon)
    zones = sc.airspace_zones
    table = ContestedTable(
        has_iff=has, iff_reply_prob=reply, iff_fail_at=fail_at, iff_fail_prob=fail_p,
        corridor_name=[c.id for c in sc.corridors], corridor_civil=np.array([c.kind == "civil" for c in sc.corridors], bool),
        corridor_offset=np.array(offset, np.int32), corridor_count=np.array(count, np.int32),
        corridor_half_width=np.array([c.half_width_m for c in sc.corridors], float),
        corridor_min_alt=np.array([c.min_alt_m for c in sc.corridors], float),
        corridor_max_alt=np.array([c.max_alt_m for c in sc.corridors], float),
        corridor_max_speed=np.array([c.max_speed_mps for c in sc.corridors], float),
        pt_lat=np.array(lat, float), pt_lon=np.array(lon, float), identification=ident,
        outage_force=np.array(o_force, np.int16), outage_shooters=o_shooters,
        outage_start=np.array([o.start_s for o in sc.c2_outages], float),
        outage_end=np.array([np.inf if o.end_s is None else o.end_s for o in sc.c2_outages], float),
        outage_prob=np.array([o.prob for o in sc.c2_outages], float), has_civil=civil,
        zone_name=[z.id for z in zones], zone_fighters=np.array([z.kind in ("fez", "jez") for z in zones], bool),
        zone_batteries=np.array([z.kind in ("mez", "jez") for z in zones], bool),
        zone_offset=np.array(z_off, np.int32), zone_count=np.array(z_cnt, np.int32),
        zone_min_alt=np.array([z.min_alt_m for z in zones], float),
        zone_max_alt=np.array([z.max_alt_m for z in zones], float),
        zone_lat=np.array(z_lat, float), zone_lon=np.array(z_lon, float),
        zone_wcs_time=[np.array([0.0, *(c.at_s for c in z.changes)]) for z in zones],
        zone_wcs=[np.array([codes[z.wcs], *(codes[c.wcs] for c in z.changes)], np.int8) for z in zones],
    )
    return table


def jamming_table(sc: Scenario, movers: MoverTable, n_sensors: int) -> JammingTable | None:
    """The jammers (one per launch of each host aircraft) and the radars' electronic protection (None:
    no jammer)."""
    if not sc.jammers:
        return None
    ep = sc.electronic_protection
    host, name, standoff, power, gain, bw, on = [], [], [], [], [], [], []
    for j in sc.jammers:
        rows = [i for i, t in enumerate(movers.type_name) if t == j.host and movers.allegiance[i] == 0]
        for k, row in enumerate(rows):
            host.append(row)
            name.append(f"{j.id}.{k + 1}")
            standoff.append(j.kind == "standoff")
            power.append(j.power_w)
            gain.append(10.0 ** (j.gain_db / 10.0))
            bw.append(j.bandwidth_hz)
            on.append(j.on_s)
    full = lambda v: np.full(n_sensors, float(v))  # noqa: E731
    return JammingTable(
        host=np.array(host, np.int32), name=name, standoff=np.array(standoff, bool), power=np.array(power, float),
        gain=np.array(gain, float), bandwidth=np.array(bw, float), on=np.array(on, float),
        radar_gain=full(10.0 ** (ep.gain_db / 10.0)), noise_figure_db=full(ep.noise_figure_db),
        sidelobe=full(10.0 ** (ep.sidelobe_db / 10.0)), half_beam=full(ep.beamwidth_deg * DEG / 2.0),
        eccm_db=full(ep.eccm_db), strobe_jn=full(10.0 ** (ep.strobe_jn_db / 10.0)))


def radar_load_table(sensors: list[dict]) -> RadarLoadTable | None:
    """The multifunction radars among the sensor rows (None: none)."""
    rows = [(i, s["multifunction"]) for i, s in enumerate(sensors) if s.get("multifunction") is not None]
    if not rows:
        return None
    return RadarLoadTable(sensor=np.array([i for i, _ in rows], np.int32),
                          track_load=np.array([m.track_dwell_s * m.track_rate_hz for _, m in rows], float),
                          uplink_load=np.array([m.uplink_dwell_s * m.uplink_rate_hz for _, m in rows], float),
                          min_search=np.array([m.min_search_fraction for _, m in rows], float))
