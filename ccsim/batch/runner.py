"""Run a scenario: replications → observations → KPIs → summary with CIs.

The lifecycle is written once here (draw callers, simulate, measure) so the CLI,
tests and experiments all run a scenario the same way.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ccsim.batch.parallel import Backend, Replication, map_replications
from ccsim.batch.row_ratios import ratio_of_totals_rows
from ccsim.batch.store import ReplicationStore
from ccsim.metrics import DAY_KPIS, service_level_risk, t_interval
from ccsim.metrics.compact import KpiLayout, KpiRows, summarize_rows
from ccsim.models.calls import draw_calls
from ccsim.models.center import simulate_day
from ccsim.observations import Observations
from ccsim.scenario.limits import check_work
from ccsim.scenario.model import Scenario
from ccsim.streams import new_seed

if TYPE_CHECKING:
    import pandas as pd


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
        builds each document when it is read.
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
        """Every replication's KPIs, tidy (`ccsim.outputs.tables.replications_frame`)."""
        from ccsim.outputs.tables import replications_frame

        return replications_frame(self)

    @property
    def intervals_df(self) -> pd.DataFrame:
        """Per-interval means and CIs, tidy (`ccsim.outputs.tables.intervals_frame`)."""
        from ccsim.outputs.tables import intervals_frame

        return intervals_frame(self)

    @property
    def summary_df(self) -> pd.DataFrame:
        """Day, call type and group means and CIs (`ccsim.outputs.tables.summary_frame`)."""
        from ccsim.outputs.tables import summary_frame

        return summary_frame(self)

    @property
    def calls_df(self) -> pd.DataFrame:
        """Every call of every replication, with the columns of ``--trace``
        (`ccsim.outputs.tables.calls_frame`); needs ``run(..., keep_calls=True)``."""
        from ccsim.outputs.tables import calls_frame

        return calls_frame(self)

    @property
    def risk_df(self) -> pd.DataFrame:
        """SL target attainment per interval (`ccsim.outputs.tables.risk_frame`)."""
        from ccsim.outputs.tables import risk_frame

        return risk_frame(self)

    @property
    def calls_per_second(self) -> float:
        return self.n_calls / self.elapsed_s if self.elapsed_s > 0 else float("nan")

    def __repr__(self) -> str:
        from ccsim.outputs.notebook import run_repr

        return run_repr(self)

    def _repr_html_(self) -> str:
        from ccsim.outputs.notebook import run_html

        return run_html(self)


ENGINES = ("auto", "simpy", "fast")


class EngineError(ValueError):
    """The compiled engine was asked for a scenario it cannot run."""


def choose_engine(scenario: Scenario, engine: str | None = None) -> str:
    """The engine that will run ``scenario``: ``simpy`` or ``fast``.

    ``engine`` (the CLI's ``--engine``) overrides the scenario's ``engine``. Under
    ``auto`` the compiled engine runs whatever it supports, SimPy the rest; asking for
    ``fast`` with a feature it lacks is an error that names the feature.
    """
    wanted = engine or scenario.engine
    if wanted not in ENGINES:
        raise EngineError(f"unknown engine {wanted!r}: use one of {', '.join(ENGINES)}")
    if wanted == "simpy":
        return "simpy"
    from ccsim.models.fast import supports

    missing = supports(scenario)
    if missing is None:
        return "fast"
    if wanted == "fast":
        raise EngineError(
            f"the fast engine does not support {missing} (used by {scenario.name!r}); "
            "run it with --engine simpy or auto"
        )
    return "simpy"


def fallback_notice(scenario: Scenario, engine: str | None = None) -> str | None:
    """One line telling the user that ``auto`` runs ``scenario`` on the slower SimPy
    engine, and why (the first feature the compiled engine lacks); None otherwise."""
    if (engine or scenario.engine) != "auto":
        return None
    from ccsim.models.fast import supports

    missing = supports(scenario)
    if missing is None:
        return None
    return (
        f"note: the compiled engine does not support {missing} yet; "
        f"{scenario.name!r} runs on the SimPy engine (slower)"
    )


def run_replication(
    scenario: Scenario, seed: int, replication: int, engine: str = "simpy"
) -> Observations:
    """Simulate replication ``replication`` of ``scenario``: same inputs, same numbers,
    on either engine (``simpy`` or ``fast``: they agree call by call)."""
    calls = draw_calls(scenario, seed, replication)
    if engine == "fast":
        from ccsim.models.fast import simulate_day_fast

        return simulate_day_fast(scenario, calls, seed, replication)
    return simulate_day(scenario, calls, seed, replication)


