"""The compiled engine's Python side: same inputs and outputs as `simulate_day`.

`simulate_day_fast` packs a scenario, its pre-drawn callers and the roster into
typed arrays, runs the numba event loop (`ccsim.kernels.engine.simulate`) and
returns the `Observations` the SimPy engine (`ccsim.models.center`) gives, call
by call. The routing tables are read off a `Router` and the roster is
`build_roster`'s, so both engines start from the very same numbers.

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

import numpy as np

from ccsim.kernels import engine as k
from ccsim.models.agents import ABSENCE, BREAK, LOG_OUT
from ccsim.models.calls import CallDraws
from ccsim.models.legs import empty_observations
from ccsim.models.roster import AgentPlan, build_roster
from ccsim.models.routing import Router
from ccsim.observations import BLOCKED, Observations
from ccsim.scenario import model as m
from ccsim.scenario.kinds.events import EVENTS, trunk_outages
from ccsim.scenario.model import AGENT_SELECTIONS, Scenario

__all__ = ["simulate_day_fast", "supports"]

#: Crisis events the engine handles; the others it refuses. Surges, IVR outages,
#: group outages and absenteeism act through the draws and the roster.
SUPPORTED_EVENTS = frozenset(name for name, kind in EVENTS.items() if kind.compiled)


#: What prepares the compiled engine's day besides this module: the routing
#: tables, the roster, the legs and the callers' draws (modules shared with SimPy).
_FEED = (Router, build_roster, empty_observations, CallDraws)


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
    """The scenario fields the SimPy model reads (`ccsim.models` but this module)
    and nothing preparing the compiled day reads (this module, and the routing,
    roster, legs and draws modules it shares with SimPy): features the compiled
    engine does not implement. Read off the sources, so a field added to the format
    and implemented in the SimPy model only is refused here (while it differs from
    its default) with no list of fields to keep up to date. Fields neither engine
    reads (costs, labels, run settings) cannot change a day, and pass.

    By name: a new field named like an attribute the packing reads for another
    purpose (``start``) passes as packed. Without the sources (a frozen build)
    this test refuses nothing."""
    here = Path(__file__)
    try:
        feed = {here, *(Path(inspect.getsourcefile(obj) or "") for obj in _FEED)}
        simpy_side = set(here.parent.glob("*.py")) - {here}
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


def supports(scenario: Scenario) -> str | None:
    """``None`` if `simulate_day_fast` runs ``scenario`` exactly as the SimPy engine
    does, else a short name of the first feature it does not support."""
    return next(_refused(scenario), None)


# -- packing ---------------------------------------------------------------------


def _offsets(lists) -> np.ndarray:
    return np.cumsum([0] + [len(x) for x in lists]).astype(np.int64)


def _plan_steps(plan: AgentPlan) -> list[tuple[float, int, float, bool]]:
    """The plan's steps in `agent_day`'s order: (due, kind, length or end, paid)."""
    steps = [(t, BREAK, length, paid) for t, length, paid in plan.breaks]
    steps += [(t0, ABSENCE, t1, True) for t0, t1 in plan.absences]
    if not plan.open_end:
        steps.append((plan.end, LOG_OUT, 0.0, True))
    steps.sort(key=lambda s: (s[0], s[1]))
    return steps


def _routing(scenario: Scenario, agent_group: list[int]) -> dict[str, np.ndarray]:
    """The Router's tables as arrays."""
    r = Router(scenario, np.zeros(0), agent_group)
    n_types, n_groups = len(scenario.call_types), len(scenario.agent_groups)
    steps = [step for per_type in r.overflow for step in per_type]
    glists = list(r.initial_groups) + [groups for _, groups in steps]
    goff = _offsets(glists)
    step_off = _offsets(r.overflow)
    skill_off = _offsets(r.group_skills)

    ti = np.zeros((n_types, k.N_TI), dtype=np.int64)
    ti[:, k.TI_HEAD] = ti[:, k.TI_TAIL] = -1
    ti[:, k.TI_CB_HEAD] = ti[:, k.TI_CB_TAIL] = -1
    ti[:, k.TI_CHAT] = [c.channel == "chat" for c in scenario.call_types]
    ti[:, k.TI_SELECTION] = r.selection
    ti[:, k.TI_INIT_LO] = goff[:n_types]
    ti[:, k.TI_INIT_HI] = goff[1 : n_types + 1]
    ti[:, k.TI_OV_LO] = step_off[:-1]
    ti[:, k.TI_OV_HI] = step_off[1:]

    gi = np.zeros((n_groups, k.N_GI), dtype=np.int64)
    gi[:, k.GI_HEAD] = gi[:, k.GI_TAIL] = -1
    gi[:, k.GI_RESERVE] = r.reserve
    gi[:, k.GI_BY_COUNT] = [g.staffing_cut == "by_count" for g in scenario.agent_groups]
    gi[:, k.GI_CHAT_MAX] = [g.chat_max for g in scenario.agent_groups]
    gi[:, k.GI_SKILL_LO] = skill_off[:-1]
    gi[:, k.GI_SKILL_HI] = skill_off[1:]

    skills = np.array(
        [(t, tp, sp) for entries in r.group_skills for tp, sp, t in entries], dtype=np.int64
    ).reshape(-1, 3)
    ovi = np.zeros((len(steps), 2), dtype=np.int64)
    ovi[:, k.OV_LO] = goff[n_types:-1]
    ovi[:, k.OV_HI] = goff[n_types + 1 :]
    gk = np.zeros((n_groups, n_types, 2), dtype=np.int64)
    for g, types in enumerate(r.lower_skill):
        gk[g, sorted(types), k.GK_LOWER] = 1
    gkf = np.zeros((n_groups, n_types, 2))
    gkf[:, :, k.GKF_AFTER] = np.array(r.after, dtype=np.float64).reshape(n_types, n_groups).T
    return {
        "ti": ti,
        "gi": gi,
        "skills": skills,
        "glist": np.array([g for groups in glists for g in groups], dtype=np.int64),
        "ov_after": np.array([after for after, _ in steps], dtype=np.float64),
        "ovi": ovi,
        "gk": gk,
        "gkf": gkf,
    }


