"""One row of a call log: its outcome, date and step times checked and corrected
(clock skew, midnight, durations), or a `BadRow` naming its column and why. The
rows read are collected in `Rows` for `ccsim.data.logreader`."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field

from ccsim.data.logcalls import DEFAULT_TYPE, TIME_FIELDS
from ccsim.data.logformat import TIME_ROLES, LogFormat
from ccsim.data.logtimes import Times, ZoneError

#: Within a call, a step this much earlier in the day than the arrival is on the next day.
_NEXT_DAY_S = 12 * 3600.0


#: The order of a call's steps: (earlier, later).
ORDER = (
    ("arrival", "ivr_start"),
    ("arrival", "queue"),
    ("ivr_end", "queue"),
    ("queue", "answer"),
    ("queue", "abandon"),
    ("arrival", "answer"),
    ("arrival", "abandon"),
    ("answer", "end"),
)


#: The date of day index 0 of a day-index column (``day: replication``): a Monday.
DAY_ZERO = dt.date(2000, 1, 3)


class BadRow(Exception):
    """A row that cannot be used: its column and why (the reason groups the counts)."""

    def __init__(self, column: str, message: str, reason: str) -> None:
        super().__init__(message)
        self.column, self.message, self.reason = column, message, reason


@dataclass
class Rows:
    """What the row loop collects."""

    times: list[list[float]] = field(default_factory=list)
    dates: list[dt.date | None] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)
    fixed: Counter = field(default_factory=Counter)
    bad: Counter = field(default_factory=Counter)
    first_bad: dict[str, str] = field(default_factory=dict)  # reason -> first message
    reasons: list[str] = field(default_factory=list)
    read: int = 0


def one_row(row, line, col, fmt: LogFormat, parser: Times, rows: Rows) -> None:
    if not any(cell.strip() for cell in row):
        return
    rows.read += 1
    cell = lambda role: row[col[role]].strip() if role in col and col[role] < len(row) else ""  # noqa: E731
    for i, (column, values) in enumerate(fmt.ignore):
        if cell(f"ignore{i}") in values:
            rows.dropped[f"{column} = {cell(f'ignore{i}')} (ignore:)"] += 1
            return
    try:
        kind = _outcome(cell, fmt, rows)
        if kind is None:
            return
        day = _row_date(cell, fmt, parser, rows)
        if day is False:
            return
        times = _row_times(cell, fmt, parser, day, kind, rows)
        if parser.select_days and not math.isnan(times[-1]):
            why = fmt.days.keeps(dt.date.fromordinal(int(times[-1])))
            if why:
                rows.dropped[why] += 1
                return
        name = cell("call_type") if "call_type" in col else DEFAULT_TYPE
        queued = not (math.isnan(times[4]) and math.isnan(times[5]))
        if not name and queued:
            raise BadRow(
                _col(fmt, "call_type"), "a call that queued needs its call type", "no call type"
            )
    except BadRow as bad:
        rows.bad[bad.reason] += 1
        msg = f"line {line}: column {bad.column!r}: {bad.message}"
        rows.first_bad.setdefault(bad.reason, msg)
        if len(rows.reasons) < 10:
            rows.reasons.append(msg)
        return
    if "priority" in col and fmt.priorities == "call_type" and name and cell("priority"):
        name = f"{name}{PRIORITY_SEP}{cell('priority')}"
    rows.times.append(times)
    rows.dates.append(day)
    rows.types.append(name)
    agent = cell("agent")
    rows.agents.append("" if agent in fmt.missing else agent)


#: Joins a call type and a priority seen in the log: ``retail.p2``.
PRIORITY_SEP = ".p"


def _outcome(cell, fmt: LogFormat, rows: Rows) -> str | None:
    """ "answered", "abandoned", "never" or "" (no outcome column); None: dropped."""
    if fmt.outcome is None:
        return ""
    code, o = cell("outcome"), fmt.outcome
    if code in o.answered:
        return "answered"
    if code in o.abandoned:
        return "abandoned"
    if code in o.ignore:
        rows.dropped[f"outcome {code} (outcome.ignore)"] += 1
        return None
    if o.other == "drop":
        rows.dropped[f"outcome {code or '(blank)'} (outcome.other: drop)"] += 1
        return None
    return "never"


def _row_date(cell, fmt: LogFormat, parser: Times, rows: Rows):
    """The row's calendar date (None without a date column); False: day not used.
    A day-index column counts days from 2000-01-03 (a Monday)."""
    if fmt.day_column:
        text = cell("day")
        if not text.isdigit():
            raise BadRow(
                fmt.day_column, f"{text!r} is not a day index (0, 1, 2, …)", "bad day index"
            )
        return DAY_ZERO + dt.timedelta(days=int(text))
    if not fmt.date_column:
        return None
    text = cell("date")
    try:
        day = parser.date(text)
    except ValueError:
        raise BadRow(
            fmt.date_column,
            f"{text!r} is not a date in the format {' or '.join(fmt.date_formats)} "
            "(several date formats in one file? list them all: date: {format: [...]})",
            "date not in the format",
        ) from None
    why = fmt.days.keeps(day)
    if why:
        rows.dropped[why] += 1
        return False
    return day


def _row_times(cell, fmt: LogFormat, parser: Times, day, kind: str, rows: Rows) -> list[float]:
    """The row's times in `TIME_FIELDS` order (nan where missing), skew clamped."""
    t: dict[str, float] = {}
    for role in TIME_ROLES:
        text = cell(role)
        if text in fmt.missing:
            t[role] = math.nan
            continue
        try:
            value, when = parser(text, day)
        except ZoneError as err:
            raise BadRow(fmt.columns[role], f"{text!r} {err}", "mixed time zones") from None
        except ValueError:
            raise BadRow(
                fmt.columns[role],
                f"{text!r} is not a time: expected {parser.allowed()}",
                "not a time",
            ) from None
        if day is None and role == "arrival" and parser.dated:
            if when is None:  # a time of day in a log whose other times carry dates
                raise BadRow(
                    fmt.columns[role],
                    f"{text!r} has no date, unlike other times of the log (mixed: write"
                    " every time with its date, or none)",
                    "time without a date",
                )
            t["_date"] = when.toordinal()
        t[role] = value
    if math.isnan(t["arrival"]):
        raise BadRow(fmt.columns["arrival"], "the arrival time is missing", "no arrival time")
    _durations(cell, fmt, t)
    _midnight(t, day is not None or parser.plain_tod)
    _resolve_outcome(t, kind, fmt, rows)
    _skew(t, fmt, rows, "end" in parser.present or "handle" in fmt.durations)
    service = t.pop("_service", math.nan)
    if not math.isnan(service) and not math.isnan(t["answer"]):  # after a clamped answer
        t["end"] = t["answer"] + service
    out = [t[name] for name in TIME_FIELDS]
    return out + [t.get("_date", math.nan)]


