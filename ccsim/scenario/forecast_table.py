"""An arrival forecast table: volumes (and AHT) per planning interval, its interval
starts (clock times, dated ones and their date formats) and rows of another interval.

The file format: `ccsim.scenario.csvdata`.
"""

from __future__ import annotations

import datetime
import math
import re
from pathlib import Path
from typing import Any

from ccsim.scenario.errors import Loc, ScenarioError
from ccsim.scenario.fields import did_you_mean
from ccsim.scenario.model import Horizon
from ccsim.scenario.table_files import (
    column_roles,
    parse_cell,
    read_table,
    resolve,
    unquoted_outside,
)
from ccsim.units import format_clock, format_duration, parse_clock, parse_duration

#: Forecast columns: role -> the header names that mean it.
FORECAST_COLUMNS: dict[str, tuple[str, ...]] = {
    "start": ("start", "interval", "interval_start"),
    "volume": ("volume", "calls", "offered"),
    "aht": ("aht",),
    "type": ("type", "call_type", "queue"),
}

#: A date and time in an interval-start cell: "2026-12-01 08:00", "2026-12-01T08:00:00".
_DATETIME = re.compile(r"\s*(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2})?)\s*")


def read_forecast(
    file: Any,
    loc: Loc,
    base_dir: Path | None,
    horizon: Horizon,
    call_type: str | None = None,
    date_format: str | None = None,
    date: str | None = None,
) -> tuple[tuple[float, ...], tuple[float | None, ...] | None]:
    """Calls per second for each planning interval, and the AHT column if there is one.

    ``call_type``: the rows to take from a file with a type column (by default the
    call type whose arrivals name the file, read from ``loc``). ``date_format``: how
    dated starts write the date (e.g. "%d/%m/%Y"); without it ISO dates are read, and
    dd/mm/yyyy or mm/dd/yyyy ones when some day is above 12 (else the file is refused
    as ambiguous). ``date`` (``"2026-12-07"``): the day to take from a file of several
    days, whose interval starts carry dates (a file without dates is a profile for any
    day: all its rows).
    """
    path = resolve(file, loc, base_dir)
    with unquoted_outside(path, base_dir):
        return _read_forecast(path, loc, horizon, call_type, date_format, date)


def _read_forecast(
    path: Path,
    loc: Loc,
    horizon: Horizon,
    call_type: str | None,
    date_format: str | None,
    date: str | None = None,
) -> tuple[tuple[float, ...], tuple[float | None, ...] | None]:
    rows = read_table(path, loc)
    header_line, header = rows[0]
    col = _forecast_columns(header, path, loc, header_line)
    if date_format is None:
        date_format = file_date_format(rows, col, path, loc)
    wanted = _wanted_type(col, call_type, loc, path, header_line)
    parsed: list[tuple[int, float, float, float | None]] = []  # line, start, volume, aht
    seen: dict[float, int] = {}  # start -> line
    types: dict[str, None] = {}
    first_day: tuple[str, int] | None = None  # the date of datetime starts, and its line
    for line, cells in rows[1:]:
        try:
            if len(cells) != len(header):
                expected = f"expected {len(header)} values ({', '.join(header)})"
                raise ValueError(f"{expected}, got {len(cells)}")
            if wanted is not None:
                types[cells[col["type"]].strip()] = None
                if cells[col["type"]].strip() != wanted:
                    continue
            t, day, volume, aht = _forecast_row(cells, col, date_format)
            if date is not None and day is not None and day != date:
                continue
            if day is not None and first_day is None:
                first_day = (day, line)
            elif day is not None and first_day is not None and day != first_day[0]:
                message = f"a forecast file holds one day: this row is on {day}"
                raise ValueError(f"{message}, line {first_day[1]} on {first_day[0]}")
            if t in seen:
                raise ValueError(f"{format_clock(t)} appears twice (first on line {seen[t]})")
        except ValueError as exc:
            raise ScenarioError(str(exc), path=loc, file=str(path), line=line) from None
        seen[t] = line
        parsed.append((line, t, volume, aht))
    if wanted is not None and not parsed:
        message = f"no rows of type {wanted!r};{did_you_mean(wanted, types)} types in the file"
        raise ScenarioError(f"{message}: {', '.join(types) or 'none'}", path=loc, file=str(path))
    if date is not None and not parsed and len(rows) > 1:
        raise ScenarioError(f"no rows on {date}", path=loc, file=str(path))
    volumes, ahts = _on_planning_intervals(parsed, horizon, path, loc)
    rates = tuple(v / horizon.interval for v in volumes)
    return rates, (tuple(ahts) if "aht" in col else None)


