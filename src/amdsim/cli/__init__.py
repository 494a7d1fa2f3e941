"""Command-line entry point: ``amdsim <command> --help`` explains each command."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Protocol

from amdsim.cli.app import app

# One module per command group; each registers itself on ``app`` when imported.
COMMAND_MODULES = (
    "run",
    "scenario_cmds",
    "coverage",
    "wta",
    "track",
    "bench",
    "batch_cmds",
    "review_cmds",
    "explain",
    "live",
)


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"amdsim.cli.{name}")


def main() -> None:
    """Run the CLI; errors meant for the user print as messages with an exit status."""
    from amdsim.core.errors import AmdsimError

    _register()
    try:
        rv = app(standalone_mode=False)
        if isinstance(rv, int) and rv:
            sys.exit(rv)   # e.g. 130 after Ctrl-C, which click reports by return value
    except AmdsimError as exc:
        print(f"amdsim: {exc.user_message()}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("amdsim: interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:  # output piped into a reader that stopped early (``| head``): not an error
        sys.stderr.close()
        sys.exit(141)
    except OSError as exc:  # a file a command reads or writes outside amdsim's own checks
        where = f" {exc.filename}" if exc.filename else ""
        print(f"amdsim: input/output error on{where or ' a file'}: {exc.strerror or exc}", file=sys.stderr)
        sys.exit(4)
    except MemoryError:
        print("amdsim: out of memory (the scenario or batch is too large for this machine)", file=sys.stderr)
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as exc:  # an amdsim bug, not the user's: say so, briefly
        usage, abort = _click_exception_types()
        if isinstance(exc, usage):  # bad option or argument: click's message and status (2)
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, abort):
            sys.exit(1)
        if os.environ.get("AMDSIM_DEBUG"):
            raise
        print(
            f"amdsim: internal error: {type(exc).__name__}: {exc}\n"
            "        (set AMDSIM_DEBUG=1 to see the traceback, and please report it)",
            file=sys.stderr,
        )
        sys.exit(1)


class _UsageError(Protocol):
    """What main() uses of a click ``ClickException`` (whichever copy of click raised it)."""

    exit_code: int

    def show(self) -> None: ...


def _click_exception_types() -> tuple[tuple[type[_UsageError], ...], tuple[type, ...]]:
    """Click's usage-error and abort classes: recent typer raises those of its vendored copy
    (``typer._click``, ``typer.exceptions``), which are not subclasses of ``click``'s own."""
    usage: list[type[_UsageError]] = []
    abort: list[type] = []
    for name in ("click.exceptions", "typer._click.exceptions", "typer.exceptions"):
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(mod, "ClickException"):
            usage.append(mod.ClickException)
        if hasattr(mod, "Abort"):
            abort.append(mod.Abort)
    return tuple(usage), tuple(abort)
