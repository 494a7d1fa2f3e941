"""DIS PDUs: field layout (sizes from IEEE 1278.1-2012), decoding by Wireshark's dissector (tshark)."""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import threading

import numpy as np
import pyarrow.parquet as pq
import pymap3d
import pytest

from amdsim.core import geodesy
from amdsim.review import dis

TSHARK = shutil.which("tshark")
STRICT = bool(os.environ.get("AMDSIM_STRICT_TOOLS"))


def test_pdu_sizes_and_header():
    # IEEE 1278.1-2012: Entity State 144 bytes (no variable parameters), Fire 96, Detonation 104
    es = dis.encode_entity_state(10.0, 4, 1, "cruise_missile", (1e6, 2e6, 3e6), (1, 2, 3), (0, 0, 0))
    fire = dis.encode_fire(10.0, 1, 2, 3, 1, (1e6, 2e6, 3e6), (1, 2, 3))
    det = dis.encode_detonation(10.0, 1, 2, 3, 1, (1e6, 2e6, 3e6))
    assert (len(es), len(fire), len(det)) == (144, 96, 104)
    for pdu, typ in ((es, 1), (fire, 2), (det, 3)):
        h = dis.decode_header(pdu)
        assert h["version"] == 7 and h["pdu_type"] == typ and h["length"] == len(pdu)
    # location as float64 at byte 48 of the Entity State PDU
    assert struct.unpack_from(">3d", es, 48) == (1e6, 2e6, 3e6)


def test_timestamp_relative_units():
    # 2^31 units per hour, low bit 0 (relative): 1800 s is half the hour
    assert dis.dis_timestamp(1800.0) == (2 ** 30) << 1
    assert abs(dis.dis_timestamp_seconds(dis.dis_timestamp(1234.5)) - 1234.5) < 1e-5
    assert dis.dis_timestamp(3600.0 + 5.0) == dis.dis_timestamp(5.0)


def test_orientation_from_velocity():
    # at lat 0, lon 0 the local north is ECEF +z, east +y, down -x
    pos = np.array([[geodesy.WGS84_A, 0.0, 0.0]] * 2)
    vel = np.array([[0.0, 100.0, 0.0], [0.0, 0.0, 100.0]])  # due east, due north
    psi, theta, _phi = dis.orientation_from_velocity(pos, vel).T
    assert psi[0] == pytest.approx(np.pi / 2) and theta[0] == pytest.approx(0.0, abs=1e-12)
    assert theta[1] == pytest.approx(-np.pi / 2)  # body x along +z: pitched "up" in ECEF terms


def test_event_positions_match_pymap3d():
    # geodetic event points (degrees) -> PDU world coordinates via amdsim.core.geodesy (radians):
    # the encoded float64 location equals pymap3d's WGS84 conversion to well under a millimetre
    lat = np.array([0.0, 35.5, -33.9, 89.9, -89.9, 51.2, 12.0])
    lon = np.array([0.0, 139.7, 151.2, -45.0, 170.0, -0.1, -179.9])
    alt = np.array([0.0, 120.0, -30.0, 8000.0, 0.0, 35_000.0, 400_000.0])
    pos = dis.event_positions({"time_s": np.zeros(len(lat)), "lat_deg": lat, "lon_deg": lon, "alt_m": alt})
    want = np.stack(pymap3d.geodetic2ecef(lat, lon, alt, ell=pymap3d.Ellipsoid.from_name("wgs84"), deg=True), -1)
    for p, w in zip(pos, want, strict=True):
        det = dis.encode_detonation(5.0, 1, 2, 3, 1, p)
        fire = dis.encode_fire(5.0, 1, 2, 3, 1, p, (0.0, 0.0, 0.0))
        es = dis.encode_entity_state(5.0, 3, 1, "interceptor", p, (0, 0, 0), (0, 0, 0))
        # location offsets: Detonation 48, Fire 40, Entity State 48 (float64 x, y, z)
        for pdu, off in ((det, 48), (fire, 40), (es, 48)):
            assert np.linalg.norm(np.array(struct.unpack_from(">3d", pdu, off)) - w) < 1e-6
    assert dis.event_positions({"time_s": [], "lat_deg": [], "lon_deg": [], "alt_m": []}).shape == (0, 3)


def test_run_detonations_at_pymap3d_points(run_dir):
    # every Detonation PDU of the run sits at its event's geodetic point (pymap3d) to 1e-6 m
    events = pq.read_table(run_dir / "events.parquet").to_pydict()
    ev = [i for i, k in enumerate(events["kind"]) if k in ("intercept", "impact")]
    assert ev, "the small scenario should have intercepts or impacts"
    want = np.stack(pymap3d.geodetic2ecef([events["lat_deg"][i] for i in ev], [events["lon_deg"][i] for i in ev],
                                          [events["alt_m"][i] for i in ev], deg=True), -1)
    got = np.array([struct.unpack_from(">3d", p.data, 48) for p in dis.run_pdus(run_dir)
                    if dis.decode_header(p.data)["pdu_type"] == 3])
    assert got.shape == want.shape
    for w in want[np.all(np.isfinite(want), axis=1)]:
        assert np.min(np.linalg.norm(got - w, axis=1)) < 1e-6


