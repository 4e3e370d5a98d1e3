"""Agent time of one replication: busy, staffed, scheduled and paid, per group and
interval, and each agent group's KPIs (`ccsim.metrics.kpis` puts them in place).

Busy time is that of the legs the group worked (answered, or a dial not reached:
the time spent trying), split exactly over intervals; a chat counts as its share
of an agent (1 / max concurrent chats).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ccsim.metrics.aggregate import busy_by_interval, div, staff_kpis
from ccsim.observations import ANSWERED, NOT_REACHED

if TYPE_CHECKING:
    from ccsim.metrics.day import _Day

Table = dict[str, np.ndarray]


@dataclass
class AgentTime:
    """Agent-seconds per group and interval, and per group after the warm-up."""

    busy_int: np.ndarray
    busy_grp: np.ndarray
    staffed: np.ndarray
    scheduled: np.ndarray
    on_break: np.ndarray
    absent: np.ndarray
    paid: np.ndarray
    paid_worked: np.ndarray
    share: np.ndarray  # share of each interval after the warm-up
    chat_type: np.ndarray  # per call type (and -1: last), whether it is a chat


def agent_time(d: _Day) -> AgentTime:
    """Busy time by the group that worked the leg (answered, or a dial not reached:
    the time spent trying), split over intervals; staffed, scheduled and the rest."""
    s, h, legs = d.scenario, d.scenario.horizon, d.legs
    n, n_groups = h.n_intervals, len(s.agent_groups)
    # A chat takes one of the agent's chat_max slots: it counts as that share of an
    # agent, so occupancy is the share of capacity in use (never above 1).
    chat_type, chat_max = d.fixed.chat_type, d.fixed.chat_max
    weight = None
    if chat_type.any():
        g_of = legs.group
        worked = ((legs.outcome == ANSWERED) | (legs.outcome == NOT_REACHED)) & (g_of >= 0)
        is_chat = chat_type[np.where(d.typed, legs.call_type, -1)][worked]
        if is_chat.any():
            begin = (legs.offered + legs.wait)[worked]
            end = begin + (legs.talk + legs.wrap)[worked]
            group = g_of[worked]
            weight = np.where(is_chat, 1.0 / chat_max[group], 1.0)
            busy_int = busy_by_interval(legs, begin, end, group, n_groups, h, h.start, weight)
            busy_grp = busy_by_interval(
                legs, begin, end, group, n_groups, h, d.counted_from, weight
            )
    if weight is None:  # every leg counts 1: both clips in one pass
        busy_int, busy_grp = legs.kernels.busy_worked(
            legs.offered,
            legs.wait,
            legs.talk,
            legs.wrap,
            legs.outcome,
            legs.group,
            n_groups,
            n,
            float(h.start),
            float(h.interval),
            float(h.start),
            float(d.counted_from),
            float(h.end),
        )

    def seconds(values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype=float).reshape(n_groups, n)

    staffed, scheduled = seconds(d.obs.staffed), seconds(d.obs.scheduled)
    on_break, absent = seconds(d.obs.on_break), seconds(d.obs.absent)
    paid = scheduled - seconds(d.obs.unpaid_break)
    return AgentTime(
        busy_int=busy_int,
        busy_grp=busy_grp.sum(1),
        staffed=staffed,
        scheduled=scheduled,
        on_break=on_break,
        absent=absent,
        paid=paid,
        # Busy time includes calls finished past a shift's end: so does utilization's
        # paid time (the floor time beyond the roster's, in the horizon, as busy is).
        paid_worked=paid + np.maximum(0.0, staffed - (scheduled - on_break - absent)),
        share=d.fixed.share,
        chat_type=chat_type,
    )


def staff_scopes(a: AgentTime, size: float, day: Table, per_int: Table) -> dict[str, np.ndarray]:
    """Staff KPIs of the day and per interval; returns the per group × interval table."""
    day.update(
        staff_kpis(
            np.atleast_1d(a.busy_grp.sum()),
            np.atleast_1d((a.staffed @ a.share).sum()),
            np.atleast_1d((a.scheduled @ a.share).sum()),
            np.atleast_1d((a.paid_worked @ a.share).sum()),
        )
    )
    per_int.update(
        staff_kpis(
            a.busy_int.sum(axis=0),
            a.staffed.sum(axis=0),
            a.scheduled.sum(axis=0),
            a.paid_worked.sum(0),
        )
    )
    per_gi = {
        "scheduled_agents": a.scheduled / size,
        "on_break_agents": a.on_break / size,
        "absent_agents": a.absent / size,
        "available_agents": a.staffed / size,
        "busy_agents": a.busy_int / size,
    }
    per_int.update({name: v.sum(axis=0) for name, v in per_gi.items()})
    per_gi["occupancy"] = div(a.busy_int, a.staffed)
    return per_gi


def group_kpis(d: _Day, a: AgentTime) -> tuple[Table, np.ndarray]:
    """Per agent group: staff, hours, legs answered, cost; and answered by call type."""
    s, legs = d.scenario, d.legs
    n_groups, n_types = len(s.agent_groups), len(s.call_types)
    per_grp = staff_kpis(
        a.busy_grp, a.staffed @ a.share, a.scheduled @ a.share, a.paid_worked @ a.share
    )
    overtime = np.asarray(d.obs.overtime, dtype=float).reshape(n_groups)
    paid_hours = (a.paid @ a.share + overtime) / 3600.0
    rate = d.fixed.rate
    per_grp.update(
        on_break_hours=(a.on_break @ a.share) / 3600.0,
        absent_hours=(a.absent @ a.share) / 3600.0,
        overtime_hours=overtime / 3600.0,
        paid_hours=paid_hours,
    )
    sums, by_type = legs.kernels.group_sums(
        legs.group,
        legs.outcome,
        legs.leg,
        d.counted,
        d.live,
        legs.call_type,
        legs.wait,
        legs.talk,
        legs.wrap,
        n_groups,
        n_types,
    )
    n_handled = sums[0]
    per_grp["answered"] = n_handled
    per_grp["aht_s"] = div(sums[1], n_handled)
    # per call of an outsourced group (NaN price: an in-house one)
    outsourced = ~np.isnan(d.fixed.price)
    per_grp["cost"] = np.where(outsourced, d.fixed.price0 * n_handled, paid_hours * rate)
    per_grp["callbacks_handled"] = sums[2]
    # A group's P(wait > 0): of the live legs it answered, those that waited at all.
    per_grp["p_wait"] = div(sums[4], sums[3])
    return per_grp, by_type
