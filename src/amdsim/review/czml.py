"""CZML (Cesium) export of a run folder, built with the czml3 library.

One document packet (clock over the run), one packet per mover (``mover/NAME``: time-tagged
cartographic positions in degrees/metres relative to the epoch, a trail, a point coloured by force
side, availability from first to last state), one packet per detection/intercept/impact event (a
point shown for ``EVENT_SHOW_S`` seconds, named by its movers: "cm_south.4 detected by aew_avalon"),
and optional sensor coverage ellipses (``sensor/NAME``).

A coverage ellipse is what the sensor sees of a target flying at ``target_alt_m``: its radius is the
4/3-earth radar horizon range between the antenna (host height + mast) and the target,
:func:`amdsim.sensors.horizon.radar_horizon_range` (Skolnik, *Introduction to Radar Systems*, 3rd ed.,
eq. 8.1: d = sqrt(2 k R h1) + sqrt(2 k R h2)), capped at the instrumented range, so a ship radar on a
30 m mast sees a 30 m sea-skimmer at about 45 km, not at its 400 km. The ellipse's centre is the
host's sampled position (it moves with a ship or an aircraft), and its radius is sampled too when the
host's height changes (an AEW aircraft climbing). Heights are above the ellipsoid, as in the viewer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from amdsim.review.data import check_folder, load_summary, load_table, replication_dirs

EVENT_SHOW_S = 20.0
#: Default target altitude of the coverage ellipses (m): a sea-skimming cruise missile.
DEFAULT_TARGET_ALT_M = 30.0
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


def coverage_radius(antenna_alt_m, target_alt_m: float, max_range_m: float):
    """Radius (m) of a coverage ellipse: the 4/3-earth horizon range between an antenna at
    ``antenna_alt_m`` (m, array) and a target at ``target_alt_m`` (m), at most ``max_range_m``."""
    from amdsim.sensors.horizon import radar_horizon_range

    return np.minimum(radar_horizon_range(antenna_alt_m, target_alt_m), float(max_range_m))


def _event_name(kind: str, actor: str, target: str) -> str:
    if kind == "detection":
        return f"{target} detected by {actor}" if target else f"detection by {actor}"
    if kind == "intercept":
        return f"{actor} intercepts {target}" if target else f"{actor} detonates"
    if kind == "impact":
        return f"{actor} impacts {target}" if target else f"{actor} impacts the ground"
    return f"{kind}: {actor}" + (f" on {target}" if target else "")


def czml_document(run_dir: str | Path, sensors: bool = True, target_alt_m: float = DEFAULT_TARGET_ALT_M):
    """The czml3 ``Document`` of a run folder (the first replication of a batch).

    Parameters
    ----------
    run_dir : path
        Run folder.
    sensors : bool
        Add one coverage ellipse per sensor, moving with its host (module docstring).
    target_alt_m : float
        Target altitude the coverage is drawn against (m): the radius is the horizon range for it.
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
    from czml3.types import NumberValue, TimeInterval

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
            id=f"mover/{mname}", name=str(mname), description=f"{kind} of {force} ({side})",
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

    def name_of(mover: int) -> str:
        return "" if mover < 0 else str(info.get(mover, (f"mover {mover}",))[0])

    for j in range(ev_t.size):
        kind = events["kind"][j]
        if kind not in EVENT_RGBA:
            continue
        la, lo, al = (float(events[c][j]) for c in ("lat_deg", "lon_deg", "alt_m"))
        if not np.isfinite([la, lo, al]).all():
            continue
        t0 = epoch + timedelta(seconds=float(ev_t[j]))
        actor, target = name_of(int(events["actor_id"][j])), name_of(int(events["target_id"][j]))
        packets.append(Packet(
            id=f"event/{j}", name=f"{_event_name(kind, actor, target)} (t={ev_t[j]:,.1f} s)",
            description=f"{kind} at t={ev_t[j]:,.1f} s: {actor or '-'} -> {target or '-'}; {events['detail'][j]}",
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
            hname, _, side, _ = info.get(host, (str(host), "", "", ""))
            radius = coverage_radius(alt[rows] + float(sens["height_offset_m"][k]), target_alt_m,
                                     float(sens["max_range_m"][k]))
            # one radius if it never changes by a metre, else sampled at the host's states
            axis: float | NumberValue = float(radius[0])
            if np.ptp(radius) > 1.0:
                axis = NumberValue(epoch=_iso(epoch),  # type: ignore[call-arg]
                                   number=np.stack([t_o[rows], radius], -1).ravel().tolist())
            centre = np.stack([t_o[rows], lon[rows], lat[rows], np.zeros(rows.size)], -1).ravel().tolist()
            rgba = [*list(SIDE_RGBA.get(side, NEUTRAL_RGBA)[:3]), 40]
            packets.append(Packet(
                id=f"sensor/{sens['name'][k]}", name=f"coverage of {sens['name'][k]} against {target_alt_m:g} m",
                description=f"{sens['name'][k]} on {hname}: 4/3-earth horizon range to a target at "
                            f"{target_alt_m:g} m, at most the instrumented {float(sens['max_range_m'][k]) / 1e3:,.0f} km",
                availability=TimeInterval(start=_iso(epoch + timedelta(seconds=float(t_o[rows[0]]))),
                                          end=_iso(epoch + timedelta(seconds=float(t_o[rows[-1]])))),
                position=Position(epoch=_iso(epoch), cartographicDegrees=centre),  # type: ignore[call-arg]
                ellipse=Ellipse(semiMajorAxis=axis, semiMinorAxis=axis,
                                material=Material(solidColor=SolidColorMaterial(color=Color(rgba=rgba))))))
    return Document(packets=packets)


def write_czml(run_dir: str | Path, out: str | Path | None = None, sensors: bool = True,
               target_alt_m: float = DEFAULT_TARGET_ALT_M) -> Path:
    """Write the CZML document of a run folder to ``out`` (default ``RUN/run.czml``); return the path."""
    run_dir = check_folder(run_dir)
    doc = czml_document(run_dir, sensors=sensors, target_alt_m=target_alt_m)
    out = Path(out) if out is not None else run_dir / "run.czml"
    from amdsim.records.writer import write_text_atomic

    write_text_atomic(doc.dumps(), out)
    return out
