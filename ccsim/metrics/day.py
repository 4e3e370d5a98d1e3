"""One replication's legs as every KPI scope sees them: where each leg belongs
(its interval), which legs count (after the warm-up), and which are live calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ccsim.metrics.aggregate import (
    Legs,
    interval_index,
)
from ccsim.observations import (
    ABANDONED,
    ANSWERED,
    CALLBACK_REQUESTED,
    FIRST,
    NOT_REACHED,
    RETRIAL,
    TRANSFER,
    Observations,
)
from ccsim.units import format_clock

if TYPE_CHECKING:
    from ccsim.scenario.model import Scenario


@dataclass
class _Day:
    """What every scope of one replication shares: the legs, where each belongs,
    and which legs count."""

    obs: Observations
    scenario: Scenario
    legs: Legs
    interval: np.ndarray  # planning interval each leg is attributed to
    counted: np.ndarray  # attributed after the warm-up
    live: np.ndarray
    typed: np.ndarray
    starts: np.ndarray
    labels: list[str]

    @classmethod
    def of(cls, obs: Observations, scenario: Scenario) -> _Day:
        h = scenario.horizon
        legs = Legs.of(obs, scenario.service_level.threshold)
        o, lg = legs.outcome, legs.leg
        live = (lg == FIRST) | (lg == RETRIAL) | (lg == TRANSFER)
        # Legs that reached a queue (a callback leg: from its request) go by their offer.
        queued = (o == ANSWERED) | (o == ABANDONED) | (o == CALLBACK_REQUESTED) | (o == NOT_REACHED)
        attributed = np.where(queued & ~np.isnan(legs.offered), legs.offered, legs.arrival)
        starts = np.asarray(h.interval_starts(), dtype=float)
        return cls(
            obs=obs,
            scenario=scenario,
            legs=legs,
            interval=interval_index(attributed, h),
            counted=attributed >= h.start + h.warmup,
            live=live,
            typed=legs.call_type >= 0,
            starts=starts,
            labels=[format_clock(t) for t in starts],
        )

    @property
    def one_type(self) -> bool:
        """One call type and every leg typed: each call-type scope is a day scope."""
        return len(self.scenario.call_types) == 1 and bool(self.typed.all())

    @property
    def counted_from(self) -> float:
        return self.scenario.horizon.start + self.scenario.horizon.warmup
