"""The compiled per-pair reason log (``Considerations.note``, one numba pass) keeps, to the bit, the
results of the numpy implementation it replaced (kept here as the reference), over random cycles with
duplicate tracks on one threat, false tracks, pairs left out of a cycle and a held-back call followed
by the eligible call in the same cycle (``c2/decide.py`` notes twice per cycle)."""

from __future__ import annotations

import numpy as np

from amdsim.world.considerations import Considerations


class NumpyConsiderations(Considerations):
    """The numpy ``note`` the kernel replaced (commit ee6957e), verbatim."""

    def note(self, t, shooters, truth, why, feasible_codes):
        real = truth >= 0
        if not real.any() or shooters.size == 0:
            return
        why = why[:, real]
        kk = np.repeat(shooters, why.shape[1])
        nn = np.tile(truth[real], shooters.size)
        code = why.ravel().astype(np.int64)
        self._note_segments(t, kk, nn, code)
        flat, hits = np.unique(np.ravel_multi_index((kk, nn, code), self.count.shape), return_counts=True)
        self.count.reshape(-1)[flat] += hits.astype(self.count.dtype)
        self.first_time[kk, nn] = np.minimum(self.first_time[kk, nn], t)
        self.last_time[kk, nn] = t
        self.last_why[kk, nn] = code
        ok = np.isin(code, feasible_codes)
        self.first_feasible[kk[ok], nn[ok]] = np.minimum(self.first_feasible[kk[ok], nn[ok]], t)

    def _note_segments(self, t, kk, nn, code):
        if t != self._cycle_now:
            self._cycle_prev, self._cycle_now = self._cycle_now, t
        flat = kk * self.first_time.shape[1] + nn
        _, last = np.unique(flat[::-1], return_index=True)
        pick = flat.size - 1 - last
        k, n, c = kk[pick], nn[pick], code[pick]
        prev_code = self.last_why[k, n].astype(np.int64)
        prev_t = self.last_time[k, n]
        again = prev_t >= t
        switch = again & (prev_code != c) & (prev_code >= 0)
        if switch.any():
            ks, ns = k[switch], n[switch]
            before = self.seg_cycles[ks, ns] - 1
            done = before > 0
            if done.any():
                self._closed.append(np.stack([ks[done], ns[done], prev_code[switch][done], self.seg_start[ks, ns][done],
                                              np.full(int(done.sum()), self._cycle_prev), before[done]]).astype(float))
            self.seg_start[ks, ns] = t
            self.seg_cycles[ks, ns] = 1
        fresh = (prev_code != c) & ~again | (prev_t < self._cycle_prev) & ~again
        close = fresh & (prev_code >= 0)
        if close.any():
            kc, nc = k[close], n[close]
            self._closed.append(np.stack([kc, nc, prev_code[close], self.seg_start[kc, nc], prev_t[close],
                                          self.seg_cycles[kc, nc]]).astype(float))
        self.seg_start[k[fresh], n[fresh]] = t
        self.seg_cycles[k[fresh], n[fresh]] = 0
        self.seg_cycles[k[~again], n[~again]] += 1


def _empty(cls, k, n):
    base = Considerations.empty(k, n)
    return cls(base.count, base.first_time, base.last_time, base.first_feasible, base.last_why)


def test_compiled_note_matches_the_numpy_reference():
    rng = np.random.default_rng(2024)
    n_shooters, n_movers, feasible = 7, 12, (0, 1, 2, 3)
    new, ref = _empty(Considerations, n_shooters, n_movers), _empty(NumpyConsiderations, n_shooters, n_movers)
    for cycle in range(300):
        t = 2.0 * cycle
        for _ in range(rng.integers(1, 3)):          # a held-back call, then the eligible one
            shooters = np.sort(rng.choice(n_shooters, rng.integers(0, n_shooters + 1), replace=False))
            truth = rng.integers(-1, n_movers, rng.integers(0, 9)).astype(np.int32)   # duplicates, false tracks
            why = rng.integers(0, 5, (shooters.size, truth.size)).astype(np.int8)
            new.note(t, shooters, truth, why, feasible)
            ref.note(t, shooters, truth, why, feasible)
    for name in ("count", "first_time", "last_time", "first_feasible", "last_why", "seg_start", "seg_cycles"):
        assert np.array_equal(getattr(new, name), getattr(ref, name)), name
    a, b = new.segments(), ref.segments()
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    assert a["shooter"].size > 100      # the runs were exercised
