"""Shared fixtures: the small test scenario, compiled once per session, and a run folder of it."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def small_scenario_path() -> Path:
    return DATA / "small.yaml"


@pytest.fixture(scope="session")
def small_compiled(small_scenario_path):
    from amdsim.scenario import load_compiled

    return load_compiled(small_scenario_path)


@pytest.fixture(scope="session")
def small_run(tmp_path_factory, small_compiled) -> Path:
    """A run folder of the small scenario (replication 0), written once per test session."""
    from amdsim.engine.run import run_replication

    out = tmp_path_factory.mktemp("small_run")
    run_replication(small_compiled, 0, out)
    return out


def cli_in_process(monkeypatch, *args) -> int:
    """Run the real CLI entry point (``amdsim ARGS``) in this process, no start-up cost; its exit status."""
    import sys

    from amdsim.cli import main

    monkeypatch.setattr(sys, "argv", ["amdsim", *map(str, args)])
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def serve_folder(folder: Path):
    """The viewer's server on 127.0.0.1 (a free port) over ``folder``, in a thread; a generator for fixtures."""
    import threading

    from amdsim.review.server import make_server

    srv = make_server(folder, "127.0.0.1", 0)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def wait_viewer_ready(pg, errors: list[str], timeout_s: float = 30.0) -> None:
    """Poll the viewer page until ``window.amdsimViewer.ready`` (wait_for_function evals its predicate,
    which the page's CSP forbids)."""
    import time

    t_end = time.monotonic() + timeout_s
    while not pg.evaluate("() => Boolean(window.amdsimViewer && window.amdsimViewer.ready)"):
        assert time.monotonic() < t_end, f"viewer not ready: {errors}"
        pg.wait_for_timeout(100)
