"""The operators' input to a step: decisions on proposals and exercise-control actions.

``operate(r)`` runs at the start of each step (``engine/step.py``): it applies the inputs due at
this step boundary in (time, serial) order (``c2/approval.py``), takes the doctrine's default on
proposals whose decision time ran out, and places the approved orders. ``propose(r, orders)``
turns the orders of manual forces into proposals. The record of it all is ``decisions.parquet``,
from which :func:`load_decisions` rebuilds the inputs: ``amdsim run --decisions`` replays a session.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from amdsim.c2.approval import (
    ANSWERS,
    CONTROL,
    DOCTRINE,
    SEED,
    SETTING,
    Decision,
    Operators,
    concat_orders,
)
from amdsim.core.errors import InputError, Problem
from amdsim.engage.launch import place_orders
from amdsim.engine.replication import Replication
from amdsim.links.shared_picture import SharedPictureLink
from amdsim.world.messages import Orders
from amdsim.world.tables import CompiledScenario

#: Columns of decisions.parquet, in order.
COLUMNS = ("time", "serial", "console", "force", "force_name", "what", "proposal", "arg", "latency_s")


def operate(r: Replication) -> None:
    """Apply the operators' inputs due now and the defaults of expired proposals (no-op without operators)."""
    ops = r.operators
    if ops is None:
        return
    w, cs = r.world, r.cs
    placed: list[Orders] = []
    for d in ops.due(w.t):
        if d.what in ANSWERS:
            o = ops.answer(d, r.book, r.log)
            if o is not None:
                placed.append(o)
        else:
            _control(r, d)
            ops.note_control(d)
    placed += ops.expire(w.t, r.book, r.log)
    if placed:
        place_orders(w, cs, concat_orders(placed), r.book, r.launches, r.log, r.coord, r.pictures, r.streams)


def propose(r: Replication, orders: Orders) -> Orders:
    """The orders that go ahead now; those of manual forces wait as proposals."""
    if r.operators is None:
        return orders
    return r.operators.hold(r.world.t, orders, r.cs.shooters.weapons_free, r.book, r.log)


def _control(r: Replication, d: Decision) -> None:
    """An exercise-control action: launch a waiting threat now, a radar or a force pair's link down/up."""
    w, cs = r.world, r.cs
    if d.what == "inject":
        row = cs.movers.name.index(d.arg)
        if w.fate[row] == 0 and w.t_launch[row] > w.t:
            w.t_launch[row] = w.t       # launched by the movers of this step
            r.log.add(w.t, "threat_injected", actor=row, force=int(cs.movers.force[row]), detail=f"by={d.console}")
    elif d.what in ("radar_down", "radar_up"):
        s = cs.sensors.name.index(d.arg)
        r.sensor_state.next_scan[s] = np.inf if d.what == "radar_down" else w.t
        r.log.add(w.t, d.what, actor=int(cs.sensors.host[s]), detail=f"sensor={d.arg} by={d.console}")
    elif d.what in ("link_down", "link_up"):
        a, b = d.force, cs.force_names.index(d.arg)
        drop = 1.0 if d.what == "link_down" else None
        base = SharedPictureLink.from_table(cs.force_side, cs.links).drop
        for i, j in ((a, b), (b, a)):
            r.link.drop[i, j] = base[i, j] if drop is None else drop
        r.log.add(w.t, d.what, force=a, detail=f"pair={cs.force_names[a]}-{d.arg} by={d.console}")


def check_control(cs: CompiledScenario, what: str, force: int, arg: str) -> str | None:
    """Why an exercise-control input cannot apply to ``cs`` (None if it can): unknown names are refused
    before they reach the queue, so a bad console message never stops the engine."""
    if what not in CONTROL:
        return f"unknown action {what!r}"
    if what == "inject" and arg not in cs.movers.name:
        return f"no threat named {arg!r}"
    if what.startswith("radar") and arg not in cs.sensors.name:
        return f"no sensor named {arg!r}"
    if what.startswith("link") and (arg not in cs.force_names or not 0 <= force < len(cs.force_names)):
        return f"no force pair {force}-{arg!r}"
    return None


def decisions_table(ops: Operators, cs: CompiledScenario) -> pa.Table:
    """The record of a session: one row per setting, operator input and default taken (COLUMNS)."""
    rows = ops.records
    col = {k: [row[k] for row in rows] for k in COLUMNS if k != "force_name"}
    names = [cs.force_names[f] if f >= 0 else "" for f in col["force"]]
    return pa.table({"time": pa.array(col["time"], pa.float64()), "serial": pa.array(col["serial"], pa.int64()),
                     "console": pa.array(col["console"], pa.string()), "force": pa.array(col["force"], pa.int16()),
                     "force_name": pa.array(names, pa.string()), "what": pa.array(col["what"], pa.string()),
                     "proposal": pa.array(col["proposal"], pa.int64()), "arg": pa.array(col["arg"], pa.string()),
                     "latency_s": pa.array(col["latency_s"], pa.float64())})


def load_decisions(path: Path, cs: CompiledScenario) -> Operators:
    """The operators of a recorded session (``decisions.parquet``): its settings and inputs, to replay it.

    Rows taken by the doctrine's default and answers that were ignored are results, not inputs: the
    replay takes them again by itself.
    """
    try:
        t = pq.read_table(path).to_pylist()
    except (OSError, pa.ArrowException) as exc:
        raise InputError(Problem(str(path), "", f"a decisions.parquet written by `amdsim live` ({exc})")) from None
    missing = [c for c in COLUMNS if t and c not in t[0]]
    if missing:
        raise InputError(Problem(str(path), missing[0], "a column of decisions.parquet"))
    manual = np.zeros(len(cs.force_names), bool)
    decision_time = 30.0
    seed = None
    for row in t:
        if row["what"] == SETTING:
            manual[row["force"]] = True
            decision_time = float(row["arg"].split("=", 1)[1])
        elif row["what"] == SEED:
            seed = int(row["arg"])
    ops = Operators(manual=manual, decision_time=decision_time, seed=seed)
    for row in t:
        if row["what"] in ANSWERS + CONTROL and row["console"] != DOCTRINE:
            ops.submit(row["time"], row["console"], row["force"], row["what"], row["proposal"], row["arg"],
                       serial=row["serial"])
    return ops
