"""Routing keys: a group's skills and their priorities; a call type's priority,
agent selection, preference list and staged overflow.

    call_types:
      billing:
        priority: 1                       # 1..9, 1 served first (default 5)
        agent_selection: preference       # longest_idle (default) | preference | random
        preference: [specialists, generalists]
        overflow:
          - {after: 30s, groups: [generalists]}
    agent_groups:
      generalists:
        skills: {billing: 1, tech: 2}     # or a list: all priority 1

The checks that need both call types and agent groups (a preference or overflow
group must have the skill) are here too; `ccsim.scenario.validate` calls them once
both are read.
"""

from __future__ import annotations

from typing import Any

from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import (
    check_keys,
    choice,
    did_you_mean,
    duration,
    fail,
    mapping,
    name,
    name_list,
    reference,
    whole,
)
from ccsim.scenario.model import AGENT_SELECTIONS, AgentGroup, OverflowStep
from ccsim.units import describe, format_duration

PRIORITIES = (1, 9)  # call type priorities: 1 is served first
DEFAULT_PRIORITY = 5


def skills(value: Any, loc: Loc, type_names: list[str]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """A list of call type names (all priority 1), or {name: priority}.

    Returns the skills ordered by priority (1 first; equal priorities keep the order
    written) and their priorities, aligned.
    """
    if isinstance(value, list):
        entries = [(v, (*loc, i), 1) for i, v in enumerate(value)]
    elif isinstance(value, dict):
        hint = " (a skill's priority: 1 is preferred)"
        entries = [(k, (*loc, k), whole(p, (*loc, k), ge=1, hint=hint)) for k, p in value.items()]
    else:
        fail(loc, f"must be a list of call types (or call type: priority), got {describe(value)}")
    if not entries:
        fail(loc, "must name at least one call type")
    seen: set[str] = set()
    for skill, at, _ in entries:
        name(skill, at, "a skill")
        if skill not in type_names:
            hint = did_you_mean(skill, type_names)
            fail(at, f"unknown call type {skill!r};{hint} call types: {', '.join(type_names)}")
        if skill in seen:
            fail(at, f"{skill!r} is listed twice")
        seen.add(skill)
    ordered = sorted(entries, key=lambda e: e[2])  # stable: ties keep the written order
    return tuple(e[0] for e in ordered), tuple(e[2] for e in ordered)


def priority(value: Any, loc: Loc) -> int:
    low, high = PRIORITIES
    return whole(value, loc, ge=low, le=high, hint=" (1 is served first, 9 last)")


def agent_selection(value: Any, loc: Loc) -> str:
    return choice(value, loc, AGENT_SELECTIONS)


def _skilled_group(value: Any, loc: Loc, type_name: str, groups: list[AgentGroup]) -> str:
    """The name of an existing group that has the skill ``type_name``."""
    group = reference(value, loc, [g.name for g in groups], "agent group")
    if type_name not in next(g for g in groups if g.name == group).skills:
        fail(
            loc,
            f"group {group!r} does not have the skill {type_name!r}:"
            f" add {type_name} to agent_groups.{group}.skills",
        )
    return group


def preference(
    ct: dict, loc: Loc, type_name: str, selection: str, groups: list[AgentGroup]
) -> tuple[str, ...]:
    """The groups of ``preference:``, most preferred first; required iff selection is preference."""
    raw, at = ct.get("preference"), (*loc, "preference")
    if selection != "preference":
        if raw is not None:
            fail(
                at,
                f"only applies with agent_selection: preference (this type's is {selection});"
                " remove it or set agent_selection: preference",
            )
        return ()
    if raw is None:
        skilled = ", ".join(g.name for g in groups if type_name in g.skills)
        fail(
            at,
            "is missing: agent_selection preference needs the list of groups, most preferred"
            f" first (groups with the skill {type_name!r}: {skilled})",
        )
    out: list[str] = []
    for value, item in name_list(raw, at, "agent group"):
        group = _skilled_group(value, item, type_name, groups)
        if group in out:
            fail(item, f"{group!r} is listed twice")
        out.append(group)
    return tuple(out)


def overflow(
    value: Any, loc: Loc, type_name: str, groups: list[AgentGroup]
) -> tuple[OverflowStep, ...]:
    """Staged overflow: after each step's wait, its groups may answer the call too."""
    if not isinstance(value, list):
        fail(
            loc,
            f"must be a list of steps such as {{after: 30s, groups: [...]}}, got {describe(value)}",
        )
    steps: list[OverflowStep] = []
    where: dict[str, int] = {}  # group -> its step
    for i, raw in enumerate(value):
        at = (*loc, i)
        step = mapping(raw, at)
        check_keys(step, at, ("after", "groups"), ("after", "groups"))
        after = duration(step["after"], (*at, "after"), gt=0)
        if steps and after <= steps[-1].after:
            fail(
                (*at, "after"),
                f"must be later than the previous step's ({format_duration(steps[-1].after)}):"
                f" steps are in order of waiting time, got {describe(step['after'])}",
            )
        names: list[str] = []
        for g, item in name_list(step["groups"], (*at, "groups"), "agent group"):
            group = _skilled_group(g, item, type_name, groups)
            if group in where:
                first = "this step" if where[group] == i else f"step {where[group]}"
                fail(item, f"{group!r} is already in {first}: a group overflows at most once")
            where[group] = i
            names.append(group)
        steps.append(OverflowStep(after, tuple(names)))
    if not steps:
        return ()
    skilled = [g.name for g in groups if type_name in g.skills]
    if all(g in where for g in skilled):
        fail(
            loc,
            f"every group with the skill {type_name!r} ({', '.join(skilled)}) is in an overflow"
            " step, so nobody answers its calls at first: leave at least one out of overflow",
        )
    return tuple(steps)
