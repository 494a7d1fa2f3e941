"""Interceptors in flight: guide each one over the step just simulated and resolve its endgame.

Each interceptor flies :func:`~amdsim.engage.flyout.pn_flyout` against the true target's motion
over the step (cubic between its state at the step's start and end): on the aim point of
:func:`_aim_points` until its seeker acquires, then on the seeker's noisy line of sight to the true
target (noise from the ``seeker`` stream, drawn in row order). Acquisitions and lost locks go to
the engagement book and the event log (``seeker_acquired``, ``seeker_lock_lost``). At the closest
approach the kill is drawn from the miss distance (``flyout.kill_probability``) times the target's
vulnerability, from the ``kill`` stream in row order.
"""

from __future__ import annotations

import numpy as np

from amdsim.core.constants import GLINT_REF_RCS_M2
from amdsim.core.kinds import INTERCEPTOR_BEHAVIOR
from amdsim.engage.flyout import (
    CPA,
    EXPIRED,
    GRAVITY_POINT,
    GRAVITY_ROTATING,
    LOCKED,
    kill_probability,
    pn_flyout,
)
from amdsim.engage.midcourse import aim_points, update_aim
from amdsim.sensors.jamming import seeker_ranges  # home-on-jam (issue 20)
from amdsim.world.engagements import EngagementBook
from amdsim.world.events import EventLog
from amdsim.world.picture import Picture
from amdsim.world.state import Fate, World
from amdsim.world.tables import CompiledScenario


def fly_interceptors(w: World, cs: CompiledScenario, pictures: list[Picture], book: EngagementBook,
                     streams, log: EventLog, dt: float) -> None:
    """Advance interceptors over the step just simulated (target truth moved from pos_prev to pos)."""
    rows = np.flatnonzero(w.is_active & (w.behavior == INTERCEPTOR_BEHAVIOR))
    if rows.size == 0:
        return
    it = cs.itypes
    sh = cs.shooters
    shots = w.icpt_shot[rows]
    shooter = np.asarray(book.shooter, np.int64)[shots]
    ty = sh.itype[shooter]
    tgt = w.icpt_target[rows]
    # a target that is already gone: the interceptor self-destructs
    lost = ~w.is_active[tgt] & (w.fate[tgt] != Fate.FLYING)
    t_start = w.t - dt
    # rows launched inside the step fly its rest; rows not flying start at its end (the kernel skips them)
    fly = ~lost & (w.t_launch[rows] < w.t - 1e-9)
    s_start = np.where(fly, np.clip(w.t_launch[rows] - t_start, 0.0, dt), dt)
    aim0, aim1 = _aim_points(w, cs, rows, pictures, book, dt)
    pm = w.pos[rows].copy()
    vm = w.vel[rows].copy()
    ctrl = w.icpt_ctrl[rows].copy()
    lock = w.icpt_lock[rows].copy()
    tof = np.maximum(t_start - w.t_launch[rows], 0.0)
    noise = _seeker_noise(streams, w, cs, rows, ty, fly, dt)
    glint = it.seeker_glint[ty] * np.sqrt(cs.movers.rcs[tgt] / GLINT_REF_RCS_M2)
    status, miss, t_ev, t_acq, r_acq, n_lost, _ = pn_flyout(
        pm, vm, tof, ctrl, lock, s_start, w.pos_prev[tgt], w.vel_prev[tgt], w.pos[tgt], w.vel[tgt], aim0, aim1,
        it.guidance_law[ty], it.nav_gain[ty], it.fc_time_constant[ty], it.fc_order[ty], it.max_accel[ty],
        it.boost_accel[ty], it.boost_time[ty], it.drag_coeff[ty], it.max_tof[ty], seeker_ranges(cs, w, ty, tgt),
        it.seeker_gimbal[ty], it.seeker_angle_noise[ty], glint, it.seeker_update[ty], noise, float(dt),
        GRAVITY_ROTATING if cs.earth_rotation else GRAVITY_POINT)
    w.pos[rows] = pm
    w.vel[rows] = vm
    w.icpt_ctrl[rows] = ctrl
    w.icpt_lock[rows] = lock
    w.refresh_geodetic(rows)
    _note_seeker(rows, shots, tgt, book, log, t_start + t_acq, r_acq, n_lost, t_start + dt)
    t_event = t_start + t_ev
    # endgames in row order: kill draws come from the kill stream in a fixed order
    done = np.flatnonzero((status == CPA) | (status == EXPIRED) | lost)
    if done.size == 0:
        return
    pk_all = kill_probability(np.nan_to_num(miss, nan=1e9), it.pk_max[ty], it.lethal_radius[ty]) * \
        cs.movers.vulnerability[tgt]
    draws = streams.kill.random(done.size)
    for n_done, i in enumerate(done.tolist()):
        row = int(rows[i])
        shot = int(shots[i])
        target = int(tgt[i])
        f = book.force[shot]
        w.is_active[row] = False
        w.fate[row] = Fate.EXPIRED
        w.t_end[row] = t_event[i]
        w.vel[row] = 0.0
        book.end_time[shot] = float(t_event[i])
        book.close(shot)
        st = book.status_of(f, book.track[shot])
        st.inflight = max(st.inflight - 1, 0)
        if lost[i] or status[i] == EXPIRED:
            book.outcome[shot] = "target_lost" if lost[i] else "expired"
            log.add(float(t_event[i]), "interceptor_expired", actor=row, target=target, force=f, pos=w.pos[row],
                    detail=book.outcome[shot])
            st.next_allowed = float(t_event[i])
            continue
        pk = float(pk_all[i])
        kill = bool(draws[n_done] < pk) and w.is_active[target]
        book.miss[shot] = float(miss[i])
        book.pk[shot] = pk
        book.outcome[shot] = "kill" if kill else "miss"
        log.add(float(t_event[i]), "intercept", actor=row, target=target, force=f, pos=w.pos[row],
                value=float(miss[i]), detail="hit" if kill else "miss")
        if kill:
            w.is_active[target] = False
            w.fate[target] = Fate.KILLED
            w.t_end[target] = float(t_event[i])
            w.killed_by[target] = row
            w.vel[target] = 0.0
        book.pending_assessments.append((float(t_event[i]) + 0.0, f, book.track[shot], shot))
        st.awaiting += 1            # "look": no new shot at this track until the assessment is in


