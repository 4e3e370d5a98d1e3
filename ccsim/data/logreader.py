"""Read a call-by-call log as a `LogFormat` describes it, into a `CallLog`.

What the reader guarantees (docs/calibration.md, "Reading a log"):

- every row left out is counted by its reason (`CallLog.dropped`), and every value
  corrected is counted too (`CallLog.fixed`): clock skew under the tolerance is
  clamped, a larger one rejects the row; a wait is never negative;
- days are calendar days: a call on the second date is a day later, never stacked
  onto the first; a file of times of day without dates that goes back in time is
  an error (it would stack several days silently);
- a bad file is one line naming it and, where it can, the line, the column, the
  value, how many rows share the problem and what is allowed: wrong encoding, an
  unclosed quote, a wrong delimiter, a missing column, mixed date formats or time
  zones, nothing left after filtering.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ccsim.data.calllog import DEFAULT_TYPE, TIME_FIELDS, CallLog
from ccsim.data.logformat import DELIMITERS, TIME_ROLES, DaySelection, LogFormat
from ccsim.scenario.errors import ScenarioError

#: A time of day: H:MM, H:MM:SS, optional fraction.
_TOD = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?")
#: Within a call, a step this much earlier in the day than the arrival is on the next day.
_NEXT_DAY_S = 12 * 3600.0
#: Consecutive arrivals going back more than this, in a log without dates: several days.
_BACK_S = 6 * 3600.0
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
_EPOCH = dt.datetime(1970, 1, 1)
#: The date of day index 0 of a day-index column (``day: replication``): a Monday.
DAY_ZERO = dt.date(2000, 1, 3)


class BadRow(Exception):
    """A row that cannot be used: its column and why (the reason groups the counts)."""

    def __init__(self, column: str, message: str, reason: str) -> None:
        super().__init__(message)
        self.column, self.message, self.reason = column, message, reason


@dataclass
class _Rows:
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


def read_log(path: str | Path, fmt: LogFormat) -> CallLog:
    """The calls of ``path`` read as ``fmt`` says (see the module's docstring)."""
    path = Path(path)
    source = str(path)
    text = _decode(path, fmt.encoding)
    if not text.strip():
        raise ScenarioError("the call log is empty (no header row, 0 calls)", file=source)
    delimiter = _delimiter(text, fmt, source)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader)
    col = _columns(header, fmt, source, delimiter)
    rows = _Rows()
    parser = _Times(fmt)
    parser.present = set(col)
    if not fmt.date_column and fmt.days != DaySelection():
        parser.select_days = True
    try:
        start = 2
        for row in reader:
            if any("\n" in cell or "\r" in cell for cell in row):
                raise ScenarioError(
                    f"a quoted field runs from here over {reader.line_num - start + 1} lines "
                    f"(to line {reader.line_num}); {rows.read} row(s) read before it — an "
                    'unclosed quote (") makes the rest of the file one field',
                    file=source,
                    line=start,
                )
            _one_row(row, reader.line_num, col, fmt, parser, rows)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ScenarioError(
            f"the CSV cannot be read past here ({exc}); {rows.read} row(s) read before it — "
            'an unclosed quote (") makes the rest of the file one field',
            file=source,
            line=reader.line_num,
        ) from None
    if parser.select_days and not parser.dated:
        raise ScenarioError(
            "days: selects calendar days, but the log's times have no dates (name the date "
            "column with date: {column: …, format: …})",
            file=fmt.source,
        )
    _check_bad(rows, fmt, source)
    _check_stacked(rows, parser, source)
    if not rows.times:
        raise ScenarioError(f"no call rows left: {_counts_text(rows)}", file=source)
    return _build(rows, parser, col, fmt, source)


