"""Shift scheduling (排班): the cheapest set of shifts that covers a staffing requirement.

Given the agents an agent group needs on the floor per planning interval (the
*requirement*) and the shifts it may work (`ccsim.planning.shift_templates`), choose how many
agents work each template at each start, and where each takes each break, so that in
every interval the agents on shift and not on break are at least the requirement, at
the least cost. Then write the plan as a scenario, simulate it, and re-plan the
intervals the simulation says still miss the service-level target: the plan is only
done when the simulation agrees.

The integer program (solved by HiGHS through `scipy.optimize.milp`) works on a grid
of *slots*: the greatest common divisor of the planning interval, the templates'
start steps, lengths, break lengths, break windows and the break step (15 minutes
for most files). Breaks are modelled with **break placement variables** (Aykin's
implicit model): for shift option j (a template at one start) ``x_j`` agents, and
for each break k of the template and each allowed start p of that break ``b_jkp``
agents who take it there, with ``sum_p b_jkp = x_j``. The agents available in slot
s are ``sum_j on_js x_j - sum_jkp brk_jkps b_jkp``, and each slot of an interval
must have at least the interval's requirement, so the coverage holds at every moment,
not only on average. Because a template's break windows do not overlap, any
placement of one break fits with any placement of another: the i-th agent of a
shift takes the i-th earliest of each break's placements, which gives each agent a
whole day of fixed break times. This is exact (no coverage is lost by the pairing)
and keeps the program small: one variable per break position instead of one per
combination of positions.
"""

from __future__ import annotations

import copy
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.atomic import write_text
from ccsim.outputs.jsondoc import dumps
from ccsim.planning.shift_templates import ShiftTemplate, ShiftTemplates
from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.model import AgentGroup, Horizon, Scenario
from ccsim.units import format_clock, format_duration

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.batch.parallel import Backend
    from ccsim.batch.result import RunResult

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
#: At most this many slots in a day (a finer grid is more likely a slip in a template).
MAX_SLOTS = 5000


# ------------------------------------------------------------------ the requirement


