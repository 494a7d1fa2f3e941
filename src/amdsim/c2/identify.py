"""Combat identification: every track's identity from the evidence the force has, and the rules of
engagement that say which identities a shooter may engage at its weapon control status.

Evidence (all from what the force's sensors and network hold; the truth is read only as the key of
the IFF reply, which is correlated with its plot perfectly, ``sensors/iff.py``):

- IFF: a valid reply to the force's interrogators (or to its linked allies') within ``iff_memory_s``;
  unanswered interrogations since the last reply (``silent``);
- point of origin: where the deciding node first saw the track, inside or outside the
  ``friendly_origin`` polygon;
- procedure: inside a corridor of the airspace control order (within its half-width of the centreline,
  inside its height band, no faster than its speed limit);
- flight profile: ground speed, and descent rate (a missile's speed, an attack or anti-radiation
  missile's dive);
- what the node decided before (identities are kept, a positive IFF reply always wins);
- the identity shared over the link: what a linked ally's network decided for the same track (its
  track id on the link, or the one fused into the force's track), as of the last decision cycle.

The rules, a decision list taken in order (the first that applies decides; ``Rule`` names it):

====  ===========================================  ===================  ===================
 #    condition                                     identity             rule
====  ===========================================  ===================  ===================
 1    valid IFF reply within iff_memory_s          friend               iff_reply
 1b   decided before as friend                      friend               held
 1c   a linked ally decided friend, assumed         (the ally's)         network
      friend, neutral or hostile
 2    decided before as friend, assumed friend,     (kept)               held
      neutral or hostile
 3    first seen inside friendly territory          assumed friend       origin
 4    in a return corridor, adhering                assumed friend       return_corridor
 5    in a civil corridor, adhering                 neutral              civil_corridor
 5b   a mode 3/C reply, civil profile (not 6, 7)    neutral              civil_squawk
 6    speed above hostile_speed_mps                 hostile              profile_speed
 7    descent rate above hostile_descent_mps        hostile              profile_descent
 8    >= silent_interrogations unanswered, first    suspect              silent_outside
      seen outside friendly territory
 9    >= silent_interrogations unanswered           unknown              silent
 10   otherwise                                     pending              none
====  ===========================================  ===================  ===================

``profile_before_procedure: true`` (looser criteria) moves rules 6-7 ahead of rules 2 (except a held
friend) to 5: a hostile profile then overrides a friendly origin, corridor adherence and an earlier
assumed friend. The rules follow the combat identification criteria of JP 3-01 (Countering Air and
Missile Threats, 2017, app. on combat identification) and the lessons of the 2003 fratricides
(Defense Science Board, Report on Patriot System Performance, 2005): notional thresholds.

Who decides: the force's network decides one identity per track of its fused picture, on the IFF
evidence of its own and its linked allies' interrogators. A shooter cut off from the network
(``links/degrade.py``) decides alone: on its own radar's interrogations, and on what its own radar
saw of the track since it went autonomous (its own memory, its own point of origin).

Weapon control status (``world/identity.py`` ``ENGAGEABLE``): free engages unknown, suspect and hostile
tracks; tight only hostile ones; hold none. A shooter's status is free when its doctrine is
``weapons_free``, tight otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from amdsim.c2.airspace import airspace_rules, in_polygon
from amdsim.c2.reasons import Why
from amdsim.core.geodesy import ecef2geodetic
from amdsim.core.kinds import BLUE
from amdsim.links.shared_picture import ALLY_ID_OFFSET
from amdsim.world.identity import (
    WCS_FREE,
    WCS_TIGHT,
    ContestedState,
    ContestedTable,
    Identity,
    IdentityMemory,
    Roe,
    Rule,
    engageable,
)
from amdsim.world.picture import Picture
from amdsim.world.state import World
from amdsim.world.tables import CompiledScenario

EARTH_RADIUS_M = 6_371_000.0
#: Identities kept once decided (rule 2); pending, unknown and suspect are re-evaluated each cycle.
HELD = (Identity.FRIEND, Identity.ASSUMED_FRIEND, Identity.NEUTRAL, Identity.HOSTILE)
IS_HELD = np.isin(np.arange(len(Identity)), HELD)
#: Plain ints of the identities (an IntEnum costs a Python call per use on the hot path)
_I = {i.name: int(i) for i in Identity}


def identity_rules(prev: np.ndarray, iff_reply: np.ndarray, silent: np.ndarray, origin_friendly: np.ndarray,
                   origin_outside: np.ndarray, in_return: np.ndarray, in_civil: np.ndarray, speed: np.ndarray,
                   descent: np.ndarray, n_silent: int, hostile_speed: float, hostile_descent: float,
                   profile_first: bool = False, network: np.ndarray | None = None,
                   civil_squawk: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The decision list of the module docstring over M tracks: ``(identity, rule)``, (M,) int8 each.

    ``prev`` (M,) int8 Identity decided before (PENDING: none); ``iff_reply`` (M,) bool a valid reply
    is current; ``silent`` (M,) int unanswered interrogations since; ``origin_friendly`` /
    ``origin_outside`` (M,) bool first seen inside / outside friendly territory (both False: no
    territory given); ``in_return`` / ``in_civil`` (M,) bool adhering to a corridor; ``speed`` (M,)
    m/s; ``descent`` (M,) m/s, positive down; ``network`` (M,) int8 the identity a linked ally decided
    (PENDING: none); ``civil_squawk`` (M,) bool a current mode 3/C reply.
    """
    held = IS_HELD[prev]
    fast, diving = speed > hostile_speed, descent > hostile_descent
    net = np.full(prev.size, int(Identity.PENDING), np.int8) if network is None else network
    squawk = np.zeros(prev.size, bool) if civil_squawk is None else civil_squawk
    rules: list[tuple[Any, Any, Rule]] = [
        (iff_reply, _I['FRIEND'], Rule.IFF_REPLY),
        (held & (prev == _I['FRIEND']), _I['FRIEND'], Rule.HELD),
        (IS_HELD[net], net, Rule.NETWORK),
    ]
    profile: list[tuple[Any, Any, Rule]] = [(fast, _I['HOSTILE'], Rule.PROFILE_SPEED), (diving, _I['HOSTILE'], Rule.PROFILE_DESCENT)]
    procedure: list[tuple[Any, Any, Rule]] = [
        (origin_friendly, _I['ASSUMED_FRIEND'], Rule.ORIGIN),
        (in_return, _I['ASSUMED_FRIEND'], Rule.RETURN_CORRIDOR),
        (in_civil, _I['NEUTRAL'], Rule.CIVIL_CORRIDOR),
        (squawk & ~fast & ~diving, _I['NEUTRAL'], Rule.CIVIL_SQUAWK),
    ]
    keep: list[tuple[Any, Any, Rule]] = [(held, prev, Rule.HELD)]
    rules += (profile + keep + procedure) if profile_first else (keep + procedure + profile)
    rules += [
        ((silent >= n_silent) & origin_outside, _I['SUSPECT'], Rule.SILENT_OUTSIDE),
        (silent >= n_silent, _I['UNKNOWN'], Rule.SILENT),
    ]
    m = prev.size
    # the first rule that applies, for every track at once: (R, M) conditions, argmax finds the first True
    conds = np.empty((len(rules), m), bool)
    who = np.empty((len(rules), m), np.int8)
    for i, (c, x, _) in enumerate(rules):
        conds[i] = c
        who[i] = x
    codes = np.array([int(r) for _, _, r in rules], np.int8)
    first = conds.argmax(axis=0)
    hit = conds[first, np.arange(m)]
    ident = np.where(hit, who[first, np.arange(m)], int(Identity.PENDING)).astype(np.int8)
    rule = np.where(hit, codes[first], int(Rule.NONE)).astype(np.int8)
    return ident, rule


