"""The firing doctrines' table (c2/doctrine.py), case by case."""

from __future__ import annotations

import pytest

from amdsim.c2.doctrine import DOCTRINES
from amdsim.world.tables import DOCTRINE_CODES


@pytest.mark.parametrize(("name", "salvo_size", "rounds", "shares"), [
    ("shoot_look_shoot", 4, 1, False),
    ("shoot_shoot_look", 4, 2, False),
    ("salvo", 3, 3, True),
    ("salvo", 1, 1, True),
])
def test_doctrine_rounds_and_threat_sharing(name, salvo_size, rounds, shares):
    d = DOCTRINES[DOCTRINE_CODES[name]]
    assert d.rounds(salvo_size) == rounds
    assert d.shares_threats is shares


def test_every_doctrine_code_has_a_doctrine():
    assert set(DOCTRINES) == set(DOCTRINE_CODES.values())
