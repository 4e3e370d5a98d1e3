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
event, such as ``surge ×2.0 billing``). The semantics are `CrisisEvent`'s; each kind's
keys, checks and label are its class in `ccsim.scenario.kinds.events`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import check_keys, did_you_mean, fail, mapping, name, optional
from ccsim.scenario.kinds.events import EVENTS
from ccsim.scenario.model import EVENT_KINDS, CrisisEvent, Horizon
from ccsim.scenario.staffing import period
from ccsim.units import describe

#: The keys of each kind besides ``from``, ``to`` and ``label``: (required, optional).
KIND_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    name: (kind.required, kind.optional) for name, kind in EVENTS.items()
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
    rule = EVENTS[kind]
    keys = (*COMMON_KEYS, *rule.required, *rule.optional)
    check_keys(e, at, keys, ("from", "to", *rule.required))
    start, end = period(e, at, ("from", "to"), context.horizon)
    label = optional(e, "label", None, lambda v, where: name(v, where, "a label"), at)
    event = rule.read(e, at, context, CrisisEvent(kind, start, end))
    return replace(event, label=label or default_label(event))


def default_label(event: CrisisEvent) -> str:
    """A short description for reports: ``"surge ×2.0 billing"`` (its kind's `describe`)."""
    return event.rule.describe(event)