#: A date written with slashes, dots or dashes, day and month in either order:
#: "05/03/2026 08:00", "31.12.2026 08:00" (an Excel export).
_LOCAL_DATETIME = re.compile(
    r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})[ T](\d{1,2}:\d{2}(?::\d{2})?)\s*"
)

#: The date formats `date_format` means by its short names.
DATE_ORDERS = {"day-first": "%d/%m/%Y", "month-first": "%m/%d/%Y", "iso": "%Y-%m-%d"}


def detect_date_format(cells: list[str]) -> str | None:
    """The date format of interval-start cells written day and month in some order
    ("05/03/2026 08:00"): day first when a first field is above 12, month first when a
    second one is; None when no cell has such a date. ValueError when the cells allow
    both orders (every day and month at most 12) or neither."""
    pairs = [m for m in (_LOCAL_DATETIME.fullmatch(c) for c in cells) if m]
    if not pairs:
        return None
    first = max(int(m[1]) for m in pairs)
    second = max(int(m[2]) for m in pairs)
    found = re.search(r"[/.-]", pairs[0][0].strip())
    sep = found[0] if found else "/"
    year = "%Y" if len(pairs[0][3]) == 4 else "%y"
    if first > 12 and second > 12:
        raise ValueError(
            f"the dates mix day-first and month-first ({pairs[0][0].strip()!r} …): "
            "write them one way"
        )
    if first > 12:
        return f"%d{sep}%m{sep}{year}"
    if second > 12:
        return f"%m{sep}%d{sep}{year}"
    raise ValueError(
        f"the dates ({pairs[0][0].strip()!r} …) can be read day-first or month-first: "
        f'say which with date_format: "%d{sep}%m{sep}{year}" (day first) or '
        f'"%m{sep}%d{sep}{year}" (month first) beside file:'
    )


def interval_start(text: str, date_format: str | None = None) -> tuple[float, str | None]:
    """Seconds since midnight and the ISO date (None for a bare clock time) of a cell such
    as "08:30", "2026-12-01 08:30" or, with ``date_format`` (a strftime format of the
    date part, e.g. "%d/%m/%Y"), "01/12/2026 08:30"; ValueError says what is allowed."""
    if date_format is not None and not _DATETIME.fullmatch(text):
        date, sep, clock = text.strip().replace("T", " ").rpartition(" ")
        if sep:
            try:
                day = datetime.datetime.strptime(date.strip(), date_format).date()
            except ValueError:
                raise ValueError(
                    f"the date {date.strip()!r} does not match date_format {date_format!r}"
                ) from None
            return parse_clock(clock.strip()), day.isoformat()
    m = _DATETIME.fullmatch(text)
    if not m:
        if _LOCAL_DATETIME.fullmatch(text):
            raise ValueError(
                f'{text.strip()!r}: give the date\'s order with date_format: (e.g. "%d/%m/%Y")'
            )
        return parse_clock(text.strip()), None
    try:
        datetime.date.fromisoformat(m[1])
    except ValueError:
        raise ValueError(f"has no such date: {m[1]!r}") from None
    return parse_clock(m[2]), m[1]


def file_date_format(
    rows: list[tuple[int, list[str]]], col: dict[str, int], path: Path, loc: Loc = ()
) -> str | None:
    """`detect_date_format` over a table's start column; a ScenarioError naming the
    file when its dates are ambiguous."""
    starts = [cells[col["start"]] for _, cells in rows[1:] if len(cells) > col["start"]]
    try:
        return detect_date_format(starts)
    except ValueError as exc:
        raise ScenarioError(str(exc), path=loc, file=str(path), line=rows[1][0]) from None


def describe_intervals(horizon: Horizon) -> str:
    """``"4 intervals of 30min from 08:00 to 10:00"``, for messages."""
    return (
        f"{horizon.n_intervals} intervals of {format_duration(horizon.interval)}"
        f" from {format_clock(horizon.start)} to {format_clock(horizon.end)}"
    )


def _forecast_row(
    cells: list[str], col: dict[str, int], date_format: str | None = None
) -> tuple[float, str | None, float, float | None]:
    """(start, its date or None, volume, aht or None) of one row, or ValueError saying what
    is wrong."""
    t, day = parse_cell(
        lambda text: interval_start(text, date_format), cells[col["start"]], "interval start"
    )
    volume = parse_cell(parse_volume, cells[col["volume"]], "volume")
    aht = None
    if "aht" in col and cells[col["aht"]].strip():
        aht = parse_cell(_aht, cells[col["aht"]], "aht")
    return t, day, volume, aht


