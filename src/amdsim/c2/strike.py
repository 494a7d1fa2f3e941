"""Left of launch: strikes on launch sites before they fire.

For each launch site, surveillance finds it with probability ``detectability`` after an
exponentially distributed search time (mean ``search_time_s``); a strike arrives
``response_time_s`` later and neutralises the site with probability ``pk``. Every threat that
site had not yet fired is then neutralised. All draws come from the ``strike`` stream, in site order.
"""

from __future__ import annotations

import numpy as np

from amdsim.engine.state import Fate


def plan_strikes(cs, streams) -> np.ndarray:
    """(L,) time (s) at which each launch site is neutralised, inf if never."""
    n = cs.site_rows.size
    if not cs.strike_enabled or n == 0:
        return np.full(n, np.inf)
    g = streams.strike
    found = g.random(n) < cs.site_detectability
    t_find = g.exponential(cs.strike_search, n)
    hit = g.random(n) < cs.strike_pk
    return np.where(found & hit, t_find + cs.strike_response, np.inf)


def apply_strikes(r, t_struck: np.ndarray) -> None:
    """Neutralise the threats each struck site would have launched after its strike; log the events."""
    cs, w = r.cs, r.world
    m = cs.movers
    for k, site in enumerate(cs.site_rows.tolist()):
        t = float(t_struck[k])
        if not np.isfinite(t) or t > cs.duration:
            continue
        r.log.add(t, "site_struck", actor=site, force=int(m.force[site]), pos=w.pos[site],
                  detail=f"site={m.name[site]}")
        victims = np.flatnonzero((m.parent == site) & (w.fate == Fate.PENDING) & (w.t_launch > t) & m.is_threat)
        for row in victims.tolist():
            w.fate[row] = Fate.NEUTRALIZED
            w.t_end[row] = t
            w.t_launch[row] = np.inf
            r.log.add(t, "launch_neutralized", actor=row, target=int(m.aim_asset[row]), force=int(m.force[row]),
                      pos=w.pos[site], detail=f"site={m.name[site]}")
