"""Interceptors: the pool of interceptor mover rows, and the interceptor-type table.

Every round a shooter carries is a mover row from the start (launched by the engine, so its
launch time is inf): each shooter owns a contiguous block of rows, fired in order, after every
platform and threat row. The interceptor-type table takes each field of
:class:`~amdsim.scenario.models.InterceptorType` as it is (already SI): the model's defaults are
the only ones.
"""

from __future__ import annotations

import numpy as np

from amdsim.core.constants import INTERCEPTOR_RCS_M2
from amdsim.core.kinds import Behavior, MoverKind
from amdsim.scenario.compile.rows import Rows, table
from amdsim.scenario.models import Scenario
from amdsim.world.tables import GUIDANCE_LAW_CODES, InterceptorTypeTable

#: InterceptorType field -> InterceptorTypeTable column (``id`` is the table's ``name``).
ITYPE_COLUMNS = {
    "boost_accel_mps2": "boost_accel", "boost_time_s": "boost_time", "launch_speed_mps": "launch_speed",
    "drag_decel_coeff": "drag_coeff", "max_accel_mps2": "max_accel", "nav_gain": "nav_gain",
    "max_tof_s": "max_tof", "min_range_m": "min_range", "max_range_m": "max_range", "min_alt_m": "min_alt",
    "max_alt_m": "max_alt", "lethal_radius_m": "lethal_radius", "pk_max": "pk_max",
    "reaction_time_s": "reaction_time",
}


def add_interceptor_pool(sc: Scenario, rows: Rows, shooters: list[dict]) -> None:
    """One mover row per round of every shooter; sets each shooter's ``first_row``."""
    for s in shooters:
        s["first_row"] = len(rows.rows)
        itype = sc.interceptor_types[s["itype"]]
        for j in range(s["rounds"] + s.get("reload_rounds", 0) + s.get("sortie_rounds", 0)):   # loaded, spares, later sorties
            rows.add(name=f"{s['name']}#{j + 1}", kind=MoverKind.INTERCEPTOR, force=s["force"], parent=s["host"],
                     type_name=itype.id, behavior=Behavior.INTERCEPTOR, t_launch=np.inf, rcs=INTERCEPTOR_RCS_M2,
                     pos0=rows.rows[s["host"]]["pos0"])


def interceptor_type_table(sc: Scenario) -> InterceptorTypeTable:
    it_rows = [dict(name=t.id, **{col: getattr(t, f) for f, col in ITYPE_COLUMNS.items()},
                    **_endgame_columns(t))
               for t in sc.interceptor_types]
    dtypes = {k: (None if k == "name" else float) for k in InterceptorTypeTable.__dataclass_fields__}
    dtypes["command_guided"] = bool
    dtypes["guidance_law"], dtypes["fc_order"] = int, int  # type: ignore[assignment]  # integer codes
    return table(InterceptorTypeTable, it_rows, dtypes)


def _limit(value: float | None) -> float:
    """A launch-requirement limit in SI; none given: no limit (inf)."""
    return float("inf") if value is None else float(value)


ENDGAME_COLUMNS = {
    "guidance_law": ("guidance_law", GUIDANCE_LAW_CODES.__getitem__),
    "flight_control.time_constant_s": ("fc_time_constant", float),
    "flight_control.order": ("fc_order", int),
    "seeker.acquisition_range_m": ("seeker_range", float),
    "seeker.gimbal_limit_deg": ("seeker_gimbal", np.deg2rad),            # rad
    "seeker.angle_noise_rad": ("seeker_angle_noise", float),
    "seeker.glint_m": ("seeker_glint", float),
    "seeker.update_rate_hz": ("seeker_update", lambda hz: 1.0 / hz),     # s between guidance updates
    # midcourse guidance and launch requirements (c2/fire_control.py): a limit not given is inf (the
    # track age then falls back to c2.max_track_age_s in C2)
    "midcourse": ("command_guided", lambda m: m == "command"),
    "launch_requirements.max_pos_sigma_m": ("req_pos_sigma", _limit),
    "launch_requirements.max_vel_sigma_mps": ("req_vel_sigma", _limit),
    "launch_requirements.max_track_age_s": ("req_track_age", _limit),
    # home-on-jam (sensors/jamming.py seeker_ranges): 0 without
    "home_on_jam_range_m": ("hoj_range", lambda r: 0.0 if r is None else float(r)),
}


def _endgame_columns(t) -> dict:
    """Guidance law, guidance-system lag and seeker (``engage/flyout.py``) as table columns."""
    out = {}
    for path, (column, convert) in ENDGAME_COLUMNS.items():
        value = t
        for part in path.split("."):
            value = getattr(value, part)
        out[column] = convert(value)  # type: ignore[operator]  # each entry's converter takes its field
    return out
