"""KPIs of a replication, and their means and confidence intervals over replications.

Everything is computed from `Observations` alone (design.md, section 2), vectorised
over calls. Conventions:

- Rows are *legs*: a caller's first call, its redials, a transferred leg, a callback
  (and outbound dials). *Live* legs are FIRST, RETRIAL and TRANSFER legs: the call
  KPIs (offered = answered + abandoned, SL, ASA, …, ``max_queue``) count live legs,
  each attempt on its own. A leg whose caller accepted a callback
  (``callback_requested``) is not offered; callback legs and outbound dials are not
  live calls either.
- A leg that reached a queue (answered, abandoned, callback requested; a callback
  leg: from its request) belongs to the planning interval in which it was
  *offered* to its queue; one that never reached one (blocked, self-served in the
  IVR, hung up in the IVR) to the interval of its arrival. The index is
  ``floor((t - start) / interval)`` clamped to ``[0, n - 1]``.
- Per-caller KPIs (``unique_callers``, ``sl_per_caller``, ``caller_abandon_rate``,
  ``time_in_system_s``) put a caller where its FIRST leg belongs (interval, call
  type, warm-up). A caller is *offered* if one of its FIRST / RETRIAL legs was
  answered or abandoned (all attempts blocked, or a callback requested on the first
  try: not offered).
- Callback figures go by the leg's offered time: the offer, the request, and for a
  callback leg the request it answers.
- Call KPIs per call type count only the calls of that type; calls the IVR never
  typed (``call_type == -1``) appear in the day and interval figures only.
- IVR KPIs are attributed by the arrival time (the time the caller entered the
  IVR). A blocked call is refused before the IVR, so it is never an IVR arrival.
- Agent time is agent-seconds per group and interval (`Observations`): staffed
  (available), scheduled, on break (its unpaid part), absent; overtime is one
  total per group for the day. Paid time is ``scheduled - unpaid_break`` (an
  absent agent is paid: shrinkage is paid time), plus overtime for the day.
  Occupancy is busy / staffed, utilization busy / (scheduled - unpaid_break +
  overtime), where overtime counts here as it counts in busy: the floor time in
  the horizon beyond the roster's (staffed - (scheduled - on_break - absent), when
  positive), so utilization never exceeds 1.
  "Agents" figures are agent-seconds / interval length (average agents).
- Warm-up: the day (``summary``), ``by_call_type`` and ``by_agent_group`` leave out
  calls attributed before ``start + warmup`` (IVR arrivals before it) and agent
  time before it, pro rata within an interval; overtime, a day total, is kept
  whole. ``by_interval`` and ``by_agent_group_interval`` list every interval.
- ``p_wait`` (the Erlang C / A P(wait)) is the share of offered legs (answered or
  abandoned) whose wait is > 0 s; an agent group's, of the live legs it answered.
- "Within T" means ``wait <= T``. A ratio with a zero denominator is NaN.
- Agent busy time of a leg an agent worked (answered, or a callback / outbound
  dial not reached: its ``talk`` is the time spent trying) is ``[offered + wait,
  offered + wait + talk + wrap]``, split exactly across intervals and clipped to the
  horizon (the drain after ``end`` is not counted).
- Cost: agent cost is each in-house group's paid hours (overtime included) times
  its ``agent_hour`` (else ``costs.agent_hour``); an outsourced group (with
  ``price_per_call``) costs that price per leg it answered (any kind), and no
  hourly pay. Telecom cost is ``telecom_minute`` times the minutes a line is held:
  every counted live leg not blocked, for ``ivr_time + wait + talk`` (not during
  after-call work); a leg the center dials (callback, outbound) for its talk, if
  reached. ``cost_per_call`` is cost / (answered + callbacks completed).
- Events: each ``by_interval`` entry lists (``"events"``) the labels of the
  scenario's events whose ``[start, end)`` overlaps the interval.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.observations import (
    ABANDONED,
    ANSWERED,
    BLOCKED,
    CALLBACK,
    CALLBACK_REQUESTED,
    FIRST,
    IVR_HANG_UP,
    NOT_REACHED,
    OUTBOUND,
    RETRIAL,
    SELF_SERVED,
    TRANSFER,
    Observations,
)
from ccsim.units import format_clock

if TYPE_CHECKING:
    from ccsim.scenario.model import Horizon, Scenario

__all__ = [
    "AGENT_KPIS",
    "CALLBACK_KPIS",
    "OUTBOUND_KPIS",
    "CALL_KPIS",
    "COST_KPIS",
    "GROUP_INTERVAL_KPIS",
    "GROUP_KPIS",
    "HOURS_KPIS",
    "IVR_KPIS",
    "LIVE_CALL_KPIS",
    "RETRIAL_KPIS",
    "STAFF_KPIS",
    "TRANSFER_KPIS",
    "per_replication_table",
    "replication_kpis",
    "summarize",
    "t_interval",
]

#: KPIs of live legs (per attempt): in ``summary``, each ``by_interval`` entry and
#: each call type.
LIVE_CALL_KPIS: tuple[str, ...] = (
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
    "wait_p50_s",
    "wait_p90_s",
    "wait_p95_s",
    "max_queue",
    "p_wait",
)
#: Redials: ``attempts`` (FIRST + RETRIAL legs, blocked included), ``retrials``; and per
#: caller (each caller once, where its FIRST leg belongs): ``unique_callers``,
#: ``sl_per_caller`` (callers answered within T on some attempt / callers offered)
#: and ``caller_abandon_rate`` (callers offered, never answered and without a
#: callback request / callers offered).
RETRIAL_KPIS: tuple[str, ...] = (
    "attempts",
    "retrials",
    "unique_callers",
    "sl_per_caller",
    "caller_abandon_rate",
)
#: Transfers: ``transfers`` (TRANSFER legs, by their own type and offered time) and
#: ``time_in_system_s``: mean, over callers answered at least once (any leg,
#: callbacks included), of the end of their last answered talk − their first arrival.
TRANSFER_KPIS: tuple[str, ...] = ("transfers", "time_in_system_s")
#: Callbacks, by the time of the offer / request: ``callback_offers`` (legs offered
#: one), ``callback_accepts`` (callback_requested legs), ``callbacks_completed``
#: (callback legs answered), ``callbacks_not_reached``, ``callback_delay_s`` (mean
#: request-to-dial time of the callbacks dialed, reached or not).
CALLBACK_KPIS: tuple[str, ...] = (
    "callback_offers",
    "callback_accepts",
    "callbacks_completed",
    "callbacks_not_reached",
    "callback_delay_s",
)
#: KPIs of calls: in ``summary``, each ``by_interval`` entry and each call type (all
#: zero / NaN when the scenario has no such behaviour).
CALL_KPIS: tuple[str, ...] = (*LIVE_CALL_KPIS, *RETRIAL_KPIS, *TRANSFER_KPIS, *CALLBACK_KPIS)
#: Outbound campaigns (summary and per interval, by the time of the dial).
OUTBOUND_KPIS: tuple[str, ...] = (
    "outbound_dials",
    "outbound_connects",
    "outbound_connect_rate",
    "outbound_connects_per_hour",
)
#: KPIs of the IVR: in ``summary`` and each ``by_interval`` entry (0 / NaN without IVR).
IVR_KPIS: tuple[str, ...] = (
    "ivr_arrivals",
    "self_served",
    "ivr_hang_ups",
    "containment_rate",
    "ivr_time_s",
)
#: KPIs of agents: in ``summary``, each ``by_interval`` entry and each agent group.
STAFF_KPIS: tuple[str, ...] = (
    "occupancy",
    "utilization",
    "staffed_hours",
    "scheduled_hours",
    "busy_hours",
)
#: Average agents over an interval: in each ``by_interval`` entry (all groups) and,
#: with ``occupancy``, in each ``by_agent_group_interval`` entry.
AGENT_KPIS: tuple[str, ...] = (
    "scheduled_agents",
    "on_break_agents",
    "absent_agents",
    "available_agents",
    "busy_agents",
)
#: An entry of ``by_agent_group_interval[group]`` (besides ``"start"``).
GROUP_INTERVAL_KPIS: tuple[str, ...] = (*AGENT_KPIS, "occupancy")
#: Paid and unproductive hours: in ``summary`` and each agent group.
HOURS_KPIS: tuple[str, ...] = ("on_break_hours", "absent_hours", "overtime_hours", "paid_hours")
#: Extra KPIs of an agent group: legs it answered (any kind; ``answered_by_type`` is a
#: dict ``{call type: count}``), callbacks it dialed (reached or not), its cost, and
#: ``p_wait``: the share of the live legs it answered that waited more than 0 s.
GROUP_KPIS: tuple[str, ...] = (
    "answered",
    "aht_s",
    "answered_by_type",
    "cost",
    "callbacks_handled",
    "p_wait",
)
#: Cost KPIs, in ``summary`` only. ``agent_cost``: in-house groups' pay;
#: ``outsourced_cost``: groups paid per call; ``cost`` adds telecom.
COST_KPIS: tuple[str, ...] = (
    "agent_cost",
    "telecom_cost",
    "cost",
    "cost_per_call",
    "outsourced_cost",
)

#: Every KPI of the day (``summary``).
DAY_KPIS: tuple[str, ...] = (
    *CALL_KPIS,
    *IVR_KPIS,
    *OUTBOUND_KPIS,
    *STAFF_KPIS,
    *HOURS_KPIS,
    *COST_KPIS,
)

_PERCENTILES = ((50.0, "wait_p50_s"), (90.0, "wait_p90_s"), (95.0, "wait_p95_s"))


# --------------------------------------------------------------------------- helpers


def _div(num: np.ndarray | float, den: np.ndarray | float) -> np.ndarray:
    """Elementwise ``num / den``, NaN where ``den == 0``."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _interval_index(t: np.ndarray, horizon: Horizon) -> np.ndarray:
    """Planning interval of each time, clamped to ``[0, n - 1]``."""
    n = horizon.n_intervals
    idx = np.floor((np.asarray(t, dtype=float) - horizon.start) / horizon.interval)
    return np.clip(idx, 0, n - 1).astype(np.int64)


