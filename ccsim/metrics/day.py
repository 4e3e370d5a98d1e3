"""One replication's legs as every KPI scope sees them: where each leg belongs
(its interval), which legs count (after the warm-up), and which are live calls;
and what every replication of a scenario shares (`Fixed`), worked out once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ccsim.metrics.aggregate import Legs
from ccsim.observations import Observations
from ccsim.scenario.memo import per_scenario
from ccsim.units import format_clock

if TYPE_CHECKING:
    from ccsim.scenario.model import Scenario


@dataclass(frozen=True)
class Fixed:
    """What the KPIs of every replication of one scenario share: the intervals and
    their labels, the share of each interval after the warm-up, and per call type
    and agent group the constants the formulas read."""

    starts: np.ndarray
    labels: list[str]
    share: np.ndarray  # share of each interval after the warm-up
    counted_from: float
    chat_type: np.ndarray  # per call type (and -1: last), whether it is a chat
    chat_max: np.ndarray
    outsourced: np.ndarray  # per group: paid per call
    price: np.ndarray  # per call of an outsourced group; NaN for an in-house one
    price0: np.ndarray  # the same, NaN as 0
    rate: np.ndarray  # per agent hour
    day_hours: np.ndarray  # the day after the warm-up, in hours (one entry)
    interval_hours: np.ndarray  # each interval's length, in hours

    @classmethod
    def of(cls, scenario: Scenario) -> Fixed:
        h, groups = scenario.horizon, scenario.agent_groups
        hourly = scenario.costs.agent_hour
        starts = np.asarray(h.interval_starts(), dtype=float)
        counted_from = h.start + h.warmup
        price = np.array(
            [np.nan if g.price_per_call is None else g.price_per_call for g in groups], dtype=float
        )
        return cls(
            starts=starts,
            labels=[format_clock(t) for t in starts],
            share=np.clip((starts + h.interval - counted_from) / h.interval, 0.0, 1.0),
            counted_from=counted_from,
            chat_type=np.array([c.channel == "chat" for c in scenario.call_types] + [False]),
            chat_max=np.array([g.chat_max for g in groups], dtype=float),
            outsourced=np.array([g.price_per_call is not None for g in groups], dtype=bool),
            price=price,
            price0=np.nan_to_num(price),
            rate=np.array(
                [hourly if g.agent_hour is None else g.agent_hour for g in groups],
                dtype=float,
            ),
            day_hours=np.array([(h.end - counted_from) / 3600.0]),
            interval_hours=np.full(h.n_intervals, h.interval / 3600.0),
        )


@per_scenario
def fixed(scenario: Scenario) -> Fixed:
    """The scenario's `Fixed`, worked out once for all its replications."""
    return Fixed.of(scenario)


@dataclass
class _Day:
    """What every scope of one replication shares: the legs, where each belongs,
    and which legs count."""

    obs: Observations
    scenario: Scenario
    fixed: Fixed
    legs: Legs
    interval: np.ndarray  # planning interval each leg is attributed to
    counted: np.ndarray  # attributed after the warm-up
    live: np.ndarray
    typed: np.ndarray
    by_arrival: np.ndarray  # planning interval of each leg's arrival
    after: np.ndarray  # arrived after the warm-up
    zero: np.ndarray  # the day's key: 0 for every leg
    every: np.ndarray  # every leg

    @classmethod
    def of(cls, obs: Observations, scenario: Scenario) -> _Day:
        h = scenario.horizon
        f = fixed(scenario)
        legs = Legs.of(obs, scenario.service_level.threshold)
        # Legs that reached a queue (a callback leg: from its request) go by their offer.
        interval, counted, live, typed, by_arrival, after = legs.kernels.leg_scopes(
            legs.outcome,
            legs.leg,
            legs.offered,
            legs.arrival,
            legs.call_type,
            float(h.start),
            float(h.interval),
            h.n_intervals,
            float(f.counted_from),
        )
        n = obs.n_calls
        return cls(
            obs=obs,
            scenario=scenario,
            fixed=f,
            legs=legs,
            interval=interval,
            counted=counted,
            live=live,
            typed=typed,
            by_arrival=by_arrival,
            after=after,
            zero=np.zeros(n, np.int64),
            every=np.ones(n, dtype=bool),
        )

    @property
    def starts(self) -> np.ndarray:
        return self.fixed.starts

    @property
    def labels(self) -> list[str]:
        return self.fixed.labels

    @property
    def one_type(self) -> bool:
        """One call type and every leg typed: each call-type scope is a day scope."""
        return len(self.scenario.call_types) == 1 and bool(self.typed.all())

    @property
    def counted_from(self) -> float:
        return self.fixed.counted_from
