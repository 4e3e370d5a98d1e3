"""Day-to-day variation of volume: the scenario's ``busyness``.

A day's calls N are Poisson given the day's busyness B (mean 1, cv c) times the
mean volume Λ: E N = Λ, Var N = Λ + c²Λ². From the daily totals of the log, the
moment estimate is c² = (s² − N̄) / N̄² (s² the sample variance), 0 when the days
vary no more than Poisson allows. The per-interval profile (the mean volumes) is
scaled by B as a whole, which is how ccsim applies busyness.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Fewest days for a busyness estimate.
MIN_DAYS = 3


@dataclass
class Busyness:
    """The estimate and what it rests on."""

    cv: float  # 0: no variation beyond Poisson
    days: int
    mean: float  # calls per day
    sd: float  # sample sd of the daily totals
    poisson_sd: float  # sqrt(mean): what Poisson alone gives

    def scenario(self) -> dict[str, Any] | None:
        """The scenario's ``busyness`` (gamma, mean 1), or None when cv is 0."""
        if self.cv <= 0:
            return None
        return {"dist": "gamma", "mean": 1, "cv": float(f"{self.cv:.4g}")}


def estimate_busyness(daily_totals: np.ndarray) -> Busyness | None:
    """Busyness from calls per day (see the module's docstring); None with too few days."""
    n = np.asarray(daily_totals, dtype=float)
    if n.size < MIN_DAYS:
        return None
    mean, var = float(n.mean()), float(n.var(ddof=1))
    cv = math.sqrt(max(var - mean, 0.0)) / mean if mean > 0 else 0.0
    return Busyness(cv, int(n.size), mean, math.sqrt(var), math.sqrt(mean))
