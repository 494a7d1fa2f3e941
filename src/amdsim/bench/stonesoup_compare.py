"""Reference point for the tracker benchmark: Stone Soup's standard Kalman + GNN tracker.

Runs Stone Soup's ``MultiTargetTracker`` (https://github.com/dstl/Stone-Soup) on exactly the 2-D
scans the amdsim tracker benchmark uses (``amdsim.bench.tracker.simulate_scans``), times only the
tracker and scores its confirmed tracks with amdsim's own OSPA (c = 500 m, p = 1), so the two
trackers' speed and accuracy are compared on the same detections with the same metric.

The Stone Soup tracker is the textbook one, built from its stock components:

* motion: ``CombinedLinearGaussianTransitionModel`` of two ``ConstantVelocity(q)`` (state x, vx,
  y, vy; ``q`` is the white-noise acceleration spectral density, m^2/s^3);
* measurement: ``LinearGaussian`` on (x, y) with noise ``sigma^2``;
* ``KalmanPredictor`` / ``KalmanUpdater``;
* ``DistanceHypothesiser`` with the ``Mahalanobis`` measure (Stone Soup's ``Mahalanobis`` is the
  *un-squared* distance, sqrt of d^2, so the chi-square gate is ``sqrt(chi2.ppf(0.999, 2))``) and
  ``GNNWith2DAssignment``;
* ``MultiMeasurementInitiator`` (prior: position from the measurement, velocity 0 with sigma
  300 m/s; a track is released once it holds 2 updates; a tentative track is dropped after
  ``tentative_misses`` = 2 scans without an update, as amdsim's tracker does) and
  ``UpdateTimeStepsDeleter(3)`` for confirmed tracks (deleted after 3 scans without update).

Clutter handling is what the standard GNN components allow: a detection can only be assigned
inside the 99.9 % gate and only after the 2-point confirmation does a track count; there is no
clutter-density term in the distance-based GNN cost.
"""

from __future__ import annotations

import datetime
import time

import numpy as np

_INSTALL_HINT = (
    "the Stone Soup comparison needs the 'stonesoup' package: "
    "pip install stonesoup  (or: pip install amdsim[compare])"
)


def _import_stonesoup():
    try:
        import stonesoup
        from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
        from stonesoup.deleter.time import UpdateTimeStepsDeleter
        from stonesoup.hypothesiser.distance import DistanceHypothesiser
        from stonesoup.initiator.simple import MultiMeasurementInitiator
        from stonesoup.measures import Mahalanobis
        from stonesoup.models.measurement.linear import LinearGaussian
        from stonesoup.models.transition.linear import (
            CombinedLinearGaussianTransitionModel,
            ConstantVelocity,
        )
        from stonesoup.predictor.kalman import KalmanPredictor
        from stonesoup.tracker.simple import MultiTargetTracker
        from stonesoup.types.detection import Detection
        from stonesoup.types.state import GaussianState
        from stonesoup.updater.kalman import KalmanUpdater
    except ImportError as exc:
        raise ImportError(_INSTALL_HINT) from exc
    return {
        "version": stonesoup.__version__,
        "GNNWith2DAssignment": GNNWith2DAssignment,
        "UpdateTimeStepsDeleter": UpdateTimeStepsDeleter,
        "DistanceHypothesiser": DistanceHypothesiser,
        "MultiMeasurementInitiator": MultiMeasurementInitiator,
        "Mahalanobis": Mahalanobis,
        "LinearGaussian": LinearGaussian,
        "CombinedLinearGaussianTransitionModel": CombinedLinearGaussianTransitionModel,
        "ConstantVelocity": ConstantVelocity,
        "KalmanPredictor": KalmanPredictor,
        "MultiTargetTracker": MultiTargetTracker,
        "Detection": Detection,
        "GaussianState": GaussianState,
        "KalmanUpdater": KalmanUpdater,
    }


