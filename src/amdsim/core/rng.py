"""Named random streams of one replication (common random numbers across scenario variants)."""

from __future__ import annotations

import zlib

import numpy as np

#: Stream purposes; a new purpose gets its own key, so existing streams never shift.
PURPOSES = ("detection", "measurement", "false_alarm", "kill", "c2", "link", "strike", "assessment", "manoeuvre",
            "seeker", "launch_warning", "cued_scan")


def compile_stream(root_seed: int, purpose: str, *keys: int) -> np.random.Generator:
    """A generator drawn from at compile time, the same in every replication of the scenario.

    Keyed by the scenario's root seed, the purpose's name and ``keys`` (e.g. a threat type's name
    hash and its launch index), so one entity's draws never shift when another entity is added.
    The leading key 2**32 keeps these sequences apart from every replication's (whose spawn key
    starts with the replication index, below 2**32).
    """
    key = (2**32, zlib.crc32(purpose.encode()), *keys)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(root_seed, spawn_key=key)))


def replication_seed(root_seed: int, replication: int) -> np.random.SeedSequence:
    """Replication ``k``'s seed sequence: ``SeedSequence(root).spawn(k + 1)[k]``, order-independent."""
    return np.random.SeedSequence(root_seed, spawn_key=(replication,))


class Streams:
    """One ``numpy.random.Generator`` per purpose, derived from the replication's seed sequence."""

    def __init__(self, seed_seq: np.random.SeedSequence) -> None:
        self._seq = seed_seq
        self._gens: dict[str, np.random.Generator] = {}

    def __getattr__(self, purpose: str) -> np.random.Generator:
        if purpose.startswith("_"):
            raise AttributeError(purpose)
        gen = self._gens.get(purpose)
        if gen is None:
            key = zlib.crc32(purpose.encode())
            child = np.random.SeedSequence(self._seq.entropy, spawn_key=(*self._seq.spawn_key, key))
            gen = np.random.Generator(np.random.PCG64(child))
            self._gens[purpose] = gen
        return gen
