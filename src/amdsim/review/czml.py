"""CZML (Cesium) export of a run folder, built with the czml3 library.

One document packet (clock over the run), one packet per mover (time-tagged cartographic positions
in degrees/metres relative to the epoch, a trail, a point coloured by force side, availability from
first to last state), one packet per detection/intercept/impact event (a point shown for
``EVENT_SHOW_S`` seconds), and optional sensor coverage ellipses (max range, on the ground).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from amdsim.review.data import check_folder, load_summary, load_table, replication_dirs

EVENT_SHOW_S = 20.0
DEFAULT_EPOCH = "2030-01-01T00:00:00Z"
SIDE_RGBA = {"blue": [40, 110, 255, 255], "red": [230, 40, 40, 255]}
NEUTRAL_RGBA = [200, 200, 200, 255]
EVENT_RGBA = {"detection": [255, 220, 0, 255], "intercept": [0, 230, 120, 255], "impact": [255, 120, 0, 255]}


def _epoch(run_dir: Path) -> datetime:
    text = load_summary(run_dir).get("run", {}).get("start_utc") or DEFAULT_EPOCH
    try:
        dt = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        dt = datetime.fromisoformat(DEFAULT_EPOCH.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def czml_document(run_dir: str | Path, sensors: bool = True):
    """The czml3 ``Document`` of a run folder (the first replication of a batch).

    Parameters
    ----------
    run_dir : path
        Run folder.
    sensors : bool
        Add one ground ellipse per sensor (radius = max range, m).
    """
    from czml3 import Document, Packet
    from czml3.enums import ClockRanges, ClockSteps
    from czml3.properties import (
        Clock,
        Color,
        Ellipse,
        Material,
        Point,
        PolylineMaterial,
        Position,
        SolidColorMaterial,
    )
    from czml3.properties import Path as CzPath
    from czml3.types import TimeInterval

    run_dir = replication_dirs(check_folder(run_dir))[0]
    movers = load_table(run_dir, "movers")
    states = load_table(run_dir, "states")
    events = load_table(run_dir, "events")
    epoch = _epoch(run_dir)
    t = np.asarray(states["time_s"], float)
    ids = np.asarray(states["mover_id"], np.int64)
    t_end = float(t.max()) if t.size else 0.0
    start, end = _iso(epoch), _iso(epoch + timedelta(seconds=t_end))
    name = load_summary(run_dir).get("run", {}).get("scenario", run_dir.name)
    packets = [Packet(id="document", name=str(name), version="1.0",
                      clock=Clock(interval=TimeInterval(start=start, end=end), currentTime=start, multiplier=10,
                                  range=ClockRanges.LOOP_STOP, step=ClockSteps.SYSTEM_CLOCK_MULTIPLIER))]
    order = np.lexsort((t, ids))
    ids_o, t_o = ids[order], t[order]
    lat = np.asarray(states["lat_deg"], float)[order]
    lon = np.asarray(states["lon_deg"], float)[order]
    alt = np.asarray(states["alt_m"], float)[order]
    bounds = np.flatnonzero(np.diff(ids_o)) + 1
    info = {int(m): (movers["name"][i], movers["kind"][i], movers["side"][i], movers["force"][i])
            for i, m in enumerate(np.asarray(movers["mover_id"]))}
    for seg in np.split(np.arange(ids_o.size), bounds):
        if seg.size == 0:
            continue
        mid = int(ids_o[seg[0]])
        mname, kind, side, force = info.get(mid, (str(mid), "", "", ""))
        samples = np.stack([t_o[seg], lon[seg], lat[seg], alt[seg]], -1).ravel().tolist()
        rgba = SIDE_RGBA.get(side, NEUTRAL_RGBA)
        is_missile = kind in ("ballistic_missile", "cruise_missile", "interceptor")
        packets.append(Packet(
            id=f"mover/{mid}", name=str(mname), description=f"{kind} of {force} ({side})",
            availability=TimeInterval(start=_iso(epoch + timedelta(seconds=float(t_o[seg[0]]))),
                                      end=_iso(epoch + timedelta(seconds=float(t_o[seg[-1]])))),
            # czml3 4.0: Position inherits ``epoch`` from its Interpolatable mixin, which the pydantic
            # mypy plugin does not see (it rejects every mixin field); the keyword is valid at runtime.
            position=Position(epoch=_iso(epoch), cartographicDegrees=samples),  # type: ignore[call-arg]
            point=Point(pixelSize=6 if is_missile else 10, color=Color(rgba=rgba)),
            path=CzPath(width=1.5, leadTime=0, trailTime=120 if is_missile else 600,
                        material=PolylineMaterial(solidColor=SolidColorMaterial(color=Color(rgba=rgba)))),
        ))
    ev_t = np.asarray(events["time_s"], float)
    for j in range(ev_t.size):
        kind = events["kind"][j]
        if kind not in EVENT_RGBA:
            continue
        la, lo, al = (float(events[c][j]) for c in ("lat_deg", "lon_deg", "alt_m"))
        if not np.isfinite([la, lo, al]).all():
            continue
        t0 = epoch + timedelta(seconds=float(ev_t[j]))
        packets.append(Packet(
            id=f"event/{j}", name=f"{kind} t={ev_t[j]:.1f}s",
            description=f"{kind}: actor {int(events['actor_id'][j])}, target {int(events['target_id'][j])}, "
                        f"{events['detail'][j]}",
            availability=TimeInterval(start=_iso(t0), end=_iso(t0 + timedelta(seconds=EVENT_SHOW_S))),
            position=Position(cartographicDegrees=[lo, la, al]),
            point=Point(pixelSize=12, color=Color(rgba=EVENT_RGBA[kind]))))
    if sensors:
        sens = load_table(run_dir, "sensors")
        for k in range(len(sens.get("sensor_id", []))):
            host = int(sens["host_id"][k])
            rows = np.flatnonzero(ids_o == host)
            if rows.size == 0:
                continue
            r = rows[0]
            rng = float(sens["max_range_m"][k])
            side = info.get(host, ("", "", "", ""))[2]
            rgba = [*list(SIDE_RGBA.get(side, NEUTRAL_RGBA)[:3]), 40]
            packets.append(Packet(
                id=f"sensor/{int(sens['sensor_id'][k])}", name=f"coverage {sens['name'][k]}",
                position=Position(cartographicDegrees=[float(lon[r]), float(lat[r]), 0.0]),
                ellipse=Ellipse(semiMajorAxis=rng, semiMinorAxis=rng,
                                material=Material(solidColor=SolidColorMaterial(color=Color(rgba=rgba))))))
    return Document(packets=packets)


def write_czml(run_dir: str | Path, out: str | Path | None = None, sensors: bool = True) -> Path:
    """Write the CZML document of a run folder to ``out`` (default ``RUN/run.czml``); return the path."""
    run_dir = check_folder(run_dir)
    doc = czml_document(run_dir, sensors=sensors)
    out = Path(out) if out is not None else run_dir / "run.czml"
    from amdsim.records.writer import write_text_atomic

    write_text_atomic(doc.dumps(), out)
    return out
