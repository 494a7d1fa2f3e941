"""Degraded C2: a link or a command node lost at a time, or by chance (``c2_outages:``).

Each outage happens in a replication with its ``prob`` (drawn once at the start, ``outage`` stream)
and lasts from ``start_s`` to ``end_s``. While it lasts:

- a *force* outage cuts the force's data link both ways (no report sent or received; the reports
  already received are dropped, so its picture falls back to its own sensors) and makes every one of
  its shooters autonomous;
- a *battery* outage makes that shooter autonomous: it engages only tracks its own radar holds
  (launch on remote refused) and identifies them on its own evidence (its own radar's IFF, what its
  own radar saw of the track's origin, its own identification memory, started afresh).

When the outage ends the link is restored (reports flow at the next update) and the shooter rejoins
the network's picture and identification. Each change is logged (``ContestedState.c2_log``) and
written as an event (``link_lost`` / ``link_restored``).
"""

from __future__ import annotations

import numpy as np

from amdsim.links.shared_picture import SharedPictureLink
from amdsim.world.events import EventLog
from amdsim.world.identity import ContestedState


def degrade_c2(st: ContestedState | None, link: SharedPictureLink, t: float, log: EventLog) -> None:
    """Apply the outages in force at ``t`` (s): the link's pairs and the autonomous shooters."""
    if st is None or st.table.outage_start.size == 0:
        return
    tab = st.table
    now = st.outage_on & (tab.outage_start <= t + 1e-9) & (t + 1e-9 < tab.outage_end)
    cut = np.zeros_like(st.link_cut)
    auto = np.zeros_like(st.autonomous)
    for o in np.flatnonzero(now).tolist():
        if tab.outage_force[o] >= 0:
            cut[int(tab.outage_force[o])] = True
        auto[tab.outage_shooters[o]] = True
    for f in np.flatnonzero(cut != st.link_cut).tolist():
        lost = bool(cut[f])
        if lost:
            link.received[f] = {}
        st.c2_log.append((t, "link_lost" if lost else "link_restored", f, -1))
        log.add(t, "link_lost" if lost else "link_restored", force=f)
    for k in np.flatnonzero(auto != st.autonomous).tolist():
        st.c2_log.append((t, "autonomous" if auto[k] else "rejoined", -1, k))
        st.memory.pop(("shooter", k), None)     # an autonomous shooter identifies afresh
        log.add(t, "autonomous" if auto[k] else "rejoined", value=k)
    if (cut != st.link_cut).any():
        base = (link.side[:, None] == link.side[None, :]) & ~np.eye(link.side.size, dtype=bool)
        link.linked = base & ~cut[:, None] & ~cut[None, :]
    st.link_cut, st.autonomous = cut, auto
