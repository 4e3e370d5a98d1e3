"""A replication's KPIs in compiled passes over its per-leg arrays.

`ccsim.metrics` asks the same questions of every leg for each scope (the day,
each interval, each call type, each type and interval): how many were answered,
abandoned, answered within T, their summed waits, and so on. numpy answered each
with its own mask and `bincount`; each function here (and in
`ccsim.kernels.kpi_tables`, which also divides) answers all of one family in one
pass over the legs, keyed by the scope's index.

The sums add the same numbers in the same order as ``np.bincount`` does (leg by
leg, in row order), so the counts and sums are bit-identical to the numpy ones;
percentiles interpolate by numpy's linear rule as ``a + (pos - lo) * (b - a)``
(numpy computes the upper half from ``b``: the last bit may differ from
``np.percentile``). No kernel calls another, so each
one's interpreted ``py_func`` is the same code (see `kernels`): a small run whose
compiled code is not cached yet never waits for the compiler.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from numba import njit

from ccsim.kernels.kpi_tables import behaviour_table, call_table, wait_percentiles

__all__ = ["FLAG", "compile_kernels", "kernels"]

# Outcome and leg codes (`ccsim.observations`; literals here so the kernels see constants).
_BLOCKED, _ANSWERED, _ABANDONED = 0, 1, 2
_CALLBACK_REQUESTED, _NOT_REACHED = 5, 6
_FIRST, _RETRIAL, _TRANSFER, _CALLBACK, _OUTBOUND = 0, 1, 2, 3, 4

#: Bits of `leg_flags`' per-leg flags.
FLAG = SimpleNamespace(
    first=1,
    retrial=2,
    transfer=4,
    caller_offered=8,
    caller_within=16,
    caller_abandoned=32,
    caller_answered=64,
    callback_offered=128,
    callback_requested=256,
    callback_reached=512,
    callback_not_reached=1024,
    callback_dialed=2048,
)


@njit(cache=True)
def leg_flags(outcome, leg, caller, wait, offered, talk, group, arrival, cb_offered, threshold):
    """Per leg: `FLAG` bits (per-caller ones gathered onto every leg of the caller),
    the caller's time in system (0 if never answered) and the wait with NaN as 0."""
    n = outcome.shape[0]
    any_offered = np.zeros(n, dtype=np.bool_)
    any_within = np.zeros(n, dtype=np.bool_)
    any_live_answered = np.zeros(n, dtype=np.bool_)
    any_requested = np.zeros(n, dtype=np.bool_)
    last_end = np.full(n, -np.inf)
    for i in range(n):
        o, lg, c = outcome[i], leg[i], caller[i]
        answered = o == _ANSWERED
        attempt = lg in (_FIRST, _RETRIAL)
        if attempt and (answered or o == _ABANDONED):
            any_offered[c] = True
        if attempt and answered and wait[i] <= threshold:
            any_within[c] = True
        if answered and (attempt or lg == _TRANSFER):
            any_live_answered[c] = True
        if o == _CALLBACK_REQUESTED:
            any_requested[c] = True
        if answered and lg != _OUTBOUND:  # as np.maximum: a NaN wins and stays
            end = offered[i] + wait[i] + talk[i]
            if not np.isnan(last_end[c]) and (np.isnan(end) or end > last_end[c]):
                last_end[c] = end
    flags = np.zeros(n, dtype=np.int64)
    in_system = np.zeros(n)
    wait0 = np.zeros(n)
    for i in range(n):
        o, lg, c = outcome[i], leg[i], caller[i]
        answered = o == _ANSWERED
        f = 0
        if lg == _FIRST:
            f |= 1
        elif lg == _RETRIAL:
            f |= 2
        elif lg == _TRANSFER:
            f |= 4
        if any_offered[c]:
            f |= 8
            if not any_live_answered[c] and not any_requested[c]:
                f |= 32
        if any_within[c]:
            f |= 16
        if np.isfinite(last_end[c]):
            f |= 64
            in_system[i] = last_end[c] - arrival[i]
        if cb_offered[i]:
            f |= 128
        if o == _CALLBACK_REQUESTED:
            f |= 256
        if lg == _CALLBACK:
            if answered:
                f |= 512
            elif o == _NOT_REACHED:
                f |= 1024
            if answered or (o == _NOT_REACHED and group[i] >= 0):
                f |= 2048
        flags[i] = f
        if not np.isnan(wait[i]):
            wait0[i] = wait[i]
    return flags, in_system, wait0


