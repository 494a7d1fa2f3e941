"""The engine's air picture by the SIAP measures: the demo, one replication, per force.

Reports summary.json's ``siap`` block for each blue force (:mod:`amdsim.tracking.siap`) beside the
aims: at most 0.2 track breaks per threat held, a median position error below the raw measurement
error of the force's sensors, a 95th percentile under 1 km.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path


def run(quick: bool = False) -> dict:
    import json

    from amdsim.engine.run import run_replication
    from amdsim.scenario import demo_path, load_compiled

    out: dict = {"scenario": "demo", "replication": 0}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        run_replication(load_compiled(demo_path()), 0, Path(tmp))
        out["wall_s"] = round(time.perf_counter() - t0, 2)
        summary = json.loads((Path(tmp) / "summary.json").read_text())
    for force, s in (summary.get("siap") or {}).items():
        raw = s.get("raw_measurement_error_m")
        s = dict(s)
        s["aims_met"] = {
            "breaks_per_threat_le_0_2": s.get("breaks_per_threat") is not None and s["breaks_per_threat"] <= 0.2,
            "median_below_raw": None if raw is None or s.get("median_error_m") is None else s["median_error_m"] < raw,
            "p95_under_1km": s.get("p95_error_m") is not None and s["p95_error_m"] < 1000.0,
        }
        out[force] = s
    return out