@dataclass(frozen=True)
class Precision:
    """Run replications until the 95 % CI half-width of a day KPI is at most
    ``half_width`` (or ``max_replications`` have run).

    Batches are sized from the current estimate (n × (half-width / target)², 10 %
    more), never from the number of workers, so the replications run, and the
    numbers, are the same on any backend.

    Parameters
    ----------
    half_width : float
        The target 95 % CI half-width, in the KPI's unit (0.01: ±1 point of SL).
    kpi : str
        A day KPI (`ccsim.metrics.DAY_KPIS`), by default the service level.
    max_replications : int
        Stop here even if the target is not met (``RunResult.precision["met"]``).
    min_replications : int
        The first round runs at least this many.

    Raises
    ------
    ValueError
        A target not > 0, a maximum below 2, or an unknown KPI.

    Examples
    --------
    >>> import ccsim
    >>> s = ccsim.load_scenario("scenarios/teaching_single_queue.yaml")
    >>> r = ccsim.run(s, seed=1, precision=ccsim.Precision(half_width=0.05))
    >>> r.precision["met"], r.precision["half_width"] <= 0.05
    (True, True)
    """

    half_width: float
    kpi: str = "service_level"
    max_replications: int = 1000
    #: The first batch is at least this many replications: fewer give a poor
    #: estimate of the spread.
    min_replications: int = 10

    def __post_init__(self) -> None:
        if not self.half_width > 0:
            raise ValueError(f"the precision target must be > 0, got {self.half_width}")
        if self.max_replications < 2:
            raise ValueError("a precision target needs a maximum of at least 2 replications")
        if self.kpi not in DAY_KPIS:
            raise ValueError(
                f"no day KPI {self.kpi!r} for a precision target; one of: {', '.join(DAY_KPIS)}"
            )


def _day_value(rep: Replication, kpi: str) -> float | None:
    """Day KPI ``kpi`` of one finished replication, compact or read from a store."""
    if rep.kpis is not None:
        return rep.kpis["summary"][kpi]
    assert rep.layout is not None and rep.row is not None
    return rep.layout.view(rep.row)["summary"][kpi]


def _rows(reps: list[Replication]) -> KpiRows:
    """The replications' KPIs as one matrix (`KpiRows`), whether they ran here (a row
    each) or were read back from a store (a document each)."""
    layout = next((r.layout for r in reps if r.layout is not None), None)
    if layout is None:
        layout = KpiLayout.of(reps[0].document())
    matrix = np.empty((len(reps), layout.size))
    for i, rep in enumerate(reps):
        matrix[i] = rep.row if rep.row is not None else layout.flatten(rep.document())
        rep.row = None  # the matrix holds it now
    return KpiRows(layout, matrix)


def _risk_documents(kpis: KpiRows) -> list[dict]:
    """What `service_level_risk` reads of each replication (its day and interval
    service levels), taken from the matrix's columns."""
    top = kpis.layout.view(kpis.matrix[0])
    starts = [entry["start"] for entry in top["by_interval"]]
    sk = kpis.layout.skeleton
    cols = [sk["summary"]["service_level"]] + [e["service_level"] for e in sk["by_interval"]]
    return [
        {
            "summary": {"service_level": row[0]},
            "by_interval": [
                {"start": start, "service_level": v}
                for start, v in zip(starts, row[1:], strict=True)
            ],
        }
        for row in kpis.matrix[:, cols].tolist()
    ]


def _half_width(values: list) -> float | None:
    mean, ci = t_interval(np.array([np.nan if v is None else v for v in values], dtype=float))
    return None if ci is None else (ci[1] - ci[0]) / 2


