"""Fill numba's on-disk cache of the engine's compiled kernels, so that the first run does not compile.

Every kernel is ``@njit(cache=True)`` and compiles on its first call for the argument types it sees.
``python -m amdsim.engine.warm`` (run by ``make install``) steps one replication of the bundled demo,
which calls every kernel the engine has with the types a run gives them, writing each compiled
kernel next to its module (``__pycache__/*.nbi``, ``*.nbc``; or ``NUMBA_CACHE_DIR``). Later processes
load them in milliseconds instead of compiling for seconds. Nothing is written to the run folders.
"""

from __future__ import annotations

import time


def warm_cache() -> float:
    """Step one replication of the bundled demo (nothing written); returns the wall time (s)."""
    from amdsim.engine.run import simulate
    from amdsim.scenario import demo_path, load_compiled

    t0 = time.perf_counter()
    simulate(load_compiled(demo_path()), 0)
    return time.perf_counter() - t0


if __name__ == "__main__":
    print(f"amdsim: compiled kernels cached in {warm_cache():.1f} s")
