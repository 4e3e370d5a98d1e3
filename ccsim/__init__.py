"""ccsim — discrete-event simulation of contact centers.

>>> import ccsim
>>> scenario = ccsim.load_scenario("scenarios/teaching_single_queue.yaml")
>>> result = ccsim.run(scenario, replications=5, seed=1)
>>> result.replications, result.seed
(5, 1)

``import ccsim`` is light: the simulation engines (SimPy, numba), pandas and scipy
load on the first use of a name that needs them (PEP 562 ``__getattr__``), while
``dir(ccsim)`` and tab completion list every public name.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ccsim import _compat
from ccsim.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from ccsim.scenario.load import scenario_from_dict
from ccsim.version import __version__ as __version__

if TYPE_CHECKING:
    from ccsim.batch.comparison import ComparisonResult, compare
    from ccsim.batch.parallel import Backend
    from ccsim.batch.result import RunResult
    from ccsim.batch.runner import Precision, run
    from ccsim.batch.sweeps import SweepResult, sweep

_compat.install()  # old import paths (ccsim.runner, ccsim.analytic…) keep working


#: Public names loaded on first use, and the module each comes from.
_LAZY = {
    "run": "ccsim.batch.runner",
    "RunResult": "ccsim.batch.result",
    "Precision": "ccsim.batch.runner",
    "compare": "ccsim.batch.comparison",
    "ComparisonResult": "ccsim.batch.comparison",
    "sweep": "ccsim.batch.sweeps",
    "SweepResult": "ccsim.batch.sweeps",
    "Backend": "ccsim.batch.parallel",
}

__all__ = [
    "Backend",
    "ComparisonResult",
    "Precision",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SweepResult",
    "compare",
    "load_scenario",
    "parse_scenario",
    "run",
    "scenario_from_dict",
    "sweep",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ccsim' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    # The public API (tab completion), plus the subpackages already imported.
    loaded = {k for k, v in globals().items() if type(v).__name__ == "module" and k[0] != "_"}
    return sorted({*__all__, "__version__", *loaded})
