"""Packing the calls and events of a day for the compiled engine: the callers'
draws, redials, transfers, callbacks, outbound campaigns, trunks and outages, and
the `Observations` the kernel fills; `pack` assembles every argument of
`ccsim.kernels.engine.simulate`.

The tables of the scenario alone (per call type, per campaign, the day's clock)
are packed once per scenario (`_scenario_tables`) and shared, read-only, by its
replications (`ccsim.models.pack_staff`); a day adds its draws and its arrays.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import numpy as np

from ccsim.kernels.layout import STRUCTURES
from ccsim.models.calls import CallDraws
from ccsim.models.pack_staff import _offsets, frozen, routing
from ccsim.observations import Observations
from ccsim.scenario.kinds.events import trunk_outages
from ccsim.scenario.memo import per_scenario
from ccsim.scenario.model import Scenario


def _callbacks(scenario: Scenario) -> dict[str, np.ndarray]:
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
    return {"cbf": cbf, "cbi": cbi}


def _campaigns(scenario: Scenario) -> dict[str, np.ndarray]:
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
    return {
        "camp_f": camp_f,
        "camp_i": camp_i,
        "cgroups": np.array([g for gs in cgroups for g in gs], dtype=np.int64),
        "cg_off": _offsets(cgroups),
        "gcamp": np.array([c for cs in gcamp for c in cs], dtype=np.int64),
        "gc_off": _offsets(gcamp),
    }


def _outbound_draws(calls: CallDraws) -> dict[str, np.ndarray]:
    """The campaigns' customers' draws, one array each, from ``out_off[c]``
    (read-only, as on a day without campaigns: one compiled kernel for both)."""
    draws = calls.outbound
    if not draws:
        return _NO_OUTBOUND
    flat = {
        name: np.concatenate([np.asarray(d[i], dtype=np.float64) for d in draws])
        for i, name in enumerate(("out_connect", "out_talk", "out_wrap"))
    }
    return frozen({**flat, "out_off": _offsets([d[0] for d in draws])})


_NO_OUTBOUND = frozen(
    {
        "out_connect": np.zeros(0),
        "out_talk": np.zeros(0),
        "out_wrap": np.zeros(0),
        "out_off": np.zeros(1, dtype=np.int64),
    }
)


def _call_types(scenario: Scenario) -> dict[str, np.ndarray]:
    """Per call type: its redials and transfers; per group: its chats' factors."""
    types = scenario.call_types
    names = [c.name for c in types]
    most = max((g.chat_max for g in scenario.agent_groups), default=1)
    chat_factors = np.ones((len(scenario.agent_groups), most))
    for g, group in enumerate(scenario.agent_groups):
        chat_factors[g, : len(group.chat_factors)] = group.chat_factors
    return {
        "retry_prob": np.array([c.retrial.probability if c.retrial else 0.0 for c in types]),
        "retry_blocked": np.array(
            [bool(c.retrial and c.retrial.after_blocked) for c in types], dtype=np.bool_
        ),
        "retry_max": np.array(
            [c.retrial.max_attempts if c.retrial else 0 for c in types], dtype=np.int64
        ),
        "transfer_to": np.array(
            [names.index(c.transfer.to) if c.transfer else -1 for c in types], dtype=np.int64
        ),
        "transfer_prob": np.array([c.transfer.probability if c.transfer else 0.0 for c in types]),
        "chat_factors": chat_factors,
    }


@per_scenario
def _scenario_tables(scenario: Scenario) -> dict[str, Any]:
    """The kernel's arguments that depend on the scenario alone, arrays read-only."""
    h = scenario.horizon
    return frozen(
        {
            **_call_types(scenario),
            **_callbacks(scenario),
            **_campaigns(scenario),
            "trunks": np.inf if scenario.trunks is None else float(scenario.trunks),
            "outages": np.array(trunk_outages(scenario.events), dtype=np.float64).reshape(-1, 3),
            "start": float(h.start),
            "end": float(h.end),
            "interval": float(h.interval),
            "most_steps": max((len(c.overflow) for c in scenario.call_types), default=0),
        }
    )


def _kernel_parameters() -> frozenset[str]:
    """The names of the kernel's arguments: the fields of its structures."""
    return frozenset(name for s in STRUCTURES for name in s._fields)


@functools.cache
def _observed_names() -> tuple[tuple[str, str], ...]:
    """(kernel parameter, `Observations` field) for the arrays the kernel fills: a
    field's own name (``offered``, ``staffed``, ...; not the callers' draws that
    share a name, such as ``arrival``) or ``leg_<name>`` for the columns of a leg
    it writes when the leg occurs (``leg_type`` and ``leg_kind`` for ``call_type``
    and ``leg``). Read off the dataclass, never listed by hand."""
    wanted = _kernel_parameters() - set(_CALL_DTYPES)  # the callers' draws, by name
    aliases = {"call_type": "leg_type", "leg": "leg_kind"}
    out = []
    for f in dataclasses.fields(Observations):
        for name in (f.name, f"leg_{f.name}", aliases.get(f.name)):
            if name in wanted:
                out.append((name, f.name))
    return tuple(out)


def _observed(obs: Observations) -> dict[str, np.ndarray]:
    """The `Observations` arrays the kernel fills, by its parameter names."""
    return {name: getattr(obs, field) for name, field in _observed_names()}


_DRAWN = (
    "retry_u",
    "retry_delay",
    "retry_patience",
    "transfer_u",
    "transfer_handle",
    "transfer_wrap",
    "transfer_patience",
    "callback_u",
)


def pack(scenario: Scenario, calls: CallDraws, staff: dict, obs: Observations) -> dict:
    """The kernel's arguments (the fields of the structures `ccsim.kernels.engine.simulate`
    takes), by name, for the roster ``staff`` (`ccsim.models.pack_staff.staff_arrays`);
    the kernel fills ``obs`` in place."""
    args: dict[str, Any] = dict(_scenario_tables(scenario))
    # Fixed dtypes, so that one compiled kernel serves every call.
    for name, dtype in _CALL_DTYPES.items():
        column = getattr(calls, "wrap" if name == "wrap_up" else name)
        args[name] = np.ascontiguousarray(column, dtype=dtype)
    for name in _DRAWN:
        args[name] = np.ascontiguousarray(getattr(calls, name), dtype=np.float64)
    args |= _observed(obs)
    args |= staff
    args |= routing(scenario, calls)
    args |= _outbound_draws(calls)
    args["heap_capacity"] = staff["ai"].shape[0] + obs.n_calls * (2 + args.pop("most_steps")) + 16
    args["n_out"] = np.zeros(1, dtype=np.int64)
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
