"""What every interval must reach when staffing: the service-level target (and
optionally a cap on abandons, a confidence), `StaffingGoal`, and ``80/20`` read as
a target (`parse_target`)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from ccsim.scenario.model import Scenario

#: Replications per simulation of ``ccsim staff`` when neither --reps nor the scenario
#: asks for more (a day's and a week's search alike).
MIN_REPLICATIONS = 50

_EPS = 1e-12  # an SL exactly at the target (0.8 as 4/5) counts as met


@dataclass(frozen=True)
class StaffingGoal:
    """What every interval must reach: SL(``threshold``) >= ``target`` under the SL
    ``definition``, and abandon rate <= ``max_abandon`` (if given); in expectation
    (the mean over replications), or with ``confidence`` p: in at least a share p of
    the replications (both conditions in the same replication)."""

    threshold: float
    target: float
    definition: str = "offered"
    max_abandon: float | None = None
    confidence: float | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.target < 1.0:
            raise ValueError(f"the SL target must be in (0, 1), got {self.target}")
        if not self.threshold >= 0:
            raise ValueError(f"the SL threshold must be >= 0 s, got {self.threshold}")
        if self.max_abandon is not None and not 0.0 < self.max_abandon < 1.0:
            raise ValueError(f"the maximum abandon rate must be in (0, 1), got {self.max_abandon}")
        if self.confidence is not None and not 0.0 < self.confidence <= 1.0:
            raise ValueError(f"the confidence must be in (0, 1], got {self.confidence}")

    @classmethod
    def of(cls, scenario: Scenario, **changes: Any) -> StaffingGoal:
        """The scenario's own SL target, with ``changes`` (None values ignored)."""
        sl = scenario.service_level
        goal = cls(sl.threshold, sl.target, sl.definition)
        return dataclasses.replace(goal, **{k: v for k, v in changes.items() if v is not None})

    def describe(self) -> str:
        text = f"SL {100 * self.target:g}/{self.threshold:g}s ({self.definition})"
        if self.max_abandon is not None:
            text += f", abandon rate <= {100 * self.max_abandon:g}%"
        if self.confidence is None:
            return text + ", in expectation (mean over replications)"
        return text + f", met in >= {100 * self.confidence:g}% of replications"


_TARGET = re.compile(r"^\s*([\d.]+)\s*(%?)\s*/\s*([\d.]+)\s*(s?)\s*$")


def parse_target(text: str) -> tuple[float, float]:
    """``"80/20"`` -> ``(0.80, 20.0)``: the SL target as a fraction and the threshold in
    seconds (also ``80%/20s``, ``0.8/20``)."""
    m = _TARGET.match(text)
    if not m:
        raise ValueError(f"write the target as SL/SECONDS, such as 80/20, got {text!r}")
    level, threshold = float(m.group(1)), float(m.group(3))
    if level >= 1.0 or m.group(2):
        level /= 100.0
    if not 0.0 < level < 1.0:
        raise ValueError(f"the SL target must be between 0 and 100 %, got {text!r}")
    return level, threshold
