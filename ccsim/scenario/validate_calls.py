"""The scenario's ``call_types`` -> `CallType` (the keys: `ccsim.scenario.validate`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ccsim.scenario import behaviours, channels, routing
from ccsim.scenario.arrivals import arrivals
from ccsim.scenario.distributions import distribution
from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import (
    check_keys,
    fail,
    mapping,
    optional,
)
from ccsim.scenario.ivr import EXITS
from ccsim.scenario.model import (
    AgentGroup,
    CallType,
    Distribution,
    Horizon,
    Period,
)
from ccsim.scenario.periods import by_period, is_by_period
from ccsim.scenario.routing import DEFAULT_PRIORITY

#: Names the format gives a meaning of its own: a call type cannot take them.
RESERVED_NAMES = EXITS

CALL_TYPE_KEYS = (
    "arrivals",
    "handle_time",
    "wrap_up",
    "patience",
    "priority",
    "agent_selection",
    "preference",
    "overflow",
    "retrial",
    "callback",
    "transfer",
    "channel",
)


def read_call_type(
    key: str,
    value: Any,
    loc: Loc,
    horizon: Horizon,
    base_dir: Path | None,
    type_names: list[str],
) -> CallType:
    """The call type without its groups (``preference``, ``overflow``): see `with_routing`.

    Its ``rates`` are ``None`` when it has no arrivals of its own (the IVR may lead to it).
    """
    ct = mapping(value, loc)
    check_keys(ct, loc, CALL_TYPE_KEYS, ("handle_time",))
    rates, aht = None, None
    if ct.get("arrivals") is not None:
        rates, aht = arrivals(ct["arrivals"], (*loc, "arrivals"), horizon, base_dir)
    handle_time, handle_periods = _per_period(ct, "handle_time", loc, horizon, base_dir)
    assert handle_time is not None  # a required key: check_keys made sure it is there
    if handle_periods and aht is not None and any(a is not None for a in aht):
        fail(
            (*loc, "handle_time", "by_period"),
            "the forecast's aht column already sets the handle time per interval: give"
            " handle_time by_period or an aht column, not both",
        )
    wrap_up = optional(ct, "wrap_up", None, lambda v, at: distribution(v, at, base_dir), loc)
    patience, patience_periods = _per_period(ct, "patience", loc, horizon, base_dir)
    return CallType(
        key,
        rates,  # type: ignore[arg-type]  # filled in by build_scenario
        handle_time,
        wrap_up,
        patience,
        aht,
        handle_time_by_period=handle_periods,
        patience_by_period=patience_periods,
        priority=optional(ct, "priority", DEFAULT_PRIORITY, routing.priority, loc),
        agent_selection=optional(
            ct, "agent_selection", "longest_idle", routing.agent_selection, loc
        ),
        retrial=optional(
            ct, "retrial", None, lambda v, at: behaviours.retrial(v, at, base_dir), loc
        ),
        callback=optional(ct, "callback", None, behaviours.callback, loc),
        transfer=optional(
            ct, "transfer", None, lambda v, at: behaviours.transfer(v, at, key, type_names), loc
        ),
        channel=optional(ct, "channel", "voice", channels.channel, loc),
    )


def _per_period(
    ct: dict, key: str, loc: Loc, horizon: Horizon, base_dir: Path | None
) -> tuple[Distribution | None, tuple[Period, ...]]:
    """A call type's ``handle_time`` or ``patience``: one distribution, or one per
    period of the day (then the day's distribution and the periods)."""
    if ct.get(key) is None and key != "handle_time":  # handle_time: required
        return None, ()
    if is_by_period(ct[key]):
        periods, day = by_period(ct[key], (*loc, key), horizon, base_dir)
        return day, periods
    return distribution(ct[key], (*loc, key), base_dir), ()


def with_routing(call_type: CallType, value: dict, loc: Loc, groups: list[AgentGroup]) -> CallType:
    """Add the keys that name agent groups: ``preference`` and ``overflow``."""
    key = call_type.name
    pref = routing.preference(value, loc, key, call_type.agent_selection, groups)
    steps = optional(value, "overflow", (), lambda v, at: routing.overflow(v, at, key, groups), loc)
    return replace(call_type, preference=pref, overflow=steps)


def read_call_types(
    raw_types: list[tuple[str, Any]], horizon: Horizon, base_dir: Path | None
) -> list[CallType]:
    """The call types, in file order, without their groups (see `read_call_type`)."""
    type_names = [key for key, _ in raw_types]
    for key in type_names:
        if key in RESERVED_NAMES:
            fail(("call_types", key), f"{key!r} is reserved (an IVR exit): choose another name")
    call_types = [
        read_call_type(key, value, ("call_types", key), horizon, base_dir, type_names)
        for key, value in raw_types
    ]
    behaviours.check_transfer_cycles(call_types, ("call_types",))
    return call_types