def _next_size(n: int, half: float | None, precision: Precision) -> int:
    """How many replications the next round should bring the total to."""
    if half is None:
        wanted = n + max(2, n // 2)
    else:
        wanted = math.ceil(1.1 * n * (half / precision.half_width) ** 2)
    return min(precision.max_replications, max(wanted, n + max(1, n // 10)))


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    *,
    keep_observations: bool = False,
    progress: Callable[[int, int], None] | None = None,
    engine: str | None = None,
    backend: Backend | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    precision: Precision | None = None,
    keep_calls: bool = False,
    notify: Callable[[str], None] | None = None,
) -> RunResult:
    """Run replications of a scenario and summarize their KPIs with 95 % CIs.

    Replication r draws its callers from the random streams of (``seed``, r) alone,
    so the numbers are the same on any engine, backend and number of workers.

    Parameters
    ----------
    scenario : Scenario
        What to simulate (`ccsim.load_scenario`, `Scenario.with_changes`).
    replications : int, optional
        How many simulated days; default: the scenario's ``replications``.
    seed : int, optional
        The root seed; default: the scenario's, else a fresh one (reported in
        ``RunResult.seed`` so the run can be repeated exactly).
    keep_observations : bool
        Keep every replication's raw `Observations` (``RunResult.observations``).
    progress : callable, optional
        ``progress(done, total)``, called after each replication.
    engine : {"auto", "simpy", "fast"}, optional
        The simulation engine (`choose_engine`); default: the scenario's.
    backend : Backend, optional
        Where replications run; default ``Backend()``: in this process (see
        `ccsim.Backend` for why, and ``Backend.local()`` for all cores).
    out : str or pathlib.Path, optional
        A folder where every finished replication is stored as it completes
        (`ccsim.batch.store.ReplicationStore`).
    resume : bool
        With ``out``: keep the replications already stored and run only the rest.
    precision : Precision, optional
        Run more replications, in rounds, until the CI half-width target is met.
    keep_calls : bool
        Keep every call, for the per-call table ``RunResult.calls_df``.
    notify : callable, optional
        ``notify(line)`` (the CLI: print to stderr): a run that would compile the
        fast engine says so first, and a small ``auto`` run avoids the compilation
        (`ccsim.batch.first_run`).

    Returns
    -------
    RunResult
        Per-replication KPIs, their summary, and the tables built from them
        (``summary_df``, ``intervals_df``, ``replications_df``, ``risk_df``,
        ``calls_df``).

    Raises
    ------
    ValueError
        Fewer than 1 replication; an engine that cannot run the scenario
        (`EngineError`); a store of another run in ``out`` (`ccsim.batch.store.StoreError`).

    Examples
    --------
    >>> import ccsim
    >>> s = ccsim.load_scenario("scenarios/teaching_single_queue.yaml")
    >>> r = ccsim.run(s, replications=20, seed=7)
    >>> sl = r.summary["summary"]["service_level"]
    >>> sl["ci95"][0] < sl["mean"] < sl["ci95"][1]
    True
    >>> r.summary_df.query("scope == 'day' and kpi == 'service_level'")["mean"].item() == sl["mean"]
    True
    """  # noqa: E501
    keep_observations = keep_observations or keep_calls
    reps = replications if replications is not None else scenario.replications
    if reps < 1:
        raise ValueError(f"replications must be at least 1, got {reps}")
    if seed is None:
        seed = scenario.seed if scenario.seed is not None else new_seed()
    chosen = choose_engine(scenario, engine)
    if precision is not None:
        reps = min(max(reps, precision.min_replications), precision.max_replications)
    check_work(scenario, max(reps, precision.max_replications if precision else 0))
    if notify is not None:
        from ccsim.batch.first_run import engine_for_run

        chosen = engine_for_run(scenario, chosen, engine, reps, notify)
    store = ReplicationStore(Path(out), scenario, seed) if out is not None else None
    t0 = time.perf_counter()
    done: dict[int, Replication] = {}
    kept: dict[int, Observations] = {}
    resumed: set[int] = set()
    try:
        if store is not None:
            done.update(store.open(resume))
        if keep_observations and done:
            raise ValueError("observations of stored replications are not kept: do not resume")
        resumed = set(done)

        def execute(n: int) -> None:
            missing = [r for r in range(n) if r not in done]
            for rep in map_replications(
                scenario, seed, chosen, missing, backend, keep_observations
            ):
                if store is not None:
                    store.append(rep)
                if rep.observations is not None:
                    kept[rep.index] = rep.observations
                    rep.observations = None
                done[rep.index] = rep
                if progress is not None:
                    progress(sum(1 for r in done if r < n), n)

        execute(reps)
        achieved = None
        rounds: list[int] = []
        if precision is not None:
            while True:
                rounds.append(reps)
                achieved = _half_width([_day_value(done[r], precision.kpi) for r in range(reps)])
                if achieved is not None and achieved <= precision.half_width:
                    break
                if reps >= precision.max_replications:
                    break
                reps = _next_size(reps, achieved, precision)
                execute(reps)
    finally:
        if store is not None:
            store.close()
    elapsed = time.perf_counter() - t0
    kpis = _rows([done[r] for r in range(reps)])
    return RunResult(
        scenario=scenario,
        seed=seed,
        replications=reps,
        kpis=kpis,
        summary=summarize_rows(kpis),
        n_calls=sum(done[r].n_calls for r in range(reps)),
        elapsed_s=elapsed,
        observations=[kept[r] for r in range(reps) if r in kept],
        engine=chosen,
        risk=service_level_risk(_risk_documents(kpis), scenario.service_level.target),
        ratio_of_totals=ratio_of_totals_rows(kpis, scenario.service_level.definition),
        backend=(backend or Backend()).describe(),
        resumed=sum(1 for r in range(reps) if r in resumed),
        precision=None
        if precision is None
        else {
            "kpi": precision.kpi,
            "target_half_width": precision.half_width,
            "half_width": achieved,
            "met": achieved is not None and achieved <= precision.half_width,
            "max_replications": precision.max_replications,
            "rounds": rounds,
        },
    )
