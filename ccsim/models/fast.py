"""The compiled engine's Python side: same inputs and outputs as `simulate_day`.

`simulate_day_fast` packs a scenario, its pre-drawn callers and the roster into
typed arrays, runs the numba event loop (`ccsim.kernels.engine.simulate`) and
returns the same `Observations` the SimPy engine (`ccsim.models.center`) gives,
call by call. The routing tables are read off a `Router` and the roster is
`build_roster`'s, so both engines start from the very same numbers.

`supports(scenario)` says whether this engine can run a scenario: ``None``, or the
name of the first feature it does not implement, for callers to fall back on SimPy.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ccsim.calls import CallDraws
from ccsim.kernels import engine
from ccsim.models.agents import ABSENCE, BREAK, LOG_OUT
from ccsim.models.roster import AgentPlan, build_roster, scheduled_time
from ccsim.models.routing import Router
from ccsim.observations import Observations
from ccsim.scenario.model import (
    AGENT_SELECTIONS,
    Absence,
    AgentGroup,
    Break,
    CallType,
    Horizon,
    Ivr,
    IvrNode,
    OverflowStep,
    Scenario,
    Shift,
)

__all__ = ["simulate_day_fast", "supports"]

#: The fields of the scenario's classes this engine implements. A field added to the
#: model later is refused (named by `supports`) while it differs from its default, so a
#: new feature is never silently ignored. Classes not listed here (costs, service level,
#: distributions) do not reach the engine: the metrics and the draws handle them.
KNOWN_FIELDS: dict[type, frozenset[str]] = {
    Scenario: frozenset(
        {
            "name",
            "horizon",
            "call_types",
            "agent_groups",
            "service_level",
            "seed",
            "replications",
            "trunks",
            "costs",
            "source",
            "description",
            "ivr",
            "absences",
        }
    ),
    Horizon: frozenset({"start", "end", "interval", "warmup"}),
    CallType: frozenset(
        {
            "name",
            "rates",
            "handle_time",
            "wrap_up",
            "patience",
            "aht",
            "priority",
            "agent_selection",
            "preference",
            "overflow",
        }
    ),
    OverflowStep: frozenset({"after", "groups"}),
    AgentGroup: frozenset(
        {
            "name",
            "skills",
            "agents",
            "priorities",
            "agents_per_interval",
            "shifts",
            "reserve",
            "handle_time_factor",
            "handle_time",
            "shrinkage",
            "agent_hour",
        }
    ),
    Shift: frozenset({"start", "end", "agents", "breaks"}),
    Break: frozenset({"start", "length", "window_end", "paid"}),
    Absence: frozenset({"group", "start", "end", "agents"}),
    Ivr: frozenset({"rates", "entry", "nodes"}),
    IvrNode: frozenset({"name", "duration", "branches"}),
}


def _unknown_field(obj) -> str | None:
    """The first field of ``obj`` (or of the scenario objects inside it) that this
    engine does not know and that is set to something other than its default."""
    known = KNOWN_FIELDS.get(type(obj))
    if known is None:
        return None
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.name not in known:
            if f.default is not dataclasses.MISSING:
                default = f.default
            elif f.default_factory is not dataclasses.MISSING:
                default = f.default_factory()
            else:
                return f.name  # a new required field: a feature we cannot know
            if value != default:
                return f.name
            continue
        children = value if isinstance(value, tuple) else (value,)
        for child in children:
            if dataclasses.is_dataclass(child) and not isinstance(child, type):
                found = _unknown_field(child)
                if found is not None:
                    return found
    return None


def supports(scenario: Scenario) -> str | None:
    """``None`` if `simulate_day_fast` runs ``scenario`` exactly as the SimPy engine
    does, else a short name of the first feature it does not support."""
    for ct in scenario.call_types:
        if ct.agent_selection not in AGENT_SELECTIONS:
            return f"agent_selection {ct.agent_selection}"
    return _unknown_field(scenario)


# -- packing ---------------------------------------------------------------------


def _i64(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).reshape(-1)


def _f64(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(-1)


def _offsets(lists) -> np.ndarray:
    return _i64(np.cumsum([0] + [len(x) for x in lists]))


def _routing(scenario: Scenario, agent_group: list[int]) -> tuple:
    """The Router's tables as arrays (the kernel's ``routing`` tuple)."""
    r = Router(scenario, np.zeros(0), agent_group)
    n_types, n_groups = len(scenario.call_types), len(scenario.agent_groups)
    steps = [step for per_type in r.overflow for step in per_type]
    lower = np.zeros((n_groups, n_types), dtype=np.bool_)
    for g, skills in enumerate(r.lower_skill):
        for t in skills:
            lower[g, t] = True
    entries = [e for per_group in r.group_skills for e in per_group]
    trunks = -1 if scenario.trunks is None else int(scenario.trunks)
    return (
        _i64(r.type_priority),
        _i64([AGENT_SELECTIONS.index(s) for s in r.selection]),
        np.array(r.after, dtype=np.float64).reshape(n_types, n_groups),
        _i64([g for groups in r.initial_groups for g in groups]),
        _offsets(r.initial_groups),
        _f64([after for after, _ in steps]),
        _i64([g for _, groups in steps for g in groups]),
        _offsets([groups for _, groups in steps]),
        _offsets(r.overflow),
        _i64([t for _, _, t in entries]),
        _i64([tp for tp, _, _ in entries]),
        _i64([sp for _, sp, _ in entries]),
        _offsets(r.group_skills),
        lower,
        _i64(r.reserve),
        _i64(agent_group),
        trunks,
    )


def _plan_steps(plan: AgentPlan) -> list[tuple[float, int, float, bool]]:
    """The plan's steps in `agent_day`'s order: (due, kind, length or end, paid)."""
    steps = [(t, BREAK, length, paid) for t, length, paid in plan.breaks]
    steps += [(t0, ABSENCE, t1, True) for t0, t1 in plan.absences]
    if not plan.open_end:
        steps.append((plan.end, LOG_OUT, 0.0, True))
    steps.sort(key=lambda s: (s[0], s[1]))
    return steps


def _roster(plans: list[AgentPlan]) -> tuple:
    steps = [_plan_steps(p) for p in plans]
    flat = [s for per_agent in steps for s in per_agent]
    return (
        _f64([p.start for p in plans]),
        _f64([p.end for p in plans]),
        np.array([p.open_end for p in plans], dtype=np.bool_),
        np.array([p.absent_all_shift for p in plans], dtype=np.bool_),
        _offsets(steps),
        _f64([s[0] for s in flat]),
        _i64([s[1] for s in flat]),
        _f64([s[2] for s in flat]),
        np.array([s[3] for s in flat], dtype=np.bool_),
    )


def _calls(scenario: Scenario, calls: CallDraws) -> tuple:
    n = calls.n_calls
    n_types, n_groups = len(scenario.call_types), len(scenario.agent_groups)
    types = [c.name for c in scenario.call_types]
    factor = np.ones((n_groups, n_types))
    for g, group in enumerate(scenario.agent_groups):
        for skill, f in group.handle_time_factor:
            factor[g, types.index(skill)] = f
    own_idx = np.full((n_groups, n_types), -1, dtype=np.int64)
    own = []
    for (g, k), values in calls.group_handle.items():
        own_idx[g, k] = len(own)
        own.append(_f64(values))
    own_handle = np.array(own, dtype=np.float64).reshape(len(own), n)
    return (
        _i64(calls.call_type),
        np.asarray(calls.via_ivr, dtype=np.bool_).reshape(-1),
        _f64(calls.ivr_time),
        np.asarray(calls.ivr_exit, dtype=np.int8).reshape(-1),
        _f64(calls.patience),
        _f64(calls.route_u),
        _f64(calls.handle),
        _f64(calls.wrap),
        own_handle,
        own_idx,
        factor,
    )


def simulate_day_fast(
    scenario: Scenario, calls: CallDraws, seed: int = 0, replication: int = 0
) -> Observations:
    """Run one replication of the day on the compiled engine.

    Same arguments, same result as `ccsim.models.center.simulate_day`. Raises
    ``NotImplementedError`` for a scenario `supports` refuses.
    """
    missing = supports(scenario)
    if missing is not None:
        raise NotImplementedError(f"the fast engine does not support {missing}")
    plans = build_roster(scenario, seed, replication)
    obs = prepare(scenario, calls, plans)
    run_kernel(scenario, calls, plans, obs)
    obs.scheduled[:] = scheduled_time(scenario, plans)
    obs.check_conservation()
    return obs


def prepare(scenario: Scenario, calls: CallDraws, plans: list[AgentPlan]) -> Observations:
    """Empty observations with the callers' own columns filled in."""
    h = scenario.horizon
    obs = Observations.empty(calls.n_calls, len(scenario.agent_groups), h.n_intervals)
    obs.call_type[:] = calls.call_type
    obs.arrival[:] = calls.arrival
    obs.ivr_time[:] = calls.ivr_time
    obs.via_ivr[:] = calls.via_ivr
    return obs


def pack(scenario: Scenario, calls: CallDraws, plans: list[AgentPlan], obs: Observations):
    """The kernel's arguments (`ccsim.kernels.engine.simulate`), ``obs`` filled in place."""
    h = scenario.horizon
    obs_arrays = (
        obs.call_type,
        obs.offered,
        obs.outcome,
        obs.wait,
        obs.talk,
        obs.wrap,
        obs.group,
        obs.staffed,
        obs.on_break,
        obs.unpaid_break,
        obs.absent,
        obs.overtime,
    )
    horizon = (float(h.start), float(h.end), float(h.interval))
    if not all(math.isfinite(x) for x in horizon):
        raise ValueError("the horizon must be finite")
    return (
        _f64(calls.arrival),
        _calls(scenario, calls),
        obs_arrays,
        _routing(scenario, [p.group for p in plans]),
        _roster(plans),
        horizon,
        2 * len(plans) + 1024,
    )


def run_kernel(
    scenario: Scenario, calls: CallDraws, plans: list[AgentPlan], obs: Observations
) -> int:
    """Fill ``obs`` by running the kernel; returns the number of events handled."""
    return int(engine.simulate(*pack(scenario, calls, plans, obs)))
