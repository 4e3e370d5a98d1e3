"""Solving the shift problem: the integer program with break placement variables
(HiGHS through `scipy.optimize.milp`; see `ccsim.planning.scheduling`), the greedy
full-time baseline it is compared with, and the chosen shifts (`Schedule`)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccsim.planning.shift_problem import ShiftOption, ShiftProblem
from ccsim.planning.shift_templates import ShiftTemplates
from ccsim.units import format_clock, format_duration

#: HiGHS model status codes of `scipy.optimize.milp`.
MILP_STATUS = {
    0: "optimal",
    1: "time or iteration limit",
    2: "infeasible",
    3: "unbounded",
    4: "other",
}


#: Stop the search once the cost is proven within 1 % of the optimum.
DEFAULT_GAP = 0.01


@dataclass(frozen=True)
class ScheduledShift:
    """``agents`` agents on ``template`` from ``start`` to ``end`` (clock seconds), each
    with the same breaks ``(at, length, paid)``; ``cost`` is per agent."""

    template: str
    start: float
    end: float
    breaks: tuple[tuple[float, float, bool], ...]
    agents: int
    cost: float

    def to_scenario(self) -> dict[str, Any]:
        """The shift as the scenario file writes it (fixed-time breaks)."""
        out: dict[str, Any] = {
            "start": format_clock(self.start),
            "end": format_clock(self.end),
            "agents": self.agents,
        }
        if self.breaks:
            out["breaks"] = [
                {"at": format_clock(at), "length": format_duration(length)}
                | ({} if paid else {"paid": False})
                for at, length, paid in self.breaks
            ]
        return out


@dataclass
class Schedule:
    """Chosen shifts, their total cost, and how the solver got there."""

    shifts: list[ScheduledShift]
    cost: float
    solver: dict[str, Any] = field(default_factory=dict)

    @property
    def agents(self) -> int:
        return sum(s.agents for s in self.shifts)

    def availability(self, problem: ShiftProblem) -> np.ndarray:
        """Agents on the floor per slot, from the shifts and their breaks."""
        out = np.zeros(problem.need.shape[0], dtype=int)
        h = problem.horizon
        for s in self.shifts:
            a, b = (int(round((t - h.start) / problem.slot)) for t in (s.start, s.end))
            out[a:b] += s.agents
            for at, length, _paid in s.breaks:
                first = int(round((at - h.start) / problem.slot))
                out[first : first + int(round(length / problem.slot))] -= s.agents
        return out


def _shifts_of(problem: ShiftProblem, agents: list[tuple[ShiftOption, tuple[int, ...]]]):
    """Agents (an option and their break offsets in slots) grouped into shifts."""
    count = Counter((id(o), offsets) for o, offsets in agents)
    by_id = {id(o): o for o, _ in agents}
    out = []
    for (oid, offsets), n in count.items():
        o = by_id[oid]
        breaks = tuple(
            (o.start + off * problem.slot, b.length, b.paid)
            for off, b in zip(offsets, o.template.breaks, strict=True)
        )
        out.append(
            ScheduledShift(o.template.name, o.start, o.start + o.template.length, breaks, n, o.cost)
        )
    out.sort(key=lambda s: (s.start, s.template, s.breaks))
    return out


def solve_schedule(
    problem: ShiftProblem,
    templates: ShiftTemplates,
    time_limit: float = 60.0,
    gap: float = DEFAULT_GAP,
) -> Schedule:
    """The least-cost shifts covering ``problem.need`` in every slot (HiGHS MILP).

    The search stops at ``time_limit`` seconds or once the cost is proven within the
    relative ``gap`` of the optimum (HiGHS finds the optimum early and may spend most
    of its time proving it; 0 asks for the proof). ``solver`` reports the status,
    objective, relative gap, dual bound, time and size.
    An infeasible program (the templates' ``max`` counts) is a `ScenarioError`.
    """
    from scipy.optimize import Bounds, milp

    program = _Program(problem, templates)
    constraints, bounded = program.constraints, program.bounded
    cost, n_vars = program.cost, len(program.cost)
    t0 = time.perf_counter()
    res = milp(
        np.asarray(cost),
        constraints=constraints,
        integrality=np.ones(n_vars),
        bounds=Bounds(0, np.inf),
        options={"time_limit": time_limit, "disp": False, "mip_rel_gap": gap},
    )
    elapsed = time.perf_counter() - t0
    solver = {
        "solver": "HiGHS (scipy.optimize.milp)",
        "status": _status(res),
        "message": res.message,
        "objective": None if res.x is None else float(res.fun),
        "gap": getattr(res, "mip_gap", None),
        "dual_bound": getattr(res, "mip_dual_bound", None),
        "nodes": getattr(res, "mip_node_count", None),
        "time_s": elapsed,
        "variables": n_vars,
        "constraints": program.n_constraints,
    }
    if res.x is None:
        limits = ", ".join(f"{t.name} (min {t.min_agents}, max {t.max_agents})" for t in bounded)
        why = f" within the templates' min/max agents: {limits}" if bounded else ""
        raise templates.error(
            f"no schedule covers the requirement{why} (solver: {solver['status']}; {res.message})"
        )
    agents = program.agents(np.round(res.x).astype(int))
    shifts = _shifts_of(problem, agents)
    return Schedule(shifts, float(sum(s.cost * s.agents for s in shifts)), solver)


class _Program:
    """The integer program of a shift problem: per option ``x_j`` agents, per break
    and allowed start ``b_jkp`` agents taking it there (``sum_p b_jkp = x_j``), the
    coverage of every slot with a need, and the templates' min/max counts."""

    def __init__(self, problem: ShiftProblem, templates: ShiftTemplates) -> None:
        from scipy import sparse
        from scipy.optimize import LinearConstraint

        self.problem = problem
        n_slots = problem.need.shape[0]
        cost: list[float] = []
        cov_rows: list[int] = []
        cov_cols: list[int] = []
        cov_vals: list[float] = []
        eq_rows: list[int] = []
        eq_cols: list[int] = []
        eq_vals: list[float] = []
        x_index: list[int] = []
        b_index: list[list[list[int]]] = []
        n_eq = 0
        for o in problem.options:
            j = len(cost)
            x_index.append(j)
            cost.append(o.cost)
            span = range(o.first, o.first + o.n)
            cov_rows += span
            cov_cols += [j] * len(span)
            cov_vals += [1.0] * len(span)
            per_break = []
            for offsets, size in zip(o.break_offsets, o.break_slots, strict=True):
                eq_rows.append(n_eq)
                eq_cols.append(j)
                eq_vals.append(1.0)
                cols = []
                for off in offsets:
                    v = len(cost)
                    cost.append(0.0)
                    cols.append(v)
                    eq_rows.append(n_eq)
                    eq_cols.append(v)
                    eq_vals.append(-1.0)
                    brk = range(o.first + off, o.first + off + size)
                    cov_rows += brk
                    cov_cols += [v] * len(brk)
                    cov_vals += [-1.0] * len(brk)
                per_break.append(cols)
                n_eq += 1
            b_index.append(per_break)
        n_vars = len(cost)
        cover = sparse.csr_array((cov_vals, (cov_rows, cov_cols)), shape=(n_slots, n_vars))
        needed = np.nonzero(problem.need > 0)[0]
        constraints = [LinearConstraint(cover[needed], problem.need[needed].astype(float), np.inf)]
        if n_eq:
            eq = sparse.csr_array((eq_vals, (eq_rows, eq_cols)), shape=(n_eq, n_vars))
            constraints.append(LinearConstraint(eq, 0.0, 0.0))
        bounded = [t for t in templates.templates if t.min_agents > 0 or t.max_agents is not None]
        if bounded:
            rows = np.zeros((len(bounded), n_vars))
            for r, t in enumerate(bounded):
                for o, j in zip(problem.options, x_index, strict=True):
                    if o.template is t:
                        rows[r, j] = 1.0
            low = [float(t.min_agents) for t in bounded]
            high = [np.inf if t.max_agents is None else float(t.max_agents) for t in bounded]
            constraints.append(LinearConstraint(rows, low, high))
        self.cost, self.constraints, self.bounded = cost, constraints, bounded
        self.x_index, self.b_index = x_index, b_index
        self.n_constraints = int(len(needed) + n_eq + len(bounded))

    def agents(self, x: np.ndarray) -> list[tuple[ShiftOption, tuple[int, ...]]]:
        """Each agent of the solution ``x``: its option and break offsets (the i-th
        agent of a shift takes the i-th earliest placement of each break)."""
        problem = self.problem
        agents = []
        for o, j, per_break in zip(problem.options, self.x_index, self.b_index, strict=True):
            if x[j] <= 0:
                continue
            placements = [
                sorted(off for off, v in zip(offsets, cols, strict=True) for _ in range(x[v]))
                for offsets, cols in zip(o.break_offsets, per_break, strict=True)
            ]
            for a in range(x[j]):
                agents.append((o, tuple(p[a] for p in placements)))
        return agents


def _status(res) -> str:
    """HiGHS's outcome; "optimal" only when proven (else "within gap", the tolerance)."""
    status = MILP_STATUS.get(res.status, str(res.status))
    gap = getattr(res, "mip_gap", None)
    if status == "optimal" and gap is not None and gap > 1e-9:
        return "within gap"
    return status


def baseline_schedule(problem: ShiftProblem) -> Schedule:
    """A simple planner's schedule to compare against: full-time shifts only (the
    longest template), added one agent at a time at the start that covers the most
    of the shortfall, from the first short slot on, each break where the surplus is
    largest. Other templates only where no full-time start covers a slot; min/max
    counts are ignored."""
    n_slots = problem.need.shape[0]
    longest = max(o.template.length for o in problem.options)
    full = [o for o in problem.options if o.template.length == longest]
    cover = np.zeros(n_slots, dtype=int)
    agents: list[tuple[ShiftOption, tuple[int, ...]]] = []
    while (short := np.nonzero(cover < problem.need)[0]).size:
        s = short[0]
        best = None
        for pool in (full, problem.options):
            for o in pool:
                if not o.first <= s < o.first + o.n:
                    continue
                offsets, avail = _greedy_breaks(o, cover - problem.need, s, n_slots)
                if not avail[s]:
                    continue
                gain = np.minimum(np.maximum(problem.need - cover, 0), avail).sum()
                score = gain / o.cost if pool is not full and o.cost > 0 else gain
                if best is None or score > best[0]:
                    best = (score, o, offsets, avail)
            if best is not None:
                break
        if best is None:  # pragma: no cover - shift_problem checked every slot is coverable
            raise RuntimeError(f"no shift covers slot {s}")
        _, o, offsets, avail = best
        cover += avail
        agents.append((o, offsets))
    shifts = _shifts_of(problem, agents)
    return Schedule(
        shifts, float(sum(s.cost * s.agents for s in shifts)), {"solver": "greedy baseline"}
    )


def _greedy_breaks(
    o: ShiftOption, surplus: np.ndarray, needed_at: int, n_slots: int
) -> tuple[tuple[int, ...], np.ndarray]:
    """Break offsets for one more agent of ``o``: each where the surplus is largest,
    away from ``needed_at`` when possible; and that agent's availability per slot."""
    avail = np.zeros(n_slots, dtype=int)
    avail[o.first : o.first + o.n] = 1
    chosen = []
    for offsets, size in zip(o.break_offsets, o.break_slots, strict=True):

        def score(off: int, size: int = size) -> tuple[bool, int]:
            a = o.first + off
            return (not a <= needed_at < a + size, int(surplus[a : a + size].min()))

        off = max(offsets, key=score)
        chosen.append(off)
        avail[o.first + off : o.first + off + size] = 0
    return tuple(chosen), avail
