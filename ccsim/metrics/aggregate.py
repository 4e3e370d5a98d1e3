"""Per-leg arrays to per-scope KPI arrays: the building blocks of `replication_kpis`.

A *scope* is a key per leg in ``[0, k)`` (0 for the day, the interval, the call
type, type × interval) and a mask of the legs it counts. The counting and summing
over legs is done by the compiled kernels of `ccsim.kernels.kpis` (one pass per
family and scope); what is left here are ratios of small per-key arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np

from ccsim.metrics.service_level import SL_DEFINITIONS
from ccsim.observations import ANSWERED, BLOCKED, IVR_HANG_UP, OUTBOUND, SELF_SERVED, Observations

if TYPE_CHECKING:
    from ccsim.scenario.model import Horizon

#: Percentiles of the answered waits, and their KPI names.
PERCENTILES = ((50.0, "wait_p50_s"), (90.0, "wait_p90_s"), (95.0, "wait_p95_s"))
_QS = np.array([q for q, _ in PERCENTILES])


def div(num: np.ndarray | float, den: np.ndarray | float) -> np.ndarray:
    """Elementwise ``num / den``, NaN where ``den == 0``."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    zero = den == 0
    if not zero.any():
        return num / den
    return np.where(zero, np.nan, num / np.where(zero, 1.0, den))


def interval_index(t: np.ndarray, horizon: Horizon) -> np.ndarray:
    """Planning interval of each time, clamped to ``[0, n - 1]``."""
    n = horizon.n_intervals
    idx = np.floor((np.asarray(t, dtype=float) - horizon.start) / horizon.interval)
    return np.clip(idx, 0, n - 1).astype(np.int64)


@dataclass
class Legs:
    """A replication's per-leg arrays, in the dtypes the kernels are compiled for,
    with the kernels to use (`ccsim.kernels.kpis.kernels`) and the per-leg flags of
    redials, transfers and callbacks (`leg_flags`)."""

    outcome: np.ndarray
    leg: np.ndarray
    call_type: np.ndarray
    arrival: np.ndarray
    offered: np.ndarray
    wait: np.ndarray
    talk: np.ndarray
    wrap: np.ndarray
    group: np.ndarray
    kernels: SimpleNamespace
    flags: tuple[np.ndarray, np.ndarray, np.ndarray]
    wait_order: np.ndarray  # the answered legs of non-zero wait, by wait (percentiles)

    @classmethod
    def of(cls, obs: Observations, threshold: float) -> Legs:
        from ccsim.kernels.kpis import kernels

        def f64(x: np.ndarray) -> np.ndarray:
            return np.ascontiguousarray(x, dtype=np.float64)

        def i64(x: np.ndarray) -> np.ndarray:
            return np.ascontiguousarray(x, dtype=np.int64)

        kn = kernels(obs.n_calls)
        legs = cls(
            outcome=i64(obs.outcome),
            leg=i64(obs.leg),
            call_type=i64(obs.call_type),
            arrival=f64(obs.arrival),
            offered=f64(obs.offered),
            wait=f64(obs.wait),
            talk=f64(obs.talk),
            wrap=f64(obs.wrap),
            group=i64(obs.group),
            kernels=kn,
            flags=(),  # type: ignore[arg-type]
            wait_order=np.empty(0, dtype=np.int64),
        )
        # The answered waits but zeros (counted apart), sorted once for every scope.
        nonzero = np.flatnonzero((legs.outcome == ANSWERED) & (legs.wait != 0))
        legs.wait_order = nonzero[np.argsort(legs.wait[nonzero])]
        legs.flags = kn.leg_flags(
            legs.outcome,
            legs.leg,
            i64(obs.caller),
            legs.wait,
            legs.offered,
            legs.talk,
            legs.group,
            legs.arrival,
            np.ascontiguousarray(obs.callback_offered, dtype=np.bool_),
            float(threshold),
        )
        return legs


Scope = tuple[np.ndarray, int, np.ndarray]  # (key per leg, number of keys, mask)


def _pair(scopes: Sequence[Scope]) -> tuple:
    """One or two scopes as the kernels take them: ``(key, mask, k)`` twice, ``k`` 0
    for no second scope."""
    if not 1 <= len(scopes) <= 2:
        raise ValueError(f"one or two scopes per pass, got {len(scopes)}")
    out: list = []
    for key, k, mask in scopes:
        key = np.ascontiguousarray(key, dtype=np.int64)
        out += [key, np.ascontiguousarray(mask, dtype=np.bool_), int(k)]
    if len(scopes) == 1:
        out += [out[0], out[1], 0]
    return tuple(out)


def _split(table: np.ndarray, names: Sequence[str], scopes: Sequence[Scope]) -> list[dict]:
    """The kernel's table, its columns cut back into each scope's dict of rows."""
    out, at = [], 0
    for _, k, _ in scopes:
        out.append(dict(zip(names, table[:, at : at + k], strict=True)))
        at += k
    return out


def call_kpis(
    legs: Legs, scopes: Sequence[Scope], threshold: float, definition: str
) -> list[dict[str, np.ndarray]]:
    """Call KPIs (all but ``max_queue``) of one or two scopes ``(key, k, mask)`` in
    one pass: per ``key`` in ``[0, k)`` of the masked legs."""
    if definition not in SL_DEFINITIONS:
        raise ValueError(f"unknown service-level definition {definition!r}")
    from ccsim.kernels.kpi_tables import CALL_TABLE  # numba loads lazily

    pair = _pair(scopes)
    table, ranks = legs.kernels.call_table(
        *pair,
        legs.outcome,
        legs.wait,
        legs.talk,
        legs.wrap,
        float(threshold),
        SL_DEFINITIONS.index(definition),
    )
    pct = legs.kernels.wait_percentiles(*pair, legs.outcome, legs.wait, legs.wait_order, ranks, _QS)
    rows = np.concatenate((table, pct))
    return _split(rows, (*CALL_TABLE, *(name for _, name in PERCENTILES)), scopes)


