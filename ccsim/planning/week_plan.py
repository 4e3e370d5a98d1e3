"""``ccsim schedule`` on a week (周排班): requirement, one integer program for the
week, the roster written as a week scenario, and a simulation of the week.

Each round solves the week (`ccsim.planning.week_roster`), writes the roster into
the week scenario's data (each shift with its ``days``), simulates the week with
the same seed (`ccsim.batch.week.run_week`), and gives every interval whose mean
service level missed the target one more planned agent for the next round, up to
``rounds`` rounds. The day-by-day baseline (`ccsim.planning.week_baseline`) is
built on the last round's requirement, so both cover the same. Nothing is written to disk here.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.planning.scheduling import ERLANG_SOURCE, choose_group
from ccsim.planning.shift_templates import ShiftTemplates
from ccsim.planning.week_problem import WeekProblem, week_problem, week_requirement
from ccsim.planning.week_roster import WeekRoster, solve_week
from ccsim.scenario.week import Week, load_week, week_from_dict
from ccsim.units import format_clock, format_duration

if TYPE_CHECKING:
    from ccsim.batch.week import WeekResult

__all__ = [
    "Miss",
    "WeekPlan",
    "WeekRound",
    "coverage_rows",
    "plan_week",
    "roster_week_data",
    "week_misses",
]


@dataclass(frozen=True)
class Miss:
    """An interval of a day whose simulated mean service level missed the target."""

    day: str
    start: str
    service_level: float


@dataclass
class WeekRound:
    number: int
    cost: float
    agents: int
    solver_status: str
    missed: list[Miss]


@dataclass
class WeekPlan:
    """A weekly roster, its baseline, and its check by simulation."""

    path: Path
    week: Week
    group: str
    templates: ShiftTemplates
    requirement_source: str
    problem: WeekProblem
    roster: WeekRoster
    baseline: WeekRoster | None
    baseline_note: str
    scheduled_data: dict[str, Any]
    result: WeekResult | None
    rounds: list[WeekRound] = field(default_factory=list)

    @property
    def missed(self) -> list[Miss]:
        return self.rounds[-1].missed if self.rounds else []

    @property
    def verified(self) -> bool:
        return self.result is not None and not self.missed

    @property
    def notes(self) -> list[str]:
        return self.problem.notes


def plan_week(
    scenario_path: str | Path,
    templates: ShiftTemplates,
    *,
    group: str | None = None,
    required: list[np.ndarray | None] | None = None,
    requirement_source: str | None = None,
    requirement: str = "erlang",
    on_floor: bool | None = None,
    replications: int | None = None,
    seed: int | None = None,
    rounds: int = 3,
    time_limit: float = 60.0,
    gap: float = 0.0,
    baseline: bool = True,
    simulate: bool = True,
    engine: str | None = None,
    backend: Any = None,
    progress: Callable[[str], None] | None = None,
) -> WeekPlan:
    """Roster ``group`` of the week scenario file over the week, then check it by
    simulation (see the module's docstring). ``required`` (per day, agents per
    interval, None on closed days) defaults to `week_requirement`."""
    from ccsim.scenario.load import read_yaml_file

    path = Path(scenario_path)
    week = load_week(path)
    data, _lines = read_yaml_file(path)
    name = choose_group(week.base, templates, group)
    say = progress or (lambda _m: None)
    if seed is None:
        from ccsim.streams import new_seed

        seed = week.base.seed if week.base.seed is not None else new_seed()
    if required is None:
        run = {"replications": replications, "seed": seed, "engine": engine, "backend": backend}
        required, requirement_source = week_requirement(
            week, name, requirement, progress, **({} if requirement == "erlang" else run)
        )
    if on_floor is None:
        on_floor = (requirement_source or "").startswith(ERLANG_SOURCE)
    extra: list[np.ndarray | None] = [None if r is None else np.zeros_like(r) for r in required]
    problem = week_problem(week, name, templates, required, on_floor, extra)
    history: list[WeekRound] = []
    while True:
        say(f"round {len(history) + 1}: solving the week …")
        roster = solve_week(problem, time_limit, gap)
        written = roster_week_data(data, name, roster, [d.label for d in week.days])
        result, missed = None, []
        if simulate:
            from ccsim.batch.week import run_week

            scheduled = week_from_dict(copy.deepcopy(written), str(path), path.parent)
            result = run_week(scheduled, replications, seed, engine=engine, backend=backend)
            missed = week_misses(result)
        history.append(
            WeekRound(len(history) + 1, roster.cost, len(roster.agents),
                      roster.solver["status"], missed)
        )  # fmt: skip
        say(
            f"round {len(history)}: cost {roster.cost:,.2f}, {len(roster.agents)} agents,"
            f" solver {roster.solver['status']} in {roster.solver['time_s']:.1f} s,"
            f" {len(missed)} interval(s) below target"
        )
        if not missed or len(history) >= rounds:
            break
        _add_misses(problem, extra, missed)
        problem = week_problem(week, name, templates, required, on_floor, extra)
    base_roster, base_note = None, ""
    if baseline:  # on the last round's requirement, as the roster
        from ccsim.planning.week_baseline import day_by_day_baseline

        say("baseline: day by day with fixed days off …")
        base_roster, base_note = day_by_day_baseline(problem, time_limit)
    return WeekPlan(
        path, week, name, templates, requirement_source or "given", problem, roster,
        base_roster, base_note, written, result, history,
    )  # fmt: skip


def _add_misses(problem: WeekProblem, extra: list, missed: list[Miss]) -> None:
    from ccsim.units import parse_clock

    for m in missed:
        dp = next(d for d in problem.days if d.label == m.day)
        starts = dp.day.scenario.horizon.interval_starts()
        extra[dp.index][starts.index(parse_clock(m.start))] += 1


def week_misses(result: WeekResult) -> list[Miss]:
    """Intervals (after the warm-up) whose mean service level is below the target."""
    out = []
    for day, run in result.days:
        if run is None:
            continue
        h = day.scenario.horizon
        target = day.scenario.service_level.target
        for i, row in enumerate(run.summary["by_interval"]):
            sl = row["service_level"]["mean"]
            if h.start + i * h.interval >= h.start + h.warmup and sl is not None and sl < target:
                out.append(Miss(day.label, row["start"], float(sl)))
    return out


def roster_week_data(
    data: dict[str, Any], group: str, roster: WeekRoster, order: list[str]
) -> dict[str, Any]:
    """The week scenario's data with ``group`` staffed by the roster: one shift entry
    per distinct shift (start, end, breaks) and number of agents, with the ``days``
    it is worked on (in the week's ``order`` of day labels)."""
    out = copy.deepcopy(data)
    entry = out["agent_groups"][group]
    for key in ("agents", "shifts"):
        entry.pop(key, None)
    per_day = Counter((s.day, s.start, s.end, s.breaks) for s in roster.shifts)
    merged: dict[tuple, list[str]] = {}
    for (day, start, end, breaks), n in per_day.items():
        merged.setdefault((start, end, breaks, n), []).append(day)
    shifts = []
    for (start, end, breaks, n), days in sorted(merged.items(), key=lambda kv: kv[0][:2]):
        shift: dict[str, Any] = {
            "start": format_clock(start),
            "end": format_clock(end),
            "agents": n,
        }
        if breaks:
            shift["breaks"] = [
                {"at": format_clock(at), "length": format_duration(length)}
                | ({} if paid else {"paid": False})
                for at, length, paid in breaks
            ]
        shift["days"] = sorted(days, key=order.index)
        shifts.append(shift)
    if shifts:
        entry["shifts"] = shifts
    else:
        entry["agents"] = 0
    out["name"] = f"{data.get('name', 'scenario')} (rostered)"
    return out


def coverage_rows(plan: WeekPlan) -> list[dict[str, Any]]:
    """Per open day and interval: ``required``, ``planned``, ``rostered`` (the
    roster's fewest agents on the floor at any moment of the interval: what the
    program covers), ``on_shift`` (the interval's mean), and with a simulation the
    mean service level, its 95 % CI and whether it meets the target."""
    out = []
    runs = dict(plan.result.days) if plan.result is not None else {}
    for dp in plan.problem.open_days:
        h = dp.day.scenario.horizon
        floor, shift = _presence(plan.roster, dp.label, h, dp.problem.slot)
        k = dp.problem.slots_per_interval
        run = next((r for d, r in runs.items() if d.label == dp.label), None)
        target = dp.day.scenario.service_level.target
        for i, t in enumerate(h.interval_starts()):
            row: dict[str, Any] = {
                "day": dp.label,
                "interval": format_clock(t),
                "required": int(dp.required[i]),
                "planned": int(dp.planned[i]),
                "rostered": int(floor[i * k : (i + 1) * k].min()),
                "on_shift": float(shift[i * k : (i + 1) * k].mean()),
            }
            if run is not None:
                sl = run.summary["by_interval"][i]["service_level"]
                ci = sl["ci95"] or [None, None]
                row |= {
                    "service_level": sl["mean"],
                    "service_level_ci_low": ci[0],
                    "service_level_ci_high": ci[1],
                    "meets_target": sl["mean"] is None or sl["mean"] >= target,
                }
            out.append(row)
    return out


def _presence(roster: WeekRoster, day: str, h: Any, slot: float) -> tuple[np.ndarray, np.ndarray]:
    """Agents on the floor and on shift per slot of ``day`` (at each slot's middle)."""
    mid = h.start + (np.arange(int(round((h.end - h.start) / slot))) + 0.5) * slot
    floor = np.zeros(mid.size, dtype=int)
    shift = np.zeros(mid.size, dtype=int)
    for s in roster.shifts:
        if s.day != day:
            continue
        on = (mid >= s.start) & (mid < s.end)
        shift += on
        for at, length, _paid in s.breaks:
            on &= ~((mid >= at) & (mid < at + length))
        floor += on
    return floor, shift
