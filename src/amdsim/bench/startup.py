"""CLI start-up benchmark: how long ``amdsim --help``, ``amdsim validate`` and ``amdsim schema`` take
from process start to exit, against a bare ``python -c "import numpy, yaml, pydantic"``.

Aim (issue "One house"): each within 2x the bare imports, which the commands cannot avoid. Each
command runs as a fresh process (``python -m amdsim ...``, so a shell shim on PATH adds nothing),
``reps`` times after one warm-up run; figures are medians in seconds.
"""

from __future__ import annotations

import subprocess
import sys
import time

AIM_RATIO = 2.0


def _median_wall(argv: list[str], reps: int) -> float:
    walls = []
    for k in range(reps + 1):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if k:                                   # the first run warms the file cache
            walls.append(time.perf_counter() - t0)
    walls.sort()
    return walls[len(walls) // 2]


def run(quick: bool = False) -> dict:
    from amdsim.scenario import demo_path

    reps = 3 if quick else 9
    py = sys.executable
    bare = _median_wall([py, "-c", "import numpy, yaml, pydantic"], reps)
    commands = {"help": ["--help"], "validate": ["validate", str(demo_path())], "schema": ["schema"]}
    out: dict = {"bare_imports_s": round(bare, 3), "aim_ratio": AIM_RATIO}
    for name, args in commands.items():
        wall = _median_wall([py, "-m", "amdsim", *args], reps)
        out[f"{name}_s"] = round(wall, 3)
        out[f"{name}_ratio"] = round(wall / bare, 2)
    out["aim_met"] = all(out[f"{n}_ratio"] <= AIM_RATIO for n in commands)
    return out
