"""Calibrate a scenario from a call-by-call log: volumes, handle times, patience,
IVR and staffing, each estimated with the estimator that suits what the log shows.

- Volumes: calls arriving per planning interval, per call type, averaged over the
  log's days.
- Handle time (answer to end of service) and IVR time: exponential, gamma and
  lognormal fitted by maximum likelihood; the lowest AIC is chosen, every fit is
  reported (with its Kolmogorov–Smirnov distance).
- Patience is *censored*: an abandoned call shows its caller's patience (= its wait),
  an answered call only that the patience exceeded its wait. The mean wait of the
  abandoned calls ("naive") is therefore biased low — the patient callers are the
  ones who got answered. We give Kaplan–Meier (nonparametric) and censored maximum
  likelihood fits (exponential: abandons / total waiting time; Weibull and lognormal
  numerically), and choose by AIC.
- Staffing per interval from agent ids: see `infer_staffing`.

The estimators live in `ccsim.data.durations` (durations), `ccsim.data.survival`
(censored patience) and `ccsim.data.patience` (the curve kept as a distribution);
the report as text is `ccsim.outputs.calibration_text.format_report`.

`calibrate` returns the scenario as plain data (accepted by `ccsim run`) and a fit
report; the engine-free estimators are public for reuse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccsim.data.busyness import estimate_busyness
from ccsim.data.durations import MIN_DURATION_S, MIN_FIT, Fit, _round, _secs, fit_durations
from ccsim.data.floor import MIN_WAIT_S, SESSION_GAP_S, floor_staffing, infer_staffing
from ccsim.data.logcalls import CallLog
from ccsim.data.mixes import handle_varies, hourly_mixes
from ccsim.data.patience import choose_patience
from ccsim.data.survival import (
    MIN_ABANDONS_2P,
    PatienceFit,
    fit_patience,
    kaplan_meier,
    km_summary,
)
from ccsim.units import format_clock, format_duration

__all__ = [
    "MIN_ABANDONS_2P",
    "MIN_DURATION_S",
    "MIN_FIT",
    "SESSION_GAP_S",
    "Calibration",
    "Fit",
    "PatienceFit",
    "calibrate",
    "fit_durations",
    "fit_patience",
    "infer_staffing",
    "kaplan_meier",
    "km_summary",
]

# --------------------------------------------------------------------------- the scenario


@dataclass
class Calibration:
    """What `calibrate` produced: the scenario (plain data) and the fit report."""

    scenario: dict[str, Any]
    report: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def calibrate(
    log: CallLog,
    interval: float = 1800.0,
    threshold: float = 20.0,
    name: str | None = None,
    session_gap: float = SESSION_GAP_S,
    *,
    patience: str = "auto",
    staffing: str = "floor",
    staffing_line: list[int] | None = None,
    ivr_mix: str = "by_interval",
) -> Calibration:
    """Estimate a scenario from a call log (see the module's docstring).

    The horizon covers the times of day calls arrived or joined a queue, in whole
    intervals; volumes and staffing are per interval, averaged over the log's days.
    ``patience``: "auto" (the Kaplan–Meier curve when parametric fits are poor),
    "parametric" or "survival". ``staffing``: "floor" (busy while callers wait,
    `ccsim.data.floor`) or "sessions" (agent ids); ``staffing_line`` overrides both.
    ``ivr_mix``: "by_interval" (per-interval volumes carry the time-of-day mix) or
    "day" (one IVR node with the day's branch shares).
    """
    from ccsim.data.priorities import split_by_priority

    if "end" not in log.has:
        raise ValueError(
            "the log has no end-of-service column: handle times cannot be estimated "
            "(name it with --columns end=COLUMN)"
        )
    notes: list[str] = []
    log, prio_report = split_by_priority(log, notes)
    grid = _Grid(log, interval)
    report: dict[str, Any] = {
        "source": log.source,
        "calls": log.n_calls,
        "skipped_rows": log.skipped,
        "dropped": log.dropped,
        "bad": log.bad,
        "fixed": log.fixed,
        "days": grid.n_days,
        "dates": sorted(log.dates.values()) if log.dates else None,
        "interval_s": interval,
        "horizon": [format_clock(grid.start), format_clock(grid.end)],
        "call_types": {},
    }
    if prio_report:
        report["priorities"] = prio_report
    call_types = _call_types(log, grid, report, notes, patience, ivr_mix, prio_report)
    scenario: dict[str, Any] = {
        "name": name or f"calibrated from {log.source}",
        "horizon": {
            "start": format_clock(grid.start),
            "end": "24:00" if grid.end >= 86400 else format_clock(grid.end),
            "interval": format_duration(interval),
        },
        "service_level": {"threshold": _secs(threshold), "target": 0.8},
    }
    busy = _busyness(log, report, notes)
    if busy is not None:
        scenario["busyness"] = busy
    if log.via_ivr.any():
        scenario["ivr"] = _ivr(log, grid, report, notes, ivr_mix)
    scenario["call_types"] = call_types
    line = _staffing(log, grid, report, notes, staffing, staffing_line, session_gap)
    scenario["agent_groups"] = {"agents": {"skills": list(log.types), "agents": line}}
    report["time_of_day"] = hourly_mixes(log, grid.tod)
    if log.skipped:
        notes.append(f"{log.skipped} bad row(s) skipped")
    report["notes"] = notes
    return Calibration(scenario, report, notes)


class _Grid:
    """The planning intervals of the day a log's arrivals cover, and each call's
    interval: of its arrival, and of the moment it was offered to a queue (its
    arrival if never)."""

    def __init__(self, log: CallLog, interval: float) -> None:
        self.interval = interval
        self.n_days = int(log.days.size)
        offered = np.where(log.queued, log.queue, log.arrival)
        self.tod = _tod(log.arrival)
        self.offered_tod = _tod(offered)
        # The day of the arrivals; a call offered after its end (it was still in the
        # IVR) counts in the last interval, as the simulation's arrivals would.
        self.start = math.floor(self.tod.min() / interval) * interval
        self.end = min(math.floor(self.tod.max() / interval) * interval + interval, 86400.0)
        self.starts = np.arange(self.start, self.end - 1e-9, interval)
        self.n = self.starts.size
        self.idx = self._index(self.tod)
        self.offered_idx = self._index(self.offered_tod)

    def _index(self, tod: np.ndarray) -> np.ndarray:
        return np.clip(((tod - self.start) // self.interval).astype(int), 0, self.n - 1)

    def volumes(self, sel: np.ndarray, offered: bool = False) -> list[float]:
        idx = self.offered_idx if offered else self.idx
        return [_round(v, 3) for v in np.bincount(idx[sel], minlength=self.n) / self.n_days]


def _tod(t: np.ndarray) -> np.ndarray:
    return t - np.floor(t / 86400.0) * 86400.0


def _call_types(log, grid, report, notes, patience, ivr_mix, prio_report) -> dict[str, Any]:
    """Per call type: arrivals, handle time and patience (and priority, if split)."""
    call_types: dict[str, Any] = {}
    via = log.via_ivr
    for k, type_name in enumerate(log.types):
        mine = log.call_type == k
        entry: dict[str, Any] = {}
        rep: dict[str, Any] = {
            "offered_per_day": _round(np.sum(mine & log.queued) / grid.n_days, 3)
        }
        if ivr_mix == "by_interval":  # every call of the type, when it was offered
            sel = mine & (log.queued | ~via)
            if sel.any():
                entry["arrivals"] = {"volumes": grid.volumes(sel, offered=True)}
        elif (mine & ~via).any():
            entry["arrivals"] = {"volumes": grid.volumes(mine & ~via)}
        entry["handle_time"], rep["handle_time"] = _handle(log, grid, k, type_name, notes)
        queued = mine & log.queued
        ab = log.abandoned[queued]
        if ab.any():
            pat = fit_patience(log.wait[queued], ab)
            w = np.maximum(
                np.where(ab, np.maximum(log.wait[queued], MIN_DURATION_S), log.wait[queued]), 0
            )
            choice = choose_patience(pat, w, ab, patience)
            entry["patience"] = choice["scenario"]
            rep["patience"] = pat.to_dict()
            rep["patience"].update(
                chosen=choice["chosen"],
                km_gap=_round(choice["gap"]),
                km_gap_bound=_round(choice["bound"]),
                up_to_s=_round(choice["horizon_s"]),
                longest_wait_s=_round(float(w.max())),
            )
            for f, d in zip(pat.fits, rep["patience"]["fits"], strict=True):
                d["mean_supported"] = f.supported
            if choice["chosen"] == "survival":
                rep["patience"]["curve"] = _curve_summary(choice["scenario"])
        else:
            notes.append(f"{type_name}: no abandoned calls, so no patience (nobody abandons)")
            rep["patience"] = None
        if prio_report and type_name in prio_report.get("priority", {}):
            entry["priority"] = prio_report["priority"][type_name]
        call_types[type_name] = entry
        report["call_types"][type_name] = rep
    return call_types


def _curve_summary(spec: dict[str, Any]) -> dict[str, Any]:
    """The written survival curve: knots, last knot, tail mean, and its mean with the
    share of it that lies past the last knot (the tail rule's part)."""
    from ccsim.scenario.distributions import distribution

    d = distribution(spec, ())
    m = len(d.values) // 2
    last, s_last, tail = d.values[m - 1], d.values[-1], d.params[0]
    return {
        "knots": m,
        "last_knot_s": _round(last),
        "tail_mean_s": _round(tail),
        "mean_s": _round(d.mean),
        "tail_share_of_mean": _round(s_last * tail / d.mean) if d.mean > 0 else None,
    }


def _handle(log, grid, k: int, type_name: str, notes: list[str]) -> tuple[dict, dict]:
    served = (log.call_type == k) & log.answered & ~np.isnan(log.handle)
    handle = log.handle
    if served.sum() < MIN_FIT:
        raise ValueError(
            f"call type {type_name!r}: {int(served.sum())} answered call(s) with an end "
            f"time; at least {MIN_FIT} are needed to estimate its handle time"
        )
    fits = fit_durations(handle[served])
    rep = {
        "chosen": fits[0].dist,
        "n": int(served.sum()),
        "sample_mean_s": _round(float(np.mean(handle[served]))),
        "sample_cv": _round(float(np.std(handle[served]) / max(np.mean(handle[served]), 1e-9))),
        "fits": [f.to_dict() for f in fits],
    }
    p = handle_varies(log, grid.offered_tod, k)
    rep["by_hour_p_value"] = None if p is None else _round(p)
    spec = fits[0].scenario()
    if p is not None and p < BY_HOUR_P:
        by_hour = _handle_by_hour(handle, served, grid, spec)
        if by_hour is not None:
            spec, rep["by_hour"] = by_hour
            notes.append(
                f"{type_name}: handle time differs by hour (Kruskal–Wallis p = {p:.2g}, hourly "
                f"means {BY_HOUR_SHIFT:.0%} or more from the day's): written by_period, per hour"
            )
    return spec, rep


#: Handle time is written per hour when it differs by hour this clearly …
BY_HOUR_P = 1e-3
#: … and some hour's mean is this far from the day's (a relative difference).
BY_HOUR_SHIFT = 0.1
#: Fewest calls an hour needs for its own fit; thinner hours take the day's.
BY_HOUR_MIN = 50


def _handle_by_hour(handle, served, grid: _Grid, day_spec: dict) -> tuple[dict, list] | None:
    """``{by_period: […]}`` with one period per hour of the horizon (a call in the hour
    it was offered, as by_period reads it): the hour's own best fit where it has
    `BY_HOUR_MIN` calls, else the day's distribution. None when no hour's mean is
    `BY_HOUR_SHIFT` from the day's."""
    hour = np.floor(grid.offered_tod / 3600.0)
    day_mean = float(np.mean(handle[served]))
    inner = [h * 3600.0 for h in range(25) if grid.start < h * 3600.0 < grid.end]
    edges = [grid.start, *inner, grid.end]  # whole hours, cut by the horizon's ends
    periods, rows, shifted = [], [], False
    for a, b in zip(edges, edges[1:], strict=False):
        mine = served & (hour == math.floor(a / 3600.0))
        n = int(mine.sum())
        spec = dict(day_spec)
        if n >= BY_HOUR_MIN:
            spec = fit_durations(handle[mine])[0].scenario()
            shifted |= abs(float(np.mean(handle[mine])) / day_mean - 1) >= BY_HOUR_SHIFT
        end = "24:00" if b >= 86400 else format_clock(b)
        periods.append({"from": format_clock(a), "to": end, **spec})
        rows.append({"from": format_clock(a), "n": n, "own_fit": n >= BY_HOUR_MIN})
    if not shifted or len(periods) < 2:
        return None
    return {"by_period": periods}, rows


def _busyness(log: CallLog, report: dict, notes: list[str]) -> dict[str, Any] | None:
    totals = np.bincount(np.floor(log.arrival / 86400.0).astype(int) - int(log.days.min()))
    totals = totals[np.isin(np.arange(totals.size), log.days - log.days.min())]
    est = estimate_busyness(totals)
    if est is None:
        notes.append(f"{totals.size} day(s): too few to estimate busyness (day-to-day variation)")
        report["busyness"] = None
        return None
    report["busyness"] = {
        "cv": _round(est.cv),
        "days": est.days,
        "calls_per_day": _round(est.mean),
        "daily_sd": _round(est.sd),
        "poisson_sd": _round(est.poisson_sd),
    }
    return est.scenario()


def _staffing(log, grid, report, notes, method, override, session_gap) -> list[int]:
    """The staffing line: the override, the floor estimate, or agent sessions."""
    staffing = infer_staffing(log, grid.starts, grid.interval, grid.n_days, session_gap)
    floor = floor_staffing(log, grid.starts, grid.interval)
    extra = {
        "while_waiting": [None if np.isnan(v) else _round(v, 3) for v in floor.while_waiting],
        "days_with_wait": floor.days_with_wait.tolist(),
        "peak_busy": floor.peak_busy.astype(int).tolist(),
    }
    if override is not None:
        if len(override) != grid.n:
            raise ValueError(
                f"the staffing file has {len(override)} interval(s); the log's day has {grid.n} "
                f"({format_clock(grid.start)}–{format_clock(grid.end)})"
            )
        line, how = np.asarray(override), "the staffing file given (--staffing)"
    elif method == "sessions" and "sessions" in staffing:
        line = np.ceil(np.maximum(staffing["sessions"], staffing["busy"]) - 1e-9)
        how = (
            f"agents logged in: an agent's calls less than {session_gap / 60:g} min apart form "
            "one session from the first answer to the last end; agent-seconds of sessions per "
            "interval / interval length, rounded up (at least the busy agents)"
        )
    else:
        line = floor.agents
        how = (
            "busy while waiting: while callers wait, a work-conserving center has no idle "
            "agent, so the agents busy then are on the floor — per day and interval the mean "
            f"busy over the seconds someone waited (>= {MIN_WAIT_S:g} s of waiting), median "
            "over days, rounded; intervals where nobody waited: the peak busy (a lower bound). "
            "Exact for one pool of agents serving every queue; low when after-call work is "
            "not in the logged service times or agents serve only some queues; within ±1 "
            "agent on simulated logs (docs/calibration.md)"
        )
        if method == "sessions":
            notes.append("no agent ids: sessions cannot be formed; busy-while-waiting used")
    line = np.maximum(np.asarray(line), 0).astype(int)
    if not line.any():
        line[:] = 1
    report["staffing"] = {
        "inferred_from": how,
        "starts": [format_clock(t) for t in grid.starts],
        "agents": line.tolist(),
        **extra,
        **{key: [_round(v, 2) for v in values] for key, values in staffing.items()},
    }
    return line.tolist()


def _ivr(log: CallLog, grid: _Grid, report: dict, notes: list[str], mix: str) -> dict[str, Any]:
    """One IVR node with its time fitted as handle times are. ``mix`` "by_interval":
    its arrivals are the IVR callers who never queued (self-served or hung up there —
    a log does not tell them apart), per interval, branch self_service; the callers
    who queued are their call types' volumes. "day": all IVR callers, branches with
    the day's shares to each call type and to self_service."""
    via = log.via_ivr
    n_ivr = int(via.sum())
    self_share = float(np.sum(via & ~log.queued) / n_ivr)
    if mix == "by_interval":
        branches = {"self_service": 1.0}
        volumes = grid.volumes(via & ~log.queued)
    else:
        branches = {}
        for k, type_name in enumerate(log.types):
            share = np.sum(via & log.queued & (log.call_type == k)) / n_ivr
            if share > 0:
                branches[type_name] = float(share)
        if self_share > 0:
            branches["self_service"] = self_share
        volumes = grid.volumes(via)
    node: dict[str, Any] = {"branches": {k: _round(v, 6) for k, v in branches.items()}}
    # Rounding must keep the sum at 1: put the remainder on the largest branch.
    top = max(node["branches"], key=node["branches"].get)
    node["branches"][top] = _round(1.0 - sum(v for k, v in node["branches"].items() if k != top), 9)
    ivr_time = (log.ivr_end - log.ivr_start)[via & ~np.isnan(log.ivr_end)]
    rep: dict[str, Any] = {"calls": n_ivr, "self_service_share": _round(self_share), "mix": mix}
    if ivr_time.size >= MIN_FIT:
        fits = fit_durations(ivr_time)
        node["duration"] = fits[0].scenario()
        rep["duration"] = {"chosen": fits[0].dist, "fits": [f.to_dict() for f in fits]}
    else:
        node["duration"] = "0s"
        notes.append("IVR: no IVR end times, so an IVR time of 0")
    report["ivr"] = rep
    return {"arrivals": {"volumes": volumes}, "nodes": {"menu": node}}
