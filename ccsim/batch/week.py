"""Run a week: each open day as its own one-day run, then the week's figures.

Random streams of a week (seed ``S``, replication ``r``): day ``d`` (its position in
``horizon.days``, closed days counted) runs on the root seed ``day_seed(S, d)``, so
every draw of that day is ``stream(day_seed(S, d), r, purpose, index)``
(`ccsim.streams`): one child stream per day × replication × purpose × call type.
``day_seed(S, 0)`` is ``S`` itself; for ``d >= 1`` it is the first 63 bits of
``SeedSequence(S, spawn_key=(d,))`` (a one-element key, so it never collides with
the three-element keys of the streams). Hence:

- a day's numbers depend on its own seed alone: the week's Wednesday is exactly
  the one-day run of Wednesday's scenario with seed ``day_seed(S, 2)``;
- replication ``r`` of the week is replication ``r`` of every day (a week's total
  adds one simulated Monday, one Tuesday, …);
- closing Saturday does not change Sunday's numbers (positions, not open days,
  address the seeds).

The week's figures of replication ``r`` combine its days: counts, hours and costs
add up (``max_queue`` is the largest day's); rates are ratios of the days' totals
(SL = Σ answered in T / Σ offered, as `ccsim.batch.ratios` defines each);
``aht_s`` is weighted by answered calls. Wait percentiles and other figures that
do not combine from daily figures are left out of the week (they are in ``by_day``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccsim.batch.ratios import RATIO_KPIS
from ccsim.batch.result import RunResult
from ccsim.batch.runner import run
from ccsim.metrics import DAY_KPIS, FRACTION_KPIS, summarize
from ccsim.scenario.week import Day, Week

__all__ = [
    "WeekResult",
    "combine_days",
    "day_seed",
    "paired_stats",
    "run_week",
    "run_week_to_precision",
]

_NOT_ADDITIVE_ENDINGS = ("_s", "_rate", "_per_hour", "_per_call")
#: Figures whose week is the largest of its days.
_LARGEST = frozenset({"max_queue"})


def day_seed(seed: int, day: int) -> int:
    """The root seed of day ``day`` (0-based position in the week) of a week run with ``seed``."""
    if day == 0:
        return int(seed)
    state = np.random.SeedSequence(int(seed), spawn_key=(int(day),)).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


@dataclass
class WeekResult:
    """A week's run: each day's `RunResult` (None when closed) and the week's figures."""

    week: Week
    seed: int
    replications: int
    days: list[tuple[Day, RunResult | None]]
    #: Per replication, the week's combined KPIs (``summary``, ``by_call_type``,
    #: ``by_agent_group``), and their means and CIs.
    kpis: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    elapsed_s: float = 0.0
    #: With a precision target (`run_week_to_precision`): ``kpi``, ``target``,
    #: ``half_width`` reached, ``met``.
    precision: dict | None = None

    @property
    def n_calls(self) -> int:
        return sum(r.n_calls for _, r in self.days if r is not None)


