"""KPIs of a replication, and their means and confidence intervals over replications.

Everything is computed from `Observations` alone (design.md, section 2), in
compiled passes over the calls. Conventions:

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

Modules: `ccsim.metrics.names` (the KPI names), `ccsim.metrics.service_level` (the
four definitions, shared with the analytic models and the animation),
`ccsim.metrics.kpis` (one replication, over `ccsim.metrics.aggregate` and the
compiled kernels of `ccsim.kernels.kpis`), `ccsim.metrics.inference` (across
replications), `ccsim.metrics.compact` (replications as rows of numbers) and
`ccsim.metrics.tables` (tidy rows).
"""

from __future__ import annotations

from ccsim.metrics.inference import (
    _t975,
    service_level_risk,
    summarize,
    t_interval,
)
from ccsim.metrics.kpis import replication_kpis
from ccsim.metrics.names import (
    AGENT_KPIS,
    CALL_KPIS,
    CALLBACK_KPIS,
    COST_KPIS,
    DAY_KPIS,
    FRACTION_KPIS,
    GROUP_INTERVAL_KPIS,
    GROUP_KPIS,
    HOURS_KPIS,
    IVR_KPIS,
    LIVE_CALL_KPIS,
    OUTBOUND_KPIS,
    RETRIAL_KPIS,
    STAFF_KPIS,
    TRANSFER_KPIS,
)
from ccsim.metrics.service_level import SL_DEFINITIONS, service_level
from ccsim.metrics.tables import per_replication_table

__all__ = [
    "AGENT_KPIS",
    "CALLBACK_KPIS",
    "CALL_KPIS",
    "COST_KPIS",
    "DAY_KPIS",
    "FRACTION_KPIS",
    "GROUP_INTERVAL_KPIS",
    "GROUP_KPIS",
    "HOURS_KPIS",
    "IVR_KPIS",
    "LIVE_CALL_KPIS",
    "OUTBOUND_KPIS",
    "RETRIAL_KPIS",
    "SL_DEFINITIONS",
    "STAFF_KPIS",
    "TRANSFER_KPIS",
    "_t975",
    "per_replication_table",
    "replication_kpis",
    "service_level",
    "service_level_risk",
    "summarize",
    "t_interval",
]
