"""The records stage: snapshot states, detections and tracks into columnar chunks.

Chunks are numpy arrays appended to lists and concatenated once at the end of the run, so the
step itself never builds Python objects per mover.
"""

from __future__ import annotations

import numpy as np

from amdsim.world.picture import Picture
from amdsim.world.state import World


class Recorder:
    """Columnar chunks of one replication's states, detections and tracks.

    ``active_before`` is the mover mask at the end of the previous step, so that a mover that ended
    this step (killed, expired) gets its final state recorded where it ended.
    """

    def __init__(self, output_rate: float, record_detections: bool = True, record_tracks: bool = True,
                 active: np.ndarray | None = None) -> None:
        self.active_before = np.zeros(0, bool) if active is None else active.copy()
        self.output_rate = output_rate
        self.next_output = 0.0
        self.states: list[dict[str, np.ndarray]] = []
        self.detections: list[dict[str, np.ndarray]] = []
        self.tracks: list[dict[str, np.ndarray]] = []
        self.record_detections = record_detections
        self.record_tracks = record_tracks
        # magazines (world/magazines.py): launcher rows at the output rate and whenever one changes
        self.magazines: list[dict[str, np.ndarray]] = []
        self._mag_last: dict[str, np.ndarray] | None = None
        self._mag_version = -1

    def due(self, t: float) -> bool:
        return t + 1e-9 >= self.next_output

    def record_step(self, w: World, pictures: list[Picture], det, sensor_host: np.ndarray,
                    sensor_force: np.ndarray, impacted: np.ndarray) -> None:
        """The records stage of a step: the step's detections; at the output rate every state and
        picture, otherwise the last state of the movers that ended in this step."""
        self.record_detections_chunk(det, sensor_host, sensor_force)
        ended = np.flatnonzero(self.active_before & ~w.is_active)
        self.active_before = w.is_active.copy()
        self.record_magazines(w, full=self.due(w.t))
        if self.due(w.t):
            self.record_states(w)
            self.record_pictures(pictures, w.t, truth_pos=w.pos, truth_alive=w.is_active)
        else:
            ended = np.concatenate([impacted, ended])
            if ended.size:
                self.record_final(w, np.unique(ended))

    def record_states(self, w: World) -> None:
        rows = np.flatnonzero(w.is_active)
        self.states.append({
            "time_s": np.full(rows.size, w.t), "mover_id": rows.astype(np.int32),
            "lat": w.lat[rows].copy(), "lon": w.lon[rows].copy(), "alt_m": w.alt[rows].copy(),
            "pos": w.pos[rows].copy(), "vel": w.vel[rows].copy(), "heading": w.heading[rows].copy(),
        })
        self.next_output += self.output_rate * max(1.0, np.floor((w.t + 1e-9 - self.next_output) / self.output_rate) + 1)

    def record_magazines(self, w: World, full: bool = False) -> None:
        """Snapshot the launchers (``w.mag``): every one with ``full`` (the output rate, the start),
        otherwise those whose rounds changed since the last snapshot (at step resolution: several
        changes within one step are one row, the state at the end of the step)."""
        mag = w.mag
        if not full and mag.version == self._mag_version:
            return
        now = {"loaded": mag.loaded.copy(), "reserved": mag.reserved.copy(), "in_reload": mag.in_reload.copy(),
               "reloads_left": mag.reloads_left[mag.shooter].copy()}
        if full or self._mag_last is None:
            rows = np.arange(mag.m)
        else:
            last = self._mag_last
            rows = np.flatnonzero(np.any([now[k] != last[k] for k in now], axis=0))
        self._mag_last, self._mag_version = now, mag.version
        if rows.size == 0:
            return
        self.magazines.append({
            "time_s": np.full(rows.size, w.t), "launcher_row": rows.astype(np.int32),
            "ready": (now["loaded"] - now["reserved"])[rows], "reserved": now["reserved"][rows],
            "in_reload": now["in_reload"][rows], "reload_until": mag.reload_until[rows].copy(),
            "reloads_left": now["reloads_left"][rows],
        })

    def record_final(self, w: World, rows: np.ndarray) -> None:
        """Record the last state of movers that ended this step (impact, kill), so trails end where they did."""
        if rows.size:
            self.states.append({
                "time_s": np.full(rows.size, w.t), "mover_id": rows.astype(np.int32),
                "lat": w.lat[rows].copy(), "lon": w.lon[rows].copy(), "alt_m": w.alt[rows].copy(),
                "pos": w.pos[rows].copy(), "vel": w.vel[rows].copy(), "heading": w.heading[rows].copy(),
            })

    def record_detections_chunk(self, det, host: np.ndarray, force: np.ndarray) -> None:
        if not self.record_detections or det.n == 0:
            return
        self.detections.append({
            "time_s": np.full(det.n, det.time), "sensor_id": det.sensor, "host_id": host[det.sensor],
            "force_index": force[det.sensor], "target_id": det.target, "range_m": det.range, "az_rad": det.az,
            "el_rad": det.el, "snr_db": det.snr_db, "pos": det.pos, "cov": det.cov,
        })

    def record_pictures(self, pictures: list[Picture], t: float, truth_pos: np.ndarray | None = None,
                        truth_alive: np.ndarray | None = None) -> None:
        """Snapshot every force's picture; ``truth_pos`` (movers x 3, ECEF m) gives each track's position
        error against the truth it follows — NaN for false tracks and, with ``truth_alive`` (movers,)
        bool, for tracks whose threat is gone (a killed threat's track coasts on) — scoring only."""
        if not self.record_tracks:
            return
        for pic in pictures:
            if pic.n == 0:
                continue
            err = np.full(pic.n, np.nan)
            if truth_pos is not None:
                ok = pic.truth >= 0
                if truth_alive is not None:
                    ok &= truth_alive[np.maximum(pic.truth, 0)]
                err[ok] = np.linalg.norm(pic.pos[ok] - truth_pos[pic.truth[ok]], axis=1)
            self.tracks.append({
                "time_s": np.full(pic.n, t), "force_index": np.full(pic.n, pic.force, np.int16),
                "track_id": pic.track_id, "truth_id": pic.truth, "confirmed": pic.confirmed, "pos": pic.pos.copy(),
                "vel": pic.vel.copy(), "pos_sigma_m": pic.pos_sigma, "error_m": err, "source_force": pic.source_force,
            })


def concat_chunks(chunks: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray] | None:
    if not chunks:
        return None
    return {k: np.concatenate([c[k] for c in chunks]) for k in chunks[0]}
