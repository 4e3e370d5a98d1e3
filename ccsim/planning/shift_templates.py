"""Shift templates (班次模板): the shifts a schedule may use, read from a YAML file.

A templates file (docs/scheduling.md has the full reference)::

    group: agents                      # optional: the agent group to schedule
    break_step: 15min                  # optional: breaks are placed on this grid
    templates:
      full_time:
        starts: {from: "07:00", to: "12:00", every: 30min}   # or ["08:00", "09:30"]
        length: 8.5h
        breaks:                        # each lies within its window, measured from
          - {length: 15min, window: [1h, 3h]}                 # the shift's start
          - {length: 30min, window: [3h, 5h], paid: false}    # unpaid lunch
        cost: {per_hour: 25}           # or {per_shift: 200}; default: the group's agent_hour
        min: 0                         # optional: at least / at most this many agents
        max: 40
      part_time:
        starts: ["10:00", "16:00"]
        length: 4h

Errors name the file, the line and the field, and say what is allowed, exactly as
a scenario's do (`ccsim.scenario.errors.ScenarioError`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccsim.planning.week_rules import WeekRules, rules_from_dict
from ccsim.scenario.errors import Loc, ScenarioError
from ccsim.scenario.fields import (
    boolean,
    check_keys,
    clock,
    duration,
    fail,
    items,
    mapping,
    name,
    number,
    optional,
    whole,
)
from ccsim.scenario.limits import LIMITS
from ccsim.scenario.load import locate, read_yaml_file
from ccsim.scenario.yamltree import LineMap
from ccsim.units import describe, format_clock, format_duration

FILE_KEYS = ("description", "group", "break_step", "templates", "week")
TEMPLATE_KEYS = ("starts", "length", "breaks", "cost", "min", "max")
BREAK_KEYS = ("length", "window", "paid")
COST_KEYS = ("per_hour", "per_shift")
RANGE_KEYS = ("from", "to", "every")
#: The default grid on which breaks are placed within their windows.
DEFAULT_BREAK_STEP = 900.0


@dataclass(frozen=True)
class BreakRule:
    """A break of ``length`` seconds lying within ``window`` (seconds after the
    shift's start, both ends); paid unless ``paid`` is false."""

    length: float
    window: tuple[float, float]
    paid: bool = True

    def offsets(self, step: float) -> list[float]:
        """Where the break may start, in seconds after the shift's start."""
        out, t = [], self.window[0]
        while t + self.length <= self.window[1] + 1e-9:
            out.append(t)
            t += step
        return out


@dataclass(frozen=True)
class ShiftTemplate:
    """A kind of shift: its allowed starts (clock seconds), length, breaks and cost.

    ``per_hour`` is paid per paid hour (the length less unpaid breaks), ``per_shift``
    per agent and shift; with neither, the agent group's hourly cost applies.
    ``min_agents`` / ``max_agents`` bound the agents on this template over all starts.
    """

    name: str
    starts: tuple[float, ...]
    length: float
    breaks: tuple[BreakRule, ...] = ()
    per_hour: float | None = None
    per_shift: float | None = None
    min_agents: int = 0
    max_agents: int | None = None

    @property
    def paid_hours(self) -> float:
        return (self.length - sum(b.length for b in self.breaks if not b.paid)) / 3600.0

    def cost(self, group_rate: float) -> float:
        """One agent's cost for one such shift."""
        if self.per_shift is not None:
            return self.per_shift
        rate = self.per_hour if self.per_hour is not None else group_rate
        return rate * self.paid_hours


@dataclass(frozen=True)
class ShiftTemplates:
    """A validated templates file. ``source`` and ``lines`` locate later messages
    (an interval no template covers is reported at ``templates``)."""

    templates: tuple[ShiftTemplate, ...]
    group: str | None = None
    break_step: float = DEFAULT_BREAK_STEP
    description: str | None = None
    source: str | None = None
    lines: LineMap = field(default_factory=LineMap, repr=False, compare=False)
    #: The ``week:`` section (contracts, days off, rest; `ccsim.planning.week_rules`).
    week: WeekRules | None = None

    def error(self, message: str, loc: Loc = ("templates",)) -> ScenarioError:
        """A `ScenarioError` at ``loc`` of this file (its line when known)."""
        return ScenarioError(message, path=loc, file=self.source, line=self.lines.line_of(loc))


def load_templates(path: str | Path) -> ShiftTemplates:
    """Read and validate a shift templates file."""
    path = Path(path)
    data, lines = read_yaml_file(path, "shift templates")
    try:
        return templates_from_dict(data, str(path), lines)
    except ScenarioError as err:
        raise locate(err, str(path), lines) from None


def templates_from_dict(
    data: Any, source: str = "<dict>", lines: LineMap | None = None
) -> ShiftTemplates:
    """Validate templates already in Python form (messages then have no line numbers
    unless ``lines`` is given)."""
    lines = lines or LineMap()
    try:
        d = mapping(data, ())
        check_keys(d, (), FILE_KEYS, ("templates",))
        group = optional(d, "group", None, lambda v, at: name(v, at, "a group name"), ())
        step = optional(d, "break_step", DEFAULT_BREAK_STEP, _positive_duration, ())
        templates = tuple(
            _template(key, raw, ("templates", key), step)
            for key, raw in items(d["templates"], ("templates",), "shift template")
        )
        description = d.get("description")
        week = None
        if d.get("week") is not None:
            week = rules_from_dict(d["week"], [t.name for t in templates])
        return ShiftTemplates(
            templates,
            group,
            step,
            None if description is None else str(description),
            source,
            lines,
            week,
        )
    except ScenarioError as err:
        raise locate(err, source, lines) from None


def _positive_duration(value: Any, loc: Loc) -> float:
    return duration(value, loc, gt=0)


def _template(key: str, raw: Any, loc: Loc, step: float) -> ShiftTemplate:
    t = mapping(raw, loc)
    check_keys(t, loc, TEMPLATE_KEYS, ("starts", "length"))
    starts = _starts(t["starts"], (*loc, "starts"))
    length = duration(t["length"], (*loc, "length"), gt=0, le=86400)
    breaks = _breaks(t.get("breaks"), (*loc, "breaks"), length, step)
    per_hour, per_shift = _cost(t.get("cost"), (*loc, "cost"))
    most = LIMITS.max_shift_agents  # bounded before the solver lays out every agent
    low = optional(t, "min", 0, lambda v, at: whole(v, at, ge=0, le=most), loc)
    high = optional(t, "max", None, lambda v, at: whole(v, at, ge=low, le=most), loc)
    return ShiftTemplate(key, starts, length, breaks, per_hour, per_shift, low, high)


def _starts(value: Any, loc: Loc) -> tuple[float, ...]:
    """A list of clock times, or ``{from, to, every}`` (``to`` included)."""
    if isinstance(value, list):
        if not value:
            fail(loc, 'must list at least one start time, such as ["08:00", "09:30"]')
        out: list[float] = []
        for i, v in enumerate(value):
            t = clock(v, (*loc, i))
            if t in out:
                fail((*loc, i), f"{format_clock(t)} is listed twice")
            out.append(t)
        return tuple(sorted(out))
    if not isinstance(value, dict):
        example = '["08:00", "09:30"] or {from: "07:00", to: "12:00", every: 30min}'
        fail(
            loc,
            f"must be a list of start times or a range such as {example}, got {describe(value)}",
        )
    check_keys(value, loc, RANGE_KEYS, RANGE_KEYS)
    first = clock(value["from"], (*loc, "from"))
    last = clock(value["to"], (*loc, "to"))
    if last < first:
        fail(
            (*loc, "to"),
            f"must not be before from ({format_clock(first)}), got {describe(value['to'])}",
        )
    every = duration(value["every"], (*loc, "every"), gt=0)
    count = int((last - first) // every) + 1
    if count > 2000:
        fail((*loc, "every"), f"gives {count} start times; at most 2000 (a larger step?)")
    return tuple(first + i * every for i in range(count))


def _breaks(value: Any, loc: Loc, length: float, step: float) -> tuple[BreakRule, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        example = "{length: 30min, window: [3h, 5h], paid: false}"
        fail(loc, f"must be a list of breaks such as {example}, got {describe(value)}")
    rules: list[BreakRule] = []
    for i, raw in enumerate(value):
        at = (*loc, i)
        b = mapping(raw, at)
        check_keys(b, at, BREAK_KEYS, ("length", "window"))
        size = duration(b["length"], (*at, "length"), gt=0)
        paid = optional(b, "paid", True, boolean, at)
        window = b["window"]
        if not isinstance(window, list) or len(window) != 2:
            got = f"a list of {len(window)}" if isinstance(window, list) else describe(window)
            fail(
                (*at, "window"),
                f"must be [earliest, latest]: two durations after the shift's start such as"
                f" [3h, 5h], got {got}",
            )
        w0, w1 = (duration(w, (*at, "window", j), ge=0) for j, w in enumerate(window))
        if w1 - w0 < size:
            fail(
                (*at, "window"),
                f"must be at least as long as the break ({format_duration(size)}), got"
                f" {format_duration(w0)} to {format_duration(w1)}",
            )
        if w1 > length:
            fail(
                (*at, "window", 1),
                f"must end within the shift ({format_duration(length)}), got {describe(window[1])}",
            )
        for j, other in enumerate(rules):
            if w0 < other.window[1] and other.window[0] < w1:
                fail(
                    (*at, "window"),
                    f"overlaps the window of break {j} ({format_duration(other.window[0])} to"
                    f" {format_duration(other.window[1])}): a template's break windows must not"
                    " overlap, so that any placement of one break fits any placement of another",
                )
        rule = BreakRule(size, (w0, w1), paid)
        if not rule.offsets(step):
            fail((*at, "window"), "has no room for the break")
        rules.append(rule)
    return tuple(sorted(rules, key=lambda r: r.window[0]))


def _cost(value: Any, loc: Loc) -> tuple[float | None, float | None]:
    if value is None:
        return None, None
    if isinstance(value, (bool, int, float)):
        fail(loc, f"must be {{per_hour: X}} or {{per_shift: X}}, got {describe(value)}")
    c = mapping(value, loc)
    check_keys(c, loc, COST_KEYS)
    given = [k for k in COST_KEYS if c.get(k) is not None]
    if len(given) != 1:
        fail(loc, "give exactly one of per_hour (per paid hour) or per_shift (per agent and shift)")
    amount = number(c[given[0]], (*loc, given[0]), ge=0)
    return (amount, None) if given[0] == "per_hour" else (None, amount)


__all__ = ["BreakRule", "ShiftTemplate", "ShiftTemplates", "load_templates", "templates_from_dict"]
