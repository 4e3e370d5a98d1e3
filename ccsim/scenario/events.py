"""Crisis events: surges and outages over a period of the day.

    events:
      - surge: {from: "10:00", to: "11:00", factor: 2.0, call_types: [billing]}
      - trunk_outage: {from: "13:00", to: "13:30", trunks: 10}
      - group_outage: {from: "14:00", to: "15:00", group: generalists, agents: 5}
      - ivr_outage: {from: "09:00", to: "10:00", to_call_type: billing}
      - absenteeism: {from: "08:00", to: "12:00", group: generalists, fraction: 0.3,
                      label: "flu wave"}

Each item is one kind with its mapping. Every event has ``from`` < ``to`` within the
horizon and an optional ``label`` (shown in reports; by default one is made from the
event, such as ``surge ×2.0 billing``). The semantics are `CrisisEvent`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import (
    check_keys,
    did_you_mean,
    fail,
    mapping,
    name,
    name_list,
    number,
    optional,
    reference,
    whole,
)
from ccsim.scenario.model import EVENT_KINDS, CrisisEvent, Horizon
from ccsim.scenario.staffing import period
from ccsim.units import describe

#: The keys of each kind besides ``from``, ``to`` and ``label``: (required, optional).
KIND_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "surge": (("factor",), ("call_types",)),
    "trunk_outage": (("trunks",), ()),
    "group_outage": (("group", "agents"), ()),
    "ivr_outage": (("to_call_type",), ()),
    "absenteeism": (("group", "fraction"), ()),
}
COMMON_KEYS = ("from", "to", "label")
_EXAMPLE = 'surge: {from: "10:00", to: "11:00", factor: 2.0}'


@dataclass(frozen=True)
class Context:
    """What the events may refer to: the scenario read so far."""

    horizon: Horizon
    call_types: list[str]
    groups: list[str]
    has_ivr: bool
    trunks: int | None


def events(value: Any, loc: Loc, context: Context) -> tuple[CrisisEvent, ...]:
    if not isinstance(value, list):
        fail(loc, f"must be a list of events, each such as {_EXAMPLE}, got {describe(value)}")
    return tuple(_event(raw, (*loc, i), context) for i, raw in enumerate(value))


def _event(raw: Any, loc: Loc, context: Context) -> CrisisEvent:
    kinds = ", ".join(EVENT_KINDS)
    form = f"an event kind ({kinds}) with its mapping, such as {_EXAMPLE}"
    if not isinstance(raw, dict):
        fail(loc, f"must be {form}, got {describe(raw)}")
    item = raw
    if not item:
        fail(loc, f"must be {form}, got an empty mapping")
    for key in item:
        if key in EVENT_KINDS:
            continue
        if key in COMMON_KEYS or any(key in r + o for r, o in KIND_KEYS.values()):
            fail(
                (*loc, key),
                f"{key!r} belongs inside the event's mapping: write each event as its kind"
                f" with a mapping, such as {_EXAMPLE}",
            )
        hint = did_you_mean(key, EVENT_KINDS)
        fail((*loc, key), f"unknown event kind {describe(key)};{hint} event kinds: {kinds}")
    given = list(item)
    if len(given) > 1:
        fail(
            (*loc, given[1]),
            f"give exactly one event kind per list item, got {' and '.join(given)}:"
            " make each event its own list item",
        )
    kind = given[0]
    at = (*loc, kind)
    e = mapping(item[kind], at)
    required, extra = KIND_KEYS[kind]
    check_keys(e, at, (*COMMON_KEYS, *required, *extra), ("from", "to", *required))
    start, end = period(e, at, ("from", "to"), context.horizon)
    label = optional(e, "label", None, lambda v, where: name(v, where, "a label"), at)
    event = READERS[kind](e, at, context, CrisisEvent(kind, start, end))
    return replace(event, label=label or default_label(event))


def _surge(e: dict, loc: Loc, context: Context, event: CrisisEvent) -> CrisisEvent:
    hint = " (a multiplier of the arrival rates: 2 doubles them, 0.5 halves them)"
    factor = number(e["factor"], (*loc, "factor"), gt=0, hint=hint)
    types: list[str] = []
    if e.get("call_types") is not None:
        for v, at in name_list(e["call_types"], (*loc, "call_types"), "call type"):
            type_name = reference(v, at, context.call_types, "call type")
            if type_name in types:
                fail(at, f"{type_name!r} is listed twice")
            types.append(type_name)
    return replace(event, factor=factor, call_types=tuple(types))


def _trunk_outage(e: dict, loc: Loc, context: Context, event: CrisisEvent) -> CrisisEvent:
    at = (*loc, "trunks")
    trunks = whole(e["trunks"], at, ge=0, hint=" (the lines that still work)")
    if context.trunks is not None and trunks > context.trunks:
        fail(
            at,
            f"must be at most the scenario's trunks ({context.trunks}): it is the number of"
            f" lines that still work during the outage, got {describe(e['trunks'])}",
        )
    return replace(event, trunks=trunks)


def _group_outage(e: dict, loc: Loc, context: Context, event: CrisisEvent) -> CrisisEvent:
    group = reference(e["group"], (*loc, "group"), context.groups, "agent group")
    agents = whole(e["agents"], (*loc, "agents"), ge=1, hint=" (the agents who cannot work)")
    return replace(event, group=group, agents=agents)


def _ivr_outage(e: dict, loc: Loc, context: Context, event: CrisisEvent) -> CrisisEvent:
    if not context.has_ivr:
        fail(
            loc,
            "needs an ivr section: an IVR outage sends the callers who would have"
            " self-served in the IVR to a call type's queue, and this scenario has no IVR",
        )
    to = reference(e["to_call_type"], (*loc, "to_call_type"), context.call_types, "call type")
    return replace(event, to=to)


def _absenteeism(e: dict, loc: Loc, context: Context, event: CrisisEvent) -> CrisisEvent:
    group = reference(e["group"], (*loc, "group"), context.groups, "agent group")
    hint = " (a fraction of the group's agents on shift: 0.3 is 30 %)"
    fraction = number(e["fraction"], (*loc, "fraction"), gt=0, le=1, hint=hint)
    return replace(event, group=group, fraction=fraction)


READERS = {
    "surge": _surge,
    "trunk_outage": _trunk_outage,
    "group_outage": _group_outage,
    "ivr_outage": _ivr_outage,
    "absenteeism": _absenteeism,
}


def default_label(event: CrisisEvent) -> str:
    """A short description for reports: ``"surge ×2.0 billing"``."""
    if event.kind == "surge":
        return f"surge ×{event.factor} {', '.join(event.call_types) or 'all call types'}"
    if event.kind == "trunk_outage":
        return f"trunk outage: {event.trunks} trunks working"
    if event.kind == "group_outage":
        return f"group outage: {event.agents} agents of {event.group}"
    if event.kind == "ivr_outage":
        return f"IVR outage: self-service to {event.to}"
    return f"absenteeism: {event.fraction * 100:g} % of {event.group}"
