"""A live session: one replication stepped in pace with the wall clock, operators in the loop.

The engine runs in its own thread (:meth:`Session.run`); consoles talk to it only through a
thread-safe command queue (:meth:`Session.command`), drained at step boundaries, and read what it
publishes after each step (:meth:`Session.view`, built in ``live/view.py``). Operator decisions go into
the replication's :class:`~amdsim.c2.approval.Operators` stamped with the step boundary they are applied
at, so ``decisions.parquet`` replays the session exactly (``amdsim run --decisions``).

Pacing: simulated time follows ``speed`` x wall time since the last (re)start; the engine sleeps when
ahead and steps flat out when behind, and :attr:`Session.pace` keeps how far behind it ever fell.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from amdsim.c2.approval import ANSWERS, Operators
from amdsim.core.kinds import BLUE
from amdsim.core.rng import replication_seed
from amdsim.engine.operators import check_control
from amdsim.engine.replication import Replication, new_replication
from amdsim.engine.run import write_run_folder
from amdsim.engine.sanity import check_world
from amdsim.engine.step import step
from amdsim.live.view import force_view, truth_view
from amdsim.records.summary import build_summary
from amdsim.world.tables import CompiledScenario

#: Console commands that steer the session itself (not recorded: they do not change results).
PACING = ("pause", "resume", "speed")
#: Largest accepted time compression.
MAX_SPEED = 1000.0


@dataclass
class Pace:
    """How the engine kept up with the wall clock: steps taken, engine seconds spent stepping, the
    largest lag behind the paced time (s of simulated time)."""

    steps: int = 0
    engine_s: float = 0.0
    max_lag_s: float = 0.0

    def max_speed(self, dt: float) -> float:
        """The largest time compression this engine could hold: simulated seconds per engine second."""
        return dt * self.steps / self.engine_s if self.engine_s > 0 else float("inf")


@dataclass
class Session:
    """One live replication of ``cs`` writing its run folder to ``out`` at the end."""

    cs: CompiledScenario
    out: Path
    approve: str = "manual"                 # "manual": blue forces' orders wait for operators; "auto": C2 alone
    decision_time: float = 30.0             # s before the doctrine's default applies to a proposal
    speed: float = 1.0                      # simulated seconds per wall second
    seed: int | None = None
    r: Replication = field(init=False)
    pace: Pace = field(default_factory=Pace)
    paused: bool = False
    done: bool = False
    error: str | None = None
    version: int = 0                        # bumped after each published step

    def __post_init__(self) -> None:
        given = self.seed
        self.seed = self.cs.seed if given is None else given
        self.r = new_replication(self.cs, replication_seed(self.seed, 0))
        manual = (self.cs.force_side == BLUE) if self.approve == "manual" else np.zeros(len(self.cs.force_names), bool)
        self.r.operators = Operators(manual=manual, decision_time=self.decision_time, seed=given)
        self._commands: queue.Queue = queue.Queue(maxsize=10_000)
        self._changed = threading.Condition()
        self._views: dict = {}
        self._publish()

    # --- consoles' side (any thread) -------------------------------------------------------------
    def command(self, console: str, what: str, force: int = -1, proposal: int = -1, arg: str = "",
                value: float | None = None) -> str | None:
        """Queue a console's command for the next step boundary; the reason it is refused, or None."""
        if what in PACING:
            if what == "speed" and not (value is not None and 0 < value <= MAX_SPEED):
                return f"speed must be in (0, {MAX_SPEED:g}]"
        elif what in ANSWERS:
            if not 0 <= force < len(self.cs.force_names):
                return "unknown force"
        else:
            why = check_control(self.cs, what, force, arg)
            if why:
                return why
        try:
            self._commands.put_nowait((console, what, force, proposal, arg, value))
        except queue.Full:
            return "too many commands waiting"
        return None

    def view(self, force: int | None) -> dict:
        """The latest published view: a force's perceived picture (``force``) or the truth (None)."""
        with self._changed:
            return self._views.get(force, {})

    def wait_change(self, seen: int, timeout: float) -> int:
        """Block until a step after version ``seen`` is published (or ``timeout`` s); the version now."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen or self.done, timeout)
            return self.version

    # --- the engine's side (its own thread) ------------------------------------------------------
    def advance(self) -> None:
        """Apply the queued commands at this step boundary, take one step, publish the views."""
        self._drain()
        t0 = time.perf_counter()
        step(self.r)
        check_world(self.r)
        self.pace.engine_s += time.perf_counter() - t0
        self.pace.steps += 1
        self._publish()

    @property
    def finished(self) -> bool:
        return self.r.world.t >= self.cs.duration - 1e-9

    def run(self, stop: threading.Event | None = None) -> None:
        """Step in pace with the wall clock until the scenario's end (or ``stop``); then write the folder."""
        stop = stop or threading.Event()
        try:
            if self.pace.steps == 0 and not self.finished:
                self.advance()   # the first step compiles the numba kernels: the pacing clock starts after it
            wall0, sim0 = time.monotonic(), self.r.world.t
            speed = self.speed
            while not self.finished and not stop.is_set():
                if self.paused or speed != self.speed:   # a pause or a new speed restarts the pacing clock
                    if self._drain():
                        self._publish()   # the consoles see the pause or the new speed at once
                    if self.paused:
                        stop.wait(0.05)
                    wall0, sim0, speed = time.monotonic(), self.r.world.t, self.speed
                    continue
                target = sim0 + (time.monotonic() - wall0) * speed
                ahead = self.r.world.t + self.cs.dt - target
                if ahead > 0:
                    stop.wait(min(ahead / speed, 0.05))
                    if self._drain():
                        self._publish()
                    continue
                self.pace.max_lag_s = max(self.pace.max_lag_s, -ahead)
                self.advance()
            self.finish()
        except Exception as exc:   # the session's error goes to the log and the consoles, never a traceback
            self.error = f"{type(exc).__name__}: {exc}"
            self.done = True
            with contextlib.suppress(Exception):   # the consoles learn that the session stopped, if a view still builds
                self._publish()
            with self._changed:
                self._changed.notify_all()
            raise

    def finish(self) -> dict:
        """Write the run folder (tables, decisions.parquet, summary.json last) and mark the session done."""
        summary = build_summary(self.r, 0, int(self.seed or 0), complete=self.finished)
        summary["live"] = {"approve": self.approve, "decision_time_s": self.decision_time,
                           "steps": self.pace.steps, "engine_s": round(self.pace.engine_s, 3),
                           "max_speed": round(self.pace.max_speed(self.cs.dt), 1),
                           "max_lag_s": round(self.pace.max_lag_s, 3)}
        write_run_folder(self.r, summary, Path(self.out))
        self.done = True
        self._publish()
        return summary

    def _drain(self) -> bool:
        """Take the queued commands; True if the pacing changed (pause, resume, speed)."""
        ops = self.r.operators
        assert ops is not None
        t = self.r.world.t
        pacing = False
        while True:
            try:
                console, what, force, proposal, arg, value = self._commands.get_nowait()
            except queue.Empty:
                return pacing
            pacing |= what in PACING
            if what == "pause":
                self.paused = True
            elif what == "resume":
                self.paused = False
            elif what == "speed":
                self.speed = float(value)
            else:
                ops.submit(t, console, force, what, proposal, arg)

    def _publish(self) -> None:
        status = {"done": self.done, "paused": self.paused, "speed": self.speed, "error": self.error}
        views: dict = {None: truth_view(self.r, status)}
        for f in np.flatnonzero(self.cs.force_side == BLUE).tolist():
            views[f] = force_view(self.r, f, status)
        published = time.time() * 1000.0   # ms since the epoch: the consoles' update latency is measured from it
        for v in views.values():
            v["published"] = published
        with self._changed:
            self._views = views
            self.version += 1
            self._changed.notify_all()
