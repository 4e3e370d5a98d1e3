"""The compiled engine's Python side: same inputs and outputs as `simulate_day`.

`simulate_day_fast` packs a scenario, its pre-drawn callers and the roster into
typed arrays, runs the numba event loop (`ccsim.kernels.engine.simulate`) and
returns the `Observations` the SimPy engine (`ccsim.models.center`) gives, call
by call. The routing tables are read off a `Router` and the roster is
`build_roster`'s (the same template and draws, as arrays), so both engines start
from the very same numbers. What depends on the scenario alone is packed once per
scenario object and shared read-only by its replications (`ccsim.models.pack_staff`).

`supports(scenario)` says whether this engine can run a scenario: ``None``, or a
short name of the first feature it does not implement (the caller then runs
SimPy). Features that only change the callers or the roster (busyness, surges,
IVR outages, group outages, absenteeism, shrinkage) are drawn or built before
either engine runs, so the engine supports them as a matter of course. Redials,
transfers, callbacks and outbound dials are legs of their own, rows after the
callers' first calls (`ccsim.models.legs`). Chats (concurrency, chat factors, chat
transfers) and outbound blending run too: every feature of the format. What is still
refused: a scenario field the SimPy model reads and the packing here does not
(`unpacked_fields`), and crisis events the engine does not know.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import inspect
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ccsim.kernels import engine as k
from ccsim.models import pack_calls, pack_staff
from ccsim.models.calls import CallDraws, arrival_times, draw_by_offer, draw_calls
from ccsim.models.legs import kernel_observations
from ccsim.models.pack_calls import pack
from ccsim.models.pack_staff import staff_arrays
from ccsim.models.roster import build_roster
from ccsim.models.routing import Router
from ccsim.observations import BLOCKED, Observations
from ccsim.scenario import model as m
from ccsim.scenario.kinds.events import EVENTS
from ccsim.scenario.memo import per_scenario
from ccsim.scenario.model import AGENT_SELECTIONS, Scenario

__all__ = ["pack", "run_kernel", "simulate_day_fast", "supports"]

#: Crisis events the engine handles; the others it refuses. Surges, IVR outages,
#: group outages and absenteeism act through the draws and the roster.
SUPPORTED_EVENTS = frozenset(name for name, kind in EVENTS.items() if kind.compiled)


#: What prepares the compiled engine's day besides this module: the routing
#: tables, the roster, the legs and the callers' draws (modules shared with SimPy;
#: one name per module: the draws' are `calls`, `call_draws`, `arrivals` and
#: `caller_attributes`).
_FEED = (
    Router,
    build_roster,
    kernel_observations,
    CallDraws,
    draw_calls,
    arrival_times,
    draw_by_offer,
)


#: The packing of the day's arrays (`pack`), read with this module by `unpacked_fields`.
_PACKING = (pack_staff, pack_calls)


def _attributes_read(paths: Iterable[Path]) -> set[str]:
    """Every attribute name the source files read (``x.name``) or set."""
    names: set[str] = set()
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names.update(node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute))
    return names


def _scenario_field_names() -> set[str]:
    """The field names of every class of the scenario's format."""
    return {
        f.name
        for obj in vars(m).values()
        if isinstance(obj, type) and dataclasses.is_dataclass(obj)
        for f in dataclasses.fields(obj)
    }


def unpacked_between(simpy_side: Iterable[Path], feed: Iterable[Path]) -> frozenset[str]:
    """The scenario fields read by the ``simpy_side`` sources but not by ``feed``."""
    read = _attributes_read(simpy_side) - _attributes_read(feed)
    return frozenset(read & _scenario_field_names())


@functools.cache
def unpacked_fields() -> frozenset[str]:
    """The scenario fields the SimPy model reads (`ccsim.models` but this module and
    the packing modules, `_PACKING`) and nothing preparing the compiled day reads
    (these modules, and the routing, roster, legs and draws modules it shares with
    SimPy): features the compiled
    engine does not implement. Read off the sources, so a field added to the format
    and implemented in the SimPy model only is refused here (while it differs from
    its default) with no list of fields to keep up to date. Fields neither engine
    reads (costs, labels, run settings) cannot change a day, and pass.

    By name: a new field named like an attribute the packing reads for another
    purpose (``start``) passes as packed. Without the sources (a frozen build)
    this test refuses nothing."""
    here = Path(__file__)
    try:
        packing = {here, *(Path(mod.__file__ or "") for mod in _PACKING)}
        feed = packing | {Path(inspect.getsourcefile(obj) or "") for obj in _FEED}
        simpy_side = set(here.parent.glob("*.py")) - packing
        return unpacked_between(simpy_side, feed)
    except (OSError, TypeError, SyntaxError):
        return frozenset()


def _unknown_field(obj: Any) -> str | None:
    """The first field of ``obj``, or of the scenario objects inside it, that this
    engine does not pack (`unpacked_fields`) and that is set to something other
    than its default."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return None
    if getattr(m, type(obj).__name__, None) is not type(obj):
        return None  # not a class of the scenario's format
    unpacked = unpacked_fields()
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.name in unpacked:
            if f.default is not dataclasses.MISSING:
                default = f.default
            elif f.default_factory is not dataclasses.MISSING:
                default = f.default_factory()
            else:
                return f.name  # a new required field: a feature we cannot know
            if value != default:
                return f.name
            continue
        for child in value if isinstance(value, tuple) else (value,):
            found = _unknown_field(child)
            if found is not None:
                return found
    return None


def _refused(scenario: Scenario) -> Iterator[str]:
    """The features of ``scenario`` this engine does not implement, in order."""
    for ct in scenario.call_types:
        if ct.agent_selection not in AGENT_SELECTIONS:
            yield f"agent_selection {ct.agent_selection}"
    for event in scenario.events:
        if event.kind not in SUPPORTED_EVENTS:
            yield f"{event.kind} events"
    unknown = _unknown_field(scenario)
    if unknown is not None:
        yield unknown


@per_scenario
def supports(scenario: Scenario) -> str | None:
    """``None`` if `simulate_day_fast` runs ``scenario`` exactly as the SimPy engine
    does, else a short name of the first feature it does not support."""
    return next(_refused(scenario), None)


def run_kernel(args: dict) -> int:
    """Run the kernel on `pack`'s arguments, grouped by name into the structures it
    takes (`ccsim.kernels.engine.structures`); returns the number of events handled
    (the number of legs is left in ``args["n_out"][0]``)."""
    return int(k.simulate(*k.structures(args)))


def simulate_day_fast(
    scenario: Scenario, calls: CallDraws, seed: int = 0, replication: int = 0
) -> Observations:
    """Run one replication of the day on the compiled engine.

    Same arguments and result as `ccsim.models.center.simulate_day`: ``seed`` and
    ``replication`` select the roster's shrinkage draws. Raises
    ``NotImplementedError`` for a scenario `supports` refuses.
    """
    missing = supports(scenario)
    if missing is not None:
        raise NotImplementedError(f"the fast engine does not support {missing}")
    obs = kernel_observations(scenario, calls)
    args = pack(scenario, calls, staff_arrays(scenario, seed, replication), obs)
    run_kernel(args)
    obs.truncate(int(args["n_out"][0]))  # the legs that did occur (Legs.result)
    obs.call_type[(obs.outcome == BLOCKED) & obs.via_ivr] = -1  # the IVR never decided
    obs.check_conservation()
    return obs
