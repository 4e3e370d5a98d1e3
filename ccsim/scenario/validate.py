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
from ccsim.scenario import channels, staffing
from ccsim.scenario.distributions import distribution
from ccsim.scenario.errors import Loc
from ccsim.scenario.events import Context
from ccsim.scenario.events import events as read_events
from ccsim.scenario.fields import (
    check_keys,
    choice,
    fail,
    items,
    mapping,
    name,
    number,
    optional,
    whole,
)
from ccsim.scenario.ivr import ivr as read_ivr
from ccsim.scenario.limits import check_work
from ccsim.scenario.model import (
    CallType,
    Costs,
    Distribution,
    Horizon,
    Ivr,
    Scenario,
)
from ccsim.scenario.validate_agents import GROUP_KEYS, read_agent_groups
from ccsim.scenario.validate_calls import (
    CALL_TYPE_KEYS,
    RESERVED_NAMES,
    read_call_types,
    with_routing,
)
from ccsim.scenario.validate_day import INTERVALS, read_horizon, read_service_level
from ccsim.units import describe

#: The names of this module, those of the sections' modules it re-exports too (each
#: section of the scenario is read in its own: validate_day, validate_calls and
#: validate_agents).
__all__ = [
    "BUSYNESS_TOLERANCE",
    "CALL_TYPE_KEYS",
    "ENGINES",
    "GROUP_KEYS",
    "INTERVALS",
    "REQUIRED",
    "RESERVED_NAMES",
    "TOP_KEYS",
    "build_scenario",
]

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
    horizon = read_horizon(data["horizon"], ("horizon",))
    service_level = read_service_level(data.get("service_level"), ("service_level",))
    trunks = optional(data, "trunks", None, lambda v, at: whole(v, at, ge=1), ())
    raw_types = items(data["call_types"], ("call_types",), "call type")
    type_names = [key for key, _ in raw_types]
    call_types = read_call_types(raw_types, horizon, base_dir)
    groups = read_agent_groups(data["agent_groups"], call_types, horizon, base_dir)
    call_types = [
        with_routing(ct, value, ("call_types", ct.name), groups)
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
