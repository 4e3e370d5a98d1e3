"""Queue-length maxima per key and time window, in one compiled pass.

`ccsim.metrics._max_queue` asks, per group (day, call type) and window (the day after
the warm-up, each planning interval), for the largest number of callers waiting at
once. Sorting the 2n enter/leave events once and sweeping them costs a fraction of
what the same figure costs in numpy array passes (it was ~15 % of a batch).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["live_queue_maxima", "max_queue", "queue_maxima"]


def queue_maxima(t_in, t_out, key, k, edges, sweep=None):
    """Per key in ``[0, k)`` and window ``j`` (``[edges[j], edges[j+1])``, the last
    open-ended): the most callers waiting at once, as float64, shape ``(k, m)``.

    Caller ``i`` waits during ``[t_in[i], t_out[i])`` (``t_out`` NaN: to the end). A
    window counts the callers waiting at its start and the level after every instant
    inside it at which the queue changes (all the changes of one instant applied
    together). The events are put in time order by numpy's stable sort (enter and
    leave times each come nearly sorted, which it merges in close to linear time),
    then swept by the compiled `_sweep` (or by ``sweep``, e.g. its interpreted
    ``_sweep.py_func``: same code, same numbers).
    """
    leaves = ~np.isnan(t_out)
    times = np.concatenate((t_in, t_out[leaves]))
    ev_key = np.concatenate((key, key[leaves]))
    ev_delta = np.concatenate(
        (np.ones(t_in.shape[0], dtype=np.int64), -np.ones(int(leaves.sum()), dtype=np.int64))
    )
    order = np.argsort(times, kind="stable")
    return (sweep or _sweep)(t_in, t_out, key, k, edges, times, ev_key, ev_delta, order)


@njit(cache=True)
def _sweep(t_in, t_out, key, k, edges, times, ev_key, ev_delta, order):
    """`queue_maxima`'s pass over the callers and the time-ordered events."""
    n = t_in.shape[0]
    m = edges.shape[0]
    out = np.zeros((k, m))
    # Waiting at each window start e: t_in <= e < t_out (a difference array per key).
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
    n_ev = times.shape[0]
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
    if _interpreted < INTERPRETED_CALLS and not _sweep.overloads:
        from ccsim.kernels.cache_state import CACHED, state

        if state(_sweep) != CACHED:
            _interpreted += 1
            return queue_maxima(t_in, t_out, key, k, edges, sweep=_sweep.py_func)
        _interpreted = INTERPRETED_CALLS  # cached: load it
    return queue_maxima(t_in, t_out, key, k, edges)


def live_queue_maxima(t_in, t_out, type_key, n_types: int, day_edges, interval_edges):
    """`queue_maxima` of the live queue four ways, with one sort of the events.

    Callers ``[t_in, t_out)`` (``t_in`` without NaN); ``type_key`` is each caller's
    call type, -1 for one never typed (counted in the whole queue only). Returns
    ``(whole, by_type)``, each a pair of arrays: per ``day_edges`` window and per
    ``interval_edges`` window; ``whole`` of shape ``(1, m)``, ``by_type`` of shape
    ``(n_types, m)``. The same numbers as four `max_queue` calls: the sweep is the
    same, and a sweep over a subset of the callers visits the subset's events in
    the order of the full sort (the order within one instant does not matter).
    """
    global _interpreted
    sweep = _sweep
    if _interpreted < INTERPRETED_CALLS and not _sweep.overloads:
        from ccsim.kernels.cache_state import CACHED, state

        if state(_sweep) != CACHED:
            _interpreted += 1
            sweep = _sweep.py_func
        else:
            _interpreted = INTERPRETED_CALLS
    leaves = ~np.isnan(t_out)
    times = np.concatenate((t_in, t_out[leaves]))
    n_in, n_out = t_in.shape[0], int(leaves.sum())
    ev_delta = np.concatenate((np.ones(n_in, dtype=np.int64), -np.ones(n_out, dtype=np.int64)))
    order = np.argsort(times, kind="stable")
    zero = np.zeros(n_in, dtype=np.int64)
    ev_zero = np.zeros(n_in + n_out, dtype=np.int64)
    typed = type_key >= 0
    sets = [(t_in, t_out, zero, 1, times, ev_zero, ev_delta, order)]
    if not (n_types == 1 and typed.all()):  # else the one type's queue is the whole
        ev_type = np.concatenate((type_key, type_key[leaves]))
        ev_typed = ev_type >= 0
        # The typed events, and their order: the full order's subsequence, renumbered.
        renumber = np.cumsum(ev_typed) - 1
        order_t = renumber[order[ev_typed[order]]]
        sets.append(
            (
                t_in[typed],
                t_out[typed],
                type_key[typed],
                n_types,
                times[ev_typed],
                ev_type[ev_typed],
                ev_delta[ev_typed],
                order_t,
            )
        )
    out = []
    for ti, to, key, k, tm, ev_key, delta, o in sets:
        out.append(
            tuple(
                sweep(ti, to, key, k, edges, tm, ev_key, delta, o)
                for edges in (day_edges, interval_edges)
            )
        )
    return out[0], out[-1]
