"""IFF interrogation: a blue radar's detection interrogates the target; its transponder may answer.

Mark XII-style secure modes, notional: every blue radar carries an interrogator (identification
friend or foe, the secondary radar sharing its antenna) that interrogates each plot it detects within
``identification.iff_range_m``. A mover with a working transponder (``air_traffic[].iff``) answers
with ``reply_prob`` per interrogation, independently (one draw per interrogation from the ``iff``
stream, in detection order). A transponder fails at ``fail_at_s`` or, by chance, from the start.
Red threats and civil aircraft carry no military transponder and never answer.

The reply is correlated with the plot that triggered it perfectly (same antenna, same beam): the
evidence is kept per (sensor, mover) in :class:`~amdsim.world.identity.ContestedState`
(``last_reply``, ``silent``), and identification reads it for the mover behind each track.
"""

from __future__ import annotations

import numpy as np

from amdsim.core.kinds import BLUE
from amdsim.world.identity import ContestedState
from amdsim.world.messages import Detections
from amdsim.world.tables import CompiledScenario


def interrogate(st: ContestedState | None, cs: CompiledScenario, det: Detections, rng: np.random.Generator) -> None:
    """Interrogate every blue detection of a real target within IFF range; update the evidence."""
    if st is None or st.table.identification is None or det.n == 0:
        return
    tab = st.table
    rules = st.table.identification
    ok = (det.target >= 0) & (cs.force_side[cs.sensors.force[det.sensor]] == BLUE)
    ok &= det.range <= float(rules["iff_range_m"])
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return
    s, m = det.sensor[idx], det.target[idx]
    alive = det.time < st.iff_fail_at[m]
    draw = rng.random((idx.size, 2))        # per interrogation: mode 5, mode 3/C
    reply = tab.has_iff[m] & alive & (draw[:, 0] < tab.iff_reply_prob[m])
    civil = tab.has_civil[m] & alive & (draw[:, 1] < tab.iff_reply_prob[m])
    st.interrogations += int(idx.size)
    st.replies += int(reply.sum())
    st.last_reply[s[reply], m[reply]] = det.time
    st.last_civil[s[civil], m[civil]] = det.time
    st.silent[s[reply], m[reply]] = 0
    np.add.at(st.silent, (s[~reply], m[~reply]), 1)
