"""Crisis-event kinds: one small class per kind, and their registry `EVENTS`.

`ccsim.scenario.model.CrisisEvent` is the data (a kind's name, its period and its
parameters); the class of its kind holds the rules: the keys a scenario gives
(`EventKind.required`, `optional`), their validation (`read`), the default label
(`describe`), and what the event does to the day, one method per part of the day an
event may change (each a no-op unless the kind overrides it):

- `arrival_factor`: the callers drawn (`ccsim.models.calls`, `ccsim.planning.staffing`);
- `self_service_to`: where the IVR's self-service callers go (`ccsim.models.calls`);
- `away`: agents taken off the roster (`ccsim.models.roster`, `ccsim.planning.scheduling`);
- `trunks_working`: the lines that work (both engines, as ``(start, end, trunks)`` rows);
- `compiled`: whether the compiled engine runs the kind (`ccsim.models.fast`).

A new kind is a class here and its entry in `_ORDER`, in this one file (plus the code
for a new effect on the day, if it has one no kind had before).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import fail, name_list, number, reference, whole
from ccsim.units import describe as describe_value

#: An agent-away row: (group, start, end, agents, fraction or None).
Away = tuple[str, float, float, int, "float | None"]


class EventKind:
    """The rules of one kind. Subclasses set `name`, `required` and `optional` (the
    keys besides ``from``, ``to`` and ``label``), `read` and `describe`."""

    name: ClassVar[str]
    required: ClassVar[tuple[str, ...]]
    optional: ClassVar[tuple[str, ...]] = ()
    compiled: ClassVar[bool] = True

    def read(self, e: dict, loc: Loc, context: Any, event: Any) -> Any:
        """``event`` (its kind and period read) with the kind's keys of ``e`` checked
        and set. ``context`` says what the scenario has (`ccsim.scenario.events.Context`)."""
        raise NotImplementedError

    def describe(self, event: Any) -> str:
        """The event's default label, shown in reports: ``"surge ×2.0 billing"``."""
        raise NotImplementedError

    def arrival_factor(self, event: Any, call_type: str | None) -> float:
        """The multiplier of ``call_type``'s arrival rate over the event (``None``: the
        IVR's arrivals)."""
        return 1.0

    def peak_arrival_factor(self, event: Any) -> float:
        """The largest `arrival_factor` of any call type (for size estimates)."""
        return 1.0

    def self_service_to(self, event: Any) -> str | None:
        """The call type that IVR callers who would have self-served join instead."""
        return None

    def away(self, event: Any) -> Away | None:
        """The agents the event takes off the floor over its period."""
        return None

    def trunks_working(self, event: Any) -> tuple[float, float, int] | None:
        """``(start, end, trunks)``: only ``trunks`` lines work over the period."""
        return None


class Surge(EventKind):
    name, required, optional = "surge", ("factor",), ("call_types",)

    def read(self, e, loc, context, event):
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

    def describe(self, event):
        return f"surge ×{event.factor} {', '.join(event.call_types) or 'all call types'}"

    def arrival_factor(self, event, call_type):
        # A surge that names call types leaves the others, and the IVR's arrivals, alone.
        if event.call_types and (call_type is None or call_type not in event.call_types):
            return 1.0
        return event.factor

    def peak_arrival_factor(self, event):
        return event.factor


class TrunkOutage(EventKind):
    name, required = "trunk_outage", ("trunks",)

    def read(self, e, loc, context, event):
        at = (*loc, "trunks")
        trunks = whole(e["trunks"], at, ge=0, hint=" (the lines that still work)")
        if context.trunks is not None and trunks > context.trunks:
            fail(
                at,
                f"must be at most the scenario's trunks ({context.trunks}): it is the number of"
                f" lines that still work during the outage, got {describe_value(e['trunks'])}",
            )
        return replace(event, trunks=trunks)

    def describe(self, event):
        return f"trunk outage: {event.trunks} trunks working"

    def trunks_working(self, event):
        return (event.start, event.end, event.trunks)


class GroupOutage(EventKind):
    name, required = "group_outage", ("group", "agents")

    def read(self, e, loc, context, event):
        group = reference(e["group"], (*loc, "group"), context.groups, "agent group")
        hint = " (the agents who cannot work)"
        agents = whole(e["agents"], (*loc, "agents"), ge=1, hint=hint)
        return replace(event, group=group, agents=agents)

    def describe(self, event):
        return f"group outage: {event.agents} agents of {event.group}"

    def away(self, event):  # a count: agents on shift over the whole period
        return (event.group, event.start, event.end, event.agents, None)


class IvrOutage(EventKind):
    name, required = "ivr_outage", ("to_call_type",)

    def read(self, e, loc, context, event):
        if not context.has_ivr:
            fail(
                loc,
                "needs an ivr section: an IVR outage sends the callers who would have"
                " self-served in the IVR to a call type's queue, and this scenario has no IVR",
            )
        at = (*loc, "to_call_type")
        return replace(event, to=reference(e["to_call_type"], at, context.call_types, "call type"))

    def describe(self, event):
        return f"IVR outage: self-service to {event.to}"

    def self_service_to(self, event):
        return event.to


class Absenteeism(EventKind):
    name, required = "absenteeism", ("group", "fraction")

    def read(self, e, loc, context, event):
        group = reference(e["group"], (*loc, "group"), context.groups, "agent group")
        hint = " (a fraction of the group's agents on shift: 0.3 is 30 %)"
        fraction = number(e["fraction"], (*loc, "fraction"), gt=0, le=1, hint=hint)
        return replace(event, group=group, fraction=fraction)

    def describe(self, event):
        return f"absenteeism: {event.fraction * 100:g} % of {event.group}"

    def away(self, event):  # a fraction of the agents on shift then
        return (event.group, event.start, event.end, 0, event.fraction)


#: Every kind, in the order messages list them.
_ORDER: tuple[EventKind, ...] = (Surge(), TrunkOutage(), GroupOutage(), IvrOutage(), Absenteeism())
#: The registry: a kind's name -> its rules.
EVENTS: dict[str, EventKind] = {kind.name: kind for kind in _ORDER}


def event_kind(name: str) -> EventKind:
    """The rules of the event kind called ``name``."""
    try:
        return EVENTS[name]
    except KeyError:
        raise ValueError(f"unknown event kind {name!r}; kinds: {', '.join(EVENTS)}") from None


def trunk_outages(events: Any) -> list[tuple[float, float, int]]:
    """The ``(start, end, trunks)`` rows of ``events``' trunk limits, in order."""
    rows = (event_kind(e.kind).trunks_working(e) for e in events)
    return [row for row in rows if row is not None]


def agents_away(events: Any) -> list[Away]:
    """The agent-away rows of ``events`` (`EventKind.away`), in order."""
    rows = (event_kind(e.kind).away(e) for e in events)
    return [row for row in rows if row is not None]