def behaviour_kpis(legs: Legs, scopes: Sequence[Scope]) -> list[dict[str, np.ndarray]]:
    """`RETRIAL_KPIS`, `TRANSFER_KPIS` and `CALLBACK_KPIS` of one or two scopes
    ``(key, k, mask)`` in one pass, per ``key`` in ``[0, k)`` of the masked legs; a
    caller's figures are read on its FIRST leg."""
    from ccsim.kernels.kpi_tables import BEHAVIOUR_TABLE

    table = legs.kernels.behaviour_table(*_pair(scopes), *legs.flags)
    return _split(table, BEHAVIOUR_TABLE, scopes)


def ivr_kpis(
    obs: Observations, key: np.ndarray, k: int, mask: np.ndarray, none: bool = False
) -> dict[str, np.ndarray]:
    """IVR KPIs per ``key`` in ``[0, k)`` of the masked calls that entered the IVR
    (``none``: the caller knows that no call came through the IVR)."""
    outcome = np.asarray(obs.outcome)
    entered = None if none else mask & np.asarray(obs.via_ivr, dtype=bool) & (outcome != BLOCKED)
    if entered is None or not entered.any():  # every count 0 (as the bincounts below give)
        zero = np.zeros(k)
        return {
            "ivr_arrivals": zero,
            "self_served": zero.copy(),
            "ivr_hang_ups": zero.copy(),
            "containment_rate": np.full(k, np.nan),
            "ivr_time_s": np.full(k, np.nan),
        }
    key = np.asarray(key)[entered].astype(np.int64)
    outcome = outcome[entered]

    def count(sel: np.ndarray) -> np.ndarray:
        return np.bincount(key[sel], minlength=k).astype(float)

    n_ivr = np.bincount(key, minlength=k).astype(float)
    n_self = count(outcome == SELF_SERVED)
    ivr_time = np.asarray(obs.ivr_time, dtype=float)[entered]
    return {
        "ivr_arrivals": n_ivr,
        "self_served": n_self,
        "ivr_hang_ups": count(outcome == IVR_HANG_UP),
        "containment_rate": div(n_self, n_ivr),
        "ivr_time_s": div(np.bincount(key, weights=ivr_time, minlength=k), n_ivr),
    }


def outbound_kpis(
    legs: Legs, key: np.ndarray, k: int, mask: np.ndarray, hours: np.ndarray, none: bool = False
) -> dict[str, np.ndarray]:
    """Outbound dials per ``key`` in ``[0, k)`` of the masked legs; ``hours`` is the
    length of each key's span (interval or day) for the per-hour figure (``none``:
    the caller knows that there is no outbound leg)."""
    if none:  # what the bincounts below give of no dial
        dials, connects = np.zeros(k), np.zeros(k)
    else:
        dialed = mask & (legs.leg == OUTBOUND)
        key = np.asarray(key)[dialed].astype(np.int64)
        reached = legs.outcome[dialed] == ANSWERED
        dials = np.bincount(key, minlength=k).astype(float)
        connects = np.bincount(key[reached], minlength=k).astype(float)
    return {
        "outbound_dials": dials,
        "outbound_connects": connects,
        "outbound_connect_rate": div(connects, dials),
        "outbound_connects_per_hour": connects / hours,
    }


def busy_by_interval(
    legs: Legs,
    begin: np.ndarray,
    end: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    horizon: Horizon,
    lo: float,
    weight: np.ndarray | None = None,
) -> np.ndarray:
    """Busy agent-seconds per group and interval, shape ``(n_groups, n_intervals)``.

    Each ``[begin, end]`` is clipped to ``[lo, horizon.end]`` and split exactly across
    the intervals it overlaps, counted with its ``weight`` (1 by default; a chat
    counts as 1/max_concurrent of an agent): per weight, in increasing order.
    """
    h = horizon
    group = np.ascontiguousarray(group, dtype=np.int64)
    args = (n_groups, h.n_intervals, float(h.start), float(h.interval), float(lo), float(h.end))
    busy = legs.kernels.busy_seconds
    if weight is None:
        return busy(begin, end, group, *args)
    # Weights apply to the spans clipped to [lo, end] and kept, as before.
    b0 = np.clip(begin, lo, h.end)
    b1 = np.clip(end, lo, h.end)
    keep = b1 > b0
    b0, b1, g, w = b0[keep], b1[keep], group[keep], weight[keep]
    out = np.zeros((n_groups, h.n_intervals))
    for value in np.unique(w):
        sel = w == value
        out += value * busy(b0[sel], b1[sel], g[sel], *args[:4], float(h.start), float(h.end))
    return out


def staff_kpis(
    busy: np.ndarray, staffed: np.ndarray, scheduled: np.ndarray, paid: np.ndarray
) -> dict[str, np.ndarray]:
    """`STAFF_KPIS` from agent-seconds (any matching shapes)."""
    return {
        "occupancy": div(busy, staffed),
        "utilization": div(busy, paid),
        "staffed_hours": staffed / 3600.0,
        "scheduled_hours": scheduled / 3600.0,
        "busy_hours": busy / 3600.0,
    }


def columns(table: dict[str, np.ndarray], k: int) -> list[dict[str, float]]:
    """Each of the ``k`` columns of a dict of arrays (length ``k``), as plain floats."""
    names = list(table)
    rows = np.array([table[name] for name in names], dtype=float).reshape(len(names), k)
    return [dict(zip(names, col, strict=True)) for col in rows.T.tolist()]
