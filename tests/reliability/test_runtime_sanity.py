"""Physical sanity at run time (issue 8): a non-finite state, an impossible speed or jump, or an
interceptor without a guidance solution stops the run with a SimulationError naming the mover and
the time; ``amdsim run`` exits 3 with that message, and the partial run folder is valid Parquet with
``summary.json`` ``complete: false``.

Faults are injected by wrapping a stage of the step (monkeypatch), at a chosen step k.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pyarrow.parquet as pq
import pytest

import amdsim.engage.intercept as engage_stage
import amdsim.engine.step as step_module
from amdsim.core.errors import SimulationError
from amdsim.engine.run import run_replication, simulate

K = 30  # the fault appears during step K (1-based), i.e. at t = K * dt
TABLES = ("movers", "sensors", "events", "states", "detections", "tracks", "engagements")


def inject_after_movers(monkeypatch, fault, k: int = K):
    """Wrap the movers stage so that ``fault(world, cs)`` runs right after it in step ``k``."""
    original = step_module.advance_movers
    calls = {"n": 0}

    def wrapped(w, cs, dt, surface=None):
        moved = original(w, cs, dt, surface=surface)
        calls["n"] += 1
        if calls["n"] == k:
            fault(w, cs)
        return moved

    monkeypatch.setattr(step_module, "advance_movers", wrapped)


def row_of(cs, name: str) -> int:
    return cs.movers.name.index(name)


def nan_position(name):
    def fault(w, cs):
        w.pos[row_of(cs, name)] = np.nan
    return fault


def too_fast(name):
    def fault(w, cs):
        w.vel[row_of(cs, name)] *= 1.0e3   # an AEW at 150 m/s would fly at 150 km/s
    return fault


def teleport(name):
    def fault(w, cs):
        row = row_of(cs, name)
        w.pos[row] += 5.0e5 * w.pos[row] / np.linalg.norm(w.pos[row])   # 500 km up in one step
    return fault


@pytest.mark.parametrize(("fault", "words"), [
    (nan_position("aew"), "non-finite position or velocity"),
    (too_fast("aew"), "exceeds the physical limit 12000 m/s"),
    (teleport("aew"), "more than the physical limit"),
], ids=["nan", "speed", "jump"])
def test_injected_fault_names_mover_and_time(monkeypatch, small_compiled, fault, words):
    inject_after_movers(monkeypatch, fault)
    with pytest.raises(SimulationError) as info:
        simulate(small_compiled)
    exc = info.value
    assert exc.mover == "aew"
    assert exc.time_s == pytest.approx(K * small_compiled.dt)
    assert words in exc.message
    assert f"t={K * small_compiled.dt:.3f} s (mover aew)" in exc.user_message()


def test_nan_in_a_mover_that_ends_this_step_is_still_caught(monkeypatch, small_compiled):
    """A threat that impacts in the same step as its state went bad must not carry NaN out unseen."""
    def fault(w, cs):
        row = row_of(cs, "cm.1")
        w.vel[row] = np.nan
        w.is_active[row] = False
        w.t_end[row] = w.t + cs.dt
    inject_after_movers(monkeypatch, fault, k=20)   # cm.1 is launched at t = 10 s
    with pytest.raises(SimulationError, match="non-finite") as info:
        simulate(small_compiled)
    assert info.value.mover == "cm.1"


def _check_partial_folder(out, stop_time: float) -> dict:
    for name in TABLES:
        pq.read_table(out / f"{name}.parquet")      # valid Parquet, readable to the end
    assert not list(out.glob(".*.tmp")), "temporary files left behind"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["run"]["complete"] is False
    states = pq.read_table(out / "states.parquet").column("time_s").to_numpy()
    assert states.size and states.max() <= stop_time + 1e-9
    return summary


def test_partial_run_folder_is_valid_and_marked_incomplete(monkeypatch, tmp_path, small_compiled):
    inject_after_movers(monkeypatch, nan_position("radar_a"))
    with pytest.raises(SimulationError):
        run_replication(small_compiled, 0, tmp_path / "run")
    summary = _check_partial_folder(tmp_path / "run", K * small_compiled.dt)
    assert "radar_a" in json.dumps(summary)


def run_cli_in_process(monkeypatch, capsys, *args) -> tuple[int, str]:
    """Call the ``amdsim`` entry point in this process (so monkeypatched stages apply)."""
    from amdsim.cli import main

    monkeypatch.setattr(sys, "argv", ["amdsim", *map(str, args)])
    with pytest.raises(SystemExit) as info:
        main()
    return info.value.code, capsys.readouterr().err


def test_cli_run_exits_3_with_a_clear_message(monkeypatch, capsys, tmp_path, small_scenario_path):
    inject_after_movers(monkeypatch, too_fast("aew"))
    out = tmp_path / "run"
    code, err = run_cli_in_process(monkeypatch, capsys, "run", small_scenario_path, "--out", out, "--no-report")
    assert code == 3
    assert "amdsim: simulation error at t=30.000 s (mover aew): speed" in err
    assert "complete: false" in err and "Traceback" not in err
    _check_partial_folder(out, 30.0)


# ------------------------------------------------------------------ interceptors without guidance

def _first_launch_time(small_run) -> float:
    eng = pq.read_table(small_run / "engagements.parquet").to_pylist()
    return min(s["launch_time_s"] for s in eng if s["interceptor_id"] >= 0)


def _bad_aim(kind: str):
    original = engage_stage._aim_points

    def aim(w, cs, rows, pictures, book, dt):
        aim0, aim1 = original(w, cs, rows, pictures, book, dt)
        if kind == "nan":
            aim0[:] = np.nan
            aim1[:] = np.nan
        else:  # the aim point sits on the interceptor itself at the step start: zero range, no line of sight
            aim0[:] = w.pos[rows]
            aim1[:] = w.pos[rows]
        return aim0, aim1
    return aim


@pytest.mark.parametrize("kind", ["nan", "zero_range"])
def test_interceptor_without_guidance_solution_is_a_clear_error(monkeypatch, tmp_path, small_compiled, small_run,
                                                                kind):
    monkeypatch.setattr(engage_stage, "_aim_points", _bad_aim(kind))
    with pytest.raises(SimulationError) as info, np.errstate(all="ignore"):
        run_replication(small_compiled, 0, tmp_path / "run")
    exc = info.value
    assert "#" in exc.mover, exc.user_message()               # an interceptor row, e.g. bat_a#1
    assert "no valid guidance solution against" in exc.message
    first = _first_launch_time(small_run)
    assert first <= exc.time_s <= first + small_compiled.dt + 1e-9   # caught in the step it flew, not later
    _check_partial_folder(tmp_path / "run", exc.time_s)
    # the NaN never reached the written states
    states = pq.read_table(tmp_path / "run" / "states.parquet")
    ids = states.column("mover_id").to_numpy()
    bad = ids == small_compiled.movers.name.index(exc.mover)
    assert np.isfinite(states.column("x_m").to_numpy()[~bad]).all()


def test_no_false_alarm_on_the_demo(demo_compiled_short):
    r = simulate(demo_compiled_short)
    assert r.world.t == pytest.approx(demo_compiled_short.duration)


@pytest.fixture(scope="module")
def demo_compiled_short():
    from amdsim.scenario import demo_path, load_compiled

    return load_compiled(demo_path())


def test_cli_run_of_an_impossible_scenario_exits_3(tmp_path):
    """No monkeypatch: cruise missiles launched from a site 20 km up must drop to 30 m in one step
    (20 km in 1 s). The real ``amdsim run`` stops with exit 3, names the missile and keeps partial results.
    (The state's velocity is the instantaneous one, not the step's jump, so the displacement check fires.)"""
    import subprocess

    import yaml

    from tests.conftest import DATA

    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    raw["launch_sites"][0]["position"]["alt_m"] = 20_000
    raw["duration_s"] = 60
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(raw))
    res = subprocess.run([sys.executable, "-m", "amdsim", "run", "s.yaml", "--out", "out", "--no-report"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert res.returncode == 3, res.stderr
    assert "amdsim: simulation error at t=10.000 s (mover cm.1): moved" in res.stderr
    assert "Traceback" not in res.stderr
    _check_partial_folder(tmp_path / "out", 10.0)
