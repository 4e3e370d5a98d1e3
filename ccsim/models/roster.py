"""The roster: each agent's shift, breaks and absences for one replication.

Staffing given as ``agents: N``, as a staffing line (``agents: [n, …]`` per
interval) or as shifts all become one `AgentPlan` per agent, so the model has a
single way to log agents in and out. Shrinkage (a fraction absent) is drawn here,
per shift and replication, from the "shrinkage" stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ccsim.kernels.staffing import add_time_py as add_time  # shared with the kernel
from ccsim.scenario.kinds.events import agents_away
from ccsim.scenario.model import Break, Scenario, Shift
from ccsim.streams import stream


@dataclass
class AgentPlan:
    """One agent's day: on shift ``[start, end)``; ``open_end`` agents stay to drain.

    ``breaks`` are (due time, length, paid); ``absences`` are (start, end) periods
    when the agent is away (explicit absence entries). ``absent_all_shift`` marks an
    agent removed by shrinkage: scheduled but never logs in.
    """

    group: int
    start: float
    end: float
    open_end: bool = False
    breaks: list[tuple[float, float, bool]] = field(default_factory=list)
    absences: list[tuple[float, float]] = field(default_factory=list)
    absent_all_shift: bool = False


def _break_times(b: Break, n_agents: int) -> list[float]:
    """Due time of the break for each of a shift's agents (staggered over a window)."""
    if b.window_end is None:
        return [b.start] * n_agents
    span = b.window_end - b.length - b.start
    return [b.start + span * i / n_agents for i in range(n_agents)]


def _line_shifts(counts: tuple[int, ...], start: float, interval: float) -> list[Shift]:
    """A staffing line as shifts: agent j works every run of intervals where count > j."""
    shifts = []
    top = max(counts, default=0)
    for j in range(top):
        on = [c > j for c in counts]
        i = 0
        while i < len(on):
            if on[i]:
                k = i
                while k < len(on) and on[k]:
                    k += 1
                shifts.append(Shift(start + i * interval, start + k * interval, 1))
                i = k
            else:
                i += 1
    return shifts


def build_roster(scenario: Scenario, seed: int, replication: int) -> list[AgentPlan]:
    """Every agent of every group, with shrinkage drawn for this replication."""
    h = scenario.horizon
    plans: list[AgentPlan] = []
    shift_index = 0
    for g, group in enumerate(scenario.agent_groups):
        if group.shifts:
            shifts = list(group.shifts)
        elif group.agents_per_interval is not None:
            shifts = _line_shifts(group.agents_per_interval, h.start, h.interval)
        else:
            shifts = [Shift(h.start, h.end, group.agents)]
        for shift in shifts:
            absent = 0
            if group.shrinkage > 0 and shift.agents > 0:
                rng = stream(seed, replication, "shrinkage", shift_index)
                absent = int(rng.binomial(shift.agents, group.shrinkage))
            shift_index += 1
            due = [_break_times(b, shift.agents) for b in shift.breaks]
            for a in range(shift.agents):
                plans.append(
                    AgentPlan(
                        group=g,
                        start=shift.start,
                        end=shift.end,
                        # Agents on duty at the end of the horizon stay until the
                        # queues they serve are empty (the drain).
                        open_end=shift.end >= h.end,
                        breaks=[(due[i][a], b.length, b.paid) for i, b in enumerate(shift.breaks)],
                        absent_all_shift=a >= shift.agents - absent,
                    )
                )
    _assign_absences(scenario, plans)
    return plans


def _assign_absences(scenario: Scenario, plans: list[AgentPlan]) -> None:
    """Explicit absences take agents on shift over the whole period, last listed
    first; so do group outages (a count) and absenteeism spikes (a fraction of the
    agents on shift then, rounded)."""
    names = [g.name for g in scenario.agent_groups]
    away: list[tuple[str, float, float, int, float | None]] = [
        (a.group, a.start, a.end, a.agents, None) for a in scenario.absences
    ]
    away += agents_away(scenario.events)
    for group, start, end, count, fraction in away:
        g = names.index(group)
        if fraction is None:  # a count: agents on shift over the whole period
            candidates = [
                p
                for p in reversed(plans)
                if p.group == g and not p.absent_all_shift and p.start <= start and p.end >= end
            ]
        else:  # a fraction of everyone on shift during the period, for their overlap
            candidates = [
                p
                for p in reversed(plans)
                if p.group == g and not p.absent_all_shift and p.start < end and p.end > start
            ]
            count = int(round(fraction * len(candidates)))
        for p in candidates[:count]:
            p.absences.append((max(start, p.start), min(end, p.end)))


def scheduled_time(scenario: Scenario, plans: list[AgentPlan]) -> np.ndarray:
    """Rostered agent-seconds per (group, interval), absent agents included."""
    h = scenario.horizon
    out = np.zeros((len(scenario.agent_groups), h.n_intervals))
    for p in plans:
        add_time(out[p.group], p.start, p.end, h.start, h.interval)
    return out
