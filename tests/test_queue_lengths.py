"""Queue-length maxima against their definition, counted caller by caller."""

from __future__ import annotations

import numpy as np
import pytest

from ccsim.kernels.queue_lengths import _sweep, max_queue, queue_maxima


def brute_force(t_in, t_out, key, k, edges):
    """The definition: in window j, the most callers waiting at its start or just
    after any instant inside it at which someone enters or leaves."""
    m = len(edges)
    out = np.zeros((k, m))
    leave = np.where(np.isnan(t_out), np.inf, t_out)
    instants = np.concatenate([t_in, t_out[~np.isnan(t_out)]])
    for j in range(m):
        hi = edges[j + 1] if j + 1 < m else np.inf
        candidates = [edges[j]] + [t for t in instants if edges[j] <= t < hi]
        for g in range(k):
            mine = key == g
            for c in candidates:
                waiting = np.sum(mine & (t_in <= c) & (c < leave))
                out[g, j] = max(out[g, j], waiting)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_matches_definition_with_ties_keys_and_callers_never_leaving(seed):
    rng = np.random.default_rng(seed)
    n, k = 60, 3
    # Times on a coarse grid, so that entering and leaving often coincide.
    t_in = rng.integers(0, 40, n).astype(float)
    t_out = t_in + rng.integers(0, 8, n)
    t_out[rng.random(n) < 0.1] = np.nan  # still waiting at the end
    key = rng.integers(0, k, n).astype(np.int64)
    edges = np.array([5.0, 10.0, 17.5, 30.0])
    want = brute_force(t_in, t_out, key, k, edges)
    np.testing.assert_array_equal(queue_maxima(t_in, t_out, key, k, edges), want)
    interpreted = queue_maxima(t_in, t_out, key, k, edges, sweep=_sweep.py_func)
    np.testing.assert_array_equal(interpreted, want)
    np.testing.assert_array_equal(max_queue(t_in, t_out, key, k, edges), want)


def test_hand_worked_swap_at_one_instant():
    # A leaves at 10 exactly when B enters: never two waiting at once; C joins at 12.
    t_in = np.array([0.0, 10.0, 12.0])
    t_out = np.array([10.0, 20.0, 15.0])
    key = np.zeros(3, dtype=np.int64)
    got = queue_maxima(t_in, t_out, key, 1, np.array([0.0, 11.0, 16.0]))
    np.testing.assert_array_equal(got, [[1.0, 2.0, 1.0]])


def test_nobody_waiting():
    empty = np.zeros(0)
    got = queue_maxima(empty, empty, np.zeros(0, dtype=np.int64), 2, np.array([0.0, 1.0]))
    np.testing.assert_array_equal(got, np.zeros((2, 2)))