def run_stonesoup(scans: list[np.ndarray], truth: list[np.ndarray], sigma: float = 50.0,
                  q: float = 25.0, period_s: float = 1.0, ospa_from_scan: int = 10, *,
                  tentative_misses: int = 2) -> dict:
    """Track ``scans`` with Stone Soup's standard KF-CV + GNN tracker and score it by OSPA.

    ``scans[k]`` is an (M_k, 2) array of detected x, y (m) at time ``k * period_s`` (targets and
    clutter mixed, unlabelled); ``truth[k]`` the (T, 2) true positions then. Only the tracker
    update is timed (detection objects are built beforehand, OSPA afterwards). The mean OSPA
    (c = 500 m, p = 1) is over scans ``k >= ospa_from_scan`` between the confirmed tracks'
    positions and ``truth[k]``. ``tentative_misses`` is how many missed scans delete a track
    still held by the initiator (default 2, as amdsim's tracker); confirmed tracks go after 3.
    """
    from scipy.stats import chi2

    from amdsim.tracking.ospa import ospa

    ss = _import_stonesoup()
    if len(scans) != len(truth):
        raise ValueError(f"{len(scans)} scans but {len(truth)} truth frames")

    transition = ss["CombinedLinearGaussianTransitionModel"](
        [ss["ConstantVelocity"](q), ss["ConstantVelocity"](q)])
    measurement = ss["LinearGaussian"](
        ndim_state=4, mapping=(0, 2), noise_covar=np.diag([sigma**2, sigma**2]))
    predictor = ss["KalmanPredictor"](transition)
    updater = ss["KalmanUpdater"](measurement)
    # UpdateTimeStepsDeleter(n) deletes a track once its last n scans brought no update.
    # Stone Soup's Mahalanobis returns sqrt(d^2): gate on the square root of the chi-square bound.
    gate = float(np.sqrt(chi2.ppf(0.999, 2)))
    hypothesiser = ss["DistanceHypothesiser"](
        predictor, updater, measure=ss["Mahalanobis"](), missed_distance=gate)
    associator = ss["GNNWith2DAssignment"](hypothesiser)
    deleter = ss["UpdateTimeStepsDeleter"](3)
    holding_deleter = ss["UpdateTimeStepsDeleter"](tentative_misses)
    t0 = datetime.datetime(2000, 1, 1)
    prior = ss["GaussianState"](
        np.zeros((4, 1)), np.diag([0.0, 300.0**2, 0.0, 300.0**2]), timestamp=t0)
    initiator = ss["MultiMeasurementInitiator"](
        prior_state=prior, deleter=holding_deleter, data_associator=associator, updater=updater,
        measurement_model=measurement, min_points=2)
    tracker = ss["MultiTargetTracker"](
        initiator=initiator, deleter=deleter, detector=None, data_associator=associator,
        updater=updater)

    Detection = ss["Detection"]
    frames = []
    for k, z in enumerate(scans):
        stamp = t0 + datetime.timedelta(seconds=k * period_s)
        dets = {Detection(np.asarray(row, float).reshape(2, 1), timestamp=stamp,
                          measurement_model=measurement) for row in np.asarray(z, float)}
        frames.append((stamp, dets))

    est = []
    wall = 0.0
    for stamp, dets in frames:
        tic = time.perf_counter()
        _, tracks = tracker.update_tracker(stamp, dets)
        wall += time.perf_counter() - tic
        est.append(np.array([[float(t.state_vector[0, 0]), float(t.state_vector[2, 0])]
                             for t in tracks]).reshape(-1, 2))

    errs = [ospa(est[k], truth[k], c=500.0, p=1.0) for k in range(ospa_from_scan, len(scans))]
    n = len(scans)
    return {
        "tracker": f"stonesoup {ss['version']} KF-CV + GNN",
        "scans": n,
        "s_per_scan": wall / n if n else float("nan"),
        "scans_per_s": n / wall if wall > 0 else float("nan"),
        "mean_ospa_m": float(np.mean(errs)) if errs else float("nan"),
    }
