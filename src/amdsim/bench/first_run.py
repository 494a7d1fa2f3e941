"""First-run benchmark: ``amdsim demo`` on a cold numba cache, and after ``make install``'s warm-up.

Every engine kernel is ``@njit(cache=True)``: the first process to call it compiles it (seconds per
kernel) and writes it to the cache; later processes load it. Each case runs in fresh processes with
its own empty ``NUMBA_CACHE_DIR`` (the installed cache is left alone):

- ``cold_demo_s``: ``amdsim demo`` on an empty cache (what a user saw before the install warmed it);
- ``warm_install_s``: ``python -m amdsim.engine.warm`` (the step ``make install`` adds), then
  ``first_demo_after_install_s``: the first ``amdsim demo`` after it (aim < 10 s);
- ``warm_demo_s``: a second demo on the same cache (the floor: imports, the run, the report).

CPU seconds (user + system of the child) are given next to wall seconds: the machine may be shared.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AIM_FIRST_DEMO_S = 10.0


def _timed(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall s, CPU s) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return round(wall, 2), round(cpu, 2)


def run(quick: bool = False) -> dict:
    """Cold demo, warm-up plus first demo, warm demo, each in a fresh cache directory."""
    py = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="amdsim-bench-first-"))
    out: dict = {"aim_first_demo_s": AIM_FIRST_DEMO_S}
    try:
        demo = [py, "-m", "amdsim", "demo", "--out", str(tmp / "demo")]
        cold = dict(os.environ, NUMBA_CACHE_DIR=str(tmp / "cache_cold"))
        out["cold_demo_s"], out["cold_demo_cpu_s"] = _timed(demo, cold)
        warm = dict(os.environ, NUMBA_CACHE_DIR=str(tmp / "cache_warm"))
        out["warm_install_s"], out["warm_install_cpu_s"] = _timed([py, "-m", "amdsim.engine.warm"], warm)
        out["first_demo_after_install_s"], out["first_demo_after_install_cpu_s"] = _timed(demo, warm)
        if not quick:
            out["warm_demo_s"], out["warm_demo_cpu_s"] = _timed(demo, warm)
        out["aim_met"] = out["first_demo_after_install_s"] < AIM_FIRST_DEMO_S
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
