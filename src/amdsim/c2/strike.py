"""Left of launch: strikes on launch sites before they fire.

For each launch site, surveillance finds it with probability ``detectability`` after an
exponentially distributed search time (mean ``search_time_s``); a strike arrives
``response_time_s`` later and neutralises the site with probability ``pk``. Every threat that
site had not yet fired is then neutralised. All draws come from the ``strike`` stream, in site
order, once at the start (:func:`plan_strikes`); the step applies each strike when its time comes
(:func:`apply_strikes`), before the movers launch anything in that step.
"""

from __future__ import annotations

import numpy as np

from amdsim.core.rng import Streams
from amdsim.world.events import EventLog
from amdsim.world.state import Fate, World
from amdsim.world.tables import CompiledScenario


def plan_strikes(cs: CompiledScenario, streams: Streams) -> np.ndarray:
    """(L,) time (s) at which each launch site is neutralised, inf if never (or after the scenario's end)."""
    n = cs.site_rows.size
    if not cs.strike_enabled or n == 0:
        return np.full(n, np.inf)
    g = streams.strike
    found = g.random(n) < cs.site_detectability
    t_find = g.exponential(cs.strike_search, n)
    hit = g.random(n) < cs.strike_pk
    t = np.where(found & hit, t_find + cs.strike_response, np.inf)
    return np.where(t <= cs.duration, t, np.inf)


def apply_strikes(w: World, cs: CompiledScenario, t_struck: np.ndarray, log: EventLog, until: float) -> None:
    """Carry out the strikes due by ``until`` (s): neutralise the threats each struck site would have
    launched after its strike, log the events, and mark the strike done (its time becomes inf)."""
    due = np.flatnonzero(t_struck <= until + 1e-9)
    m = cs.movers
    for k in due.tolist():
        site = int(cs.site_rows[k])
        t = float(t_struck[k])
        t_struck[k] = np.inf
        log.add(t, "site_struck", actor=site, force=int(m.force[site]), pos=w.pos[site], detail=f"site={m.name[site]}")
        victims = np.flatnonzero((m.parent == site) & (w.fate == Fate.PENDING) & (w.t_launch > t) & m.is_threat)
        for row in victims.tolist():
            w.fate[row] = Fate.NEUTRALIZED
            w.t_end[row] = t
            w.t_launch[row] = np.inf
            log.add(t, "launch_neutralized", actor=row, target=int(m.aim_asset[row]), force=int(m.force[row]),
                    pos=w.pos[site], detail=f"site={m.name[site]}")
