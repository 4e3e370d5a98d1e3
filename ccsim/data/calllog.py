"""Read a call-by-call ACD log: one row per call, times of its steps.

A log row tells when a call arrived, optionally when it entered and left the IVR,
when it joined a queue, when it was answered or abandoned, when service ended,
its call type and the agent who answered it. Column names differ from ACD to ACD,
so each field's column is configurable (`LOG_FIELDS` are the names we use and the
default headers). Times are datetimes (ISO 8601, or any ``strftime`` format) or
plain seconds; either way they become seconds since midnight of the log's first
day, so a call on the second day at 08:00 is at ``86400 + 28800``.

A row that cannot be read is a `ScenarioError` naming the file, line, column,
value and what is allowed, unless ``skip_bad_rows``: then it is counted in
`CallLog.skipped` (with the first reasons) and left out — never silently. The
reader itself is `ccsim.data.logreader`; a log format file
(`ccsim.data.logformat`) describes logs the plain options cannot.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ccsim.data.logcalls import (
    DEFAULT_TYPE,
    LOG_FIELDS,
    MAX_REASONS,
    TIME_FIELDS,
    CallLog,
    parse_columns,
)
from ccsim.data.logformat import LogFormat, default_format
from ccsim.data.logreader import read_log

__all__ = [
    "DEFAULT_TYPE",
    "LOG_FIELDS",
    "MAX_REASONS",
    "TIME_FIELDS",
    "CallLog",
    "parse_columns",
    "read_call_log",
]


def read_call_log(
    path: str | Path,
    columns: dict[str, str] | None = None,
    time_format: str = "auto",
    skip_bad_rows: bool = False,
    fmt: LogFormat | None = None,
) -> CallLog:
    """Read a call log CSV (docs/calibration.md): as the log format ``fmt`` says, or
    with the plain ``columns`` / ``time_format`` options (`ccsim.data.logreader`)."""
    if fmt is None:
        fmt = default_format(columns or parse_columns(None), time_format, skip_bad_rows)
    elif skip_bad_rows:
        fmt = replace(fmt, bad_rows="skip")
    return read_log(path, fmt)