def corridor_distance(lat: np.ndarray, lon: np.ndarray, tab: ContestedTable) -> np.ndarray:
    """(M,C) m: each point's distance to each corridor's centreline (segments projected on the plane
    tangent at their first point, an equirectangular approximation good to well under 1 % over legs
    of a few hundred km)."""
    out = np.full((lat.size, tab.corridor_offset.size), np.inf)
    for c, (off, cnt) in enumerate(zip(tab.corridor_offset.tolist(), tab.corridor_count.tolist(), strict=True)):
        a_lat, a_lon = tab.pt_lat[off:off + cnt - 1], tab.pt_lon[off:off + cnt - 1]
        b_lat, b_lon = tab.pt_lat[off + 1:off + cnt], tab.pt_lon[off + 1:off + cnt]
        cos = np.cos(a_lat)[None, :]
        px, py = (lon[:, None] - a_lon[None, :]) * cos * EARTH_RADIUS_M, (lat[:, None] - a_lat[None, :]) * EARTH_RADIUS_M
        bx, by = (b_lon - a_lon)[None, :] * cos * EARTH_RADIUS_M, (b_lat - a_lat)[None, :] * EARTH_RADIUS_M
        u = np.clip((px * bx + py * by) / np.maximum(bx * bx + by * by, 1e-9), 0.0, 1.0)
        out[:, c] = np.hypot(px - u * bx, py - u * by).min(axis=1)
    return out


