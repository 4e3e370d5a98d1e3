"""The scenario schema: plain data (as YAML gives it) -> a validated `Scenario`.

Keys of this version (scenario-format.md has the full example)::

    name: Retail bank                 # required, text
    description: …                    # optional, text (not used by the simulation)
    seed: 42                          # optional whole number >= 0
    replications: 30                  # optional whole number >= 1 (default 1)
    horizon:                          # required
      start: "08:00"                  #   "HH:MM"
      end: "20:00"                    #   "HH:MM"; "24:00" is midnight; an end at or before
                                      #   start is the next day ("20:00" to "06:00"), as is
                                      #   "06:00+1"; or instead of end: length: 48h
      interval: 30min                 #   15min, 30min or 60min; the horizon is whole intervals
      warmup: 1h                      #   optional (or warm_up): calls offered before start +
                                      #   warmup are simulated but left out of the statistics;
                                      #   a whole number of intervals, shorter than the horizon
    service_level:                    # optional; each key optional
      threshold: 20s                  #   duration >= 0 (default 20s)
      target: 0.80                    #   fraction in (0, 1] (default 0.80)
      definition: offered             #   offered | answered | exclude_short_abandons |
                                      #   short_abandons_as_met (default offered)
    trunks: 250                       # optional whole number >= 1
    call_types:                       # required, at least one; name -> call type
      billing:
        arrivals: {rate: 120/h}       #   exactly one of: rate (120/h, 2/min, 0.5/s; a bare
                                      #   number is calls per hour), volumes (one number of
                                      #   calls per planning interval), file (CSV, see csvdata);
                                      #   optional for a type an IVR branch leads to
        handle_time: {dist: lognormal, mean: 240s, cv: 0.9}   # required; or by_period
        wrap_up: 30s                  #   optional; a bare duration means a fixed time
        patience: {dist: exponential, mean: 180s}             # optional: none = no abandons
                                      #   handle_time and patience: also dist: mixture, or
                                      #   {by_period: [...]} (see ccsim.scenario.periods)
        priority: 1                   #   optional 1..9, 1 served first (default 5)
        agent_selection: preference   #   longest_idle (default) | preference | random
        preference: [specialists]     #   iff preference: groups with the skill, best first
        overflow:                     #   optional: groups with the skill that answer only
          - {after: 30s, groups: [generalists]}   # after the wait (increasing)
        retrial: {probability: 0.3, delay: 10min}   # optional caller behaviours: see
        callback: {threshold: 2min, accept: 0.6}    #   ccsim.scenario.behaviours
        transfer: {probability: 0.1, to: tech}
        channel: voice                #   optional: voice (default) or chat (see
                                      #   ccsim.scenario.channels)
    agent_groups:                     # required, at least one; name -> group
      generalists:
        skills: [billing, tech]       #   call type names (priority 1); or {billing: 1, tech: 2},
                                      #   kept ordered by priority (1 first) with priorities
        agents: 25                    #   whole number >= 0 all day; or [n per interval];
                                      #   or shifts: [...] (see staffing)
        reserve: 2                    #   optional whole number >= 0
        handle_time: {tech: 1.3}      #   optional: skill -> multiplier, or a distribution
        shrinkage: 0.1                #   optional fraction in [0, 1)
        agent_hour: 28.0              #   optional cost, overrides costs.agent_hour
        chat: {max_concurrent: 3, factors: [1.0, 1.2, 1.5]}   # optional: chats at once
                                      #   (the group needs a chat skill)
      partner:
        price_per_call: 4.5           #   optional number >= 0: paid per handled call (an
                                      #   outsourced partner), then no agent_hour
    outbound: …                       # optional campaigns, see ccsim.scenario.channels
    ivr: …                            # optional, see ccsim.scenario.ivr
    absences: […]                     # optional, see ccsim.scenario.staffing
    events: […]                       # optional crisis events, see ccsim.scenario.events
    busyness: {dist: gamma, mean: 1, cv: 0.1}   # optional: every rate of a replication ×
                                      #   one draw; plain numbers, mean 1 (within 1e-6)
    engine: auto                      # optional: auto (default), simpy or fast
    costs:                            # optional
      agent_hour: 25.0                #   numbers >= 0 (default 0)
      telecom_minute: 0.02

Durations take s, min or h ("240s", "4min", "1.5h", "30 s"); a bare number is
seconds. Distributions: see `ccsim.scenario.distributions`. Every call type must
be a skill of at least one agent group. An optional key set to null is absent.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ccsim.i18n import LANGS
from ccsim.scenario import behaviours, channels, routing, staffing
from ccsim.scenario.arrivals import arrivals
from ccsim.scenario.distributions import distribution
from ccsim.scenario.errors import Loc
from ccsim.scenario.events import Context
from ccsim.scenario.events import events as read_events
from ccsim.scenario.fields import (
    check_keys,
    choice,
    clock,
    did_you_mean,
    duration,
    fail,
    items,
    mapping,
    name,
    number,
    optional,
    whole,
)
from ccsim.scenario.ivr import EXITS
from ccsim.scenario.ivr import ivr as read_ivr
from ccsim.scenario.limits import check_work
from ccsim.scenario.model import (
    SL_DEFINITIONS,
    STAFFING_CUTS,
    AgentGroup,
    CallType,
    Costs,
    Distribution,
    Horizon,
    Ivr,
    Period,
    Scenario,
    ServiceLevel,
)
from ccsim.scenario.periods import by_period, is_by_period
from ccsim.scenario.routing import DEFAULT_PRIORITY
from ccsim.units import DAY, describe, format_clock, format_duration

#: Names the format gives a meaning of its own: a call type cannot take them.
RESERVED_NAMES = EXITS

TOP_KEYS = (
    "name",
    "description",
    "seed",
    "replications",
    "horizon",
    "service_level",
    "trunks",
    "ivr",
    "call_types",
    "agent_groups",
    "outbound",
    "absences",
    "events",
    "busyness",
    "costs",
    "engine",
    "lang",
)
REQUIRED = ("name", "horizon", "call_types", "agent_groups")
INTERVALS = (900.0, 1800.0, 3600.0)
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
#: How the scenario is simulated: ``auto`` picks the compiled engine when it can.
ENGINES = ("auto", "simpy", "fast")
#: How far busyness's mean may be from 1.
BUSYNESS_TOLERANCE = 1e-6


def build_scenario(data: Any, source: str | None = None, base_dir: Path | None = None) -> Scenario:
    """Check ``data`` and convert it to canonical units; `ScenarioError` at the first problem."""
    if not isinstance(data, dict):
        # the file's text is not quoted: it may be a file that is no scenario at all
        got = "text" if isinstance(data, str) else describe(data)
        fail((), f"a scenario must be a mapping with {', '.join(REQUIRED)}, got {got}")
    check_keys(data, (), TOP_KEYS, REQUIRED)
    scenario_name = name(data["name"], ("name",))
    if data.get("description") is not None and not isinstance(data["description"], str):
        fail(("description",), f"must be text, got {describe(data['description'])}")
    seed = optional(data, "seed", None, lambda v, at: whole(v, at, ge=0), ())
    replications = optional(data, "replications", 1, lambda v, at: whole(v, at, ge=1), ())
    engine = optional(data, "engine", "auto", lambda v, at: choice(v, at, ENGINES), ())
    lang = optional(data, "lang", "en", lambda v, at: choice(v, at, LANGS), ())
    horizon = _horizon(data["horizon"], ("horizon",))
    service_level = _service_level(data.get("service_level"), ("service_level",))
    trunks = optional(data, "trunks", None, lambda v, at: whole(v, at, ge=1), ())
    raw_types = items(data["call_types"], ("call_types",), "call type")
    type_names = [key for key, _ in raw_types]
    for key in type_names:
        if key in RESERVED_NAMES:
            fail(("call_types", key), f"{key!r} is reserved (an IVR exit): choose another name")
    call_types = [
        _call_type(key, value, ("call_types", key), horizon, base_dir, type_names)
        for key, value in raw_types
    ]
    behaviours.check_transfer_cycles(call_types, ("call_types",))
    chat_types = [ct.name for ct in call_types if ct.channel == "chat"]
    groups = [
        _agent_group(key, value, ("agent_groups", key), type_names, chat_types, horizon, base_dir)
        for key, value in items(data["agent_groups"], ("agent_groups",), "agent group")
    ]
    for call_type in call_types:
        if not any(call_type.name in g.skills for g in groups):
            fail(
                ("call_types", call_type.name),
                f"no agent group has the skill {call_type.name!r}: add it to a group's skills",
            )
    call_types = [
        _routing(ct, value, ("call_types", ct.name), groups)
        for ct, (_, value) in zip(call_types, raw_types, strict=True)
    ]
    group_names = [g.name for g in groups]
    outbound = optional(
        data,
        "outbound",
        (),
        lambda v, at: channels.outbound(v, at, horizon, group_names, base_dir),
        (),
    )
    ivr = optional(
        data, "ivr", None, lambda v, at: read_ivr(v, at, horizon, base_dir, type_names), ()
    )
    call_types = _ivr_only_types(call_types, ivr, horizon)
    absences = optional(
        data,
        "absences",
        (),
        lambda v, at: staffing.absences(v, at, horizon, [g.name for g in groups]),
        (),
    )
    context = Context(horizon, type_names, [g.name for g in groups], ivr is not None, trunks)
    events = optional(data, "events", (), lambda v, at: read_events(v, at, context), ())
    busyness = optional(data, "busyness", None, lambda v, at: _busyness(v, at, base_dir), ())
    scenario = Scenario(
        name=scenario_name,
        horizon=horizon,
        call_types=tuple(call_types),
        agent_groups=tuple(groups),
        service_level=service_level,
        seed=seed,
        replications=replications,
        trunks=trunks,
        costs=_costs(data.get("costs"), ("costs",)),
        source=source,
        description=data.get("description"),
        ivr=ivr,
        absences=absences,
        busyness=busyness,
        events=events,
        engine=engine,
        outbound=outbound,
        lang=lang,
    )
    check_work(scenario)  # refuse what cannot fit before a run allocates it
    return scenario


def _ivr_only_types(
    call_types: list[CallType], ivr: Ivr | None, horizon: Horizon
) -> list[CallType]:
    """Rates of 0 for the types without arrivals of their own, if the IVR leads to them."""
    reached = {t for node in ivr.nodes for t, _ in node.branches} if ivr is not None else set()
    out = []
    for ct in call_types:
        if ct.rates is None:
            if ct.name not in reached:
                how = (
                    f"no IVR branch leads to {ct.name!r}"
                    if ivr is not None
                    else "the scenario has no ivr"
                )
                fail(
                    ("call_types", ct.name, "arrivals"),
                    f"is missing, and {how}: the call type gets no calls; give it arrivals"
                    " or lead an IVR branch to it",
                )
            ct = replace(ct, rates=(0.0,) * horizon.n_intervals)
        out.append(ct)
    return out


def _horizon(value: Any, loc: Loc) -> Horizon:
    h = mapping(value, loc)
    if "days" in h:
        fail(
            (*loc, "days"),
            "a week (a horizon with days) runs with ccsim run, report, compare, sweep, staff "
            "and plot; this command reads a single day",
        )
    keys = ("start", "end", "length", "interval", "warmup", "warm_up")
    check_keys(h, loc, keys, ("start", "interval"))
    start = clock(h["start"], (*loc, "start"))
    end = _horizon_end(h, loc, start)
    interval = duration(h["interval"], (*loc, "interval"))
    if interval not in INTERVALS:
        fail((*loc, "interval"), f"must be 15min, 30min or 60min, got {describe(h['interval'])}")
    span = f"{format_clock(start)} to {format_clock(end)}"
    if not _whole_multiple(end - start, interval):
        fail(
            (*loc, "end"), f"{span} is not a whole number of {format_duration(interval)} intervals"
        )
    warmup = 0.0
    key = _one_of(h, loc, ("warmup", "warm_up"), required=False)
    if key is not None:
        warmup = duration(h[key], (*loc, key), ge=0)
        if not _whole_multiple(warmup, interval):
            message = f"must be a whole number of {format_duration(interval)} intervals"
            fail((*loc, key), f"{message}, got {describe(h[key])}")
        if warmup >= end - start:
            fail((*loc, key), f"must be shorter than the horizon ({span})")
    return Horizon(start=start, end=end, interval=interval, warmup=warmup)


def _one_of(h: dict, loc: Loc, keys: tuple[str, str], required: bool) -> str | None:
    """The one of ``keys`` given in ``h`` (None when neither is and it is optional)."""
    given = [k for k in keys if h.get(k) is not None]
    if len(given) > 1:
        fail((*loc, given[1]), f"give {keys[0]} or {keys[1]}, not both")
    if not given and required:
        fail(loc, f"needs {keys[0]} (a clock time) or {keys[1]} (a duration such as 48h)")
    return given[0] if given else None


def _horizon_end(h: dict, loc: Loc, start: float) -> float:
    """The horizon's end from ``end`` or ``length``. An ``end`` at or before ``start``
    is on the next day (``20:00`` to ``06:00`` runs through midnight); ``"06:00+1"``
    says so explicitly, and ``length: 48h`` runs two whole days."""
    key = _one_of(h, loc, ("end", "length"), required=True)
    if key == "length":
        return start + duration(h["length"], (*loc, "length"), gt=0)
    end = clock(h["end"], (*loc, "end"))
    if end <= start and end < DAY:
        end += DAY
    if end <= start:
        fail(
            (*loc, "end"), f"must be after start ({format_clock(start)}), got {describe(h['end'])}"
        )
    return end


def _whole_multiple(x: float, step: float) -> bool:
    return abs(x / step - round(x / step)) < 1e-9


def _service_level(value: Any, loc: Loc) -> ServiceLevel:
    if value is None:
        return ServiceLevel()
    sl = mapping(value, loc)
    check_keys(sl, loc, ("threshold", "target", "definition"))
    d = ServiceLevel()
    pct = " (a fraction: 0.8 is 80 %)"
    return ServiceLevel(
        threshold=optional(sl, "threshold", d.threshold, lambda v, at: duration(v, at, ge=0), loc),
        target=optional(
            sl, "target", d.target, lambda v, at: number(v, at, gt=0, le=1, hint=pct), loc
        ),
        definition=optional(
            sl, "definition", d.definition, lambda v, at: choice(v, at, SL_DEFINITIONS), loc
        ),
    )


def _call_type(
    key: str,
    value: Any,
    loc: Loc,
    horizon: Horizon,
    base_dir: Path | None,
    type_names: list[str],
) -> CallType:
    """The call type without its groups (``preference``, ``overflow``): see `_routing`.

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


