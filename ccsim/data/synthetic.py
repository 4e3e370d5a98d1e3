"""Simulated logs with known truth: ccsim runs written the way real ACD exports are.

`messy_log` writes the calls of a run's replications (replication r on the r-th
weekday from ``first_day``) in the layout of the shipped ``generic-acd`` format, with
the features real exports have: the date in its own column (dd/mm/yyyy) and times of
day (H:MM:SS, whole seconds) in others; ``0:00:00`` or ``-`` for "did not happen";
one queue-exit time with an outcome code (AGENT, HANG; PHANTOM rows of junk to be
ignored); service start a second before the queue exit on some calls (two clocks);
an IVR exit before the IVR entry on a few; a priority column that changes nothing;
and weekend days, copies of a weekday, that the format's day selection must drop.
Calibrating from it and comparing with the scenario that made it checks the whole
path (tests/test_known_truth.py). Every injected defect is counted in `Injected`.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ccsim.atomic import atomic_open
from ccsim.observations import ABANDONED, ANSWERED

HEADER = (
    "date",
    "call_id",
    "type",
    "priority",
    "vru_entry",
    "vru_exit",
    "q_start",
    "q_exit",
    "outcome",
    "ser_start",
    "ser_exit",
    "server",
)


@dataclass
class Injected:
    """How many of each defect the log holds (what the reader must count)."""

    rows: int = 0
    phantom: int = 0
    weekend_rows: int = 0
    skewed_service: int = 0
    ivr_backwards: int = 0
    dash_sentinels: int = 0
    dates: list[str] = field(default_factory=list)  # the weekdays written, in order


def _clock(seconds: float) -> str:
    """H:MM:SS, truncated to the second as ACDs record (monotone: order is kept)."""
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def weekdays_from(first: dt.date, n: int) -> list[dt.date]:
    """The first ``n`` weekdays (Mon–Fri) from ``first`` on."""
    out: list[dt.date] = []
    day = first
    while len(out) < n:
        if day.weekday() < 5:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def messy_log(
    observations: list,
    call_types: list[str],
    path: Path,
    first_day: dt.date = dt.date(2026, 3, 2),
    seed: int = 0,
    skew_share: float = 0.1,
    phantom_share: float = 0.01,
    ivr_backwards_share: float = 0.005,
) -> Injected:
    """Write the replications' calls as a messy ACD export (see the module's docstring)."""
    rng = np.random.default_rng(seed)
    days = weekdays_from(first_day, len(observations))
    inj = Injected(dates=[d.isoformat() for d in days])
    rows: list[list[str]] = []
    for obs, day in zip(observations, days, strict=True):
        rows += _day_rows(obs, call_types, day, rng, inj, skew_share, ivr_backwards_share)
    saturday = days[0] + dt.timedelta(days=5 - days[0].weekday())
    weekend = [[saturday.strftime("%d/%m/%Y"), *r[1:]] for r in rows if r[0] == _dmy(days[0])]
    inj.weekend_rows = len(weekend)
    rows += weekend
    n_phantom = int(phantom_share * len(rows))
    for i in range(n_phantom):
        junk = rows[rng.integers(len(rows))][:]
        junk[1], junk[8] = f"ph{i}", "PHANTOM"
        junk[6], junk[7] = _clock(rng.uniform(0, 86399)), "0:00:00"  # nonsense times
        rows.append(junk)
    inj.phantom = n_phantom
    order = rng.permutation(len(rows))  # exports are not always sorted
    with atomic_open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in order:
            w.writerow(rows[i])
    inj.rows = len(rows)
    return inj


def _dmy(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _day_rows(obs, call_types, day, rng, inj: Injected, skew_share, ivr_back_share) -> list:
    out = []
    date = _dmy(day)
    for i in range(obs.n_calls):
        a = float(obs.arrival[i])
        ivr_end = a + float(obs.ivr_time[i])
        k = int(obs.call_type[i])
        none = "-" if rng.random() < 0.2 else "0:00:00"
        inj.dash_sentinels += none == "-"
        row = [date, f"{day:%y%m%d}{i}", call_types[k] if k >= 0 else "", str(rng.integers(2))]
        vru_exit = _clock(ivr_end)
        if rng.random() < ivr_back_share:
            vru_exit = _clock(a - 5)
            inj.ivr_backwards += 1
        row += [_clock(a), vru_exit]
        outcome = int(obs.outcome[i])
        if outcome in (ANSWERED, ABANDONED):
            q, exit_ = float(obs.offered[i]), float(obs.offered[i]) + float(obs.wait[i])
            row += [_clock(q), _clock(exit_)]
        else:
            row += [none, none]
        if outcome == ANSWERED:
            start = exit_ - (1.0 if rng.random() < skew_share else 0.0)
            inj.skewed_service += start < exit_
            handle = float(obs.talk[i]) + float(obs.wrap[i])
            row += ["AGENT", _clock(start), _clock(start + handle), "NO_SERVER"]
        else:
            row += ["HANG", none, none, "NO_SERVER"]
        out.append(row)
    return out
