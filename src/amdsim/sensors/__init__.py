"""sensors stage: radar physics on (sensors x targets) arrays.

Line of sight over the effective earth (:mod:`horizon`), the radar range equation
(:mod:`range_equation`), Swerling detection (:mod:`detection`), terrain masking from a GeoTIFF DEM
(:mod:`terrain`), sea-surface multipath loss (:mod:`clutter`), measurements and false alarms
(:mod:`measurement`), field of regard and revisit scheduling (:mod:`scan`), the fused compiled
evaluation used on the hot path (:mod:`evaluate`), and the coverage helper (:mod:`coverage`).
The scan stage itself is :mod:`amdsim.sensors.sense`.
"""

from amdsim.core.radar_equation import (
    db2lin,
    lin2db,
    range_for_snr,
    reference_range_from_equation,
    snr_radar_equation,
    snr_reference,
)
from amdsim.core.terrain import Dem, write_ridge_dem
from amdsim.sensors.clutter import multipath_loss_db
from amdsim.sensors.coverage import pd_grid
from amdsim.sensors.detection import (
    pd_albersheim,
    pd_exact,
    pd_from_snr,
    pd_shnidman,
    pd_table,
    required_snr,
    snr_albersheim,
    snr_shnidman,
    threshold_from_pfa,
)
from amdsim.sensors.evaluate import PairEvaluation, RadarParams, evaluate_pairs
from amdsim.sensors.horizon import (
    LineOfSight,
    horizon_angle,
    line_of_sight_clear,
    radar_horizon_range,
)
from amdsim.sensors.measurement import (
    FalseAlarms,
    Polar,
    ecef2rae,
    false_alarms_draw,
    pairs2rae,
    radar_enu_basis,
    rae2ecef_with_cov,
    rae_measure,
)
from amdsim.sensors.scan import field_of_regard_mask, scan_initial_times, scans_due
from amdsim.sensors.terrain import terrain_masked

__all__ = [
    "Dem",
    "FalseAlarms",
    "LineOfSight",
    "PairEvaluation",
    "Polar",
    "RadarParams",
    "db2lin",
    "ecef2rae",
    "evaluate_pairs",
    "false_alarms_draw",
    "field_of_regard_mask",
    "horizon_angle",
    "lin2db",
    "line_of_sight_clear",
    "multipath_loss_db",
    "pairs2rae",
    "pd_albersheim",
    "pd_exact",
    "pd_from_snr",
    "pd_grid",
    "pd_shnidman",
    "pd_table",
    "radar_enu_basis",
    "radar_horizon_range",
    "rae2ecef_with_cov",
    "rae_measure",
    "range_for_snr",
    "reference_range_from_equation",
    "required_snr",
    "scan_initial_times",
    "scans_due",
    "snr_albersheim",
    "snr_radar_equation",
    "snr_reference",
    "snr_shnidman",
    "terrain_masked",
    "threshold_from_pfa",
    "write_ridge_dem",
]
