"""A week's forecast (``ccsim forecast --for-week DATE``): seven days of interval
volumes, each forecast from the days before DATE only, in one file of dated rows.

The file (``start`` as ``2026-12-07 08:00``, ``volume``, and ``type`` with several
call types) is what a week scenario whose days are dates reads as it is:
``arrivals: {file: week.csv}`` gives each day its own date's rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ccsim.atomic import write_text
from ccsim.data.forecast import History, _until, forecast_day
from ccsim.units import format_clock

__all__ = ["WEEK", "forecast_week", "write_week_volumes"]


#: Days in a week's forecast.
WEEK = 7


def forecast_week(
    history: History, first: datetime.date, method: str = "seasonal_average", weeks: int = 4
) -> list[tuple[datetime.date, np.ndarray | None]]:
    """Calls per interval of the seven days from ``first``, each forecast from the days
    before ``first`` only (a forecast made on the eve of the week). A day whose
    weekday the history never had (a closed day) is None."""
    cut = _until(history, history.index(first))
    out: list[tuple[datetime.date, np.ndarray | None]] = []
    for k in range(WEEK):
        day = first + datetime.timedelta(days=k)
        try:
            out.append((day, forecast_day(cut, day, method, weeks)))
        except ValueError:
            if method == "holt_winters":
                raise
            out.append((day, None))
    if all(v is None for _, v in out):
        raise ValueError(f"the history has no days before {first} to forecast the week from")
    return out


def write_week_volumes(
    path: Path,
    starts: Iterable[float],
    volumes: dict[str, list[tuple[datetime.date, np.ndarray | None]]],
) -> None:
    """A week's forecast file: dated rows ``start`` (``2026-12-07 08:00``), ``volume``
    (and ``type`` as in `write_volumes`). A week scenario whose days are dates reads it
    as it is (``arrivals: {file: …}``: each day its own date's rows)."""
    starts = list(starts)
    typed = len(volumes) > 1 or any(volumes)
    lines = ["start,type,volume" if typed else "start,volume"]
    for kind, days in volumes.items():
        for day, v in days:
            if v is None:
                continue
            for t, x in zip(starts, v, strict=True):
                value = f"{x:.2f}".rstrip("0").rstrip(".")
                when = f"{day.isoformat()} {format_clock(t)}"
                lines.append(f"{when},{kind},{value}" if typed else f"{when},{value}")
    write_text(path, "\n".join(lines) + "\n")
