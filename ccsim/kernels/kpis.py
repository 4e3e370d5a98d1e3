"""A replication's KPIs in compiled passes over its per-leg arrays.

`ccsim.metrics` asks the same questions of every leg for each scope (the day,
each interval, each call type, each type and interval): how many were answered,
abandoned, answered within T, their summed waits, and so on. numpy answered each
with its own mask and `bincount`; each function here answers all of one family in
one pass over the legs, keyed by the scope's index.

The sums add the same numbers in the same order as ``np.bincount`` does (leg by
leg, in row order), and percentiles interpolate as numpy's linear rule does, so
the figures are bit-identical to the numpy ones. No kernel calls another, so each
one's interpreted ``py_func`` is the same code (see `kernels`): a small run whose
compiled code is not cached yet never waits for the compiler.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from numba import njit

__all__ = ["BEHAVIOUR_ROWS", "CALL_ROWS", "FLAG", "compile_kernels", "kernels"]

# Outcome and leg codes (`ccsim.observations`; literals here so the kernels see constants).
_BLOCKED, _ANSWERED, _ABANDONED = 0, 1, 2
_CALLBACK_REQUESTED, _NOT_REACHED = 5, 6
_FIRST, _RETRIAL, _TRANSFER, _CALLBACK, _OUTBOUND = 0, 1, 2, 3, 4

#: Rows of `call_sums`' result.
CALL_ROWS = (
    "answered",
    "abandoned",
    "blocked",
    "answered_within",
    "abandoned_within",
    "wait_answered",
    "wait_abandoned",
    "handle_answered",
    "waited",
)

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

#: Rows of `behaviour_sums`' result.
BEHAVIOUR_ROWS = (
    "attempts",
    "retrials",
    "unique_callers",
    "callers_within",
    "callers_abandoned",
    "callers_offered",
    "transfers",
    "in_system",
    "callers_answered",
    "callback_offers",
    "callback_accepts",
    "callbacks_completed",
    "callbacks_not_reached",
    "callback_wait",
    "callbacks_dialed",
)


@njit(cache=True)
def call_sums(key, sel, outcome, wait, talk, wrap, threshold, k):
    """Per key in ``[0, k)`` over the selected legs: the `CALL_ROWS` counts and sums."""
    out = np.zeros((9, k))
    for i in range(key.shape[0]):
        if not sel[i]:
            continue
        g = key[i]
        o = outcome[i]
        w = wait[i]
        within = w <= threshold  # False for NaN
        if o == _ANSWERED:
            out[0, g] += 1.0
            if within:
                out[3, g] += 1.0
            out[5, g] += w
            out[7, g] += talk[i] + wrap[i]
            if w > 0:
                out[8, g] += 1.0
        elif o == _ABANDONED:
            out[1, g] += 1.0
            if within:
                out[4, g] += 1.0
            out[6, g] += w
            if w > 0:
                out[8, g] += 1.0
        elif o == _BLOCKED:
            out[2, g] += 1.0
    return out


@njit(cache=True)
def answered_wait_percentiles(key, sel, outcome, wait, order, k, qs):
    """Percentiles ``qs`` (numpy's linear rule) of the waits of the selected answered
    legs, per key in ``[0, k)``: shape ``(len(qs), k)``, NaN for a key without any.

    ``order`` sorts ``wait`` (``np.argsort``): taking the legs in that order, each
    key's waits come out sorted, so one sort serves every scope.
    """
    count = np.zeros(k, dtype=np.int64)
    for i in range(key.shape[0]):
        if sel[i] and outcome[i] == _ANSWERED:
            count[key[i]] += 1
    first = np.zeros(k + 1, dtype=np.int64)
    for g in range(k):
        first[g + 1] = first[g] + count[g]
    buf = np.empty(first[k])
    fill = first[:k].copy()
    for j in range(order.shape[0]):
        i = order[j]
        if sel[i] and outcome[i] == _ANSWERED:
            buf[fill[key[i]]] = wait[i]
            fill[key[i]] += 1
    out = np.full((qs.shape[0], k), np.nan)
    for g in range(k):
        c = count[g]
        if c == 0:
            continue
        for row in range(qs.shape[0]):
            pos = qs[row] / 100.0 * (c - 1)
            lo = np.floor(pos)
            hi = np.ceil(pos)
            a = buf[first[g] + int(lo)]
            b = buf[first[g] + int(hi)]
            out[row, g] = a + (pos - lo) * (b - a)
    return out


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
def behaviour_sums(key, sel, flags, in_system, wait0, k):
    """Per key in ``[0, k)`` over the selected legs: the `BEHAVIOUR_ROWS` counts and sums."""
    out = np.zeros((15, k))
    for i in range(key.shape[0]):
        if not sel[i]:
            continue
        g = key[i]
        f = flags[i]
        first = (f & 1) != 0
        if first or (f & 2) != 0:
            out[0, g] += 1.0
        if (f & 2) != 0:
            out[1, g] += 1.0
        if first:
            out[2, g] += 1.0
            if (f & 16) != 0:
                out[3, g] += 1.0
            if (f & 32) != 0:
                out[4, g] += 1.0
            if (f & 8) != 0:
                out[5, g] += 1.0
            if (f & 64) != 0:
                out[7, g] += in_system[i]
                out[8, g] += 1.0
        if (f & 4) != 0:
            out[6, g] += 1.0
        if (f & 128) != 0:
            out[9, g] += 1.0
        if (f & 256) != 0:
            out[10, g] += 1.0
        if (f & 512) != 0:
            out[11, g] += 1.0
        if (f & 1024) != 0:
            out[12, g] += 1.0
        if (f & 2048) != 0:
            out[13, g] += wait0[i]
            out[14, g] += 1.0
    return out


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


_KERNELS = (
    call_sums,
    answered_wait_percentiles,
    leg_flags,
    behaviour_sums,
    busy_seconds,
    group_sums,
)

#: Legs measured by the interpreted kernels, while the compiled ones are not cached,
#: before compiling them (interpreted, a leg costs ~0.5 ms): a run of a replication
#: or a few small ones never waits for the compiler (tens of seconds on a loaded
#: machine), a longer one compiles once it has interpreted this many legs.
INTERPRETED_LEGS = 20_000
_interpreted = 0


def kernels(n_legs: int = 0) -> SimpleNamespace:
    """The KPI kernels by name: compiled, or their interpreted ``py_func`` (same
    code, same numbers) for a replication of ``n_legs`` legs while a process whose
    compiled code is not cached yet has interpreted fewer than `INTERPRETED_LEGS`."""
    global _interpreted
    compiled = SimpleNamespace(**{f.py_func.__name__: f for f in _KERNELS})
    if _interpreted >= INTERPRETED_LEGS or any(f.overloads for f in _KERNELS):
        return compiled
    from ccsim.kernels.cache_state import CACHED, state

    if all(state(f) == CACHED for f in _KERNELS):
        _interpreted = INTERPRETED_LEGS
        return compiled
    _interpreted += max(n_legs, 1)
    return SimpleNamespace(**{f.py_func.__name__: f.py_func for f in _KERNELS})


def compile_kernels() -> None:
    """Compile (or load from the cache) every KPI kernel, with the argument types
    `ccsim.metrics` calls them with (``ccsim warm-up``: `kernels` would otherwise
    interpret the first calls rather than compile)."""
    i64, f64 = np.zeros(1, dtype=np.int64), np.zeros(1)
    sel = np.ones(1, dtype=np.bool_)
    call_sums(i64, sel, i64, f64, f64, f64, 20.0, 1)
    answered_wait_percentiles(i64, sel, i64, f64, i64, 1, np.array([50.0]))
    flags, in_system, wait0 = leg_flags(i64, i64, i64, f64, f64, f64, i64, f64, sel, 20.0)
    behaviour_sums(i64, sel, flags, in_system, wait0, 1)
    busy_seconds(f64, f64 + 1.0, i64, 1, 1, 0.0, 1.0, 0.0, 1.0)
    group_sums(i64, i64, i64, sel, sel, i64, f64, f64, f64, 1, 1)
