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

from ccsim.scenario.forecast_table import (
    DATE_ORDERS,
    FORECAST_COLUMNS,
    _forecast_row,
    describe_intervals,
    detect_date_format,
    file_date_format,
    interval_start,
    parse_volume,
    read_forecast,
)
from ccsim.scenario.table_files import (
    column_roles,
    parse_cell,
    read_column,
    read_table,
)

#: Reading table files is in `ccsim.scenario.table_files`, the forecast's table in
#: `ccsim.scenario.forecast_table`; their names stay importable from here.
__all__ = [
    "DATE_ORDERS",
    "FORECAST_COLUMNS",
    "_forecast_row",
    "column_roles",
    "describe_intervals",
    "detect_date_format",
    "file_date_format",
    "interval_start",
    "parse_cell",
    "parse_volume",
    "read_column",
    "read_forecast",
    "read_table",
]