def _adhering(pos: np.ndarray, vel: np.ndarray, tab: ContestedTable) -> tuple[np.ndarray, ...]:
    """(lat, lon, in_return, in_civil, descent, alt) of tracks at ``pos`` / ``vel`` (ECEF); rad, m/s, m."""
    lat, lon, alt = ecef2geodetic(pos)
    up = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)
    descent = -np.einsum("ij,ij->i", vel, up)
    speed = np.linalg.norm(vel, axis=1)
    if tab.corridor_offset.size == 0:
        no = np.zeros(lat.size, bool)
        return lat, lon, no, no, descent, alt
    ok = ((corridor_distance(lat, lon, tab) <= tab.corridor_half_width[None, :])
          & (alt[:, None] >= tab.corridor_min_alt[None, :]) & (alt[:, None] <= tab.corridor_max_alt[None, :])
          & (speed[:, None] <= tab.corridor_max_speed[None, :]))
    return (lat, lon, (ok & ~tab.corridor_civil[None, :]).any(axis=1), (ok & tab.corridor_civil[None, :]).any(axis=1),
            descent, alt)


def _evidence(st: ContestedState, sensors: np.ndarray, truth: np.ndarray, t: float
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mode-5 reply (M,) bool, silent (M,) int, mode-3/C reply (M,) bool) of the tracks with ``truth``
    over the interrogations of ``sensors`` (rows); a reply counts while younger than iff_memory_s."""
    m = truth.size
    real = truth >= 0
    if sensors.size == 0 or not real.any():
        return np.zeros(m, bool), np.zeros(m, np.int32), np.zeros(m, bool)
    cols = np.where(real, truth, 0)
    last = st.last_reply[np.ix_(sensors, cols)].max(axis=0)
    civil = st.last_civil[np.ix_(sensors, cols)].max(axis=0)
    silent = st.silent[np.ix_(sensors, cols)].max(axis=0)
    memory = float(st.table.identification["iff_memory_s"]) if st.table.identification else 0.0
    return real & (t - last <= memory), np.where(real, silent, 0), real & (t - civil <= memory)


def _decide(st: ContestedState, key: tuple, pic: Picture, rows: np.ndarray, sensors: np.ndarray, t: float,
            kin: tuple, force: int, shooter: int, network: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Identity and rule of the tracks ``rows`` of ``pic`` by the node ``key``; its memory updated."""
    p = st.table.identification
    assert p is not None
    lat, lon, in_ret, in_civ, descent = (a[rows] for a in kin[:5])
    ids = pic.track_id[rows]
    mem = st.memory.get(key, IdentityMemory.empty())
    j = np.clip(np.searchsorted(mem.track_id, ids), 0, max(mem.track_id.size - 1, 0))
    known = (mem.track_id.size > 0) & (mem.track_id[j] == ids) if mem.track_id.size else np.zeros(ids.size, bool)
    prev = np.where(known, mem.identity[j] if mem.track_id.size else 0, int(Identity.PENDING)).astype(np.int8)
    poly = p["origin_lat"] is not None
    inside_now = in_polygon(lat, lon, p["origin_lat"], p["origin_lon"]) if poly else np.zeros(ids.size, bool)
    origin = np.where(known, mem.friendly_origin[j] if mem.track_id.size else False, inside_now)
    reply, silent, squawk = _evidence(st, sensors, pic.truth[rows], t)
    speed = np.linalg.norm(pic.vel[rows], axis=1)
    ident, rule = identity_rules(prev, reply, silent, origin, poly & ~origin, in_ret & p["use_corridors"],
                                 in_civ & p["use_corridors"], speed, descent, int(p["silent_interrogations"]),
                                 float(p["hostile_speed_mps"]), float(p["hostile_descent_mps"]),
                                 bool(p["profile_before_procedure"]), network, squawk)
    changed = ~known | (prev != ident)
    for i in np.flatnonzero(changed & (ident != Identity.PENDING)).tolist():
        st.log.append((t, force, shooter, int(ids[i]), int(pic.truth[rows][i]), int(ident[i]), int(rule[i])))
    keep = ~np.isin(mem.track_id, ids)
    order = np.argsort(np.concatenate([mem.track_id[keep], ids]), kind="stable")
    st.memory[key] = IdentityMemory(np.concatenate([mem.track_id[keep], ids])[order],
                                    np.concatenate([mem.identity[keep], ident])[order],
                                    np.concatenate([mem.rule[keep], rule])[order],
                                    np.concatenate([mem.friendly_origin[keep], origin])[order])
    return ident, rule


