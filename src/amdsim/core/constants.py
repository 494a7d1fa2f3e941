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
#: A confirmed track goes once its run of misses would have this probability for a target still there,
#: given the track's own hit fraction (tracking/lifecycle.py; notional, Blackman & Popoli 1999, 6.6).
DELETE_MISS_PROB = 0.01

# -- physical sanity of the state after every step (engine/sanity.py) ----------------------------
#: No mover in these scenarios flies faster than this (m/s); interceptors and RVs stay well below.
#: The scenario loader refuses input speeds above the same figure (``scenario.models.MAX_SPEED_MPS``).
MAX_SPEED_MPS = 12_000.0

# -- compilation defaults, continued (scenario/compile/rows.py) ------------------------------------
#: RCS (m^2) of a platform row (asset, launch site, radar, AEW, fighter, battery), which the YAML
#: gives no RCS: seen only by the other side's sensors (notional choice).
PLATFORM_RCS_M2 = 1.0

# -- interceptor flyout and endgame (engage/flyout.py) --------------------------------------------
#: Highest order n of the binomial guidance-system model 1/(1 + sT/n)^n (Zarchan, Tactical and
#: Strategic Missile Guidance, 6th ed., uses the fifth-order binomial throughout; notional margin).
FLIGHT_CONTROL_MAX_ORDER = 8
#: Columns of ``World.icpt_ctrl``, the guidance loop's state per interceptor: the seeker track loop's
#: pointing vector (3), the target-acceleration estimate (3) and the other n - 1 lags (3 each).
FLYOUT_STATE_WIDTH = 6 + 3 * (FLIGHT_CONTROL_MAX_ORDER - 1)
#: Largest RK4 sub-step of the flyout (s; notional: RK4 on a 0.02 s step is accurate far below a metre).
FLYOUT_MAX_SUBSTEP_S = 0.02
#: ... and at most this fraction of one lag's time constant T/n (RK4 local error on a lag
#: (h/tau)^5/120 < 1e-5; notional).
FLYOUT_LAG_STEP_FRACTION = 0.25
#: Near the target the sub-step is this fraction of the time to closest approach, so it shrinks as
#: t_go -> 0 (notional: 20 steps per e-fold of t_go) ...
FLYOUT_ENDGAME_STEP_FRACTION = 0.05
#: ... down to this (s), inside which the closest approach is solved in closed form on straight
#: relative motion (error below a_rel h^2 / 2 = 0.02 mm at 1000 m/s^2).
FLYOUT_MIN_SUBSTEP_S = 2e-4
#: Closest approach is only declared inside this range (m): far off, an opening geometry is a turn.
ENDGAME_RANGE_M = 3000.0
#: Inside this range (m) the seeker keeps its lock whatever the look angle: the last instants, where
#: the line of sight swings through 90 degrees past any miss (notional blind range).
SEEKER_BLIND_RANGE_M = 50.0
#: The seeker's ``glint_m`` is the 1-sigma glint against a target of this RCS (m^2); glint scales
#: with the target's span, taken as sqrt(RCS) (notional; Skolnik, Introduction to Radar Systems,
#: 3rd ed., sec. 4.4: glint of the order of a fraction of the target's span).
GLINT_REF_RCS_M2 = 1.0

# --- fire control (c2/fire_control.py)
#: A shooter's own radar holds a track it updated within this many of its revisit intervals (notional choice:
#: the tracker's coast rule, COAST_REVISITS, for one radar).
FC_HOLD_REVISITS = 3.0
#: Smallest probability that the seeker acquires the target (the aim point's error at acquisition inside the
#: seeker's gimbal and the interceptor's correctable heading error) for C2 to take a shot (notional choice:
#: the 90 % "basket" of fire-control practice).
MIN_ACQUISITION_PROB = 0.9

# -- threat manoeuvres (scenario/models.py checks, movers/paths.py kernels) -------------------------
#: A weave's or jink's largest cross-track speed, as a fraction of the missile's speed (notional choice:
#: heading excursions up to atan(0.5) = 27 deg; the lateral offset keeps the nominal path's progress, so
#: the missile's speed rises by at most sqrt(1 + 0.5^2) - 1 = 12 % at the fastest crossing).
MAX_MANOEUVRE_LATERAL_SPEED_RATIO = 0.5
#: Largest manoeuvre or evasive-turn acceleration a scenario may give (g; notional: above the
#: structural limit of any cruise missile or combat aircraft).
MAX_MANOEUVRE_G = 30.0
#: Look-ahead (s of flight along the course) of the forward difference that gives a terrain follower's
#: rate of climb from the DEM (movers/advance.py; notional: 25 m at 250 m/s, inside one DEM post spacing).
TERRAIN_RATE_LOOKAHEAD_S = 0.1

