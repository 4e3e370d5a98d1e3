"""A log's time cells to seconds: plain seconds, times of day (H:MM[:SS]), ISO or
``strftime`` datetimes; with dates, seconds since 1970 and the calendar date; one
time zone per log (mixed zones are an error)."""

from __future__ import annotations

import datetime as dt
import math
import re

from ccsim.data.logformat import LogFormat

#: A time of day: H:MM, H:MM:SS, optional fraction.
_TOD = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?")


EPOCH = dt.datetime(1970, 1, 1)


class Times:
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
        return (stamp - EPOCH).total_seconds(), stamp.date()

    def _zone(self, stamp: dt.datetime) -> dt.datetime:
        if self.tz is False:
            self.tz = stamp.tzinfo
        if (stamp.tzinfo is None) != (self.tz is None):
            has = "has a" if stamp.tzinfo is not None else "has no"
            raise ZoneError(
                f"{has} time zone, unlike the first datetime of the log (mixed time zones: "
                "write every time with its offset, or none)"
            )
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(self.tz if isinstance(self.tz, dt.tzinfo) else None).replace(
                tzinfo=None
            )
        return stamp


class ZoneError(ValueError):
    pass
