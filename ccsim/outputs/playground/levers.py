"""The playground's sliders: the levers of the classroom lessons, on a scenario.

A scenario offers the levers that make sense for it (`levers_of`): calls per hour,
average handle time, agents per group, patience, the IVR's self-service share, and
pooling two teams into one. `apply_levers` turns the values a slider panel sends
into a new `Scenario`, changing the validated scenario's fields directly (no YAML
round trip), so that a slider release costs microseconds before the engine runs.

Every change keeps the shape of what it changes: a handle time or patience
distribution is rescaled (same kind, same cv), arrival rates are scaled over the
whole day (the same profile), and pooling merges the teams into one with all
their skills and agents.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.model import IVR_SELF_SERVICE, AgentGroup, Distribution, Scenario

#: Patience at or above this (seconds) means "callers never hang up".
NEVER_HANG_UP_S = 1800.0
#: Default patience when a scenario without abandonment gets a patience value.
PATIENCE_KIND = "exponential"


@dataclass(frozen=True)
class Lever:
    """One slider: its key, range and step, the scenario's own value, and its unit."""

    key: str
    low: float
    high: float
    step: float
    value: float
    unit: str  # "per_hour", "s", "agents", "share", "bool"
    group: str | None = None  # the agent group of an "agents" lever

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "low": self.low,
            "high": self.high,
            "step": self.step,
            "value": self.value,
            "unit": self.unit,
            "group": self.group,
        }


def calls_per_hour(scenario: Scenario) -> float:
    """The day's mean offered calls per hour: every call type's own arrivals and the IVR's."""
    rates = [sum(ct.rates) for ct in scenario.call_types]
    if scenario.ivr is not None:
        rates.append(sum(scenario.ivr.rates))
    return 3600.0 * sum(rates) / scenario.horizon.n_intervals


def mean_handle_time(scenario: Scenario) -> float:
    """The call-weighted mean handle time over the call types (the plain mean when
    no type has arrivals of its own)."""
    weights = [sum(ct.rates) for ct in scenario.call_types]
    means = [ct.handle_time.mean for ct in scenario.call_types]
    if sum(weights) <= 0:
        return sum(means) / len(means)
    return sum(w * m for w, m in zip(weights, means, strict=True)) / sum(weights)


def mean_patience(scenario: Scenario) -> float:
    """The mean patience of the first call type that has one, else "never"."""
    for ct in scenario.call_types:
        if ct.patience is not None:
            return min(ct.patience.mean, NEVER_HANG_UP_S)
    return NEVER_HANG_UP_S


def self_service_node(scenario: Scenario) -> str | None:
    """The IVR node with a self-service branch, if any."""
    if scenario.ivr is None:
        return None
    for node in scenario.ivr.nodes:
        if any(target == IVR_SELF_SERVICE for target, _p in node.branches):
            return node.name
    return None


def self_service_share(scenario: Scenario) -> float:
    node = self_service_node(scenario)
    if node is None or scenario.ivr is None:
        return 0.0
    return dict(scenario.ivr.node(node).branches)[IVR_SELF_SERVICE]


def can_pool(scenario: Scenario) -> bool:
    """Two or more teams, each with its own skills, all staffed all day: they can be
    merged into one team that answers every call type."""
    groups = scenario.agent_groups
    return len(groups) >= 2 and all(not g.shifts and g.agents_per_interval is None for g in groups)


def levers_of(scenario: Scenario) -> list[Lever]:
    """The sliders that ``scenario`` offers, each starting at the scenario's value."""
    cph = calls_per_hour(scenario)
    aht = mean_handle_time(scenario)
    levers = [
        Lever("calls_per_hour", _round_down(cph * 0.5, 10), _round_up(cph * 1.5, 10), 10,
              round(cph), "per_hour"),
        Lever("aht_s", 30, max(600, _round_up(aht * 2, 30)), 10, round(aht), "s"),
    ]  # fmt: skip
    for g in scenario.agent_groups:
        if g.shifts or g.agents_per_interval is not None:
            continue  # staffed by shifts or a line: not one number
        high = max(2 * g.agents, g.agents + 5)
        levers.append(Lever("agents", 1, high, 1, g.agents, "agents", group=g.name))
    levers.append(Lever("patience_s", 10, NEVER_HANG_UP_S, 10, mean_patience(scenario), "s"))
    if self_service_node(scenario) is not None:
        levers.append(Lever("self_service", 0, 0.9, 0.05, self_service_share(scenario), "share"))
    if can_pool(scenario):
        levers.append(Lever("pooled", 0, 1, 1, 0, "bool"))
    return levers