def _roster(scenario: Scenario, plans: list[AgentPlan]) -> dict[str, np.ndarray]:
    steps = [_plan_steps(p) for p in plans]
    flat = [s for per_agent in steps for s in per_agent]
    off = _offsets(steps)
    n = len(plans)
    ai = np.zeros((n, k.N_AI), dtype=np.int64)
    ai[:, k.AI_GROUP] = [p.group for p in plans]
    ai[:, k.AI_OPEN_END] = [p.open_end for p in plans]
    ai[:, k.AI_ABSENT_ALL] = [p.absent_all_shift for p in plans]
    ai[:, k.AI_STEP_LO] = off[:-1]
    ai[:, k.AI_STEP_HI] = off[1:]
    ai[:, k.AI_PHASE] = k.P_INIT
    ai[:, k.AI_NEXT] = ai[:, k.AI_PREV] = -1
    af = np.zeros((n, k.N_AF))
    af[:, k.AF_START] = [p.start for p in plans]
    af[:, k.AF_END] = [p.end for p in plans]
    af[:, k.AF_FREE_AT] = scenario.horizon.start
    sf = np.array([(s[0], s[2]) for s in flat], dtype=np.float64).reshape(-1, 2)
    si = np.array([(s[1], s[3]) for s in flat], dtype=np.int64).reshape(-1, 2)
    return {"ai": ai, "af": af, "sf": sf, "si": si}


