"""CSV files a scenario refers to: arrival forecasts and empirical samples.

Paths are relative to the scenario file's folder. Errors in a file's contents
name that file and its line; a file that cannot be found is reported at the
scenario field that names it.

A forecast has a header row and one row per planning interval::

    start,volume,aht
    08:00,40,250s
    08:30,55,

Header names (any case; spaces read as underscores): the interval start is
``start``, ``interval`` or ``interval_start`` ("HH:MM"); the volume is ``volume``,
``calls`` or ``offered`` (calls in that interval); ``aht`` (a duration, blank
allowed) is optional. Every interval of the horizon appears exactly once.
Commas or semicolons separate the values.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ccsim.scenario.errors import Loc, ScenarioError
from ccsim.scenario.fields import did_you_mean, fail, name
from ccsim.scenario.model import Horizon
from ccsim.units import format_clock, format_duration, parse_clock, parse_duration

#: Forecast columns: role -> the header names that mean it.
FORECAST_COLUMNS: dict[str, tuple[str, ...]] = {
    "start": ("start", "interval", "interval_start"),
    "volume": ("volume", "calls", "offered"),
    "aht": ("aht",),
}


def read_forecast(
    file: Any, loc: Loc, base_dir: Path | None, horizon: Horizon
) -> tuple[tuple[float, ...], tuple[float | None, ...] | None]:
    """Calls per second for each planning interval, and the AHT column if there is one."""
    path = _resolve(file, loc, base_dir)
    rows = _rows(path, loc)
    header_line, header = rows[0]
    col = _forecast_columns(header, path, loc, header_line)
    volumes = [0.0] * horizon.n_intervals
    ahts: list[float | None] = [None] * horizon.n_intervals
    seen: dict[int, int] = {}  # interval -> line
    for line, cells in rows[1:]:
        try:
            i, volume, aht = _forecast_row(cells, header, col, horizon)
            if i in seen:
                start = format_clock(horizon.interval_starts()[i])
                raise ValueError(f"interval {start} appears twice (first on line {seen[i]})")
        except ValueError as exc:
            raise ScenarioError(str(exc), path=loc, file=str(path), line=line) from None
        seen[i], volumes[i], ahts[i] = line, volume, aht
    missing = [format_clock(t) for i, t in enumerate(horizon.interval_starts()) if i not in seen]
    if missing:
        shown = ", ".join(missing[:4]) + (", …" if len(missing) > 4 else "")
        message = f"no row for interval {shown}: each planning interval needs one row"
        raise ScenarioError(f"{message} ({describe_intervals(horizon)})", path=loc, file=str(path))
    rates = tuple(v / horizon.interval for v in volumes)
    return rates, (tuple(ahts) if "aht" in col else None)


def describe_intervals(horizon: Horizon) -> str:
    """``"4 intervals of 30min from 08:00 to 10:00"``, for messages."""
    return (
        f"{horizon.n_intervals} intervals of {format_duration(horizon.interval)}"
        f" from {format_clock(horizon.start)} to {format_clock(horizon.end)}"
    )


def _forecast_row(
    cells: list[str], header: list[str], col: dict[str, int], horizon: Horizon
) -> tuple[int, float, float | None]:
    """(interval index, volume, aht or None) of one row, or ValueError saying what is wrong."""
    if len(cells) != len(header):
        raise ValueError(f"expected {len(header)} values ({', '.join(header)}), got {len(cells)}")
    t = _cell(parse_clock, cells[col["start"]], "interval start")
    i = round((t - horizon.start) / horizon.interval)
    if not (0 <= i < horizon.n_intervals and horizon.start + i * horizon.interval == t):
        message = f"{format_clock(t)} is not the start of a planning interval"
        raise ValueError(f"{message} ({describe_intervals(horizon)})")
    volume = _cell(_volume, cells[col["volume"]], "volume")
    aht = None
    if "aht" in col and cells[col["aht"]].strip():
        aht = _cell(_aht, cells[col["aht"]], "aht")
    return i, volume, aht


def read_column(
    file: Any, column: Any, loc: Loc, base_dir: Path | None, *, unitless: bool = False
) -> tuple[float, ...]:
    """The durations in one column of a CSV file (blank cells skipped), for an empirical sample.

    ``column`` may be left out when the file has a single column. ``unitless``: the
    values are plain numbers (a multiplier's sample), not durations.
    """
    path = _resolve(file, (*loc, "file"), base_dir)
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
                values.append(_cell(_factor if unitless else _sample, text, header[index]))
            except ValueError as exc:
                where = (*loc, "file")
                raise ScenarioError(str(exc), path=where, file=str(path), line=line) from None
    if not values:
        fail((*loc, "file"), f"column {header[index]!r} of {path} has no values")
    return tuple(values)


def _resolve(file: Any, loc: Loc, base_dir: Path | None) -> Path:
    path = Path(name(file, loc, "a file name"))
    if base_dir is not None and not path.is_absolute():
        path = base_dir / path
    if not path.is_file():
        fail(loc, f"file not found: {path}")
    return path


def _rows(path: Path, loc: Loc) -> list[tuple[int, list[str]]]:
    """(line, cells) of each non-blank row; the first is the header. Never empty."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        fail(loc, f"cannot read {path}: {exc}")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(_numbered(csv.reader(text.splitlines(keepends=True), delimiter=delimiter)))
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


def _forecast_columns(header: list[str], path: Path, loc: Loc, line: int) -> dict[str, int]:
    roles = {alias: role for role, aliases in FORECAST_COLUMNS.items() for alias in aliases}
    allowed = "start (or interval, interval_start), volume (or calls, offered), aht"
    col: dict[str, int] = {}
    for i, raw in enumerate(header):
        key = raw.strip().lower().replace(" ", "_")
        if key not in roles:
            hint = did_you_mean(key, roles)
            message = f"unknown column {raw.strip()!r};{hint} allowed columns: {allowed}"
            raise ScenarioError(message, path=loc, file=str(path), line=line)
        if roles[key] in col:
            message = f"two columns give the {roles[key]}: {header[col[roles[key]]]!r} and {raw!r}"
            raise ScenarioError(message, path=loc, file=str(path), line=line)
        col[roles[key]] = i
    for role in ("start", "volume"):
        if role not in col:
            first, *others = FORECAST_COLUMNS[role]
            message = f"no {role} column: name it {first} (or {', '.join(others)})"
            raise ScenarioError(message, path=loc, file=str(path), line=line)
    return col


def _cell(parse: Callable[[str], float], text: str, column: str) -> float:
    """``parse(text)``, its ValueError message prefixed by the column's name."""
    try:
        return parse(text)
    except ValueError as exc:
        raise ValueError(f"{column} {exc}") from None


def _volume(text: str) -> float:
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
