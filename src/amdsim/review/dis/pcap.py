"""pcap file writer for DIS PDUs: each PDU as one Ethernet/IPv4/UDP frame of a classic pcap file.

Role: offline capture of a run's PDU sequence, e.g. for Wireshark/tshark's DIS dissector. The
payloads are the PDUs of :mod:`amdsim.review.dis.pdu` unchanged (IEEE 1278.1-2012 PDUs carried
over UDP, as IEEE 1278.2 describes); the capture format is libpcap's classic format (magic
0xA1B2C3D4, version 2.4, link type 1 Ethernet), IPv4 headers per RFC 791 (header checksum as RFC
1071) and UDP per RFC 768 (checksum 0, "not computed"). Packet times are the simulation times.
"""

from __future__ import annotations

import socket
import struct
from pathlib import Path

from amdsim.review.dis.pdu import TimedPdu


def pcap_write(path: str | Path, pdus: list[TimedPdu], address: tuple[str, int] = ("127.0.0.1", 3000),
               source_port: int = 3000) -> Path:
    """Write PDUs as a classic pcap (Ethernet/IPv4/UDP) file; packet times = simulation times."""
    path = Path(path)
    dst = socket.inet_aton(socket.gethostbyname(address[0]))
    src = socket.inet_aton("127.0.0.1")
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for k, p in enumerate(pdus):
            udp = struct.pack(">HHHH", source_port, address[1], 8 + len(p.data), 0) + p.data
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), k & 0xFFFF, 0x4000, 64, 17, 0, src, dst)
            ip = ip[:10] + struct.pack(">H", _ip_checksum(ip)) + ip[12:]
            frame = b"\0" * 6 + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip + udp
            sec = int(p.time_s)
            f.write(struct.pack("<IIII", sec, round((p.time_s - sec) * 1e6) % 1000000, len(frame), len(frame)))
            f.write(frame)
    return path


def _ip_checksum(header: bytes) -> int:
    """IPv4 header checksum: ones' complement of the ones' complement sum of the 16-bit words."""
    s = sum(struct.unpack(">10H", header))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF
