"""Arrivals (``{rate: 120/h}``, ``{volumes: [...]}``, ``{file: f.csv}``) -> calls per second.

The same forms serve a call type's own arrivals and the IVR's: exactly one of

- ``rate``: a constant Poisson rate (``120/h``, ``2/min``, ``0.5/s``; a bare number
  is calls per hour);
- ``volumes``: one number of calls per planning interval;
- ``file``: a forecast CSV or .xlsx (see `ccsim.scenario.csvdata`), which may also give
  AHT; ``type``, beside it, names the rows to take from a file with a type column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccsim.scenario import csvdata
from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import check_keys, fail, mapping, name, number, rate
from ccsim.scenario.model import Horizon
from ccsim.units import describe

ARRIVAL_KINDS = ("rate", "volumes", "file")


def arrivals(
    value: Any, loc: Loc, horizon: Horizon, base_dir: Path | None
) -> tuple[tuple[float, ...], tuple[float | None, ...] | None]:
    """Calls per second in each planning interval, and the forecast AHT if a file gives it."""
    a = mapping(value, loc)
    check_keys(a, loc, (*ARRIVAL_KINDS, "type", "date_format", "date"))
    given = [key for key in a if key not in ("type", "date_format", "date")]
    if len(given) != 1:
        where = (*loc, given[1]) if given else loc
        fail(
            where, f"give exactly one of rate, volumes or file, got {' and '.join(given) or 'none'}"
        )
    if "type" in a and "file" not in a:
        fail((*loc, "type"), "goes with file: it names the rows of a forecast file's type column")
    if "date" in a and "file" not in a:
        fail((*loc, "date"), "goes with file: it names the day to take from a forecast file")
    n = horizon.n_intervals
    if "rate" in a:
        return (rate(a["rate"], (*loc, "rate")),) * n, None
    if "date_format" in a and "file" not in a:
        fail((*loc, "date_format"), "goes with file: it says how the forecast writes dates")
    if "file" in a:
        kind = name(a["type"], (*loc, "type"), "a call type") if "type" in a else None
        fmt = _date_format(a["date_format"], (*loc, "date_format")) if "date_format" in a else None
        date = _date(a["date"], (*loc, "date")) if "date" in a else None
        return csvdata.read_forecast(
            a["file"], (*loc, "file"), base_dir, horizon, kind, fmt, date=date
        )
    volumes, at = a["volumes"], (*loc, "volumes")
    if not isinstance(volumes, list):
        fail(at, f"must be a list of calls per planning interval, got {describe(volumes)}")
    per_interval(volumes, at, horizon, "number")
    return tuple(number(v, (*at, i), ge=0) / horizon.interval for i, v in enumerate(volumes)), None


def per_interval(values: list, loc: Loc, horizon: Horizon, what: str) -> None:
    """Check that ``values`` has one entry per planning interval, or say how many it needs."""
    n = horizon.n_intervals
    if len(values) != n:
        expected = f"expected {n} ({csvdata.describe_intervals(horizon)})"
        fail(loc, f"must have one {what} per planning interval: {expected}, got {len(values)}")


def _date(value: Any, loc: Loc) -> str:
    """``"2026-12-07"`` of a date (quoted or not)."""
    import datetime

    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        fail(loc, f"must be a date such as 2026-12-07, got {describe(value)}")


def _date_format(value: Any, loc: Loc) -> str:
    """A forecast's date format: a strftime format of the date ("%d/%m/%Y") or one of
    day-first, month-first, iso."""
    allowed = 'day-first, month-first, iso, or a format such as "%d/%m/%Y"'
    if not isinstance(value, str):
        fail(loc, f"must be {allowed}, got {describe(value)}")
    text = csvdata.DATE_ORDERS.get(value.strip().lower(), value.strip())
    if not all(code in text for code in ("%d", "%m")) or not ("%Y" in text or "%y" in text):
        fail(loc, f"must be {allowed}, got {value!r}")
    return text
