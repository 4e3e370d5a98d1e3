"""Packing the calls and events of a day for the compiled engine: the callers'
draws, redials, transfers, callbacks, outbound campaigns, trunks and outages, and
the `Observations` the kernel fills; `pack` assembles every argument of
`ccsim.kernels.engine.simulate`."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ccsim.kernels.layout import STRUCTURES
from ccsim.models.calls import CallDraws
from ccsim.models.pack_staff import _handle_overrides, _offsets, _roster, _routing
from ccsim.models.roster import AgentPlan
from ccsim.observations import Observations
from ccsim.scenario.kinds.events import trunk_outages
from ccsim.scenario.model import Scenario


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
    """The names of the kernel's arguments: the fields of its structures."""
    return frozenset(name for s in STRUCTURES for name in s._fields)


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
    """The kernel's arguments (the fields of the structures `ccsim.kernels.engine.simulate`
    takes), by name; the kernel fills ``obs`` in place."""
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