@njit(cache=True)
def busy_seconds(begin, end, group, n_groups, n, start, size, lo, hi):
    """Busy agent-seconds per group and interval, shape ``(n_groups, n)``: each
    ``[begin, end]`` clipped to ``[lo, hi]`` and split exactly across the intervals
    it overlaps, added up in the order (and so with the rounding) of the numpy
    formulation: first parts, then last parts, then whole intervals (a cumulated
    difference array)."""
    parts = np.zeros(n_groups * n)
    lasts = np.zeros(n_groups * n)
    plus = np.zeros(n_groups * (n + 1))
    minus = np.zeros(n_groups * (n + 1))
    for i in range(begin.shape[0]):
        b0 = min(max(begin[i], lo), hi)
        b1 = min(max(end[i], lo), hi)
        if not b1 > b0:
            continue
        g = group[i]
        i0 = int(min(max(np.floor((b0 - start) / size), 0.0), n - 1.0))
        i1 = int(min(max(np.ceil((b1 - start) / size) - 1.0, 0.0), n - 1.0))
        i1 = max(i1, i0)
        if i0 == i1:
            parts[g * n + i0] += b1 - b0
        else:
            parts[g * n + i0] += (start + size * (i0 + 1)) - b0
            lasts[g * n + i1] += b1 - (start + size * i1)
            plus[g * (n + 1) + i0 + 1] += size
            minus[g * (n + 1) + i1] += size
    out = np.zeros((n_groups, n))
    for g in range(n_groups):
        acc = 0.0
        for j in range(n):
            acc += plus[g * (n + 1) + j] - minus[g * (n + 1) + j]
            out[g, j] = (parts[g * n + j] + lasts[g * n + j]) + acc
    return out


@njit(cache=True)
def group_sums(group, outcome, leg, counted, live, call_type, wait, talk, wrap, n_groups, n_types):
    """Per agent group, over the legs after the warm-up: rows answered (any kind),
    their handle time, callbacks dialed (reached or not), live legs answered and
    those of them that waited; and answered legs per group and call type."""
    out = np.zeros((5, n_groups))
    by_type = np.zeros((n_groups, n_types), dtype=np.int64)
    for i in range(group.shape[0]):
        g = group[i]
        if g < 0 or not counted[i]:
            continue
        o = outcome[i]
        if o == _ANSWERED:
            out[0, g] += 1.0
            out[1, g] += talk[i] + wrap[i]
            if live[i]:
                out[3, g] += 1.0
                if wait[i] > 0:
                    out[4, g] += 1.0
            if call_type[i] >= 0:
                by_type[g, call_type[i]] += 1
        if leg[i] == _CALLBACK and o in (_ANSWERED, _NOT_REACHED):
            out[2, g] += 1.0
    return out, by_type