def _decode(path: Path, encoding: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read the call log: {exc}", file=str(path)) from None
    try:
        return raw.decode(encoding)
    except LookupError:
        raise ScenarioError(f"unknown encoding {encoding!r}", file=str(path)) from None
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        bad = sum(
            1 for one in raw.split(b"\n") if one.decode(encoding, errors="replace").count("\ufffd")
        )
        raise ScenarioError(
            f"byte {raw[err.start]:#04x} is not {encoding} ({bad} line(s) have such bytes); "
            "give the file's encoding in the log format, e.g. encoding: latin-1 or cp1252",
            file=str(path),
            line=line,
        ) from None


def _delimiter(text: str, fmt: LogFormat, source: str) -> str:
    first = text.lstrip("\ufeff").splitlines()[0]
    counts = {d: first.count(d) for d in DELIMITERS[1:]}
    if fmt.delimiter == "auto":
        best = max(counts, key=counts.__getitem__)
        return best if counts[best] else ","
    if counts[fmt.delimiter] == 0 and any(counts.values()):
        other = max(counts, key=counts.__getitem__)
        raise ScenarioError(
            f"the header {first[:60]!r} has no {fmt.delimiter!r} but {counts[other]} "
            f"{other!r}: the file seems to be separated by {other!r} (delimiter: in the format)",
            file=source,
            line=1,
        )
    return fmt.delimiter


def _columns(header: list[str], fmt: LogFormat, source: str, delimiter: str) -> dict[str, int]:
    where = {h.strip().lstrip("\ufeff"): i for i, h in enumerate(header)}
    wanted = dict(fmt.columns)
    if fmt.date_column:
        wanted["date"] = fmt.date_column
    if fmt.outcome:
        wanted["outcome"] = fmt.outcome.column
    if fmt.day_column:
        wanted["day"] = fmt.day_column
    for role, headers in fmt.durations.items():
        for i, h in enumerate(headers):
            wanted[f"{role}{i}"] = h
    for i, (column, _) in enumerate(fmt.ignore):
        wanted[f"ignore{i}"] = column
    for role in fmt.optional:
        if wanted.get(role) not in where:
            wanted.pop(role, None)
    missing = [f"{h!r} ({role})" for role, h in wanted.items() if h not in where]
    missing_roles = [role for role, h in wanted.items() if h not in where]
    if missing:
        hint = ""
        if len(header) == 1:
            hint = f" — one column only: is the delimiter {delimiter!r} right?"
        raise ScenarioError(
            f"no column {', '.join(missing)}; the header has "
            f"{', '.join(map(repr, header[:20]))}{hint}; name them with --columns "
            f"{missing_roles[0]}=COLUMN or in the log format's columns:",
            file=source,
            line=1,
        )
    return {role: where[h] for role, h in wanted.items()}


class _Times:
    """Time cells to seconds since an epoch (dates) or since midnight (times only)."""

    def __init__(self, fmt: LogFormat) -> None:
        self.fmt = fmt
        self.dated = bool(fmt.date_column)  # calendar dates known
        self.tz: dt.tzinfo | None | bool = False  # False: not seen yet
        self.plain_tod = False  # saw a time of day without a date
        self.present: set[str] = set()  # the roles whose column the header has
        self.select_days = False  # days: given, dates from datetimes

    def allowed(self) -> str:
        tf = self.fmt.time_format
        if tf == "seconds":
            return "seconds since midnight, a number >= 0"
        if tf == "auto":
            return "seconds, H:MM[:SS], or an ISO datetime like 2026-03-02 08:15:00"
        return f"a time in the format {tf!r}"

    def date(self, text: str) -> dt.date:
        for f in self.fmt.date_formats:
            try:
                return dt.datetime.strptime(text, f).date()
            except ValueError:
                continue
        raise ValueError(text)

    def __call__(self, text: str, day: dt.date | None) -> tuple[float, dt.date | None]:
        """(seconds, calendar date) — seconds since midnight of ``day`` if given or
        the text has only a time, else since 1970 (a datetime)."""
        tf = self.fmt.time_format
        if tf in ("seconds", "auto"):
            try:
                value = float(text)
            except ValueError:
                if tf == "seconds":
                    raise
            else:
                if not math.isfinite(value) or value < 0:
                    raise ValueError(text)
                return value, day
            m = _TOD.fullmatch(text)
            if m:
                self.plain_tod = day is None
                secs = int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3] or 0) + float(m[4] or 0)
                return float(secs), day
            stamp = dt.datetime.fromisoformat(text)
            if day is not None:
                return (stamp - dt.datetime.combine(day, dt.time())).total_seconds(), day
        else:
            stamp = dt.datetime.strptime(text, tf)
            if day is not None and stamp.year == 1900:  # a time-only format
                return (
                    stamp - stamp.replace(hour=0, minute=0, second=0, microsecond=0)
                ).total_seconds(), day
        stamp = self._zone(stamp)
        self.dated = True
        return (stamp - _EPOCH).total_seconds(), stamp.date()

    def _zone(self, stamp: dt.datetime) -> dt.datetime:
        if self.tz is False:
            self.tz = stamp.tzinfo
        if (stamp.tzinfo is None) != (self.tz is None):
            has = "has a" if stamp.tzinfo is not None else "has no"
            raise _ZoneError(
                f"{has} time zone, unlike the first datetime of the log (mixed time zones: "
                "write every time with its offset, or none)"
            )
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(self.tz if isinstance(self.tz, dt.tzinfo) else None).replace(
                tzinfo=None
            )
        return stamp


class _ZoneError(ValueError):
    pass


def _one_row(row, line, col, fmt: LogFormat, parser: _Times, rows: _Rows) -> None:
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


def _outcome(cell, fmt: LogFormat, rows: _Rows) -> str | None:
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


def _row_date(cell, fmt: LogFormat, parser: _Times, rows: _Rows):
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


