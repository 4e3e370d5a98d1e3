"""Volume forecasting (业务量预测): interval volumes for a day from past interval counts.

A history is one row per (day, interval) with the calls offered, as ACDs and WFM tools
export it::

    datetime,volume                   date,interval,volume,type
    2026-11-02 08:00,41         or    2026-11-02,08:00,41,billing

Two methods, both on the day-of-week × interval-of-day pattern of call volumes:

- ``seasonal_average``: the mean of the same weekday over the last ``weeks`` weeks,
  scaled by the recent level: the ratio of each recent day's total to its own
  seasonal average, smoothed by simple exponential smoothing. The ratio follows a
  trend that a plain average over weeks lags behind.
- ``holt_winters``: additive Holt-Winters (level, trend, season of one week of
  intervals) on the interval series, its smoothing constants chosen from a small grid
  by one-step-ahead squared error. Needs two weeks of history.

Accuracy is measured on held-back days: each is forecast from the days before it only
(a rolling origin), and compared with what happened by MAPE and WMAPE (see `mape`).
Days absent from the history are skipped (not read as zero calls); an interval absent
from a day that has rows is zero calls.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ccsim.atomic import write_text
from ccsim.scenario.csvdata import (
    column_roles,
    interval_start,
    parse_cell,
    parse_volume,
    read_table,
)
from ccsim.scenario.errors import ScenarioError
from ccsim.units import format_clock, format_duration

METHODS = ("seasonal_average", "holt_winters")

#: History columns: role -> the header names that mean it (any case, spaces as "_").
HISTORY_COLUMNS: dict[str, tuple[str, ...]] = {
    "datetime": ("datetime", "timestamp"),
    "date": ("date", "day"),
    "start": ("start", "interval", "interval_start", "time"),
    "volume": ("volume", "calls", "offered"),
    "type": ("type", "call_type", "queue"),
}

#: Smoothing constant of the level ratio in ``seasonal_average``.
LEVEL_ALPHA = 0.2


@dataclass(frozen=True)
class History:
    """Calls offered per day and interval of day.

    ``volumes[d, j]`` is day ``first_day + d``, interval ``starts[j]``; a day absent from
    the history is a row of NaN.
    """

    first_day: datetime.date
    starts: tuple[float, ...]  # seconds since midnight
    interval: float  # seconds
    volumes: np.ndarray

    def day(self, index: int) -> datetime.date:
        return self.first_day + datetime.timedelta(days=int(index))

    def index(self, day: datetime.date) -> int:
        return (day - self.first_day).days

    @property
    def observed(self) -> np.ndarray:
        """Indices of the days with rows."""
        return np.flatnonzero(~np.isnan(self.volumes[:, 0]))


@dataclass(frozen=True)
class Accuracy:
    """Forecast errors on held-back days: per day, per interval of day, and overall.

    ``per_day`` and ``per_interval`` are lists of dicts (``day`` / ``start``, ``actual``,
    ``forecast``, ``mape``, ``wmape``); ``zero_intervals`` counts the held-back
    intervals with no calls, which MAPE leaves out.
    """

    days: tuple[datetime.date, ...]
    per_day: list[dict]
    per_interval: list[dict]
    mape: float
    wmape: float
    naive_wmape: float  # "same day last week", for comparison
    zero_intervals: int


def mape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Mean absolute percentage error, in percent, over the intervals with calls.

    An interval with no calls has no percentage error (it would divide by zero): it is
    left out here, and counted by WMAPE. NaN when no interval has calls.
    """
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    busy = actual > 0
    if not busy.any():
        return math.nan
    return float(100.0 * np.mean(np.abs(forecast[busy] - actual[busy]) / actual[busy]))


