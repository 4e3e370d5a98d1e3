"""What-ifs on a week: a week changed by ``--set`` / ``--scale-arrivals``, two weeks
compared on common random numbers, and a sweep over a week.

Common random numbers come from the week's stream layout (`ccsim.batch.week`): day
``d`` of any week run with seed ``S`` draws from ``day_seed(S, d)``, so replication
``r`` of a day is paired with replication ``r`` of the same day in another week
(or grid point): differences are paired replication by replication.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccsim.batch.week import WeekResult, _is_number, paired_stats, run_week
from ccsim.metrics import summarize
from ccsim.scenario.week import Week

if TYPE_CHECKING:
    from ccsim.scenario.overrides import Override

__all__ = ["WeekComparison", "WeekSweep", "compare_weeks", "sweep_week", "week_with_changes"]


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
    return WeekComparison(b, a, paired_stats(per_rep["diff"]), base_f, alt_f)


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


def load_week_with_overrides(path: Path, sets: list[str], scale_texts: list[str] = ()):
    """The week of ``path`` with the ``--set`` texts and ``--scale-arrivals`` factors
    of the command line (`ccsim.batch.week.week_with_changes`)."""
    from ccsim.batch.week_whatif import week_with_changes
    from ccsim.scenario.overrides import overrides_from, parse_scale_arguments

    return week_with_changes(
        path, overrides_from(list(sets)), parse_scale_arguments(list(scale_texts))
    )
