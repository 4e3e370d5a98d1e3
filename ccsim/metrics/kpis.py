"""All KPIs of one replication (`replication_kpis`), from its `Observations`.

The conventions (which legs count, where they belong, warm-up, agent time, cost)
are those of the package docstring, `ccsim.metrics`. The per-leg passes run in
compiled kernels (`ccsim.metrics.aggregate`); this module puts the scopes together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.metrics.agents import agent_time, group_kpis, staff_scopes
from ccsim.metrics.aggregate import (
    behaviour_kpis,
    call_kpis,
    columns,
    div,
    ivr_kpis,
    outbound_kpis,
)
from ccsim.metrics.day import _Day
from ccsim.metrics.names import (
    CALLBACK_KPIS,
    GROUP_KPIS,
    HOURS_KPIS,
    RETRIAL_KPIS,
    STAFF_KPIS,
    TRANSFER_KPIS,
)
from ccsim.observations import OUTBOUND, Observations

if TYPE_CHECKING:
    from ccsim.scenario.model import Scenario

__all__ = ["replication_kpis", "replication_row"]

Table = dict[str, np.ndarray]
BEHAVIOUR_KPIS = frozenset((*RETRIAL_KPIS, *TRANSFER_KPIS, *CALLBACK_KPIS))


def _call_scopes(d: _Day) -> tuple[Table, Table, Table, Table]:
    """Call KPIs of live legs (per attempt), ``max_queue`` included: for the day, per
    interval, per call type and per type × interval."""
    from ccsim.kernels.queue_lengths import live_queue_maxima

    sl = d.scenario.service_level
    n, n_types = d.scenario.horizon.n_intervals, len(d.scenario.call_types)
    legs, ct = d.legs, d.legs.call_type
    zero = d.zero

    day, per_int = call_kpis(
        legs, ((zero, 1, d.counted & d.live), (d.interval, n, d.live)), sl.threshold, sl.definition
    )
    if d.one_type:  # the type's legs are the day's, its intervals the day's intervals
        per_type, per_ti = dict(day), dict(per_int)
    else:
        type_interval = np.maximum(ct, 0) * n + d.interval
        per_type, per_ti = call_kpis(
            legs,
            (
                (ct, n_types, d.counted & d.typed & d.live),
                (type_interval, n_types * n, d.typed & d.live),
            ),
            sl.threshold,
            sl.definition,
        )
    # Callbacks wait in no live queue; an untyped call is never in a queue.
    whole, by_type = live_queue_maxima(
        legs.offered,
        legs.offered + legs.wait,
        ct,  # negative: untyped, in the whole queue only
        n_types,
        np.array([d.counted_from]),
        d.starts,
        sel=d.live & ~np.isnan(legs.offered),
    )
    day["max_queue"] = whole[0][0]
    per_int["max_queue"] = whole[1][0]
    per_type["max_queue"] = by_type[0][:, 0]
    per_ti["max_queue"] = by_type[1].reshape(n_types * n)
    return day, per_int, per_type, per_ti


def _ivr_and_outbound(d: _Day, day: Table, per_int: Table) -> None:
    """IVR figures by arrival, outbound dials by the time of the dial."""
    n = d.scenario.horizon.n_intervals
    zero, every, after, by_arrival = d.zero, d.every, d.after, d.by_arrival
    no_ivr = not np.asarray(d.obs.via_ivr).any()
    no_dial = not (d.legs.leg == OUTBOUND).any()
    day.update(ivr_kpis(d.obs, zero, 1, after, no_ivr))
    per_int.update(ivr_kpis(d.obs, by_arrival, n, every, no_ivr))
    day.update(outbound_kpis(d.legs, zero, 1, after, d.fixed.day_hours, no_dial))
    per_int.update(outbound_kpis(d.legs, by_arrival, n, every, d.fixed.interval_hours, no_dial))


def _day_summary(d: _Day, day: Table, per_grp: Table, chat_type: np.ndarray) -> dict[str, float]:
    """The day's figures: call, staff and behaviour KPIs, hours and cost."""
    s, legs = d.scenario, d.legs
    summary = columns(day, 1)[0]
    summary.update({name: float(per_grp[name].sum()) for name in HOURS_KPIS})
    # A live leg holds the caller's line in the IVR, the queue and talk; a leg the
    # center dials (callback, outbound) only while talking to the customer reached.
    line = legs.kernels.line_seconds(
        legs.leg,
        legs.outcome,
        legs.talk,
        legs.wait,
        np.ascontiguousarray(d.obs.ivr_time, dtype=np.float64),
        d.counted,
        legs.call_type,
        chat_type,
    )
    outsourced = d.fixed.outsourced
    agent_cost = float(per_grp["cost"][~outsourced].sum())
    outsourced_cost = float(per_grp["cost"][outsourced].sum())
    telecom_cost = float(np.sum(line) / 60.0 * s.costs.telecom_minute)
    cost = agent_cost + outsourced_cost + telecom_cost
    summary.update(
        agent_cost=agent_cost,
        telecom_cost=telecom_cost,
        cost=cost,
        cost_per_call=float(div(cost, summary["answered"] + summary["callbacks_completed"])),
        outsourced_cost=outsourced_cost,
    )
    return summary


