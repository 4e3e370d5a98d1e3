"""Agents on the floor per interval, estimated from the log itself.

A work-conserving center leaves no eligible agent idle while a caller waits. So
while someone waits, the agents busy *are* the agents on the floor (for one pool of
agents serving every queue). Per day and interval we average the number of busy
agents over the seconds in which a caller waited ("busy while waiting"); where
nobody waited long enough, the log says only that at least the peak number of
busy agents was there (a lower bound).

`infer_staffing` gives the simpler figures from agent ids: agents busy, agents seen,
and logged-in sessions per interval.

Per time of day the scenario's line takes the median over the days where the
interval had waiting, and the highest peak where none had. Known limits: after-call
work outside the log's service times makes agents look idle (the estimate is then
low); agents who serve only some queues make the pooled estimate mix groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ccsim.data.logcalls import CallLog

#: Seconds of waiting an interval of a day needs for "busy while waiting" to count.
MIN_WAIT_S = 60.0
DAY_S = 86400

#: Default gap between two calls of an agent that still counts as one logged-in session.
SESSION_GAP_S = 1800.0


@dataclass
class FloorEstimate:
    """Per interval (time of day): the staffing line and how it was found."""

    agents: np.ndarray  # whole agents, the scenario's line
    while_waiting: np.ndarray  # median over days of busy-while-waiting (nan: no waiting)
    peak_busy: np.ndarray  # highest number busy at once, over all days
    days_with_wait: np.ndarray  # days whose interval had >= MIN_WAIT_S of waiting
    per_day: np.ndarray  # (days, intervals) busy while waiting, nan where unknown


def floor_staffing(log: CallLog, starts: np.ndarray, interval: float) -> FloorEstimate:
    """The agents on the floor per interval of ``starts`` (see the module's docstring)."""
    days = log.days
    n = starts.size
    per_day = np.full((days.size, n), np.nan)
    peak = np.zeros((days.size, n))
    answered = log.answered & ~np.isnan(log.end)
    queued = log.queued
    stop = np.where(log.answered, log.answer, log.abandon)
    for i, day in enumerate(days):
        base = day * DAY_S
        busy = _level(log.answer[answered] - base, log.end[answered] - base)
        waiting = _level(log.queue[queued] - base, stop[queued] - base)
        for j, s in enumerate(starts):
            a, b = int(s), min(int(s + interval), DAY_S)
            mask = waiting[a:b] > 0
            peak[i, j] = busy[a:b].max(initial=0)
            if mask.sum() >= MIN_WAIT_S:
                per_day[i, j] = busy[a:b][mask].mean()
    known = ~np.isnan(per_day)
    median = np.array(
        [np.median(per_day[known[:, j], j]) if known[:, j].any() else np.nan for j in range(n)]
    )
    top = peak.max(axis=0) if days.size else np.zeros(n)
    line = np.where(np.isnan(median), top, np.round(np.nan_to_num(median)))
    return FloorEstimate(line.astype(int), median, top, known.sum(axis=0), per_day)


def _level(t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    """How many spans [t0, t1) cover each second of the day (spans clipped to it)."""
    a = np.clip(np.floor(t0), 0, DAY_S).astype(int)
    b = np.clip(np.floor(t1), 0, DAY_S).astype(int)
    ok = b > a
    diff = np.bincount(a[ok], minlength=DAY_S + 1) - np.bincount(b[ok], minlength=DAY_S + 1)
    return np.cumsum(diff)[:DAY_S]


def infer_staffing(
    log: CallLog, starts: np.ndarray, interval: float, n_days: int, gap: float = SESSION_GAP_S
) -> dict[str, np.ndarray]:
    """Agents per planning interval (time of day), averaged over days.

    - ``busy``: agent-seconds of service (answer to end) / interval length — the mean
      number of agents busy, a hard lower bound of staffing (needs no agent ids).
    - ``seen``: distinct agents with any service in the interval (needs agent ids) —
      a lower bound too: an agent who took no call there is invisible.
    - ``sessions``: an agent's calls closer than ``gap`` seconds (end of one to answer
      of the next) form one logged-in session, from its first answer to its last end;
      the agent-seconds of sessions / interval length is the mean number logged in.
      This is what the scenario's staffing line uses (rounded up), when agent ids exist.
    """
    n = starts.size
    answered = log.answered & ~np.isnan(log.end)
    busy = _cover(log.answer[answered], log.end[answered], starts, interval) / interval
    out = {"busy": busy / n_days}
    if "agent" not in log.has or not np.any(log.agent[answered] >= 0):
        return out
    seen = np.zeros(n)
    sessions = np.zeros(n)
    who = log.agent[answered]
    a, e = log.answer[answered], log.end[answered]
    for agent in np.unique(who[who >= 0]):
        sel = who == agent
        order = np.argsort(a[sel])
        b0, b1 = a[sel][order], e[sel][order]
        day = np.floor(b0 / 86400.0)
        for one in np.unique(day):  # an agent counts once per day and interval
            seen += _cover(b0[day == one], b1[day == one], starts, interval) > 0
        ends = np.maximum.accumulate(b1)
        new = np.concatenate([[True], b0[1:] - ends[:-1] > gap])
        first = np.nonzero(new)[0]
        last = np.concatenate([first[1:], [b0.size]]) - 1
        sessions += _cover(b0[first], ends[last], starts, interval)
    out["seen"] = seen / n_days
    out["sessions"] = sessions / interval / n_days
    return out


def _cover(b0: np.ndarray, b1: np.ndarray, starts: np.ndarray, interval: float) -> np.ndarray:
    """Seconds of the spans [b0, b1) (times of any day, folded onto the time of day)
    falling in each interval [start, start + interval)."""
    day = np.floor(b0 / 86400.0) * 86400.0
    s0, s1 = b0 - day, b1 - day
    lo = np.maximum(s0[:, None], starts[None, :])
    hi = np.minimum(s1[:, None], starts[None, :] + interval)
    return np.clip(hi - lo, 0.0, None).sum(axis=0)
