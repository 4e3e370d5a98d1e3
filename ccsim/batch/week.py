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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.batch.ratios import RATIO_KPIS
from ccsim.batch.runner import RunResult, run
from ccsim.metrics import DAY_KPIS, FRACTION_KPIS, summarize
from ccsim.scenario.week import Day, Week

if TYPE_CHECKING:
    from ccsim.scenario.overrides import Override

__all__ = [
    "WeekComparison",
    "WeekResult",
    "combine_days",
    "compare_weeks",
    "day_seed",
    "run_week",
    "run_week_to_precision",
    "week_with_changes",
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


@dataclass
class WeekComparison:
    """Two weeks run on the same seeds (common random numbers: day ``d`` of both
    draws from ``day_seed(S, d)``), and their paired differences ALT − BASE.

    ``diff``, ``base_figures`` and ``alt_figures``: ``{"week": {kpi: {mean, ci95}},
    "by_day": {label: {...}}}``; a day is compared when it is open in both weeks."""

    base: WeekResult
    alt: WeekResult
    diff: dict = field(default_factory=dict)
    base_figures: dict = field(default_factory=dict)
    alt_figures: dict = field(default_factory=dict)

    @property
    def days(self) -> list[str]:
        return list(self.diff.get("by_day", {}))


def compare_weeks(
    base: Week,
    alt: Week,
    replications: int | None = None,
    seed: int | None = None,
    *,
    engine: str | None = None,
    backend: Any = None,
) -> WeekComparison:
    """Run ``base`` and ``alt`` with one seed and replications; the paired differences
    of their days' and weeks' KPIs. The weeks must name the same days."""
    labels = [d.label for d in base.days]
    if [d.label for d in alt.days] != labels:
        raise ValueError(
            f"the two weeks must name the same days: {', '.join(labels)} vs "
            f"{', '.join(d.label for d in alt.days)}"
        )
    b = run_week(base, replications, seed, engine=engine, backend=backend)
    a = run_week(alt, b.replications, b.seed, engine=engine, backend=backend)
    both = [
        (day.label, rb, ra)
        for (day, rb), (_, ra) in zip(b.days, a.days, strict=True)
        if rb is not None and ra is not None
    ]
    per_rep: dict[str, list[dict]] = {"diff": [], "base": [], "alt": []}
    for r in range(b.replications):
        sides = {
            "base": _scopes([(lab, rb.kpis[r]["summary"]) for lab, rb, _ in both], b.kpis[r]),
            "alt": _scopes([(lab, ra.kpis[r]["summary"]) for lab, _, ra in both], a.kpis[r]),
        }
        per_rep["base"].append(sides["base"])
        per_rep["alt"].append(sides["alt"])
        per_rep["diff"].append(_minus(sides["alt"], sides["base"]))
    base_f = summarize(per_rep["base"]) if per_rep["base"] else {}
    alt_f = summarize(per_rep["alt"]) if per_rep["alt"] else {}
    return WeekComparison(b, a, _paired(per_rep["diff"]), base_f, alt_f)


def _paired(reps: list[Any]) -> Any:
    """``{mean, ci95}`` of each difference over replications: the mean ± the Student-t
    half-width (not clipped: a difference may be negative); NaN values left out."""
    if isinstance(reps[0], dict):
        return {k: _paired([r[k] for r in reps]) for k in reps[0]}
    x = np.array([v for v in reps if not math.isnan(v)], dtype=float)
    if len(x) == 0:
        return {"mean": None, "ci95": None}
    mean = float(x.mean())
    if len(x) < 2:
        return {"mean": mean, "ci95": None}
    from scipy import special

    half = float(special.stdtrit(len(x) - 1, 0.975)) * float(x.std(ddof=1)) / math.sqrt(len(x))
    return {"mean": mean, "ci95": [mean - half, mean + half]}


def _scopes(days: list[tuple[str, dict]], week: dict) -> dict:
    numbers = lambda kpis: {k: float(v) for k, v in kpis.items() if _is_number(v)}  # noqa: E731
    return {"week": numbers(week["summary"]), "by_day": {lab: numbers(k) for lab, k in days}}


def _minus(alt: dict, base: dict) -> dict:
    if isinstance(alt, dict):
        return {k: _minus(v, base[k]) for k, v in alt.items() if k in base}
    return alt - base


def week_with_changes(
    path: str | Path,
    overrides: Sequence[Override] = (),
    factors: Mapping[str | None, float] | None = None,
) -> Week:
    """The week of ``path`` with ``overrides`` (``--set``) applied to its data before
    the days are built (so ``agent_groups.team.agents=15`` changes every day), then
    every open day's arrivals scaled by ``factors`` (``--scale-arrivals``). Errors
    name the file's line and the override that caused them."""
    import copy
    import dataclasses

    from ccsim.scenario.errors import ScenarioError
    from ccsim.scenario.load import read_yaml_file
    from ccsim.scenario.overrides import _explain, apply_override, scale
    from ccsim.scenario.week import load_week, week_from_dict

    if not overrides:
        week = load_week(path)
    else:
        raw, lines = read_yaml_file(path)
        data = copy.deepcopy(raw)
        for override in overrides:
            try:
                apply_override(data, override)
            except ScenarioError as err:
                raise _explain(err, str(path), lines, [override.origin]) from None
        try:
            week = week_from_dict(data, source=str(path), base_dir=Path(path).parent)
        except ScenarioError as err:
            load_week(path)  # the file's own error first, if it has one
            raise _explain(err, str(path), lines, [o.origin for o in overrides]) from None
    if not factors:
        return week
    days = tuple(
        d if d.scenario is None else dataclasses.replace(d, scenario=scale(d.scenario, factors))
        for d in week.days
    )
    return dataclasses.replace(week, days=days)


@dataclass
class WeekSweep:
    """A sweep over a week scenario: each grid point's `WeekResult`, on one seed."""

    spec: Any
    parameters: tuple[str, ...]
    points: list[tuple[dict[str, Any], WeekResult]]
    kpi: str
    seed: int
    replications: int


def sweep_week(
    spec: Any,
    replications: int | None = None,
    seed: int | None = None,
    *,
    kpi: str | None = None,
    engine: str | None = None,
    backend: Any = None,
    overrides: Sequence[Override] = (),
    factors: Mapping[str | None, float] | None = None,
) -> WeekSweep:
    """Run every point of the sweep ``spec`` (`ccsim.batch.sweeps.SweepSpec`, whose
    scenario is a week) with one seed and replications: common random numbers, day
    by day. ``overrides`` and ``factors`` change the week before each point's values."""
    from ccsim.batch.sweeps import grid_points
    from ccsim.scenario.overrides import SCALE_KEY, Override, parse_path

    reps = replications or spec.replications
    seed = seed if seed is not None else spec.seed
    engine = engine or spec.engine
    out: list[tuple[dict[str, Any], WeekResult]] = []
    for point in grid_points(spec):
        changes, scaled = list(overrides), dict(factors or {})
        for key, value in point.items():
            if key == SCALE_KEY:
                scaled[None] = value
            elif key.startswith(SCALE_KEY + "."):
                scaled[key[len(SCALE_KEY) + 1 :]] = value
            else:
                changes.append(Override(parse_path(key), value, f"grid {key}={value}"))
        week = week_with_changes(spec.scenario, changes, scaled)
        result = run_week(week, reps, seed, engine=engine, backend=backend)
        seed, reps = result.seed, result.replications  # every point on the first's
        out.append((point, result))
    return WeekSweep(spec, tuple(spec.grid), out, kpi or spec.kpi, int(seed), int(reps))


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
        ci = _paired(values)["ci95"] if values else None
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
