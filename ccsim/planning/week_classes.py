"""Classes of agents of a weekly roster (周排班的班型): agents of a contract who work
the same days of the week (and, where the contract's templates differ in paid hours
and its weekly hours are bounded, shifts of the same paid hours each day). The
weekly program (`ccsim.planning.week_roster`) counts agents per class, so the days
off, working days, consecutive days and weekly hours hold by construction."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ccsim.planning.week_problem import WeekProblem
from ccsim.planning.week_rules import Contract

__all__ = ["MAX_CLASSES", "WeekClass", "day_sets", "week_classes"]

#: At most this many classes per contract (weekly days × paid-hours choices).
MAX_CLASSES = 5000


@dataclass(frozen=True)
class WeekClass:
    """Agents of ``contract`` who work ``days``; ``hours[d]``: the paid hours of
    their shift on day d (None: any of the contract's templates)."""

    contract: Contract
    days: tuple[bool, ...]
    hours: tuple[float | None, ...]


def day_sets(c: Contract, problem: WeekProblem) -> list[tuple[bool, ...]]:
    """The working days an agent of ``c`` may have this week: a pattern's phases
    (closed days off), or every set of open days within ``days`` and the
    consecutive-day limit."""
    opened = [d.problem is not None for d in problem.days]
    if c.pattern is not None:
        out = []
        for r in c.rotations(len(opened)):
            days = tuple(w and o for w, o in zip(r, opened, strict=True))
            if any(days) and days not in out:
                out.append(days)
        return out
    out = []
    for days in itertools.product((False, True), repeat=len(opened)):
        n = sum(days)
        if not n or any(d and not o for d, o in zip(days, opened, strict=True)):
            continue
        if n < c.days[0] or (c.days[1] is not None and n > c.days[1]):
            continue
        most = c.max_consecutive_days
        if most is not None and _longest_run(days, problem.rules.cyclic) > most:
            continue
        out.append(days)
    return out


def _longest_run(days: tuple[bool, ...], cyclic: bool) -> int:
    best = run = 0
    for d in days + days if cyclic else days:
        run = run + 1 if d else 0
        best = max(best, run)
    return min(best, len(days))


def week_classes(c: Contract, problem: WeekProblem) -> list[WeekClass]:
    """The classes of ``c``: its day sets, times the paid hours of each working day
    when its templates differ in paid hours and its weekly hours are bounded; only
    those whose weekly hours can lie within bounds."""
    levels = sorted({t.paid_hours for t in problem.templates.templates if t.name in c.templates})
    low, high = c.weekly_hours
    high = np.inf if high is None else high
    free = len(levels) == 1 or (low == 0 and high == np.inf)
    out: list[WeekClass] = []
    for days in day_sets(c, problem):
        n = sum(days)
        if free:
            if n * levels[-1] >= low - 1e-9 and n * levels[0] <= high + 1e-9:
                out.append(WeekClass(c, days, (None,) * len(days)))
            continue
        for choice in itertools.product(levels, repeat=n):
            if low - 1e-9 <= sum(choice) <= high + 1e-9:
                it = iter(choice)
                out.append(WeekClass(c, days, tuple(next(it) if d else None for d in days)))
        if len(out) > MAX_CLASSES:
            raise problem.templates.error(
                f"gives more than {MAX_CLASSES} kinds of working week (days × paid hours);"
                " allowed: fewer templates of different lengths, or fewer free days",
                ("week", "contracts", c.name),
            )
    return out
