"""The floor over time: who waits, who works, who is away, at each frame of a video.

The engines record one row per call (`Observations`) and the roster says when
each agent is on shift, on a break or absent (`build_roster`). That is enough to
rebuild the state of the floor at any moment, without touching the engine:

- callers waiting for type k at t: live legs of type k with
  ``offered <= t < offered + wait``;
- agents busy in group g at t: legs worked by g with
  ``offered + wait <= t < offered + wait + talk + wrap`` (a chat counts as
  1 / chat_max of an agent, rounded up to whole agents);
- agents on shift, absent or on a break: from the roster, breaks at their planned
  times (the engine starts a break only once the call in progress ends; an agent
  still on a call is shown busy, not on break);
- abandonments and the service level so far: from each call's outcome and the
  moment it became known.

Which agent of a group took which call is not recorded, so the agents of a group
are shown as counts: the first ones busy, then idle, on break, absent, off shift.
Every count at every frame time comes from one ``searchsorted`` over sorted event
times, so a whole day at 10 frames a second takes milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ccsim.metrics.service_level import service_level_terms
from ccsim.models.roster import AgentPlan
from ccsim.observations import (
    ABANDONED,
    ANSWERED,
    FIRST,
    NOT_REACHED,
    RETRIAL,
    TRANSFER,
    Observations,
)
from ccsim.scenario.model import Horizon, Scenario
from ccsim.units import format_clock


@dataclass(frozen=True)
class FloorTimeline:
    """The state of the floor at each frame time; arrays are ``(n_frames, …)``.

    Agent counts per group add up: ``busy + idle + on_break + absent + off_shift ==
    seats`` at every frame, where ``seats`` is the most agents the roster ever has
    in the group (a cell per agent in the picture).
    """

    scenario: Scenario
    times: np.ndarray  # (F,) seconds since midnight
    waiting: np.ndarray  # (F, n_types) callers in queue
    busy: np.ndarray  # (F, n_groups) agents on a call or in after-call work
    idle: np.ndarray  # (F, n_groups) logged in, free
    on_break: np.ndarray  # (F, n_groups)
    absent: np.ndarray  # (F, n_groups) rostered but away (shrinkage, absences)
    off_shift: np.ndarray  # (F, n_groups) not rostered now
    seats: np.ndarray  # (n_groups,)
    abandoned: np.ndarray  # (F, n_types) abandonments so far (cumulative)
    sl_met: np.ndarray  # (F,) calls that met the SL threshold so far
    sl_counted: np.ndarray  # (F,) calls whose SL verdict is known so far
    #: Every abandonment of the day, in time order: when, call type, how long it waited.
    abandon_times: np.ndarray
    abandon_types: np.ndarray
    abandon_waits: np.ndarray
    seed: int = 0
    replication: int = 0

    @property
    def service_level(self) -> np.ndarray:
        """SL so far at each frame (NaN before the first verdict)."""
        out = np.full(self.sl_met.shape, np.nan)
        np.divide(self.sl_met, self.sl_counted, out=out, where=self.sl_counted > 0)
        return out

    def recent_abandons(self, frame: int, n: int = 3) -> list[tuple[float, int, float]]:
        """The last ``n`` abandonments up to frame ``frame``: (time, type, wait), newest first."""
        last = int(np.searchsorted(self.abandon_times, self.times[frame], side="right"))
        rows = range(last - 1, max(last - n, 0) - 1, -1)
        return [
            (float(self.abandon_times[i]), int(self.abandon_types[i]), float(self.abandon_waits[i]))
            for i in rows
        ]


def active_counts(
    begin: np.ndarray,
    end: np.ndarray,
    key: np.ndarray,
    n_keys: int,
    times: np.ndarray,
    weight: np.ndarray | None = None,
) -> np.ndarray:
    """How many spans ``[begin, end)`` of each key in ``[0, n_keys)`` contain each time.

    Returns shape ``(len(times), n_keys)``: per key, (spans begun by t) − (spans ended
    by t), each a ``searchsorted`` in the sorted begin and end times; with
    ``weight``, the sum of the weights of those spans.
    """
    times = np.asarray(times, dtype=float)
    out = np.zeros((times.size, n_keys))
    key = np.asarray(key, dtype=np.int64)
    w = np.ones(key.size) if weight is None else np.asarray(weight, dtype=float)
    for k in range(n_keys):
        mine = key == k
        if not mine.any():
            continue
        out[:, k] = _cumulative(begin[mine], w[mine], times) - _cumulative(
            end[mine], w[mine], times
        )
    return out


def _cumulative(t: np.ndarray, w: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Sum of the weights ``w`` of the events at ``t <= times`` (for each of ``times``)."""
    order = np.argsort(t, kind="stable")
    cum = np.concatenate([[0.0], np.cumsum(w[order])])
    return cum[np.searchsorted(t[order], times, side="right")]