def _interval_events(scenario: Scenario, starts: np.ndarray, size: float) -> list[list[str]]:
    """Per interval, the labels of the scenario's events whose ``[start, end)`` overlaps it."""
    events = getattr(scenario, "events", ()) or ()
    return [
        [str(ev.label or ev.kind) for ev in events if ev.start < s + size and ev.end > s]
        for s in starts.tolist()
    ]


def replication_kpis(obs: Observations, scenario: Scenario) -> dict[str, Any]:
    """All KPIs of one replication.

    Returns::

        {"summary": {kpi: float},
         "by_interval": [{"start": "HH:MM", kpi: float}, ...],
         "by_call_type": {name: {kpi: float}},
         "by_call_type_interval": {name: [{"start": "HH:MM", kpi: float}, ...]},
         "by_agent_group": {name: {kpi: float, "answered_by_type": {type: float}}},
         "by_agent_group_interval": {name: [{"start": "HH:MM", kpi: float}, ...]}}

    KPI names: ``summary`` has `CALL_KPIS`, `IVR_KPIS`, `STAFF_KPIS`, `HOURS_KPIS`
    and `COST_KPIS`; ``by_interval`` `CALL_KPIS`, `IVR_KPIS`, `STAFF_KPIS` and
    `AGENT_KPIS` (all groups), and ``"events"`` (a list of labels); ``by_call_type``
    and ``by_call_type_interval`` (the queue's own interval table: every interval,
    warm-up included) `CALL_KPIS`; ``by_agent_group`` `STAFF_KPIS`, `HOURS_KPIS`
    and `GROUP_KPIS`; ``by_agent_group_interval`` `GROUP_INTERVAL_KPIS`, one entry
    per interval. `CALL_KPIS` include the figures of redials, transfers and
    callbacks (`RETRIAL_KPIS`, `TRANSFER_KPIS`, `CALLBACK_KPIS`).
    """
    return _assemble(_tables(obs, scenario))


def replication_row(obs: Observations, scenario: Scenario) -> np.ndarray:
    """The numbers of `replication_kpis`, in its order, as one float64 row (what
    ``KpiLayout.flatten`` gives of it), without building the document."""
    t = _tables(obs, scenario)
    s = t.day.scenario
    n, n_types, n_groups = s.horizon.n_intervals, len(s.call_types), len(s.agent_groups)

    def matrix(table: Table, k: int) -> np.ndarray:  # one row per scope entry
        return np.array(list(table.values()), dtype=float).reshape(len(table), k).T

    group = [
        t.by_type.astype(float) if name == "answered_by_type" else t.per_grp[name][:, None]
        for name in (*STAFF_KPIS, *HOURS_KPIS, *GROUP_KPIS)
    ]
    parts = [
        np.array(list(t.summary.values()), dtype=float),
        matrix(t.per_int, n).ravel(),
        matrix(t.per_type, n_types).ravel(),
        matrix(t.per_ti, n_types * n).ravel(),
        np.hstack(group).reshape(n_groups, -1).ravel(),
        np.stack(list(t.per_gi.values()), axis=-1).ravel(),
    ]
    return np.concatenate(parts)


