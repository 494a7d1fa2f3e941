"""Ballistic missiles' flight programmes and the launch warning, compiled.

Each ballistic missile type gets its launch solution once (``core/ballistic_flight.solve_launch``:
the pad, the aim point, the arc's shape, the boost of its range class or its ``boost:`` block, the
rotating earth or not); every launch of the type flies the same programme (the equations of motion
in the earth-fixed frame do not depend on the launch time). The programme rides in the mover rows
(keys ``bal_*``) and becomes :class:`~amdsim.world.tables.BallisticTable`.
"""

from __future__ import annotations

import numpy as np

from amdsim.core.ballistic_flight import (
    P_TCO,
    BoostProgram,
    GlideProgram,
    LaunchSolution,
    NoLaunchSolutionError,
    empty_params,
    solve_launch,
)
from amdsim.core.constants import (
    BOOST_PRESETS,
    GLIDE_TIME_CONSTANT_S,
    LAUNCH_SOLUTION_MAX_MISS_M,
    QUASI_BALLISTIC_COEFF_KG_M2,
    RANGE_CLASS_MAX_M,
)
from amdsim.core.errors import InputError, Problem
from amdsim.core.geodesy import EARTH_MEAN_RADIUS
from amdsim.core.units import DEG
from amdsim.scenario.compile.rows import Rows
from amdsim.scenario.models import BallisticMissile, Boost, Scenario
from amdsim.world.tables import BallisticTable, LaunchWarningTable


def range_class_of(bm: BallisticMissile, launch_pos: np.ndarray, aim_pos: np.ndarray) -> str:
    """The YAML's range class, else the first class whose band holds the ground range (m, on the
    mean sphere) from the pad to the aim point (``core/constants.RANGE_CLASS_MAX_M``; compilation
    moves up a class when that one's preset cannot reach)."""
    if bm.range_class is not None:
        return bm.range_class
    cos_psi = np.dot(launch_pos, aim_pos) / (np.linalg.norm(launch_pos) * np.linalg.norm(aim_pos))
    ground = float(np.arccos(np.clip(cos_psi, -1.0, 1.0))) * EARTH_MEAN_RADIUS
    return next((c for c, top in RANGE_CLASS_MAX_M.items() if ground <= top), "ICBM")


def boost_program(fields: dict[str, float]) -> BoostProgram:
    """A :class:`~amdsim.core.ballistic_flight.BoostProgram` from a resolved ``Boost`` (SI fields)."""
    return BoostProgram(accel0=fields["accel_mps2"], burn_time=fields["burn_time_s"], isp=fields["isp_s"],
                        vertical_time=fields["vertical_rise_s"], pitch_over_time=fields["pitch_over_s"],
                        beta0=fields["ballistic_coeff_kg_m2"])


def solve_ballistic_type(sc: Scenario, index: int, bm: BallisticMissile, launch_pos: np.ndarray,
                         aim_pos: np.ndarray) -> tuple[LaunchSolution, dict]:
    """The launch solution of ``ballistic_missiles[index]`` and its mover-row columns.

    Raises InputError at the missile's field path when no arc of its shape reaches the aim point."""
    path = f"ballistic_missiles[{index}]"
    cls = range_class_of(bm, launch_pos, aim_pos)
    quasi = bm.trajectory == "quasi_ballistic"
    beta = bm.ballistic_coeff_kg_m2 or (QUASI_BALLISTIC_COEFF_KG_M2 if quasi else np.inf)
    glide = GlideProgram(bm.glide.lift_to_drag, bm.glide.pullup_alt_m, bm.glide.end_speed_mps,
                         GLIDE_TIME_CONSTANT_S) if quasi else None
    # a class inferred from the ground range with no boost: block may not reach (a lofted arc, a
    # westward shot at the top of the band): the next class up is tried, and so on
    classes = [cls]
    if bm.has_boost and bm.range_class is None and bm.boost is None:
        classes = list(RANGE_CLASS_MAX_M)[list(RANGE_CLASS_MAX_M).index(cls):]
    for k, cls in enumerate(classes):
        boost = None
        if bm.has_boost:
            try:
                fields = (bm.boost or Boost()).resolved(cls)
            except ValueError as exc:
                raise InputError(Problem("", f"{path}.boost", f"{exc} (range class {cls} preset)")) from None
            boost = boost_program(fields)
        try:
            sol = solve_launch(launch_pos, aim_pos, bm.trajectory, bm.loft_deg * DEG, boost, beta, glide,
                               rotating=sc.earth.rotation, burnout_alt=bm.burnout_alt_m)
            break
        except NoLaunchSolutionError as exc:
            if k + 1 < len(classes):
                continue
            what = f"the {cls} boost" if boost is not None else "a burnout at this height"
            raise InputError(Problem("", f"{path}.{'aim' if bm.aim is not None else 'aim_position'}",
                                     f"no {bm.trajectory} arc of {what} reaches the aim point: {exc} (expected a "
                                     "reachable aim point: another range_class, a boost: block, or trajectory)")) from None
    if not sol.miss <= LAUNCH_SOLUTION_MAX_MISS_M:
        raise InputError(Problem("", path, f"the launch solution misses its aim point by {sol.miss:.1f} m "
                                           f"(expected at most {LAUNCH_SOLUTION_MAX_MISS_M:g} m)"))
    rcs_boost = bm.rcs_boost_m2 if bm.rcs_boost_m2 is not None else _preset_rcs(cls)
    cols = dict(bal_params=sol.params, bal_has_boost=boost is not None,
                bal_t_cutoff=float(sol.params[P_TCO]) if boost is not None else 0.0,
                bal_rcs_boost=rcs_boost if boost is not None else bm.rcs_m2, bal_launch_pos=launch_pos.copy(),
                bal_launch_az=sol.azimuth, bal_miss=sol.miss)
    return sol, cols


