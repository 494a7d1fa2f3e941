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


class Behavior(IntEnum):
    """How a mover row is advanced each step (see ``movers/``)."""

    STATIC = 0
    ROUTE = 1
    ORBIT = 2
    BALLISTIC = 3
    INTERCEPTOR = 4
    GOTO = 5


class Side(IntEnum):
    BLUE = 0
    RED = 1


#: Kinds that are threats to be engaged.
THREAT_KINDS = (MoverKind.CRUISE_MISSILE, MoverKind.BALLISTIC_MISSILE, MoverKind.AIRCRAFT)

KIND_NAMES = {k.value: k.name.lower() for k in MoverKind}

# Plain-int aliases for the hot path (IntEnum attribute access costs a Python call each time).
STATIC, ROUTE, ORBIT, BALLISTIC, INTERCEPTOR_BEHAVIOR, GOTO = (int(b) for b in Behavior)
CRUISE = int(MoverKind.CRUISE_MISSILE)
BLUE = int(Side.BLUE)
