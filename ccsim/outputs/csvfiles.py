"""CSV files planners open in Excel: a UTF-8 byte-order mark (so Windows Excel reads
Chinese names right) and numbers with at most 4 significant digits after the
integer part (``0.8234``, ``12.35``, ``1235``: never 16 digits of noise)."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

from ccsim.outputs.sheets import Sheet

__all__ = ["ENCODING", "figure_text", "write_frame", "write_rows", "write_sheet"]

#: UTF-8 with a byte-order mark: what Excel needs to read a CSV as UTF-8.
ENCODING = "utf-8-sig"
#: Significant digits of a figure (the integer part is never rounded).
DIGITS = 4


def figure_text(value: Any) -> str:
    """A cell as text: numbers to `DIGITS` significant digits (at most 4 decimals, the
    integer part kept whole), None and NaN empty, booleans and text as they are."""
    if type(value) is str:  # most cells of a long table: first, and as they are
        return value
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return ""
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    magnitude = math.floor(math.log10(abs(value))) + 1 if value != 0 else 1
    decimals = min(DIGITS, max(0, DIGITS - magnitude))
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def write_rows(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    """Write ``header`` and ``rows`` to ``path`` as a BOM-led CSV, figures rounded."""
    from ccsim.atomic import atomic_open

    with atomic_open(path, "w", newline="", encoding=ENCODING) as f:
        w = csv.writer(f)
        w.writerow(header)
        for row in rows:
            w.writerow([figure_text(v) for v in row])
    return path


def write_sheet(sheet: Sheet, folder: Path) -> Path:
    """Write ``sheet`` as ``folder/<name>.csv``."""
    return write_rows(folder / f"{sheet.name}.csv", sheet.columns, sheet.rows)


def write_frame(frame, path: Path) -> Path:
    """Write a pandas table as a BOM-led CSV, figures rounded (`figure_text`)."""
    rows = frame.astype(object).where(frame.notna(), None).values.tolist()
    return write_rows(path, [str(c) for c in frame.columns], rows)
