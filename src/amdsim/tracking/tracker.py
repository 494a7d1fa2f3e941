"""The multi-target tracker on arrays: Kalman filters (CV, CA or an IMM of both), chi-square gate,
GNN or JPDA association, one-point initiation, M-of-N confirmation, track quality, deletion.

Each track holds r mode-conditioned states ``xm`` (N,r,n) with covariances ``Pm`` (N,r,n,n) and mode
probabilities ``mu`` (N,r): r = 1 for the single models, r = 2 for the IMM (CV acting on the CA
state, and CA; Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to Tracking and
Navigation*, 2001, sec. 11.6.6). States are [position (3), velocity (3)] (+ [acceleration (3)]) in
the frame of the measurements (ECEF in the engine). Measurements are positions with their own
covariance R (converted measurements), so the update is linear.

One :meth:`Tracker.step` takes one scan batch: predict every track to the scan time (all tracks
share one clock), gate every (track, detection) pair, associate cluster by cluster
(:mod:`amdsim.tracking.gate`, :mod:`amdsim.tracking.associate`, :mod:`amdsim.tracking.jpda`), update the associated tracks at once (Joseph form; PDA form for
JPDA), start tracks on the free detections, and apply the lifecycle rules:

==========  ===========================================  =========================================
state       entered when                                 leaves when
==========  ===========================================  =========================================
tentative   a detection no track takes (GNN) or outside  M hits in the last N scans in view ->
            every gate (JPDA)                            confirmed; ``tentative_misses`` misses ->
                                                         deleted
confirmed   M of N                                       ``delete_misses`` consecutive misses while in
                                                         view after coasting half of ``max_coast_s``,
                                                         or ``max_coast_s`` without update -> deleted
deleted     misses, or position sigma over ``max_sigma``  (final)
==========  ===========================================  =========================================

A miss counts only when the scan could have seen the track (``in_view``). Track quality is the
fraction of hits over the last ``QUALITY_WINDOW`` scans in view (or since the track began).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from amdsim.core.constants import TENTATIVE_MISSES
from amdsim.scenario.models import Tracking
from amdsim.tracking.associate import gnn_assign
from amdsim.tracking.gate import chi2_ppf3, gated
from amdsim.tracking.jpda import jpda_weights
from amdsim.tracking.kalman import (
    ca_model,
    cv_in_ca_model,
    cv_model,
    free_fall_increment,
    imm_combine,
    imm_mix,
)
from amdsim.tracking.lifecycle import lifecycle

#: Motion models: (number of modes r, state length n).
MOTIONS = {"cv": (1, 6), "ca": (1, 9), "imm": (2, 9), "imm_gravity": (2, 6), "imm_cv": (2, 6),
           "imm_cv_gravity": (3, 6)}
#: Scans over which the track quality (hit fraction) is measured.
QUALITY_WINDOW = 8
_LOG_2PI = float(np.log(2.0 * np.pi))


def _as_is(v):
    return v


def _squared(sigma: float) -> float:
    """A noise standard deviation (the scenario's unit) as the spectral density the filter takes."""
    return sigma**2


#: How each field of a scenario's ``tracking:`` (:class:`amdsim.scenario.models.Tracking`, where
#: its default, bounds and description are declared) sets a :class:`TrackerConfig` field:
#: ``{tracking field: (TrackerConfig field, conversion from the scenario's unit)}``.
SCENARIO_FIELDS: dict[str, tuple[str, Callable]] = {
    "motion": ("motion", _as_is),
    "association": ("association", _as_is),
    "process_noise_mps2": ("q", _squared),
    "quiet_noise_mps2": ("q_quiet", _squared),
    "manoeuvre_noise_mps2": ("q_manoeuvre", _squared),
    "mode_switch_prob": ("imm_switch", _as_is),
    "jerk_noise_mps3": ("q_ca", _squared),
    "assumed_pd": ("pd", _as_is),
    "gate_prob": ("gate_prob", _as_is),
    "confirm_m": ("m", _as_is),
    "confirm_n": ("n", _as_is),
    "delete_misses": ("delete_misses", _as_is),
}
#: ``tracking:`` fields that are no tracker setting: ``model`` picks the tracking stage (Kalman or perfect).
NOT_TRACKER_FIELDS = ("model",)


def _scenario_default(field: str):
    """The scenario's default of the TrackerConfig field ``field``, in the tracker's unit."""
    name, conv = next((k, c) for k, (f, c) in SCENARIO_FIELDS.items() if f == field)
    return conv(Tracking.model_fields[name].default)


@dataclass(frozen=True)
class TrackerConfig:
    """Tracker settings (SI units).

    motion: ``cv`` constant velocity, ``ca`` constant acceleration, ``imm`` an IMM of both,
    ``imm_gravity`` an IMM of constant velocity and free fall (constant velocity plus point-mass
    gravity, for ballistic threats among air-breathers; the measurement frame must then be ECEF),
    ``imm_cv`` an IMM of a quiet CV mode (``q_quiet``) and a manoeuvre CV mode (``q_manoeuvre``)
    (Bar-Shalom, Li & Kirubarajan 2001, sec. 11.7: two white-noise levels), ``imm_cv_gravity`` those
    two and a free-fall mode (``q_quiet``), ECEF only.
    association: ``gnn`` global nearest neighbour, ``jpda`` joint probabilistic data association.
    q: CV white-noise acceleration spectral density (m^2/s^3); q_ca: CA white-noise jerk density
    (m^2/s^5); q_quiet, q_manoeuvre: the imm_cv modes' densities (m^2/s^3); imm_switch: probability
    per second of leaving a mode (IMM Markov chain, :meth:`Tracker.mode_transition`).
    delete_miss_prob: > 0 lets a confirmed track seldom seen miss more scans before deletion
    (:func:`amdsim.tracking.lifecycle.lifecycle`); the engine sets it, the offline tracker does not.
    pd: detection probability assumed by JPDA; clutter_density: false detections per m^3 assumed by
    JPDA (0 = estimated from the detections in each cluster's gates).

    The settings a scenario exposes (``tracking:``, :data:`SCENARIO_FIELDS`) have their defaults
    declared once, in :class:`amdsim.scenario.models.Tracking`; :meth:`from_settings` builds the
    tracker a scenario (the engine) or ``amdsim track`` asks for. The defaults below, for a bare
    ``Tracker()``, are read from there too; the rest are no scenario setting.
    """

    motion: str = _scenario_default("motion")
    association: str = _scenario_default("association")
    q: float = _scenario_default("q")
    q_quiet: float = _scenario_default("q_quiet")
    q_manoeuvre: float = _scenario_default("q_manoeuvre")
    q_ca: float = _scenario_default("q_ca")
    imm_switch: float = _scenario_default("imm_switch")
    gate_prob: float = _scenario_default("gate_prob")
    m: int = _scenario_default("m")
    n: int = _scenario_default("n")
    delete_misses: int = _scenario_default("delete_misses")
    tentative_misses: int = TENTATIVE_MISSES
    init_speed_sigma: float = 300.0
    init_accel_sigma: float = 30.0
    max_sigma: float = 20_000.0
    max_coast_s: float = np.inf
    delete_miss_prob: float = 0.0
    pd: float = _scenario_default("pd")
    clutter_density: float = 0.0

    def __post_init__(self) -> None:
        if self.motion not in MOTIONS:
            raise ValueError(f"motion must be one of {', '.join(MOTIONS)}, got {self.motion!r}")
        if self.association not in ("gnn", "jpda"):
            raise ValueError(f"association must be gnn or jpda, got {self.association!r}")
        if not 1 <= self.m <= self.n <= 30:
            raise ValueError(f"confirmation needs 1 <= M <= N <= 30, got {self.m}/{self.n}")

    @classmethod
    def from_settings(cls, settings: Mapping | object, **extras) -> TrackerConfig:
        """The tracker of a scenario's ``tracking:`` settings: an :class:`amdsim.scenario.models.Tracking`
        or a mapping of its fields (``CompiledScenario.tracking``; validated, and every field it lacks
        takes the scenario's default). ``extras``: the TrackerConfig fields no scenario sets (the
        engine's coast limit, initial speed sigma; the offline tracker's clutter density).
        Raises pydantic's ValidationError for settings out of bounds, ValueError for M > N."""
        if not isinstance(settings, Tracking):
            settings = Tracking.model_validate(dict(settings))  # type: ignore[call-overload]  # a Mapping of field values
        kw = {f: conv(getattr(settings, name)) for name, (f, conv) in SCENARIO_FIELDS.items()}
        clash = sorted(set(kw) & set(extras))
        if clash:
            raise TypeError(f"{', '.join(clash)}: set by the tracking settings, not as extras")
        return cls(**kw, **extras)


class Tracker:
    """Struct-of-arrays track table with integer ids assigned in order of creation."""

    def __init__(self, config: TrackerConfig | None = None, **kwargs) -> None:
        cfg = config or TrackerConfig(**kwargs)
        self.cfg = cfg
        self.r, self.dim = MOTIONS[cfg.motion]
        # modes whose prediction adds point-mass gravity (free fall) to constant velocity
        gravity = {"imm_gravity": [1], "imm_cv_gravity": [2]}.get(cfg.motion, [])
        self.gravity_modes = np.array(gravity, np.int64)
        self.gate = chi2_ppf3(cfg.gate_prob)
        self.trans = self.mode_transition(1.0)
        self.time = -np.inf             # the clock every track's state refers to
        self.next_id = 0
        n, r = self.dim, self.r
        self.track_id = np.zeros(0, np.int64)
        self.xm = np.zeros((0, r, n))
        self.Pm = np.zeros((0, r, n, n))
        self.mu = np.zeros((0, r))
        self.t_update = np.zeros(0)
        self.t_start = np.zeros(0)
        self.hist = np.zeros(0, np.int64)       # hit history, bit 0 = latest scan in view (1 = hit)
        self.age = np.zeros(0, np.int64)        # scans in view since the track began
        self.misses = np.zeros(0, np.int64)     # consecutive misses in view
        self.confirmed = np.zeros(0, bool)
        self.label = np.zeros(0, np.int64)      # bookkeeping carried from the detections (e.g. truth)
        self._models: dict[float, tuple[np.ndarray, np.ndarray]] = {}
        #: free fall on the rotating earth (J2, Coriolis, centrifugal) or point-mass gravity (core/gravity.py)
        self.rotating = True
        #: planar data (x, y only; z measured flat): see :meth:`make_planar`
        self.planar = False

    def make_planar(self) -> None:
        """Track 2-D data in the 3-D filter exactly: no process noise and no initial velocity along z
        (the z state stays at its measured 0, with one covariance for every mode, so the IMM's mode
        likelihoods and the GNN costs are the 2-D ones times one common factor), and the 2-dof gate
        -2 ln(1 - P_G) (Bar-Shalom, Willett & Tian 2011, table 2.3.1)."""
        self.planar = True
        self.gate = float(-2.0 * np.log1p(-self.cfg.gate_prob))
        self._models.clear()

    # ---------------------------------------------------------------- views
    @property
    def size(self) -> int:
        return self.track_id.size

    @property
    def x(self) -> np.ndarray:
        """(N,n) combined state estimates at ``self.time``."""
        return self.xm[:, 0] if self.r == 1 else imm_combine(self.xm, self.Pm, self.mu)[0]

    @property
    def P(self) -> np.ndarray:  # noqa: N802 (the covariance is P in every textbook)
        """(N,n,n) combined covariances at ``self.time``."""
        return self.Pm[:, 0] if self.r == 1 else imm_combine(self.xm, self.Pm, self.mu)[1]

    @property
    def quality(self) -> np.ndarray:
        """(N,) fraction of hits over the last ``QUALITY_WINDOW`` scans in view, in [0, 1]."""
        window = np.minimum(np.maximum(self.age, 1), QUALITY_WINDOW)
        return np.bitwise_count(self.hist & ((1 << QUALITY_WINDOW) - 1)) / window

    def predicted(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """Every track's [position, velocity] (N,6) and covariance (N,6,6) predicted to ``t``
        (nothing stored)."""
        xm, Pm, mu = self._predict(t)
        if self.r == 1:
            x, P = xm[:, 0], Pm[:, 0]
        else:
            x, P = imm_combine(xm, Pm, mu)
        return x[:, :6], P[:, :6, :6]

    def mode_transition(self, dt: float) -> np.ndarray:
        """(r,r) Markov matrix of the IMM's modes over dt seconds: ``imm_switch`` is the probability of
        leaving a mode per second (per scan at 1 s scans), so a mode is left with 1 - (1 - p)^dt over a
        longer gap (the mean sojourn time stays the same whatever the revisit; Bar-Shalom, Li &
        Kirubarajan 2001, 11.6.7), to each other mode alike."""
        r = self.r
        leave = 1.0 - (1.0 - self.cfg.imm_switch) ** max(dt, 0.0)
        return np.full((r, r), leave / max(r - 1, 1)) + np.eye(r) * (1.0 - leave - leave / max(r - 1, 1))

    # ------------------------------------------------------------ filtering
    def _model(self, dt: float) -> tuple[np.ndarray, np.ndarray]:
        """F, Q (r,n,n) for a step of dt seconds (cached: scans come at a few distinct periods)."""
        hit = self._models.get(dt)
        if hit is not None:
            return hit
        c = self.cfg
        if c.motion == "cv":
            F, Q = cv_model(np.array([dt]), c.q)
        elif c.motion == "ca":
            F, Q = ca_model(np.array([dt]), c.q_ca)
        elif c.motion == "imm_gravity":
            F, Q = cv_model(np.array([dt, dt]), c.q)
        elif c.motion == "imm_cv":
            F, Q = cv_model(np.array([dt, dt]), 1.0)
            Q = Q * np.array([c.q_quiet, c.q_manoeuvre])[:, None, None]
        elif c.motion == "imm_cv_gravity":
            F, Q = cv_model(np.array([dt, dt, dt]), 1.0)
            Q = Q * np.array([c.q_quiet, c.q_manoeuvre, c.q_quiet])[:, None, None]
        else:
            F0, Q0 = cv_in_ca_model(np.array([dt]), c.q)
            F1, Q1 = ca_model(np.array([dt]), c.q_ca)
            F, Q = np.concatenate([F0, F1]), np.concatenate([Q0, Q1])
        if self.planar:
            Q = Q.copy()
            Q[:, 2::3, :] = 0.0
            Q[:, :, 2::3] = 0.0
        if len(self._models) > 64:
            self._models.clear()
        self._models[dt] = (F, Q)
        return F, Q

    def _predict(self, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self.size == 0 or t == self.time:
            return self.xm, self.Pm, self.mu
        F, Q = self._model(float(t - self.time))
        if self.r == 1:
            xm, Pm, mu = self.xm, self.Pm, self.mu
        else:
            dt = float(t - self.time)
            trans = self.trans if dt == 1.0 else self.mode_transition(dt)
            xm, Pm, mu = imm_mix(self.xm, self.Pm, self.mu, trans)
        x0 = xm
        xm = np.einsum("rij,nrj->nri", F, xm)
        if self.gravity_modes.size:
            # free fall: gravity at the mid-point of the step (its change over a scan is second order)
            dt = float(t - self.time)
            g = self.gravity_modes
            xm[:, g, :6] += free_fall_increment(x0[:, g], dt, self.rotating)
        Pm = F @ Pm @ np.swapaxes(F, -1, -2) + Q
        return xm, 0.5 * (Pm + np.swapaxes(Pm, -1, -2)), mu

    # ----------------------------------------------------------------- scan
    def step(self, t: float, z: np.ndarray, R: np.ndarray, labels: np.ndarray | None = None,
             in_view=None) -> np.ndarray:
        """Process one scan batch of M position measurements ``z`` (M,3) with covariances ``R`` (M,3,3)
        taken at time ``t`` (s). ``in_view`` (a callable of the predicted positions (N,3) -> (N,) bool,
        or None for all) says which tracks the scan could have seen: only those count a miss.
        Returns (M,) the id of the track each detection updated most (or started), -1 if none."""
        z = np.ascontiguousarray(z, float)
        R = np.ascontiguousarray(R, float)
        m_det = z.shape[0]
        labels = np.full(m_det, -1, np.int64) if labels is None else np.asarray(labels, np.int64)
        owner = np.full(m_det, -1, np.int64)
        xm, Pm, mu = self._predict(t)
        self.time = t
        n_tr = self.size
        hit = np.zeros(n_tr, bool)
        taken = np.zeros(m_det, bool)
        if n_tr and m_det:
            ti, di, d2, logdet = self._gate(xm, Pm, mu, z, R)
            if self.cfg.association == "gnn":
                xm, Pm, mu = self._gnn(xm, Pm, mu, z, R, labels, ti, di, d2 + logdet, hit, taken, owner)
            else:
                # JPDA on the confirmed tracks; tentative tracks take the detections the confirmed ones
                # most likely did not by GNN (hard decisions keep initiation from spreading over clutter)
                conf = self.confirmed[ti]
                xm, Pm, mu, claimed = self._jpda(xm, Pm, mu, z, R, labels, ti[conf], di[conf], d2[conf],
                                                 logdet[conf], hit, owner)
                taken[di[conf]] = True          # a detection inside a confirmed track's gate starts no track
                free = ~conf & ~claimed[di]
                xm, Pm, mu = self._gnn(xm, Pm, mu, z, R, labels, ti[free], di[free], d2[free] + logdet[free], hit,
                                       taken, owner)
        self.xm, self.Pm, self.mu = xm, Pm, mu
        self._lifecycle(t, hit, in_view)
        new = np.flatnonzero(~taken)
        if new.size:
            owner[new] = self._start(t, z[new], R[new], labels[new])
        return owner

    def _gate(self, xm, Pm, mu, z, R):
        """Gated pairs (ti, di, d2, logdet) sorted by track.

        With an IMM a pair is in when it is inside any mode's gate (gating on the mixture alone would
        drop the very detections that reveal a manoeuvre: the CV mode dominates the mixture when it
        starts), and it is scored by the mixture's predictive likelihood sum_j mu_j N(nu_j; 0, S_j):
        ``d2`` is the best mode's and ``logdet`` is set so that d2 + logdet = -2 ln of that sum (up to
        the constant), which is what GNN costs and JPDA weighs. Scoring by the best mode alone let the
        wide CA mode of one track take a neighbour's detection."""
        parts = [gated(np.ascontiguousarray(xm[:, j, :3]), np.ascontiguousarray(Pm[:, j, :3, :3]),
                                    z, R, self.gate) for j in range(self.r)]
        if self.r == 1:
            return parts[0]
        ti, di, d2, logdet = (np.concatenate(a) for a in zip(*parts, strict=True))
        if ti.size == 0:
            return ti, di, d2, logdet
        order = np.lexsort((d2, di, ti))
        ti, di = ti[order], di[order]
        first = np.r_[True, (ti[1:] != ti[:-1]) | (di[1:] != di[:-1])]
        ti, di, d2 = ti[first], di[first], d2[order][first]
        nu = z[di][:, None, :] - xm[ti][..., :3]                          # (P,r,3)
        S = Pm[ti][..., :3, :3] + R[di][:, None]                          # (P,r,3,3)
        d2m = np.einsum("pri,pri->pr", nu, np.linalg.solve(S, nu[..., None])[..., 0])
        ll = np.log(np.maximum(mu[ti], 1e-300)) - 0.5 * (d2m + np.linalg.slogdet(S)[1])
        top = ll.max(axis=1)
        cost = -2.0 * (top + np.log(np.exp(ll - top[:, None]).sum(axis=1)))
        return ti, di, d2, cost - d2

    def _gnn(self, xm, Pm, mu, z, R, labels, ti, di, cost, hit, taken, owner):
        """GNN association of the gated pairs (ti, di) at ``cost``, then the Kalman update."""
        det_of = gnn_assign(ti, di, cost, xm.shape[0], z.shape[0])
        a_t = np.flatnonzero(det_of >= 0)
        a_d = det_of[a_t]
        hit[a_t] = True
        taken[a_d] = True
        owner[a_d] = self.track_id[a_t]
        self.label[a_t] = labels[a_d]
        return self._update(xm, Pm, mu, a_t, z[a_d], R[a_d])

    def _update(self, xm, Pm, mu, a_t, z, R):
        """Kalman update (Joseph form) of tracks a_t with one detection each, every mode; IMM mode
        probabilities from the mode-matched innovation likelihoods."""
        if a_t.size == 0:
            return xm, Pm, mu
        xa, Pa = xm[a_t], Pm[a_t]                                    # (A,r,n), (A,r,n,n)
        S = Pa[..., :3, :3] + R[:, None]                             # (A,r,3,3)
        Sinv = np.linalg.inv(S)
        K = Pa[..., :, :3] @ Sinv                                    # (A,r,n,3)
        nu = z[:, None, :] - xa[..., :3]                             # (A,r,3)
        xm = xm.copy()
        Pm = Pm.copy()
        xm[a_t] = xa + np.einsum("arij,arj->ari", K, nu)
        IKH = np.eye(self.dim) - _pad(K, self.dim)
        Pn = IKH @ Pa @ np.swapaxes(IKH, -1, -2) + K @ R[:, None] @ np.swapaxes(K, -1, -2)
        Pm[a_t] = 0.5 * (Pn + np.swapaxes(Pn, -1, -2))
        if self.r > 1:
            d2 = np.einsum("ari,arij,arj->ar", nu, Sinv, nu)
            loglik = -0.5 * (d2 + np.linalg.slogdet(S)[1])
            lik = np.exp(loglik - loglik.max(axis=1, keepdims=True))
            w = mu[a_t] * lik
            mu = mu.copy()
            mu[a_t] = w / w.sum(axis=1, keepdims=True)
        return xm, Pm, mu

    def _jpda(self, xm, Pm, mu, z, R, labels, ti, di, d2, logdet, hit, owner):
        """JPDA update: every track's state moves by the beta-weighted innovation, its covariance grows
        by the spread of the innovations (Bar-Shalom, Willett & Tian 2011, eqs. 3.4.2-5..8)."""
        c = self.cfg
        n_tr, m_det = xm.shape[0], z.shape[0]
        beta, beta0 = jpda_weights(ti, di, d2, logdet, n_tr, m_det, c.pd, c.gate_prob, self.gate,
                                           c.clutter_density)
        claimed = np.zeros(m_det)
        np.add.at(claimed, di, beta)
        claimed = claimed >= 0.5                          # detections more likely a confirmed track's
        a_t = np.unique(ti)
        if a_t.size == 0:
            return xm, Pm, mu, claimed
        pos = np.searchsorted(a_t, ti)
        wsum = np.zeros(a_t.size)
        np.add.at(wsum, pos, beta)
        # the beta-weighted measurement covariance of each track's gated detections
        Rbar = np.zeros((a_t.size, 3, 3))
        np.add.at(Rbar, pos, beta[:, None, None] * R[di])
        Rbar = np.where(wsum[:, None, None] > 1e-12, Rbar / np.maximum(wsum, 1e-12)[:, None, None],
                        R[di][np.unique(pos, return_index=True)[1]])
        xa, Pa = xm[a_t], Pm[a_t]
        S = Pa[..., :3, :3] + Rbar[:, None]                          # (A,r,3,3)
        Sinv = np.linalg.inv(S)
        K = Pa[..., :, :3] @ Sinv                                    # (A,r,n,3)
        nu_p = z[di][:, None, :] - xm[ti][..., :3]                   # (P,r,3) per pair and mode
        nu = np.zeros((a_t.size, self.r, 3))
        np.add.at(nu, pos, beta[:, None, None] * nu_p)
        spread = np.zeros((a_t.size, self.r, 3, 3))
        np.add.at(spread, pos, beta[:, None, None, None] * nu_p[..., :, None] * nu_p[..., None, :])
        spread -= nu[..., :, None] * nu[..., None, :]
        b0 = beta0[a_t][:, None, None, None]
        IKH = np.eye(self.dim) - _pad(K, self.dim)
        Pc = IKH @ Pa @ np.swapaxes(IKH, -1, -2) + K @ Rbar[:, None] @ np.swapaxes(K, -1, -2)
        Pn = b0 * Pa + (1 - b0) * Pc + K @ spread @ np.swapaxes(K, -1, -2)
        xm = xm.copy()
        Pm = Pm.copy()
        xm[a_t] = xa + np.einsum("arij,arj->ari", K, nu)
        Pm[a_t] = 0.5 * (Pn + np.swapaxes(Pn, -1, -2))
        if self.r > 1:
            # mode likelihood of the IMM-PDAF: (1 - Pd Pg) lambda + Pd sum_j N(nu_j; 0, S)
            d2m = np.einsum("pri,prij,prj->pr", nu_p, Sinv[pos], nu_p)
            lik_p = np.exp(-0.5 * (d2m + np.linalg.slogdet(S)[1][pos] + 3 * _LOG_2PI))
            lik = np.zeros((a_t.size, self.r))
            np.add.at(lik, pos, c.pd * lik_p)
            lam = c.clutter_density if c.clutter_density > 0 else 1e-30
            lik += (1 - c.pd * c.gate_prob) * lam
            w = mu[a_t] * lik
            tot = w.sum(axis=1, keepdims=True)
            mu = mu.copy()
            mu[a_t] = np.where(tot > 0, w / np.where(tot > 0, tot, 1), mu[a_t])
        # bookkeeping: a track "hits" when it more likely took a detection than none
        took = 1.0 - beta0[a_t] >= 0.5
        hit[a_t[took]] = True
        order = np.lexsort((beta, pos))                     # by track, then by beta ascending
        last = order[np.r_[pos[order][1:] != pos[order][:-1], True]]
        best = di[last]                                     # each track's most likely detection
        self.label[a_t[took]] = labels[best[took]]
        owner[best[took]] = self.track_id[a_t[took]]
        return xm, Pm, mu, claimed

    # ------------------------------------------------------------ lifecycle
    def _lifecycle(self, t: float, hit: np.ndarray, in_view) -> None:
        c = self.cfg
        if self.size == 0:
            return
        x, P = (self.xm[:, 0], self.Pm[:, 0]) if self.r == 1 else imm_combine(self.xm, self.Pm, self.mu)
        seen = np.ones(self.size, bool) if in_view is None else np.asarray(in_view(x[:, :3]), bool)
        keep = lifecycle(hit, seen, self.hist, self.age, self.misses, self.confirmed, self.t_update,
                                 np.ascontiguousarray(P[:, :3, :3]), t, c.m, c.n, c.delete_misses,
                                 c.tentative_misses, c.max_coast_s, c.max_sigma, c.delete_miss_prob)
        if not keep.all():
            self._take(np.flatnonzero(keep))

    def _start(self, t, z, R, labels) -> np.ndarray:
        """One-point initiation: position from the detection, zero velocity (and acceleration) with
        wide priors."""
        c = self.cfg
        k = z.shape[0]
        ids = np.arange(self.next_id, self.next_id + k, dtype=np.int64)
        self.next_id += k
        x = np.zeros((k, self.r, self.dim))
        x[:, :, :3] = z[:, None]
        P = np.zeros((k, self.r, self.dim, self.dim))
        P[:, :, :3, :3] = R[:, None]
        P[:, :, 3:6, 3:6] = np.eye(3) * c.init_speed_sigma**2
        if self.planar:
            P[:, :, 5, 5] = 0.0
        if self.dim == 9:
            P[:, :, 6:, 6:] = np.eye(3) * c.init_accel_sigma**2
        if self.r > 1:
            P[:, 0, 6:, 6:] = 0.0          # the CV mode holds acceleration at zero
        if self.size == 0:
            self.time = t
        self.track_id = np.concatenate([self.track_id, ids])
        self.xm = np.concatenate([self.xm, x])
        self.Pm = np.concatenate([self.Pm, P])
        self.mu = np.concatenate([self.mu, np.full((k, self.r), 1.0 / self.r)])
        self.t_update = np.concatenate([self.t_update, np.full(k, t)])
        self.t_start = np.concatenate([self.t_start, np.full(k, t)])
        self.hist = np.concatenate([self.hist, np.ones(k, np.int64)])
        self.age = np.concatenate([self.age, np.ones(k, np.int64)])
        self.misses = np.concatenate([self.misses, np.zeros(k, np.int64)])
        self.confirmed = np.concatenate([self.confirmed, np.full(k, c.m <= 1)])
        self.label = np.concatenate([self.label, labels])
        return ids

    def _take(self, idx: np.ndarray) -> None:
        for name in ("track_id", "xm", "Pm", "mu", "t_update", "t_start", "hist", "age", "misses",
                     "confirmed", "label"):
            setattr(self, name, getattr(self, name)[idx])


def _pad(K: np.ndarray, n: int) -> np.ndarray:
    """K H for H picking the position: (…, n, 3) -> (…, n, n) with K in the first three columns."""
    out = np.zeros((*K.shape[:-1], n))
    out[..., :3] = K
    return out