def run_week(
    week: Week,
    replications: int | None = None,
    seed: int | None = None,
    *,
    engine: str | None = None,
    backend: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> WeekResult:
    """Run every open day of ``week`` for ``replications`` and combine them."""
    from ccsim.streams import new_seed

    base = week.base
    reps = replications if replications is not None else base.replications
    if seed is None:
        seed = base.seed if base.seed is not None else new_seed()
    t0 = time.perf_counter()
    days: list[tuple[Day, RunResult | None]] = []
    opened = week.open_days
    for i, day in enumerate(week.days):
        result = None
        if day.scenario is not None:
            result = run(day.scenario, reps, day_seed(seed, i), engine=engine, backend=backend)
            if progress is not None:
                progress(sum(1 for d, r in days if r is not None) + 1, len(opened))
        days.append((day, result))
    kpis = _week_kpis([r for _, r in days if r is not None], base.service_level.definition)
    return WeekResult(
        week=week,
        seed=int(seed),
        replications=reps,
        days=days,
        kpis=kpis,
        summary=summarize(kpis) if kpis else {},
        elapsed_s=time.perf_counter() - t0,
    )


def _week_kpis(results: list[RunResult], definition: str) -> list[dict]:
    if not results:
        return []
    out = []
    for r in range(results[0].replications):
        reps = [res.kpis[r] for res in results]
        out.append(
            {
                "summary": combine_days([k["summary"] for k in reps], definition),
                "by_call_type": _by_name(reps, "by_call_type", definition),
                "by_agent_group": _by_name(reps, "by_agent_group", definition),
            }
        )
    return out


def _by_name(reps: list[dict], section: str, definition: str) -> dict:
    names = list(reps[0][section])
    return {n: combine_days([k[section][n] for k in reps], definition) for n in names}


def combine_days(entries: list[dict[str, Any]], definition: str = "offered") -> dict[str, Any]:
    """One replication's week from its days' KPI entries (a day, call type or group).

    Counts, hours and costs add up (``max_queue``: the largest day's); the rates of
    `RATIO_KPIS` are the ratio of the days' summed numerators and denominators;
    ``aht_s`` is weighted by answered calls;
    ``service_level`` follows the scenario's ``definition``. NaN where a denominator
    is 0; other figures (wait percentiles, …) are not combined and left out."""
    out: dict[str, Any] = {}
    first = entries[0]
    for kpi, value in first.items():
        if not _is_number(value) or kpi in RATIO_KPIS or kpi in FRACTION_KPIS:
            continue
        if kpi in _LARGEST:
            out[kpi] = float(max(_num(e.get(kpi)) for e in entries))
        elif kpi in DAY_KPIS and not kpi.endswith(_NOT_ADDITIVE_ENDINGS) or kpi == "answered":
            out[kpi] = float(sum(_num(e.get(kpi)) for e in entries))
    for kpi, (num, den, needs) in RATIO_KPIS.items():
        if all(k in first for k in needs):
            total = sum(den(e) for e in entries)
            out[kpi] = sum(num(e) for e in entries) / total if total > 0 else math.nan
    if "aht_s" in first and "answered" in first:
        answered = sum(_num(e.get("answered")) for e in entries)
        weighted = sum(_num(e.get("aht_s")) * _num(e.get("answered")) for e in entries)
        out["aht_s"] = weighted / answered if answered > 0 else math.nan
    if "cost" in out and "answered" in out:  # as a day's: cost / (answered + callbacks)
        served = out["answered"] + out.get("callbacks_completed", 0.0)
        out["cost_per_call"] = out["cost"] / served if served > 0 else math.nan
    if f"sl_{definition}" in out:
        out["service_level"] = out[f"sl_{definition}"]
    return out


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _num(x: Any) -> float:
    return 0.0 if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def run_week_to_precision(
    week: Week,
    precision: Any,
    seed: int | None = None,
    *,
    engine: str | None = None,
    backend: Any = None,
) -> WeekResult:
    """Run the week with more replications until the 95 % CI half-width of the week's
    ``precision.kpi`` (`ccsim.batch.runner.Precision`) is at most its target, or its
    maximum is reached. Each round runs the week again with n × (half-width /
    target)² × 1.1 replications: replication ``r`` draws the same numbers in every
    round, so the result is that of one run with the final count."""
    n = min(precision.min_replications, precision.max_replications)
    while True:
        result = run_week(week, n, seed, engine=engine, backend=backend)
        seed = result.seed
        values = [k["summary"].get(precision.kpi, math.nan) for k in result.kpis]
        ci = paired_stats(values)["ci95"] if values else None
        half = None if ci is None else (ci[1] - ci[0]) / 2
        met = half is not None and half <= precision.half_width
        if met or n >= precision.max_replications:
            break
        wanted = (
            n + max(2, n // 2)
            if half is None
            else math.ceil(1.1 * n * (half / precision.half_width) ** 2)
        )
        n = min(precision.max_replications, max(wanted, n + max(1, n // 10)))
    result.precision = {
        "kpi": precision.kpi,
        "target": precision.half_width,
        "half_width": half,
        "met": met,
        "replications": n,
    }
    return result


def paired_stats(reps: list[Any]) -> Any:
    """``{mean, ci95}`` of each difference over replications: the mean ± the Student-t
    half-width (not clipped: a difference may be negative); NaN values left out."""
    if isinstance(reps[0], dict):
        return {k: paired_stats([r[k] for r in reps]) for k in reps[0]}
    x = np.array([v for v in reps if not math.isnan(v)], dtype=float)
    if len(x) == 0:
        return {"mean": None, "ci95": None}
    mean = float(x.mean())
    if len(x) < 2:
        return {"mean": mean, "ci95": None}
    from scipy import special

    half = float(special.stdtrit(len(x) - 1, 0.975)) * float(x.std(ddof=1)) / math.sqrt(len(x))
    return {"mean": mean, "ci95": [mean - half, mean + half]}
