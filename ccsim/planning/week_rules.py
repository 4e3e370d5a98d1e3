"""Weekly rules of a shift templates file (周排班规则): contracts, days off, rest.

The ``week:`` section of a templates file (docs/scheduling.md, "Weekly rosters")
says who may work the templates over a week::

    week:
      min_rest: 11h                 # default of every contract: hours between shifts
      max_consecutive_days: 6       # default of every contract
      contracts:
        full_time:
          templates: [early, late]  # the templates its agents work
          pattern: 5/2              # days off: 5 days on then 2 off, any phase
          weekly_hours: {min: 40, max: 40}
          max: 60                   # agents available on this contract
        part_time:
          templates: [short]
          days: {min: 3, max: 5}    # working days per week
          weekly_hours: {min: 16, max: 24}
          max: 20

Checks that need the week itself (a pattern longer than the week, weekly hours no
working days can reach) are in `check_rules`, run when the week is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import (
    check_keys,
    duration,
    fail,
    items,
    mapping,
    number,
    optional,
    reference,
    whole,
)
from ccsim.units import describe

__all__ = ["Contract", "WeekRules", "check_rules", "most_days", "rules_from_dict"]

WEEK_KEYS = ("min_rest", "max_consecutive_days", "cyclic", "contracts")
CONTRACT_KEYS = (
    "templates",
    "pattern",
    "days",
    "weekly_hours",
    "min_rest",
    "max_consecutive_days",
    "min",
    "max",
)
#: At most this many agents per contract (each is a row of binary variables).
MAX_CONTRACT_AGENTS = 500


@dataclass(frozen=True)
class Contract:
    """Agents who work ``templates`` under the same weekly rules.

    ``pattern`` ``(on, off)``: the days off follow a cycle of ``on`` working days and
    ``off`` days off from any phase (an agent works every open day of its ``on``
    days). ``days`` bounds the working days, ``weekly_hours`` the paid hours of an
    agent who works that week; ``min_rest`` is seconds between the end of one
    shift and the start of the next; ``max_agents`` the agents available."""

    name: str
    templates: tuple[str, ...]
    pattern: tuple[int, int] | None = None
    days: tuple[int, int | None] = (0, None)
    weekly_hours: tuple[float, float | None] = (0.0, None)
    min_rest: float = 0.0
    max_consecutive_days: int | None = None
    min_agents: int = 0
    max_agents: int = 0

    def rotations(self, n_days: int) -> list[tuple[bool, ...]]:
        """The working days of each phase of the pattern over ``n_days`` days, each
        once (none without a pattern)."""
        if self.pattern is None:
            return []
        on, off = self.pattern
        period = on + off
        out = []
        for r in range(period):
            days = tuple((d + r) % period < on for d in range(n_days))
            if days not in out:
                out.append(days)
        return out


@dataclass(frozen=True)
class WeekRules:
    """The ``week:`` section: its contracts and whether the week repeats (``cyclic``:
    rest and consecutive days run on from the last day to the first)."""

    contracts: tuple[Contract, ...]
    cyclic: bool = False


def rules_from_dict(data: Any, template_names: list[str]) -> WeekRules:
    """Validate the ``week:`` section (``data``) of a templates file; errors are
    `ScenarioError` at their field (``week.contracts.part_time.weekly_hours.min``)."""
    loc: Loc = ("week",)
    d = mapping(data, loc)
    check_keys(d, loc, WEEK_KEYS, ("contracts",))
    rest = optional(d, "min_rest", 0.0, lambda v, at: duration(v, at, ge=0, le=86400 * 2), loc)
    most = optional(d, "max_consecutive_days", None, lambda v, at: whole(v, at, ge=1), loc)
    cyclic = optional(d, "cyclic", False, _flag, loc)
    contracts = tuple(
        _contract(key, raw, (*loc, "contracts", key), template_names, rest, most)
        for key, raw in items(d["contracts"], (*loc, "contracts"), "contract")
    )
    return WeekRules(contracts, cyclic)


def _flag(value: Any, at: Loc) -> bool:
    if not isinstance(value, bool):
        fail(at, f"must be true or false, got {describe(value)}")
    return value


def _contract(
    key: str, raw: Any, loc: Loc, names: list[str], rest: float, most: int | None
) -> Contract:
    c = mapping(raw, loc)
    check_keys(c, loc, CONTRACT_KEYS, ("templates", "max"))
    templates = c["templates"]
    if not isinstance(templates, list) or not templates:
        fail((*loc, "templates"), f"must list shift templates such as [{names[0]}]")
    chosen = tuple(
        reference(t, (*loc, "templates", i), names, "shift template")
        for i, t in enumerate(templates)
    )
    pattern = optional(c, "pattern", None, _pattern, loc)
    days = optional(c, "days", (0, None), lambda v, at: _range(v, at, whole), loc)
    hours = optional(c, "weekly_hours", (0.0, None), lambda v, at: _range(v, at, number), loc)
    own_rest = optional(c, "min_rest", rest, lambda v, at: duration(v, at, ge=0, le=172800), loc)
    own_most = optional(c, "max_consecutive_days", most, lambda v, at: whole(v, at, ge=1), loc)
    high = whole(c["max"], (*loc, "max"), ge=0, le=MAX_CONTRACT_AGENTS)
    low = optional(c, "min", 0, lambda v, at: whole(v, at, ge=0, le=high), loc)
    return Contract(key, chosen, pattern, days, hours, own_rest, own_most, low, high)


def _pattern(value: Any, loc: Loc) -> tuple[int, int]:
    """``"5/2"``: days on, then days off."""
    parts = value.split("/") if isinstance(value, str) else []
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        fail(loc, f'must be "ON/OFF", days on then days off, such as "5/2", got {describe(value)}')
    on, off = (int(p) for p in parts)
    if on < 1:
        fail(loc, f"must have at least 1 day on, got {describe(value)}")
    return on, off


def _range(value: Any, loc: Loc, read: Any) -> tuple[Any, Any]:
    """``{min, max}`` (both optional, ``min`` <= ``max``), each read by ``read``."""
    r = mapping(value, loc)
    check_keys(r, loc, ("min", "max"))
    low = optional(r, "min", 0, lambda v, at: read(v, at, ge=0), loc)
    high = optional(r, "max", None, lambda v, at: read(v, at, ge=low), loc)
    return low, high


def check_rules(
    rules: WeekRules,
    open_days: list[bool],
    paid_hours: dict[str, float],
    error: Any,
) -> None:
    """Rules that cannot hold in this week are errors, raised by ``error(message,
    loc)`` (the templates file's `ShiftTemplates.error`): a pattern longer than the
    week, too few days for ``days.min``, or weekly hours that no working days and
    shifts can reach (``paid_hours`` per template)."""
    n = len(open_days)
    for c in rules.contracts:
        loc = ("week", "contracts", c.name)
        if c.pattern is not None and sum(c.pattern) > n:
            raise error(
                f"{c.pattern[0]} days on and {c.pattern[1]} off is a cycle of {sum(c.pattern)}"
                f" days, longer than the week ({n} days): the cycle must fit in the week",
                (*loc, "pattern"),
            )
        most = most_days(c, open_days)
        if c.days[0] > most:
            raise error(
                f"must be at most {most}: the open days, pattern and consecutive-day"
                f" limit of this week allow no more working days, got {c.days[0]}",
                (*loc, "days", "min"),
            )
        hours = [paid_hours[t] for t in c.templates]
        reach = most * max(hours)
        low, high = c.weekly_hours
        if low > reach + 1e-9:
            raise error(
                f"cannot be met: at most {most} working days of at most {max(hours):g} paid"
                f" hours ({', '.join(c.templates)}) make {reach:g} hours; allowed: at most"
                f" {reach:g}, or longer shifts or more days",
                (*loc, "weekly_hours", "min"),
            )
        fewest = max(c.days[0], min((sum(r) for r in _open_rotations(c, open_days)), default=0))
        if high is not None and fewest * min(hours) > high + 1e-9:
            raise error(
                f"cannot be met: at least {fewest} working days of at least {min(hours):g} paid"
                f" hours make {fewest * min(hours):g} hours; allowed: at least"
                f" {fewest * min(hours):g}, or shorter shifts or fewer days",
                (*loc, "weekly_hours", "max"),
            )


def _open_rotations(c: Contract, open_days: list[bool]) -> list[tuple[bool, ...]]:
    return [
        tuple(w and o for w, o in zip(r, open_days, strict=True))
        for r in c.rotations(len(open_days))
    ]


def most_days(c: Contract, open_days: list[bool]) -> int:
    """The most working days an agent of ``c`` can have this week (non-cyclic)."""
    if c.pattern is not None:
        return max(sum(r) for r in _open_rotations(c, open_days))
    run, best_total = 0, 0
    limit = c.max_consecutive_days or len(open_days)
    for is_open in open_days:  # greedy: work every open day, rest when the run is full
        if is_open and run < limit:
            run += 1
            best_total += 1
        else:
            run = 0
    cap = c.days[1] if c.days[1] is not None else len(open_days)
    return min(best_total, cap)
