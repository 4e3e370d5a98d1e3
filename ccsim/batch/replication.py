"""One replication, start to end: draw the callers, simulate the day, measure it.

The lifecycle is written once here; `ccsim.batch.runner` hands `run_chunk` to the
worker pool (`ccsim.batch.parallel`), which runs it without knowing what it does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ccsim.batch.allocator import keep_freed_memory
from ccsim.metrics import replication_kpis
from ccsim.metrics.compact import KpiLayout
from ccsim.metrics.kpis import replication_row
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
    "run_each",
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
    asked for, its observations.

    The KPIs travel compact (`ccsim.metrics.compact`): ``row``, the numbers, and
    ``layout``, shared by the replications of a chunk (pickled once); ``kpis``, the
    document, is set only for a replication read back from a store.
    """

    index: int
    kpis: dict | None
    n_calls: int
    observations: Observations | None = None
    row: np.ndarray | None = None
    layout: KpiLayout | None = None

    def document(self) -> dict:
        """The KPI document (`replication_kpis`), built from the row if need be."""
        if self.kpis is not None:
            return self.kpis
        assert self.layout is not None and self.row is not None
        return self.layout.unflatten(self.row)


def run_chunk(
    scenario: Scenario, seed: int, engine: str, indices: Sequence[int], keep: bool
) -> list[Replication]:
    """Simulate and measure the replications ``indices`` (in a worker)."""
    return list(run_each(scenario, seed, engine, indices, keep))


def run_each(
    scenario: Scenario, seed: int, engine: str, indices: Sequence[int], keep: bool
) -> Iterator[Replication]:
    """Each replication of ``indices``, simulated and measured as it finishes, its
    KPIs a row of the first one's layout (the same for all: the scenario decides it)."""
    keep_freed_memory()  # in whichever process runs them: this one, a worker, Dask's
    layout = None
    for r in indices:
        obs = run_replication(scenario, seed, r, engine)
        if layout is None:
            kpis = replication_kpis(obs, scenario)
            layout = KpiLayout.of(kpis)
            row = layout.flatten(kpis)
        else:
            row = replication_row(obs, scenario)
            if row.shape != (layout.size,):  # a layout change would mislabel numbers
                raise RuntimeError(f"replication {r}: {row.size} KPIs, not {layout.size}")
        yield Replication(r, None, obs.n_calls, obs if keep else None, row, layout)
