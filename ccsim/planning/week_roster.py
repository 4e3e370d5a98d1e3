"""The weekly roster as one integer program (周排班整数规划): shifts × days × breaks.

Agents of a contract who work the same days (and, where its templates differ in
paid hours and its weekly hours are bounded, the same paid hours each day) form a
*class* k (`ccsim.planning.week_classes`): the pattern, working days, consecutive
days and weekly hours hold by construction. The program (implicit tour scheduling;
rows in `ccsim.planning.week_program`):

- ``w[k]`` (integer): agents of class k; ``Σ_k w[k]`` within the contract's min and max.
- ``v[k,d,o]`` (integer): agents of class k on shift option o (a template at one
  start) on working day d; ``Σ_o v[k,d,o] = w[k]``.
- ``x[d,o] = Σ_k v[k,d,o]``, the break placements ``b[d,o,k,p]`` with
  ``Σ_p b = x[d,o]``, and coverage in every slot as the one-day program has it.
- Rest, for each class, each two successive working days d, d' of it, and each end
  time e of a day-d shift: the class's agents on day-d shifts ending at or after e
  plus those on day-d' shifts starting less than ``min_rest`` after e are at most
  ``w[k]``.

This is exact: a day-d shift is compatible with the day-d' shifts that start late
enough, and these sets are nested, so the rest rows are Hall's condition for a
perfect matching between the class's day-d and day-d' shifts; matchings of
successive days chain into each agent's week (`_agent_weeks`: the latest end takes
the latest start). Cost: the templates' cost per shift. HiGHS (`scipy.optimize.milp`).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccsim.planning.scheduling import MILP_STATUS
from ccsim.planning.week_problem import WeekProblem
from ccsim.planning.week_program import Program, build_program

__all__ = ["RosterShift", "WeekRoster", "solve_week"]


@dataclass(frozen=True)
class RosterShift:
    """One agent's shift on one day: clock ``start``/``end`` (seconds), breaks
    ``(at, length, paid)``, its cost and paid hours."""

    agent: str
    contract: str
    day: str
    template: str
    start: float
    end: float
    breaks: tuple[tuple[float, float, bool], ...]
    cost: float
    paid_hours: float


@dataclass
class WeekRoster:
    """The roster, its cost and how the solver got there (``solver``: status,
    objective, gap, dual bound, time, size); ``values`` the program's solution
    (``v`` per class, day and option: what the baseline fixes)."""

    shifts: list[RosterShift]
    cost: float
    solver: dict[str, Any] = field(default_factory=dict)
    values: dict[tuple[int, int, int], int] = field(default_factory=dict, repr=False)

    @property
    def agents(self) -> list[str]:
        return sorted({s.agent for s in self.shifts}, key=_agent_order)


def _agent_order(name: str) -> tuple[str, int]:
    head, _, number = name.rpartition("-")
    return head, int(number) if number.isdigit() else 0


def solve_week(
    problem: WeekProblem,
    time_limit: float = 60.0,
    gap: float = 0.0,
    fixed: dict | None = None,
) -> WeekRoster:
    """The least-cost weekly roster (HiGHS); an infeasible week is a `ScenarioError`
    at the templates file's ``week.contracts``. ``fixed``: see `build_program`."""
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    p = build_program(problem, fixed)
    rows = [r for r, (cols, _v, _lo, _hi) in enumerate(p.rows) for _ in cols]
    cols = [c for cols, _v, _lo, _hi in p.rows for c in cols]
    vals = [v for _c, vs, _lo, _hi in p.rows for v in vs]
    a = sparse.csr_array((vals, (rows, cols)), shape=(len(p.rows), len(p.cost)))
    t0 = time.perf_counter()
    res = milp(
        np.asarray(p.cost),
        constraints=[LinearConstraint(a, [r[2] for r in p.rows], [r[3] for r in p.rows])],
        integrality=np.ones(len(p.cost)),
        bounds=Bounds(np.asarray(p.lower), np.asarray(p.upper)),
        options={"time_limit": time_limit, "disp": False, "mip_rel_gap": gap},
    )
    solver = _solver_report(res, time.perf_counter() - t0, p, a.nnz)
    if res.x is None:
        raise problem.templates.error(
            "no weekly roster covers the requirement with these contracts (their max agents,"
            f" days, weekly hours and rest): solver {solver['status']}; allowed: more agents"
            " (max), wider weekly hours or days, or more templates",
            ("week", "contracts"),
        )
    x = np.round(res.x).astype(int)
    shifts = _agent_weeks(problem, p, x)
    values = {key: int(x[v]) for key, v in p.v.items() if x[v] > 0}
    return WeekRoster(shifts, float(sum(s.cost for s in shifts)), solver, values)


