"""The requirement shift scheduling covers: agents a group needs per interval, from
``ccsim staff``'s simulation-based staffing, from Erlang C / A, or from a CSV file;
grossed up for shrinkage and absences when it counts agents on the floor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ccsim.planning.erlang_start import erlang_agents, group_loads
from ccsim.planning.requirement import read_requirement as read_table
from ccsim.planning.shift_templates import ShiftTemplates
from ccsim.planning.staffing_goal import StaffingGoal
from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.kinds.events import agents_away
from ccsim.scenario.model import AgentGroup, Scenario

if TYPE_CHECKING:
    from ccsim.batch.parallel import Backend


def erlang_requirement(scenario: Scenario, group: str) -> np.ndarray:
    """Agents ``group`` needs on the floor per planning interval by Erlang C (no
    patience) or Erlang A (callers abandon), each interval's offered load taken on its
    own: the Erlang start of `ccsim.planning.staffing` (its share of the load of the call types
    it answers first, IVR callers included)."""
    _group(scenario, group)
    load = group_loads(scenario, [group])[group]
    goal = StaffingGoal.of(scenario)
    return np.array(
        [
            erlang_agents(float(lam), float(aht), float(patience), goal)
            for lam, aht, patience in zip(load["lam"], load["aht"], load["patience"], strict=True)
        ],
        dtype=int,
    )


#: How `interval_requirement` finds the requirement.
REQUIREMENTS = ("simulated", "erlang")


#: The note of an Erlang requirement (agents on the floor, not scheduled agents).
ERLANG_SOURCE = "Erlang C / A per interval"


def interval_requirement(
    scenario: Scenario,
    group: str,
    how: str = "simulated",
    *,
    replications: int | None = None,
    seed: int | None = None,
    engine: str | None = None,
    backend: Backend | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[np.ndarray, str]:
    """The agents ``group`` needs on the floor per interval when no requirement is
    given, and a note of where it comes from: ``simulated`` — the simulation-based
    staffing of `ccsim.planning.staffing` (``ccsim staff``: Erlang corrected by simulation, on
    the scenario's SL target), or ``erlang`` — Erlang C / A per interval
    (`erlang_requirement`)."""
    if how == "erlang":
        return erlang_requirement(scenario, group), ERLANG_SOURCE
    if how != "simulated":
        raise ValueError(f"unknown requirement {how!r}; allowed: {', '.join(REQUIREMENTS)}")
    from ccsim.planning.staffing import find_staffing

    _group(scenario, group)
    reps = replications if replications is not None else scenario.replications
    found = find_staffing(
        scenario,
        replications=reps,
        seed=seed,
        engine=engine,
        backend=backend,
        progress=progress,
    )
    table = found.requirement()
    rows = table[table["group"] == group]
    note = (
        f"simulation-based staffing (ccsim staff: {reps} replications, seed {found.seed}"
        f"{'' if found.converged else ', not converged'})"
    )
    return rows["required_agents"].to_numpy(dtype=int), note


def read_requirement(path: str | Path, scenario: Scenario, group: str) -> np.ndarray:
    """Agents ``group`` requires per interval, from a requirement CSV as
    `ccsim.planning.staffing.read_requirement` reads it (``ccsim staff``'s staffing.csv, or any
    file with columns ``start`` and ``required_agents`` or ``agents``, optionally
    ``group``; without a group column the file is the group's). Fractions round up."""
    table = read_table(path, scenario)
    rows = table[table["group"].isin([group, ""])]
    if rows.empty:
        named = ", ".join(sorted(set(table["group"])))
        raise ScenarioError(f"has no rows for group {group!r} (it has {named})", file=str(path))
    return np.ceil(rows["required_agents"].to_numpy(dtype=float) - 1e-9).astype(int)


def planned_requirement(
    scenario: Scenario, group: str, required: np.ndarray, on_floor: bool = True
) -> np.ndarray:
    """Agents to schedule per interval. A requirement of agents ``on_floor`` (Erlang's)
    is grossed up for the group's shrinkage (``ceil(r / (1 - shrinkage))``) plus the
    agents its absences and group outages take away then; a requirement of scheduled
    agents (``ccsim staff``'s, found by simulating them with shrinkage and absences)
    is kept as it is."""
    if not on_floor:
        return np.asarray(required, dtype=int).copy()
    g = _group(scenario, group)
    h = scenario.horizon
    out = np.ceil(np.asarray(required, dtype=float) / (1.0 - g.shrinkage) - 1e-9).astype(int)
    away = [(a.start, a.end, a.agents) for a in scenario.absences if a.group == group]
    away += [  # the events' counts (group outages), not their fractions
        (start, end, n)
        for name, start, end, n, fraction in agents_away(scenario.events)
        if name == group and fraction is None
    ]
    for i, t in enumerate(h.interval_starts()):
        out[i] += sum(n for start, end, n in away if start < t + h.interval and end > t)
    return out


def _group(scenario: Scenario, group: str) -> AgentGroup:
    for g in scenario.agent_groups:
        if g.name == group:
            return g
    names = ", ".join(g.name for g in scenario.agent_groups)
    raise ScenarioError(f"no agent group {group!r}; agent groups: {names}", file=scenario.source)


def choose_group(scenario: Scenario, templates: ShiftTemplates, group: str | None) -> str:
    """The group to schedule: ``group`` (``--group``), else the templates file's, else
    the scenario's only group."""
    name = group or templates.group
    if name is None:
        if len(scenario.agent_groups) > 1:
            names = ", ".join(g.name for g in scenario.agent_groups)
            raise ScenarioError(
                f"the scenario has {len(scenario.agent_groups)} agent groups ({names}): say which"
                " to schedule with --group NAME or group: in the templates file",
                file=scenario.source,
            )
        return scenario.agent_groups[0].name
    _group(scenario, name)
    return name
