"""The scenario's day and service level: ``horizon`` and ``service_level`` -> `Horizon`,
`ServiceLevel` (the keys: `ccsim.scenario.validate`)."""

from __future__ import annotations

from typing import Any

from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import (
    check_keys,
    choice,
    clock,
    duration,
    fail,
    mapping,
    number,
    optional,
)
from ccsim.scenario.model import (
    SL_DEFINITIONS,
    Horizon,
    ServiceLevel,
)
from ccsim.units import DAY, describe, format_clock, format_duration

INTERVALS = (900.0, 1800.0, 3600.0)


def read_horizon(value: Any, loc: Loc) -> Horizon:
    h = mapping(value, loc)
    if "days" in h:
        fail(
            (*loc, "days"),
            "a week (a horizon with days) runs with ccsim run, report, compare, sweep, staff "
            "and plot; this command reads a single day",
        )
    keys = ("start", "end", "length", "interval", "warmup", "warm_up")
    check_keys(h, loc, keys, ("start", "interval"))
    start = clock(h["start"], (*loc, "start"))
    end = _horizon_end(h, loc, start)
    interval = duration(h["interval"], (*loc, "interval"))
    if interval not in INTERVALS:
        fail((*loc, "interval"), f"must be 15min, 30min or 60min, got {describe(h['interval'])}")
    span = f"{format_clock(start)} to {format_clock(end)}"
    if not _whole_multiple(end - start, interval):
        fail(
            (*loc, "end"), f"{span} is not a whole number of {format_duration(interval)} intervals"
        )
    warmup = 0.0
    key = _one_of(h, loc, ("warmup", "warm_up"), required=False)
    if key is not None:
        warmup = duration(h[key], (*loc, key), ge=0)
        if not _whole_multiple(warmup, interval):
            message = f"must be a whole number of {format_duration(interval)} intervals"
            fail((*loc, key), f"{message}, got {describe(h[key])}")
        if warmup >= end - start:
            fail((*loc, key), f"must be shorter than the horizon ({span})")
    return Horizon(start=start, end=end, interval=interval, warmup=warmup)


def _one_of(h: dict, loc: Loc, keys: tuple[str, str], required: bool) -> str | None:
    """The one of ``keys`` given in ``h`` (None when neither is and it is optional)."""
    given = [k for k in keys if h.get(k) is not None]
    if len(given) > 1:
        fail((*loc, given[1]), f"give {keys[0]} or {keys[1]}, not both")
    if not given and required:
        fail(loc, f"needs {keys[0]} (a clock time) or {keys[1]} (a duration such as 48h)")
    return given[0] if given else None


def _horizon_end(h: dict, loc: Loc, start: float) -> float:
    """The horizon's end from ``end`` or ``length``. An ``end`` at or before ``start``
    is on the next day (``20:00`` to ``06:00`` runs through midnight); ``"06:00+1"``
    says so explicitly, and ``length: 48h`` runs two whole days."""
    key = _one_of(h, loc, ("end", "length"), required=True)
    if key == "length":
        return start + duration(h["length"], (*loc, "length"), gt=0)
    end = clock(h["end"], (*loc, "end"))
    if end <= start and end < DAY:
        end += DAY
    if end <= start:
        fail(
            (*loc, "end"), f"must be after start ({format_clock(start)}), got {describe(h['end'])}"
        )
    return end


def _whole_multiple(x: float, step: float) -> bool:
    return abs(x / step - round(x / step)) < 1e-9


def read_service_level(value: Any, loc: Loc) -> ServiceLevel:
    if value is None:
        return ServiceLevel()
    sl = mapping(value, loc)
    check_keys(sl, loc, ("threshold", "target", "definition"))
    d = ServiceLevel()
    pct = " (a fraction: 0.8 is 80 %)"
    return ServiceLevel(
        threshold=optional(sl, "threshold", d.threshold, lambda v, at: duration(v, at, ge=0), loc),
        target=optional(
            sl, "target", d.target, lambda v, at: number(v, at, gt=0, le=1, hint=pct), loc
        ),
        definition=optional(
            sl, "definition", d.definition, lambda v, at: choice(v, at, SL_DEFINITIONS), loc
        ),
    )
