"""Staffing keys: how many agents a group has and when, and explicit absences.

A group's staffing is exactly one of::

    agents: 25                        # all day
    agents: [20, 25, 25, 22]          # a staffing line: one number per planning interval
    shifts:
      - start: "08:00"                # within the horizon; start < end
        end: "16:30"
        agents: 6
        breaks:                       # optional; each within its shift
          - {at: "10:00", length: 15min}                              # a fixed time
          - {window: ["11:30", "13:30"], length: 30min, paid: false}  # staggered

and absences (top level) take agents of a group off for a period::

    absences:
      - {group: generalists, from: "09:00", to: "11:00", agents: 3}
"""

from __future__ import annotations

from typing import Any

from ccsim.scenario.arrivals import per_interval
from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import (
    boolean,
    check_keys,
    clock,
    duration,
    fail,
    mapping,
    optional,
    reference,
    whole,
)
from ccsim.scenario.model import Absence, Break, Horizon, Shift
from ccsim.units import DAY, describe, format_clock, format_duration

STAFFING_KEYS = ("agents", "shifts")


def staffing(
    g: dict, loc: Loc, horizon: Horizon
) -> tuple[int, tuple[int, ...] | None, tuple[Shift, ...]]:
    """(agents all day, agents per planning interval, shifts) of a group: exactly one is given."""
    given = [key for key in g if key in STAFFING_KEYS and g[key] is not None]
    if not given:
        fail(
            loc,
            "has no staffing: give agents: N (all day), agents: [...] (one number per"
            " planning interval) or shifts",
        )
    if len(given) > 1:
        fail(
            (*loc, given[1]),
            "give either agents or shifts, not both (agents staff the group all day or per"
            " planning interval; shifts say who works when)",
        )
    if "shifts" in given:
        return 0, None, shifts(g["shifts"], (*loc, "shifts"), horizon)
    agents, at = g["agents"], (*loc, "agents")
    if not isinstance(agents, list):
        return whole(agents, at, ge=0), None, ()
    per_interval(agents, at, horizon, "number of agents")
    return 0, tuple(whole(n, (*at, i), ge=0) for i, n in enumerate(agents)), ()


def shifts(value: Any, loc: Loc, horizon: Horizon) -> tuple[Shift, ...]:
    if not isinstance(value, list):
        example = '{start: "08:00", end: "16:30", agents: 6}'
        fail(loc, f"must be a list of shifts such as {example}, got {describe(value)}")
    if not value:
        fail(loc, "must list at least one shift")
    return tuple(_shift(raw, (*loc, i), horizon) for i, raw in enumerate(value))


def _span(start: float, end: float) -> str:
    return f"{format_clock(start)} to {format_clock(end)}"


def next_day(t: float, after: float, end: float, strict: bool = True) -> float:
    """A clock time read in a span ``[after, end]`` that passes midnight: a time before
    ``after`` (at or before it when not ``strict``) is the next day's, if that lies
    in the span. So in a 20:00–06:00 horizon "02:00" is 02:00 after midnight, and a
    shift "22:00"–"06:00" ends the next morning; "02:00+1" says so explicitly."""
    early = t < after if strict else t <= after
    return t + DAY if early and t < DAY and t + DAY <= end else t


def period(p: dict, loc: Loc, keys: tuple[str, str], horizon: Horizon) -> tuple[float, float]:
    """The clock times ``p[keys[0]] < p[keys[1]]``, both within the horizon (a horizon
    past midnight reads earlier times as the next day's, `next_day`)."""
    first, last = keys
    start = next_day(clock(p[first], (*loc, first)), horizon.start, horizon.end)
    end = next_day(clock(p[last], (*loc, last)), start, horizon.end, strict=False)
    within = f"must be within the horizon ({_span(horizon.start, horizon.end)})"
    if not horizon.start <= start < horizon.end:
        fail((*loc, first), f"{within}, got {describe(p[first])}")
    if end <= start:
        fail(
            (*loc, last), f"must be after {first} ({format_clock(start)}), got {describe(p[last])}"
        )
    if end > horizon.end:
        fail((*loc, last), f"{within}, got {describe(p[last])}")
    return start, end


