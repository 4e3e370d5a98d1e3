"""Across replications: means with 95 % Student-t intervals, and SL target risk.

`summarize` keeps the nested layout of `ccsim.metrics.replication_kpis`, each
number turned into ``{"mean", "ci95"}``; `summarize_matrix` does the same from the
compact form (`ccsim.metrics.compact`), one row per figure, without building a
dict per replication.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from ccsim.metrics.names import FRACTION_KPIS

__all__ = ["service_level_risk", "summarize", "t_interval"]


@functools.lru_cache(maxsize=256)
def _t975(dof: int) -> float:
    """The 97.5 % Student-t quantile (a summary asks for the same few thousands of times).

    ``scipy.special.stdtrit`` is what ``scipy.stats.t.ppf`` evaluates, without the
    second or so that importing ``scipy.stats`` costs every run.
    """
    from scipy import special

    return float(special.stdtrit(dof, 0.975))


def t_interval(values: np.ndarray) -> tuple[float | None, tuple[float, float] | None]:
    """Mean and 95 % Student-t interval of ``values``, NaNs left out.

    ``(None, None)`` with no valid value, ``(mean, None)`` with one.
    """
    v = np.asarray(values, dtype=float).ravel()
    v = v[~np.isnan(v)]
    if v.size == 0:
        return None, None
    mean = float(v.mean())
    if v.size == 1:
        return mean, None
    half = float(_t975(v.size - 1) * v.std(ddof=1) / math.sqrt(v.size))
    return mean, (mean - half, mean + half)


def _is_number(x: Any) -> bool:
    return x is None or (isinstance(x, int | float | np.number) and not isinstance(x, bool))


def _summarize(items: list[Any], key: str | None = None) -> Any:
    first = items[0]
    if isinstance(first, dict):
        return {k: _summarize([it[k] for it in items], k) for k in first}
    if isinstance(first, list | tuple) and all(isinstance(x, str) for x in first):
        return list(first)  # labels, such as an interval's "events" (the same in every run)
    if isinstance(first, list | tuple):
        return [_summarize([it[i] for it in items], key) for i in range(len(first))]
    if _is_number(first):
        mean, ci = t_interval(np.array([np.nan if x is None else x for x in items], dtype=float))
        if ci is None:
            return {"mean": mean, "ci95": None}
        # Every KPI is >= 0 and fractions are <= 1: a t interval reaching past
        # that (skewed, small samples) is clipped, as the mean cannot lie there.
        high = 1.0 if key in FRACTION_KPIS else math.inf
        return {"mean": mean, "ci95": [max(ci[0], 0.0), min(ci[1], high)]}
    return first  # labels such as an interval's "start"


def summarize(reps: list[dict[str, Any]]) -> dict[str, Any]:
    """Same nested structure as `replication_kpis`, each number -> ``{"mean", "ci95"}``.

    Nested dicts and lists (``answered_by_type``, ``by_agent_group_interval``) are
    summarized recursively. NaN values (e.g. an interval without calls) are left out
    of their figure; with one valid value ``ci95`` is None, with none the mean is None
    too. Labels pass through (an interval's ``"start"``, its ``"events"`` list).
    """
    if not reps:
        raise ValueError("summarize needs at least one replication")
    return _summarize(list(reps))


def service_level_risk(
    reps: list[dict[str, Any]], target: float, kpi: str = "service_level"
) -> dict[str, Any]:
    """How often the target was met, across replications: for the day and per interval.

    Planners are judged on each interval's attainment, not on its mean. For the day
    (``"day"``) and each interval (``"by_interval"``, with its ``"start"``):
    ``p_meet_target`` is the share of replications whose ``kpi`` (a fraction) is at or
    above ``target``, ``p10`` its 10th percentile (linear interpolation) over
    replications, and ``n`` the replications in which it was defined (an interval
    without offered calls has no SL; with none, both figures are None).
    """

    def risk(values: list[Any]) -> dict[str, Any]:
        v = np.array([np.nan if x is None else x for x in values], dtype=float)
        v = v[~np.isnan(v)]
        if v.size == 0:
            return {"p_meet_target": None, "p10": None, "n": 0}
        # A tolerance of 1e-12 so an SL of exactly the target (0.8 as 4/5) counts as met.
        met = float(np.mean(v >= target - 1e-12))
        return {"p_meet_target": met, "p10": float(np.percentile(v, 10)), "n": int(v.size)}

    if not reps:
        raise ValueError("service_level_risk needs at least one replication")
    n_intervals = len(reps[0]["by_interval"])
    return {
        "kpi": kpi,
        "target": target,
        "day": risk([rep["summary"][kpi] for rep in reps]),
        "by_interval": [
            {
                "start": reps[0]["by_interval"][i].get("start"),
                **risk([rep["by_interval"][i][kpi] for rep in reps]),
            }
            for i in range(n_intervals)
        ],
    }
