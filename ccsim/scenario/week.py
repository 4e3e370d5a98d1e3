"""A week (or any run of days): a scenario whose ``horizon`` names its days.

A planner writes the day once (``horizon.start``/``end``, the call types' interval
profiles, the staffing) and says how the days differ::

    horizon:
      start: "08:00"
      end: "20:00"
      interval: 30min
      days: [mon, tue, wed, thu, fri, sat, sun]   # or dates: ["2026-12-07", ...]
      open:                                        # optional; default start-end daily
        fri: {start: "08:00", end: "16:00"}        # a short Friday
        sat: closed
        sun: closed
    call_types:
      billing:
        arrivals:
          volumes: [...]                           # the day profile
          daily_totals: {mon: 1200, tue: 1100}     # calls that day: the profile scaled
          # day_factors: {fri: 0.8}                # or a factor on the profile

Each day becomes an ordinary one-day `Scenario` (its own open hours, volumes and
clipped shifts), so the engines run days exactly as they run a single day, and a
one-day "week" is the day itself. Days are independent: the center opens empty
each morning, and a day closes as any day does (agents on duty at closing answer
the callers still waiting, as overtime: the drain). Keys for ``open``,
``daily_totals`` and ``day_factors`` are weekday names (``mon`` … ``sun``) or dates;
a date's entry wins over its weekday's.
``busyness`` may be keyed by days too (``{mon: {dist: gamma, mean: 1, cv: 0.15}}``):
each day its own spread, a day not listed without one.
A shift may name its days (``{start: "08:00", end: "16:30", agents: 3, days: [mon,
tue]}``): it works on those days only (a shift without ``days`` works every day);
this is how a weekly roster (``ccsim schedule`` on a week) is written.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccsim.scenario.errors import Loc, ScenarioError
from ccsim.scenario.fields import check_keys, clock, fail, mapping, number
from ccsim.scenario.load import locate, read_yaml_file
from ccsim.scenario.model import Scenario
from ccsim.scenario.origin import Origin, attach
from ccsim.scenario.validate import build_scenario
from ccsim.scenario.week_day import day_data
from ccsim.scenario.yamltree import LineMap
from ccsim.units import DAY, describe, format_clock

__all__ = ["WEEKDAYS", "Day", "Week", "is_week", "is_week_file", "load_week", "week_from_dict"]

#: Weekday names as a planner writes them, Monday first (``date.weekday()`` order).
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LONG = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_KEYS = ("daily_totals", "day_factors")
_DAY_HELP = "a weekday (mon … sun) or a date such as 2026-12-07"


@dataclass(frozen=True)
class Day:
    """One day of a week: its name, its date if given, and its scenario.

    ``scenario`` is None on a closed day. ``offset`` is the day's midnight in
    seconds from the first day's midnight (times of the week's intervals)."""

    label: str
    weekday: str
    date: datetime.date | None
    offset: float
    scenario: Scenario | None

    @property
    def is_open(self) -> bool:
        return self.scenario is not None


@dataclass(frozen=True)
class Week:
    """A run of days, each a one-day scenario; ``base`` is the day as written."""

    name: str
    base: Scenario
    days: tuple[Day, ...]

    @property
    def open_days(self) -> tuple[Day, ...]:
        return tuple(d for d in self.days if d.is_open)


def is_week(data: Any) -> bool:
    """Whether scenario data names days (``horizon.days``)."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("horizon"), dict)
        and "days" in data["horizon"]
    )


def is_week_file(path: str | Path) -> bool:
    """Whether ``path`` is a readable YAML file whose horizon names days (a missing
    or malformed file is not: the one-day loader then says what is wrong)."""
    try:
        data, _ = read_yaml_file(path)
    except ScenarioError:
        return False
    return is_week(data)


def load_week(path: str | Path) -> Week:
    """Read and validate a week scenario file (`Week`); errors name file, line and field."""
    path = Path(path)
    data, lines = read_yaml_file(path)
    try:
        return week_from_dict(data, source=str(path), base_dir=path.parent, lines=lines)
    except ScenarioError as err:
        raise locate(err, str(path), lines) from None