def _shift(raw: Any, loc: Loc, horizon: Horizon) -> Shift:
    s = mapping(raw, loc)
    check_keys(s, loc, ("start", "end", "agents", "breaks"), ("start", "end", "agents"))
    start, end = period(s, loc, ("start", "end"), horizon)
    agents = whole(s["agents"], (*loc, "agents"), ge=0)
    breaks: list[Break] = []
    raw_breaks = s.get("breaks")
    if raw_breaks is not None:
        if not isinstance(raw_breaks, list):
            example = '{at: "10:00", length: 15min}'
            fail(
                (*loc, "breaks"),
                f"must be a list of breaks such as {example}, got {describe(raw_breaks)}",
            )
        for i, b in enumerate(raw_breaks):
            at = (*loc, "breaks", i)
            brk = _break(b, at, start, end)
            if brk.window_end is None:
                _check_overlap(brk, at, breaks)
            breaks.append(brk)
    return Shift(start, end, agents, tuple(breaks))


def _break(raw: Any, loc: Loc, shift_start: float, shift_end: float) -> Break:
    b = mapping(raw, loc)
    check_keys(b, loc, ("at", "window", "length", "paid"), ("length",))
    length = duration(b["length"], (*loc, "length"), gt=0)
    paid = optional(b, "paid", True, boolean, loc)
    given = [key for key in b if key in ("at", "window") and b[key] is not None]
    if not given:
        fail(
            loc,
            'has no time: give at: "HH:MM" (a fixed time) or window: ["HH:MM", "HH:MM"]'
            " (breaks staggered over the window)",
        )
    if len(given) > 1:
        fail(
            (*loc, given[1]),
            "give either at (a fixed time) or window (breaks staggered over it), not both",
        )
    shift = f"its shift ({_span(shift_start, shift_end)})"
    if "at" in given:
        t = next_day(clock(b["at"], (*loc, "at")), shift_start, shift_end)
        if t < shift_start or t + length > shift_end:
            fail(
                (*loc, "at"),
                f"the break ({_span(t, t + length)}) must lie within {shift}",
            )
        return Break(t, length, None, paid)
    window, at = b["window"], (*loc, "window")
    if not isinstance(window, list) or len(window) != 2:
        got = f"a list of {len(window)}" if isinstance(window, list) else describe(window)
        fail(at, f'must be [start, end]: two clock times such as ["11:30", "13:30"], got {got}')
    w0 = next_day(clock(window[0], (*at, 0)), shift_start, shift_end)
    w1 = next_day(clock(window[1], (*at, 1)), w0, shift_end, strict=False)
    if w1 <= w0:
        fail(
            (*at, 1),
            f"must be after the window's start ({format_clock(w0)}), got {describe(window[1])}",
        )
    if w1 - w0 < length:
        fail(
            at,
            f"must be at least as long as the break ({format_duration(length)}),"
            f" got {_span(w0, w1)} ({format_duration(w1 - w0)})",
        )
    if w0 < shift_start or w1 > shift_end:
        fail(at, f"the window ({_span(w0, w1)}) must lie within {shift}")
    return Break(w0, length, w1, paid)


def _check_overlap(brk: Break, loc: Loc, earlier: list[Break]) -> None:
    """Fixed-time breaks of one shift must not overlap (windows are staggered: not checked)."""
    for other in earlier:
        if other.window_end is None and (
            brk.start < other.start + other.length and other.start < brk.start + brk.length
        ):
            fail(
                (*loc, "at"),
                f"the break ({_span(brk.start, brk.start + brk.length)}) overlaps the break at"
                f" {format_clock(other.start)} ({format_duration(other.length)}):"
                " breaks of one shift must not overlap",
            )


def absences(value: Any, loc: Loc, horizon: Horizon, groups: list[str]) -> tuple[Absence, ...]:
    if not isinstance(value, list):
        example = '{group: generalists, from: "09:00", to: "11:00", agents: 3}'
        fail(loc, f"must be a list of absences such as {example}, got {describe(value)}")
    out = []
    for i, raw in enumerate(value):
        at = (*loc, i)
        a = mapping(raw, at)
        keys = ("group", "from", "to", "agents")
        check_keys(a, at, keys, keys)
        group = reference(a["group"], (*at, "group"), groups, "agent group")
        start, end = period(a, at, ("from", "to"), horizon)
        out.append(Absence(group, start, end, whole(a["agents"], (*at, "agents"), ge=1)))
    return tuple(out)
