"""What a run produced (`RunResult`), and how it shows itself in a notebook.

A light module: it imports no engine, so outputs, charts and reports can take a
`RunResult` (or read one back, `ccsim.batch.results`) without loading SimPy or numba.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ccsim.observations import Observations
from ccsim.scenario.display import HEADLINE, SHORT, _ci, _plural, _table, _value
from ccsim.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RunResult", "run_html", "run_repr"]


@dataclass
class RunResult:
    """What a run produced: per-replication KPIs and their summary over replications.

    Returned by `ccsim.run`; not built by hand. In a notebook it shows a small
    table of the day's KPIs with their 95 % CIs.

    Parameters
    ----------
    scenario : Scenario
        The scenario that ran.
    seed : int
        The root seed: ``run(scenario, replications, seed)`` repeats the numbers.
    replications : int
        How many replications ran.
    kpis : sequence of dict
        Each replication's KPIs (day ``summary``, ``by_interval``, ``by_call_type``,
        ``by_agent_group``), in replication order. A run keeps them compact
        (`ccsim.metrics.compact.KpiRows`: one row of numbers per replication) and
        builds each document when it is read (``list(result.kpis)`` for a list).
    summary : dict
        Mean and 95 % CI of every KPI over the replications, laid out like ``kpis``
        (``{"mean": x, "ci95": [low, high]}``): the ``--json`` document's figures.
    n_calls : int
        Calls (legs) simulated over all replications.
    elapsed_s : float
        Wall time of the run.
    observations : list of Observations
        Raw per-call data, with ``keep_observations`` or ``keep_calls``.
    engine : str
        The engine that ran (``simpy`` or ``fast``).
    risk : dict
        How often the SL target was met, for the day and per interval.
    backend : str
        Where the replications ran (`Backend.describe`).
    resumed : int
        Replications read back from the store rather than run.
    precision : dict or None
        The precision target and what was reached, when one was asked for.

    Examples
    --------
    >>> import ccsim
    >>> r = ccsim.run(ccsim.load_scenario("scenarios/teaching_single_queue.yaml"), 4, seed=2)
    >>> repr(r)[:52]
    "RunResult('Teaching example, one queue (M/M/14)', 4 "
    """

    scenario: Scenario
    seed: int
    replications: int
    kpis: Sequence[dict]
    summary: dict
    n_calls: int = 0
    elapsed_s: float = 0.0
    observations: list[Observations] = field(default_factory=list)
    engine: str = "simpy"
    #: Across replications: how often the SL target was met, day and per interval.
    risk: dict = field(default_factory=dict)
    #: Where the replications ran (`Backend.describe`).
    backend: str = "this process"
    #: Replications read back from the store (``resume``) rather than run.
    resumed: int = 0
    #: The precision target and what was reached, when one was asked for.
    precision: dict | None = None
    #: Ratio-of-totals estimates of the rates (`ccsim.batch.ratios.ratio_of_totals`),
    #: beside the summary's means of daily ratios.
    ratio_of_totals: dict = field(default_factory=dict)

    @property
    def replications_df(self) -> pd.DataFrame:
        """Every replication's KPIs, tidy (`ccsim.batch.tables.replications_frame`)."""
        from ccsim.batch.tables import replications_frame

        return replications_frame(self)

    @property
    def intervals_df(self) -> pd.DataFrame:
        """Per-interval means and CIs, tidy (`ccsim.batch.tables.intervals_frame`)."""
        from ccsim.batch.tables import intervals_frame

        return intervals_frame(self)

    @property
    def summary_df(self) -> pd.DataFrame:
        """Day, call type and group means and CIs (`ccsim.batch.tables.summary_frame`)."""
        from ccsim.batch.tables import summary_frame

        return summary_frame(self)

    @property
    def calls_df(self) -> pd.DataFrame:
        """Every call of every replication, with the columns of ``--trace``
        (`ccsim.batch.tables.calls_frame`); needs ``run(..., keep_calls=True)``."""
        from ccsim.batch.tables import calls_frame

        return calls_frame(self)

    @property
    def risk_df(self) -> pd.DataFrame:
        """SL target attainment per interval (`ccsim.batch.tables.risk_frame`)."""
        from ccsim.batch.tables import risk_frame

        return risk_frame(self)

    @property
    def calls_per_second(self) -> float:
        return self.n_calls / self.elapsed_s if self.elapsed_s > 0 else float("nan")

    def __repr__(self) -> str:
        return run_repr(self)

    def _repr_html_(self) -> str:
        return run_html(self)


def _day_figure(result: RunResult, kpi: str) -> dict[str, Any] | None:
    figure = result.summary.get("summary", {}).get(kpi)
    return figure if isinstance(figure, dict) and "mean" in figure else None


def run_repr(result: RunResult) -> str:
    """``RunResult('name', 30 replications, seed 7, fast: SL 88.1% [86.0%, 90.2%], …)``."""
    figures = []
    for kpi, label, kind in SHORT:
        figure = _day_figure(result, kpi)
        if figure is not None:
            ci = _ci(figure.get("ci95"), kind)
            figures.append(f"{label} {_value(figure['mean'], kind)}" + (f" {ci}" if ci else ""))
    head = (
        f"{result.scenario.name!r}, {_plural(result.replications, 'replication')}, "
        f"seed {result.seed}, {result.engine}"
    )
    return f"RunResult({head}: {', '.join(figures)})"


def run_html(result: RunResult) -> str:
    """The day's headline KPIs: mean and 95 % CI over the replications."""
    rows = []
    for kpi, label, kind in HEADLINE:
        figure = _day_figure(result, kpi)
        if figure is not None:
            rows.append((label, _value(figure["mean"], kind), _ci(figure.get("ci95"), kind)))
    caption = (
        f"{result.scenario.name} — {_plural(result.replications, 'replication')}, "
        f"seed {result.seed}, engine {result.engine}"
    )
    return _table(["KPI", "mean", "95% CI"], rows, caption)


# --------------------------------------------------------------------------- a comparison
