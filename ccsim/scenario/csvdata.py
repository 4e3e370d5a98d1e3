"""CSV files a scenario refers to: arrival forecasts and empirical samples.

Paths are relative to the scenario file's folder. Errors in a file's contents
name that file and its line; a file that cannot be found is reported at the
scenario field that names it.

A forecast has a header row and one row per planning interval::

    start,volume,aht
    08:00,40,250s
    08:30,55,

Header names (any case; spaces read as underscores): the interval start is
``start``, ``interval`` or ``interval_start`` ("HH:MM", or a date and time such as
"2026-12-01 08:00"); the volume is ``volume``, ``calls`` or ``offered`` (calls in
that interval); ``aht`` (a duration, blank allowed) is optional. Every interval of
the horizon appears exactly once. Commas or semicolons separate the values.

The shapes WFM tools export are read too: an Excel workbook (``.xlsx``, its first
sheet, read with openpyxl); a ``type`` (``call_type``, ``queue``) column holding
several call types, of which the rows of one are taken; rows 15, 30 or 60 minutes
apart when the planning interval differs — finer rows are summed into each planning
interval (AHT volume-weighted), a coarser row's volume is split evenly over the
planning intervals it spans (the same constant rate) and its AHT applies to each.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ccsim.scenario.errors import Loc, ScenarioError
from ccsim.scenario.fields import did_you_mean, fail, name
from ccsim.scenario.files import quotable, read_bytes, read_text, resolve_reference
from ccsim.scenario.limits import LIMITS
from ccsim.scenario.model import Horizon
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
    path = _resolve(file, loc, base_dir)
    with _unquoted_outside(path, base_dir):
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


def read_table(path: Path, loc: Loc = ()) -> list[tuple[int, list[str]]]:
    """(line, cells as text) of each non-blank row of a CSV or .xlsx file; the first is the
    header. Never empty; a file that cannot be read is a ScenarioError at ``loc``."""
    return _xlsx_rows(path, loc) if path.suffix.lower() == ".xlsx" else _rows(path, loc)


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


def _xlsx_rows(path: Path, loc: Loc) -> list[tuple[int, list[str]]]:
    """(row number, cells as text) of each non-blank row of the workbook's first sheet.

    The sheet's real extent is read, not the one it declares (a 6 KB file may declare
    A1:XFD1048576), and a cell beyond `LIMITS.max_sheet_rows` rows or
    `LIMITS.max_sheet_columns` columns is an error rather than hours of padding.
    """
    try:
        import openpyxl
    except ImportError:
        fail(loc, f"cannot read {path}: Excel files need openpyxl (pip install openpyxl)")
    data = io.BytesIO(read_bytes(path, "workbook", loc))
    try:
        book = openpyxl.load_workbook(data, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        fail(loc, f"cannot read {path} as an Excel workbook: {type(exc).__name__}")
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the cells present, not the declared dimension
        rows = list(_sheet_rows(sheet, path, loc))
    except ScenarioError:
        raise
    except Exception as exc:  # a damaged sheet: openpyxl raises many kinds
        fail(loc, f"cannot read {path} as an Excel workbook: {type(exc).__name__}")
    finally:
        book.close()
    if not rows:
        raise ScenarioError(
            "the first sheet is empty; expected a header row of column names",
            path=loc,
            file=str(path),
        )
    width = len(rows[0][1])  # rows are as wide as their last cell: trim to the header
    while width and not rows[0][1][width - 1].strip():
        width -= 1
    return [(number, (cells + [""] * width)[:width]) for number, cells in rows]


def _sheet_rows(sheet: Any, path: Path, loc: Loc) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows of a read-only sheet, refusing cells beyond the limits."""
    max_rows, max_cols = LIMITS.max_sheet_rows, LIMITS.max_sheet_columns
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > max_rows:
            message = f"the sheet has cells beyond row {max_rows:,}: at most {max_rows:,} rows"
            raise ScenarioError(message, path=loc, file=str(path), line=number)
        if len(values) > max_cols and any(v is not None for v in values[max_cols:]):
            message = f"the sheet has cells beyond column {max_cols}: at most {max_cols} columns"
            raise ScenarioError(message, path=loc, file=str(path), line=number)
        if any(v is not None and str(v).strip() for v in values):
            yield number, [_excel_text(v) for v in values[:max_cols]]


