"""A week's tables as sheets (`ccsim.outputs.sheets.Sheet`): the ``week`` sheet of the
``.xlsx`` export, and the week's intervals.

The ``week`` sheet has one row per day and a last row ``week``: the daily totals
(calls, SL, ASA, abandons, occupancy), agent-hours and cost, each ``<kpi>`` with its
``<kpi>_ci_low`` and ``<kpi>_ci_high`` (column names of docs/scenario-format.md,
"Output tables"). It is read from the week's ``--json`` document, like the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccsim.outputs.sheets import Sheet, kpi_kind
from ccsim.outputs.week_report import COST_COLUMNS, TOTAL_COLUMNS

__all__ = ["WEEK_KPIS", "week_intervals_sheet", "week_sheet", "write_week_workbook"]

#: The KPIs of the week sheet, in order.
WEEK_KPIS: tuple[str, ...] = tuple(k for k, _ in (*TOTAL_COLUMNS, *COST_COLUMNS))


def _cells(figures: dict[str, Any], kpis: tuple[str, ...]) -> list[Any]:
    means, bounds = [], []
    for kpi in kpis:
        figure: dict[str, Any] = (
            figures.get(kpi) or {} if isinstance(figures.get(kpi), dict) else {}
        )
        low, high = figure.get("ci95") or (None, None)
        means.append(figure.get("mean"))
        bounds += [low, high]
    return means + bounds


def _columns(kpis: tuple[str, ...]) -> tuple[list[str], list[str]]:
    columns = [*kpis, *(f"{k}{sfx}" for k in kpis for sfx in ("_ci_low", "_ci_high"))]
    return columns, [kpi_kind(c) for c in columns]


def week_sheet(document: dict[str, Any]) -> Sheet:
    """``week``: each day (``day``, ``date``, ``open``) and the week, with `WEEK_KPIS`."""
    columns, kinds = _columns(WEEK_KPIS)
    sheet = Sheet("week", ["day", "date", "open", *columns], ["text", "text", "text", *kinds])
    for entry in document["by_day"]:
        values = _cells(entry, WEEK_KPIS) if entry["open"] else [None] * len(columns)
        # the words of by_day.csv (a boolean cell shows as TRUE or 1 by the viewer)
        sheet.rows.append([entry["day"], entry["date"], str(bool(entry["open"])), *values])
    sheet.rows.append(["week", None, None, *_cells(document["summary"], WEEK_KPIS)])
    return sheet


def week_intervals_sheet(document: dict[str, Any]) -> Sheet:
    """``intervals``: every open day's intervals (``day``, ``interval`` of the day),
    each KPI of the day's interval table."""
    rows = document["by_interval"]
    kpis = tuple(k for k, v in (rows[0] if rows else {}).items() if isinstance(v, dict))
    columns, kinds = _columns(kpis)
    sheet = Sheet("intervals", ["day", "interval", *columns], ["text", "text", *kinds])
    for row in rows:
        start = str(row["start"]).split("+", 1)[0]
        sheet.rows.append([row["day"], start, *_cells(row, kpis)])
    return sheet


def write_week_workbook(document: dict[str, Any], path: str | Path) -> Path:
    """The week's workbook: the ``week`` sheet, then the intervals."""
    from ccsim.outputs.xlsx import write_workbook

    return write_workbook([week_sheet(document), week_intervals_sheet(document)], Path(path))
