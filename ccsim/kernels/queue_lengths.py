"""Queue-length maxima per key and time window, in one compiled pass.

`ccsim.metrics._max_queue` asks, per group (day, call type) and window (the day after
the warm-up, each planning interval), for the largest number of callers waiting at
once. Sorting the 2n enter/leave events once and sweeping them costs a fraction of
what the same figure costs in numpy array passes (it was ~15 % of a batch).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["max_queue", "queue_maxima"]


@njit(cache=True)
def queue_maxima(t_in, t_out, key, k, edges):
    """Per key in ``[0, k)`` and window ``j`` (``[edges[j], edges[j+1])``, the last
    open-ended): the most callers waiting at once, as float64, shape ``(k, m)``.

    Caller ``i`` waits during ``[t_in[i], t_out[i])``. A window counts the callers
    waiting at its start and the level after every instant inside it at which the
    queue changes (all the changes of one instant applied together).
    """
    n = t_in.shape[0]
    m = edges.shape[0]
    out = np.zeros((k, m))
    # Waiting at each window start e: t_in <= e < t_out (a difference array per key).
    # A caller who never leaves (t_out NaN) waits to the end.
    diff = np.zeros((k, m + 1), dtype=np.int64)
    for i in range(n):
        lo = np.searchsorted(edges, t_in[i], side="left")  # first edge with t_in <= e
        hi = m if np.isnan(t_out[i]) else np.searchsorted(edges, t_out[i], side="left")
        if lo < hi:
            diff[key[i], lo] += 1
            diff[key[i], hi] -= 1
    for g in range(k):
        level = 0
        for j in range(m):
            level += diff[g, j]
            out[g, j] = level
    # The changes, +1 on entering, -1 on leaving (none for who never leaves).
    times = np.empty(2 * n)
    ev_key = np.empty(2 * n, dtype=np.int64)
    ev_delta = np.empty(2 * n, dtype=np.int64)
    n_ev = 0
    for i in range(n):
        times[n_ev], ev_key[n_ev], ev_delta[n_ev] = t_in[i], key[i], 1
        n_ev += 1
    for i in range(n):
        if not np.isnan(t_out[i]):
            times[n_ev], ev_key[n_ev], ev_delta[n_ev] = t_out[i], key[i], -1
            n_ev += 1
    times = times[:n_ev]
    order = np.argsort(times, kind="mergesort")
    level = np.zeros(k, dtype=np.int64)
    e = 0
    while e < n_ev:
        t = times[order[e]]
        stop = e
        while stop < n_ev and times[order[stop]] == t:  # every change at instant t
            level[ev_key[order[stop]]] += ev_delta[order[stop]]
            stop += 1
        w = np.searchsorted(edges, t, side="right") - 1
        if w >= 0:
            for s in range(e, stop):
                g = ev_key[order[s]]
                if level[g] > out[g, w]:
                    out[g, w] = level[g]
        e = stop
    return out


#: Calls answered by the interpreted kernel, while the compiled one is not cached,
#: before compiling it: a run of a replication or three (3 calls each) never waits
#: for the compiler, a longer one compiles after these.
INTERPRETED_CALLS = 10
_interpreted = 0


def max_queue(t_in, t_out, key, k: int, edges) -> np.ndarray:
    """`queue_maxima`, compiled, or interpreted (same code, same numbers) for the first
    `INTERPRETED_CALLS` calls of a process whose compiled kernel is not cached yet."""
    global _interpreted
    if _interpreted < INTERPRETED_CALLS and not queue_maxima.overloads:
        from ccsim.kernels.cache_state import CACHED, state

        if state(queue_maxima) != CACHED:
            _interpreted += 1
            return queue_maxima.py_func(t_in, t_out, key, k, edges)
        _interpreted = INTERPRETED_CALLS  # cached: load it
    return queue_maxima(t_in, t_out, key, k, edges)