def _group_percentiles(values: np.ndarray, key: np.ndarray, k: int, qs: list[float]) -> np.ndarray:
    """Percentiles (numpy's linear rule) of ``values`` per group ``key`` in ``[0, k)``.

    Returns shape ``(len(qs), k)``; NaN for an empty group.
    """
    out = np.full((len(qs), k), np.nan)
    if values.size == 0:
        return out
    if k == 1:  # one group (the day, a single call type): a plain sort is the same order
        v, sk = np.sort(values), key
    else:
        order = np.lexsort((values, key))
        v, sk = values[order], key[order]
    first = np.searchsorted(sk, np.arange(k), side="left")
    count = np.bincount(sk, minlength=k)
    has = count > 0
    for row, q in enumerate(qs):
        pos = q / 100.0 * (count[has] - 1)
        lo = np.floor(pos).astype(np.int64)
        hi = np.ceil(pos).astype(np.int64)
        a, b = v[first[has] + lo], v[first[has] + hi]
        out[row, has] = a + (pos - lo) * (b - a)
    return out


def _max_queue(
    offered: np.ndarray, wait: np.ndarray, key: np.ndarray, k: int, edges: np.ndarray
) -> np.ndarray:
    """Largest number of callers waiting at once, per group ``key`` in ``[0, k)`` and window.

    Window ``j`` is ``[edges[j], edges[j+1])``; the last is open-ended (so the drain
    falls in the last interval, like late offers). A caller waits during ``[offered,
    offered + wait)``; a window counts the callers already waiting at its start.
    Returns shape ``(k, len(edges))``.
    """
    from ccsim.kernels.queue_lengths import max_queue  # compiled: numba loads lazily

    queued = ~np.isnan(offered)
    t_in = np.ascontiguousarray(offered[queued], dtype=np.float64)
    t_out = t_in + wait[queued]
    key = np.ascontiguousarray(np.asarray(key)[queued], dtype=np.int64)
    edges = np.ascontiguousarray(edges, dtype=np.float64)
    return max_queue(t_in, t_out, key, int(k), edges)


