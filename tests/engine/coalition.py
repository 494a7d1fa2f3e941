"""Small generated coalition scenarios: any number of blue forces, in any order, red first or last.

Every scenario is one air base of force ``b0`` attacked by four sea-skimming cruise missiles from the west
and one short-range ballistic missile from the north, short enough (600 s) for a test. ``coalition()``
gives each blue force a radar near the base and every other force a battery; ``remote_holder()`` gives a
radar to one force only (the sixth), so the base's battery can engage only on that ally's tracks.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import yaml

BASE = (36.90, 126.95)


def _frame(forces: list[dict], red_first: bool) -> dict:
    red = {"id": "red", "side": "red", "nation": "Opfor"}
    return {
        "name": f"coalition of {sum(f['side'] == 'blue' for f in forces)} blue forces",
        "start_utc": "2030-01-01T00:00:00Z", "duration_s": 600, "step_s": 1.0, "seed": 11, "output_rate_s": 5.0,
        "forces": [red, *forces] if red_first else [*forces, red],
        "assets": [{"id": "base", "force": "b0", "position": {"lat_deg": BASE[0], "lon_deg": BASE[1], "alt_m": 30},
                    "value": 10, "radius_m": 1500}],
        "launch_sites": [{"id": "ship_w", "force": "red", "position": {"lat_deg": 36.90, "lon_deg": 125.70, "alt_m": 0}},
                         {"id": "tel", "force": "red", "position": {"lat_deg": 38.40, "lon_deg": 126.60, "alt_m": 100}}],
        "cruise_missiles": [{"id": "cm", "force": "red", "site": "ship_w", "salvo": {"count": 4, "start_s": 10,
                             "interval_s": 10}, "speed_mps": 250, "cruise_alt_m": 30, "target": "base"}],
        "ballistic_missiles": [{"id": "srbm", "force": "red", "site": "tel", "launch_times_s": [60], "aim": "base"}],
        "interceptor_types": [{"id": "sam", "max_range_m": 80000, "max_tof_s": 90, "lethal_radius_m": 10,
                               "pk_max": 0.85, "reaction_time_s": 4}],
        "link": {"latency_s": 2.0, "update_s": 2.0},
        "tracking": {"model": "kalman"},
    }


def _radar(i: int, force: str, n: int) -> dict:
    a = 2 * math.pi * i / max(n, 1)
    return {"id": f"radar_{force}", "force": force,
            "position": {"lat_deg": BASE[0] + 0.04 * math.cos(a), "lon_deg": BASE[1] + 0.05 * math.sin(a), "alt_m": 40},
            "mast_height_m": 25, "radar": {"ref_range_m": 250000, "max_range_m": 400000, "revisit_s": 2}}


def _battery(force: str, k: int, radar: bool = False) -> dict:
    b = {"id": f"bat_{force}", "force": force,
         "position": {"lat_deg": BASE[0] - 0.01 - 0.01 * k, "lon_deg": BASE[1] + 0.02, "alt_m": 30},
         "launchers": 2, "interceptors_per_launcher": 4, "interceptor": "sam"}
    if radar:
        b["radar"] = {"ref_range_m": 150000, "max_range_m": 200000, "revisit_s": 1}
    return b


def coalition(n_blue: int, *, red_first: bool = False, shuffle: int | None = None) -> dict:
    """``n_blue`` blue forces b0..b{n-1}: each a radar near the base, every even-numbered one a battery.

    ``shuffle`` (a seed) puts the blue forces in a random order in the file, never b0, b1, ... (b0 need
    not be first).
    """
    names = [f"b{i}" for i in range(n_blue)]
    order = list(names)
    if shuffle is not None:
        random.Random(shuffle).shuffle(order)
        if order == names:
            order.reverse()
    sc = _frame([{"id": f, "side": "blue", "nation": f"Nation {f.upper()}"} for f in order], red_first)
    sc["radars"] = [_radar(i, f, n_blue) for i, f in enumerate(names)]
    sc["batteries"] = [_battery(f, i) for i, f in enumerate(names) if i % 2 == 0]
    return sc


def remote_holder(n_blue: int = 6) -> dict:
    """``n_blue`` blue forces, red last: only the last blue force (b{n-1}, the sixth of six) has a sensor;
    ``b0``'s battery (no radar) can engage only on that force's tracks, which it holds under ids offset
    by ``n_blue`` x 1e9."""
    names = [f"b{i}" for i in range(n_blue)]
    sc = _frame([{"id": f, "side": "blue", "nation": f"Nation {f.upper()}"} for f in names], red_first=False)
    sc["radars"] = [_radar(0, names[-1], 1)]
    sc["batteries"] = [_battery("b0", 0)]
    return sc


def write(sc: dict, path: Path) -> Path:
    path.write_text(yaml.safe_dump(sc, sort_keys=False))
    return path
