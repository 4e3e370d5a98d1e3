"""Run a scenario: replications → observations → KPIs → summary with CIs.

The lifecycle is written once here (draw callers, simulate, measure) so the CLI,
tests and experiments all run a scenario the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ccsim.calls import draw_calls
from ccsim.metrics import replication_kpis, summarize
from ccsim.models.center import simulate_day
from ccsim.observations import Observations
from ccsim.parallel import Backend
from ccsim.scenario.model import Scenario
from ccsim.streams import new_seed


@dataclass
class RunResult:
    """What a run produced: per-replication KPIs and their summary over replications."""

    scenario: Scenario
    seed: int
    replications: int
    kpis: list[dict]
    summary: dict
    n_calls: int = 0
    elapsed_s: float = 0.0
    observations: list[Observations] = field(default_factory=list)
    engine: str = "simpy"

    @property
    def calls_per_second(self) -> float:
        return self.n_calls / self.elapsed_s if self.elapsed_s > 0 else float("nan")


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


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    *,
    keep_observations: bool = False,
    progress: Callable[[int, int], None] | None = None,
    engine: str | None = None,
    backend: Backend | None = None,
) -> RunResult:
    """Run ``replications`` replications (default: the scenario's) from ``seed``.

    The seed defaults to the scenario's, else a fresh one, which the result
    reports so the run can be repeated exactly. ``progress(done, total)`` is
    called after each replication. ``engine``: see `choose_engine`.
    """
    reps = replications if replications is not None else scenario.replications
    if reps < 1:
        raise ValueError(f"replications must be at least 1, got {reps}")
    if seed is None:
        seed = scenario.seed if scenario.seed is not None else new_seed()
    chosen = choose_engine(scenario, engine)
    kpis: list[dict] = []
    kept: list[Observations] = []
    n_calls = 0
    t0 = time.perf_counter()
    for r in range(reps):
        obs = run_replication(scenario, seed, r, chosen)
        n_calls += obs.n_calls
        kpis.append(replication_kpis(obs, scenario))
        if keep_observations:
            kept.append(obs)
        if progress is not None:
            progress(r + 1, reps)
    elapsed = time.perf_counter() - t0
    return RunResult(
        scenario=scenario,
        seed=seed,
        replications=reps,
        kpis=kpis,
        summary=summarize(kpis),
        n_calls=n_calls,
        elapsed_s=elapsed,
        observations=kept,
        engine=chosen,
    )
