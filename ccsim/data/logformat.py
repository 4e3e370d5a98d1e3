"""A log format file: how to read one ACD's call-by-call export (docs/calibration.md).

A short YAML says which column holds which step of a call, how dates and times are
written, which texts mean "did not happen", how an outcome column reads, which
records to leave out, how much clock skew to forgive and which days to use. Errors
in it are `ScenarioError`s with the file, line and field, like a scenario's.

Shipped formats (`SHIPPED`) are package data under ``ccsim/data/formats/``; a
format is named by path, or by a shipped format's name (``--format ccsim-trace``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.fields import check_keys, choice, duration, fail, mapping
from ccsim.units import describe

#: Where the shipped formats live (package data).
FORMATS_DIR = Path(__file__).parent / "formats"
#: Column roles: the steps of a call and what describes it.
ROLES = (
    "arrival",
    "ivr_start",
    "ivr_end",
    "queue",
    "exit",
    "answer",
    "abandon",
    "service_start",
    "end",
    "call_type",
    "agent",
    "priority",
)
#: Roles that hold durations instead of times: the IVR time (from the arrival), the
#: wait (from the queue entry) and the handle time (from the answer; a list of
#: columns is summed, e.g. talk and wrap-up).
DURATION_ROLES = ("ivr_duration", "wait", "handle")
#: The roles that hold times.
TIME_ROLES = ROLES[: ROLES.index("end") + 1]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DELIMITERS = ("auto", ",", ";", "\t", "|")
OUTCOME_KEYS = ("answered", "abandoned", "ignore", "other")


@dataclass(frozen=True)
class Outcome:
    """An outcome column and what its codes mean. Codes in ``answered`` /
    ``abandoned`` make the queue-exit time an answer / abandonment; ``ignore`` drops
    the record (counted); ``other``: never queued (self-served or blocked)."""

    column: str
    answered: tuple[str, ...] = ()
    abandoned: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    other: str = "never_queued"  # codes in no list: "never_queued" or "drop"


@dataclass(frozen=True)
class DaySelection:
    """Which calendar days to use: weekdays, a date range, a list, exclusions."""

    weekdays: tuple[int, ...] = tuple(range(7))  # 0 = Monday
    first: dt.date | None = None
    last: dt.date | None = None
    only: tuple[dt.date, ...] = ()
    exclude: tuple[dt.date, ...] = ()

    def keeps(self, day: dt.date) -> str | None:
        """None if ``day`` is used, else the reason it is not."""
        if self.only and day not in self.only:
            return "day not in days.only"
        if day in self.exclude:
            return "day in days.exclude"
        if self.first and day < self.first or self.last and day > self.last:
            return "day outside days.from/to"
        if day.weekday() not in self.weekdays:
            return f"{WEEKDAYS[day.weekday()]} not in days.weekdays"
        return None


@dataclass(frozen=True)
class LogFormat:
    """Everything needed to read one ACD's export (see the module's docstring)."""

    source: str = "<default>"
    columns: dict[str, str] = field(default_factory=dict)  # role -> header
    durations: dict[str, tuple[str, ...]] = field(default_factory=dict)  # role -> headers
    day_column: str | None = None  # whole-number day indexes (0 = the first day)
    delimiter: str = "auto"
    encoding: str = "utf-8-sig"
    date_column: str | None = None
    date_formats: tuple[str, ...] = ()
    time_format: str = "auto"
    missing: tuple[str, ...] = ("",)
    outcome: Outcome | None = None
    ignore: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (column, values) to drop
    skew_tolerance: float = 0.0
    days: DaySelection = DaySelection()
    priorities: str = "call_type"  # "call_type": priority p of type x is type "x.p"; "ignore"
    bad_rows: str = "stop"  # "stop" at the first unreadable row, or "skip" (counted)
    optional: frozenset[str] = frozenset()  # roles whose column may be absent


def resolve_format_path(text: str) -> Path:
    """A format file's path: as given, or a shipped format by name."""
    path = Path(text)
    if path.exists() or path.suffix in (".yaml", ".yml"):
        return path
    shipped = FORMATS_DIR / f"{text}.yaml"
    if shipped.exists():
        return shipped
    names = ", ".join(sorted(SHIPPED))
    raise ScenarioError(f"no such log format file (shipped formats: {names})", file=text)


