"""A radar of the scenario as the columns of one sensor row (SI, radians, linear SNR)."""

from __future__ import annotations

from amdsim.core.radar_equation import reference_range_from_equation
from amdsim.core.units import DEG
from amdsim.scenario.models import RadarSpec


def radar_row(spec: RadarSpec, relative_az: bool) -> dict:
    """Sensor-table columns of ``spec``; ``relative_az``: the sector turns with the host's heading.

    A radar given by its physics gets the reference range the range equation gives at its
    reference RCS and SNR (Skolnik 2001, eq. 2.22)."""
    ref_range = spec.ref_range_m
    if spec.physics is not None:
        ph = spec.physics
        ref_range = float(reference_range_from_equation(
            10 ** (spec.ref_snr_db / 10), spec.ref_rcs_m2, ph.peak_power_w, 10 ** (ph.gain_db / 10), spec.wavelength_m,
            bandwidth=ph.bandwidth_hz, noise_figure_db=ph.noise_figure_db, losses_db=ph.losses_db))
    return dict(
        wavelength=spec.wavelength_m, ref_range=ref_range, ref_rcs=spec.ref_rcs_m2, ref_snr=10 ** (spec.ref_snr_db / 10),
        max_range=spec.max_range_m, min_range=spec.min_range_m, pfa=spec.pfa, swerling=spec.swerling,
        n_pulses=spec.n_pulses, revisit=spec.revisit_s, az_center=spec.az_center_deg * DEG,
        az_width=spec.az_width_deg * DEG, el_min=spec.el_min_deg * DEG, el_max=spec.el_max_deg * DEG,
        sigma_range=spec.sigma_range_m, sigma_az=spec.sigma_az_deg * DEG, sigma_el=spec.sigma_el_deg * DEG,
        fa_per_scan=spec.false_alarms_per_scan, multipath=spec.multipath, relative_az=relative_az,
        multifunction=spec.multifunction,   # not a sensor-table column: scenario/compile/traffic.py reads it
    )
