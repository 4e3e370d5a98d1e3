"""The roster a planner builds day by day with fixed days off (逐日排班基线): what the
weekly integer program is compared with.

1. **Each day alone.** The one-day program (`ccsim.planning.scheduling.solve_schedule`)
   gives the cheapest shifts of every open day; its agents per template are counted
   to the contract that first lists the template.
2. **Days off fixed.** For each contract, the fewest agent-days (then agents) whose
   working days — a pattern's phases, or any set of days its rules allow — give
   every day at least the agents step 1 found (a small integer program).
3. **Shifts day by day.** With every agent's days fixed, each day in turn is
   solved (the weekly program, the earlier days' shifts fixed, the later days'
   requirement left out, so the weekly hours and rest stay reachable), and its
   shifts are kept.

Step 3 can fail where the day optima of step 1 do not fit the weekly rules; the
baseline is then None and a note says why.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ccsim.planning.scheduling import solve_schedule
from ccsim.planning.week_classes import week_classes
from ccsim.planning.week_problem import WeekProblem
from ccsim.planning.week_program import build_program
from ccsim.planning.week_roster import WeekRoster, solve_week
from ccsim.planning.week_rules import Contract
from ccsim.scenario.errors import ScenarioError

__all__ = ["day_by_day_baseline"]


def day_by_day_baseline(
    problem: WeekProblem, time_limit: float = 60.0
) -> tuple[WeekRoster | None, str]:
    """The baseline roster (None if it cannot be built) and a note on how it was made."""
    try:
        need = _day_needs(problem, time_limit)
        fixed: dict = {"sets": {}, "v": {}}
        for c in problem.rules.contracts:
            fixed["sets"] |= _fix_days_off(problem, c, need[c.name])
        roster = None
        keys = list(build_program(problem).v)
        for dp in problem.open_days:
            roster = solve_week(_up_to(problem, dp.index), time_limit, 0.0, fixed)
            fixed["v"] |= {key: n for key, n in roster.values.items() if key[1] == dp.index}
            fixed["v"] |= {
                key: 0 for key in keys if key[1] == dp.index and key not in roster.values
            }
    except ScenarioError as err:
        return None, f"no day-by-day roster with fixed days off: {err.message}"
    return roster, "each day solved alone, days off fixed to cover it, then shifts day by day"


def _day_needs(problem: WeekProblem, time_limit: float) -> dict[str, list[int]]:
    """Agents per contract and day in the day-alone optimum."""
    owner = {}
    for c in problem.rules.contracts:
        for t in c.templates:
            owner.setdefault(t, c.name)
    need = {c.name: [0] * len(problem.days) for c in problem.rules.contracts}
    for dp in problem.open_days:
        usable = dataclasses.replace(
            dp.problem, options=[o for o in dp.problem.options if o.template.name in owner]
        )
        schedule = solve_schedule(usable, problem.templates, time_limit, 0.0)
        for s in schedule.shifts:
            need[owner[s.template]][dp.index] += s.agents
    return need


def _fix_days_off(problem: WeekProblem, c: Contract, need: list[int]) -> dict:
    """Agents of ``c`` with fixed working days covering ``need`` per day: fewest
    agent-days, then fewest agents."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    sets = list(dict.fromkeys(cls.days for cls in week_classes(c, problem)))
    if not sets or not any(need):
        return {}
    a = np.array([[1.0 if s[d] else 0.0 for s in sets] for d in range(len(problem.days))])
    cost = np.array([sum(s) + 1e-3 for s in sets])
    res = milp(
        cost,
        constraints=[LinearConstraint(a, np.array(need, float), np.inf),
                     LinearConstraint(np.ones((1, len(sets))), 0, c.max_agents)],
        integrality=np.ones(len(sets)),
        bounds=Bounds(0, c.max_agents),
    )  # fmt: skip
    if res.x is None:
        raise problem.templates.error(
            f"contract {c.name}: its {c.max_agents} agents cannot work the days the day-by-day"
            f" optimum needs ({need})",
            ("week", "contracts", c.name, "max"),
        )
    counts = np.round(res.x).astype(int)
    return {(c.name, days): int(n) for days, n in zip(sets, counts, strict=True) if n}


def _up_to(problem: WeekProblem, day: int) -> WeekProblem:
    """``problem`` with the requirement of the days after ``day`` left out."""
    days = []
    for dp in problem.days:
        if dp.problem is not None and dp.index > day:
            quiet = dataclasses.replace(dp.problem, need=np.zeros_like(dp.problem.need))
            dp = dataclasses.replace(dp, problem=quiet)
        days.append(dp)
    return dataclasses.replace(problem, days=days)
