"""Monte Carlo benchmark: replications per second of the demo scenario with 1 and 2 workers.

Each configuration runs a fresh batch of the bundled demo (``amdsim/data/demo.yaml``) into a
temporary folder, full run folders written, through :func:`amdsim.montecarlo.batch.run_batch`.
Rates are end-to-end (pool start-up, numba cache loading and writing included), so small ``n``
understates the 2-worker speed-up. Reported: rate, speed-up, projected time for 1000
replications on 2 workers, and peak RSS of a worker (``getrusage`` maximum resident set, bytes).
Aims (issue 6): 1000 replications < 600 s on 2 cores, speed-up >= 1.8, worker < 1 GiB.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from importlib.resources import files
from pathlib import Path


def _demo() -> Path:
    return Path(str(files("amdsim") / "data" / "demo.yaml"))


def run(quick: bool) -> dict:
    """Run the benchmark; ``quick`` runs 2 replications per configuration instead of 12."""
    import os

    from amdsim.montecarlo.batch import run_batch
    from amdsim.scenario import load_compiled

    n = 2 if quick else 12
    cs = load_compiled(_demo())
    out: dict = {"scenario": "demo", "replications_per_config": n, "cores": os.cpu_count()}
    tmp = Path(tempfile.mkdtemp(prefix="amdsim-bench-mc-"))
    try:
        for workers in (1, 2):
            t0 = time.perf_counter()
            res = run_batch(cs, n, tmp / f"w{workers}", workers=workers, progress=False)
            wall = time.perf_counter() - t0
            out[f"workers_{workers}"] = {
                "wall_s": round(wall, 3),
                "replications_per_s": round(n / wall, 4),
                "mean_replication_wall_s": round(sum(res.rep_wall_s) / len(res.rep_wall_s), 4),
                "peak_worker_rss_mib": round(res.peak_rss_bytes / 2**20, 1),
            }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    r1, r2 = out["workers_1"]["replications_per_s"], out["workers_2"]["replications_per_s"]
    out["speedup_2_vs_1"] = round(r2 / r1, 3)
    out["projected_1000_s_2_workers"] = round(1000 / r2, 1)
    # steady state: per-replication time inside a worker, two workers busy all the time
    out["projected_1000_s_2_workers_steady"] = round(1000 * out["workers_2"]["mean_replication_wall_s"] / 2, 1)
    out["peak_worker_rss_mib"] = max(out["workers_1"]["peak_worker_rss_mib"], out["workers_2"]["peak_worker_rss_mib"])
    out["aims"] = {"projected_1000_s": 600, "speedup": 1.8, "worker_rss_mib": 1024}
    return out