def _durations(cell, fmt: LogFormat, t: dict[str, float]) -> None:
    """Times from duration columns: IVR end = arrival + IVR time (0: no IVR), queue
    exit = queue + wait, end = answer (or exit) + the handle columns' sum."""
    values = {}
    for role, headers in fmt.durations.items():
        total = 0.0
        for i, h in enumerate(headers):
            text = cell(f"{role}{i}")
            if text in fmt.missing:
                continue
            try:
                x = float(text)
            except ValueError:
                raise BadRow(
                    h, f"{text!r} is not a duration in seconds", "not a duration"
                ) from None
            if not math.isfinite(x) or x < 0:
                raise BadRow(h, f"{text!r}: a duration is a number >= 0", "not a duration")
            total += x
        values[role] = total
    if values.get("ivr_duration", 0.0) > 0 and math.isnan(t["ivr_start"]):
        t["ivr_start"], t["ivr_end"] = t["arrival"], t["arrival"] + values["ivr_duration"]
    if "wait" in values and not math.isnan(t["queue"]) and math.isnan(t["exit"]):
        t["exit"] = t["queue"] + values["wait"]
    if "handle" in values:
        t["_handle"] = values["handle"]


def _midnight(t: dict[str, float], times_of_day: bool) -> None:
    """A step earlier in the day than the arrival by over 12 h is on the next day."""
    if not times_of_day:
        return
    for role in TIME_ROLES[1:]:
        if t[role] < t["arrival"] - _NEXT_DAY_S:
            t[role] += 86400.0


