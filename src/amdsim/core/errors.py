"""Errors that reach the user as a clear message and an exit status, never as a traceback."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'speed_mps'?)`` for the closest candidates (difflib's ratio >= 0.6), else ''."""
    close = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=2, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


class AmdsimError(Exception):
    """Base for every error amdsim reports to the user; ``exit_code`` is the process status."""

    exit_code = 1

    def user_message(self) -> str:
        return str(self)


@dataclass
class Problem:
    """One thing wrong with an input file: where (file, field path) and what was expected."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class InputError(AmdsimError):
    """Bad user input (scenario, detections file, DEM, instance file): exit status 2."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | Problem | str, file: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(file, "", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__(self.user_message())

    def user_message(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found:" if n > 1 else "problem found:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


ScenarioError = InputError


@dataclass
class SimulationError(AmdsimError):
    """The simulation reached a physically impossible state; names the mover and the time."""

    message: str
    time_s: float = float("nan")
    mover: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    #: The state reached when the run stopped, attached by ``engine.run.simulate`` (an
    #: ``engine.replication.Replication``; ``core`` cannot name the engine's types).
    replication: object = field(default=None, init=False, repr=False, compare=False)
    exit_code = 3

    def __post_init__(self) -> None:
        super().__init__(self.user_message())

    def user_message(self) -> str:
        who = f" (mover {self.mover})" if self.mover else ""
        return f"simulation error at t={self.time_s:.3f} s{who}: {self.message}"


class OutputError(AmdsimError):
    """The output folder cannot be written (read-only, disk full, ...): exit status 4."""

    exit_code = 4
