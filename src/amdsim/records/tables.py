"""Turn a finished replication into the run folder's Arrow tables (format: docs/architecture.md)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from amdsim.core.geodesy import ecef2geodetic
from amdsim.core.kinds import KIND_NAMES
from amdsim.records.recorder import concat_chunks

DEG = 180.0 / np.pi


def movers_table(cs) -> pa.Table:
    m = cs.movers
    return pa.table({
        "mover_id": pa.array(np.arange(m.n, dtype=np.int32)),
        "name": pa.array(m.name, pa.string()),
        "kind": pa.array([KIND_NAMES[int(k)] for k in m.kind], pa.string()),
        "force": pa.array([cs.force_names[int(f)] for f in m.force], pa.string()),
        "side": pa.array(["blue" if cs.force_side[int(f)] == 0 else "red" for f in m.force], pa.string()),
        "nation": pa.array([cs.force_nation[int(f)] for f in m.force], pa.string()),
        "type": pa.array(m.type_name, pa.string()),
        "parent_id": pa.array(m.parent.astype(np.int32)),
        "rcs_m2": pa.array(m.rcs),
    })


def events_table(cs, log) -> pa.Table:

    n = len(log)
    pos = np.array(log.pos).reshape(n, 3) if n else np.zeros((0, 3))
    lat, lon, alt = ecef2geodetic(pos)
    order = np.lexsort((np.arange(n), np.array(log.time))) if n else np.zeros(0, np.int64)
    forces = np.array(log.force, np.int64)
    fnames = [cs.force_names[f] if f >= 0 else "" for f in forces.tolist()]
    return pa.table({
        "time_s": pa.array(np.array(log.time, float)[order]),
        "kind": pa.array([log.kind[i] for i in order], pa.string()),
        "actor_id": pa.array(np.array(log.actor, np.int32)[order]),
        "target_id": pa.array(np.array(log.target, np.int32)[order]),
        "force": pa.array([fnames[i] for i in order], pa.string()),
        "lat_deg": pa.array((lat * DEG)[order]),
        "lon_deg": pa.array((lon * DEG)[order]),
        "alt_m": pa.array(alt[order]),
        "value": pa.array(np.array(log.value, float)[order]),
        "detail": pa.array([log.detail[i] for i in order], pa.string()),
    })


def states_table(cs, recorder) -> pa.Table:
    c = concat_chunks(recorder.states)
    if c is None:
        c = {"time_s": np.zeros(0), "mover_id": np.zeros(0, np.int32), "lat": np.zeros(0), "lon": np.zeros(0),
             "alt_m": np.zeros(0), "pos": np.zeros((0, 3)), "vel": np.zeros((0, 3)), "heading": np.zeros(0)}
    order = np.lexsort((c["mover_id"], c["time_s"]))
    c = {k: v[order] for k, v in c.items()}
    ids = c["mover_id"]
    kinds = np.array([KIND_NAMES[int(k)] for k in cs.movers.kind], dtype=object)
    forces = np.array(cs.force_names, dtype=object)[cs.movers.force]
    speed = np.linalg.norm(c["vel"], axis=1)
    return pa.table({
        "time_s": pa.array(c["time_s"]),
        "mover_id": pa.array(ids.astype(np.int32)),
        "kind": pa.array(kinds[ids].tolist(), pa.string()),
        "force": pa.array(forces[ids].tolist(), pa.string()),
        "lat_deg": pa.array(c["lat"] * DEG), "lon_deg": pa.array(c["lon"] * DEG), "alt_m": pa.array(c["alt_m"]),
        "x_m": pa.array(c["pos"][:, 0]), "y_m": pa.array(c["pos"][:, 1]), "z_m": pa.array(c["pos"][:, 2]),
        "vx_mps": pa.array(c["vel"][:, 0]), "vy_mps": pa.array(c["vel"][:, 1]), "vz_mps": pa.array(c["vel"][:, 2]),
        "speed_mps": pa.array(speed), "heading_deg": pa.array(np.mod(c["heading"] * DEG, 360.0)),
        "alive": pa.array(np.ones(ids.size, bool)),
    })


def detections_table(cs, recorder) -> pa.Table:
    c = concat_chunks(recorder.detections)
    if c is None:
        c = {"time_s": np.zeros(0), "sensor_id": np.zeros(0, np.int32), "host_id": np.zeros(0, np.int32),
             "force_index": np.zeros(0, np.int16), "target_id": np.zeros(0, np.int32), "range_m": np.zeros(0),
             "az_rad": np.zeros(0), "el_rad": np.zeros(0), "snr_db": np.zeros(0), "pos": np.zeros((0, 3)),
             "cov": np.zeros((0, 3, 3))}
    s = cs.sensors
    sid = c["sensor_id"]
    return pa.table({
        "time_s": pa.array(c["time_s"]), "sensor_id": pa.array(sid.astype(np.int32)),
        "host_id": pa.array(c["host_id"].astype(np.int32)),
        "force": pa.array([cs.force_names[int(f)] for f in c["force_index"]], pa.string()),
        "target_id": pa.array(c["target_id"].astype(np.int32)), "range_m": pa.array(c["range_m"]),
        "az_rad": pa.array(c["az_rad"]), "el_rad": pa.array(c["el_rad"]),
        "sigma_range_m": pa.array(s.sigma_range[sid]), "sigma_az_rad": pa.array(s.sigma_az[sid]),
        "sigma_el_rad": pa.array(s.sigma_el[sid]), "snr_db": pa.array(c["snr_db"]),
        "x_m": pa.array(c["pos"][:, 0]), "y_m": pa.array(c["pos"][:, 1]), "z_m": pa.array(c["pos"][:, 2]),
        "cov_xx": pa.array(c["cov"][:, 0, 0]), "cov_xy": pa.array(c["cov"][:, 0, 1]),
        "cov_xz": pa.array(c["cov"][:, 0, 2]), "cov_yy": pa.array(c["cov"][:, 1, 1]),
        "cov_yz": pa.array(c["cov"][:, 1, 2]), "cov_zz": pa.array(c["cov"][:, 2, 2]),
    })


def tracks_table(cs, recorder) -> pa.Table:

    c = concat_chunks(recorder.tracks)
    if c is None:
        c = {"time_s": np.zeros(0), "force_index": np.zeros(0, np.int16), "track_id": np.zeros(0, np.int64),
             "truth_id": np.zeros(0, np.int32), "confirmed": np.zeros(0, bool), "pos": np.zeros((0, 3)),
             "vel": np.zeros((0, 3)), "pos_sigma_m": np.zeros(0), "error_m": np.zeros(0),
             "source_force": np.zeros(0, np.int16)}
    lat, lon, alt = ecef2geodetic(c["pos"])
    return pa.table({
        "time_s": pa.array(c["time_s"]),
        "force": pa.array([cs.force_names[int(f)] for f in c["force_index"]], pa.string()),
        "track_id": pa.array(c["track_id"].astype(np.int64)), "truth_id": pa.array(c["truth_id"].astype(np.int32)),
        "confirmed": pa.array(c["confirmed"].astype(bool)),
        "lat_deg": pa.array(lat * DEG), "lon_deg": pa.array(lon * DEG), "alt_m": pa.array(alt),
        "x_m": pa.array(c["pos"][:, 0]), "y_m": pa.array(c["pos"][:, 1]), "z_m": pa.array(c["pos"][:, 2]),
        "vx_mps": pa.array(c["vel"][:, 0]), "vy_mps": pa.array(c["vel"][:, 1]), "vz_mps": pa.array(c["vel"][:, 2]),
        "pos_sigma_m": pa.array(c["pos_sigma_m"]),
        "error_m": pa.array(c.get("error_m", np.full(c["time_s"].size, np.nan))),
        "source_force": pa.array([cs.force_names[int(f)] for f in c["source_force"]], pa.string()),
    })


def engagements_table(cs, book) -> pa.Table:
    c = book.columns(cs.shooters.name)
    return pa.table({
        "shot_id": pa.array(c["shot_id"]), "shooter_id": pa.array(cs.shooters.host[c["shooter_id"]].astype(np.int32)
                                                                    if c["shooter_id"].size else np.zeros(0, np.int32)),
        "shooter": pa.array(c["shooter"], pa.string()), "interceptor_id": pa.array(c["interceptor_id"]),
        "target_id": pa.array(c["target_id"]), "track_id": pa.array(c["track_id"]),
        "force": pa.array([cs.force_names[int(f)] for f in c["force_index"]], pa.string()),
        "order_time_s": pa.array(c["order_time_s"]), "launch_time_s": pa.array(c["launch_time_s"]),
        "end_time_s": pa.array(c["end_time_s"]), "miss_m": pa.array(c["miss_m"]), "pk": pa.array(c["pk"]),
        "outcome": pa.array(c["outcome"], pa.string()),
    })


def magazines_table(cs, recorder, mag) -> pa.Table:
    """magazines.parquet: one row per launcher at the output rate and whenever its rounds change
    (``Recorder.record_magazines``); ``mag`` is the replication's :class:`~amdsim.world.magazines.Magazines`
    (for each launcher row's shooter and number)."""
    c = concat_chunks(recorder.magazines)
    if c is None:
        c = {"time_s": np.zeros(0), "launcher_row": np.zeros(0, np.int32), "ready": np.zeros(0, np.int32),
             "reserved": np.zeros(0, np.int32), "in_reload": np.zeros(0, np.int32), "reload_until": np.zeros(0),
             "reloads_left": np.zeros(0, np.int32)}
    order = np.lexsort((c["launcher_row"], c["time_s"]))
    c = {k: v[order] for k, v in c.items()}
    sh = cs.shooters
    k = mag.shooter[c["launcher_row"]]
    names = np.array(sh.name, dtype=object)
    forces = np.array(cs.force_names, dtype=object)
    nations = np.array(cs.force_nation, dtype=object)
    itypes = np.array(cs.itypes.name, dtype=object)
    until = c["reload_until"]
    return pa.table({
        "time_s": pa.array(c["time_s"]),
        "shooter_id": pa.array(sh.host[k].astype(np.int64)),
        "shooter": pa.array(names[k].tolist(), pa.string()),
        "force": pa.array(forces[sh.force[k]].tolist(), pa.string()),
        "nation": pa.array(nations[sh.force[k]].tolist(), pa.string()),
        "interceptor_type": pa.array(itypes[sh.itype[k]].tolist(), pa.string()),
        "launcher": pa.array((mag.index[c["launcher_row"]] + 1).astype(np.int32)),
        "rounds_ready": pa.array(c["ready"].astype(np.int32)),
        "rounds_reserved": pa.array(c["reserved"].astype(np.int32)),
        "rounds_in_reload": pa.array(c["in_reload"].astype(np.int32)),
        "reload_done_s": pa.array(np.where(np.isfinite(until), until, np.nan)),
        "reloads_left": pa.array(c["reloads_left"].astype(np.int32)),
        "ballistic_reserve": pa.array(sh.reserve[k].astype(np.int32)),
    })


def sensors_table(cs) -> pa.Table:
    s = cs.sensors
    return pa.table({
        "sensor_id": pa.array(np.arange(s.n, dtype=np.int32)), "name": pa.array(s.name, pa.string()),
        "host_id": pa.array(s.host.astype(np.int32)),
        "force": pa.array([cs.force_names[int(f)] for f in s.force], pa.string()),
        "platform": pa.array(s.platform, pa.string()), "height_offset_m": pa.array(s.height_offset),
        "max_range_m": pa.array(s.max_range), "ref_range_m": pa.array(s.ref_range),
        "ref_rcs_m2": pa.array(s.ref_rcs), "revisit_s": pa.array(s.revisit),
        "az_center_deg": pa.array(s.az_center * DEG), "az_width_deg": pa.array(s.az_width * DEG),
        "el_min_deg": pa.array(s.el_min * DEG),
    })


__all__ = ["detections_table", "engagements_table", "events_table", "magazines_table", "movers_table",
           "sensors_table", "states_table", "tracks_table"]