def frame_times(
    horizon: Horizon,
    start: float | None = None,
    end: float | None = None,
    speed: float = 600.0,
    fps: float = 10.0,
) -> np.ndarray:
    """The clock time of each frame: from ``start`` to ``end`` (default: the whole
    horizon), ``speed / fps`` simulated seconds apart, both ends included when the
    step fits. Raises ValueError for a window outside the horizon or a bad rate."""
    start = horizon.start if start is None else float(start)
    end = horizon.end if end is None else float(end)
    if not speed > 0 or not fps > 0:
        raise ValueError(f"speed and fps must be > 0, got speed {speed:g} and fps {fps:g}")
    window = f"the window {format_clock(start)}–{format_clock(end)}"
    if start < horizon.start or end > horizon.end:
        raise ValueError(
            f"{window} is outside the horizon "
            f"{format_clock(horizon.start)}–{format_clock(horizon.end)}"
        )
    if not end > start:
        raise ValueError(f"{window} ends before it starts: --to must be after --from")
    step = speed / fps
    n = int(np.floor((end - start) / step + 1e-9)) + 1
    return start + step * np.arange(n)


def floor_timeline(
    scenario: Scenario,
    obs: Observations,
    plans: list[AgentPlan],
    times: np.ndarray,
    seed: int = 0,
    replication: int = 0,
) -> FloorTimeline:
    """The floor at each of ``times``, rebuilt from a replication's observations and
    its roster (`ccsim.models.roster.build_roster` with the same seed and replication)."""
    times = np.asarray(times, dtype=float)
    n_types, n_groups = len(scenario.call_types), len(scenario.agent_groups)
    outcome = np.asarray(obs.outcome)
    leg = np.asarray(obs.leg)
    offered = np.asarray(obs.offered, dtype=float)
    wait = np.asarray(obs.wait, dtype=float)
    call_type = np.asarray(obs.call_type, dtype=np.int64)
    group = np.asarray(obs.group, dtype=np.int64)
    live = (leg == FIRST) | (leg == RETRIAL) | (leg == TRANSFER)
    queued = live & (call_type >= 0) & ~np.isnan(offered) & ~np.isnan(wait)
    queued &= (outcome == ANSWERED) | (outcome == ABANDONED)

    waiting = active_counts(
        offered[queued], offered[queued] + wait[queued], call_type[queued], n_types, times
    )

    worked = ((outcome == ANSWERED) | (outcome == NOT_REACHED)) & (group >= 0)
    begin = (offered + wait)[worked]
    finish = begin + (np.asarray(obs.talk) + np.asarray(obs.wrap))[worked]
    chat = np.array([c.channel == "chat" for c in scenario.call_types] + [False])
    chat_max = np.array([g.chat_max for g in scenario.agent_groups], dtype=float)
    g_worked = group[worked]
    weight = np.where(
        chat[np.where(call_type >= 0, call_type, -1)][worked], 1 / chat_max[g_worked], 1
    )
    busy = np.ceil(active_counts(begin, finish, g_worked, n_groups, times, weight) - 1e-9)

    on_shift, absent, on_break, seats = _roster_counts(plans, n_groups, times)
    busy = np.minimum(busy, seats)
    # An agent finishing a call past a shift's end or a break's start is busy, not away.
    present = np.maximum(on_shift - absent, busy)
    on_break = np.minimum(on_break, present - busy)
    idle = present - busy - on_break
    absent = np.minimum(absent, seats - present)
    off_shift = seats - present - absent

    gone = queued & (outcome == ABANDONED)
    t_ab = (offered + wait)[gone]
    order = np.argsort(t_ab, kind="stable")
    abandoned = active_counts(t_ab, np.full(t_ab.size, np.inf), call_type[gone], n_types, times)

    met, counted = _service_level_so_far(scenario, obs, queued, times)
    return FloorTimeline(
        scenario=scenario,
        times=times,
        waiting=as_int(waiting),
        busy=as_int(busy),
        idle=as_int(idle),
        on_break=as_int(on_break),
        absent=as_int(absent),
        off_shift=as_int(off_shift),
        seats=as_int(seats),
        abandoned=as_int(abandoned),
        sl_met=as_int(met),
        sl_counted=as_int(counted),
        abandon_times=t_ab[order],
        abandon_types=call_type[gone][order],
        abandon_waits=wait[gone][order],
        seed=seed,
        replication=replication,
    )


