"""The roster: each agent's shift, breaks and absences for one replication.

Staffing given as ``agents: N``, as a staffing line (``agents: [n, …]`` per
interval) or as shifts all become one `AgentPlan` per agent, so the model has a
single way to log agents in and out. Shrinkage (a fraction absent) is drawn here,
per shift and replication, from the "shrinkage" stream.

What depends on the scenario alone (the agents, their shifts and breaks, who
could be taken by each absence) is worked out once per scenario
(`roster_template`); a replication only draws its shrinkage (`absent_all_shift`)
and picks the agents each absence takes (`absences`). `build_roster` makes the
plans of both; the compiled engine reads the same two as arrays
(`ccsim.models.pack_staff.staff_arrays`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ccsim.kernels.staffing import add_time_py as add_time  # shared with the kernel
from ccsim.scenario.kinds.events import agents_away
from ccsim.scenario.memo import per_scenario
from ccsim.scenario.model import AgentGroup, Break, Scenario, Shift
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


#: An agent's plan before the draws: group, start, end, open end, breaks.
_Plan = tuple[int, float, float, bool, tuple[tuple[float, float, bool], ...]]


@dataclass(frozen=True)
class RosterTemplate:
    """A scenario's roster before its replication's draws.

    ``plans``: per agent (group, start, end, open end, breaks), the fields of its
    `AgentPlan` as the scenario gives them; ``group``/``start``/``end`` the same as
    arrays. ``shrink``: per shift with shrinkage, (its stream index, first agent's
    row, agents, shrinkage); its last agents are the ones absent. ``away``: per
    absence, group outage or absenteeism spike in order, (the rows it could take
    before shrinkage, start, end, count, fraction or None).
    """

    plans: tuple[_Plan, ...]
    group: np.ndarray
    start: np.ndarray
    end: np.ndarray
    shrink: tuple[tuple[int, int, int, float], ...]
    away: tuple[tuple[np.ndarray, float, float, int, float | None], ...]


def _group_shifts(scenario: Scenario, group: AgentGroup) -> list[Shift]:
    """A group's shifts: as given, from its staffing line, or all day."""
    h = scenario.horizon
    if group.shifts:
        return list(group.shifts)
    if group.agents_per_interval is not None:
        return _line_shifts(group.agents_per_interval, h.start, h.interval)
    return [Shift(h.start, h.end, group.agents)]


@per_scenario
def roster_template(scenario: Scenario) -> RosterTemplate:
    """Every agent of every group with its shift and breaks (`RosterTemplate`)."""
    h = scenario.horizon
    plans: list[_Plan] = []
    shrink = []
    shift_index = 0
    for g, group in enumerate(scenario.agent_groups):
        for shift in _group_shifts(scenario, group):
            if group.shrinkage > 0 and shift.agents > 0:
                shrink.append((shift_index, len(plans), shift.agents, group.shrinkage))
            shift_index += 1
            due = [_break_times(b, shift.agents) for b in shift.breaks]
            # Agents on duty at the end of the horizon stay until the queues they
            # serve are empty (the drain).
            open_end = shift.end >= h.end
            for a in range(shift.agents):
                breaks = tuple((due[i][a], b.length, b.paid) for i, b in enumerate(shift.breaks))
                plans.append((g, shift.start, shift.end, open_end, breaks))
    group_of = np.array([p[0] for p in plans], dtype=np.int64)
    start = np.array([p[1] for p in plans], dtype=np.float64)
    end = np.array([p[2] for p in plans], dtype=np.float64)
    return RosterTemplate(
        tuple(plans), group_of, start, end, tuple(shrink), _away(scenario, group_of, start, end)
    )


def _away(scenario: Scenario, group, start, end) -> tuple:
    """Explicit absences, group outages (a count: agents on shift over the whole
    period) and absenteeism spikes (a fraction of everyone on shift during the
    period, for their overlap), in order, with the agents each could take."""
    names = [g.name for g in scenario.agent_groups]
    away: list[tuple[str, float, float, int, float | None]] = [
        (a.group, a.start, a.end, a.agents, None) for a in scenario.absences
    ]
    away += agents_away(scenario.events)
    out = []
    for name, t0, t1, count, fraction in away:
        whole = fraction is None  # on shift over the whole period, else at some time in it
        could = ((start <= t0) & (end >= t1)) if whole else ((start < t1) & (end > t0))
        could &= group == names.index(name)
        could.flags.writeable = False
        out.append((could, t0, t1, count, fraction))
    return tuple(out)


def absent_all_shift(scenario: Scenario, seed: int, replication: int) -> np.ndarray:
    """Per agent, whether shrinkage keeps it away all shift in this replication: of
    each shift's agents, the last ones, as many as drawn from the "shrinkage" stream."""
    template = roster_template(scenario)
    absent = np.zeros(len(template.plans), dtype=bool)
    for index, lo, agents, shrinkage in template.shrink:
        rng = stream(seed, replication, "shrinkage", index)
        n = int(rng.binomial(agents, shrinkage))
        absent[lo + agents - n : lo + agents] = True
    return absent


def absences(scenario: Scenario, absent: np.ndarray) -> list[tuple[int, float, float]]:
    """The absences of this replication, in the order they are given to the agents:
    (agent's row, start, end). Each takes agents present (not absent all shift, by
    ``absent``), last listed first; a spike takes its fraction of them, rounded."""
    template = roster_template(scenario)
    out = []
    for could, t0, t1, count, fraction in template.away:
        rows = np.flatnonzero(could & ~absent)[::-1]
        if fraction is not None:
            count = int(round(fraction * len(rows)))
        for p in rows[:count].tolist():
            _, start, end, _, _ = template.plans[p]
            out.append((p, max(t0, start), min(t1, end)))
    return out


def build_roster(scenario: Scenario, seed: int, replication: int) -> list[AgentPlan]:
    """Every agent of every group, with shrinkage drawn for this replication."""
    template = roster_template(scenario)
    absent = absent_all_shift(scenario, seed, replication)
    plans = [
        AgentPlan(g, start, end, open_end, list(breaks), [], away)
        for (g, start, end, open_end, breaks), away in zip(
            template.plans, absent.tolist(), strict=True
        )
    ]
    for p, t0, t1 in absences(scenario, absent):
        plans[p].absences.append((t0, t1))
    return plans


def scheduled_time(scenario: Scenario, plans: list[AgentPlan]) -> np.ndarray:
    """Rostered agent-seconds per (group, interval), absent agents included."""
    h = scenario.horizon
    out = np.zeros((len(scenario.agent_groups), h.n_intervals))
    for p in plans:
        add_time(out[p.group], p.start, p.end, h.start, h.interval)
    return out
