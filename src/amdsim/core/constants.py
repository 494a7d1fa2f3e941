"""Every threshold and built-in default of the engine that is not a scenario field, in one place.

Each names its source, or says it is a notional choice (a round figure of the right order for an
unclassified, textbook-level model). Scenario parameters are not here: each is declared once, as a
pydantic field in ``scenario/models.py``. Physical constants of the earth are in ``core/geodesy.py``.
"""

from __future__ import annotations

import math

# -- kinematic classification of tracks (tracking/classify.py) -----------------------------------
#: Above this height (m) only ballistic missiles fly: the service ceiling of air-breathing threats is
#: about 20 km (notional margin above it).
BALLISTIC_MIN_ALT_M = 30e3
#: Faster than this (m/s, about Mach 4.5 at altitude) no air-breather in these scenarios flies (notional).
BALLISTIC_ALWAYS_SPEED_MPS = 1500.0
#: With a steep flight path or free-fall acceleration, faster than this (m/s) is ballistic (notional).
BALLISTIC_MIN_SPEED_MPS = 600.0
#: Flight-path angle (rad) steeper than this, at ballistic speed, is a ballistic arc (notional: 20 deg).
BALLISTIC_MIN_GAMMA_RAD = math.radians(20.0)
#: A measured acceleration within this many g of local gravity is free flight (notional).
FREE_FALL_TOLERANCE_G = 0.25
#: Cruise missiles fly below this height (m): sea-skimming and terrain-following profiles (notional).
CRUISE_MAX_ALT_M = 1500.0
#: ... and faster than this (m/s): slower low flyers are helicopters and light aircraft (notional).
CRUISE_MIN_SPEED_MPS = 150.0

# -- compilation defaults for what the YAML does not describe (scenario/compile) ------------------
#: RCS (m^2) of an interceptor in flight, seen by any radar (notional: a 0.3 m diameter body).
INTERCEPTOR_RCS_M2 = 0.05
#: Time (s) between two air-to-air missile launches of one fighter (notional).
FIGHTER_RELOAD_S = 2.0
#: Vulnerability of a ballistic re-entry vehicle when the scenario gives none: a multiplier on the
#: interceptor's Pk (notional; a hardened RV is harder to kill than a cruise missile's airframe).
BALLISTIC_VULNERABILITY = 0.8
#: Vulnerability of cruise missiles and aircraft when the scenario gives none.
DEFAULT_VULNERABILITY = 1.0

# -- the engine's tracker, beyond the scenario's `tracking:` fields (tracking/stage.py) -------------
#: Misses in view that delete a tentative track (notional; Blackman & Popoli 1999, 6.3, use 1-3).
TENTATIVE_MISSES = 2
#: 1-sigma speed (m/s) of a track started from one detection: covers every threat's speed (notional).
INIT_SPEED_SIGMA_MPS = 700.0
#: A confirmed track coasts at most this many of its force's slowest revisit intervals ...
COAST_REVISITS = 3.0
#: ... and at least this long (s) ...
MIN_COAST_S = 20.0
#: ... or this long (s) when the force has no sensor of its own.
NO_SENSOR_COAST_S = 30.0

# -- physical sanity of the state after every step (engine/sanity.py) ----------------------------
#: No mover in these scenarios flies faster than this (m/s); interceptors and RVs stay well below.
#: The scenario loader refuses input speeds above the same figure (``scenario.models.MAX_SPEED_MPS``).
MAX_SPEED_MPS = 12_000.0

# -- compilation defaults, continued (scenario/compile/rows.py) ------------------------------------
#: RCS (m^2) of a platform row (asset, launch site, radar, AEW, fighter, battery), which the YAML
#: gives no RCS: seen only by the other side's sensors (notional choice).
PLATFORM_RCS_M2 = 1.0