def identify(st: ContestedState | None, w: World, cs: CompiledScenario, pictures: list[Picture]) -> None:
    """Set each blue force's picture's identity column and its shooters' rules of engagement."""
    if st is None:
        return
    sh, sn = cs.shooters, cs.sensors
    wcs = np.where(sh.weapons_free, WCS_FREE, WCS_TIGHT).astype(np.int8)
    on = st.table.identification is not None
    t = w.t
    before = dict(st.memory)        # allies' decisions as of the last cycle: no dependence on force order
    for f, pic in enumerate(pictures):
        if cs.force_side[f] != BLUE:
            continue
        m, k = pic.n, sh.n
        hostile = np.full((k, m), int(Identity.HOSTILE), np.int8)
        kin = _adhering(pic.pos, pic.vel, st.table)
        zone_ok, pair_wcs = airspace_rules(st.table, sh.is_fighter, wcs, kin[0], kin[1], kin[5], t)
        roe = Roe(hostile, np.zeros((k, m), np.int8), np.ones((k, m), bool), pair_wcs, st.autonomous.copy(), zone_ok)
        pic.roe = roe
        if on:
            net = (cs.force_side == cs.force_side[f]) & ~st.link_cut
            net[f] = True
            if st.link_cut[f]:
                net[:] = False
                net[f] = True
            every = np.arange(m)
            allies = np.flatnonzero(net & (np.arange(net.size) != f))
            ident, rule = _decide(st, ("force", f), pic, every, np.flatnonzero(net[sn.force]), t, kin, f, -1,
                                  shared_identity(pic, before, allies))
            pic.identity = ident
            roe.identity[:], roe.rule[:] = ident[None, :], rule[None, :]
        for s in np.flatnonzero((sh.force == f) & st.autonomous).tolist():
            own = np.flatnonzero(sn.host == sh.host[s])
            since = np.full((1, m), t - cs.max_track_age)
            held = pic.sightings.held(pic.track_id, sn.host, sh.host[s:s + 1], since)[0] if pic.sightings is not None \
                else np.zeros(m, bool)
            roe.held[s] = held
            roe.identity[s] = int(Identity.PENDING) if on else int(Identity.HOSTILE)
            rows = np.flatnonzero(held)
            if on and rows.size:
                roe.identity[s, rows], roe.rule[s, rows] = _decide(st, ("shooter", s), pic, rows, own, t, kin, f, s)