def load_log_format(path: str | Path) -> LogFormat:
    """Read and check a log format file (errors name its file, line and field)."""
    from ccsim.scenario.load import locate, read_yaml_file

    path = resolve_format_path(str(path))
    data, lines = read_yaml_file(path, what="log format")
    try:
        return build_log_format(data, str(path))
    except ScenarioError as err:
        raise locate(err, str(path), lines) from None


def build_log_format(data: Any, source: str = "<dict>") -> LogFormat:
    """A `LogFormat` from the YAML data of a format file."""
    data = mapping(data if data is not None else {}, ())
    allowed = (
        "name",
        "description",
        "columns",
        "delimiter",
        "encoding",
        "date",
        "day",
        "time_format",
        "missing",
        "outcome",
        "ignore",
        "skew_tolerance",
        "days",
        "priorities",
        "bad_rows",
    )
    check_keys(data, (), allowed, required=("columns",))
    columns, durations = _columns(data["columns"], ("columns",))
    date_column, date_formats = _date(data.get("date"), ("date",))
    out = LogFormat(
        source=source,
        columns=columns,
        durations=durations,
        day_column=None if data.get("day") is None else _text(data["day"], ("day",)),
        delimiter=choice(data.get("delimiter", "auto"), ("delimiter",), DELIMITERS),
        encoding=_text(data.get("encoding", "utf-8-sig"), ("encoding",)),
        date_column=date_column,
        date_formats=date_formats,
        time_format=_text(data.get("time_format", "auto"), ("time_format",)),
        missing=_texts(data.get("missing", [""]), ("missing",), allow_empty=True) + ("",),
        outcome=_outcome(data.get("outcome"), ("outcome",)),
        ignore=_ignore(data.get("ignore", []), ("ignore",)),
        skew_tolerance=duration(data.get("skew_tolerance", 0), ("skew_tolerance",), ge=0),
        days=_days(data.get("days"), ("days",)),
        priorities=choice(
            data.get("priorities", "call_type"), ("priorities",), ("call_type", "ignore")
        ),
        bad_rows=choice(data.get("bad_rows", "stop"), ("bad_rows",), ("stop", "skip")),
    )
    _check_roles(out)
    return out


def _check_roles(fmt: LogFormat) -> None:
    cols = fmt.columns
    if "arrival" not in cols:
        fail(("columns",), "needs an arrival column (the call reached the center)")
    if fmt.outcome is None and not ({"answer", "abandon"} & set(cols)):
        fail(
            ("columns",),
            "needs an answer or an abandon column, or an outcome column (outcome:) with a "
            "queue exit time (columns.exit), to tell answered calls from abandoned ones",
        )
    if fmt.date_column and fmt.day_column:
        fail(("day",), "give a date column (date:) or a day-index column (day:), not both")
    if (
        fmt.outcome is not None
        and not ({"exit", "answer"} & set(cols))
        and "wait" not in fmt.durations
    ):
        fail(("columns", "exit"), "is missing; an outcome column needs the queue exit time")


def _columns(value: Any, loc: tuple) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    mapping(value, loc)
    check_keys(value, loc, (*ROLES, *DURATION_ROLES))
    times = {
        role: _text(header, (*loc, role))
        for role, header in value.items()
        if header and role in ROLES
    }
    durations = {
        role: _texts(header, (*loc, role))
        for role, header in value.items()
        if header and role in DURATION_ROLES
    }
    if "wait" in durations and "queue" not in times:
        fail((*loc, "wait"), "a wait column needs the queue entry time (columns.queue)")
    return times, durations


def _text(value: Any, loc: tuple) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        fail(loc, f"must be text, got {describe(value)}")
    return value