def _aim_points(w: World, cs: CompiledScenario, rows: np.ndarray, pictures: list[Picture],
                book: EngagementBook, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """(n,3) ECEF midcourse aim points (m) of interceptors ``rows`` at the start and at the end of
    the step just simulated: the midcourse source's latest update (``engage/midcourse.py``: the
    launch-time prediction, the own radar's track or the fused track), flown at constant velocity."""
    update_aim(w, cs, rows, pictures, book)
    return aim_points(w, rows, w.t - dt, w.t)


def _seeker_noise(streams, w: World, cs: CompiledScenario, rows: np.ndarray, ty: np.ndarray, fly: np.ndarray,
                  dt: float) -> np.ndarray:
    """(n, U, 6) standard normals for the seeker's guidance updates of this step (angle 0:3, glint 3:6).

    Drawn from the ``seeker`` stream in row order, only for the rows that may be locked on during
    the step (locked already, or within acquisition range plus the step's closing distance at its
    start, with some noise to draw); U updates cover the step at the fastest update rate among them.
    """
    it = cs.itypes
    tgt = w.icpt_target[rows]
    rng0 = np.linalg.norm(w.pos_prev[tgt] - w.pos[rows], axis=1)
    closing = (np.linalg.norm(w.vel_prev[tgt], axis=1) + np.linalg.norm(w.vel[rows], axis=1)) * dt
    noisy = (it.seeker_angle_noise[ty] > 0.0) | (it.seeker_glint[ty] > 0.0)
    near = fly & noisy & ((w.icpt_lock[rows] == LOCKED) | (rng0 < seeker_ranges(cs, w, ty, tgt) + closing))
    if not near.any():
        return np.zeros((rows.size, 0, 6))
    n_upd = int(np.ceil(dt / float(it.seeker_update[ty[near]].min()) - 1e-9)) + 1
    noise = np.zeros((rows.size, n_upd, 6))
    noise[near] = streams.seeker.standard_normal((int(near.sum()), n_upd, 6))
    return noise


def _note_seeker(rows: np.ndarray, shots: np.ndarray, tgt: np.ndarray, book: EngagementBook, log: EventLog,
                 t_acq: np.ndarray, r_acq: np.ndarray, n_lost: np.ndarray, t_now: float) -> None:
    """Book each shot's first acquisition (time s, range m) and its lost locks; log both as events."""
    for i in np.flatnonzero(np.isfinite(t_acq) | (n_lost > 0)).tolist():
        shot = int(shots[i])
        f = book.force[shot]
        if np.isfinite(t_acq[i]) and not book.seeker_acquired[shot]:
            book.seeker_acquired[shot] = True
            book.acquire_time[shot] = float(t_acq[i])
            book.acquire_range[shot] = float(r_acq[i])
            log.add(float(t_acq[i]), "seeker_acquired", actor=int(rows[i]), target=int(tgt[i]), force=f,
                    value=float(r_acq[i]))
        if n_lost[i] > 0:
            book.locks_lost[shot] += int(n_lost[i])
            log.add(t_now, "seeker_lock_lost", actor=int(rows[i]), target=int(tgt[i]), force=f,
                    value=float(n_lost[i]), detail="target outside the gimbal limit")