def _busy_by_interval(
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
    the intervals it overlaps (partial first and last, full ones in between), counted
    with its ``weight`` (1 by default; a chat counts as 1/max_concurrent of an agent).
    """
    n, size, s0 = horizon.n_intervals, horizon.interval, horizon.start
    b0 = np.clip(begin, lo, horizon.end)
    b1 = np.clip(end, lo, horizon.end)
    keep = b1 > b0
    if weight is not None:
        b0, b1 = b0[keep], b1[keep]
        g = group[keep].astype(np.int64)
        return _weighted_busy(b0, b1, g, weight[keep], n_groups, horizon)
    b0, b1, g = b0[keep], b1[keep], group[keep].astype(np.int64)
    edges = s0 + size * np.arange(n + 1)
    i0 = np.clip(np.floor((b0 - s0) / size), 0, n - 1).astype(np.int64)
    i1 = np.clip(np.ceil((b1 - s0) / size) - 1, 0, n - 1).astype(np.int64)
    i1 = np.maximum(i1, i0)
    same = i0 == i1
    first = np.where(same, b1 - b0, edges[i0 + 1] - b0)
    busy = np.bincount(g * n + i0, weights=first, minlength=n_groups * n)
    busy += np.bincount(
        g[~same] * n + i1[~same], weights=b1[~same] - edges[i1[~same]], minlength=n_groups * n
    )
    # Full intervals strictly between i0 and i1: a difference array, then cumsum.
    span = ~same
    diff = np.bincount(
        g[span] * (n + 1) + i0[span] + 1,
        weights=np.full(span.sum(), size),
        minlength=n_groups * (n + 1),
    )
    diff -= np.bincount(
        g[span] * (n + 1) + i1[span],
        weights=np.full(span.sum(), size),
        minlength=n_groups * (n + 1),
    )
    full = np.cumsum(diff.reshape(n_groups, n + 1), axis=1)[:, :n]
    return busy.reshape(n_groups, n) + full


def _weighted_busy(b0, b1, g, w, n_groups: int, horizon: Horizon) -> np.ndarray:
    """`_busy_by_interval` with a weight per span (spans already clipped)."""
    out = np.zeros((n_groups, horizon.n_intervals))
    for weight in np.unique(w):
        sel = w == weight
        out += weight * _busy_by_interval(
            b0[sel], b1[sel], g[sel], n_groups, horizon, horizon.start
        )
    return out


def _call_kpis(
    obs: Observations,
    key: np.ndarray,
    k: int,
    mask: np.ndarray,
    threshold: float,
    definition: str,
) -> dict[str, np.ndarray]:
    """Call KPIs (all but ``max_queue``) per group ``key`` in ``[0, k)`` of the masked calls."""
    key = key[mask].astype(np.int64)
    outcome = obs.outcome[mask]
    wait = obs.wait[mask]
    answered = outcome == ANSWERED
    abandoned = outcome == ABANDONED
    blocked = outcome == BLOCKED
    within = np.zeros(wait.shape, dtype=bool)
    np.less_equal(wait, threshold, out=within, where=~np.isnan(wait))

    def count(sel: np.ndarray) -> np.ndarray:
        return np.bincount(key[sel], minlength=k).astype(float)

    def total(sel: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(key[sel], weights=values[sel], minlength=k)

    n_ans, n_ab, n_blk = count(answered), count(abandoned), count(blocked)
    n_off = n_ans + n_ab
    ans_in, ab_in = count(answered & within), count(abandoned & within)
    handle = obs.talk[mask] + obs.wrap[mask]
    sl = {
        "offered": _div(ans_in, n_off),
        "answered": _div(ans_in, n_ans),
        "exclude_short_abandons": _div(ans_in, n_off - ab_in),
        "short_abandons_as_met": _div(ans_in + ab_in, n_off),
    }
    if definition not in sl:
        raise ValueError(f"unknown service-level definition {definition!r}")
    out = {
        "offered": n_off,
        "answered": n_ans,
        "abandoned": n_ab,
        "blocked": n_blk,
        "service_level": sl[definition],
        **{f"sl_{name}": v for name, v in sl.items()},
        "asa_s": _div(total(answered, wait), n_ans),
        "abandon_time_s": _div(total(abandoned, wait), n_ab),
        "abandon_rate": _div(n_ab, n_off),
        "aht_s": _div(total(answered, handle), n_ans),
        # P(wait > 0), the Erlang C / A figure: offered callers who waited at all.
        "p_wait": _div(count((answered | abandoned) & (wait > 0)), n_off),
    }
    pct = _group_percentiles(wait[answered], key[answered], k, [q for q, _ in _PERCENTILES])
    for row, (_, name) in enumerate(_PERCENTILES):
        out[name] = pct[row]
    return out


def _ivr_kpis(
    obs: Observations, key: np.ndarray, k: int, mask: np.ndarray
) -> dict[str, np.ndarray]:
    """IVR KPIs per group ``key`` in ``[0, k)`` of the masked calls that entered the IVR."""
    outcome = np.asarray(obs.outcome)
    entered = mask & np.asarray(obs.via_ivr, dtype=bool) & (outcome != BLOCKED)
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
        "containment_rate": _div(n_self, n_ivr),
        "ivr_time_s": _div(np.bincount(key, weights=ivr_time, minlength=k), n_ivr),
    }


def _outbound_kpis(
    obs: Observations, key: np.ndarray, k: int, mask: np.ndarray, hours: np.ndarray
) -> dict[str, np.ndarray]:
    """Outbound dials per group ``key`` in ``[0, k)`` of the masked legs; ``hours``
    is the length of each group (interval or day) for the per-hour figure."""
    dialed = mask & (np.asarray(obs.leg) == OUTBOUND)
    key = np.asarray(key)[dialed].astype(np.int64)
    reached = np.asarray(obs.outcome)[dialed] == ANSWERED
    dials = np.bincount(key, minlength=k).astype(float)
    connects = np.bincount(key[reached], minlength=k).astype(float)
    return {
        "outbound_dials": dials,
        "outbound_connects": connects,
        "outbound_connect_rate": _div(connects, dials),
        "outbound_connects_per_hour": connects / hours,
    }


def _behaviour_kpis(
    legs: dict[str, np.ndarray], key: np.ndarray, k: int, mask: np.ndarray
) -> dict[str, np.ndarray]:
    """`RETRIAL_KPIS`, `TRANSFER_KPIS` and `CALLBACK_KPIS` per group ``key`` in ``[0, k)``
    of the masked legs. ``legs`` holds per-leg flags (`_leg_flags`); a caller's
    figures are read on its FIRST leg, so it falls where that leg does."""
    key = np.asarray(key)[mask].astype(np.int64)
    f = {name: v[mask] for name, v in legs.items()}

    def count(sel: np.ndarray) -> np.ndarray:
        return np.bincount(key[sel], minlength=k).astype(float)

    def total(sel: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(key[sel], weights=values[sel], minlength=k)

    first = f["first"]
    n_offered = count(first & f["caller_offered"])
    n_served = count(first & f["caller_answered"])
    dialed = f["callback_dialed"]
    n_dialed = count(dialed)
    return {
        "attempts": count(first | f["retrial"]),
        "retrials": count(f["retrial"]),
        "unique_callers": count(first),
        "sl_per_caller": _div(count(first & f["caller_within"]), n_offered),
        "caller_abandon_rate": _div(count(first & f["caller_abandoned"]), n_offered),
        "transfers": count(f["transfer"]),
        "time_in_system_s": _div(total(first & f["caller_answered"], f["in_system"]), n_served),
        "callback_offers": count(f["callback_offered"]),
        "callback_accepts": count(f["callback_requested"]),
        "callbacks_completed": count(f["callback_reached"]),
        "callbacks_not_reached": count(f["callback_not_reached"]),
        "callback_delay_s": _div(total(dialed, f["wait"]), n_dialed),
    }


def _leg_flags(obs: Observations, threshold: float) -> dict[str, np.ndarray]:
    """Per-leg flags for `_behaviour_kpis`, per-caller ones gathered onto every leg of
    the caller (by ``caller``, the row of its first leg)."""
    n = obs.n_calls
    outcome = np.asarray(obs.outcome)
    leg = np.asarray(obs.leg)
    caller = np.asarray(obs.caller, dtype=np.int64)
    wait = np.asarray(obs.wait, dtype=float)
    answered = outcome == ANSWERED
    first, retrial = leg == FIRST, leg == RETRIAL
    attempt = first | retrial
    within = np.zeros(n, dtype=bool)
    np.less_equal(wait, threshold, out=within, where=~np.isnan(wait))
    live_answered = answered & (attempt | (leg == TRANSFER))

    def per_caller(sel: np.ndarray) -> np.ndarray:  # any leg of the caller in sel
        return (np.bincount(caller[sel], minlength=n) > 0)[caller]

    offered = per_caller(attempt & (answered | (outcome == ABANDONED)))
    requested = outcome == CALLBACK_REQUESTED
    # The end of each caller's last answered talk (legs of callers, not outbound dials).
    end = np.asarray(obs.offered, dtype=float) + wait + np.asarray(obs.talk, dtype=float)
    talked = answered & (leg != OUTBOUND)
    last_end = np.full(n, -np.inf)
    np.maximum.at(last_end, caller[talked], end[talked])
    last_end = last_end[caller]
    callback = leg == CALLBACK
    dialed = callback & (answered | ((outcome == NOT_REACHED) & (np.asarray(obs.group) >= 0)))
    return {
        "first": first,
        "retrial": retrial,
        "transfer": leg == TRANSFER,
        "caller_offered": offered,
        "caller_within": per_caller(attempt & answered & within),
        "caller_abandoned": offered & ~per_caller(live_answered) & ~per_caller(requested),
        "caller_answered": np.isfinite(last_end),
        "in_system": np.where(
            np.isfinite(last_end), last_end - np.asarray(obs.arrival, dtype=float), 0.0
        ),
        "callback_offered": np.asarray(obs.callback_offered, dtype=bool),
        "callback_requested": requested,
        "callback_reached": callback & answered,
        "callback_not_reached": callback & (outcome == NOT_REACHED),
        "callback_dialed": dialed,
        "wait": np.nan_to_num(wait),
    }


def _interval_events(scenario: Scenario, starts: np.ndarray, size: float) -> list[list[str]]:
    """Per interval, the labels of the scenario's events whose ``[start, end)`` overlaps it."""
    events = getattr(scenario, "events", ()) or ()
    return [
        [str(ev.label or ev.kind) for ev in events if ev.start < s + size and ev.end > s]
        for s in starts.tolist()
    ]


def _staff_kpis(
    busy: np.ndarray, staffed: np.ndarray, scheduled: np.ndarray, paid: np.ndarray
) -> dict[str, np.ndarray]:
    """`STAFF_KPIS` from agent-seconds (any matching shapes)."""
    return {
        "occupancy": _div(busy, staffed),
        "utilization": _div(busy, paid),
        "staffed_hours": staffed / 3600.0,
        "scheduled_hours": scheduled / 3600.0,
        "busy_hours": busy / 3600.0,
    }


def _column(table: dict[str, np.ndarray], i: int) -> dict[str, float]:
    """Row ``i`` of a dict of arrays, as plain floats."""
    return {name: float(values[i]) for name, values in table.items()}


def _agent_seconds(values: np.ndarray, n_groups: int, n: int) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(n_groups, n)


# --------------------------------------------------------------------------- one replication


def replication_kpis(obs: Observations, scenario: Scenario) -> dict[str, Any]:
    """All KPIs of one replication.

    Returns::

        {"summary": {kpi: float},
         "by_interval": [{"start": "HH:MM", kpi: float}, ...],
         "by_call_type": {name: {kpi: float}},
         "by_agent_group": {name: {kpi: float, "answered_by_type": {type: float}}},
         "by_agent_group_interval": {name: [{"start": "HH:MM", kpi: float}, ...]}}

    KPI names: ``summary`` has `CALL_KPIS`, `IVR_KPIS`, `STAFF_KPIS`, `HOURS_KPIS`
    and `COST_KPIS`; ``by_interval`` `CALL_KPIS`, `IVR_KPIS`, `STAFF_KPIS` and
    `AGENT_KPIS` (all groups), and ``"events"`` (a list of labels); ``by_call_type``
    `CALL_KPIS`; ``by_agent_group`` `STAFF_KPIS`, `HOURS_KPIS` and `GROUP_KPIS`;
    ``by_agent_group_interval`` `GROUP_INTERVAL_KPIS`, one entry per interval.
    `CALL_KPIS` include the figures of redials, transfers and callbacks
    (`RETRIAL_KPIS`, `TRANSFER_KPIS`, `CALLBACK_KPIS`).
    """
    h = scenario.horizon
    n = h.n_intervals
    n_types, n_groups = len(scenario.call_types), len(scenario.agent_groups)
    threshold = scenario.service_level.threshold
    definition = scenario.service_level.definition
    counted_from = h.start + h.warmup

    outcome = np.asarray(obs.outcome)
    arrival = np.asarray(obs.arrival, dtype=float)
    offered_at = np.asarray(obs.offered, dtype=float)
    wait = np.asarray(obs.wait, dtype=float)
    talk = np.asarray(obs.talk, dtype=float)
    wrap = np.asarray(obs.wrap, dtype=float)
    call_type = np.asarray(obs.call_type, dtype=np.int64)
    leg = np.asarray(obs.leg)
    group_of = np.asarray(obs.group).astype(np.int64)
    live = (leg == FIRST) | (leg == RETRIAL) | (leg == TRANSFER)
    # Legs that reached a queue (a callback leg: from its request) go by their offer.
    queued = (
        (outcome == ANSWERED)
        | (outcome == ABANDONED)
        | (outcome == CALLBACK_REQUESTED)
        | (outcome == NOT_REACHED)
    )
    attributed = np.where(queued & ~np.isnan(offered_at), offered_at, arrival)
    interval = _interval_index(attributed, h)
    counted = attributed >= counted_from
    typed = call_type >= 0
    every = np.ones(obs.n_calls, dtype=bool)
    starts = np.asarray(h.interval_starts(), dtype=float)
    labels = [format_clock(t) for t in starts]

    # Calls: live legs, per attempt.
    zero = np.zeros(obs.n_calls, np.int64)
    after_warmup = np.array([counted_from])
    day = _call_kpis(obs, zero, 1, counted & live, threshold, definition)
    per_int = _call_kpis(obs, interval, n, live, threshold, definition)
    per_type = _call_kpis(obs, call_type, n_types, counted & typed & live, threshold, definition)
    off_live = np.where(live, offered_at, np.nan)  # callbacks wait in no live queue
    day["max_queue"] = _max_queue(off_live, wait, zero, 1, after_warmup)[0]
    per_int["max_queue"] = _max_queue(off_live, wait, zero, 1, starts)[0]
    off_t = np.where(typed, off_live, np.nan)  # an untyped call is never in a queue
    per_type["max_queue"] = _max_queue(
        off_t, wait, np.maximum(call_type, 0), n_types, after_warmup
    )[:, 0]

    # The IVR, by arrival.
    day.update(_ivr_kpis(obs, zero, 1, arrival >= counted_from))
    per_int.update(_ivr_kpis(obs, _interval_index(arrival, h), n, every))

    # Outbound campaigns, by the time of the dial.
    day_hours = np.array([(h.end - counted_from) / 3600.0])
    day.update(_outbound_kpis(obs, zero, 1, arrival >= counted_from, day_hours))
    int_hours = np.full(n, h.interval / 3600.0)
    per_int.update(_outbound_kpis(obs, _interval_index(arrival, h), n, every, int_hours))

    # Agents: busy time by the group that worked the leg (answered, or a dial not
    # reached: the time spent trying), split over intervals.
    answered = (outcome == ANSWERED) & (group_of >= 0)
    worked = (answered | (outcome == NOT_REACHED)) & (group_of >= 0)
    begin = (offered_at + wait)[worked]
    end = begin + (talk + wrap)[worked]
    group = group_of[worked]
    # A chat takes one of the agent's chat_max slots: it counts as that share of an
    # agent, so occupancy is the share of capacity in use (never above 1).
    chat_type = np.array([c.channel == "chat" for c in scenario.call_types] + [False])
    chat_max = np.array([g.chat_max for g in scenario.agent_groups], dtype=float)
    is_chat = chat_type[np.where(call_type >= 0, call_type, -1)][worked]
    weight = np.where(is_chat, 1.0 / chat_max[group], 1.0) if is_chat.any() else None
    busy_int = _busy_by_interval(begin, end, group, n_groups, h, h.start, weight)
    busy_grp = _busy_by_interval(begin, end, group, n_groups, h, counted_from, weight).sum(1)
    staffed = _agent_seconds(obs.staffed, n_groups, n)
    scheduled = _agent_seconds(obs.scheduled, n_groups, n)
    on_break = _agent_seconds(obs.on_break, n_groups, n)
    unpaid = _agent_seconds(obs.unpaid_break, n_groups, n)
    absent = _agent_seconds(obs.absent, n_groups, n)
    paid = scheduled - unpaid
    overtime = np.asarray(obs.overtime, dtype=float).reshape(n_groups)
    # Busy time includes calls finished past a shift's end: so does utilization's paid
    # time (the floor time beyond the roster's, in the horizon, as busy is).
    paid_worked = paid + np.maximum(0.0, staffed - (scheduled - on_break - absent))
    # Share of each interval after the warm-up (agent time is taken as even within it).
    share = np.clip((starts + h.interval - counted_from) / h.interval, 0.0, 1.0)
    staffed_grp, scheduled_grp, paid_grp = staffed @ share, scheduled @ share, paid @ share
    paid_worked_grp = paid_worked @ share

    day.update(
        _staff_kpis(
            np.atleast_1d(busy_grp.sum()),
            np.atleast_1d(staffed_grp.sum()),
            np.atleast_1d(scheduled_grp.sum()),
            np.atleast_1d(paid_worked_grp.sum()),
        )
    )
    per_int.update(
        _staff_kpis(
            busy_int.sum(axis=0), staffed.sum(axis=0), scheduled.sum(axis=0), paid_worked.sum(0)
        )
    )
    per_gi = {
        "scheduled_agents": scheduled / h.interval,
        "on_break_agents": on_break / h.interval,
        "absent_agents": absent / h.interval,
        "available_agents": staffed / h.interval,
        "busy_agents": busy_int / h.interval,
    }
    per_int.update({name: v.sum(axis=0) for name, v in per_gi.items()})
    per_gi["occupancy"] = _div(busy_int, staffed)

    # Redials, transfers, callbacks (per caller: where its FIRST leg belongs).
    flags = _leg_flags(obs, threshold)
    day.update(_behaviour_kpis(flags, zero, 1, counted))
    per_int.update(_behaviour_kpis(flags, interval, n, every))
    per_type.update(_behaviour_kpis(flags, call_type, n_types, counted & typed))

    per_grp = _staff_kpis(busy_grp, staffed_grp, scheduled_grp, paid_worked_grp)
    paid_hours = (paid_grp + overtime) / 3600.0
    rate = np.array(
        [
            scenario.costs.agent_hour if ag.agent_hour is None else ag.agent_hour
            for ag in scenario.agent_groups
        ],
        dtype=float,
    )
    per_grp.update(
        on_break_hours=(on_break @ share) / 3600.0,
        absent_hours=(absent @ share) / 3600.0,
        overtime_hours=overtime / 3600.0,
        paid_hours=paid_hours,
    )
    handled = answered & counted  # legs of any kind
    g_h = group_of[handled]
    n_handled = np.bincount(g_h, minlength=n_groups).astype(float)
    per_grp["answered"] = n_handled
    per_grp["aht_s"] = _div(
        np.bincount(g_h, weights=(talk + wrap)[handled], minlength=n_groups), n_handled
    )
    price = np.array(  # per call of an outsourced group; NaN for an in-house one
        [np.nan if g.price_per_call is None else g.price_per_call for g in scenario.agent_groups],
        dtype=float,
    )
    outsourced = ~np.isnan(price)
    per_grp["cost"] = np.where(outsourced, np.nan_to_num(price) * n_handled, paid_hours * rate)
    per_grp["callbacks_handled"] = np.bincount(
        group_of[worked & counted & (leg == CALLBACK)], minlength=n_groups
    ).astype(float)
    # A group's P(wait > 0): of the live legs it answered, those that waited at all.
    live_h = handled & live
    per_grp["p_wait"] = _div(
        np.bincount(group_of[live_h & (wait > 0)], minlength=n_groups),
        np.bincount(group_of[live_h], minlength=n_groups),
    )
    handled_t = handled & typed
    by_type = np.bincount(
        group_of[handled_t] * n_types + call_type[handled_t],
        minlength=n_groups * n_types,
    ).reshape(n_groups, n_types)

    # The day: hours and cost.
    summary = _column(day, 0)
    summary.update({name: float(per_grp[name].sum()) for name in HOURS_KPIS})
    # A live leg holds the caller's line in the IVR, the queue and talk; a leg the
    # center dials (callback, outbound) only while talking to the customer reached.
    dialed_out = (leg == CALLBACK) | (leg == OUTBOUND)
    line = np.where(
        dialed_out,
        talk,
        np.nan_to_num(np.asarray(obs.ivr_time, dtype=float)) + np.nan_to_num(wait) + talk,
    )
    on_line = counted & (outcome != BLOCKED) & (~dialed_out | (outcome == ANSWERED))
    on_line &= ~chat_type[np.where(call_type >= 0, call_type, -1)]  # chats use no line
    agent_cost = float(per_grp["cost"][~outsourced].sum())
    outsourced_cost = float(per_grp["cost"][outsourced].sum())
    telecom_cost = float(np.sum(line[on_line]) / 60.0 * scenario.costs.telecom_minute)
    cost = agent_cost + outsourced_cost + telecom_cost
    summary.update(
        agent_cost=agent_cost,
        telecom_cost=telecom_cost,
        cost=cost,
        cost_per_call=float(_div(cost, summary["answered"] + summary["callbacks_completed"])),
        outsourced_cost=outsourced_cost,
    )
    events = _interval_events(scenario, starts, h.interval)

    def group_entry(g: int) -> dict[str, Any]:
        row: dict[str, Any] = _column(per_grp, g)
        row["answered_by_type"] = {
            ct.name: float(by_type[g, c]) for c, ct in enumerate(scenario.call_types)
        }
        return {name: row[name] for name in (*STAFF_KPIS, *HOURS_KPIS, *GROUP_KPIS)}

    return {
        "summary": summary,
        "by_interval": [
            {"start": labels[i], **_column(per_int, i), "events": events[i]} for i in range(n)
        ],
        "by_call_type": {ct.name: _column(per_type, c) for c, ct in enumerate(scenario.call_types)},
        "by_call_type_interval": _by_call_type_interval(
            obs, scenario, interval, typed & live, flags, labels
        ),
        "by_agent_group": {ag.name: group_entry(g) for g, ag in enumerate(scenario.agent_groups)},
        "by_agent_group_interval": {
            ag.name: [
                {"start": labels[i], **{k: float(v[g, i]) for k, v in per_gi.items()}}
                for i in range(n)
            ]
            for g, ag in enumerate(scenario.agent_groups)
        },
    }


def _by_call_type_interval(
    obs: Observations,
    scenario: Scenario,
    interval: np.ndarray,
    typed_live: np.ndarray,
    flags: dict[str, np.ndarray],
    labels: list[str],
) -> dict[str, list[dict[str, Any]]]:
    """Per call type, one row per planning interval with `CALL_KPIS` of that type's
    calls in that interval (the queue's own interval table: what planners read).

    Attribution is that of ``by_interval``: a leg by the interval of its offer (else
    its arrival), a caller's figures by its FIRST leg; every interval is listed
    (warm-up included), and untyped calls belong to no queue.
    """
    h = scenario.horizon
    n, n_types = h.n_intervals, len(scenario.call_types)
    call_type = np.asarray(obs.call_type, dtype=np.int64)
    typed = call_type >= 0
    key = np.maximum(call_type, 0) * n + interval
    k = n_types * n
    sl = scenario.service_level
    table = _call_kpis(obs, key, k, typed_live, sl.threshold, sl.definition)
    offered = np.where(typed_live, np.asarray(obs.offered, dtype=float), np.nan)
    starts = np.asarray(h.interval_starts(), dtype=float)
    table["max_queue"] = _max_queue(
        offered, np.asarray(obs.wait, dtype=float), np.maximum(call_type, 0), n_types, starts
    ).reshape(k)
    table.update(_behaviour_kpis(flags, key, k, typed))
    return {
        ct.name: [{"start": labels[i], **_column(table, c * n + i)} for i in range(n)]
        for c, ct in enumerate(scenario.call_types)
    }


# --------------------------------------------------------------------------- over replications


@functools.lru_cache(maxsize=256)
def _t975(dof: int) -> float:
    """The 97.5 % Student-t quantile (a summary asks for the same few thousands of times).

    ``scipy.special.stdtrit`` is what ``scipy.stats.t.ppf`` evaluates, without the
    second or so that importing ``scipy.stats`` costs every run.
    """
    from scipy import special

    return float(special.stdtrit(dof, 0.975))


def t_interval(values: np.ndarray) -> tuple[float | None, tuple[float, float] | None]:
    """Mean and 95 % Student-t interval of ``values``, NaNs left out.

    ``(None, None)`` with no valid value, ``(mean, None)`` with one.
    """
    v = np.asarray(values, dtype=float).ravel()
    v = v[~np.isnan(v)]
    if v.size == 0:
        return None, None
    mean = float(v.mean())
    if v.size == 1:
        return mean, None
    half = float(_t975(v.size - 1) * v.std(ddof=1) / math.sqrt(v.size))
    return mean, (mean - half, mean + half)


def _is_number(x: Any) -> bool:
    return x is None or (isinstance(x, int | float | np.number) and not isinstance(x, bool))


#: KPIs that are fractions: their confidence intervals are clipped to [0, 1].
FRACTION_KPIS = frozenset(
    {
        "service_level",
        "sl_offered",
        "sl_answered",
        "sl_exclude_short_abandons",
        "sl_short_abandons_as_met",
        "abandon_rate",
        "sl_per_caller",
        "caller_abandon_rate",
        "containment_rate",
        "outbound_connect_rate",
        "occupancy",
        "utilization",
    }
)


def _summarize(items: list[Any], key: str | None = None) -> Any:
    first = items[0]
    if isinstance(first, dict):
        return {k: _summarize([it[k] for it in items], k) for k in first}
    if isinstance(first, list | tuple) and all(isinstance(x, str) for x in first):
        return list(first)  # labels, such as an interval's "events" (the same in every run)
    if isinstance(first, list | tuple):
        return [_summarize([it[i] for it in items], key) for i in range(len(first))]
    if _is_number(first):
        mean, ci = t_interval(np.array([np.nan if x is None else x for x in items], dtype=float))
        if ci is None:
            return {"mean": mean, "ci95": None}
        # Every KPI is >= 0 and fractions are <= 1: a t interval reaching past
        # that (skewed, small samples) is clipped, as the mean cannot lie there.
        high = 1.0 if key in FRACTION_KPIS else math.inf
        return {"mean": mean, "ci95": [max(ci[0], 0.0), min(ci[1], high)]}
    return first  # labels such as an interval's "start"


def summarize(reps: list[dict[str, Any]]) -> dict[str, Any]:
    """Same nested structure as `replication_kpis`, each number -> ``{"mean", "ci95"}``.

    Nested dicts and lists (``answered_by_type``, ``by_agent_group_interval``) are
    summarized recursively. NaN values (e.g. an interval without calls) are left out
    of their figure; with one valid value ``ci95`` is None, with none the mean is None
    too. Labels pass through (an interval's ``"start"``, its ``"events"`` list).
    """
    if not reps:
        raise ValueError("summarize needs at least one replication")
    return _summarize(list(reps))


def per_replication_table(
    reps: list[dict[str, Any]], scenario: Scenario | None = None
) -> list[dict[str, Any]]:
    """Tidy rows ``{"replication", "scope", "key", "kpi", "value"}`` for a CSV.

    ``scope`` is ``"day"`` (key ``""``), ``"interval"`` (key its start ``"HH:MM"``, from
    ``scenario`` if given, else the entry's ``"start"``), ``"call_type"`` or
    ``"agent_group"`` (key the name). A nested dict of numbers is flattened with dotted
    names: ``answered_by_type`` of a group gives ``"answered_by_type.billing"``, ...
    Replications are numbered from 0. (``by_agent_group_interval`` is not included,
    nor labels such as an interval's ``"events"``.)
    """
    rows: list[dict[str, Any]] = []

    def add(r: int, scope: str, key: str, kpis: dict[str, Any], prefix: str = "") -> None:
        for kpi, value in kpis.items():
            if isinstance(value, dict):
                add(r, scope, key, value, f"{prefix}{kpi}.")
            elif _is_number(value):
                rows.append(
                    {
                        "replication": r,
                        "scope": scope,
                        "key": key,
                        "kpi": prefix + kpi,
                        "value": value,
                    }
                )

    starts = None if scenario is None else scenario.horizon.interval_starts()
    for r, rep in enumerate(reps):
        add(r, "day", "", rep["summary"])
        for i, entry in enumerate(rep["by_interval"]):
            key = format_clock(starts[i]) if starts else str(entry.get("start", i))
            add(r, "interval", key, entry)
        for scope in ("call_type", "agent_group"):
            for name, kpis in rep[f"by_{scope}"].items():
                add(r, scope, name, kpis)
    return rows


def service_level_risk(
    reps: list[dict[str, Any]], target: float, kpi: str = "service_level"
) -> dict[str, Any]:
    """How often the target was met, across replications: for the day and per interval.

    Planners are judged on each interval's attainment, not on its mean. For the day
    (``"day"``) and each interval (``"by_interval"``, with its ``"start"``):
    ``p_meet_target`` is the share of replications whose ``kpi`` (a fraction) is at or
    above ``target``, ``p10`` its 10th percentile (linear interpolation) over
    replications, and ``n`` the replications in which it was defined (an interval
    without offered calls has no SL; with none, both figures are None).
    """

    def risk(values: list[Any]) -> dict[str, Any]:
        v = np.array([np.nan if x is None else x for x in values], dtype=float)
        v = v[~np.isnan(v)]
        if v.size == 0:
            return {"p_meet_target": None, "p10": None, "n": 0}
        # A tolerance of 1e-12 so an SL of exactly the target (0.8 as 4/5) counts as met.
        met = float(np.mean(v >= target - 1e-12))
        return {"p_meet_target": met, "p10": float(np.percentile(v, 10)), "n": int(v.size)}

    if not reps:
        raise ValueError("service_level_risk needs at least one replication")
    n_intervals = len(reps[0]["by_interval"])
    return {
        "kpi": kpi,
        "target": target,
        "day": risk([rep["summary"][kpi] for rep in reps]),
        "by_interval": [
            {
                "start": reps[0]["by_interval"][i].get("start"),
                **risk([rep["by_interval"][i][kpi] for rep in reps]),
            }
            for i in range(n_intervals)
        ],
    }
