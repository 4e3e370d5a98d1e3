"""The validated scenario: plain, frozen data with no behaviour.

Everything here is already checked and converted to canonical units: times are
seconds (clock times are seconds since midnight), rates are calls per second, and
distributions carry their native parameters. The loader (`ccsim.scenario.load`)
is the only place that builds these objects from YAML.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: Distribution kinds, in the order of their integer codes used by the kernels.
DIST_KINDS: tuple[str, ...] = (
    "exponential",
    "deterministic",
    "lognormal",
    "gamma",
    "weibull",
    "uniform",
    "empirical",
)

#: Service-level definitions (design.md, "KPIs").
SL_DEFINITIONS: tuple[str, ...] = (
    "offered",
    "answered",
    "exclude_short_abandons",
    "short_abandons_as_met",
)


@dataclass(frozen=True)
class Distribution:
    """A positive random duration, in canonical parameters.

    ``params`` by kind: exponential ``(mean,)``; deterministic ``(value,)``;
    lognormal ``(mu, sigma)`` of the underlying normal; gamma ``(shape, scale)``;
    weibull ``(shape, scale)``; uniform ``(low, high)``; empirical ``()`` with the
    sample in ``values`` (drawn uniformly with replacement).
    """

    kind: str
    params: tuple[float, ...] = ()
    values: tuple[float, ...] = ()

    @property
    def code(self) -> int:
        return DIST_KINDS.index(self.kind)

    @property
    def mean(self) -> float:
        p = self.params
        if self.kind in ("exponential", "deterministic"):
            return p[0]
        if self.kind == "lognormal":
            return math.exp(p[0] + p[1] ** 2 / 2)
        if self.kind == "gamma":
            return p[0] * p[1]
        if self.kind == "weibull":
            return p[1] * math.gamma(1 + 1 / p[0])
        if self.kind == "uniform":
            return (p[0] + p[1]) / 2
        return sum(self.values) / len(self.values)

    @property
    def variance(self) -> float:
        p = self.params
        if self.kind == "exponential":
            return p[0] ** 2
        if self.kind == "deterministic":
            return 0.0
        if self.kind == "lognormal":
            return (math.exp(p[1] ** 2) - 1) * math.exp(2 * p[0] + p[1] ** 2)
        if self.kind == "gamma":
            return p[0] * p[1] ** 2
        if self.kind == "weibull":
            k, lam = p
            return lam**2 * (math.gamma(1 + 2 / k) - math.gamma(1 + 1 / k) ** 2)
        if self.kind == "uniform":
            return (p[1] - p[0]) ** 2 / 12
        m = self.mean
        return sum((v - m) ** 2 for v in self.values) / len(self.values)


@dataclass(frozen=True)
class Horizon:
    """The simulated day: arrivals in ``[start, end)``, cut into planning intervals.

    Calls offered before ``start + warmup`` are simulated but left out of the
    day's statistics (an empty-start bias guard for steady-state studies).
    """

    start: float
    end: float
    interval: float
    warmup: float = 0.0

    @property
    def n_intervals(self) -> int:
        return int(round((self.end - self.start) / self.interval))

    def interval_starts(self) -> list[float]:
        return [self.start + i * self.interval for i in range(self.n_intervals)]


@dataclass(frozen=True)
class ServiceLevel:
    """SL(T) and its target: "80/20" is threshold 20 s, target 0.80."""

    threshold: float = 20.0
    target: float = 0.80
    definition: str = "offered"


@dataclass(frozen=True)
class CallType:
    """One queue's callers: arrival rate per interval and their durations."""

    name: str
    rates: tuple[float, ...]  # calls per second, one per planning interval
    handle_time: Distribution
    wrap_up: Distribution | None = None
    patience: Distribution | None = None
    #: Forecast AHT (seconds) per interval, ``None`` where not given. A call's
    #: handle time is the ``handle_time`` draw rescaled to its interval's AHT,
    #: so the shape (cv) stays that of the distribution.
    aht: tuple[float | None, ...] | None = None


@dataclass(frozen=True)
class AgentGroup:
    """Agents with the same skills; constant staffing for the whole day."""

    name: str
    skills: tuple[str, ...]
    agents: int


@dataclass(frozen=True)
class Costs:
    agent_hour: float = 0.0
    telecom_minute: float = 0.0


@dataclass(frozen=True)
class Scenario:
    """A whole validated scenario (see scenario-format.md)."""

    name: str
    horizon: Horizon
    call_types: tuple[CallType, ...]
    agent_groups: tuple[AgentGroup, ...]
    service_level: ServiceLevel = field(default_factory=ServiceLevel)
    seed: int | None = None
    replications: int = 1
    trunks: int | None = None
    costs: Costs = field(default_factory=Costs)
    source: str | None = None  # the file it was loaded from, for messages
    description: str | None = None

    def call_type_index(self, name: str) -> int:
        return [c.name for c in self.call_types].index(name)