def _resolve_outcome(t: dict[str, float], kind: str, fmt: LogFormat, rows: Rows) -> None:
    """Answer/abandon from the outcome and the queue exit; the end of service moved
    onto the queue's clock (handle = end − service start, answered at the exit)."""
    exit_ = t.pop("exit")
    start = t.pop("service_start")
    no_queue = all(math.isnan(t[r]) for r in ("queue", "answer", "abandon")) and math.isnan(exit_)
    if kind in ("answered", "abandoned") and no_queue and math.isnan(start):
        kind = "never"  # e.g. HANG for a caller who hung up in the IVR: never queued
    if kind == "answered":
        t["answer"] = exit_ if not math.isnan(exit_) else t["answer"]
        t["abandon"] = math.nan
        if math.isnan(t["answer"]):
            t["answer"] = start
        if math.isnan(t["answer"]):
            raise BadRow(
                _col(fmt, "exit"), "an answered call needs its queue exit time", "no answer time"
            )
    elif kind == "abandoned":
        t["abandon"] = exit_ if not math.isnan(exit_) else t["abandon"]
        t["answer"] = math.nan
        if math.isnan(t["abandon"]):
            raise BadRow(
                _col(fmt, "exit"), "an abandoned call needs its queue exit time", "no abandon time"
            )
    elif kind == "never":
        t["answer"] = t["abandon"] = math.nan
    if math.isnan(t["queue"]) and not (math.isnan(t["answer"]) and math.isnan(t["abandon"])):
        # reached an agent or hung up without a queue-entry time: queued from the end
        # of the IVR, else from the arrival (so a skewed answer is clamped, not negative)
        t["queue"] = t["arrival"] if math.isnan(t["ivr_end"]) else t["ivr_end"]
    handle = t.pop("_handle", math.nan)
    if not math.isnan(t["answer"]) and not math.isnan(handle):
        t["end"] = t["answer"] + handle
        t["_service"] = handle
    elif not math.isnan(t["answer"]) and not math.isnan(start) and not math.isnan(t["end"]):
        if t["end"] < start:
            raise BadRow(
                _col(fmt, "end"), "service ends before it starts", "service end before start"
            )
        if start != t["answer"]:
            rows.fixed[
                "service start differs from the queue exit (two clocks): answered at the exit"
            ] += 1
        t["_service"] = t["end"] - start
        t["end"] = t["answer"] + t["_service"]


def _col(fmt: LogFormat, role: str) -> str:
    return fmt.columns.get(role, role)


def _skew(t: dict[str, float], fmt: LogFormat, rows: Rows, has_end: bool) -> None:
    """Clamp steps out of order by at most the skew tolerance (counted); reject the
    row when they are further out. IVR exit before IVR entry: the IVR time is left
    out (counted), the call kept."""
    tol = fmt.skew_tolerance
    if not math.isnan(t["answer"]) and not math.isnan(t["abandon"]):
        raise BadRow(
            _col(fmt, "abandon"),
            "a call is either answered or abandoned, not both",
            "both answered and abandoned",
        )
    if t["ivr_end"] < t["ivr_start"]:
        if t["ivr_start"] - t["ivr_end"] <= tol:
            t["ivr_end"] = t["ivr_start"]
            rows.fixed["IVR exit before entry, within the skew tolerance: clamped"] += 1
        else:
            t["ivr_end"] = math.nan
            rows.fixed["IVR exit before IVR entry: IVR time left out"] += 1
    for before, after in ORDER:
        a, b = t[before], t[after]
        if math.isnan(a) or math.isnan(b) or b >= a:
            continue
        if a - b <= tol:
            t[after] = a
            rows.fixed[f"{after} before {before} by <= {tol:g}s: clamped"] += 1
            continue
        raise BadRow(
            _col(fmt, after),
            f"the {after} time is {a - b:g}s before the {before} time (skew tolerance "
            f"{tol:g}s); allowed: at or after it",
            f"{after} before {before} beyond the skew tolerance",
        )
    if not math.isnan(t["answer"]) and has_end and math.isnan(t["end"]):
        raise BadRow(
            _col(fmt, "end"),
            "an answered call needs its end-of-service time",
            "answered without an end time",
        )
