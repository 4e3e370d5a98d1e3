"""Parameter sweeps: one scenario over a grid of what-if overrides, on common random numbers.

A sweep file (docs/sweeps.md has the full reference)::

    scenario: ../scenarios/reference_80_erlangs.yaml   # relative to the sweep file
    replications: 20        # optional (default: the scenario's)
    seed: 7                 # optional (default: the scenario's, else a fresh one)
    grid:                   # every combination of these values is one point
      agent_groups.agents.agents: {from: 80, to: 95, step: 1}
      call_types.calls.patience.mean: [2min, 3min]
      scale_arrivals: [0.9, 1.0, 1.1]               # or scale_arrivals.TYPE
    plot: {kpi: service_level, x: agent_groups.agents.agents}   # optional

A grid key is a field path as ``--set`` takes it (`ccsim.scenario.overrides`); each point is
the scenario with those overrides, validated like the file itself. Every point runs
with the same seed and replications, so the points share their callers' random
numbers (common random numbers): the difference between two points is the effect of
the parameters, with far less noise than independent runs would have.

The result is a tidy table: one row per point × scope (the day, each call type, each
agent group) × KPI, with the parameter columns, ``mean``, ``ci_low``, ``ci_high``
(95 % over replications) and ``replications``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ccsim.batch.sweep_result import SweepResult, sweep_html, sweep_repr  # noqa: F401 (re-exported)
from ccsim.batch.sweep_spec import (  # re-exported: the sweep file's API
    MAX_POINTS,
    SweepSpec,
    _default_x,
    _spec_of_scenario,
    grid_points,
    load_sweep,
    sweep_from_dict,
)
from ccsim.metrics import DAY_KPIS
from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.fields import (
    reference,
)
from ccsim.scenario.model import Scenario
from ccsim.scenario.overrides import (
    SCALE_KEY,
    Override,
    ScenarioSource,
    overrides_from,
    parse_path,
    scale,
)
from ccsim.units import describe

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.batch.parallel import Backend
    from ccsim.batch.result import RunResult

#: KPIs the service-level target applies to (the chart draws it).
SL_KPIS = ("service_level", *(k for k in DAY_KPIS if k.startswith("sl_")))
#: The table's columns besides the parameters.
COLUMNS = ("point", "scope", "name", "kpi", "mean", "ci_low", "ci_high", "replications", "seed")


# --------------------------------------------------------------------------- the sweep file


# --------------------------------------------------------------------------- running


def sweep(
    spec: SweepSpec | Scenario | str | Path | Mapping[str, Any],
    grid: Mapping[str, Any] | None = None,
    *,
    replications: int | None = None,
    seed: int | None = None,
    engine: str | None = None,
    backend: Backend | None = None,
    kpi: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    overrides: Sequence[str] | Mapping[str, Any] = (),
    scale_arrivals: Mapping[str | None, float] | None = None,
) -> SweepResult:
    """Run every point of a parameter grid with one seed (common random numbers).

    Parameters
    ----------
    spec : SweepSpec, Scenario, str, pathlib.Path or mapping
        A sweep file (docs/sweeps.md), its data as a mapping, a validated
        `SweepSpec`, or a `Scenario` (then ``grid`` says what to vary).
    grid : mapping, optional
        With a `Scenario`: field path (as ``--set`` takes it, or ``scale_arrivals``,
        ``scale_arrivals.TYPE``) -> list of values, or a range ``{"from": 12, "to":
        15, "step": 1}``. Every combination is one point.
    replications, seed : int, optional
        Override the sweep's, then the scenario's. One seed for every point.
    engine : {"auto", "simpy", "fast"}, optional
    backend : Backend, optional
        Where replications run (`ccsim.Backend`).
    kpi : str, optional
        The KPI `SweepResult.kpi_table`, the CLI's table and the chart show
        (default: the sweep's plot KPI); the tables hold every KPI.
    progress : callable, optional
        ``progress(done, total)``, counting replications over the whole sweep.
    overrides : sequence of str or mapping
        ``--set`` texts or a path -> value mapping, applied to the base scenario
        before each point's values.
    scale_arrivals : mapping, optional
        Arrival factors for the base scenario (key None: every call type).

    Returns
    -------
    SweepResult
        ``table`` (mean and 95 % CI per point × scope × KPI) and ``replications_df``
        (every replication's KPIs per point, for paired differences between points:
        `SweepResult.paired_difference`).

    Raises
    ------
    ScenarioError
        The sweep, a grid value or a point's scenario is invalid (each point is
        validated before the first runs), naming the file, line and value.

    Examples
    --------
    >>> import ccsim
    >>> s = ccsim.load_scenario("scenarios/teaching_single_queue.yaml")
    >>> result = ccsim.sweep(s, {"agent_groups.team.agents": [12, 14]}, replications=5, seed=3)
    >>> result.kpi_table()[["agent_groups.team.agents", "mean"]].shape
    (2, 2)
    >>> d = result.paired_difference(0, 1)  # 14 agents − 12 agents
    >>> d["diff"] > 0 and d["n"] == 5
    True
    """
    from ccsim.batch.runner import run
    from ccsim.scenario.origin import origin_of
    from ccsim.streams import new_seed

    prior: tuple[Mapping[str | None, float], ...] = ()
    if isinstance(spec, Scenario):
        origin = origin_of(spec)
        source = ScenarioSource.of(spec)
        prior = origin.scales if origin is not None else ()
        spec = _spec_of_scenario(spec, grid)
    else:
        if grid is not None:
            raise TypeError("grid= goes with a Scenario; a sweep file or mapping has its own")
        if isinstance(spec, str | Path):
            spec = load_sweep(spec)
        elif not isinstance(spec, SweepSpec):
            spec = sweep_from_dict(spec, "<sweep>", Path.cwd())
        source = ScenarioSource.read(spec.scenario)
    kpi = reference(kpi, ("kpi",), DAY_KPIS, "KPI") if kpi is not None else spec.kpi
    changes = _BaseChanges(
        overrides_from(overrides, "--set"), dict(scale_arrivals or {}), tuple(prior)
    )
    base = changes.apply(source)
    points = _points(spec, source, changes)
    reps = replications or spec.replications or base.replications
    seed = next((s for s in (seed, spec.seed, base.seed) if s is not None), None)
    if seed is None:
        seed = new_seed()  # one for every point, reported so the sweep can be repeated
    total = len(points) * reps
    rows: list[dict[str, Any]] = []
    per_replication = []
    t0 = time.perf_counter()
    for i, (values, scenario) in enumerate(points):
        tick = None if progress is None else _offset(progress, i * reps, total)
        result = run(
            scenario, reps, seed, engine=engine or spec.engine, backend=backend, progress=tick
        )
        rows.extend(_rows(i, values, result))
        per_replication.append(_replication_rows(i, values, result))
    return SweepResult(
        spec=spec,
        table=_table(rows, list(spec.grid)),
        parameters=tuple(spec.grid),
        scenario_name=base.name,
        seed=seed,
        replications=reps,
        kpi=kpi,
        x=spec.x or _default_x(spec.grid),
        target=base.service_level.target,
        elapsed_s=time.perf_counter() - t0,
        replications_df=_replications_table(per_replication, list(spec.grid)),
    )


@dataclass(frozen=True)
class _BaseChanges:
    """What the caller changes in the base scenario (``--set``, ``--scale-arrivals``),
    applied before a grid point's own values."""

    overrides: list[Override]
    factors: dict[str | None, float]
    #: Arrival factors the scenario had before (`Scenario.scale_arrivals`), first.
    prior: tuple[Mapping[str | None, float], ...] = ()

    def apply(
        self,
        source: ScenarioSource,
        overrides: Sequence[Override] = (),
        factors: Mapping[str | None, float] | None = None,
    ) -> Scenario:
        scenario = source.build([*self.overrides, *overrides])
        for f in (*self.prior, self.factors, factors):
            scenario = scale(scenario, f) if f else scenario
        return scenario