def _handle_overrides(scenario: Scenario, calls: CallDraws, gk, gkf) -> np.ndarray:
    """Fill the groups' handle-time factors and own handle times into the (group,
    type) tables; returns the own handle times, one row per (group, type) that has
    them (`ContactCenter.answer`)."""
    types = [c.name for c in scenario.call_types]
    gkf[:, :, k.GKF_FACTOR] = 1.0
    for g, group in enumerate(scenario.agent_groups):
        for skill, f in group.handle_time_factor:
            gkf[g, types.index(skill), k.GKF_FACTOR] = f
    gk[:, :, k.GK_OWN] = -1
    own: list[np.ndarray] = []
    for (g, t), values in calls.group_handle.items():
        gk[g, t, k.GK_OWN] = len(own)
        own.append(np.asarray(values, dtype=np.float64))
    return np.array(own, dtype=np.float64).reshape(len(own), calls.n_calls)


def _callbacks(scenario: Scenario, calls: CallDraws, obs: Observations) -> dict[str, np.ndarray]:
    """Each call type's callback offer (`ContactCenter.offer_callback`) as arrays."""
    types = scenario.call_types
    cbf = np.zeros((len(types), 6))
    cbi = np.zeros((len(types), 2), dtype=np.int64)
    for t, ct in enumerate(types):
        cb = ct.callback
        if cb is None:
            continue
        cbf[t] = (
            cb.threshold,
            cb.accept,
            cb.reach,
            np.inf if not cb.deadline else cb.deadline,
            cb.attempt_time,
            ct.handle_time.mean,
        )
        cbi[t] = (1, cb.predictor == "last_wait")
    return {
        "cbf": cbf,
        "cbi": cbi,
        "callback_u": np.ascontiguousarray(calls.callback_u, dtype=np.float64),
        "callback_offered": obs.callback_offered,
    }


def _campaigns(scenario: Scenario, calls: CallDraws) -> dict[str, np.ndarray]:
    """The outbound campaigns as arrays (`ContactCenter.campaign_for`, `dial`)."""
    groups = [g.name for g in scenario.agent_groups]
    campaigns = scenario.outbound
    camp_f = np.array(
        [(c.start, c.end, c.connect, c.attempt_time) for c in campaigns], dtype=np.float64
    ).reshape(-1, 4)
    camp_i = np.array([(c.customers, c.idle_threshold) for c in campaigns], dtype=np.int64).reshape(
        -1, 2
    )
    cgroups = [[groups.index(name) for name in c.groups] for c in campaigns]
    gcamp = [[c for c, names in enumerate(cgroups) if g in names] for g in range(len(groups))]
    draws = calls.outbound
    flat = {
        name: np.concatenate([np.asarray(d[i], dtype=np.float64) for d in draws] or [np.zeros(0)])
        for i, name in enumerate(("out_connect", "out_talk", "out_wrap"))
    }
    return {
        "camp_f": camp_f,
        "camp_i": camp_i,
        "cgroups": np.array([g for gs in cgroups for g in gs], dtype=np.int64),
        "cg_off": _offsets(cgroups),
        "gcamp": np.array([c for cs in gcamp for c in cs], dtype=np.int64),
        "gc_off": _offsets(gcamp),
        **flat,
        "out_off": _offsets([d[0] for d in draws]),
    }


def _kernel_parameters() -> frozenset[str]:
    kernel = getattr(k.simulate, "py_func", k.simulate)  # also without JIT
    return frozenset(inspect.signature(kernel).parameters)


def _observed(obs: Observations) -> dict[str, np.ndarray]:
    """The `Observations` arrays the kernel fills, by its parameter names: a field's
    own name (``offered``, ``staffed``, ...; not the callers' draws that share a
    name, such as ``arrival``) or ``leg_<name>`` for the columns of a
    leg it writes when the leg occurs (``leg_type`` and ``leg_kind`` for
    ``call_type`` and ``leg``). Read off the dataclass, never listed by hand."""
    wanted = _kernel_parameters() - set(_CALL_DTYPES)  # the callers' draws, by name
    aliases = {"call_type": "leg_type", "leg": "leg_kind"}
    out = {}
    for f in dataclasses.fields(Observations):
        for name in (f.name, f"leg_{f.name}", aliases.get(f.name)):
            if name in wanted:
                out[name] = getattr(obs, f.name)
    return out


