"""Reading a table file a scenario refers to: CSV text or an Excel sheet as rows of text
cells, its header's columns by role, and one column as an empirical sample.

The file formats: `ccsim.scenario.csvdata`.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ccsim.scenario.errors import Loc, ScenarioError
from ccsim.scenario.fields import did_you_mean, fail, name
from ccsim.scenario.files import quotable, read_bytes, read_text, resolve_reference
from ccsim.scenario.limits import LIMITS
from ccsim.units import parse_duration


def read_table(path: Path, loc: Loc = ()) -> list[tuple[int, list[str]]]:
    """(line, cells as text) of each non-blank row of a CSV or .xlsx file; the first is the
    header. Never empty; a file that cannot be read is a ScenarioError at ``loc``."""
    return _xlsx_rows(path, loc) if path.suffix.lower() == ".xlsx" else _rows(path, loc)


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
    path = resolve(file, (*loc, "file"), base_dir)
    with unquoted_outside(path, base_dir):
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


def resolve(file: Any, loc: Loc, base_dir: Path | None) -> Path:
    """The file a scenario field names (relative to the scenario's folder); see
    `resolve_reference`."""
    return resolve_reference(file, loc, base_dir)


@contextmanager
def unquoted_outside(path: Path, base_dir: Path | None) -> Iterator[None]:
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


def parse_cell(parse: Callable[[str], Any], text: str, column: str) -> Any:
    """``parse(text)``, its ValueError message prefixed by the column's name."""
    try:
        return parse(text)
    except ValueError as exc:
        raise ValueError(f"{column} {exc}") from None


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
