"""The first run after an install: never silent, and never kept waiting for nothing.

The compiled engine is compiled on its first call and cached on disk (see
`ccsim.kernels.cache_state`); on a loaded 2-core machine that takes up to a minute.

Policy, when the cache is cold:

- ``--engine fast`` (asked for by name): compile, after one line on stderr saying
  so and roughly for how long.
- ``auto`` with a small job (at most `SMALL_JOB_CALLS` expected calls over all
  replications): run it on SimPy, which needs no compilation, and say so in one
  line. Both engines give the same numbers call by call, so only the time differs:
  SimPy simulates 20-50 thousand calls a second, so such a job is done in seconds,
  before the compilation alone would have finished. ``ccsim warm-up`` compiles
  the engine once, ahead of time.
- ``auto`` with a larger job: compile (one line on stderr) and run compiled: the
  compilation pays for itself within the run, and is cached for the next ones.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from ccsim.scenario.model import Scenario

__all__ = ["SMALL_JOB_CALLS", "compile_engine", "engine_for_run", "expected_calls"]

#: Expected calls (all replications) up to which ``auto`` runs SimPy rather than
#: compile: about 10 s of SimPy on a loaded 2-core machine, a sixth of a cold compile.
SMALL_JOB_CALLS = 250_000


def expected_calls(scenario: Scenario, replications: int) -> float:
    """Mean number of arriving calls over ``replications`` days (IVR callers included)."""
    size = scenario.horizon.interval
    per_day = sum(sum(ct.rates) * size for ct in scenario.call_types)
    if scenario.ivr is not None:
        per_day += sum(scenario.ivr.rates) * size
    return per_day * replications


def _print(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def engine_for_run(
    scenario: Scenario,
    chosen: str,
    requested: str | None,
    replications: int,
    notify: Callable[[str], None] = _print,
) -> str:
    """The engine to run with, given `choose_engine`'s ``chosen`` one and what was
    ``requested`` (``--engine`` or the scenario's ``engine``); says on ``notify``
    (stderr) when the run will compile the fast engine or avoid it."""
    if chosen != "fast":
        return chosen
    from ccsim.kernels.cache_state import compile_estimate, is_cold

    if not is_cold(include_lazy=False):  # the KPI kernels compile when a run needs them
        return chosen
    wanted = requested or scenario.engine
    if wanted == "auto" and expected_calls(scenario, replications) <= SMALL_JOB_CALLS:
        notify(
            "the fast engine is not compiled yet: this small run uses SimPy (same numbers); "
            f"`ccsim warm-up` compiles it, once, ~{compile_estimate()} s"
        )
        return "simpy"
    notify(f"compiling the fast engine, once, ~{compile_estimate()} s (cached for later runs)")
    return chosen


def compile_engine() -> float:
    """Compile (or load from the cache) every kernel by running a tiny day on the
    fast engine and computing its KPIs; returns the seconds it took."""
    import numpy as np

    from ccsim.batch.replication import run_replication
    from ccsim.kernels.kpis import compile_kernels
    from ccsim.kernels.queue_lengths import queue_maxima
    from ccsim.metrics import replication_kpis
    from ccsim.scenario import parse_scenario

    scenario = parse_scenario(_TINY_DAY, source="<warm-up>")
    t0 = time.perf_counter()
    obs = run_replication(scenario, 0, 0, "fast")
    replication_kpis(obs, scenario)
    one = np.zeros(1)
    queue_maxima(one, one + 1.0, np.zeros(1, dtype=np.int64), 1, one)  # as metrics calls it
    compile_kernels()  # the KPI kernels, which a first small run would interpret
    return time.perf_counter() - t0


#: One queue, one hour: enough to call every kernel once.
_TINY_DAY = """
name: warm-up
horizon: {start: "08:00", end: "09:00", interval: 30min}
call_types:
  calls:
    arrivals: {rate: 1/min}
    handle_time: {dist: exponential, mean: 3min}
    patience: {dist: exponential, mean: 2min}
agent_groups:
  agents: {skills: [calls], agents: 3}
"""