def wmape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Weighted MAPE, in percent: sum |forecast - actual| / sum actual (every interval
    counts, weighted by its calls). NaN when there are no calls at all."""
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    total = actual.sum()
    return float(100.0 * np.abs(forecast - actual).sum() / total) if total > 0 else math.nan


def read_history(path: Path) -> dict[str, History]:
    """The history in a CSV or .xlsx file, per call type ("" when it has no type column).

    Raises ScenarioError naming the file, line and column, and what is allowed.
    """
    rows = read_table(path)
    header_line, header = rows[0]
    col = _history_columns(header, path, header_line)
    counts: dict[str, dict[tuple[datetime.date, float], float]] = {}
    lines: dict[tuple[str, datetime.date, float], int] = {}
    for line, cells in rows[1:]:
        try:
            if len(cells) != len(header):
                expected = f"expected {len(header)} values ({', '.join(header)})"
                raise ValueError(f"{expected}, got {len(cells)}")
            day, t = _when(cells, col)
            volume = parse_cell(parse_volume, cells[col["volume"]], "volume")
            kind = cells[col["type"]].strip() if "type" in col else ""
            if (kind, day, t) in lines:
                first = lines[kind, day, t]
                raise ValueError(f"{day} {format_clock(t)} appears twice (first on line {first})")
        except ValueError as exc:
            raise ScenarioError(str(exc), file=str(path), line=line) from None
        lines[kind, day, t] = line
        counts.setdefault(kind, {})[day, t] = volume
    if not counts:
        raise ScenarioError("the file has a header but no rows", file=str(path))
    return {kind: _history(c, path) for kind, c in counts.items()}


def forecast_day(
    history: History, day: datetime.date, method: str = "seasonal_average", weeks: int = 4
) -> np.ndarray:
    """Calls per interval of ``day`` (``history.starts``), from the days before it only."""
    t = history.index(day)
    past = history.volumes[: max(t, 0)]
    if method == "seasonal_average":
        return _seasonal_average(past, t, weeks)
    if method == "holt_winters":
        return _holt_winters(past, t)
    raise ValueError(f"unknown method {method!r}; allowed: {', '.join(METHODS)}")


def backtest(
    history: History,
    holdout: int,
    method: str = "seasonal_average",
    weeks: int = 4,
    until: datetime.date | None = None,
    lead: int = 1,
) -> Accuracy:
    """Forecast each of the last ``holdout`` observed days from the days before it, and
    measure the errors (also of the naive "same day last week" forecast). ``until``
    (the day being forecast): only days up to it are scored — it among them when the
    file holds it — not the last days of the file. ``lead``: each day is forecast
    from the days at least ``lead`` days before it (7: as the last day of a week's
    forecast is made)."""
    days = [int(d) for d in history.observed if d >= 7 and not np.isnan(history.volumes[d - 7, 0])]
    if until is not None:
        days = [d for d in days if d <= history.index(until)]
    days = days[-holdout:] if holdout > 0 else []
    if not days:
        raise ValueError("no day to hold back: it needs the same weekday a week before it")
    actual = history.volumes[days]
    forecast = np.array(
        [forecast_day(_until(history, d - lead + 1), history.day(d), method, weeks) for d in days]
    )
    naive = history.volumes[[d - 7 for d in days]]
    per_day = [_scores({"day": history.day(d)}, actual[k], forecast[k]) for k, d in enumerate(days)]
    per_interval = [
        _scores({"start": format_clock(s)}, actual[:, j], forecast[:, j])
        for j, s in enumerate(history.starts)
    ]
    return Accuracy(
        days=tuple(history.day(d) for d in days),
        per_day=per_day,
        per_interval=per_interval,
        mape=mape(actual, forecast),
        wmape=wmape(actual, forecast),
        naive_wmape=wmape(actual, naive),
        zero_intervals=int((actual == 0).sum()),
    )


def _until(history: History, t: int) -> History:
    """The history without day ``t`` and the days after it."""
    if t >= len(history.volumes):
        return history
    return History(
        history.first_day, history.starts, history.interval, history.volumes[: max(t, 0)]
    )


def write_volumes(path: Path, starts: Iterable[float], volumes: dict[str, np.ndarray]) -> None:
    """A forecast file that ``arrivals: {file: …}`` reads: ``start,volume`` (and a type
    column when there are several call types, or one named type)."""
    starts = list(starts)
    typed = len(volumes) > 1 or any(volumes)
    lines = ["start,type,volume" if typed else "start,volume"]
    for kind, v in volumes.items():
        for t, x in zip(starts, v, strict=True):
            value = f"{x:.2f}".rstrip("0").rstrip(".")
            lines.append(
                f"{format_clock(t)},{kind},{value}" if typed else f"{format_clock(t)},{value}"
            )
    write_text(path, "\n".join(lines) + "\n")


def _scores(key: dict, actual: np.ndarray, forecast: np.ndarray) -> dict:
    return {
        **key,
        "actual": float(actual.sum()),
        "forecast": float(forecast.sum()),
        "mape": mape(actual, forecast),
        "wmape": wmape(actual, forecast),
    }


def _same_weekdays(volumes: np.ndarray, t: int, weeks: int) -> list[int]:
    """The last ``weeks`` observed days before day t on its weekday, latest first."""
    days = [d for d in range(t - 7, -1, -7) if d < len(volumes) and not np.isnan(volumes[d, 0])]
    return days[:weeks]


def _seasonal_average(past: np.ndarray, t: int, weeks: int) -> np.ndarray:
    same = _same_weekdays(past, t, weeks)
    if not same:
        raise ValueError("the history has no day on the same weekday before it")
    base = past[same].mean(axis=0)
    level = None
    for d in range(max(0, t - 7 * weeks), len(past)):
        prev = _same_weekdays(past, d, weeks)
        if np.isnan(past[d, 0]) or not prev:
            continue
        expected = past[prev].sum(axis=1).mean()
        if expected > 0:
            ratio = past[d].sum() / expected
            level = ratio if level is None else LEVEL_ALPHA * ratio + (1 - LEVEL_ALPHA) * level
    return base * (1.0 if level is None else level)


#: Smoothing constants Holt-Winters chooses from: level, trend, season.
_HW_GRID = np.array(
    [(a, b, g) for a in (0.01, 0.03, 0.1, 0.3) for b in (0.0, 0.001) for g in (0.05, 0.1, 0.2, 0.4)]
)


def _holt_winters(past: np.ndarray, t: int) -> np.ndarray:
    """Additive Holt-Winters with a season of one week of intervals, fitted on ``past``
    (absent days filled with the same weekday's neighbour) and run forward to day t."""
    n_days, slots = past.shape
    if len(past) < 14 or np.isnan(past).all(axis=1).sum() > n_days - 14:
        raise ValueError("Holt-Winters needs at least two weeks of history before the day")
    y = _fill_absent(past).ravel()
    m = 7 * slots
    a, b, g = _HW_GRID[:, 0], _HW_GRID[:, 1], _HW_GRID[:, 2]
    level = np.full(len(_HW_GRID), y[:m].mean())
    trend = np.zeros(len(_HW_GRID))
    season = np.tile(y[:m] - y[:m].mean(), (len(_HW_GRID), 1))
    sse = np.zeros(len(_HW_GRID))
    for i in range(m, len(y)):
        s = season[:, i % m]
        error = y[i] - (level + trend + s)
        sse += error * error
        new_level = a * (y[i] - s) + (1 - a) * (level + trend)
        trend = b * (new_level - level) + (1 - b) * trend
        season[:, i % m] = g * (y[i] - new_level) + (1 - g) * s
        level = new_level
    best = int(np.argmin(sse))
    steps = (t - n_days) * slots + np.arange(1, slots + 1)
    out = level[best] + steps * trend[best] + season[best, (len(y) - 1 + steps) % m]
    return np.maximum(out, 0.0)


def _fill_absent(past: np.ndarray) -> np.ndarray:
    """Absent days (NaN rows) replaced by the nearest observed day on the same weekday."""
    out = past.copy()
    observed = ~np.isnan(past[:, 0])
    for d in np.flatnonzero(~observed):
        near = [e for e in range(d % 7, len(past), 7) if observed[e]]
        out[d] = past[min(near, key=lambda e: abs(e - d))] if near else np.nanmean(past, axis=0)
    return out


def _history(counts: dict[tuple[datetime.date, float], float], path: Path) -> History:
    """The day × interval matrix of one type's counts (absent intervals of a day are 0)."""
    times = sorted({t for _, t in counts})
    gaps = np.diff(times)
    interval = float(gaps.min()) if len(gaps) else 1800.0
    if any(g % interval for g in gaps):
        raise ScenarioError(
            f"interval starts are not on one grid: the least gap is {format_duration(interval)}"
            f" but {', '.join(format_clock(t) for t in times[:6])}… are not all that far apart",
            file=str(path),
        )
    starts = tuple(np.arange(times[0], times[-1] + interval / 2, interval).tolist())
    days = sorted({d for d, _ in counts})
    first, n = days[0], (days[-1] - days[0]).days + 1
    volumes = np.full((n, len(starts)), np.nan)
    for d in days:
        volumes[(d - first).days] = 0.0
    for (d, t), v in counts.items():
        volumes[(d - first).days, round((t - starts[0]) / interval)] = v
    return History(first, starts, interval, volumes)


def _when(cells: list[str], col: dict[str, int]) -> tuple[datetime.date, float]:
    """The day and interval start of a row: a datetime column, or date and start columns."""
    column = "datetime" if "datetime" in col else "start"
    try:
        t, day = interval_start(cells[col[column]])
    except ValueError as exc:
        if column == "datetime":
            text = cells[col[column]].strip()
            message = f"must be a date and time such as 2026-11-02 08:30, got {text!r}"
            raise ValueError(f"datetime {message}") from None
        raise ValueError(f"{column} {exc}") from None
    if "date" in col:
        text = cells[col["date"]].strip()
        try:
            date = datetime.date.fromisoformat(text.split(" ")[0])
        except ValueError:
            raise ValueError(f"date must be a date such as 2026-11-02, got {text!r}") from None
        return date, t
    if day is None:
        raise ValueError(
            f"{column} must be a date and time such as 2026-11-02 08:30 (or add a date"
            f" column), got {cells[col[column]].strip()!r}"
        )
    return datetime.date.fromisoformat(day), t


def _history_columns(header: list[str], path: Path, line: int) -> dict[str, int]:
    allowed = (
        "datetime (or timestamp), or date (or day) and start (or interval, interval_start,"
        " time); volume (or calls, offered); type (or call_type, queue)"
    )
    col = column_roles(header, HISTORY_COLUMNS, allowed, file=path, line=line, unique=False)
    if "datetime" in col and "start" in col:
        col.pop("start")  # "datetime,interval,…": the datetime says both
    if "volume" not in col or not ({"datetime", "start"} & set(col)):
        raise ScenarioError(f"the history needs columns {allowed}", file=str(path), line=line)
    return col
