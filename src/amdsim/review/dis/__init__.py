"""DIS (IEEE 1278.1-2012, protocol version 7) output of amdsim runs, split by role.

* :mod:`~amdsim.review.dis.pdu`: Entity State (7.2.2), Fire (7.3.2) and Detonation (7.3.3) PDU
  encoding, with the header (6.2.66), timestamp (6.2.88) and record layouts they use;
* :mod:`~amdsim.review.dis.pcap`: the pcap file writer (PDUs in Ethernet/IPv4/UDP frames);
* :mod:`~amdsim.review.dis.stream`: a run folder's PDU sequence and its UDP sending (IEEE 1278.2
  transport), paced to the wall clock on request.

Positions are WGS84 ECEF (DIS world coordinates); all geodesy is :mod:`amdsim.core.geodesy`.
This module re-exports the names other modules and the tests use.
"""

from __future__ import annotations

from amdsim.review.dis.pcap import pcap_write
from amdsim.review.dis.pdu import (
    DETONATION_DETONATION,
    DETONATION_ENTITY_IMPACT,
    DETONATION_ENTITY_PROXIMATE,
    DETONATION_GROUND_IMPACT,
    MAX_ENTITY_NUMBER,
    PROTOCOL_VERSION,
    EntityIds,
    TimedPdu,
    decode_header,
    dis_timestamp,
    dis_timestamp_seconds,
    encode_detonation,
    encode_entity_state,
    encode_fire,
    entity_number,
    entity_type_record,
    event_number,
    force_id,
    orientation_from_velocity,
)
from amdsim.review.dis.stream import event_positions, run_pdus, stream_run

__all__ = [
    "DETONATION_DETONATION",
    "DETONATION_ENTITY_IMPACT",
    "DETONATION_ENTITY_PROXIMATE",
    "DETONATION_GROUND_IMPACT",
    "MAX_ENTITY_NUMBER",
    "PROTOCOL_VERSION",
    "EntityIds",
    "TimedPdu",
    "decode_header",
    "dis_timestamp",
    "dis_timestamp_seconds",
    "encode_detonation",
    "encode_entity_state",
    "encode_fire",
    "entity_number",
    "entity_type_record",
    "event_number",
    "event_positions",
    "force_id",
    "orientation_from_velocity",
    "pcap_write",
    "run_pdus",
    "stream_run",
]