def _routing(call_type: CallType, value: dict, loc: Loc, groups: list[AgentGroup]) -> CallType:
    """Add the keys that name agent groups: ``preference`` and ``overflow``."""
    key = call_type.name
    pref = routing.preference(value, loc, key, call_type.agent_selection, groups)
    steps = optional(value, "overflow", (), lambda v, at: routing.overflow(v, at, key, groups), loc)
    return replace(call_type, preference=pref, overflow=steps)


def _agent_group(
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


def _busyness(value: Any, loc: Loc, base_dir: Path | None) -> Distribution:
    """A distribution of plain numbers whose mean is 1 (it multiplies rates)."""
    busyness = distribution(value, loc, base_dir, unitless=True)
    mean = busyness.mean
    if abs(mean - 1) > BUSYNESS_TOLERANCE:
        at = (*loc, "mean") if isinstance(value, dict) and "mean" in value else loc
        fail(
            at,
            f"its mean must be 1, got {mean:.7g}: one draw of busyness multiplies every"
            " arrival rate of a replication, so a mean of 1 keeps the forecast volumes on"
            " average (its spread, such as cv: 0.1, is the day-to-day variation)",
        )
    return busyness


def _costs(value: Any, loc: Loc) -> Costs:
    if value is None:
        return Costs()
    c = mapping(value, loc)
    check_keys(c, loc, ("agent_hour", "telecom_minute"))
    return Costs(
        **{key: optional(c, key, 0.0, lambda v, at: number(v, at, ge=0), loc) for key in c}
    )
