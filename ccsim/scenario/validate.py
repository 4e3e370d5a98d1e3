"""The scenario schema: plain data (as YAML gives it) -> a validated `Scenario`.

Keys of this version (scenario-format.md has the full example)::

    name: Retail bank                 # required, text
    description: …                    # optional, text (not used by the simulation)
    seed: 42                          # optional whole number >= 0
    replications: 30                  # optional whole number >= 1 (default 1)
    horizon:                          # required
      start: "08:00"                  #   "HH:MM"
      end: "20:00"                    #   "HH:MM", after start; "24:00" is midnight
      interval: 30min                 #   15min, 30min or 60min; the horizon is whole intervals
      warmup: 1h                      #   optional: calls offered before start + warmup are
                                      #   simulated but left out of the statistics; a whole
                                      #   number of intervals, shorter than the horizon
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
                                      #   calls per planning interval), file (CSV, see csvdata)
        handle_time: {dist: lognormal, mean: 240s, cv: 0.9}   # required
        wrap_up: 30s                  #   optional; a bare duration means a fixed time
        patience: {dist: exponential, mean: 180s}             # optional: none = no abandons
    agent_groups:                     # required, at least one; name -> group
      generalists:
        skills: [billing, tech]       #   call type names; or {billing: 1, tech: 2}, kept as
                                      #   the list ordered by priority (1 first)
        agents: 25                    #   whole number >= 0, all day
    costs:                            # optional
      agent_hour: 25.0                #   numbers >= 0 (default 0)
      telecom_minute: 0.02

Durations take s, min or h ("240s", "4min", "1.5h", "30 s"); a bare number is
seconds. Distributions: see `ccsim.scenario.distributions`. Every call type must
be a skill of at least one agent group. An optional key set to null is absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccsim.scenario import csvdata
from ccsim.scenario.distributions import distribution
from ccsim.scenario.errors import Loc
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
    rate,
    whole,
)
from ccsim.scenario.model import (
    SL_DEFINITIONS,
    AgentGroup,
    CallType,
    Costs,
    Horizon,
    Scenario,
    ServiceLevel,
)
from ccsim.units import describe, format_clock, format_duration

TOP_KEYS = (
    "name",
    "description",
    "seed",
    "replications",
    "horizon",
    "service_level",
    "trunks",
    "call_types",
    "agent_groups",
    "costs",
)
REQUIRED = ("name", "horizon", "call_types", "agent_groups")
INTERVALS = (900.0, 1800.0, 3600.0)
ARRIVAL_KINDS = ("rate", "volumes", "file")

#: Keys of scenario-format.md that later versions will read.
_LATER = "is not supported yet by this version of ccsim"
CALL_TYPE_LATER = {"retrial": f"{_LATER}; remove it (abandoned callers do not call back)"}
GROUP_LATER = {"shifts": f"{_LATER}; give agents: N (the same staffing all day)"}


def build_scenario(data: Any, source: str | None = None, base_dir: Path | None = None) -> Scenario:
    """Check ``data`` and convert it to canonical units; `ScenarioError` at the first problem."""
    if not isinstance(data, dict):
        fail((), f"a scenario must be a mapping with {', '.join(REQUIRED)}, got {describe(data)}")
    check_keys(data, (), TOP_KEYS, REQUIRED)
    scenario_name = name(data["name"], ("name",))
    if data.get("description") is not None and not isinstance(data["description"], str):
        fail(("description",), f"must be text, got {describe(data['description'])}")
    seed = _or(data, "seed", None, lambda v, at: whole(v, at, ge=0))
    replications = _or(data, "replications", 1, lambda v, at: whole(v, at, ge=1))
    horizon = _horizon(data["horizon"], ("horizon",))
    service_level = _service_level(data.get("service_level"), ("service_level",))
    trunks = _or(data, "trunks", None, lambda v, at: whole(v, at, ge=1))
    call_types = tuple(
        _call_type(key, value, ("call_types", key), horizon, base_dir)
        for key, value in items(data["call_types"], ("call_types",), "call type")
    )
    type_names = [c.name for c in call_types]
    groups = tuple(
        _agent_group(key, value, ("agent_groups", key), type_names)
        for key, value in items(data["agent_groups"], ("agent_groups",), "agent group")
    )
    for call_type in call_types:
        if not any(call_type.name in g.skills for g in groups):
            fail(
                ("call_types", call_type.name),
                f"no agent group has the skill {call_type.name!r}: add it to a group's skills",
            )
    return Scenario(
        name=scenario_name,
        horizon=horizon,
        call_types=call_types,
        agent_groups=groups,
        service_level=service_level,
        seed=seed,
        replications=replications,
        trunks=trunks,
        costs=_costs(data.get("costs"), ("costs",)),
        source=source,
        description=data.get("description"),
    )


def _or(data: dict, key: str, default: Any, read: Any, loc: Loc = ()) -> Any:
    """``read(data[key], its loc)``, or ``default`` when the key is absent or null."""
    return default if data.get(key) is None else read(data[key], (*loc, key))


def _horizon(value: Any, loc: Loc) -> Horizon:
    h = mapping(value, loc)
    check_keys(h, loc, ("start", "end", "interval", "warmup"), ("start", "end", "interval"))
    start = clock(h["start"], (*loc, "start"))
    end = clock(h["end"], (*loc, "end"))
    if end <= start:
        fail(
            (*loc, "end"), f"must be after start ({format_clock(start)}), got {describe(h['end'])}"
        )
    interval = duration(h["interval"], (*loc, "interval"))
    if interval not in INTERVALS:
        fail((*loc, "interval"), f"must be 15min, 30min or 60min, got {describe(h['interval'])}")
    span = f"{format_clock(start)} to {format_clock(end)}"
    if not _whole_multiple(end - start, interval):
        fail(
            (*loc, "end"), f"{span} is not a whole number of {format_duration(interval)} intervals"
        )
    warmup = 0.0
    if h.get("warmup") is not None:
        warmup = duration(h["warmup"], (*loc, "warmup"), ge=0)
        if not _whole_multiple(warmup, interval):
            message = f"must be a whole number of {format_duration(interval)} intervals"
            fail((*loc, "warmup"), f"{message}, got {describe(h['warmup'])}")
        if warmup >= end - start:
            fail((*loc, "warmup"), f"must be shorter than the horizon ({span})")
    return Horizon(start=start, end=end, interval=interval, warmup=warmup)


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
        threshold=_or(sl, "threshold", d.threshold, lambda v, at: duration(v, at, ge=0), loc),
        target=_or(sl, "target", d.target, lambda v, at: number(v, at, gt=0, le=1, hint=pct), loc),
        definition=_or(
            sl, "definition", d.definition, lambda v, at: choice(v, at, SL_DEFINITIONS), loc
        ),
    )


def _call_type(key: str, value: Any, loc: Loc, horizon: Horizon, base_dir: Path | None) -> CallType:
    ct = mapping(value, loc)
    keys = ("arrivals", "handle_time", "wrap_up", "patience")
    check_keys(ct, loc, keys, keys[:2], CALL_TYPE_LATER)
    rates, aht = _arrivals(ct["arrivals"], (*loc, "arrivals"), horizon, base_dir)
    handle_time = distribution(ct["handle_time"], (*loc, "handle_time"), base_dir)
    wrap_up, patience = (
        _or(ct, k, None, lambda v, at: distribution(v, at, base_dir), loc)
        for k in ("wrap_up", "patience")
    )
    return CallType(key, rates, handle_time, wrap_up, patience, aht)


def _arrivals(
    value: Any, loc: Loc, horizon: Horizon, base_dir: Path | None
) -> tuple[tuple[float, ...], tuple[float | None, ...] | None]:
    """Calls per second in each planning interval, and the forecast AHT if a file gives it."""
    a = mapping(value, loc)
    check_keys(a, loc, ARRIVAL_KINDS)
    given = list(a)
    if len(given) != 1:
        where = (*loc, given[1]) if given else loc
        fail(
            where, f"give exactly one of rate, volumes or file, got {' and '.join(given) or 'none'}"
        )
    n = horizon.n_intervals
    if "rate" in a:
        return (rate(a["rate"], (*loc, "rate")),) * n, None
    if "file" in a:
        return csvdata.read_forecast(a["file"], (*loc, "file"), base_dir, horizon)
    volumes, at = a["volumes"], (*loc, "volumes")
    if not isinstance(volumes, list):
        fail(at, f"must be a list of calls per planning interval, got {describe(volumes)}")
    if len(volumes) != n:
        expected = f"expected {n} ({csvdata.describe_intervals(horizon)})"
        fail(at, f"must have one number per planning interval: {expected}, got {len(volumes)}")
    return tuple(number(v, (*at, i), ge=0) / horizon.interval for i, v in enumerate(volumes)), None


def _agent_group(key: str, value: Any, loc: Loc, type_names: list[str]) -> AgentGroup:
    g = mapping(value, loc)
    check_keys(g, loc, ("skills", "agents"), ("skills", "agents"), GROUP_LATER)
    skills = _skills(g["skills"], (*loc, "skills"), type_names)
    return AgentGroup(key, skills, whole(g["agents"], (*loc, "agents"), ge=0))


def _skills(value: Any, loc: Loc, type_names: list[str]) -> tuple[str, ...]:
    """A list of call type names, or {name: priority} ordered by priority (1 first)."""
    if isinstance(value, list):
        entries = [(v, (*loc, i), 0) for i, v in enumerate(value)]
    elif isinstance(value, dict):
        entries = [(k, (*loc, k), whole(p, (*loc, k), ge=1)) for k, p in value.items()]
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
    return tuple(skill for skill, _, _ in sorted(entries, key=lambda e: e[2]))


def _costs(value: Any, loc: Loc) -> Costs:
    if value is None:
        return Costs()
    c = mapping(value, loc)
    check_keys(c, loc, ("agent_hour", "telecom_minute"))
    return Costs(**{key: _or(c, key, 0.0, lambda v, at: number(v, at, ge=0), loc) for key in c})
