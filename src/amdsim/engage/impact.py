"""Threats that reached the ground this step: which defended asset each one hit, and the damage.

An impact within an asset's ``radius_m`` of its centre (ECEF distance) hits the nearest such asset
and adds 1.0 to its damage; otherwise it is a ground impact (``target`` -1). Both are logged.
"""

from __future__ import annotations

import numpy as np

from amdsim.world.events import EventLog
from amdsim.world.messages import MoverEvents
from amdsim.world.state import World
from amdsim.world.tables import CompiledScenario


def assess_impacts(w: World, cs: CompiledScenario, ev: MoverEvents, log: EventLog) -> None:
    """Log every impact of the step, mark the asset it hit in ``w.impact_asset`` and damage it."""
    m = cs.movers
    for row, pos in zip(ev.impacted.tolist(), ev.impact_pos, strict=True):
        hit = asset_hit(w, cs, pos)
        asset = int(cs.asset_rows[hit]) if hit >= 0 else -1
        w.impact_asset[row] = asset
        log.add(w.t, "impact", actor=row, target=asset, force=int(m.force[row]), pos=pos)
        if hit >= 0:
            w.asset_damage[hit] += 1.0
            log.add(w.t, "asset_damaged", actor=asset, target=row, force=int(m.force[asset]), pos=w.pos[asset],
                    value=float(w.asset_damage[hit]))


def asset_hit(w: World, cs: CompiledScenario, pos: np.ndarray) -> int:
    """Index (into ``cs.asset_rows``) of the nearest asset whose radius contains ``pos`` (ECEF m), -1 if none."""
    if cs.asset_rows.size == 0:
        return -1
    d = np.linalg.norm(w.pos[cs.asset_rows] - pos[None, :], axis=1)
    ok = d <= cs.asset_radius
    return int(np.argmin(np.where(ok, d, np.inf))) if ok.any() else -1
