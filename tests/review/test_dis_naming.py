"""DIS names and pacing: unique 11-character markings, the entity-name mapping, force ids and country
codes per nation (SISO-REF-010), decoded by Wireshark's dissector; every PDU received on loopback."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import yaml

from amdsim.review import dis
from amdsim.review.dis.naming import MARKING_CHARS, entity_markings, force_ids
from amdsim.review.dis.stream import DEFAULT_RATE_PDU_S, run_entities

TSHARK = shutil.which("tshark")


def test_markings_unique_short_names_kept():
    # 'cm_salvo1.1' .. 'cm_salvo1.15': cut to 11 characters, six of them would read 'cm_salvo1.1'
    names = [f"cm_salvo1.{i}" for i in range(1, 16)] + ["aew_avalon", "x" * 30, "x" * 29 + "y", "ünïcode"]
    marks = entity_markings(names)
    assert len(set(marks)) == len(names)
    assert all(len(m) <= MARKING_CHARS and m.isascii() for m in marks)
    assert marks[0] == "cm_salvo1.1" and marks[15] == "aew_avalon"     # a name that fits is kept as it is
    assert marks[11] == "cm_sa~o1.12"                                  # head ~ tail of a longer one
    # a collision between short forms falls back to head ~ serial, still unique
    assert len(set(entity_markings(["abcdefghijklmnop", "abcdeXXXXXXlmnop", "abcde~lmnop"]))) == 3


def test_force_ids_per_nation():
    """SISO-REF-010 Force ID: 1 Friendly, 2 Opposing, 4 Friendly 2, 7 Friendly 3, 5 Opposing 2."""
    forces = [{"id": "a1", "side": "blue", "nation": "Avalon"}, {"id": "a2", "side": "blue", "nation": "Avalon"},
              {"id": "b", "side": "blue", "nation": "Borealis"}, {"id": "c", "side": "blue", "nation": "Cascadia"},
              {"id": "r", "side": "red", "nation": "Opfor"}, {"id": "r2", "side": "red", "nation": "Other"},
              {"id": "own", "side": "blue", "nation": "Delta", "dis": {"force_id": 1, "country": 225}}]
    got = force_ids(forces)
    assert got == {"a1": (1, 0), "a2": (1, 0), "b": (4, 0), "c": (7, 0), "r": (2, 0), "r2": (5, 0), "own": (1, 225)}


def _with_forces(run_dir: Path, out: Path, dis_fields: dict) -> Path:
    """A copy of the run folder whose scenario.yaml gives forces ``dis:`` fields."""
    shutil.copytree(run_dir, out)
    doc = yaml.safe_load((out / "scenario.yaml").read_text())
    for f in doc["forces"]:
        if f["id"] in dis_fields:
            f["dis"] = dis_fields[f["id"]]
    (out / "scenario.yaml").write_text(yaml.safe_dump(doc))
    return out


def test_every_pdu_received_on_loopback(run_dir, tmp_path):
    """Default pacing: a listener on 127.0.0.1 with the system's default receive buffer gets every PDU
    (unpaced, the demo lost 42-66 %: docs/architecture.md, DIS stream); the mapping file is written."""
    folder = _with_forces(run_dir, tmp_path / "run", {})
    recv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    recv.bind(("127.0.0.1", 0))
    recv.settimeout(120.0)          # until the first PDU (building the PDUs takes a few seconds)
    got: list[bytes] = []

    def reader():
        try:
            while True:
                got.append(recv.recv(2048))
                recv.settimeout(1.0)
        except OSError:
            pass

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    t0 = time.monotonic()
    n = dis.stream_run(folder, address=recv.getsockname())
    sent_s = time.monotonic() - t0
    th.join(timeout=10)
    recv.close()
    pdus = dis.run_pdus(folder)
    assert n == len(pdus) == len(got)
    assert sorted(got) == sorted(p.data for p in pdus)
    assert sent_s >= (n - 1) / DEFAULT_RATE_PDU_S * 0.95            # paced, not a burst
    doc = json.loads((folder / "dis_entities.json").read_text())
    assert doc["destination"].startswith("127.0.0.1:")
    ents = doc["entities"]
    assert len({e["marking"] for e in ents}) == len(ents) and {e["name"] for e in ents} >= {"radar_a", "aew"}


@pytest.mark.skipif(TSHARK is None, reason="tshark (Wireshark's DIS dissector) is not installed")
def test_tshark_decodes_markings_forces_and_countries(run_dir, tmp_path):
    folder = _with_forces(run_dir, tmp_path / "run", {"blue_a": {"country": 225}, "red": {"force_id": 2, "country": 45}})
    pcap = tmp_path / "run.pcap"
    dis.pcap_write(pcap, dis.run_pdus(folder))
    out = subprocess.run([TSHARK, "-r", str(pcap), "-d", "udp.port==3000,dis", "-Y", "dis.pdu_type==1", "-T", "fields",
                          "-E", "separator=\t", "-e", "dis.entity_id_entity", "-e", "dis.entity_marking", "-e",
                          "dis.force_id", "-e", "dis.country"], capture_output=True, text=True, timeout=120, check=True)
    decoded = {}
    for line in out.stdout.splitlines():
        ent, mark, force, country = line.split("\t")[:4]
        decoded[int(ent.split(",")[0])] = (mark, int(force), int(country.split(",")[0]))
    want = {e["entity"][2]: e for e in run_entities(folder)}
    import pyarrow.parquet as pq

    in_states = set(pq.read_table(folder / "states.parquet", columns=["mover_id"]).column(0).to_pylist())
    assert set(decoded) == {e["entity"][2] for e in want.values() if e["mover_id"] in in_states}
    for number, (mark, force, country) in decoded.items():
        e = want[number]
        assert mark == e["marking"] and force == e["force_id"] and country == e["country"]
    by_force = {(e["force"], e["force_id"], e["country"]) for e in want.values() if e["entity"][2] in decoded}
    # blue_a: Avalon, Friendly (1), country 225; blue_b: Borealis, Friendly 2 (4); red as given
    assert by_force == {("blue_a", 1, 225), ("blue_b", 4, 0), ("red", 2, 45)}
    names = {e["name"]: e["marking"] for e in want.values()}
    assert all(len(m) <= 11 for m in names.values()) and len(set(names.values())) == len(names)


def test_run_dis_cli_paced_and_named(tmp_path):
    """`amdsim run --dis HOST:PORT --dis-rate R`: every PDU arrives, dis_entities.json is in the run folder."""
    import sys

    data = Path(__file__).resolve().parents[1] / "data"
    recv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    recv.bind(("127.0.0.1", 0))
    recv.settimeout(300.0)
    got: list[bytes] = []

    def reader():
        try:
            while True:
                got.append(recv.recv(2048))
                recv.settimeout(2.0)
        except OSError:
            pass

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    out = tmp_path / "run"
    port = recv.getsockname()[1]
    res = subprocess.run([sys.executable, "-m", "amdsim", "run", str(data / "small.yaml"), "--out", str(out),
                          "--no-report", "--dis", f"127.0.0.1:{port}", "--dis-rate", "5000"],
                         capture_output=True, text=True, timeout=600)
    th.join(timeout=30)
    recv.close()
    assert res.returncode == 0, res.stderr
    n = len(dis.run_pdus(out))
    assert f"sent {n} PDUs" in res.stderr.replace("\n", " ") and len(got) == n
    assert json.loads((out / "dis_entities.json").read_text())["destination"] == f"127.0.0.1:{port}"


def test_realtime_bursts_are_paced_too(run_dir, monkeypatch):
    """With --realtime, the PDUs of one output instant are spread at the rate, not sent at once."""
    import amdsim.review.dis.stream as stream

    sent: list[float] = []
    clock = {"t": 0.0}
    monkeypatch.setattr(stream.time, "monotonic", lambda: clock["t"])
    monkeypatch.setattr(stream.time, "sleep", lambda s: clock.__setitem__("t", clock["t"] + s))

    class FakeSocket:
        def __init__(self, *a):
            pass

        def setsockopt(self, *a):
            pass

        def sendto(self, data, address):
            sent.append(clock["t"])

        def close(self):
            pass

    monkeypatch.setattr(stream.socket, "socket", FakeSocket)
    n = stream.stream_run(run_dir, ("127.0.0.1", 9), realtime=True, speed=1.0, rate_pdu_s=1000.0)
    times = [p.time_s for p in dis.run_pdus(run_dir)]
    assert len(sent) == n == len(times)
    # each PDU no earlier than its instant (real time) ...
    assert all(s_ >= t - times[0] - 1e-9 for s_, t in zip(sent, times, strict=True))
    # ... and an instant's PDUs (one Entity State per mover) spread at 1 ms each, ahead by at most the 2 ms
    # of skipped short sleeps; unpaced within an instant they would all go at once
    first = {}
    for k, (s_, t) in enumerate(zip(sent, times, strict=True)):
        j = first.setdefault(t, k)
        assert s_ - sent[j] >= (k - j) * 1e-3 - 2.5e-3
    assert max(k - first[t] for k, t in enumerate(times)) > 5          # bursts there were
