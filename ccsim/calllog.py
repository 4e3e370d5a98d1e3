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
`CallLog.skipped` (with the first reasons) and left out — never silently.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from ccsim.scenario.errors import ScenarioError
from ccsim.units import parse_clock

#: The fields of a log row (our names, also the default column headers) and whether
#: a log must have them.
LOG_FIELDS: dict[str, bool] = {
    "arrival": True,
    "ivr_start": False,
    "ivr_end": False,
    "queue": False,
    "answer": False,
    "abandon": False,
    "end": False,
    "call_type": False,
    "agent": False,
}
TIME_FIELDS = ("arrival", "ivr_start", "ivr_end", "queue", "answer", "abandon", "end")
#: The call type of every call when the log has no call-type column.
DEFAULT_TYPE = "calls"
#: Reasons of skipped rows kept for the report (the count is always complete).
MAX_REASONS = 10


@dataclass
class CallLog:
    """The calls of a log, as aligned arrays (times in seconds since midnight of the
    first day, ``nan`` where the log has no time).

    ``queue`` is filled in where the log has no queue-entry time for a call that was
    answered or abandoned: the end of the IVR, else the arrival. A call neither
    answered nor abandoned never waited in a queue (self-served or hung up in the
    IVR, or blocked).
    """

    source: str
    arrival: np.ndarray
    ivr_start: np.ndarray
    ivr_end: np.ndarray
    queue: np.ndarray
    answer: np.ndarray
    abandon: np.ndarray
    end: np.ndarray
    call_type: np.ndarray  # index into ``types``; -1: none (a call that never queued)
    types: list[str]
    agent: np.ndarray  # index into ``agents``, -1 for none
    agents: list[str]
    has: set[str] = field(default_factory=set)  # fields the log's columns gave
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def n_calls(self) -> int:
        return int(self.arrival.shape[0])

    @property
    def answered(self) -> np.ndarray:
        return ~np.isnan(self.answer)

    @property
    def abandoned(self) -> np.ndarray:
        return ~np.isnan(self.abandon) & np.isnan(self.answer)

    @property
    def queued(self) -> np.ndarray:
        return self.answered | self.abandoned

    @property
    def wait(self) -> np.ndarray:
        """Time in queue until answer or abandonment (``nan`` if never queued)."""
        stop = np.where(self.answered, self.answer, self.abandon)
        return stop - self.queue

    @property
    def handle(self) -> np.ndarray:
        """Answer to end of service (``nan`` if not answered or no end time)."""
        return self.end - self.answer

    @property
    def via_ivr(self) -> np.ndarray:
        return ~np.isnan(self.ivr_start)

    @property
    def days(self) -> np.ndarray:
        """Distinct days (0 = the first) on which calls arrived."""
        return np.unique(np.floor(self.arrival / 86400.0)).astype(int)

    def describe_skipped(self) -> str:
        """One line saying how many rows were skipped and the first reasons."""
        if not self.skipped:
            return f"{self.source}: every row read"
        more = f" (first {len(self.reasons)} shown)" if self.skipped > len(self.reasons) else ""
        return f"{self.source}: skipped {self.skipped} bad row(s){more}:\n  " + "\n  ".join(
            self.reasons
        )


def parse_columns(text: str | None) -> dict[str, str]:
    """``"arrival=ArrTime,answer=AnsTime"`` -> ``{"arrival": "ArrTime", ...}``; every
    field not named keeps its own name as the header."""
    columns = {name: name for name in LOG_FIELDS}
    if not text:
        return columns
    for part in text.split(","):
        key, eq, header = part.partition("=")
        key, header = key.strip(), header.strip()
        if not eq or not header:
            raise ValueError(f"expected FIELD=COLUMN, got {part.strip()!r}")
        if key not in LOG_FIELDS:
            raise ValueError(f"unknown field {key!r}: allowed are {', '.join(LOG_FIELDS)}")
        columns[key] = header
    return columns


class TimeParser:
    """Turn a log's time text into seconds since midnight of the log's first day.

    ``time_format``: ``"auto"`` (plain seconds, ``HH:MM[:SS]``, or ISO 8601
    datetimes), ``"seconds"`` (plain seconds since midnight), or a ``strftime``
    format such as ``"%d/%m/%Y %H:%M:%S"``.
    """

    def __init__(self, time_format: str = "auto") -> None:
        self.time_format = time_format
        self.origin: datetime | None = None  # midnight of the first datetime seen

    def allowed(self) -> str:
        if self.time_format == "seconds":
            return "seconds since midnight, a number >= 0"
        if self.time_format == "auto":
            return "seconds (a number), HH:MM[:SS], or an ISO datetime like 2026-03-02 08:15:00"
        return f"a time in the format {self.time_format!r}"

    def __call__(self, text: str) -> float:
        if self.time_format in ("seconds", "auto"):
            try:
                value = float(text)
            except ValueError:
                if self.time_format == "seconds":
                    raise
            else:
                if not math.isfinite(value) or value < 0:
                    raise ValueError(text)
                return value
            if ":" in text and "-" not in text and "T" not in text:
                return parse_clock(text)
            stamp = datetime.fromisoformat(text)
        else:
            stamp = datetime.strptime(text, self.time_format)
        if self.origin is None:
            self.origin = stamp.replace(hour=0, minute=0, second=0, microsecond=0)
        return (stamp - self.origin).total_seconds()