def _excel_text(value: Any) -> str:
    """A cell as the text a CSV would hold: times "HH:MM:SS", datetimes ISO, numbers plain."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_column(
    file: Any, column: Any, loc: Loc, base_dir: Path | None, *, unitless: bool = False
) -> tuple[float, ...]:
    """The durations in one column of a CSV file (blank cells skipped), for an empirical sample.

    ``column`` may be left out when the file has a single column. ``unitless``: the
    values are plain numbers (a multiplier's sample), not durations.
    """
    path = _resolve(file, (*loc, "file"), base_dir)
    with _unquoted_outside(path, base_dir):
        return _read_column(path, column, loc, unitless)


def _read_column(path: Path, column: Any, loc: Loc, unitless: bool) -> tuple[float, ...]:
    rows = _rows(path, (*loc, "file"))
    header = [h.strip() for h in rows[0][1]]
    if column is None:
        if len(header) != 1:
            fail((*loc, "column"), f"is missing; {path} has columns {', '.join(header)}")
        index = 0
    else:
        if name(column, (*loc, "column"), "a column name").strip() not in header:
            hint = did_you_mean(column, header)
            message = f"{path} has no column {column!r};{hint} columns: {', '.join(header)}"
            fail((*loc, "column"), message)
        index = header.index(column.strip())
    values = []
    for line, cells in rows[1:]:
        text = cells[index] if index < len(cells) else ""
        if text.strip():
            try:
                values.append(parse_cell(_factor if unitless else _sample, text, header[index]))
            except ValueError as exc:
                where = (*loc, "file")
                raise ScenarioError(str(exc), path=where, file=str(path), line=line) from None
    if not values:
        fail((*loc, "file"), f"column {header[index]!r} of {path} has no values")
    return tuple(values)


def _resolve(file: Any, loc: Loc, base_dir: Path | None) -> Path:
    return resolve_reference(file, loc, base_dir)


@contextmanager
def _unquoted_outside(path: Path, base_dir: Path | None) -> Iterator[None]:
    """Errors about the contents of a file outside the scenario's folder (read under
    ``--allow-any-file``) keep their line but not the words they quote from it."""
    try:
        yield
    except ScenarioError as err:
        if err.file == str(path) and not quotable(path, base_dir):
            raise ScenarioError(
                "is not a valid table for this field (its contents are not shown: the file "
                "lies outside the scenario's folder)",
                path=err.loc or err.path,
                file=err.file,
                line=err.line,
            ) from None
        raise


def _rows(path: Path, loc: Loc) -> list[tuple[int, list[str]]]:
    """(line, cells) of each non-blank row; the first is the header. Never empty."""
    text = read_text(path, "file", loc)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = list(_numbered(csv.reader(text.splitlines(keepends=True), delimiter=delimiter)))
    except csv.Error as exc:  # an unclosed quote, a NUL byte
        raise ScenarioError(f"not a readable CSV file: {exc}", path=loc, file=str(path)) from None
    if not rows:
        raise ScenarioError(
            "the file is empty; expected a header row of column names", path=loc, file=str(path)
        )
    return rows


def _numbered(reader: Any) -> Iterator[tuple[int, list[str]]]:
    start = 1
    for cells in reader:
        if any(c.strip() for c in cells):
            yield start, cells
        start = reader.line_num + 1


def column_roles(
    header: list[str],
    aliases: dict[str, tuple[str, ...]],
    allowed: str,
    *,
    file: Path,
    line: int,
    loc: Loc = (),
    unique: bool = True,
) -> dict[str, int]:
    """The column index of each role a header names, by ``aliases`` (role -> names, in
    any case, spaces as underscores); an unknown name is an error saying what is
    ``allowed``, and with ``unique`` so is a role named twice (else the last wins)."""
    roles = {alias: role for role, names in aliases.items() for alias in names}
    col: dict[str, int] = {}
    for i, raw in enumerate(header):
        key = raw.strip().lower().replace(" ", "_")
        if key not in roles:
            hint = did_you_mean(key, roles)
            message = f"unknown column {raw.strip()!r};{hint} allowed columns: {allowed}"
            raise ScenarioError(message, path=loc, file=str(file), line=line)
        if unique and roles[key] in col:
            message = f"two columns give the {roles[key]}: {header[col[roles[key]]]!r} and {raw!r}"
            raise ScenarioError(message, path=loc, file=str(file), line=line)
        col[roles[key]] = i
    return col


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


def parse_cell(parse: Callable[[str], Any], text: str, column: str) -> Any:
    """``parse(text)``, its ValueError message prefixed by the column's name."""
    try:
        return parse(text)
    except ValueError as exc:
        raise ValueError(f"{column} {exc}") from None


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


def _sample(text: str) -> float:
    seconds = parse_duration(text)
    if seconds < 0:
        raise ValueError(f"must be >= 0, got {text.strip()!r}")
    return seconds


def _factor(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = math.nan
    if not (math.isfinite(v) and v >= 0):
        raise ValueError(f"must be a plain number >= 0 (no unit), got {text.strip()!r}")
    return v