def erlang_requirement(scenario: Scenario, group: str) -> np.ndarray:
    """Agents ``group`` needs on the floor per planning interval by Erlang C (no
    patience) or Erlang A (callers abandon), each interval's offered load taken on its
    own: the Erlang start of `ccsim.planning.staffing` (its share of the load of the call types
    it answers first, IVR callers included)."""
    from ccsim.planning.staffing import StaffingGoal, erlang_agents, group_loads

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
    from ccsim.planning.staffing import read_requirement as read_table

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
    away += [
        (e.start, e.end, e.agents)
        for e in scenario.events
        if e.kind == "group_outage" and e.group == group
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


# ------------------------------------------------------------------ the shift options


@dataclass(frozen=True)
class ShiftOption:
    """A template at one start: slots ``[first, first + n)`` of the grid, its break
    rules' allowed starts as slot offsets, and one agent's cost."""

    template: ShiftTemplate
    start: float
    first: int
    n: int
    break_offsets: tuple[tuple[int, ...], ...]
    break_slots: tuple[int, ...]
    cost: float


@dataclass
class ShiftProblem:
    """What the integer program and the baseline work on: the slot grid, the shift
    options and the agents to have on the floor in each slot."""

    horizon: Horizon
    slot: float
    options: list[ShiftOption]
    need: np.ndarray  # per slot
    notes: list[str] = field(default_factory=list)

    @property
    def slots_per_interval(self) -> int:
        return int(round(self.horizon.interval / self.slot))


def shift_problem(
    scenario: Scenario, group: str, templates: ShiftTemplates, planned: np.ndarray
) -> ShiftProblem:
    """The slot grid and every (template, start) that fits the horizon; an interval
    with a requirement that no option can cover is an error naming the intervals."""
    h = scenario.horizon
    g = _group(scenario, group)
    rate = g.agent_hour if g.agent_hour is not None else scenario.costs.agent_hour
    notes: list[str] = []
    if rate == 0 and any(t.per_hour is None and t.per_shift is None for t in templates.templates):
        rate = 1.0
        notes.append(
            "templates without a cost are costed at 1 per paid hour (the group has no"
            " agent_hour): the schedule minimises paid hours"
        )
    slot = _slot_length(h, templates)
    k = int(round(h.interval / slot))
    options: list[ShiftOption] = []
    for t in templates.templates:
        fitting = [s for s in t.starts if s >= h.start and s + t.length <= h.end]
        if not fitting:
            raise templates.error(
                f"no start lets a {format_duration(t.length)} shift lie within the horizon"
                f" ({format_clock(h.start)} to {format_clock(h.end)})",
                ("templates", t.name, "starts"),
            )
        if len(fitting) < len(t.starts):
            dropped = [format_clock(s) for s in t.starts if s not in fitting]
            notes.append(
                f"template {t.name}: starts {', '.join(dropped)} left out (the shift would not"
                " lie within the horizon)"
            )
        for s in fitting:
            options.append(
                ShiftOption(
                    template=t,
                    start=s,
                    first=int(round((s - h.start) / slot)),
                    n=int(round(t.length / slot)),
                    break_offsets=tuple(
                        tuple(int(round(o / slot)) for o in b.offsets(templates.break_step))
                        for b in t.breaks
                    ),
                    break_slots=tuple(int(round(b.length / slot)) for b in t.breaks),
                    cost=t.cost(rate),
                )
            )
    need = np.repeat(np.asarray(planned, dtype=int), k)
    problem = ShiftProblem(h, slot, options, need, notes)
    _check_coverable(problem, templates)
    return problem


def _slot_length(h: Horizon, templates: ShiftTemplates) -> float:
    """The greatest common divisor (whole seconds) of every time the program uses."""
    times = [h.interval, templates.break_step]
    for t in templates.templates:
        times += [t.length, *(abs(s - h.start) for s in t.starts)]
        for b in t.breaks:
            times += [b.length, *b.window]
    step = 0
    for x in times:
        if abs(x - round(x)) > 1e-6:
            raise templates.error(f"times must be whole seconds, got {x:g}s")
        step = math.gcd(step, int(round(x)))
    n_slots = int(round((h.end - h.start) / step))
    if n_slots > MAX_SLOTS:
        raise templates.error(
            f"the templates' times divide the day into {n_slots} slots of"
            f" {format_duration(step)}; at most {MAX_SLOTS}: use starts, lengths and breaks"
            " on a coarser grid (e.g. multiples of 5min)"
        )
    return float(step)


def _on_slots(o: ShiftOption, n_slots: int) -> np.ndarray:
    """Slots in which at least one agent of ``o`` can be on the floor (on shift and
    not on a break that every allowed placement puts there)."""
    on = np.zeros(n_slots, dtype=bool)
    on[o.first : o.first + o.n] = True
    for offsets, size in zip(o.break_offsets, o.break_slots, strict=True):
        forced_from, forced_to = max(offsets), min(offsets) + size
        if forced_from < forced_to:
            on[o.first + forced_from : o.first + forced_to] = False
    return on


def _check_coverable(problem: ShiftProblem, templates: ShiftTemplates) -> None:
    n_slots = problem.need.shape[0]
    can = np.zeros(n_slots, dtype=bool)
    for o in problem.options:
        can |= _on_slots(o, n_slots)
    k = problem.slots_per_interval
    bad = [
        i
        for i in range(n_slots // k)
        if problem.need[i * k] > 0 and not can[i * k : (i + 1) * k].all()
    ]
    if bad:
        h = problem.horizon
        where = ", ".join(
            f"{format_clock(h.start + i * h.interval)} ({problem.need[i * k]} agents)"
            for i in bad[:8]
        ) + (f" and {len(bad) - 8} more" if len(bad) > 8 else "")
        raise templates.error(
            f"no shift template covers the intervals {where}: add a template or a start time"
            " whose shift works then, or lower the requirement there"
        )


# ------------------------------------------------------------------ schedules


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
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

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
        "constraints": int(len(needed) + n_eq + len(bounded)),
    }
    if res.x is None:
        limits = ", ".join(f"{t.name} (min {t.min_agents}, max {t.max_agents})" for t in bounded)
        why = f" within the templates' min/max agents: {limits}" if bounded else ""
        raise templates.error(
            f"no schedule covers the requirement{why} (solver: {solver['status']}; {res.message})"
        )
    x = np.round(res.x).astype(int)
    agents = []
    for o, j, per_break in zip(problem.options, x_index, b_index, strict=True):
        if x[j] <= 0:
            continue
        placements = [
            sorted(off for off, v in zip(offsets, cols, strict=True) for _ in range(x[v]))
            for offsets, cols in zip(o.break_offsets, per_break, strict=True)
        ]
        for a in range(x[j]):
            agents.append((o, tuple(p[a] for p in placements)))
    shifts = _shifts_of(problem, agents)
    return Schedule(shifts, float(sum(s.cost * s.agents for s in shifts)), solver)


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


# ------------------------------------------------------------------ the scheduled scenario


def scheduled_scenario_data(
    data: dict[str, Any],
    scenario: Scenario,
    group: str,
    schedule: Schedule,
    base_dir: Path | None = None,
    out_dir: Path | None = None,
) -> dict[str, Any]:
    """The scenario's YAML data with ``group`` staffed by ``schedule``'s shifts.

    Everything else is kept; with ``out_dir``, relative ``file:`` paths (forecasts,
    samples) are rewritten from ``base_dir`` so the file written there still finds them
    (`ccsim.planning.staffing.staffed_document`, which writes ``ccsim staff``'s staffed.yaml).
    """
    from ccsim.planning.staffing import staffed_document

    if out_dir is not None:
        out = staffed_document(data, scenario, {}, base_dir=base_dir, out_dir=Path(out_dir))
    else:
        out = copy.deepcopy(data)
    entry = out["agent_groups"][group]
    for key in ("agents", "shifts"):
        entry.pop(key, None)
    shifts = [s.to_scenario() for s in schedule.shifts]
    if shifts:
        entry["shifts"] = shifts
    else:
        entry["agents"] = 0
    out["name"] = f"{data.get('name', 'scenario')} (scheduled)"
    return out


def roster_presence(scenario: Scenario, group: str, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Agents of ``group`` on shift, and on shift and not on a break, per slot of
    ``step`` seconds (at each slot's middle), from the scenario's roster."""
    from ccsim.models.roster import build_roster

    h = scenario.horizon
    g = [x.name for x in scenario.agent_groups].index(group)
    mid = h.start + (np.arange(int(round((h.end - h.start) / step))) + 0.5) * step
    shift = np.zeros(mid.shape[0], dtype=int)
    floor = np.zeros(mid.shape[0], dtype=int)
    for p in build_roster(scenario, seed=0, replication=0):
        if p.group != g:
            continue
        on = (mid >= p.start) & (mid < p.end)
        shift += on
        for at, length, _paid in p.breaks:
            on &= ~((mid >= at) & (mid < at + length))
        floor += on
    return shift, floor


def roster_availability(scenario: Scenario, group: str, step: float) -> np.ndarray:
    """Agents of ``group`` on shift and not on a break, per slot of ``step`` seconds
    (at each slot's middle), from the scenario's roster (`build_roster`); absences
    and shrinkage are left out (the requirement was grossed up for them)."""
    from ccsim.models.roster import build_roster

    h = scenario.horizon
    g = [x.name for x in scenario.agent_groups].index(group)
    mid = h.start + (np.arange(int(round((h.end - h.start) / step))) + 0.5) * step
    out = np.zeros(mid.shape[0], dtype=int)
    for p in build_roster(scenario, seed=0, replication=0):
        if p.group != g:
            continue
        on = (mid >= p.start) & (mid < p.end)
        for at, length, _paid in p.breaks:
            on &= ~((mid >= at) & (mid < at + length))
        out += on
    return out


# ------------------------------------------------------------------ plan, simulate, repair


@dataclass
class Round:
    """One solve-and-simulate round: the schedule's cost and the intervals (their
    starts) whose mean service level missed the target."""

    number: int
    cost: float
    agents: int
    missed: list[str]
    solver_status: str


@dataclass
class SchedulePlan:
    """A schedule checked by simulation, and how it was reached."""

    scenario: Scenario
    group: str
    templates: ShiftTemplates
    requirement_source: str
    required: np.ndarray  # given, per interval
    planned: np.ndarray  # covered by the final schedule (shrinkage, absences, repairs)
    schedule: Schedule
    baseline: Schedule
    scheduled: Scenario
    scheduled_data: dict[str, Any]
    available: np.ndarray  # per interval: fewest agents on the floor (from the roster)
    result: RunResult | None
    rounds: list[Round]
    notes: list[str]
    slot: float

    @property
    def missed(self) -> list[str]:
        return self.rounds[-1].missed if self.rounds else []

    @property
    def verified(self) -> bool:
        """The simulation of the final schedule meets the target in every interval."""
        return self.result is not None and not self.missed

    def shifts_df(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "template": s.template,
                    "start": format_clock(s.start),
                    "end": format_clock(s.end),
                    "breaks": "; ".join(
                        f"{format_clock(at)} {format_duration(length)}{'' if paid else ' unpaid'}"
                        for at, length, paid in s.breaks
                    ),
                    "agents": s.agents,
                    "cost_per_agent": s.cost,
                    "cost": s.cost * s.agents,
                }
                for s in self.schedule.shifts
            ],
            columns=[
                "template",
                "start",
                "end",
                "breaks",
                "agents",
                "cost_per_agent",
                "cost",
            ],  # fmt: skip
        )

    def coverage_df(self) -> pd.DataFrame:
        """Per interval: ``required``, ``planned``, ``scheduled_agents`` (on shift,
        the interval's mean), ``available_agents`` (on the floor: not on a break,
        lunch or absent — the simulated mean, else the roster's grossed down for
        shrinkage and absences), ``fewest_on_floor`` (the roster's fewest on the floor
        at any moment of the interval: what the solver covers), ``over_under``
        (available − required: the one definition of coverage, as in ``ccsim run
        --required``), and the simulated service level with its CI and whether it
        meets the target."""
        import pandas as pd

        rows = self.result.summary["by_interval"] if self.result is not None else None
        target = self.scenario.service_level.target
        on_shift, floor = self.roster_means()
        out = []
        for i, t in enumerate(self.scenario.horizon.interval_starts()):
            available = float(floor[i])
            if self.result is not None:
                group = self.result.summary["by_agent_group_interval"][self.group][i]
                available = group["available_agents"]["mean"]
            row = {
                "interval": format_clock(t),
                "required": int(self.required[i]),
                "planned": int(self.planned[i]),
                "scheduled_agents": float(on_shift[i]),
                "available_agents": available,
                "fewest_on_floor": int(self.available[i]),
                "over_under": available - float(self.required[i]),
            }
            if rows is not None and self.result is not None:
                sl = rows[i]["service_level"]
                ci = sl["ci95"] or [None, None]
                row |= {
                    "service_level": sl["mean"],
                    "service_level_ci_low": ci[0],
                    "service_level_ci_high": ci[1],
                    "sl_p_meet_target": self.result.risk["by_interval"][i]["p_meet_target"],
                    "meets_target": sl["mean"] is None or sl["mean"] >= target,
                }
            out.append(row)
        return pd.DataFrame(out)

    def roster_means(self) -> tuple[np.ndarray, np.ndarray]:
        """Per interval, the roster's mean agents of the group on shift, and on the
        floor net of shrinkage and absences (the expectation, without a simulation)."""
        on_shift, on_floor = roster_presence(self.scheduled, self.group, self.slot)
        k = int(round(self.scenario.horizon.interval / self.slot))
        g = _group(self.scenario, self.group)
        floor = on_floor.reshape(-1, k).mean(axis=1) * (1.0 - g.shrinkage)
        away = planned_requirement(self.scenario, self.group, np.zeros(floor.size), True)
        return on_shift.reshape(-1, k).mean(axis=1), np.maximum(floor - away, 0.0)


def plan_schedule(
    scenario_path: str | Path,
    templates: ShiftTemplates,
    *,
    group: str | None = None,
    required: np.ndarray | None = None,
    requirement_source: str | None = None,
    requirement: str = "simulated",
    on_floor: bool | None = None,
    replications: int | None = None,
    seed: int | None = None,
    rounds: int = 3,
    time_limit: float = 60.0,
    gap: float = DEFAULT_GAP,
    out_dir: str | Path | None = None,
    simulate: bool = True,
    engine: str | None = None,
    backend: Backend | None = None,
    progress: Callable[[str], None] | None = None,
) -> SchedulePlan:
    """Schedule ``group`` of the scenario file with ``templates``, then check by simulation.

    ``required`` (agents per interval) defaults to `interval_requirement`
    (``requirement``: ``simulated`` or ``erlang``). ``on_floor``: the requirement
    counts agents on the floor, to be grossed up for shrinkage and absences
    (`planned_requirement`); by default only the Erlang one does — a given one, like
    ``ccsim staff``'s, counts scheduled agents.
    Each round solves the integer program, writes the scenario with the chosen
    shifts (``out_dir/scheduled.yaml``, or in memory), validates it and runs it with
    the same seed (common random numbers); intervals whose mean service level misses
    the target get one more agent in the requirement for the next round, up to
    ``rounds`` rounds. ``progress(message)`` hears about each round.
    """
    from ccsim.planning.staffing import write_staffed
    from ccsim.scenario.load import load_scenario as load
    from ccsim.scenario.load import read_yaml_file, scenario_from_dict

    scenario_path = Path(scenario_path)
    scenario = load(scenario_path)
    data, _lines = read_yaml_file(scenario_path)
    name = choose_group(scenario, templates, group)
    if seed is None:
        from ccsim.streams import new_seed

        seed = scenario.seed if scenario.seed is not None else new_seed()
    if required is None:
        required, requirement_source = interval_requirement(
            scenario,
            name,
            requirement,
            replications=replications,
            seed=seed,
            engine=engine,
            backend=backend,
            progress=progress,
        )
    required = np.asarray(required, dtype=int)
    if required.shape != (scenario.horizon.n_intervals,):
        raise ValueError(
            f"required needs one number per planning interval ({scenario.horizon.n_intervals}),"
            f" got {required.shape}"
        )
    if on_floor is None:
        on_floor = requirement_source == ERLANG_SOURCE
    base = planned_requirement(scenario, name, required, on_floor)
    problem = shift_problem(scenario, name, templates, base)
    baseline = baseline_schedule(problem)
    out = Path(out_dir) if out_dir is not None else None
    extra = np.zeros_like(base)
    history: list[Round] = []
    h, target = scenario.horizon, scenario.service_level.target
    counted_from = h.start + h.warmup
    while True:
        planned = base + extra
        problem = shift_problem(scenario, name, templates, planned)
        schedule = solve_schedule(problem, templates, time_limit, gap)
        written = scheduled_scenario_data(data, scenario, name, schedule, scenario_path.parent, out)
        if out is not None:
            path = write_staffed(
                out / "scheduled.yaml",
                written,
                f"Written by ccsim schedule: {scenario_path} with the shifts of group {name}\n"
                f"chosen from {templates.source} (round {len(history) + 1}).",
            )
            scheduled = load(path)
        else:
            scheduled = scenario_from_dict(written, str(scenario_path), scenario_path.parent)
        result = None
        missed: list[str] = []
        if simulate:
            from ccsim.batch.runner import run

            result = run(scheduled, replications, seed, engine=engine, backend=backend)
            for i, row in enumerate(result.summary["by_interval"]):
                sl = row["service_level"]["mean"]
                if h.start + i * h.interval >= counted_from and sl is not None and sl < target:
                    missed.append(row["start"])
        history.append(
            Round(
                len(history) + 1,
                schedule.cost,
                schedule.agents,
                missed,
                schedule.solver["status"],
            )
        )
        if progress is not None:
            progress(
                f"round {len(history)}: cost {schedule.cost:,.2f}, {schedule.agents} agents,"
                f" {len(missed)} interval(s) below target"
            )
        if not missed or len(history) >= rounds:
            break
        for start in missed:
            extra[h.interval_starts().index(_clock(start))] += 1
    k = problem.slots_per_interval
    floor = roster_availability(scheduled, name, problem.slot)
    available = floor.reshape(-1, k).min(axis=1)
    return SchedulePlan(
        scenario=scenario,
        group=name,
        templates=templates,
        requirement_source=requirement_source or "given",
        required=required,
        planned=planned,
        schedule=schedule,
        baseline=baseline,
        scheduled=scheduled,
        scheduled_data=written,
        available=available,
        result=result,
        rounds=history,
        notes=problem.notes,
        slot=problem.slot,
    )


def to_json(plan: SchedulePlan) -> dict[str, Any]:
    """The ``ccsim schedule --json`` document (docs/scheduling.md)."""
    import json

    sl = plan.scenario.service_level
    coverage = plan.coverage_df()
    return {
        "scenario": plan.scenario.name,
        "group": plan.group,
        "templates": plan.templates.source,
        "requirement": plan.requirement_source,
        "seed": plan.result.seed if plan.result is not None else None,
        "replications": plan.result.replications if plan.result is not None else None,
        "service_level": {
            "threshold_s": sl.threshold,
            "target": sl.target,
            "definition": sl.definition,
        },
        "solver": plan.schedule.solver,
        "slot_s": plan.slot,
        "cost": plan.schedule.cost,
        "agents": plan.schedule.agents,
        "baseline": {"cost": plan.baseline.cost, "agents": plan.baseline.agents},
        "shifts": [
            {
                "template": s.template,
                "start": format_clock(s.start),
                "end": format_clock(s.end),
                "breaks": [
                    {"at": format_clock(at), "length_s": length, "paid": paid}
                    for at, length, paid in s.breaks
                ],
                "agents": s.agents,
                "cost_per_agent": s.cost,
                "cost": s.cost * s.agents,
            }
            for s in plan.schedule.shifts
        ],
        "intervals": json.loads(coverage.to_json(orient="records")),
        "rounds": [
            {
                "round": r.number,
                "cost": r.cost,
                "agents": r.agents,
                "solver_status": r.solver_status,
                "missed": r.missed,
            }
            for r in plan.rounds
        ],
        "verified": plan.verified,
        "notes": plan.notes,
    }


def write_outputs(plan: SchedulePlan, out_dir: Path, lang: str | None = None) -> list[Path]:
    """Write ``shifts.csv``, ``coverage.csv``, ``schedule.json`` and ``coverage.png``
    (labels in ``lang``) in ``out_dir`` (``scheduled.yaml`` is written by
    `plan_schedule`)."""

    from ccsim.charts.planning import coverage_chart
    from ccsim.charts.style import save_figure

    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "shifts.csv", out_dir / "coverage.csv", out_dir / "schedule.json"]
    from ccsim.outputs.csvfiles import write_frame

    write_frame(plan.shifts_df(), written[0])
    write_frame(plan.coverage_df(), written[1])
    write_text(written[2], dumps(to_json(plan), indent=1))
    written.append(save_figure(coverage_chart(plan, lang or "en"), out_dir / "coverage.png"))
    return written


def _clock(text: str) -> float:
    from ccsim.units import parse_clock

    return parse_clock(text)


__all__ = [
    "Round",
    "Schedule",
    "ScheduledShift",
    "SchedulePlan",
    "ShiftProblem",
    "baseline_schedule",
    "choose_group",
    "erlang_requirement",
    "interval_requirement",
    "REQUIREMENTS",
    "plan_schedule",
    "planned_requirement",
    "read_requirement",
    "roster_availability",
    "roster_presence",
    "scheduled_scenario_data",
    "shift_problem",
    "solve_schedule",
    "to_json",
    "write_outputs",
]
