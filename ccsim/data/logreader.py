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

A row is read by `ccsim.data.logrows`, its time cells by `ccsim.data.logtimes`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np

from ccsim.data.logcalls import TIME_FIELDS, CallLog
from ccsim.data.logformat import DELIMITERS, DaySelection, LogFormat
from ccsim.data.logrows import PRIORITY_SEP, Rows, one_row
from ccsim.data.logtimes import EPOCH, Times
from ccsim.scenario.errors import ScenarioError

__all__ = ["PRIORITY_SEP", "read_log"]

#: Consecutive arrivals going back more than this, in a log without dates: several days.
_BACK_S = 6 * 3600.0


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
    rows = Rows()
    parser = Times(fmt)
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
            one_row(row, reader.line_num, col, fmt, parser, rows)
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


def _check_bad(rows: Rows, fmt: LogFormat, source: str) -> None:
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


def _check_stacked(rows: Rows, parser: Times, source: str) -> None:
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


def _counts_text(rows: Rows) -> str:
    parts = [f"{rows.read} row(s) read"]
    parts += [f"{n} dropped: {why}" for why, n in rows.dropped.most_common()]
    parts += [f"{n} bad: {why}" for why, n in rows.bad.most_common()]
    return "; ".join(parts)


def _build(rows: Rows, parser: Times, col, fmt: LogFormat, source: str) -> CallLog:
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
            secs = secs - (first - EPOCH.date().toordinal()) * 86400.0
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