def read_call_log(
    path: str | Path,
    columns: dict[str, str] | None = None,
    time_format: str = "auto",
    skip_bad_rows: bool = False,
) -> CallLog:
    """Read a call log CSV (see the module's docstring and docs/calibration.md)."""
    path = Path(path)
    source = str(path)
    columns = columns or parse_columns(None)
    try:
        f = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise ScenarioError(f"cannot read the call log: {exc}", file=source) from None
    with f:
        reader = csv.reader(f)
        header = next(reader, None)
        if not header:
            raise ScenarioError("the call log is empty (no header row)", file=source, line=1)
        where = {h.strip(): i for i, h in enumerate(header)}
        col = {name: where.get(columns[name]) for name in LOG_FIELDS}
        for name, required in LOG_FIELDS.items():
            if required and col[name] is None:
                raise ScenarioError(
                    f"no column {columns[name]!r} for the {name} time; the header has "
                    f"{', '.join(map(repr, header))} (name it with --columns {name}=COLUMN)",
                    file=source,
                    line=1,
                )
        if col["answer"] is None and col["abandon"] is None:
            raise ScenarioError(
                "the log needs an answer or an abandon column (--columns answer=…,abandon=…) "
                "to tell answered calls from abandoned ones",
                file=source,
                line=1,
            )
        parse = TimeParser(time_format)
        rows: list[list[float]] = []
        types: dict[str, int] = {}
        agents: dict[str, int] = {}
        kinds: list[int] = []
        who: list[int] = []
        skipped, reasons = 0, list[str]()
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            name = _cell(row, col["call_type"]) if col["call_type"] is not None else DEFAULT_TYPE
            try:
                times = _read_times(row, col, columns, parse)
                answer, abandon = (times[TIME_FIELDS.index(f)] for f in ("answer", "abandon"))
                if not name and not (math.isnan(answer) and math.isnan(abandon)):
                    raise _BadRow(columns["call_type"], "a call that queued needs its call type")
            except _BadRow as bad:
                message = f"line {line}: column {bad.column!r}: {bad.message}"
                if not skip_bad_rows:
                    raise ScenarioError(
                        f"column {bad.column!r}: {bad.message} (--skip-bad-rows skips such rows)",
                        file=source,
                        line=line,
                    ) from None
                skipped += 1
                if len(reasons) < MAX_REASONS:
                    reasons.append(message)
                continue
            rows.append(times)
            kinds.append(types.setdefault(name, len(types)) if name else -1)
            agent = _cell(row, col["agent"])
            who.append(agents.setdefault(agent, len(agents)) if agent else -1)
    if not rows:
        raise ScenarioError(
            f"the call log has no readable call rows ({skipped} skipped)", file=source
        )
    t = np.array(rows, dtype=float).reshape(len(rows), len(TIME_FIELDS))
    arrays = {name: t[:, i] for i, name in enumerate(TIME_FIELDS)}
    queue = arrays["queue"]
    fill = np.where(np.isnan(arrays["ivr_end"]), arrays["arrival"], arrays["ivr_end"])
    # No queue-entry time: a call that was answered or abandoned queued from the end
    # of its IVR (else its arrival).
    reached = ~np.isnan(arrays["answer"]) | ~np.isnan(arrays["abandon"])
    queue = np.where(reached & np.isnan(queue), fill, queue)
    return CallLog(
        source=source,
        **{**arrays, "queue": queue},
        call_type=np.array(kinds, dtype=np.int64),
        types=list(types),
        agent=np.array(who, dtype=np.int64),
        agents=list(agents),
        has={name for name in LOG_FIELDS if col[name] is not None},
        skipped=skipped,
        reasons=reasons,
    )


class _BadRow(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _read_times(
    row: list[str], col: dict[str, int | None], columns: dict[str, str], parse: TimeParser
) -> list[float]:
    """The row's times in `TIME_FIELDS` order (nan where blank), checked for order."""
    out = []
    for name in TIME_FIELDS:
        text = _cell(row, col[name])
        if not text:
            if LOG_FIELDS[name]:
                raise _BadRow(columns[name], f"the {name} time is missing")
            out.append(math.nan)
            continue
        try:
            out.append(parse(text))
        except ValueError:
            raise _BadRow(
                columns[name], f"{text!r} is not a time: expected {parse.allowed()}"
            ) from None
    t = dict(zip(TIME_FIELDS, out, strict=True))
    if not math.isnan(t["answer"]) and not math.isnan(t["abandon"]):
        raise _BadRow(columns["abandon"], "a call is either answered or abandoned, not both")
    for before, after in (
        ("arrival", "ivr_start"),
        ("ivr_start", "ivr_end"),
        ("arrival", "queue"),
        ("ivr_end", "queue"),
        ("queue", "answer"),
        ("queue", "abandon"),
        ("arrival", "answer"),
        ("arrival", "abandon"),
        ("answer", "end"),
    ):
        if not math.isnan(t[before]) and not math.isnan(t[after]) and t[after] < t[before]:
            raise _BadRow(
                columns[after],
                f"{_cell(row, col[after])!r}: the {after} time is before the {before} time "
                f"({_cell(row, col[before])!r}); allowed: at or after it",
            )
    if not math.isnan(t["answer"]) and col["end"] is not None and math.isnan(t["end"]):
        raise _BadRow(columns["end"], "an answered call needs its end-of-service time")
    return out