def week_from_dict(
    data: dict[str, Any], source: str = "<dict>", base_dir: Path | None = None, lines: Any = None
) -> Week:
    """A `Week` from scenario data with ``horizon.days`` (see the module's docstring)."""
    data = mapping(data, ())
    if not is_week(data):
        fail(("horizon",), "a week needs days: a list of weekdays or dates")
    base_data, spec = _split(data)
    days = _days(spec["days"])
    dated = _dated_forecasts(base_data, days[0][2])
    base = build_scenario(base_data, source=source, base_dir=base_dir)
    base = attach(base, Origin(base_data, lines or LineMap(), source, base_dir))
    if base.horizon.end > DAY:
        fail(("horizon", "end"), "a day of a week must close by 24:00 (the next day opens then)")
    hours = _keyed(spec["open"], ("horizon", "open"), _hours)
    factors = {ct: _factors(raw, ct) for ct, raw in spec["arrivals"].items()}
    busyness = _keyed(spec["busyness"], ("busyness",), lambda v, at: v)
    out = []
    for i, (label, weekday, date) in enumerate(days):
        before, first = (days[i - 1][2] if i else None), days[0][2]
        if date is not None and before is not None and date <= before:
            fail(("horizon", "days", i), "dates must follow one another in order")
        offset = DAY * ((date - first).days if date is not None and first is not None else i)
        span = _pick(hours, weekday, date, (base.horizon.start, base.horizon.end))
        scenario = None
        if span is None:
            _check_closed(factors, label, weekday, date)
        else:
            day_factors = {ct: _day_factor(f, weekday, date) for ct, f in factors.items()}
            rows = {ct: date.isoformat() for ct in dated} if date is not None else {}
            busy = _pick(busyness, weekday, date, None)
            day_base = base_data
            if spec["shift_days"]:
                day_base = _day_shifts(base_data, spec["shift_days"], label)
            scenario = _day_scenario(
                base,
                day_base,
                span,
                (day_factors, rows, busy),
                label,
                source,
                base_dir,
                same_staff=day_base is base_data,
            )
        out.append(Day(label, weekday, date, offset, scenario))
    return Week(name=base.name, base=base, days=tuple(out))


def _check_closed(factors: dict, label: str, weekday: str, date: datetime.date | None) -> None:
    """A closed day takes no calls: a daily total above 0 for it is a mistake."""
    for f in factors.values():
        calls = _pick(f["table"], weekday, date, None)
        if f["kind"] == "daily_totals" and calls:
            fail(f["loc"], f"{label} is closed (horizon.open) but has {calls:g} calls")


def _split(data: dict) -> tuple[dict, dict]:
    """The day's data (week keys taken out) and the week keys."""
    base = copy.deepcopy(data)
    horizon = base["horizon"]
    spec: dict[str, Any] = {"days": horizon.pop("days"), "open": horizon.pop("open", None)}
    spec["arrivals"] = {}
    for ct, body in (base.get("call_types") or {}).items():
        arr = body.get("arrivals") if isinstance(body, dict) else None
        if isinstance(arr, dict) and any(k in arr for k in _DAY_KEYS):
            spec["arrivals"][ct] = {k: arr.pop(k) for k in _DAY_KEYS if k in arr}
    spec["busyness"] = base.pop("busyness") if _by_day(base.get("busyness")) else None
    spec["shift_days"] = _shift_days(base)
    return base, spec


def _shift_days(base: dict) -> dict[str, list]:
    """Per agent group, each shift's ``days`` (taken out of the shift: the day as
    written has every shift), or None for a shift of every day; ``{}`` when no
    shift names days (a roster written by ``ccsim schedule`` names them)."""
    out: dict[str, list] = {}
    for group, body in (base.get("agent_groups") or {}).items():
        shifts = body.get("shifts") if isinstance(body, dict) else None
        if not isinstance(shifts, list):
            continue
        picked = []
        for i, shift in enumerate(shifts):
            raw = shift.pop("days", None) if isinstance(shift, dict) else None
            loc = ("agent_groups", group, "shifts", i, "days")
            if raw is not None and (not isinstance(raw, list) or not raw):
                fail(loc, f"must list the days of this shift, each {_DAY_HELP}")
            picked.append(
                None if raw is None else [_day_name(v, (*loc, j)) for j, v in enumerate(raw)]
            )
        if any(p is not None for p in picked):
            out[group] = picked
    return out


def _day_shifts(base_data: dict, shift_days: dict, label: str) -> dict:
    """``base_data`` with only the shifts that work on the day ``label``."""
    data = copy.deepcopy(base_data)
    for group, picked in shift_days.items():
        body = data["agent_groups"][group]
        body["shifts"] = [
            s
            for s, days in zip(body["shifts"], picked, strict=True)
            if days is None or any(d[0] == label or d[1] == label for d in days)
        ]
        if not body["shifts"]:
            del body["shifts"]
            body["agents"] = 0
    return data


def _by_day(value: Any) -> bool:
    """Whether ``value`` is a mapping keyed by days (a per-day busyness)."""
    if not isinstance(value, dict) or not value:
        return False
    try:
        for key in value:
            _day_name(key, ())
    except ScenarioError:
        return False
    return True


def _dated_forecasts(base_data: dict, first: datetime.date | None) -> list[str]:
    """Call types whose arrivals are a forecast file, in a week named by dates: each
    day takes its own date's rows of the file (``arrivals.date``), the base day the
    first day's."""
    if first is None:
        return []
    out = []
    for ct, body in (base_data.get("call_types") or {}).items():
        arr = body.get("arrivals") if isinstance(body, dict) else None
        if isinstance(arr, dict) and "file" in arr and "date" not in arr:
            arr["date"] = first.isoformat()
            out.append(ct)
    return out


