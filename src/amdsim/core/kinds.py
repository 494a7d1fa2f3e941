"""Small integer codes shared by every stage (stored in int8 arrays, named at the edges)."""

from __future__ import annotations

from enum import IntEnum


class MoverKind(IntEnum):
    """What a mover row is."""

    ASSET = 0
    LAUNCH_SITE = 1
    CRUISE_MISSILE = 2
    BALLISTIC_MISSILE = 3
    AIRCRAFT = 4
    RADAR_SITE = 5
    SHIP_RADAR = 6
    AEW = 7
    FIGHTER = 8
    BATTERY = 9
    INTERCEPTOR = 10
    SHIP = 11          # a platform (``platforms:``, kind ship): one row carrying radars and launchers
    GROUND_SITE = 12   # a platform of kind ground
    AIR_BASE = 13      # an air base (``air_bases:``): fighters and AEW take off and land there


class Behavior(IntEnum):
    """How a mover row is advanced each step (see ``movers/``)."""

    STATIC = 0
    ROUTE = 1
    ORBIT = 2
    BALLISTIC = 3
    INTERCEPTOR = 4
    GOTO = 5
    SORTIE = 6         # take-off, climb and transit to the station, return and landing (movers/sortie.py)


class SortiePhase(IntEnum):
    """Where an aircraft flying from an air base is in its sortie (``World.sortie_phase``; see
    ``movers/sortie.py`` for the transitions). Aircraft without a base are ``NONE`` throughout."""

    NONE = 0           # no base: starts on its orbit and stays (the first wave's model)
    GROUND = 1         # on the ground, not in the world: waiting for its (next) take-off
    OUTBOUND = 2       # took off: climbing and flying to its orbit
    ON_STATION = 3     # on its orbit (fighters: patrolling, or vectored by c2/fighters.py)
    RTB = 4            # returning to base (winchester, bingo fuel, or the AEW's time on station over)
    DONE = 5           # landed with no sortie left


class Side(IntEnum):
    BLUE = 0
    RED = 1


#: Kinds that are threats to be engaged.
THREAT_KINDS = (MoverKind.CRUISE_MISSILE, MoverKind.BALLISTIC_MISSILE, MoverKind.AIRCRAFT)

KIND_NAMES = {k.value: k.name.lower() for k in MoverKind}

# Plain-int aliases for the hot path (IntEnum attribute access costs a Python call each time).
STATIC, ROUTE, ORBIT, BALLISTIC, INTERCEPTOR_BEHAVIOR, GOTO, SORTIE = (int(b) for b in Behavior)
CRUISE = int(MoverKind.CRUISE_MISSILE)
BLUE = int(Side.BLUE)
