"""Operators in the loop (issue 21): the decision queue, proposals, the doctrine's default, and the
replay of a live session from its decisions.parquet, byte for byte."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from amdsim.c2.approval import Operators
from amdsim.engine.operators import load_decisions
from amdsim.engine.run import run_replication, simulate
from amdsim.live.session import Session
from tests.engine.golden import table_digest

PARQUET = ("movers", "sensors", "events", "states", "detections", "tracks", "engagements", "killchain",
           "magazines", "decisions")


def drive(session: Session, answer: dict[int, str], control: dict[float, tuple] | None = None) -> None:
    """Step ``session`` to its end like an operator would: answer every proposal of force f as it
    appears with ``answer[f]`` ("approve", "deny", or "" to let the decision time run out), and send
    the exercise-control commands ``control[t] = (what, force, arg)`` at step boundary t."""
    control = dict(control or {})
    while not session.finished:
        t = session.r.world.t
        if t in control:
            what, force, arg = control.pop(t)
            assert session.command("control", what, force, arg=arg) is None
        for f, what in answer.items():
            for p in session.view(f)["proposals"]:
                if what:
                    assert session.command(f"console_{f}", what, f, p["id"]) is None
        session.advance()


def test_inputs_are_applied_in_time_then_serial_order():
    ops = Operators(manual=np.array([True, False]))
    ops.submit(5.0, "b", 0, "deny", 2)
    ops.submit(3.0, "a", 0, "approve", 1)
    ops.submit(5.0, "c", 0, "approve", 0, serial=-5)
    assert [d.console for d in ops.due(4.0)] == ["a"]
    assert [d.console for d in ops.due(5.0)] == ["c", "b"]   # same time: the smaller serial first
    assert ops.due(100.0) == []
    assert ops.records[0]["what"] == "manual" and ops.records[0]["force"] == 0   # the setting is the first row


def test_unanswered_proposal_takes_the_doctrines_default_after_the_decision_time(small_compiled):
    """blue_a manual, weapons free, no operator: each proposal is approved by the doctrine exactly
    ``decision_time`` later, and the engagement order follows at that moment."""
    ops = Operators(manual=np.array([True, False, False]), decision_time=30.0)
    r = simulate(small_compiled, operators=ops)
    proposed = {int(d.split()[0].split("=")[1]): t for t, k, d in zip(r.log.time, r.log.kind, r.log.detail, strict=True)
                if k == "engagement_proposal"}
    assert proposed, "blue_a's C2 proposed nothing"
    taken = [rec for rec in ops.records if rec["console"] == "doctrine"]
    assert {rec["proposal"] for rec in taken} == set(proposed)
    for rec in taken:
        assert rec["what"] == "approve" and rec["latency_s"] == pytest.approx(30.0)
        assert rec["time"] == pytest.approx(proposed[rec["proposal"]] + 30.0, abs=small_compiled.dt)
    orders_a = [t for t, k, f in zip(r.log.time, r.log.kind, r.log.force, strict=True) if k == "engagement_order" and f == 0]
    assert all(any(abs(t - rec["time"]) < 1e-9 for t in orders_a) for rec in taken)


def test_denied_proposals_leak(small_compiled, tmp_path):
    """Both forces manual, every proposal denied: nothing is launched, no threat C2 proposed to engage
    is killed, and the ballistic missile hits the base (the raid's one leaker by the scenario's end; the
    slower cruise missiles are still flying then). With every proposal approved, every threat is killed."""
    from amdsim.world.state import Fate

    denied = Session(small_compiled, tmp_path / "deny", approve="manual")
    drive(denied, {0: "deny", 1: "deny"})
    log, fate = denied.r.log, denied.r.world.fate
    assert "interceptor_launch" not in log.kind
    proposed = sorted({log.target[i] for i in range(len(log)) if log.kind[i] == "engagement_proposal"})
    srbm = small_compiled.movers.name.index("srbm.1")
    assert srbm in proposed and len(proposed) == 5
    assert fate[srbm] == Fate.IMPACT and all(fate[k] in (Fate.FLYING, Fate.IMPACT) for k in proposed)
    assert denied.finish()["leakers"] == 1
    approved = Session(small_compiled, tmp_path / "approve", approve="manual")
    drive(approved, {0: "approve", 1: "approve"})
    assert all(approved.r.world.fate[k] == Fate.KILLED for k in proposed)
    assert approved.finish()["leakers"] == 0


@pytest.fixture(scope="module")
def session_folder(tmp_path_factory, small_compiled) -> Path:
    """A manual session: blue_a approves, blue_b lets the clock run out, the control cell launches the
    ballistic missile early, takes the radar and the link down and back."""
    out = tmp_path_factory.mktemp("live")
    s = Session(small_compiled, out, approve="manual", decision_time=20.0)
    drive(s, {0: "approve", 1: ""}, {5.0: ("inject", -1, "srbm.1"), 100.0: ("radar_down", -1, "radar_a"),
                                      130.0: ("radar_up", -1, "radar_a"), 150.0: ("link_down", 0, "blue_b"),
                                      200.0: ("link_up", 0, "blue_b")})
    s.finish()
    return out


def test_session_records_every_operator_action(session_folder):
    d = pq.read_table(session_folder / "decisions.parquet").to_pylist()
    what = [(row["console"], row["what"]) for row in d]
    assert ("control", "inject") in what and ("control", "radar_down") in what and ("control", "link_up") in what
    assert any(c == "console_0" and w == "approve" for c, w in what)
    assert any(c == "doctrine" and row["force"] == 1 for (c, _), row in zip(what, d, strict=True))
    ev = pq.read_table(session_folder / "events.parquet").to_pandas()
    launches = ev[ev.kind == "launch"]
    assert launches.time_s.min() <= 6.0   # the injected ballistic missile flew at t = 5-6 s instead of 60 s
    assert (ev.kind == "threat_injected").sum() == 1 and (ev.kind == "radar_down").sum() == 1


def test_replay_of_a_session_is_byte_identical(session_folder, small_compiled, tmp_path):
    """``amdsim run --decisions``: the same inputs at the same step boundaries give the same bytes."""
    run_replication(small_compiled, 0, tmp_path, operators=load_decisions(session_folder / "decisions.parquet",
                                                                         small_compiled))
    for name in PARQUET:
        a, b = session_folder / f"{name}.parquet", tmp_path / f"{name}.parquet"
        assert table_digest(pq.read_table(a)) == table_digest(pq.read_table(b)), name
        assert a.read_bytes() == b.read_bytes(), name


def test_replay_through_the_cli(session_folder, small_scenario_path, tmp_path, monkeypatch):
    from tests.conftest import cli_in_process

    out = tmp_path / "replay"
    assert cli_in_process(monkeypatch, "run", small_scenario_path, "--decisions", session_folder / "decisions.parquet",
                          "--out", out, "--no-report") == 0
    assert (out / "decisions.parquet").read_bytes() == (session_folder / "decisions.parquet").read_bytes()
    assert (out / "events.parquet").read_bytes() == (session_folder / "events.parquet").read_bytes()


def test_a_sessions_own_seed_travels_with_its_decisions(small_compiled, small_scenario_path, tmp_path, monkeypatch):
    """`amdsim live --seed 11`: the replay needs no --seed, the seed is a setting row of decisions.parquet."""
    from tests.conftest import cli_in_process

    s = Session(small_compiled, tmp_path / "live", approve="auto", seed=11)
    drive(s, {})
    s.finish()
    assert [r["arg"] for r in pq.read_table(tmp_path / "live" / "decisions.parquet").to_pylist() if r["what"] == "seed"] == ["11"]
    out = tmp_path / "replay"
    assert cli_in_process(monkeypatch, "run", small_scenario_path, "--decisions", tmp_path / "live" / "decisions.parquet",
                          "--out", out, "--no-report") == 0
    for name in PARQUET:
        assert (out / f"{name}.parquet").read_bytes() == (tmp_path / "live" / f"{name}.parquet").read_bytes(), name
