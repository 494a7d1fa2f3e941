"""Physical sanity checks after each step: non-finite states and impossible speeds stop the run."""

from __future__ import annotations

import numpy as np

from amdsim.errors import SimulationError

#: No mover in these scenarios flies faster than this (m/s); interceptors and RVs stay well below.
MAX_SPEED = 12_000.0


def check_world(r) -> None:
    w = r.world
    act = w.is_active
    bad = act & ~(np.isfinite(w.pos).all(axis=1) & np.isfinite(w.vel).all(axis=1))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise SimulationError("non-finite position or velocity", time_s=w.t, mover=r.cs.movers.name[row])
    speed2 = np.einsum("ij,ij->i", w.vel, w.vel)
    fast = act & (speed2 > MAX_SPEED**2)
    if fast.any():
        row = int(np.flatnonzero(fast)[0])
        raise SimulationError(f"speed {np.sqrt(speed2[row]):.0f} m/s exceeds the physical limit {MAX_SPEED:.0f} m/s",
                              time_s=w.t, mover=r.cs.movers.name[row])