@njit(cache=True)
def leg_scopes(outcome, leg, offered, arrival, call_type, start, size, n, cut):
    """Per leg: where it belongs (the interval of its offer if it reached a queue,
    else of its arrival; clamped to ``[0, n)``), whether that is after ``cut`` (the
    warm-up), whether it is a live call, typed; and the interval and the same
    test by arrival alone. The numpy formulas of `ccsim.metrics`, leg by leg."""
    m = outcome.shape[0]
    interval = np.empty(m, dtype=np.int64)
    counted = np.empty(m, dtype=np.bool_)
    live = np.empty(m, dtype=np.bool_)
    typed = np.empty(m, dtype=np.bool_)
    by_arrival = np.empty(m, dtype=np.int64)
    after = np.empty(m, dtype=np.bool_)
    top = n - 1.0
    for i in range(m):
        o, lg = outcome[i], leg[i]
        live[i] = lg in (_FIRST, _RETRIAL, _TRANSFER)
        queued = o in (_ANSWERED, _ABANDONED, _CALLBACK_REQUESTED, _NOT_REACHED)
        a = arrival[i]
        t = offered[i] if queued and not np.isnan(offered[i]) else a
        counted[i] = t >= cut
        interval[i] = int(min(max(np.floor((t - start) / size), 0.0), top))
        by_arrival[i] = int(min(max(np.floor((a - start) / size), 0.0), top))
        after[i] = a >= cut
        typed[i] = call_type[i] >= 0
    return interval, counted, live, typed, by_arrival, after


@njit(cache=True)
def busy_worked(offered, wait, talk, wrap, outcome, group, n_groups, n, start, size, lo, cut, hi):
    """`busy_seconds` of the legs a group worked (answered, or a dial not reached),
    spans ``[offered + wait, + talk + wrap]``, clipped below at ``lo`` and at ``cut``
    at once: two arrays of shape ``(n_groups, n)``, the same sums in the same order.
    A span starting after both clips is split once for both."""
    n_lo = 1 if cut == lo else 2  # no warm-up: the two clips are one
    parts = np.zeros((2, n_groups * n))
    lasts = np.zeros((2, n_groups * n))
    plus = np.zeros((2, n_groups * (n + 1)))
    minus = np.zeros((2, n_groups * (n + 1)))
    for i in range(offered.shape[0]):
        g = group[i]
        if g < 0 or not (outcome[i] == _ANSWERED or outcome[i] == _NOT_REACHED):
            continue
        begin = offered[i] + wait[i]
        end = begin + (talk[i] + wrap[i])
        same = begin >= lo and begin >= cut and end >= begin
        for r in range(n_lo):
            low = lo if r == 0 else cut
            if r == 0 or not same:
                b0 = min(max(begin, low), hi)
                b1 = min(max(end, low), hi)
                if not b1 > b0:
                    keep = False
                    continue
                keep = True
                i0 = int(min(max(np.floor((b0 - start) / size), 0.0), n - 1.0))
                i1 = int(min(max(np.ceil((b1 - start) / size) - 1.0, 0.0), n - 1.0))
                i1 = max(i1, i0)
                head = b1 - b0 if i0 == i1 else (start + size * (i0 + 1)) - b0
                tail = b1 - (start + size * i1)
            elif not keep:
                continue
            parts[r, g * n + i0] += head
            if i0 != i1:
                lasts[r, g * n + i1] += tail
                plus[r, g * (n + 1) + i0 + 1] += size
                minus[r, g * (n + 1) + i1] += size
    out = np.zeros((2, n_groups, n))
    for r in range(n_lo):
        for g in range(n_groups):
            acc = 0.0
            for j in range(n):
                acc += plus[r, g * (n + 1) + j] - minus[r, g * (n + 1) + j]
                out[r, g, j] = (parts[r, g * n + j] + lasts[r, g * n + j]) + acc
    if n_lo == 1:
        out[1] = out[0]
    return out[0], out[1]


@njit(cache=True)
def line_seconds(leg, outcome, talk, wait, ivr_time, counted, call_type, chat_type):
    """Per leg that held a line after the warm-up, in row order, its seconds on the
    line: a live leg's IVR time, wait and talk (NaN as 0, as ``np.nan_to_num``), a
    leg the center dialed its talk only if reached; blocked legs and chats hold none
    (``chat_type`` per call type, its last entry for untyped legs)."""
    big = np.finfo(np.float64).max
    out = np.empty(leg.shape[0])
    k = 0
    for i in range(leg.shape[0]):
        o = outcome[i]
        dialed_out = leg[i] == _CALLBACK or leg[i] == _OUTBOUND
        if not counted[i] or o == _BLOCKED or (dialed_out and o != _ANSWERED):
            continue
        c = call_type[i]
        if chat_type[c if c >= 0 else chat_type.shape[0] - 1]:
            continue
        if dialed_out:
            out[k] = talk[i]
        else:
            x, w = ivr_time[i], wait[i]
            x = 0.0 if np.isnan(x) else (big if x == np.inf else (-big if x == -np.inf else x))
            w = 0.0 if np.isnan(w) else (big if w == np.inf else (-big if w == -np.inf else w))
            out[k] = x + w + talk[i]
        k += 1
    return out[:k]


