"""One replication, start to end: draw the callers, simulate the day, measure it.

The lifecycle is written once here; `ccsim.batch.runner` hands `run_chunk` to the
worker pool (`ccsim.batch.parallel`), which runs it without knowing what it does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ccsim.metrics import replication_kpis
from ccsim.models.calls import draw_calls
from ccsim.models.center import simulate_day
from ccsim.observations import Observations
from ccsim.scenario.model import Scenario

__all__ = [
    "ENGINES",
    "EngineError",
    "Replication",
    "choose_engine",
    "fallback_notice",
    "run_chunk",
    "run_replication",
]


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


@dataclass
class Replication:
    """One finished replication: its index, KPIs, number of calls (legs) and, when
    asked for, its observations."""

    index: int
    kpis: dict
    n_calls: int
    observations: Observations | None = None


def run_chunk(
    scenario: Scenario, seed: int, engine: str, indices: Sequence[int], keep: bool
) -> list[Replication]:
    """Simulate and measure the replications ``indices`` (in a worker)."""
    out = []
    for r in indices:
        obs = run_replication(scenario, seed, r, engine)
        out.append(
            Replication(r, replication_kpis(obs, scenario), obs.n_calls, obs if keep else None)
        )
    return out
