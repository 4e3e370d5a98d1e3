"""The roster a planner builds day by day with fixed days off (逐日排班基线): what the
weekly integer program is compared with.

1. **Each day alone.** Each open day is solved on its own (the weekly program on a
   one-day week, the contracts' templates but no weekly rule, each contract's agents
   capped at its average day: agents × most working days ÷ open days): the cheapest
   shifts of that day, and the agents of each contract they take.
2. **Days off fixed.** For each contract, the fewest agent-days (then agents) whose
   working days — a pattern's phases, or any set of days its rules allow — give
   every day at least the agents step 1 found (a small integer program).
3. **Shifts day by day.** With every agent's days fixed, each day in turn is
   solved (the weekly program, the earlier days' shifts fixed, the later days'
   requirement left out, so the weekly hours and rest stay reachable), and its
   shifts are kept.

Step 3 can get stuck where the earlier days' shifts leave a later day no agent
with enough rest or weekly hours; the shifts of the week are then solved together,
the days off still fixed (the note says so). Step 2 can fail where the day optima
do not fit the weekly rules at all; the baseline is then None and a note says why.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ccsim.planning.week_classes import week_classes
from ccsim.planning.week_problem import WeekProblem
from ccsim.planning.week_program import build_program
from ccsim.planning.week_roster import WeekRoster, solve_week
from ccsim.planning.week_rules import Contract, most_days
from ccsim.scenario.errors import ScenarioError

__all__ = ["day_by_day_baseline"]


#: At most this many extra agents a day per contract when fixed days off leave no rest.
MAX_MARGIN = 4


def day_by_day_baseline(
    problem: WeekProblem, time_limit: float = 60.0
) -> tuple[WeekRoster | None, str]:
    """The baseline roster (None if it cannot be built) and a note on how it was made."""
    opened = [d.problem is not None for d in problem.days]
    try:
        need = _day_needs(problem, time_limit)
    except ScenarioError as err:
        return None, f"no roster of the days alone: {err.message}"
    for margin in range(MAX_MARGIN + 1):
        sets: dict = {}
        try:
            for c in problem.rules.contracts:
                days = zip(need[c.name], opened, strict=True)
                wanted = [min(n + margin, c.max_agents) if o else 0 for n, o in days]
                sets |= _fix_days_off(problem, c, wanted)
        except ScenarioError as err:
            return None, f"no days off fixed from the days alone: {err.message}"
        try:  # the week's shifts with these days off (is there any roster?)
            together = solve_week(problem, time_limit, 0.0, {"sets": sets, "v": {}})
        except ScenarioError:
            continue
        more = f", {margin} more agent(s) a day per contract for the rest rules" if margin else ""
        roster, stuck = _day_by_day(problem, time_limit, sets)
        if roster is not None:
            return (
                roster,
                f"each day solved alone, days off fixed to cover it{more}, then shifts day by day",
            )
        return together, (
            f"each day solved alone, days off fixed to cover it{more}; shifts day by day got"
            f" stuck on {stuck} (rest or weekly hours), so they were solved for the week together"
        )
    return None, f"no roster with days off fixed, even with {MAX_MARGIN} more agents a day"


def _day_by_day(problem: WeekProblem, time_limit: float, sets: dict):
    """The shifts day by day with the days off ``sets``; ``(None, day)`` when stuck."""
    fixed: dict = {"sets": sets, "v": {}}
    keys = list(build_program(problem).v)
    roster = None
    for dp in problem.open_days:
        try:
            roster = solve_week(_up_to(problem, dp.index), time_limit, 0.0, fixed)
        except ScenarioError:
            return None, dp.label
        fixed["v"] |= {key: n for key, n in roster.values.items() if key[1] == dp.index}
        fixed["v"] |= {key: 0 for key in keys if key[1] == dp.index and key not in roster.values}
    return roster, None


def _day_needs(problem: WeekProblem, time_limit: float) -> dict[str, list[int]]:
    """Agents per contract and day in the day-alone optimum: each day solved on its
    own, with the contracts' templates but no weekly rule, and at most the agents a
    contract has on an average day (its agents × the most days one of them can work
    ÷ the open days); a day these caps cannot cover lifts the first contract's cap
    to all its agents, then every contract's."""
    opened = [d.problem is not None for d in problem.days]
    caps = [c.max_agents * most_days(c, opened) // sum(opened) for c in problem.rules.contracts]
    tries = [caps, [problem.rules.contracts[0].max_agents, *caps[1:]], [None] * len(caps)]
    need = {c.name: [0] * len(problem.days) for c in problem.rules.contracts}
    for dp in problem.open_days:
        for i, cap in enumerate(tries):
            try:
                roster = solve_week(_alone(problem, dp, cap), time_limit, 0.0)
                break
            except ScenarioError:
                if i == len(tries) - 1:
                    raise
        for s in roster.shifts:
            need[s.contract][dp.index] += 1
    return need


def _alone(problem: WeekProblem, dp, caps: list[int | None]) -> WeekProblem:
    """The day ``dp`` as a one-day week, without weekly rules, each contract's
    agents capped at ``caps`` (None: not capped)."""
    loose = tuple(
        dataclasses.replace(c, pattern=None, days=(0, 1), weekly_hours=(0.0, None),
                            min_rest=0.0, max_consecutive_days=None, min_agents=0,
                            max_agents=c.max_agents if cap is None else cap)
        for c, cap in zip(problem.rules.contracts, caps, strict=True)
    )  # fmt: skip
    rules = dataclasses.replace(problem.rules, contracts=loose, cyclic=False)
    return dataclasses.replace(problem, rules=rules, days=[dataclasses.replace(dp, index=0)])


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
