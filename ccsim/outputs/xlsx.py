"""An .xlsx workbook of a run's tables, as a planner wants to open it in Excel.

One sheet per table (`ccsim.outputs.sheets`), with the numbers at full precision
and their display set: fractions as percentages (``0.0%``), seconds with one
decimal, money with two, counts with one; the header row frozen and bold; column
widths fitted to the header and the values as shown.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ccsim.outputs.sheets import Sheet, kpi_kind

__all__ = ["NUMBER_FORMATS", "WORKBOOK_ROWS", "for_workbook", "write_workbook"]

#: Excel number format of each kind of column (text: none): the terminal tables'
#: and the report's formats (`ccsim.outputs.report.format_value`), so all show the same digits.
NUMBER_FORMATS = {"pct": "0.0%", "sec": "0.0", "money": "#,##0.00", "num": "#,##0.0"}
#: Excel limits a sheet's name to 31 characters.
_SHEET_NAME = 31
_MAX_WIDTH = 40
#: Rows a workbook sheet takes at most. A long table beyond it (every replication's
#: KPIs of a large batch) gives the workbook its day KPIs only, one row per
#: replication, in a sheet named ``<name>_day``: Excel opens no sheet of more than
#: 1,048,576 rows, and openpyxl writes ~10,000 six-cell rows a second, so 100,000
#: rows take ~10 s. The CSV of the same name has every row.
WORKBOOK_ROWS = 100_000


def _cell(value: Any) -> Any:
    """A value Excel can hold: NaN and infinities as empty cells."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _shown_width(value: Any, fmt: str | None) -> int:
    """About how many characters a value takes as Excel shows it."""
    if value is None:
        return 0
    if isinstance(value, int | float) and not isinstance(value, bool) and fmt:
        if fmt.endswith("%"):
            return len(f"{100 * value:.1f}%")
        decimals = 2 if fmt.endswith("00") else 1
        return len(f"{value:,.{decimals}f}")
    return sum(2 if ord(c) > 0x2E7F else 1 for c in str(value))


def _add_sheet(book, sheet: Sheet) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(sheet.name[:_SHEET_NAME])
    ws.append(sheet.columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(c) for c in sheet.columns]
    for row in sheet.rows:
        ws.append([_cell(v) for v in row])
    for r, row in enumerate(ws.iter_rows(min_row=2), start=0):
        values = sheet.rows[r]
        for j, cell in enumerate(row):
            kind = sheet.cell_kind(values, j)
            fmt = NUMBER_FORMATS.get(kind)
            if kind == "num" and isinstance(values[j], int) and not isinstance(values[j], bool):
                fmt = "#,##0"  # whole numbers (a replication's index), as the tables show
            if fmt and isinstance(cell.value, int | float):
                cell.number_format = fmt
            widths[j] = max(widths[j], _shown_width(cell.value, fmt))
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(width + 2, _MAX_WIDTH)
    keys = 0  # the leading label columns (call type, interval) stay in view too
    while keys < min(2, len(sheet.kinds)) and sheet.kinds[keys] == "text":
        keys += 1
    ws.freeze_panes = f"{get_column_letter(keys + 1)}2"
    # printed, every page repeats the header row and the label columns, in landscape
    ws.print_title_rows = "1:1"
    if keys:
        ws.print_title_cols = f"A:{get_column_letter(keys)}"
    ws.page_setup.orientation = "landscape"


def for_workbook(sheet: Sheet) -> Sheet:
    """``sheet``, or for a long one of more than `WORKBOOK_ROWS` rows (every
    replication × scope × KPI) its day KPIs as ``<name>_day``: one row per
    replication, one column per KPI (the first `WORKBOOK_ROWS` replications)."""
    if len(sheet.rows) <= WORKBOOK_ROWS or not {"replication", "scope"} <= set(sheet.columns):
        return sheet
    rep, scope = sheet.columns.index("replication"), sheet.columns.index("scope")
    kpi, value = sheet.columns.index("kpi"), sheet.columns.index("value")
    days: dict[Any, dict[str, Any]] = {}
    for row in sheet.rows:
        if row[scope] == "day":
            days.setdefault(row[rep], {})[row[kpi]] = row[value]
    names = list(dict.fromkeys(name for day in days.values() for name in day))
    rows = [[r, *(day.get(name) for name in names)] for r, day in days.items()]
    kinds = ["num", *(kpi_kind(name) for name in names)]
    return Sheet(f"{sheet.name}_day", ["replication", *names], kinds, rows[:WORKBOOK_ROWS])


def write_workbook(sheets: list[Sheet], path: Path) -> Path:
    """Write ``sheets`` into one .xlsx workbook at ``path`` (a long one cut to its day
    rows: `for_workbook`)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _add_sheet(book, for_workbook(sheet))
    from ccsim.atomic import atomic_path

    with atomic_path(path) as tmp:  # a reader never sees half a workbook
        _save(book, tmp)
    return path


def _save(book, tmp: Path) -> None:
    """``book.save``; when the disk refuses the file, openpyxl's half-run sheet
    writers are collected here, quietly, so that the one error line is all the user
    sees (otherwise Python prints their clean-up failure as a traceback)."""
    import gc
    import sys

    error = None
    hook, sys.unraisablehook = sys.unraisablehook, lambda _: None
    try:
        try:
            book.save(tmp)
        except OSError as exc:  # keep the error, drop its frames (they hold the writers)
            error = OSError(exc.errno, exc.strerror, exc.filename)
        if error is not None:
            gc.collect()
    finally:
        sys.unraisablehook = hook
    if error is not None:
        raise error