_KERNELS = (
    leg_scopes,
    call_table,
    wait_percentiles,
    leg_flags,
    behaviour_table,
    busy_seconds,
    busy_worked,
    line_seconds,
    group_sums,
)

#: Legs measured by the interpreted kernels, while the compiled ones are not cached,
#: before compiling them (interpreted, a leg costs ~0.5 ms): a run of a replication
#: or a few small ones never waits for the compiler (tens of seconds on a loaded
#: machine), a longer one compiles once it has interpreted this many legs.
INTERPRETED_LEGS = 20_000
_interpreted = 0
_all_compiled = False  # every kernel compiled or loaded in this process
_COMPILED = SimpleNamespace(**{f.py_func.__name__: f for f in _KERNELS})


def kernels(n_legs: int = 0) -> SimpleNamespace:
    """The KPI kernels by name: compiled, or their interpreted ``py_func`` (same
    code, same numbers) for a replication of ``n_legs`` legs while a process whose
    compiled code is not cached yet has interpreted fewer than `INTERPRETED_LEGS`.

    The first time it turns to compiled code without finding it all cached, it
    compiles every KPI kernel (`compile_kernels`), those this scenario never calls
    too: else the next process would not find them all cached, and interpret again.
    """
    global _interpreted, _all_compiled
    if _interpreted >= INTERPRETED_LEGS or any(f.overloads for f in _KERNELS):
        if not _all_compiled:
            _all_compiled = True
            compile_kernels()
        return _COMPILED
    from ccsim.kernels.cache_state import CACHED, state

    if all(state(f) == CACHED for f in _KERNELS):
        _interpreted = INTERPRETED_LEGS
        _all_compiled = True
        return _COMPILED
    _interpreted += max(n_legs, 1)
    return SimpleNamespace(**{f.py_func.__name__: f.py_func for f in _KERNELS})


def compile_kernels() -> None:
    """Compile (or load from the cache) every KPI kernel, with the argument types
    `ccsim.metrics` calls them with (``ccsim warm-up``: `kernels` would otherwise
    interpret the first calls rather than compile)."""
    from ccsim.kernels.queue_lengths import _live_maxima

    i64, f64 = np.zeros(1, dtype=np.int64), np.zeros(1)
    sel = np.ones(1, dtype=np.bool_)
    _, ranks = call_table(i64, sel, 1, i64, sel, 0, i64, f64, f64, f64, 20.0, 0)
    wait_percentiles(i64, sel, 1, i64, sel, 0, i64, f64, i64, ranks, np.array([50.0]))
    leg_scopes(i64, i64, f64, f64, i64, 0.0, 1.0, 1, 0.0)
    flags, in_system, wait0 = leg_flags(i64, i64, i64, f64, f64, f64, i64, f64, sel, 20.0)
    behaviour_table(i64, sel, 1, i64, sel, 0, flags, in_system, wait0)
    _live_maxima(f64, f64, i64, i64, i64, 1, f64)
    busy_seconds(f64, f64 + 1.0, i64, 1, 1, 0.0, 1.0, 0.0, 1.0)
    group_sums(i64, i64, i64, sel, sel, i64, f64, f64, f64, 1, 1)
    busy_worked(f64, f64, f64, f64, i64, i64, 1, 1, 0.0, 1.0, 0.0, 0.0, 1.0)
    line_seconds(i64, i64, f64, f64, f64, sel, i64, sel)