@dataclass
class _Tables:
    """One replication's KPIs, per scope, before they are laid out."""

    day: _Day
    summary: dict[str, float]
    per_int: Table
    per_type: Table
    per_ti: Table
    per_grp: Table
    by_type: np.ndarray
    per_gi: Table


def _tables(obs: Observations, scenario: Scenario) -> _Tables:
    d = _Day.of(obs, scenario)
    h = scenario.horizon
    n, n_types = h.n_intervals, len(scenario.call_types)
    day, per_int, per_type, per_ti = _call_scopes(d)
    _ivr_and_outbound(d, day, per_int)
    a = agent_time(d)
    per_gi = staff_scopes(a, h.interval, day, per_int)
    # Redials, transfers, callbacks (per caller: where its FIRST leg belongs).
    zero, every = d.zero, d.every
    day_b, int_b = behaviour_kpis(d.legs, ((zero, 1, d.counted), (d.interval, n, every)))
    day.update(day_b)
    per_int.update(int_b)
    if d.one_type:
        per_type.update({k: v for k, v in day.items() if k in BEHAVIOUR_KPIS})
        per_ti.update({k: v for k, v in per_int.items() if k in BEHAVIOUR_KPIS})
    else:
        type_interval = np.maximum(d.legs.call_type, 0) * n + d.interval
        type_b, ti_b = behaviour_kpis(
            d.legs,
            (
                (d.legs.call_type, n_types, d.counted & d.typed),
                (type_interval, n_types * n, d.typed),
            ),
        )
        per_type.update(type_b)
        per_ti.update(ti_b)
    per_grp, by_type = group_kpis(d, a)
    summary = _day_summary(d, day, per_grp, a.chat_type)
    return _Tables(d, summary, per_int, per_type, per_ti, per_grp, by_type, per_gi)


def _assemble(t: _Tables) -> dict[str, Any]:
    """The nested dict of `replication_kpis` from the per-scope tables."""
    d, per_int, per_type, per_ti, per_grp = t.day, t.per_int, t.per_type, t.per_ti, t.per_grp
    s, labels = d.scenario, d.labels
    n, n_types = s.horizon.n_intervals, len(s.call_types)
    events = _interval_events(s, d.starts, s.horizon.interval)
    type_names = [ct.name for ct in s.call_types]
    groups = columns(per_grp, len(s.agent_groups))
    ti = columns(per_ti, n_types * n)
    by_type_rows = t.by_type.astype(float).tolist()

    def group_entry(g: int) -> dict[str, Any]:
        row: dict[str, Any] = groups[g]
        row["answered_by_type"] = dict(zip(type_names, by_type_rows[g], strict=True))
        return {name: row[name] for name in (*STAFF_KPIS, *HOURS_KPIS, *GROUP_KPIS)}

    def rows(table: list[dict[str, float]]) -> list[dict[str, Any]]:
        return [{"start": labels[i], **table[i]} for i in range(n)]

    gi = {k: v.tolist() for k, v in t.per_gi.items()}
    return {
        "summary": t.summary,
        "by_interval": [
            {"start": labels[i], **row, "events": events[i]}
            for i, row in enumerate(columns(per_int, n))
        ],
        "by_call_type": dict(zip(type_names, columns(per_type, n_types), strict=True)),
        "by_call_type_interval": {
            name: rows(ti[c * n : (c + 1) * n]) for c, name in enumerate(type_names)
        },
        "by_agent_group": {g.name: group_entry(i) for i, g in enumerate(s.agent_groups)},
        "by_agent_group_interval": {
            g.name: [{"start": labels[i], **{k: v[j][i] for k, v in gi.items()}} for i in range(n)]
            for j, g in enumerate(s.agent_groups)
        },
    }
