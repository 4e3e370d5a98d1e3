"""The call and behaviour KPIs of one scope, counts and ratios, in one compiled pass.

`ccsim.kernels.kpis` counts; these kernels also divide, so that a scope's table
(the day, the intervals, the call types, type × interval) costs one call rather
than a kernel call and a dozen small numpy ones. The ratios are the numpy
formulas of `ccsim.metrics` written out per key: NaN where the denominator is 0
(`ccsim.metrics.aggregate.div`) or, for a service level, not positive
(`ccsim.metrics.service_level`), the same IEEE divisions, so the same bits.

Like every KPI kernel, none calls another: each one's interpreted ``py_func`` is
the same code (see `ccsim.kernels.kpis.kernels`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "BEHAVIOUR_TABLE",
    "CALL_TABLE",
    "behaviour_table",
    "call_table",
    "wait_percentiles",
]

_BLOCKED, _ANSWERED, _ABANDONED = 0, 1, 2

#: Rows of `call_table`'s result.
CALL_TABLE = (
    "offered",
    "answered",
    "abandoned",
    "blocked",
    "service_level",
    "sl_offered",
    "sl_answered",
    "sl_exclude_short_abandons",
    "sl_short_abandons_as_met",
    "asa_s",
    "abandon_time_s",
    "abandon_rate",
    "aht_s",
    "p_wait",
)

#: Rows of `behaviour_table`'s result.
BEHAVIOUR_TABLE = (
    "attempts",
    "retrials",
    "unique_callers",
    "sl_per_caller",
    "caller_abandon_rate",
    "transfers",
    "time_in_system_s",
    "callback_offers",
    "callback_accepts",
    "callbacks_completed",
    "callbacks_not_reached",
    "callback_delay_s",
)


@njit(cache=True)
def call_table(key, sel, k, key_b, sel_b, k_b, outcome, wait, talk, wrap, threshold, definition):
    """Per key in ``[0, k)`` over the selected legs: the `CALL_TABLE` rows; and a
    second scope in the same pass (``key_b``, ``sel_b``, ``k_b``; ``k_b`` 0: none)
    as ``k_b`` more columns. Also, per column, the answered legs and those of them
    that waited 0 and less than 0 (`wait_percentiles` reads them).

    ``definition`` is the service level's index in `SL_DEFINITIONS` (offered,
    answered, exclude_short_abandons, short_abandons_as_met).
    """
    n_keys = k + k_b
    s = np.zeros((9, n_keys))  # the counts and sums, added leg by leg in row order
    ranks = np.zeros((3, n_keys), dtype=np.int64)  # answered, of wait 0, of wait < 0
    for i in range(key.shape[0]):
        for scope in range(2):
            if scope == 0:
                if not sel[i]:
                    continue
                g = key[i]
            else:
                if k_b == 0 or not sel_b[i]:
                    continue
                g = k + key_b[i]
            o = outcome[i]
            w = wait[i]
            within = w <= threshold  # False for NaN
            if o == _ANSWERED:
                s[0, g] += 1.0
                if within:
                    s[3, g] += 1.0
                s[5, g] += w
                s[7, g] += talk[i] + wrap[i]
                if w > 0:
                    s[8, g] += 1.0
                ranks[0, g] += 1
                if w == 0:
                    ranks[1, g] += 1
                elif w < 0:
                    ranks[2, g] += 1
            elif o == _ABANDONED:
                s[1, g] += 1.0
                if within:
                    s[4, g] += 1.0
                s[6, g] += w
                if w > 0:
                    s[8, g] += 1.0
            elif o == _BLOCKED:
                s[2, g] += 1.0
    out = np.full((14, n_keys), np.nan)
    for g in range(n_keys):
        ans, ab = s[0, g], s[1, g]
        off = ans + ab
        out[0, g] = off
        out[1, g] = ans
        out[2, g] = ab
        out[3, g] = s[2, g]
        within, ab_within = s[3, g], s[4, g]
        if off > 0:
            out[5, g] = within / off
        if ans > 0:
            out[6, g] = within / ans
        den = off - ab_within
        if den > 0:
            out[7, g] = within / den
        if off > 0:
            out[8, g] = min((within + ab_within) / off, 1.0)
        out[4, g] = out[5 + definition, g]
        if ans != 0:
            out[9, g] = s[5, g] / ans
            out[12, g] = s[7, g] / ans
        if ab != 0:
            out[10, g] = s[6, g] / ab
        if off != 0:
            out[11, g] = ab / off
            out[13, g] = s[8, g] / off
    return out, ranks


@njit(cache=True)
def wait_percentiles(key, sel, k, key_b, sel_b, k_b, outcome, wait, order, ranks, qs):
    """Per column of `call_table` (same scopes, its ``ranks``): the percentiles
    ``qs`` of the answered waits, numpy's linear rule as ``a + (pos - lo) * (b -
    a)``; NaN without any. ``order`` lists (at least) the answered legs of
    non-zero wait, by increasing wait: one sort serves every scope; the zero waits
    are counted, not sorted."""
    n_keys = k + k_b
    first = np.zeros(n_keys + 1, dtype=np.int64)
    for g in range(n_keys):
        first[g + 1] = first[g] + (ranks[0, g] - ranks[1, g])
    buf = np.empty(first[n_keys])
    fill = first[:n_keys].copy()
    for j in range(order.shape[0]):
        i = order[j]
        if outcome[i] == _ANSWERED and wait[i] != 0:
            if sel[i]:
                buf[fill[key[i]]] = wait[i]
                fill[key[i]] += 1
            if k_b > 0 and sel_b[i]:
                buf[fill[k + key_b[i]]] = wait[i]
                fill[k + key_b[i]] += 1
    out = np.full((qs.shape[0], n_keys), np.nan)
    for g in range(n_keys):
        c, n_zero, n_neg = ranks[0, g], ranks[1, g], ranks[2, g]
        if c == 0:
            continue
        for row in range(qs.shape[0]):
            pos = qs[row] / 100.0 * (c - 1)
            lo = np.floor(pos)
            hi = np.ceil(pos)
            values = np.zeros(2)
            for m in range(2):
                r = int(lo) if m == 0 else int(hi)  # rank: negatives, zeros, positives
                if r < n_neg:
                    values[m] = buf[first[g] + r]
                elif r >= n_neg + n_zero:
                    values[m] = buf[first[g] + r - n_zero]
            a, b = values[0], values[1]
            out[row, g] = a + (pos - lo) * (b - a)
    return out


@njit(cache=True)
def behaviour_table(key, sel, k, key_b, sel_b, k_b, flags, in_system, wait0):
    """Per key in ``[0, k)`` over the selected legs: the `BEHAVIOUR_TABLE` rows, from
    the per-leg `leg_flags` (bits as `ccsim.kernels.kpis.FLAG`); and a second scope
    in the same pass, as `call_table`."""
    n_keys = k + k_b
    s = np.zeros((15, n_keys))
    for j in range(2 * key.shape[0]):
        i = j >> 1
        if j & 1 == 0:
            if not sel[i]:
                continue
            g = key[i]
        else:
            if k_b == 0 or not sel_b[i]:
                continue
            g = k + key_b[i]
        f = flags[i]
        first = (f & 1) != 0
        if first or (f & 2) != 0:
            s[0, g] += 1.0
        if (f & 2) != 0:
            s[1, g] += 1.0
        if first:
            s[2, g] += 1.0
            if (f & 16) != 0:
                s[3, g] += 1.0
            if (f & 32) != 0:
                s[4, g] += 1.0
            if (f & 8) != 0:
                s[5, g] += 1.0
            if (f & 64) != 0:
                s[7, g] += in_system[i]
                s[8, g] += 1.0
        if (f & 4) != 0:
            s[6, g] += 1.0
        if (f & 128) != 0:
            s[9, g] += 1.0
        if (f & 256) != 0:
            s[10, g] += 1.0
        if (f & 512) != 0:
            s[11, g] += 1.0
        if (f & 1024) != 0:
            s[12, g] += 1.0
        if (f & 2048) != 0:
            s[13, g] += wait0[i]
            s[14, g] += 1.0
    out = np.full((12, n_keys), np.nan)
    for g in range(n_keys):
        offered, answered, dialed = s[5, g], s[8, g], s[14, g]
        out[0, g] = s[0, g]
        out[1, g] = s[1, g]
        out[2, g] = s[2, g]
        if offered != 0:
            out[3, g] = s[3, g] / offered
            out[4, g] = s[4, g] / offered
        out[5, g] = s[6, g]
        if answered != 0:
            out[6, g] = s[7, g] / answered
        out[7, g] = s[9, g]
        out[8, g] = s[10, g]
        out[9, g] = s[11, g]
        out[10, g] = s[12, g]
        if dialed != 0:
            out[11, g] = s[13, g] / dialed
    return out