def _preset_rcs(cls: str) -> float:
    return float(BOOST_PRESETS[cls]["rcs_boost_m2"])


def ballistic_table(rows: Rows) -> BallisticTable | None:
    """The rows' flight programmes (the ``bal_*`` columns :func:`solve_ballistic_type` gives); None
    when no row is a ballistic missile."""
    if not any("bal_params" in r for r in rows.rows):
        return None
    n = len(rows.rows)
    params = empty_params(n)
    for i, r in enumerate(rows.rows):
        if "bal_params" in r:
            params[i] = r["bal_params"]
    launch_pos = np.full((n, 3), np.nan)
    for i, r in enumerate(rows.rows):
        if "bal_launch_pos" in r:
            launch_pos[i] = r["bal_launch_pos"]
    rcs = rows.column("rcs", 1.0).astype(float)
    return BallisticTable(
        params=params, has_boost=rows.column("bal_has_boost", False).astype(bool),
        t_cutoff=rows.column("bal_t_cutoff", 0.0).astype(float),
        rcs_boost=np.array([r.get("bal_rcs_boost", c) for r, c in zip(rows.rows, rcs, strict=True)], float),
        launch_pos=launch_pos, launch_az=rows.column("bal_launch_az", np.nan).astype(float),
        solution_miss=rows.column("bal_miss", np.nan).astype(float))


def launch_warning_table(sc: Scenario, forces: dict[str, int]) -> LaunchWarningTable | None:
    """The scenario's ``launch_warning:`` in SI (None without one). Raises InputError for a receiving
    force that is unknown or not blue (field path ``launch_warning.forces[i]``)."""
    lw = sc.launch_warning
    if lw is None:
        return None
    sides = {f.id: f.side for f in sc.forces}
    if lw.forces is None:
        receivers = [f.id for f in sc.forces if f.side == "blue"]
    else:
        problems = [Problem("", f"launch_warning.forces[{i}]", f"unknown force {f!r}; expected one of {sorted(sides)}")
                    if f not in sides else
                    Problem("", f"launch_warning.forces[{i}]", f"force {f!r} is red: expected a blue force")
                    for i, f in enumerate(lw.forces) if sides.get(f) != "blue"]
        if problems:
            raise InputError(problems)
        receivers = list(lw.forces)
    receives = np.zeros(len(forces), bool)
    receives[[forces[f] for f in receivers]] = True
    return LaunchWarningTable(delay=lw.delay_s, sigma_launch_point=lw.launch_point_sigma_m,
                              sigma_azimuth=lw.azimuth_sigma_deg * DEG, receives=receives,
                              cue_duration=lw.cue_duration_s, cue_length=lw.cue_length_m,
                              cued_revisit=lw.cued_revisit_s, cued_gain=float(lw.cued_pulses))