def _roster_counts(
    plans: list[AgentPlan], n_groups: int, times: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per frame and group: agents on shift, absent, on a break; and seats."""
    shifts, away, breaks = [], [], []
    for p in plans:
        end, p_breaks, p_away = planned_day(p)
        shifts.append((p.start, end, p.group))
        away += [(a0, a1, p.group) for a0, a1 in p_away]
        breaks += [(b0, b1, p.group) for b0, b1 in p_breaks]
    on_shift = _count(shifts, n_groups, times)
    seats = np.zeros(n_groups)
    if shifts:  # the most agents on shift at once: at some shift's start
        starts = np.unique([s for s, _e, _g in shifts])
        seats = _count(shifts, n_groups, starts).max(axis=0)
    return (
        on_shift,
        np.minimum(_count(away, n_groups, times), on_shift),
        _count(breaks, n_groups, times),
        seats,
    )


def planned_day(
    plan: AgentPlan,
) -> tuple[float, list[tuple[float, float]], list[tuple[float, float]]]:
    """An agent's day as the engine walks it, calls left out: the end of the shift,
    the breaks and the absences as ``(from, to)`` spans.

    Like `ccsim.models.agents.agent_day`, steps are taken in time order, and one
    that falls due while the agent is still away (a break during an absence) starts
    when the agent is back. A whole-shift absence (shrinkage) is one absence.
    """
    end = np.inf if plan.open_end else plan.end
    if plan.absent_all_shift:
        return end, [], [(plan.start, end)]
    steps = [(due, 0, length) for due, length, _paid in plan.breaks]
    steps += [(t0, 1, t1) for t0, t1 in plan.absences]
    steps.sort(key=lambda s: (s[0], s[1]))
    now = plan.start
    breaks, away = [], []
    for due, kind, arg in steps:
        now = max(now, due)
        if kind == 0:
            breaks.append((now, now + arg))
            now += arg
        else:
            away.append((now, max(now, arg)))
            now = max(now, arg)
    return max(end, now), breaks, away


def _count(spans: list[tuple[float, float, int]], n_groups: int, times: np.ndarray) -> np.ndarray:
    """`active_counts` of ``(begin, end, group)`` spans at ``times``."""
    if not spans:
        return np.zeros((np.size(times), n_groups))
    b, e, g = (np.array(c) for c in zip(*spans, strict=True))
    return active_counts(b.astype(float), e.astype(float), g, n_groups, times)


def as_int(a: np.ndarray) -> np.ndarray:
    return np.rint(a).astype(np.int64)


def _service_level_so_far(
    scenario: Scenario, obs: Observations, queued: np.ndarray, times: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Calls that met SL(T), and calls whose verdict is known, by each frame time.

    A call's verdict is known once it is answered or abandoned, or once it has
    waited T without an answer (it can no longer meet the threshold); so the
    fraction at the end of the day is the day's service level, in the scenario's
    definition, over the calls the day counts (those offered after the warm-up).
    """
    sl = scenario.service_level
    h = scenario.horizon
    offered = np.asarray(obs.offered, dtype=float)
    wait = np.asarray(obs.wait, dtype=float)
    outcome = np.asarray(obs.outcome)
    sel = queued & (offered >= h.start + h.warmup)
    offered, wait, outcome = offered[sel], wait[sel], outcome[sel]
    answered = outcome == ANSWERED
    within = wait <= sl.threshold
    # One indicator per call (`service_level_terms`): does it meet, does it count.
    per_call = {
        "answered_within": (answered & within).astype(np.int64),
        "abandoned_within": (~answered & within).astype(np.int64),
        "answered": answered.astype(np.int64),
        "offered": np.ones(wait.size, dtype=np.int64),
    }
    num, den = service_level_terms(per_call, sl.definition)
    met, counts = num > 0, den > 0
    # The verdict is known at the answer, abandonment or threshold; for SL over
    # answered calls, only at the answer or abandonment.
    known = offered + (wait if sl.definition == "answered" else np.minimum(wait, sl.threshold))
    return _cumulative(known[met], np.ones(met.sum()), times), _cumulative(
        known[counts], np.ones(counts.sum()), times
    )
