"""Whether a simulated staffing meets the goal, interval by interval: the KPIs with
their CIs, the share of replications meeting the goal, how far each interval falls
short, and the callers still waiting at each interval boundary (the backlog)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.planning.staffing_goal import _EPS, StaffingGoal

if TYPE_CHECKING:
    from ccsim.batch.result import RunResult


@dataclass
class Assessment:
    """Per interval of one simulated staffing: the KPIs and whether the goal is met."""

    sl: np.ndarray  # mean, NaN where no calls
    sl_ci: np.ndarray  # (n, 2), NaN without a CI
    abandon: np.ndarray
    abandon_ci: np.ndarray
    p_met: np.ndarray  # share of replications meeting the goal (NaN: no calls)
    met: np.ndarray  # bool
    shortfall: np.ndarray  # how far from the goal (0 where met)
    backlog: np.ndarray  # mean callers waiting at each interval boundary (n + 1)


def _figure(row: dict, key: str) -> tuple[float, float, float]:
    fig = row.get(key) or {}
    mean = fig.get("mean")
    ci = fig.get("ci95") or [None, None]
    low, high = ci[0], ci[1]
    return tuple(np.nan if v is None else float(v) for v in (mean, low, high))  # type: ignore[return-value]


def assess(result: RunResult, goal: StaffingGoal) -> Assessment:
    """Whether each interval of ``result`` meets ``goal`` (an interval without calls
    in every replication meets it: nobody was served badly)."""
    rows = result.summary["by_interval"]
    n = len(rows)
    sl = np.array([_figure(r, "service_level") for r in rows]).reshape(n, 3)
    ab = np.array([_figure(r, "abandon_rate") for r in rows]).reshape(n, 3)
    per_rep_sl = np.array(
        [[_nan(rep["by_interval"][i]["service_level"]) for i in range(n)] for rep in result.kpis]
    )
    per_rep_ab = np.array(
        [[_nan(rep["by_interval"][i]["abandon_rate"]) for i in range(n)] for rep in result.kpis]
    )
    ok = per_rep_sl >= goal.target - _EPS
    if goal.max_abandon is not None:
        ok &= ~(per_rep_ab > goal.max_abandon + _EPS)
    defined = ~np.isnan(per_rep_sl)
    counts = defined.sum(axis=0)
    with np.errstate(invalid="ignore"):
        p_met = np.where(counts > 0, (ok & defined).sum(axis=0) / np.maximum(counts, 1), np.nan)
    if goal.confidence is None:
        short = np.clip(goal.target - sl[:, 0], 0, None)
        if goal.max_abandon is not None:
            short += np.clip(ab[:, 0] - goal.max_abandon, 0, None)
    else:
        short = np.clip(goal.confidence - p_met, 0, None)
    short = np.nan_to_num(short, nan=0.0)
    short[short < _EPS] = 0.0
    return Assessment(
        sl=sl[:, 0],
        sl_ci=sl[:, 1:],
        abandon=ab[:, 0],
        abandon_ci=ab[:, 1:],
        p_met=p_met,
        met=short == 0.0,
        shortfall=short,
        backlog=_backlog(result) if result.observations else np.zeros(n + 1),
    )


def _nan(x: Any) -> float:
    return np.nan if x is None else float(x)


def _backlog(result: RunResult) -> np.ndarray:
    """Mean number of callers waiting in a queue at each interval boundary (start of
    every interval, and the end of the horizon), over the kept replications."""
    h = result.scenario.horizon
    edges = np.array([*h.interval_starts(), h.end])
    total = np.zeros(edges.size)
    for obs in result.observations:
        offered = np.asarray(obs.offered, dtype=float)
        left = offered + np.asarray(obs.wait, dtype=float)
        keep = ~np.isnan(left)
        offered, left = np.sort(offered[keep]), np.sort(left[keep])
        # waiting at t: offered before t, left (answered or abandoned) after t
        total += np.searchsorted(offered, edges, side="left") - np.searchsorted(
            left, edges, side="right"
        )
    return total / max(1, len(result.observations))
