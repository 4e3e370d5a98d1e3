"""The validated scenario's simulated day (horizon) and its service-level target.

Plain, frozen data in canonical units (see `ccsim.scenario.model`).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Service-level definitions (design.md, "KPIs").
SL_DEFINITIONS: tuple[str, ...] = (
    "offered",
    "answered",
    "exclude_short_abandons",
    "short_abandons_as_met",
)


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
