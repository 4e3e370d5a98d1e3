"""What a weekly roster covers (周排班的需求): each open day's shift options and
agents to have on the floor, from a week scenario and a templates file.

Each open day is scheduled on its own slot grid, exactly as `ccsim.planning.scheduling`
does for one day (`shift_problem` on the day's scenario, with the templates whose
shifts fit that day's open hours); the week links the days only through the agents
(`ccsim.planning.week_roster`). The requirement of a day is Erlang C / A per interval
on that day's own volumes (or simulation-based staffing, or a CSV with a ``day``
column), grossed up for shrinkage and absences as for a day.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ccsim.planning.scheduling import (
    ERLANG_SOURCE,
    ShiftProblem,
    interval_requirement,
    planned_requirement,
    shift_problem,
)
from ccsim.planning.shift_templates import ShiftTemplates
from ccsim.planning.week_rules import WeekRules, check_rules
from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.week import Day, Week
from ccsim.units import format_clock, parse_clock

__all__ = [
    "WeekDayProblem",
    "WeekProblem",
    "read_week_requirement",
    "week_problem",
    "week_requirement",
]


@dataclass
class WeekDayProblem:
    """One day of the week: its position, its shift options and slot needs (None
    when closed), and the agents required and planned per interval."""

    index: int
    day: Day
    problem: ShiftProblem | None
    required: np.ndarray | None
    planned: np.ndarray | None

    @property
    def label(self) -> str:
        return self.day.label


@dataclass
class WeekProblem:
    """Every day's problem, the rules linking them, and notes for the planner."""

    week: Week
    group: str
    templates: ShiftTemplates
    rules: WeekRules
    days: list[WeekDayProblem]
    notes: list[str] = field(default_factory=list)

    @property
    def open_days(self) -> list[WeekDayProblem]:
        return [d for d in self.days if d.problem is not None]


def week_requirement(
    week: Week,
    group: str,
    how: str = "erlang",
    progress: Callable[[str], None] | None = None,
    **run: Any,
) -> tuple[list[np.ndarray | None], str]:
    """Agents on the floor required per interval of each open day (None when
    closed), by `interval_requirement` on each day's scenario, and its note."""
    out: list[np.ndarray | None] = []
    note = ""
    for day in week.days:
        if day.scenario is None:
            out.append(None)
            continue
        if progress is not None and how != "erlang":
            progress(f"requirement of {day.label} …")
        req, note = interval_requirement(day.scenario, group, how, progress=progress, **run)
        out.append(req)
    return out, f"{note}, each day" if note == ERLANG_SOURCE else note


def read_week_requirement(path: str | Path, week: Week) -> list[np.ndarray | None]:
    """Agents required per interval of each day from a CSV with columns ``day``
    (as ``horizon.days`` names it), ``start`` ("HH:MM") and ``required_agents`` (or
    ``required``, ``agents``); fractions round up; an interval not listed requires 0.
    A closed day, or a time outside a day's open hours, with agents required is an
    error naming the file and row."""
    path = Path(path)
    where = str(path)
    try:
        rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    except OSError as exc:
        raise ScenarioError(f"cannot read the requirement file: {exc}", file=where) from None
    header = [h.strip().lower() for h in (rows[0].keys() if rows else [])]
    column = next((c for c in ("required_agents", "required", "agents") if c in header), None)
    if not {"day", "start"} <= set(header) or column is None:
        raise ScenarioError(
            "a weekly requirement needs the columns day, start and required_agents"
            f" (or required, agents); got {', '.join(header) or 'no header'}",
            file=where,
        )
    days = {d.label: d for d in week.days}
    out = [
        None if d.scenario is None else np.zeros(d.scenario.horizon.n_intervals, dtype=int)
        for d in week.days
    ]
    for n, raw in enumerate(rows, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        _requirement_row(row, column, days, week, out, f"{where}:{n}")
    return out


def _requirement_row(row: dict, column: str, days: dict, week: Week, out: list, where: str) -> None:
    label = row["day"].lower()
    if label not in days:
        raise ScenarioError(
            f"day: {row['day']!r} is not a day of the week; allowed: {', '.join(days)}",
            file=where,
        )
    try:
        agents = int(np.ceil(float(row[column]) - 1e-9))
        start = parse_clock(row["start"])
    except ValueError as exc:
        raise ScenarioError(f"{column}/start: {exc}", file=where) from None
    day = days[label]
    if day.scenario is None:
        if agents > 0:
            raise ScenarioError(
                f"day: {label} is closed (horizon.open) but requires {agents} agents at"
                f" {row['start']}; allowed on a closed day: 0 or no row",
                file=where,
            )
        return
    h = day.scenario.horizon
    starts = h.interval_starts()
    if start not in starts:
        if agents > 0:
            raise ScenarioError(
                f"start: {row['start']} is not a planning interval of {label}, open"
                f" {format_clock(h.start)} to {format_clock(h.end)} in steps of"
                f" {int(h.interval // 60)} min; allowed outside the open hours: 0",
                file=where,
            )
        return
    out[week.days.index(day)][starts.index(start)] = agents


def week_problem(
    week: Week,
    group: str,
    templates: ShiftTemplates,
    required: list[np.ndarray | None],
    on_floor: bool = True,
    extra: list[np.ndarray | None] | None = None,
) -> WeekProblem:
    """Each open day's `ShiftProblem` (the templates that fit its hours) for the
    planned requirement (``required`` grossed up when ``on_floor``, plus ``extra``);
    the week's rules are checked against its open days first."""
    rules = templates.week
    if rules is None:
        raise templates.error(
            "a week scenario needs weekly rules: add a week: section with contracts"
            " (docs/scheduling.md, Weekly rosters)",
            ("templates",),
        )
    paid = {t.name: t.paid_hours for t in templates.templates}
    check_rules(rules, [d.is_open for d in week.days], paid, templates.error)
    days, notes = [], []
    for i, day in enumerate(week.days):
        if day.scenario is None:
            days.append(WeekDayProblem(i, day, None, None, None))
            continue
        req = required[i]
        planned = planned_requirement(day.scenario, group, req, on_floor)
        if extra is not None and extra[i] is not None:
            planned = planned + extra[i]
        problem = _day_problem(day, group, templates, planned)
        notes += [f"{day.label}: {n}" for n in problem.notes]
        days.append(WeekDayProblem(i, day, problem, np.asarray(req), planned))
    used = {t for c in rules.contracts for t in c.templates}
    unused = [t.name for t in templates.templates if t.name not in used]
    if unused:
        notes.append(f"templates {', '.join(unused)} belong to no contract: not used")
    return WeekProblem(week, group, templates, rules, days, notes)


def _day_problem(day: Day, group: str, templates: ShiftTemplates, planned: np.ndarray):
    """The day's shift problem with the templates that have a start in its hours."""
    h = day.scenario.horizon
    fitting = tuple(
        t
        for t in templates.templates
        if any(s >= h.start and s + t.length <= h.end for s in t.starts)
    )
    if not fitting:
        raise templates.error(
            f"no template has a shift within {day.label}'s open hours"
            f" ({format_clock(h.start)} to {format_clock(h.end)})"
        )
    try:
        return shift_problem(
            day.scenario, group, dataclasses.replace(templates, templates=fitting), planned
        )
    except ScenarioError as err:
        err.message = f"on {day.label}: {err.message}"
        raise
