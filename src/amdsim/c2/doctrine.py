"""Firing doctrines: how many rounds one engagement fires and whether several shooters may take one
threat in the same decision.

===================  =====================  =================================================
doctrine             rounds per engagement  several shooters on one threat in one decision
===================  =====================  =================================================
shoot_look_shoot     1                      no: shoot, wait for the kill assessment, shoot again
shoot_shoot_look     2                      no
salvo                the shooter's salvo    yes: every assigned shooter fires its salvo
===================  =====================  =================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from amdsim.world.tables import DOCTRINE_CODES


class Doctrine(Protocol):
    """The doctrine role C2 asks: rounds per engagement and whether it shares a threat in one decision."""

    def rounds(self, salvo_size: int) -> int:
        """Rounds one engagement fires (before the magazine caps it)."""

    @property
    def shares_threats(self) -> bool:
        """Several shooters of a force may engage one threat in the same decision."""


@dataclass(frozen=True)
class FixedRounds:
    """A "look" doctrine: a fixed number of rounds, then wait for the kill assessment."""

    n: int
    shares_threats: bool = False

    def rounds(self, salvo_size: int) -> int:
        return self.n


@dataclass(frozen=True)
class Salvo:
    """Every assigned shooter fires its whole salvo."""

    shares_threats: bool = True

    def rounds(self, salvo_size: int) -> int:
        return salvo_size


#: The doctrine of each code of ``ShooterTable.doctrine``.
DOCTRINES: dict[int, Doctrine] = {
    DOCTRINE_CODES["shoot_look_shoot"]: FixedRounds(1),
    DOCTRINE_CODES["shoot_shoot_look"]: FixedRounds(2),
    DOCTRINE_CODES["salvo"]: Salvo(),
}
