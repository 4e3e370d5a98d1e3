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

The pieces: the requirement (`ccsim.planning.shift_requirement`), the slot grid and
shift options (`ccsim.planning.shift_problem`), the integer program and the baseline
(`ccsim.planning.shift_solver`), the schedule as a scenario
(`ccsim.planning.scheduled_roster`); here, the rounds of solving and simulating
(`plan_schedule`). The files of ``--out`` are written by `ccsim.outputs.schedule_files`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.planning.schedule_plan import Round, SchedulePlan
from ccsim.planning.scheduled_roster import (
    roster_availability,
    roster_presence,
    scheduled_scenario_data,
)
from ccsim.planning.shift_problem import MAX_SLOTS, ShiftOption, ShiftProblem, shift_problem
from ccsim.planning.shift_requirement import (
    ERLANG_SOURCE,
    REQUIREMENTS,
    choose_group,
    erlang_requirement,
    interval_requirement,
    planned_requirement,
    read_requirement,
)
from ccsim.planning.shift_solver import (
    DEFAULT_GAP,
    MILP_STATUS,
    Schedule,
    ScheduledShift,
    baseline_schedule,
    solve_schedule,
)
from ccsim.planning.shift_templates import ShiftTemplates
from ccsim.scenario.model import Scenario
from ccsim.scenario.writing import write_staffed
from ccsim.units import format_clock

if TYPE_CHECKING:
    from ccsim.batch.parallel import Backend
    from ccsim.batch.result import RunResult


# ------------------------------------------------------------------ plan, simulate, repair


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
    from ccsim.scenario.load import load_scenario as load
    from ccsim.scenario.load import read_yaml_file

    scenario_path = Path(scenario_path)
    scenario = load(scenario_path)
    data, _lines = read_yaml_file(scenario_path)
    name = choose_group(scenario, templates, group)
    if seed is None:
        from ccsim.streams import new_seed

        seed = scenario.seed if scenario.seed is not None else new_seed()
    if required is None:
        required, requirement_source = interval_requirement(
            scenario, name, requirement, replications=replications, seed=seed, engine=engine,
            backend=backend, progress=progress,
        )  # fmt: skip
    required = _per_interval(required, scenario)
    if on_floor is None:
        on_floor = requirement_source == ERLANG_SOURCE
    base = planned_requirement(scenario, name, required, on_floor)
    problem = shift_problem(scenario, name, templates, base)
    baseline = baseline_schedule(problem)
    out = Path(out_dir) if out_dir is not None else None
    how = _RoundSettings(templates, time_limit, gap, out, simulate, replications, seed, engine,
                         backend)  # fmt: skip
    extra = np.zeros_like(base)
    history: list[Round] = []
    h = scenario.horizon
    while True:
        planned = base + extra
        problem, schedule, written, scheduled, result, missed = _one_round(
            scenario, scenario_path, data, name, planned, len(history) + 1, how
        )
        status = schedule.solver["status"]
        history.append(Round(len(history) + 1, schedule.cost, schedule.agents, missed, status))
        if progress is not None:
            progress(
                f"round {len(history)}: cost {schedule.cost:,.2f}, {schedule.agents} agents,"
                f" {len(missed)} interval(s) below target"
            )
        if not missed or len(history) >= rounds:
            break
        for start in missed:
            extra[h.interval_starts().index(_clock(start))] += 1
    floor = roster_availability(scheduled, name, problem.slot)
    available = floor.reshape(-1, problem.slots_per_interval).min(axis=1)
    return SchedulePlan(
        scenario=scenario, group=name, templates=templates,
        requirement_source=requirement_source or "given", required=required, planned=planned,
        schedule=schedule, baseline=baseline, scheduled=scheduled, scheduled_data=written,
        available=available, result=result, rounds=history, notes=problem.notes,
        slot=problem.slot,
    )  # fmt: skip


@dataclass(frozen=True)
class _RoundSettings:
    """What every round of `plan_schedule` solves and simulates with."""

    templates: ShiftTemplates
    time_limit: float
    gap: float
    out: Path | None
    simulate: bool
    replications: int | None
    seed: int
    engine: str | None
    backend: Backend | None


def _one_round(
    scenario: Scenario,
    scenario_path: Path,
    data: dict[str, Any],
    group: str,
    planned: np.ndarray,
    number: int,
    how: _RoundSettings,
) -> tuple[ShiftProblem, Schedule, dict[str, Any], Scenario, RunResult | None, list[str]]:
    """Solve for ``planned``, write the scheduled scenario, simulate it: the problem,
    the schedule, the scenario's data and the scenario, its run (None: not
    simulated) and the intervals missing the target."""
    problem = shift_problem(scenario, group, how.templates, planned)
    schedule = solve_schedule(problem, how.templates, how.time_limit, how.gap)
    written = scheduled_scenario_data(
        data, scenario, group, schedule, scenario_path.parent, how.out
    )
    scheduled = _scheduled(written, scenario_path, how.out, group, how.templates, number)
    if not how.simulate:
        return problem, schedule, written, scheduled, None, []
    from ccsim.batch.runner import run

    result = run(scheduled, how.replications, how.seed, engine=how.engine, backend=how.backend)
    return problem, schedule, written, scheduled, result, _missed(result, scenario)


def _per_interval(required: Any, scenario: Scenario) -> np.ndarray:
    """``required`` as whole agents, checked to have one number per planning interval."""
    required = np.asarray(required, dtype=int)
    if required.shape != (scenario.horizon.n_intervals,):
        raise ValueError(
            f"required needs one number per planning interval ({scenario.horizon.n_intervals}),"
            f" got {required.shape}"
        )
    return required


def _scheduled(
    written: dict[str, Any],
    scenario_path: Path,
    out: Path | None,
    group: str,
    templates: ShiftTemplates,
    number: int,
) -> Scenario:
    """The scheduled scenario, validated: written to ``out/scheduled.yaml`` and loaded
    from there, or (without ``out``) read from memory."""
    from ccsim.scenario.load import load_scenario, scenario_from_dict

    if out is None:
        return scenario_from_dict(written, str(scenario_path), scenario_path.parent)
    path = write_staffed(
        out / "scheduled.yaml",
        written,
        f"Written by ccsim schedule: {scenario_path} with the shifts of group {group}\n"
        f"chosen from {templates.source} (round {number}).",
    )
    return load_scenario(path)


def _missed(result: RunResult, scenario: Scenario) -> list[str]:
    """The intervals (their starts) after the warm-up whose mean SL misses the target."""
    h, target = scenario.horizon, scenario.service_level.target
    counted_from = h.start + h.warmup
    missed = []
    for i, row in enumerate(result.summary["by_interval"]):
        sl = row["service_level"]["mean"]
        if h.start + i * h.interval >= counted_from and sl is not None and sl < target:
            missed.append(row["start"])
    return missed


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
    "DEFAULT_GAP",
    "ERLANG_SOURCE",
    "MAX_SLOTS",
    "MILP_STATUS",
    "ShiftOption",
]
