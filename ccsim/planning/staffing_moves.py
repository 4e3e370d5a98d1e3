"""The moves of the staffing search (`ccsim.planning.staffing`): the Erlang start as
staffing lines, which groups can help an interval, adding agents where intervals
miss (from the group that helps most per unit of cost), and which removed agents go
back (`_blame`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from ccsim.planning.erlang_start import erlang_agents, type_rates
from ccsim.planning.staffing_goal import StaffingGoal
from ccsim.scenario.model import Scenario


def _erlang_lines(
    loads: dict[str, dict], names: list[str], n: int, goal: StaffingGoal
) -> np.ndarray:
    """The Erlang start: agents per (group, interval)."""
    return np.array(
        [
            [
                erlang_agents(
                    float(loads[g]["lam"][i]),
                    float(loads[g]["aht"][i]),
                    float(loads[g]["patience"][i]),
                    goal,
                )
                for i in range(n)
            ]
            for g in names
        ],
        dtype=int,
    )


def _helpers(scenario: Scenario, names: list[str]) -> list[list[int]]:
    """Per interval, the groups that can help it: they answer a type with calls in it
    (or just before)."""
    rates = type_rates(scenario)
    skills = [set(next(a for a in scenario.agent_groups if a.name == g).skills) for g in names]
    busy_types = rates > 0
    busy_types[:, 1:] |= rates[:, :-1] > 0
    return [
        [
            k
            for k, sk in enumerate(skills)
            if any(busy_types[c, i] for c, ct in enumerate(scenario.call_types) if ct.name in sk)
        ]
        for i in range(scenario.horizon.n_intervals)
    ]


def _add(s, missed, a, floor, up, helpers, has_load, searched, cost, simulate) -> np.ndarray:
    """More agents in every missed interval (from the group that helps most per cost;
    ``up`` of them, doubled while the interval keeps missing), and one more in the
    interval before it when that left it a backlog."""
    s = s.copy()
    choice: dict[int, int] = {}
    contested = {i: helpers[i] for i in missed if len(helpers[i]) > 1}
    gains: dict[int, np.ndarray] = {}
    for k in sorted({k for ks in contested.values() for k in ks}):
        trial = s.copy()
        for i, ks in contested.items():
            if k in ks:
                trial[k, i] += 1
        gains[k] = a.shortfall - simulate(trial)[1].shortfall
    for i in missed:
        ks = helpers[i] or [int(np.argmax(has_load[:, i]))]
        if len(ks) == 1:
            choice[i] = ks[0]
        else:  # best gain per cost; with no measurable gain, the cheapest
            choice[i] = max(ks, key=lambda k: (gains[k][i] / cost[k], -cost[k]))
    b = a.backlog
    for i, k in choice.items():
        floor[k, i] = max(floor[k, i], s[k, i] + 1)  # this many missed: at least one more
        s[k, i] += up[k, i]
        up[k, i] *= 2
        if i > 0 and searched[i - 1] and b[i] >= 1.0 and b[i] >= b[i + 1] + 1.0:
            s[k, i - 1] += 1
    for i in range(s.shape[1]):
        if i not in choice:
            up[:, i] = 1
    return s


def _blame(tried: list[int], failed: list[int]) -> list[int]:
    """The intervals whose removed agent goes back: each failed interval blames its own
    removal, else the previous interval's, else the next one's, else the nearest."""
    kept: set[int] = set()
    for j in failed:
        for k in (j, j - 1, j + 1):
            if k in tried:
                kept.add(k)
                break
        else:
            kept.add(min(tried, key=lambda k: abs(k - j)))
    return sorted(kept)


def _agent_cost(scenario: Scenario, name: str) -> float:
    g = next(a for a in scenario.agent_groups if a.name == name)
    rate = scenario.costs.agent_hour if g.agent_hour is None else g.agent_hour
    if all(
        (scenario.costs.agent_hour if a.agent_hour is None else a.agent_hour) == 0
        for a in scenario.agent_groups
    ):
        return 1.0  # no costs given: count agents
    return max(rate, 1e-9)


def _with_lines(scenario: Scenario, names: Sequence[str], s: np.ndarray) -> Scenario:
    """``scenario`` with groups ``names`` staffed by the staffing lines ``s``."""
    lines = {g: tuple(int(x) for x in s[k]) for k, g in enumerate(names)}
    groups = tuple(
        dataclasses.replace(g, agents=0, agents_per_interval=lines[g.name], shifts=())
        if g.name in lines
        else g
        for g in scenario.agent_groups
    )
    return dataclasses.replace(scenario, agent_groups=groups)