def _row_times(cell, fmt: LogFormat, parser: _Times, day, kind: str, rows: _Rows) -> list[float]:
    """The row's times in `TIME_FIELDS` order (nan where missing), skew clamped."""
    t: dict[str, float] = {}
    for role in TIME_ROLES:
        text = cell(role)
        if text in fmt.missing:
            t[role] = math.nan
            continue
        try:
            value, when = parser(text, day)
        except _ZoneError as err:
            raise BadRow(fmt.columns[role], f"{text!r} {err}", "mixed time zones") from None
        except ValueError:
            raise BadRow(
                fmt.columns[role],
                f"{text!r} is not a time: expected {parser.allowed()}",
                "not a time",
            ) from None
        if day is None and role == "arrival" and parser.dated:
            rows_date = when
            t["_date"] = rows_date.toordinal()  # type: ignore[union-attr]
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


def _resolve_outcome(t: dict[str, float], kind: str, fmt: LogFormat, rows: _Rows) -> None:
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


def _skew(t: dict[str, float], fmt: LogFormat, rows: _Rows, has_end: bool) -> None:
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


def _check_bad(rows: _Rows, fmt: LogFormat, source: str) -> None:
    """Stop (``bad_rows: stop``) naming the first bad row and how many share its problem."""
    if not rows.bad or fmt.bad_rows == "skip":
        return
    reason, count = next(iter(rows.bad.items()))
    first = rows.first_bad[reason]
    line, _, rest = first.partition(": ")
    more = sum(rows.bad.values())
    raise ScenarioError(
        f"{rest} ({count} row(s) with this problem, {more} bad in all; --skip-bad-rows or "
        "bad_rows: skip in the log format skips them and counts them)",
        file=source,
        line=int(line.split()[1]),
    )


def _check_stacked(rows: _Rows, parser: _Times, source: str) -> None:
    """Times of day without dates that go back: several days in one file."""
    if not parser.plain_tod or parser.dated or len(rows.times) < 2:
        return
    arr = np.array([r[0] for r in rows.times])
    back = np.nonzero(np.diff(arr) < -_BACK_S)[0]
    if back.size:
        raise ScenarioError(
            f"the times have no dates but the arrivals go back by more than 6 h {back.size} "
            "time(s): the file seems to hold several days, which would be stacked onto one; "
            "name the date column in a log format (date: {column: …, format: …})",
            file=source,
        )


def _counts_text(rows: _Rows) -> str:
    parts = [f"{rows.read} row(s) read"]
    parts += [f"{n} dropped: {why}" for why, n in rows.dropped.most_common()]
    parts += [f"{n} bad: {why}" for why, n in rows.bad.most_common()]
    return "; ".join(parts)


def _build(rows: _Rows, parser: _Times, col, fmt: LogFormat, source: str) -> CallLog:
    t = np.array(rows.times, dtype=float)
    secs, ordinal = t[:, : len(TIME_FIELDS)], t[:, len(TIME_FIELDS)]
    day_of = np.array([d.toordinal() if d is not None else np.nan for d in rows.dates])
    day_of = np.where(np.isnan(day_of), ordinal, day_of)
    if np.all(np.isnan(day_of)):  # times only, or plain seconds: one stream from 0
        first = None
    else:
        first = int(np.nanmin(day_of))
        if fmt.date_column or fmt.day_column:  # times of day on their date
            secs = secs + ((day_of - first) * 86400.0)[:, None]
        else:  # datetimes since 1970: since midnight of the first date
            secs = secs - (first - _EPOCH.date().toordinal()) * 86400.0
    arrays = {name: secs[:, i] for i, name in enumerate(TIME_FIELDS)}
    fill = np.where(np.isnan(arrays["ivr_end"]), arrays["arrival"], arrays["ivr_end"])
    reached = ~np.isnan(arrays["answer"]) | ~np.isnan(arrays["abandon"])
    arrays["queue"] = np.where(reached & np.isnan(arrays["queue"]), fill, arrays["queue"])
    types: dict[str, int] = {}
    kinds = [types.setdefault(name, len(types)) if name else -1 for name in rows.types]
    agents: dict[str, int] = {}
    who = [agents.setdefault(a, len(agents)) if a else -1 for a in rows.agents]
    dates = None
    if first is not None:
        dates = {
            int(d): dt.date.fromordinal(first + int(d)).isoformat()
            for d in np.unique(np.floor(arrays["arrival"] / 86400.0))
        }
    has = {r for r in ("ivr_start", "ivr_end", "queue", "end", "call_type", "agent") if r in col}
    has.add("arrival")
    if fmt.outcome is not None or "answer" in col:
        has.add("answer")
    if fmt.outcome is not None or "abandon" in col:
        has.add("abandon")
    if "handle" in fmt.durations:
        has.add("end")
    if "ivr_duration" in fmt.durations:
        has.update(("ivr_start", "ivr_end"))
    return CallLog(
        source=source,
        **arrays,
        call_type=np.array(kinds, dtype=np.int64),
        types=list(types),
        agent=np.array(who, dtype=np.int64),
        agents=list(agents),
        has=has,
        skipped=sum(rows.bad.values()),
        reasons=rows.reasons,
        dropped=dict(rows.dropped),
        bad=dict(rows.bad),
        fixed=dict(rows.fixed),
        dates=dates,
    )