def _texts(value: Any, loc: tuple, allow_empty: bool = False) -> tuple[str, ...]:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or (not value and not allow_empty):
        fail(loc, f"must be a list of texts, got {describe(value)}")
    return tuple(_text(v, (*loc, i)).strip() for i, v in enumerate(value))


def _date(value: Any, loc: tuple) -> tuple[str | None, tuple[str, ...]]:
    if value is None:
        return None, ()
    mapping(value, loc)
    check_keys(value, loc, ("column", "format"), required=("column", "format"))
    return _text(value["column"], (*loc, "column")), _texts(value["format"], (*loc, "format"))


def _outcome(value: Any, loc: tuple) -> Outcome | None:
    if value is None:
        return None
    mapping(value, loc)
    check_keys(value, loc, ("column", *OUTCOME_KEYS), required=("column",))
    lists = {k: _texts(value.get(k, []), (*loc, k), allow_empty=True) for k in OUTCOME_KEYS[:3]}
    if not lists["answered"] and not lists["abandoned"]:
        fail(loc, "give the codes of answered and/or abandoned calls (answered: [...])")
    seen: dict[str, str] = {}
    for key, codes in lists.items():
        for i, code in enumerate(codes):
            if code in seen:
                fail((*loc, key, i), f"code {code!r} is already in {seen[code]}")
            seen[code] = key
    other = choice(value.get("other", "never_queued"), (*loc, "other"), ("never_queued", "drop"))
    return Outcome(_text(value["column"], (*loc, "column")), **lists, other=other)


def _ignore(value: Any, loc: tuple) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, list):
        fail(loc, f"must be a list of {{column: …, values: […]}}, got {describe(value)}")
    out = []
    for i, rule in enumerate(value):
        mapping(rule, (*loc, i))
        check_keys(rule, (*loc, i), ("column", "values"), required=("column", "values"))
        out.append(
            (
                _text(rule["column"], (*loc, i, "column")),
                _texts(rule["values"], (*loc, i, "values")),
            )
        )
    return tuple(out)


def _days(value: Any, loc: tuple) -> DaySelection:
    if value is None:
        return DaySelection()
    mapping(value, loc)
    check_keys(value, loc, ("weekdays", "from", "to", "only", "exclude"))
    weekdays = tuple(range(7))
    if value.get("weekdays") is not None:
        names = _texts(value["weekdays"], (*loc, "weekdays"))
        weekdays = tuple(
            WEEKDAYS.index(choice(n.lower()[:3], (*loc, "weekdays", i), WEEKDAYS))
            for i, n in enumerate(names)
        )
    one = {
        k: _a_date(value[k], (*loc, k)) if value.get(k) is not None else None
        for k in ("from", "to")
    }
    lists = {
        k: tuple(_a_date(v, (*loc, k, i)) for i, v in enumerate(_list(value.get(k, []), (*loc, k))))
        for k in ("only", "exclude")
    }
    if one["from"] and one["to"] and one["to"] < one["from"]:
        fail((*loc, "to"), f"must not be before from ({one['from']}), got {one['to']}")
    return DaySelection(weekdays, one["from"], one["to"], lists["only"], lists["exclude"])


def _list(value: Any, loc: tuple) -> list:
    if not isinstance(value, list):
        fail(loc, f"must be a list of dates (YYYY-MM-DD), got {describe(value)}")
    return value


def _a_date(value: Any, loc: tuple) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        fail(loc, f"must be a date YYYY-MM-DD, got {describe(value)}")


def default_format(columns: dict[str, str], time_format: str, skip_bad_rows: bool) -> LogFormat:
    """The format the plain ``--columns`` / ``--time-format`` options describe."""
    from ccsim.data.logcalls import LOG_FIELDS

    return LogFormat(
        source="--columns",
        columns=columns,
        optional=frozenset(r for r in columns if not LOG_FIELDS[r]),
        time_format=time_format,
        bad_rows="skip" if skip_bad_rows else "stop",
    )


#: The shipped formats' names.
SHIPPED = tuple(sorted(p.stem for p in FORMATS_DIR.glob("*.yaml")))