def _days(raw: Any) -> list[tuple[str, str, datetime.date | None]]:
    loc = ("horizon", "days")
    if not isinstance(raw, list) or not raw:
        fail(loc, f"must be a non-empty list of days, each {_DAY_HELP}, got {describe(raw)}")
    days = [_day_name(v, (*loc, i)) for i, v in enumerate(raw)]
    dated = {d[2] is not None for d in days}
    if len(dated) > 1:
        fail(loc, "name every day by weekday or every day by date, not a mix")
    labels = [d[0] for d in days]
    for i, label in enumerate(labels):
        if labels.index(label) != i:
            fail((*loc, i), f"{label} is listed twice")
    return days


def _day_name(value: Any, loc: Loc) -> tuple[str, str, datetime.date | None]:
    """``(label, weekday, date)`` of a weekday name or a date."""
    if isinstance(value, datetime.date):
        return value.isoformat(), WEEKDAYS[value.weekday()], value
    if isinstance(value, str):
        key = value.strip().lower()
        if key in WEEKDAYS:
            return key, key, None
        if key in _LONG:
            return WEEKDAYS[_LONG.index(key)], WEEKDAYS[_LONG.index(key)], None
        try:
            date = datetime.date.fromisoformat(key)
        except ValueError:
            pass
        else:
            return date.isoformat(), WEEKDAYS[date.weekday()], date
    fail(loc, f"must be {_DAY_HELP}, got {describe(value)}")


def _keyed(raw: Any, loc: Loc, read: Any) -> dict:
    """``{weekday or date: read(value)}`` of a mapping keyed by days."""
    if raw is None:
        return {}
    out = {}
    for key, value in mapping(raw, loc).items():
        label, weekday, date = _day_name(key, (*loc, str(key)))
        out[date if date is not None else weekday] = read(value, (*loc, str(key)))
    return out


def _pick(table: dict, weekday: str, date: datetime.date | None, default: Any) -> Any:
    if date is not None and date in table:
        return table[date]
    return table.get(weekday, default)


def _hours(value: Any, loc: Loc) -> tuple[float, float] | None:
    """A day's open hours ``(start, end)``, or None for ``closed``."""
    if value == "closed" or value is False:
        return None
    h = mapping(value, loc)
    check_keys(h, loc, ("start", "end"), ("start", "end"))
    start, end = clock(h["start"], (*loc, "start")), clock(h["end"], (*loc, "end"))
    if not start < end:
        fail((*loc, "end"), f"must be after start ({format_clock(start)}) on the same day")
    return start, end


def _factors(raw: dict, ct: str) -> dict:
    """A call type's per-day scaling: ``{"totals": {...}}`` or ``{"factors": {...}}``."""
    loc = ("call_types", ct, "arrivals")
    if len(raw) > 1:
        fail((*loc, "day_factors"), "give daily_totals or day_factors, not both")
    key = next(iter(raw))
    table = _keyed(raw[key], (*loc, key), lambda v, at: number(v, at, ge=0))
    return {"kind": key, "table": table, "loc": (*loc, key)}


def _day_factor(f: dict, weekday: str, date: datetime.date | None) -> tuple[str, float | None]:
    return f["kind"], _pick(f["table"], weekday, date, None)


def _day_scenario(
    base: Scenario,
    base_data: dict,
    span: tuple[float, float],
    rules: tuple[dict[str, tuple[str, float | None]], dict[str, str], Any],
    label: str,
    source: str,
    base_dir: Path | None,
    same_staff: bool = True,
) -> Scenario:
    """The one-day scenario of a day: the base day, its own hours and volumes
    (and its own shifts unless ``same_staff``).

    A day like the base day (its hours, no scaling) is the base scenario itself, so
    its numbers are the single day's to the last bit."""
    h = base.horizon
    factors, dated, busy = rules
    same_hours = span == (h.start, h.end)
    scaled = {
        ct: (kind, value)
        for ct, (kind, value) in factors.items()
        if value is not None and (kind, value) != ("day_factors", 1)
    }
    if same_hours and not scaled and not dated and busy is None and same_staff:
        return base
    data = day_data(base, base_data, span, scaled, dated)
    if busy is not None:
        data["busyness"] = busy
    try:
        return attach(
            build_scenario(data, source=source, base_dir=base_dir),
            Origin(data, LineMap(), source, base_dir),
        )
    except ScenarioError as err:
        err.message = f"on {label}: {err.message}"
        raise


def day_name(entry: dict[str, Any], lang: str = "en") -> str:
    """A day of ``by_day`` as a planner reads it: its label in English (``mon``,
    ``2026-12-07 Mon``), its weekday in Chinese (after the date when it has one)."""
    from ccsim.i18n import tr

    weekday = tr(f"fc.weekday{WEEKDAYS.index(entry['weekday'])}", lang)
    if lang == "en":
        weekday = weekday[:3]
        return f"{entry['date']} {weekday}" if entry.get("date") else str(entry["day"])
    return f"{entry['date']} {weekday}" if entry.get("date") else weekday