def pack(scenario: Scenario, calls: CallDraws, plans: list[AgentPlan], obs: Observations):
    """The kernel's arguments (`ccsim.kernels.engine.simulate`), by name; the kernel
    fills ``obs`` in place."""
    h = scenario.horizon
    most_steps = max((len(c.overflow) for c in scenario.call_types), default=0)
    outages = trunk_outages(scenario.events)
    args: dict[str, Any] = {
        "arrival": calls.arrival,
        "call_type": calls.call_type,
        "via_ivr": calls.via_ivr,
        "ivr_time": calls.ivr_time,
        "ivr_exit": calls.ivr_exit,
        "patience": calls.patience,
        "route_u": calls.route_u,
        "handle": calls.handle,
        "wrap_up": calls.wrap,
    }
    # Fixed dtypes, so that one compiled kernel serves every call.
    for name, dtype in _CALL_DTYPES.items():
        args[name] = np.ascontiguousarray(args[name], dtype=dtype)
    types = scenario.call_types
    args |= {
        "retry_prob": np.array([c.retrial.probability if c.retrial else 0.0 for c in types]),
        "retry_blocked": np.array(
            [bool(c.retrial and c.retrial.after_blocked) for c in types], dtype=np.bool_
        ),
        "retry_max": np.array(
            [c.retrial.max_attempts if c.retrial else 0 for c in types], dtype=np.int64
        ),
    }
    for name in ("retry_u", "retry_delay", "retry_patience"):
        args[name] = np.ascontiguousarray(getattr(calls, name), dtype=np.float64)
    names = [c.name for c in types]
    args |= {
        "transfer_to": np.array(
            [names.index(c.transfer.to) if c.transfer else -1 for c in types], dtype=np.int64
        ),
        "transfer_prob": np.array([c.transfer.probability if c.transfer else 0.0 for c in types]),
    }
    for name in ("transfer_u", "transfer_handle", "transfer_wrap", "transfer_patience"):
        args[name] = np.ascontiguousarray(getattr(calls, name), dtype=np.float64)
    args |= _observed(obs)
    args |= _roster(scenario, plans)
    args |= _routing(scenario, [p.group for p in plans])
    args["own_handle"] = _handle_overrides(scenario, calls, args["gk"], args["gkf"])
    args |= _campaigns(scenario, calls)
    args |= _callbacks(scenario, calls, obs)
    most = max((g.chat_max for g in scenario.agent_groups), default=1)
    chat_factors = np.ones((len(scenario.agent_groups), most))
    for g, group in enumerate(scenario.agent_groups):
        chat_factors[g, : len(group.chat_factors)] = group.chat_factors
    args["chat_factors"] = chat_factors
    args |= {
        "trunks": np.inf if scenario.trunks is None else float(scenario.trunks),
        "outages": np.array(outages, dtype=np.float64).reshape(-1, 3),
        "start": float(h.start),
        "end": float(h.end),
        "interval": float(h.interval),
        "heap_capacity": len(plans) + obs.n_calls * (2 + most_steps) + 16,
        "n_out": np.zeros(1, dtype=np.int64),
    }
    return args


_CALL_DTYPES = {
    "arrival": np.float64,
    "call_type": np.int32,
    "via_ivr": np.bool_,
    "ivr_time": np.float64,
    "ivr_exit": np.int8,
    "patience": np.float64,
    "route_u": np.float64,
    "handle": np.float64,
    "wrap_up": np.float64,
}


def run_kernel(args: dict) -> int:
    """Run the kernel on `pack`'s arguments; returns the number of events handled
    (the number of legs is left in ``args["n_out"][0]``)."""
    return int(k.simulate(**args))


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
    plans = build_roster(scenario, seed, replication)
    obs = empty_observations(scenario, calls)
    args = pack(scenario, calls, plans, obs)
    run_kernel(args)
    obs.truncate(int(args["n_out"][0]))  # the legs that did occur (Legs.result)
    obs.call_type[(obs.outcome == BLOCKED) & obs.via_ivr] = -1  # the IVR never decided
    obs.check_conservation()
    return obs