def _tshark(pcap, *fields, filt=None):
    cmd = [TSHARK, "-r", str(pcap), "-d", "udp.port==3000,dis", "-T", "fields", "-E", "separator=,", "-E", "aggregator=;"]
    if filt:
        cmd += ["-Y", filt]
    for f in fields:
        cmd += ["-e", f]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)
    return [line.split(",") for line in res.stdout.splitlines() if line]


@pytest.mark.skipif(TSHARK is None and not STRICT, reason="tshark (Wireshark's DIS dissector) is not installed")
def test_pcap_decoded_by_tshark_matches_run(run_dir, tmp_path):
    pcap = tmp_path / "run.pcap"
    pdus = dis.run_pdus(run_dir)
    dis.pcap_write(pcap, pdus)
    states = pq.read_table(run_dir / "states.parquet").to_pydict()
    events = pq.read_table(run_dir / "events.parquet").to_pydict()
    rows = _tshark(pcap, "frame.time_epoch", "dis.entity_id_entity", "dis.force_id", "dis.entity_location.x",
                   "dis.entity_location.y", "dis.entity_location.z", filt="dis.pdu_type==1")
    assert len(rows) == len(states["time_s"])  # one Entity State PDU per mover per output instant
    got = {(round(float(r[0]), 3), int(r[1]) - 1): np.array(r[3:6], float) for r in rows}
    for t, m, x, y, z in zip(states["time_s"], states["mover_id"], states["x_m"], states["y_m"], states["z_m"], strict=False):
        p = got[(round(t, 3), m)]
        assert np.linalg.norm(p - (x, y, z)) < 1.0  # geocentric position to 1 m
    assert {int(r[1]) - 1 for r in rows} == set(states["mover_id"])
    # Fire/Detonation pairs against the event log: one Fire per interceptor_launch, one Detonation per
    # intercept with the same munition and event number
    fires = _tshark(pcap, "dis.entity_id_entity", "dis.event_number", filt="dis.pdu_type==2")
    dets = _tshark(pcap, "dis.entity_id_entity", "dis.event_number", "dis.detonation.result", filt="dis.pdu_type==3")
    launches = [(a, g) for k, a, g in zip(events["kind"], events["actor_id"], events["target_id"], strict=False)
                if k == "interceptor_launch"]
    intercepts = [(a, g) for k, a, g in zip(events["kind"], events["actor_id"], events["target_id"], strict=False) if k == "intercept"]
    impacts = [k for k in events["kind"] if k == "impact"]
    assert len(fires) == len(launches) and len(dets) == len(intercepts) + len(impacts)
    # entity id fields in order: shooter, target, munition (site/application 1, entity = mover_id + 1)
    fire_triples = [tuple(int(v) - 1 for v in f[0].split(";")) for f in fires]
    assert sorted((ft[2], ft[1]) for ft in fire_triples) == sorted(launches)
    fire_number = {ft[2]: f[1] for ft, f in zip(fire_triples, fires, strict=False)}
    det_triples = [tuple(int(v) - 1 for v in d[0].split(";")) for d in dets]
    det_intercepts = [(dt_[2], dt_[1]) for dt_ in det_triples if dt_[2] in fire_number]
    assert sorted(det_intercepts) == sorted(intercepts)
    for dt_, d in zip(det_triples, dets, strict=False):
        if dt_[2] in fire_number:
            assert d[1] == fire_number[dt_[2]]  # the detonation carries its fire's event number
    # detonation points in world coordinates match the event log's geodetic point to 1 m
    locs = _tshark(pcap, "dis.detonation.location.x", "dis.detonation.location.y", "dis.detonation.location.z",
                   filt="dis.pdu_type==3")
    ev = [i for i, k in enumerate(events["kind"]) if k in ("intercept", "impact")]
    want = geodesy.geodetic2ecef(np.radians([events["lat_deg"][i] for i in ev]),
                                 np.radians([events["lon_deg"][i] for i in ev]), [events["alt_m"][i] for i in ev])
    got_locs = np.array(locs, float)
    assert len(got_locs) == len(want)
    for w in want:
        assert np.min(np.linalg.norm(got_locs - w, axis=1)) < 1.0


def test_stream_run_over_loopback(run_dir):
    recv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    recv.bind(("127.0.0.1", 0))
    recv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    recv.settimeout(2.0)
    port = recv.getsockname()[1]
    got: list[bytes] = []

    def reader():
        try:
            while True:
                got.append(recv.recv(2048))
        except OSError:
            pass

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    n = dis.stream_run(run_dir, address=("127.0.0.1", port))
    th.join(timeout=5)
    recv.close()
    assert n == len(dis.run_pdus(run_dir))
    assert len(got) >= 0.99 * n  # loopback UDP: essentially nothing lost
    assert {dis.decode_header(p)["pdu_type"] for p in got} == {1, 2, 3}


def test_stream_run_realtime_paces(run_dir, tmp_path):
    import time

    t0 = time.monotonic()
    dis.stream_run(run_dir, address=("127.0.0.1", 9), realtime=True, speed=1000.0)
    span = max(p.time_s for p in dis.run_pdus(run_dir)) - min(p.time_s for p in dis.run_pdus(run_dir))
    assert time.monotonic() - t0 >= 0.9 * span / 1000.0
