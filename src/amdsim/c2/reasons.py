"""Why C2 did or did not engage a track with a shooter: one code per (shooter, track) considered.

C2 evaluates every (shooter, confirmed track) pair each decision cycle. A track-level reason
(``ALLY_ENGAGED``, ``ENGAGING``, ``TRACK_STALE``, ``BELIEVED_DEAD``) applies to every shooter; otherwise
the first rule the pair fails names the reason, in this order: the envelope (time of flight, range,
altitude), the track's quality (requirements, own radar, seeker basket, fire-control capacity), the
shooter's state (no rounds, launcher busy), then the doctrine (reserve, weapons tight, the rules of engagement on the track's identity). ``ENGAGED``
marks the pairs ordered; ``FEASIBLE`` the pairs C2 could have ordered but the assignment did not.
The kill chain (issue 16) reads these codes; their names are the ones the records write.
"""

from __future__ import annotations

from enum import IntEnum


class Why(IntEnum):
    FEASIBLE = 0            # could engage (the assignment chose another shooter or another threat)
    TIME_OF_FLIGHT = 1      # no intercept within the interceptor's time of flight
    OUT_OF_RANGE = 2        # intercept point outside the range envelope (too far or too close)
    ALTITUDE = 3            # intercept point outside the altitude envelope
    TRACK_QUALITY = 4       # the track misses the interceptor's launch requirements (sigma, age)
    SEEKER_BASKET = 5       # the predicted error at seeker acquisition is more than it can see or correct
    NOT_HELD = 6            # launch on remote not allowed and the shooter's own radar does not hold the track
    FIRE_CONTROL_BUSY = 7   # fire-control radar at its capacity (targets or missiles in flight)
    RESERVE = 8             # the rounds left are the reserve kept for ballistic threats
    WEAPONS_TIGHT = 9       # weapons tight: only confirmed ballistic tracks may be engaged
    ENGAGED = 10            # ordered
    NO_ROUNDS = 11          # could reach it, but the magazine is empty
    LAUNCHER_BUSY = 12      # could reach it, but the shooter is still reloading or firing an earlier order
    ALLY_ENGAGED = 13       # coordination: an ally reported engaging this threat
    ENGAGING = 14           # the force already has interceptors on it or awaits their kill assessment ("look")
    TRACK_STALE = 15        # the track was not updated within c2.max_track_age_s
    BELIEVED_DEAD = 16      # the kill assessment said killed; the track has not shown it flying since
    IDENTITY = 17           # rules of engagement: the track's identity may not be engaged at the weapon control status
    AIRSPACE = 18           # airspace control: the track is in a zone the shooter's type may not engage in


REASON_NAMES = {w.value: w.name.lower() for w in Why}