def _on_planning_intervals(
    parsed: list[tuple[int, float, float, float | None]], horizon: Horizon, path: Path, loc: Loc
) -> tuple[list[float], list[float | None]]:
    """Volumes and AHTs per planning interval from rows ``step`` seconds apart.

    ``step`` is the least gap between row starts (the planning interval if there is one
    row). Finer rows are summed into their planning interval, the AHT weighted by volume
    (a plain mean if no calls); a coarser row's volume is split evenly over the planning
    intervals it spans. Every row of the horizon on the file's grid appears exactly once.
    """
    h, n = horizon.interval, horizon.n_intervals
    starts = sorted(t for _, t, _, _ in parsed)
    step = min((b - a for a, b in zip(starts, starts[1:], strict=False)), default=h)
    if not (step == h or (step < h and h % step == 0) or (step > h and step % h == 0)):
        message = (
            f"rows are {format_duration(step)} apart: the file's interval must divide the"
            f" planning interval or be a multiple of it (15min, 30min or 60min rows)"
        )
        raise ScenarioError(f"{message} ({describe_intervals(horizon)})", path=loc, file=str(path))
    what = "a planning interval" if step == h else f"one of the file's {format_duration(step)} rows"
    n_rows = (horizon.end - horizon.start) / step
    if n_rows != int(n_rows):
        message = f"the horizon is not a whole number of the file's {format_duration(step)} rows"
        raise ScenarioError(f"{message} ({describe_intervals(horizon)})", path=loc, file=str(path))
    volumes = [0.0] * n
    weighted = [[0.0, 0.0, 0.0, 0] for _ in range(n)]  # sum v*aht, sum v, sum aht, n aht
    blank: dict[int, int] = {}  # interval -> a line whose aht is blank
    for line, t, volume, aht in parsed:
        m = (t - horizon.start) / step
        if not (0 <= m < n_rows and m == int(m)):
            message = f"{format_clock(t)} is not the start of {what}"
            raise ScenarioError(
                f"{message} ({describe_intervals(horizon)})", path=loc, file=str(path), line=line
            )
        first = int((t - horizon.start) // h)
        spanned = range(first, first + max(1, round(step / h)))
        for i in spanned:
            volumes[i] += volume / len(spanned)
            if aht is None:
                blank[i] = line
            else:
                w = weighted[i]
                w[0], w[1], w[2], w[3] = w[0] + volume * aht, w[1] + volume, w[2] + aht, w[3] + 1
    seen = {t for _, t, _, _ in parsed}
    grid = [horizon.start + m * step for m in range(int(n_rows))]
    missing = [format_clock(t) for t in grid if t not in seen]
    if missing:
        shown = ", ".join(missing[:4]) + (", …" if len(missing) > 4 else "")
        needs = (
            "each planning interval needs one row"
            if step == h
            else (f"the file's rows are {format_duration(step)} apart: each needs one row")
        )
        message = f"no row for interval {shown}: {needs}"
        raise ScenarioError(f"{message} ({describe_intervals(horizon)})", path=loc, file=str(path))
    ahts: list[float | None] = []
    for i, (vaht, v, total, count) in enumerate(weighted):
        if count and i in blank:
            message = "aht is blank here but given in another row of the same planning interval"
            raise ScenarioError(message, path=loc, file=str(path), line=blank[i])
        ahts.append(None if not count else vaht / v if v > 0 else total / count)
    return volumes, ahts


def _wanted_type(
    col: dict[str, int], call_type: str | None, loc: Loc, path: Path, line: int
) -> str | None:
    """The type whose rows to take from a file with a type column (None without one)."""
    if "type" not in col:
        return None
    if call_type is None and len(loc) >= 2 and loc[0] == "call_types":
        call_type = str(loc[1])
    if call_type is None:
        message = "the file has a type column: name the type to take with type: NAME"
        raise ScenarioError(message, path=loc, file=str(path), line=line)
    return call_type


def _forecast_columns(header: list[str], path: Path, loc: Loc, line: int) -> dict[str, int]:
    allowed = (
        "start (or interval, interval_start), volume (or calls, offered), aht,"
        " type (or call_type, queue)"
    )
    col = column_roles(header, FORECAST_COLUMNS, allowed, file=path, line=line, loc=loc)
    for role in ("start", "volume"):
        if role not in col:
            first, *others = FORECAST_COLUMNS[role]
            message = f"no {role} column: name it {first} (or {', '.join(others)})"
            raise ScenarioError(message, path=loc, file=str(path), line=line)
    return col


def parse_volume(text: str) -> float:
    """A number of calls: finite and >= 0 (a ValueError saying so otherwise)."""
    try:
        v = float(text)
    except ValueError:
        v = math.nan
    if not (math.isfinite(v) and v >= 0):
        raise ValueError(f"must be a non-negative number of calls, got {text.strip()!r}")
    return v


def _aht(text: str) -> float:
    seconds = parse_duration(text)
    if seconds <= 0:
        raise ValueError(f"must be > 0, got {text.strip()!r}")
    return seconds
