"""ccsim — discrete-event simulation of contact centers.

>>> import ccsim
>>> scenario = ccsim.load_scenario("scenarios/teaching_single_queue.yaml")
>>> result = ccsim.run(scenario, replications=10, seed=1)
>>> result.summary["summary"]["service_level"]["mean"]  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from ccsim.scenario import Scenario, ScenarioError, load_scenario, parse_scenario

__version__ = "0.1.0"
__all__ = [
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "parse_scenario",
    "run",
    "compare",
    "sweep",
]


def __getattr__(name: str) -> Any:
    # The runner pulls in SimPy and the numba kernels: load it on first use only.
    if name == "run":
        from ccsim.runner import run

        return run
    if name == "compare":
        from ccsim.comparison import compare

        return compare
    if name == "sweep":
        from ccsim.sweeps import sweep

        return sweep
    raise AttributeError(f"module 'ccsim' has no attribute {name!r}")