def apply_roe(why: np.ndarray, tp: Picture, present: np.ndarray) -> None:
    """Mark, in the (K,M) reason codes ``why`` of the ``present`` shooters against the tracks of ``tp``,
    the pairs the rules of engagement refuse: ``NOT_HELD`` for an autonomous shooter's track its own
    radar does not hold, ``AIRSPACE`` for a track in a zone the shooter's type may not engage in
    (``c2/airspace.py``), ``IDENTITY`` for a track whose identity its weapon control status does not
    allow. No rules (identification off, no outage): nothing changes."""
    roe = tp.roe
    if roe is None:
        return
    feasible = why == Why.FEASIBLE
    why[feasible & ~roe.held[present]] = Why.NOT_HELD
    why[(why == Why.FEASIBLE) & ~roe.zone_ok[present]] = Why.AIRSPACE
    ok = engageable(roe.identity[present], roe.wcs[present])
    why[(why == Why.FEASIBLE) & ~ok] = Why.IDENTITY


def roe_allows(pic: Picture, shooter: int) -> np.ndarray:
    """(M,) bool: the rules of engagement let ``shooter`` engage each track of ``pic`` (its airspace, its
    own radar's hold when autonomous, the identity at its weapon control status); all True without
    rules. Fighters are vectored only at these (c2/fighters.py): deconfliction with the batteries."""
    roe = pic.roe
    if roe is None:
        return np.ones(pic.n, bool)
    out: np.ndarray = roe.zone_ok[shooter] & roe.held[shooter] & engageable(roe.identity[shooter], roe.wcs[shooter])
    return out


def shared_identity(pic: Picture, memory: dict, allies: np.ndarray) -> np.ndarray:
    """(M,) int8: the identity the linked ``allies`` decided for each track of ``pic`` (PENDING: none),
    found under the allied track id the link carries (``ALLY_ID_OFFSET``) or fused into the track
    (``Picture.aliases``); the first ally in force order with a decided identity wins."""
    out = np.full(pic.n, int(Identity.PENDING), np.int8)
    if pic.n == 0 or allies.size == 0:
        return out
    cols = [np.arange(pic.n)]
    ally_ids = [pic.track_id]
    if pic.aliases is not None and pic.aliases[0].size:
        src, dst = pic.aliases
        pos = {int(tid): i for i, tid in enumerate(pic.track_id.tolist())}
        hit = np.array([pos.get(int(d), -1) for d in dst.tolist()], np.int64)
        cols.append(hit[hit >= 0])
        ally_ids.append(src[hit >= 0])
    col, aid = np.concatenate(cols), np.concatenate(ally_ids)
    g, tid = aid // ALLY_ID_OFFSET - 1, aid % ALLY_ID_OFFSET
    for ally in allies.tolist():
        mem = memory.get(("force", ally))
        sel = np.flatnonzero((g == ally) & (out[col] == Identity.PENDING))
        if mem is None or mem.track_id.size == 0 or sel.size == 0:
            continue
        j = np.clip(np.searchsorted(mem.track_id, tid[sel]), 0, mem.track_id.size - 1)
        ok = (mem.track_id[j] == tid[sel]) & np.isin(mem.identity[j], HELD)
        out[col[sel[ok]]] = mem.identity[j[ok]]
    return out
