"""One setting of the playground: the simulated day the browser plays, and its figures.

`play_day` runs replication 0 of a scenario with ccsim's own engine (the compiled
one where it supports the scenario), rebuilds the floor every ``step`` simulated
seconds (`ccsim.animation.timeline.floor_timeline`) and adds what the page shows
as the day goes: the service level, the ASA, the abandon rate and the occupancy
so far. It also runs a few more days (replications 1, 2, …) on the same seed, so
that the page can say what the setting gives on average, with a 95 % interval.

Two settings played with the same seed meet the same callers (common random
numbers, `ccsim.models.calls`): "one agent less" changes only what the agent changes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ccsim.animation.timeline import FloorTimeline, floor_timeline, frame_times
from ccsim.batch.replication import choose_engine, run_replication
from ccsim.metrics import replication_kpis, t_interval
from ccsim.models.roster import build_roster
from ccsim.observations import ABANDONED, ANSWERED, FIRST, RETRIAL, TRANSFER, Observations
from ccsim.scenario.model import Scenario

#: The figures the page shows, by the summary's KPI names.
DAY_FIGURES = ("service_level", "asa_s", "abandon_rate", "occupancy")


def play_day(scenario: Scenario, seed: int, step: float = 30.0, days: int = 10) -> dict[str, Any]:
    """The day of ``scenario`` (replication 0 of ``seed``) as a JSON-ready timeline:
    ``times``, per frame ``waiting`` (per call type), ``busy``/``idle``/``on_break``/
    ``away`` (per agent group), ``abandoned`` (so far, per type) and the figures so
    far (``sl``, ``asa``, ``abandon``, ``occupancy``); plus ``day`` (the played
    day's figures) and ``average`` (``days`` days: mean and 95 % interval)."""
    engine = choose_engine(scenario, "auto")
    times = frame_times(scenario.horizon, speed=step, fps=1.0)
    obs = run_replication(scenario, seed, 0, engine=engine)
    plans = build_roster(scenario, seed, 0)
    floor = floor_timeline(scenario, obs, plans, times, seed=seed, replication=0)
    so_far = _figures_so_far(scenario, obs, floor)
    per_day = [replication_kpis(obs, scenario)["summary"]]
    for rep in range(1, days):
        obs = run_replication(scenario, seed, rep, engine=engine)
        per_day.append(replication_kpis(obs, scenario)["summary"])
    return {
        "scenario": scenario.name,
        "engine": engine,
        "seed": seed,
        "call_types": [ct.name for ct in scenario.call_types],
        "agent_groups": [g.name for g in scenario.agent_groups],
        "seats": floor.seats.tolist(),
        "sl_target": scenario.service_level.target,
        "sl_threshold_s": scenario.service_level.threshold,
        "times": floor.times.tolist(),
        "waiting": floor.waiting.tolist(),
        "busy": floor.busy.tolist(),
        "idle": floor.idle.tolist(),
        "on_break": floor.on_break.tolist(),
        "away": (floor.absent + floor.off_shift).tolist(),
        "abandoned": floor.abandoned.tolist(),
        **so_far,
        "day": {k: _json_number(per_day[0][k]) for k in DAY_FIGURES},
        "average": _average(per_day),
        "days": days,
    }


def _figures_so_far(
    scenario: Scenario, obs: Observations, floor: FloorTimeline
) -> dict[str, list[float | None]]:
    """SL, ASA, abandon rate and occupancy over the day up to each frame time, on the
    calls offered after the warm-up (as the day's figures count them)."""
    h = scenario.horizon
    times = floor.times
    offered = np.asarray(obs.offered, dtype=float)
    wait = np.asarray(obs.wait, dtype=float)
    outcome = np.asarray(obs.outcome)
    leg = np.asarray(obs.leg)
    live = (leg == FIRST) | (leg == RETRIAL) | (leg == TRANSFER)
    counted = live & ~np.isnan(offered) & (offered >= h.start + h.warmup)
    answered = counted & (outcome == ANSWERED)
    gone = counted & (outcome == ABANDONED)
    done_at = offered + np.nan_to_num(wait)
    n_answered = _count_by(done_at[answered], None, times)
    asa = _ratio(_count_by(done_at[answered], wait[answered], times), n_answered)
    n_gone = _count_by(done_at[gone], None, times)
    abandon = _ratio(n_gone, n_answered + n_gone)
    busy = np.cumsum(floor.busy.sum(axis=1))
    present = np.cumsum((floor.busy + floor.idle).sum(axis=1))
    return {
        "sl": _as_list(floor.service_level),
        "asa": _as_list(asa),
        "abandon": _as_list(abandon),
        "occupancy": _as_list(_ratio(busy, present)),
    }


def _count_by(at: np.ndarray, weight: np.ndarray | None, times: np.ndarray) -> np.ndarray:
    """Sum of ``weight`` (or count) of the events at ``at <= t`` for each of ``times``."""
    order = np.argsort(at, kind="stable")
    w = np.ones(at.size) if weight is None else weight[order]
    cum = np.concatenate([[0.0], np.cumsum(w)])
    return cum[np.searchsorted(at[order], times, side="right")]


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(np.shape(num), np.nan)
    np.divide(num, den, out=out, where=np.asarray(den) > 0)
    return out


def _as_list(a: np.ndarray) -> list[float | None]:
    return [None if math.isnan(x) else round(float(x), 4) for x in a]


def _json_number(x: Any) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else round(float(x), 4)


def _average(per_day: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for kpi in DAY_FIGURES:
        values = np.array([d[kpi] for d in per_day], dtype=float)
        values = values[np.isfinite(values)]
        mean, ci = t_interval(values) if values.size else (None, None)
        out[kpi] = {
            "mean": _json_number(mean),
            "ci95": None if ci is None else [_json_number(c) for c in ci],
        }
    return out
