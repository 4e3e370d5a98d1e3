"""The scenario's ``agent_groups`` -> `AgentGroup` (the keys: `ccsim.scenario.validate`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccsim.scenario import channels, routing, staffing
from ccsim.scenario.distributions import distribution
from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import (
    check_keys,
    choice,
    did_you_mean,
    fail,
    items,
    mapping,
    name,
    number,
    optional,
    whole,
)
from ccsim.scenario.model import (
    STAFFING_CUTS,
    AgentGroup,
    CallType,
    Distribution,
    Horizon,
)

GROUP_KEYS = (
    "skills",
    "agents",
    "shifts",
    "reserve",
    "handle_time",
    "shrinkage",
    "agent_hour",
    "price_per_call",
    "chat",
    "staffing_cut",
)


def read_agent_groups(
    value: Any, call_types: list[CallType], horizon: Horizon, base_dir: Path | None
) -> list[AgentGroup]:
    """The agent groups, in file order; every call type must be a skill of one."""
    type_names = [ct.name for ct in call_types]
    chat_types = [ct.name for ct in call_types if ct.channel == "chat"]
    groups = [
        read_agent_group(
            key, value, ("agent_groups", key), type_names, chat_types, horizon, base_dir
        )
        for key, value in items(value, ("agent_groups",), "agent group")
    ]
    for call_type in call_types:
        if not any(call_type.name in g.skills for g in groups):
            fail(
                ("call_types", call_type.name),
                f"no agent group has the skill {call_type.name!r}: add it to a group's skills",
            )
    return groups


def read_agent_group(
    key: str,
    value: Any,
    loc: Loc,
    type_names: list[str],
    chat_types: list[str],
    horizon: Horizon,
    base_dir: Path | None,
) -> AgentGroup:
    g = mapping(value, loc)
    check_keys(g, loc, GROUP_KEYS, ("skills",))
    skills, priorities = routing.skills(g["skills"], (*loc, "skills"), type_names)
    agents, line, shifts = staffing.staffing(g, loc, horizon)
    factors: tuple[tuple[str, float], ...] = ()
    own: tuple[tuple[str, Distribution], ...] = ()
    if g.get("handle_time") is not None:
        factors, own = _group_handle_time(g["handle_time"], (*loc, "handle_time"), skills, base_dir)
    chat_max, chat_factors = optional(
        g,
        "chat",
        (1, (1.0,)),
        lambda v, at: channels.chat(v, at, skills, chat_types),
        loc,
    )
    return AgentGroup(
        key,
        skills,
        agents,
        priorities=priorities,
        agents_per_interval=line,
        shifts=shifts,
        reserve=optional(g, "reserve", 0, lambda v, at: whole(v, at, ge=0), loc),
        handle_time_factor=factors,
        handle_time=own,
        shrinkage=optional(g, "shrinkage", 0.0, _shrinkage, loc),
        agent_hour=optional(g, "agent_hour", None, lambda v, at: number(v, at, ge=0), loc),
        price_per_call=_price_per_call(g, loc),
        chat_max=chat_max,
        chat_factors=chat_factors,
        staffing_cut=optional(
            g,
            "staffing_cut",
            "by_count" if line is not None else "per_agent",
            lambda v, at: choice(v, at, STAFFING_CUTS),
            loc,
        ),
    )


def _price_per_call(g: dict, loc: Loc) -> float | None:
    """An outsourced partner's price per handled call; it then has no hourly cost."""
    price = optional(g, "price_per_call", None, lambda v, at: number(v, at, ge=0), loc)
    if price is not None and g.get("agent_hour") is not None:
        later = [k for k in g if k in ("agent_hour", "price_per_call")][1]
        fail(
            (*loc, later),
            "give either agent_hour (paid per agent hour) or price_per_call (an outsourced"
            " partner paid per handled call), not both",
        )
    return price


def _shrinkage(value: Any, loc: Loc) -> float:
    return number(value, loc, ge=0, lt=1, hint=" (a fraction: 0.1 is 10 % of agents absent)")


def _group_handle_time(
    value: Any, loc: Loc, skills: tuple[str, ...], base_dir: Path | None
) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, Distribution], ...]]:
    """{skill: multiplier or distribution}: (multipliers, distributions), in skill order."""
    ht = mapping(value, loc)
    factors: dict[str, float] = {}
    own: dict[str, Distribution] = {}
    for skill, spec in ht.items():
        at = (*loc, skill)
        name(skill, at, "a skill")
        if skill not in skills:
            hint = did_you_mean(skill, skills)
            fail(
                at,
                f"{skill!r} is not a skill of this group;{hint} handle_time gives the group's own"
                f" handle times for its skills: {', '.join(skills)}",
            )
        if isinstance(spec, (int, float)) and not isinstance(spec, bool):
            hint = " (a multiplier of the call type's handle time; write 300s for a duration)"
            factors[skill] = number(spec, at, gt=0, hint=hint)
        else:
            own[skill] = distribution(spec, at, base_dir)
    return (
        tuple((s, factors[s]) for s in skills if s in factors),
        tuple((s, own[s]) for s in skills if s in own),
    )
