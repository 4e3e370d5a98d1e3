"""The names of the KPIs, by family: which figures each scope of a replication has.

`ccsim.metrics` (package docstring) defines them; outputs, sheets and the CLI list
them from here.
"""

from __future__ import annotations

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
    "STAFF_KPIS",
    "TRANSFER_KPIS",
]

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