# -- ballistic missiles: boost presets, glide, launch warning (scenario/compile/ballistic.py) ------
#: Boost of each range class when the scenario's ``boost:`` block leaves a field out: one
#: single-stage-equivalent motor of constant thrust (core/ballistic_flight.py). Notional: round
#: figures of the right order for unclassified textbook examples (a Scud-class SRBM has Isp ~230 s,
#: a mass ratio ~3-4 and a booster m/(Cd A) ~2e4 kg/m^2), sized so that each class reaches the top
#: of its band (1,000 / 3,000 / 5,500 km; the ICBM the 16,000 km the scenario checks allow, eastward)
#: on a minimum-energy arc eastward and westward at 39 N with drag; mass ratios 4.6 / 9.0 / 13.0 /
#: 19.5, ideal velocities 3.83 / 5.93 / 7.29 / 8.74 km/s. ``rcs_boost_m2``: the
#: mean RCS of the burning missile (body and plume, notional; larger than its re-entry vehicle's).
BOOST_PRESETS: dict[str, dict[str, float]] = {
    "SRBM": {"accel_mps2": 28.0, "burn_time_s": 70.0, "isp_s": 255.0, "vertical_rise_s": 5.0, "pitch_over_s": 5.0,
             "ballistic_coeff_kg_m2": 20_000.0, "rcs_boost_m2": 1.0},
    "MRBM": {"accel_mps2": 20.0, "burn_time_s": 119.9, "isp_s": 275.0, "vertical_rise_s": 7.0, "pitch_over_s": 5.0,
             "ballistic_coeff_kg_m2": 40_000.0, "rcs_boost_m2": 2.0},
    "IRBM": {"accel_mps2": 17.0, "burn_time_s": 154.4, "isp_s": 290.0, "vertical_rise_s": 8.0, "pitch_over_s": 5.0,
             "ballistic_coeff_kg_m2": 60_000.0, "rcs_boost_m2": 3.0},
    "ICBM": {"accel_mps2": 15.0, "burn_time_s": 186.0, "isp_s": 300.0, "vertical_rise_s": 8.0, "pitch_over_s": 5.0,
             "ballistic_coeff_kg_m2": 80_000.0, "rcs_boost_m2": 4.0},
}
#: Longest ground range (m) of each class: a missile whose YAML names no ``range_class`` takes the
#: preset of the first class whose band holds its ground range (the usual bands: SRBM < 1,000 km,
#: MRBM 1,000-3,000 km, IRBM 3,000-5,500 km, ICBM beyond).
RANGE_CLASS_MAX_M: dict[str, float] = {"SRBM": 1_000e3, "MRBM": 3_000e3, "IRBM": 5_500e3, "ICBM": 16_000e3}
#: Ballistic coefficient m/(Cd A) (kg/m^2) of a quasi-ballistic missile's re-entry body when the YAML
#: gives none: its glide needs drag to lift (notional: a slender manoeuvring body).
QUASI_BALLISTIC_COEFF_KG_M2 = 5_000.0
#: Flight-path-angle time constant (s) of the quasi-ballistic pull-up (notional: a few seconds, so
#: the pull-up takes of the order of ten seconds where the lift allows).
GLIDE_TIME_CONSTANT_S = 5.0
#: Largest miss (m) of a compiled launch solution at its aim point (core/ballistic_flight.py solves
#: to 0.5 m; the engine's integration grid differs from the solution's by rounding only).
LAUNCH_SOLUTION_MAX_MISS_M = 1.0
#: Reported ground track of a launch warning is sampled at this many points along its length for
#: the cued sector each radar searches (sensors/launch_warning.py; notional choice).
CUE_TRACK_SAMPLES = 24
#: The cued sector is widened on each side by this many standard deviations of the reported launch
#: point and azimuth (notional: 2 sigma, about 95 % per side).
CUE_SIGMA_MARGIN = 2.0

# -- sorties from an air base (movers/sortie.py) ---------------------------------------------------
#: Turn rate (rad/s) of an aircraft holding while it climbs to its station or descends to land: the
#: standard-rate turn of 3 deg/s (FAA-H-8083-15B, Instrument Flying Handbook, ch. 5: "standard-rate turn").
HOLDING_TURN_RATE_RAD_S = math.radians(3.0)
#: After take-off from a base with a runway heading, an aircraft climbs out straight along the runway
#: for this long (s) before it turns towards its station (notional choice).
CLIMB_OUT_S = 30.0
