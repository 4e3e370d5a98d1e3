"""Units a planner writes: durations, arrival rates and clock times.

Each parser returns a float in ccsim's canonical unit (seconds, calls per second,
seconds since midnight) or raises ``ValueError`` whose message says what is
allowed, phrased to follow a field name: ``"must be a duration such as …"``.
The scenario validator wraps these messages with the field's path and line.
"""

from __future__ import annotations

import datetime
import math
import re

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_QUANTITY = re.compile(rf"\s*({_NUMBER})\s*(?:/\s*)?([A-Za-z]*)\s*")
_CLOCK = re.compile(r"\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*\+\s*(\d+))?\s*")
#: Seconds in a day: a clock time "06:00+1" is 06:00 on the next day.
DAY = 86400.0

#: Seconds per duration unit. The documented ones are s, min and h.
DURATION_UNITS: dict[str, float] = {
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
    "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
}  # fmt: skip

#: Seconds per rate unit ("120/h" is 120 calls per 3600 s).
RATE_UNITS: dict[str, float] = {
    "s": 1.0, "sec": 1.0, "second": 1.0,
    "min": 60.0, "minute": 60.0,
    "h": 3600.0, "hr": 3600.0, "hour": 3600.0,
}  # fmt: skip

DURATION_HELP = "a duration such as 240s, 4min or 1.5h (a bare number is seconds)"
RATE_HELP = "a rate such as 120/h, 2/min or 0.5/s (a bare number is calls per hour)"
CLOCK_HELP = 'a clock time "HH:MM" from "00:00" to "24:00", such as "08:30"'


def parse_duration(value: object) -> float:
    """Seconds from ``"240s"``, ``"4min"``, ``"1.5h"``, ``"30 s"`` or a bare number.

    The sign is kept (``"-5s"`` is -5.0): whether a duration may be negative or
    zero is the caller's rule, and its message ("must be > 0") reads better.
    """
    number, size = _split(value, DURATION_UNITS, 1.0, DURATION_HELP, slash=False)
    return number * size


def parse_rate(value: object) -> float:
    """Calls per second from ``"120/h"``, ``"2/min"``, ``"0.5/s"``; a bare number is per hour."""
    number, size = _split(value, RATE_UNITS, 3600.0, RATE_HELP, slash=True)
    return number / size


def parse_clock(value: object) -> float:
    """Seconds since midnight from ``"08:30"`` or ``"08:30:15"``; ``"24:00"`` ends the day.

    A ``+d`` suffix counts days on, for horizons past midnight: ``"06:00+1"`` is
    06:00 the next day (``86400 + 21600``), ``"24:00+1"`` the end of the second day.
    """
    if isinstance(value, str):
        m = _CLOCK.fullmatch(value)
        if m:
            h, mi, s = int(m[1]), int(m[2]), int(m[3] or 0)
            if mi < 60 and s < 60 and (h < 24 or (h == 24 and mi == 0 and s == 0)):
                return float(h * 3600 + mi * 60 + s) + DAY * int(m[4] or 0)
        raise ValueError(f"must be {CLOCK_HELP}, got {value!r}")
    hint = " (write clock times in quotes)" if _is_number(value) else ""
    raise ValueError(f"must be {CLOCK_HELP}{hint}, got {describe(value)}")


def format_clock(seconds: float) -> str:
    """``"HH:MM"`` (``"HH:MM:SS"`` when there are seconds) of seconds since midnight.

    Past the first midnight a ``+d`` suffix counts the days on (`parse_clock` reads
    it back): ``"01:30+1"``; a later midnight closes its day, ``"24:00+1"``.
    """
    s = int(round(seconds))
    days, s = divmod(s, int(DAY)) if s > 0 else (0, s)
    if s == 0 and days > 0:  # midnight ends the day before: 24:00
        days, s = days - 1, int(DAY)
    suffix = f"+{days}" if days > 0 else ""
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return (f"{h:02d}:{m:02d}:{sec:02d}" if sec else f"{h:02d}:{m:02d}") + suffix


def format_duration(seconds: float) -> str:
    """The shortest exact spelling: ``"1h"``, ``"30min"``, ``"45s"``, ``"2.5s"``."""
    for unit, size in (("h", 3600.0), ("min", 60.0)):
        if seconds and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def _split(
    value: object, units: dict[str, float], bare: float, help_: str, slash: bool
) -> tuple[float, float]:
    """A number and the size of its unit in seconds (``bare`` when it has none)."""
    if _is_number(value):
        return _finite(value, help_), bare  # type: ignore[arg-type]
    if isinstance(value, str) and (m := _QUANTITY.fullmatch(value)):
        unit = m[2]
        if not unit and "/" not in value:
            return _finite(float(m[1]), help_), bare
        if unit in units and ("/" in value) == slash:
            return _finite(float(m[1]), help_), units[unit]
        raise ValueError(f"must be {help_}, got {value!r}{_unit_hint(unit, units)}")
    raise ValueError(f"must be {help_}, got {describe(value)}")


def _unit_hint(unit: str, units: dict[str, float]) -> str:
    if unit == "m":
        return " ('m' is ambiguous: write min for minutes)"
    if unit and unit not in units:
        return f" (unknown unit {unit!r})"
    return ""


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite(value: float, help_: str) -> float:
    try:
        x = float(value)
    except OverflowError:
        x = math.inf
    if not math.isfinite(x):
        raise ValueError(f"must be {help_}, got {value!r}")
    return x


def describe(value: object) -> str:
    """How an error message shows a value the user wrote (YAML spellings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()} (quote it to make it text)"
    return repr(value)


def format_value(value: float | None, kind: str) -> str:
    """A KPI as the tables show it: ``kind`` pct (a fraction as 82.3%), sec, money,
    num4 (four decimals) or count; a missing value as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "sec":
        return f"{value:.1f}s"
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "num4":
        return f"{value:.4f}"
    return f"{value:,.1f}"