def _solver_report(res, elapsed: float, p: Program, nnz: int) -> dict[str, Any]:
    status = MILP_STATUS.get(res.status, str(res.status))
    gap = getattr(res, "mip_gap", None)
    if status == "optimal" and gap is not None and gap > 1e-9:
        status = "within gap"
    return {
        "solver": "HiGHS (scipy.optimize.milp)",
        "status": status,
        "message": res.message,
        "objective": None if res.x is None else float(res.fun),
        "gap": gap,
        "dual_bound": getattr(res, "mip_dual_bound", None),
        "nodes": getattr(res, "mip_node_count", None),
        "time_s": elapsed,
        "variables": len(p.cost),
        "constraints": len(p.rows),
        "nonzeros": nnz,
        "classes": len(p.classes),
    }


def _agent_weeks(problem: WeekProblem, p: Program, x: np.ndarray) -> list[RosterShift]:
    """Each agent's shifts: per class, agents follow one another's days; on each
    working day the agent whose last shift ended latest takes the latest start
    (a perfect matching for the rest rule); the i-th agent of a shift takes the
    i-th earliest placement of each break."""
    placements = {
        key: [sorted(off for off, b in bs for _ in range(x[b])) for bs in s["breaks"]]
        for key, s in p.shifts.items()
    }
    taken: dict[tuple[int, int], int] = defaultdict(int)
    numbers: dict[str, int] = defaultdict(int)
    out: list[RosterShift] = []
    for k, cls in enumerate(p.classes):
        n = int(x[p.w[k]])
        if n == 0:
            continue
        names = []
        for _ in range(n):
            numbers[cls.contract.name] += 1
            names.append(f"{cls.contract.name}-{numbers[cls.contract.name]:02d}")
        last_end = [0.0] * n
        for d, works in enumerate(cls.days):
            if not works:
                continue
            options = problem.days[d].problem.options
            day_shifts = [
                o for o in range(len(options)) if (k, d, o) in p.v for _ in range(x[p.v[(k, d, o)]])
            ]
            by_start = sorted(day_shifts, key=lambda o: -options[o].start)
            by_end = sorted(range(n), key=lambda a: -last_end[a])
            for a, o in zip(by_end, by_start, strict=True):
                out.append(_shift(problem, names[a], cls.contract.name, d, o, placements, taken))
                last_end[a] = (
                    problem.days[d].day.offset + options[o].start + options[o].template.length
                )
    order = {dp.label: dp.index for dp in problem.days}
    out.sort(key=lambda s: (_agent_order(s.agent), order[s.day]))
    return out


def _shift(problem: WeekProblem, agent: str, contract: str, d: int, o: int, placements, taken):
    dp = problem.days[d]
    opt = dp.problem.options[o]
    i = taken[(d, o)]
    taken[(d, o)] += 1
    breaks = tuple(
        (opt.start + place[i] * dp.problem.slot, rule.length, rule.paid)
        for place, rule in zip(placements[(d, o)], opt.template.breaks, strict=True)
    )
    return RosterShift(
        agent, contract, dp.label, opt.template.name, opt.start, opt.start + opt.template.length,
        breaks, opt.cost, opt.template.paid_hours,
    )  # fmt: skip
