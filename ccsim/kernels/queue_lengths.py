"""Queue-length maxima per key and time window, in one compiled pass.

The KPIs (`ccsim.metrics.kpis`) ask, per group (the whole queue, each call type) and
window (the day after the warm-up, each planning interval), for the largest number
of callers waiting at once. `live_queue_maxima` answers all four at once: the enter
and leave times each sorted (they come nearly sorted: numpy's stable sort merges
runs), then one pass over the enters (`_live_maxima`). `queue_maxima` (one group
set, one window set: a sort of all the events and a sweep) is the definition the
tests hold it to.
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


def live_queue_maxima(t_in, t_out, type_key, n_types: int, day_edges, interval_edges, sel=None):
    """`queue_maxima` of the live queue four ways, with one sort and one sweep.

    Callers ``[t_in, t_out)`` (those of ``sel``, default all; ``t_in`` without NaN
    among them); ``type_key`` is each caller's call type, negative for one never
    typed (counted in the whole queue only). ``day_edges`` is one edge (the day
    after the warm-up). Returns ``(whole, by_type)``, each a pair of arrays: per
    ``day_edges`` window and per ``interval_edges`` window; ``whole`` of shape
    ``(1, m)``, ``by_type`` of shape ``(n_types, m)``: the numbers of four
    `max_queue` calls (see `_live_maxima`).
    """
    global _interpreted
    kernel = _live_maxima
    if _interpreted < INTERPRETED_CALLS and not _live_maxima.overloads:
        from ccsim.kernels.cache_state import CACHED, state

        if state(_live_maxima) != CACHED:
            _interpreted += 1
            kernel = _live_maxima.py_func
        else:
            _interpreted = INTERPRETED_CALLS
    if sel is not None:
        t_in, t_out, type_key = t_in[sel], t_out[sel], type_key[sel]
    t_in = np.ascontiguousarray(t_in, dtype=np.float64)
    t_out = np.ascontiguousarray(t_out, dtype=np.float64)
    starts = np.ascontiguousarray(interval_edges, dtype=np.float64)
    cut = float(day_edges[0])
    # The maximum over a window is the largest over the pieces the other windows'
    # edges cut it into: the cut joins the interval starts as one more edge.
    at = int(np.searchsorted(starts, cut))
    on_edge = at < starts.shape[0] and starts[at] == cut
    edges = starts if on_edge else np.concatenate((starts[:at], [cut], starts[at:]))
    # Enter times come sorted, leave times nearly: numpy's stable sort (runs
    # merged) orders each in close to linear time; NaN (never leaves) sorts last.
    pieces = kernel(
        t_in,
        t_out,
        np.ascontiguousarray(type_key, dtype=np.int64),
        np.argsort(t_in, kind="stable"),
        np.argsort(t_out, kind="stable"),
        n_types,
        edges,
    )
    day = pieces[:, at:].max(axis=1, keepdims=True)
    by_interval = np.maximum.reduceat(pieces, np.searchsorted(edges, starts), axis=1)
    return (day[:1], by_interval[:1]), (day[1:], by_interval[1:])


@njit(cache=True)
def _live_maxima(t_in, t_out, key, order_in, order_out, n_types, edges):
    """The most callers waiting at once in each piece ``[edges[b], edges[b+1])`` (the
    last open-ended), shape ``(1 + n_types, m)``: the whole queue, then each type.

    Caller ``i`` of call type ``key[i]`` (negative: none) waits during ``[t_in[i],
    t_out[i])``; ``order_in`` and ``order_out`` sort ``t_in`` and ``t_out`` (NaN
    last). A piece counts the callers waiting at its start and the level after
    every instant inside it (all the changes of an instant applied together); the
    level only rises when callers enter, so one pass over the enters (the leaves up
    to each applied on the way) finds every maximum.
    """
    m = edges.shape[0]
    n = t_in.shape[0]
    n_out = 0
    while n_out < n and not np.isnan(t_out[order_out[n_out]]):
        n_out += 1
    # One type and every caller typed: the type's queue is the whole queue.
    track = n_types > 1
    for i in range(n):
        if key[i] < 0:
            track = True
            break
    out = np.zeros((1 + n_types, m))  # row 0: the whole queue; 1 + g: type g
    whole = 0
    level = np.zeros(n_types, dtype=np.int64)
    b = -1  # the piece the sweep is in (-1: before the first edge)
    j = 0  # leaves applied
    i = 0  # enters applied
    while i < n or b + 1 < m:
        t = t_in[order_in[i]] if i < n else np.inf
        while b + 1 < m and edges[b + 1] < t:  # pieces starting before this instant
            b += 1
            while j < n_out and t_out[order_out[j]] <= edges[b]:
                whole -= 1
                if key[order_out[j]] >= 0:
                    level[key[order_out[j]]] -= 1
                j += 1
            out[0, b] = whole
            for g in range(n_types):
                out[1 + g, b] = level[g]
        if i >= n:
            break
        i0 = i
        while i < n and t_in[order_in[i]] == t:  # every change at instant t
            whole += 1
            if track and key[order_in[i]] >= 0:
                level[key[order_in[i]]] += 1
            i += 1
        while j < n_out and t_out[order_out[j]] <= t:
            whole -= 1
            if track and key[order_out[j]] >= 0:
                level[key[order_out[j]]] -= 1
            j += 1
        if b + 1 < m and edges[b + 1] == t:  # a piece starting at this instant
            b += 1
            out[0, b] = whole
            for g in range(n_types):
                out[1 + g, b] = level[g]
        elif b >= 0:
            out[0, b] = max(out[0, b], whole)
            for r in range(i0, i if track else i0):  # the types that rose at t
                g = key[order_in[r]]
                if g >= 0 and level[g] > out[1 + g, b]:
                    out[1 + g, b] = level[g]
    if not track:
        out[1, :] = out[0, :]
    return out
