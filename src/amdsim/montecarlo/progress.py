"""What a batch shows on the terminal: one stderr console and the replications progress bar.

The CLI prints through the same console (``cli/common.py``), so bars and messages never interleave.
"""

from __future__ import annotations

import time

from rich.console import Console

#: The terminal console of amdsim's commands (stderr: stdout stays free for data).
console = Console(stderr=True)


class BatchBar:
    """Rich progress bar: replications done, rate and time left (a no-op when disabled)."""

    def __init__(self, total: int, done: int, enabled: bool) -> None:
        self.enabled = enabled
        self.total, self.done = total, done
        self._bar = None

    def __enter__(self):
        if self.enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(TextColumn("[bold]replications[/]"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                                 console=console, transient=False)
            self._bar.__enter__()
            self._task = self._bar.add_task("batch", total=self.total, completed=self.done, rate="")
            self._t0, self._n0 = time.perf_counter(), self.done
        return self

    def advance(self) -> None:
        self.done += 1
        if self._bar is not None:
            dt = time.perf_counter() - self._t0
            rate = (self.done - self._n0) / dt if dt > 0 else 0.0
            self._bar.update(self._task, completed=self.done, rate=f"{rate:.2f} rep/s")

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