def _points(
    spec: SweepSpec, source: ScenarioSource, base: _BaseChanges
) -> list[tuple[dict[str, Any], Scenario]]:
    """Every point's scenario. Each grid value is first checked alone, so a bad one is
    reported at its line in the sweep file."""
    for key, values in spec.grid.items():
        for i, value in enumerate(values):
            try:
                _scenario(source, base, {key: value})
            except ScenarioError as err:
                loc = ("grid", key, i) if (("grid", key, i) in spec.lines.lines) else ("grid", key)
                line = spec.lines.line_of(loc)
                raise ScenarioError(
                    f"with {describe(value)}: {err}", path=loc, file=spec.source, line=line
                ) from None
    points: list[tuple[dict[str, Any], Scenario]] = []
    for point in grid_points(spec):
        try:
            points.append((point, _scenario(source, base, point)))
        except ScenarioError as err:
            label = ", ".join(f"{k}={_cell(v)}" for k, v in point.items())
            raise ScenarioError(
                f"the point {label}: {err}",
                path=("grid",),
                file=spec.source,
                line=spec.lines.line_of(("grid",)),
            ) from None
    return points


def _scenario(source: ScenarioSource, base: _BaseChanges, values: Mapping[str, Any]) -> Scenario:
    """The base scenario with a point's values: field overrides, then arrival scaling."""
    overrides: list[Override] = []
    factors: dict[str | None, float] = {}
    for key, value in values.items():
        if key == SCALE_KEY:
            factors[None] = value
        elif key.startswith(SCALE_KEY + "."):
            factors[key[len(SCALE_KEY) + 1 :]] = value
        else:
            overrides.append(Override(parse_path(key), value))
    return base.apply(source, overrides, factors)