def apply_levers(scenario: Scenario, values: Mapping[str, Any]) -> Scenario:
    """``scenario`` with the sliders' ``values``: ``calls_per_hour``, ``aht_s``,
    ``agents`` ({group: n}), ``patience_s``, ``self_service``, ``pooled``. Missing
    keys keep the scenario's value. Raises `ScenarioError` for a value out of range."""
    out = scenario
    if "calls_per_hour" in values:
        target = _number(values, "calls_per_hour", low=1)
        out = _scale_arrivals(out, target / calls_per_hour(scenario))
    if "aht_s" in values:
        factor = _number(values, "aht_s", low=1) / mean_handle_time(scenario)
        types = [
            replace(
                ct,
                handle_time=scaled(ct.handle_time, factor),
                handle_time_by_period=_scaled_periods(ct.handle_time_by_period, factor),
            )
            for ct in out.call_types
        ]
        out = replace(out, call_types=tuple(types))
    if "patience_s" in values:
        out = _with_patience(out, _number(values, "patience_s", low=1))
    if "agents" in values:
        out = _with_agents(out, values["agents"])
    if "self_service" in values and self_service_node(out) is not None:
        out = _with_self_service(out, _number(values, "self_service", low=0, high=0.99))
    if values.get("pooled") and can_pool(out):
        out = pooled(out)
    return out


def scaled(dist: Distribution, factor: float) -> Distribution:
    """``dist`` with every duration multiplied by ``factor``: the mean scales, the cv stays."""
    return dist.rule.scaled(dist, factor)


def _scaled_periods(periods: tuple, factor: float) -> tuple:
    """Per-period distributions (`Period`) each rescaled by ``factor``."""
    return tuple(replace(p, dist=scaled(p.dist, factor)) for p in periods)


def pooled(scenario: Scenario) -> Scenario:
    """The teams merged into one, answering every call type with all their agents."""
    groups = scenario.agent_groups
    skills = tuple(dict.fromkeys(s for g in groups for s in g.skills))
    team = AgentGroup(
        name="+".join(g.name for g in groups),
        skills=skills,
        agents=sum(g.agents for g in groups),
    )
    return replace(scenario, agent_groups=(team,))


def _scale_arrivals(scenario: Scenario, factor: float) -> Scenario:
    types = [replace(ct, rates=tuple(r * factor for r in ct.rates)) for ct in scenario.call_types]
    ivr = scenario.ivr
    if ivr is not None:
        ivr = replace(ivr, rates=tuple(r * factor for r in ivr.rates))
    return replace(scenario, call_types=tuple(types), ivr=ivr)


def _with_patience(scenario: Scenario, patience: float) -> Scenario:
    types = []
    for ct in scenario.call_types:
        periods = ()
        if patience >= NEVER_HANG_UP_S:
            new = None
        elif ct.patience is None:
            new = Distribution(PATIENCE_KIND, (patience,))
        else:
            factor = patience / ct.patience.mean
            new = scaled(ct.patience, factor)
            periods = _scaled_periods(ct.patience_by_period, factor)
        types.append(replace(ct, patience=new, patience_by_period=periods))
    return replace(scenario, call_types=tuple(types))


def _with_agents(scenario: Scenario, agents: Any) -> Scenario:
    if not isinstance(agents, Mapping):
        raise ScenarioError("agents: give a mapping of agent group to agents", path=("agents",))
    names = {g.name for g in scenario.agent_groups}
    for name in agents:
        if name not in names:
            raise ScenarioError(
                f"no agent group {name!r}; the scenario has: {', '.join(sorted(names))}",
                path=("agents", name),
            )
    groups = [
        replace(g, agents=int(_number(agents, g.name, low=0, high=1000))) if g.name in agents else g
        for g in scenario.agent_groups
    ]
    return replace(scenario, agent_groups=tuple(groups))


def _with_self_service(scenario: Scenario, share: float) -> Scenario:
    """The self-service branch gets ``share``; the node's other branches share the
    rest in their old proportions."""
    name, ivr = self_service_node(scenario), scenario.ivr
    if name is None or ivr is None:
        return scenario
    node = ivr.node(name)
    others = [(t, p) for t, p in node.branches if t != IVR_SELF_SERVICE]
    rest = sum(p for _t, p in others)
    branches = [(t, (1 - share) * p / rest) for t, p in others] + [(IVR_SELF_SERVICE, share)]
    nodes = tuple(replace(n, branches=tuple(branches)) if n.name == name else n for n in ivr.nodes)
    return replace(scenario, ivr=replace(ivr, nodes=nodes))


def _number(values: Mapping[str, Any], key: str, low: float, high: float = math.inf) -> float:
    value = values[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        allowed = f"from {low:g}" + ("" if math.isinf(high) else f" to {high:g}")
        raise ScenarioError(f"{key}: a number {allowed}, got {value!r}", path=(key,))
    return float(value)


def _round_down(x: float, step: float) -> float:
    return max(step, math.floor(x / step) * step)


def _round_up(x: float, step: float) -> float:
    return math.ceil(x / step) * step