def _offset(progress: Callable[[int, int], None], done: int, total: int):
    return lambda d, _n: progress(done + d, total)


# --------------------------------------------------------------------------- the table


def _rows(point: int, values: Mapping[str, Any], result: RunResult) -> Iterator[dict[str, Any]]:
    summary = result.summary
    scopes = [("day", "", summary["summary"])]
    scopes += [("call_type", n, k) for n, k in summary["by_call_type"].items()]
    scopes += [("agent_group", n, k) for n, k in summary["by_agent_group"].items()]
    params = {k: _cell(v) for k, v in values.items()}
    for scope, scope_name, kpis in scopes:
        for kpi, figure in _figures(kpis):
            low, high = figure["ci95"] or (None, None)
            yield {
                "point": point,
                **params,
                "scope": scope,
                "name": scope_name,
                "kpi": kpi,
                "mean": figure["mean"],
                "ci_low": low,
                "ci_high": high,
                "replications": result.replications,
                "seed": result.seed,
            }


def _replication_rows(point: int, values: Mapping[str, Any], result: RunResult) -> pd.DataFrame:
    """A point's per-replication table, led by ``point`` and the parameters."""
    from ccsim.batch.tables import tidy_replications

    table = tidy_replications(result.kpis, result.scenario)
    params = {"point": point, **{k: _cell(v) for k, v in values.items()}}
    for i, (key, value) in enumerate(params.items()):
        table.insert(i, key, [value] * len(table))
    return table


def _replications_table(tables: list[pd.DataFrame], parameters: list[str]) -> pd.DataFrame:
    import pandas as pd

    from ccsim.batch.tables import REPLICATION_COLUMNS

    if not tables:
        return pd.DataFrame(columns=["point", *parameters, *REPLICATION_COLUMNS])
    return _one_type(pd.concat(tables, ignore_index=True), parameters)


def _one_type(table: pd.DataFrame, parameters: list[str]) -> pd.DataFrame:
    """Parquet needs one type per column: a parameter's mixed values become text."""
    for p in parameters:
        kinds = {type(v) for v in table[p]}
        if len(kinds) > 1 and not kinds <= {int, float}:
            table[p] = table[p].map(str)
    return table


def _figures(kpis: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, dict]]:
    """``(kpi, {"mean", "ci95"})`` of a summary, nested ones (``answered_by_type``)
    with dotted names."""
    for kpi, figure in kpis.items():
        if isinstance(figure, dict) and "mean" in figure:
            yield prefix + kpi, figure
        elif isinstance(figure, dict):
            yield from _figures(figure, f"{prefix}{kpi}.")


def _cell(value: Any) -> Any:
    """A parameter value as a table cell: numbers and text as they are, else YAML flow."""
    if isinstance(value, int | float | str | bool):
        return value
    return yaml.safe_dump(value, default_flow_style=True, width=math.inf).strip()


def _table(rows: list[dict[str, Any]], parameters: list[str]) -> pd.DataFrame:
    import pandas as pd

    table = _one_type(
        pd.DataFrame(rows, columns=[COLUMNS[0], *parameters, *COLUMNS[1:]]), parameters
    )
    for c in ("mean", "ci_low", "ci_high"):
        table[c] = table[c].astype(float)
    return table


# --------------------------------------------------------------------------- output


__all__ = [
    "MAX_POINTS",
    "SweepResult",
    "SweepSpec",
    "grid_points",
    "load_sweep",
    "sweep",
    "sweep_from_dict",
]
