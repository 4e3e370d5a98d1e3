"""What one replication records: a compact row per call, plus staffing.

The engines fill these arrays and nothing else; every KPI is computed from them
afterwards (`ccsim.metrics`), so a run can be re-analysed without re-simulating.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Outcome codes of a call.
BLOCKED, ANSWERED, ABANDONED = 0, 1, 2


@dataclass
class Observations:
    """One replication's record. Arrays of calls are aligned, one entry per arrival.

    Times are absolute seconds since midnight (the horizon's clock).

    - ``call_type``: index into ``Scenario.call_types``.
    - ``arrival``: when the call reached the center (trunk check).
    - ``offered``: when it joined its queue (``nan`` if it never did: blocked).
    - ``outcome``: ``BLOCKED``, ``ANSWERED`` or ``ABANDONED``.
    - ``wait``: time in queue until answer or abandonment (``nan`` if blocked).
    - ``talk``: handle (talk) time if answered, else 0.
    - ``wrap``: after-call work if answered, else 0.
    - ``group``: index of the agent group that answered, ``-1`` otherwise.
    - ``staffed``: agent-seconds logged in and available (not on break), shape
      ``(n_groups, n_intervals)``, per group and planning interval of the horizon.
    - ``scheduled``: paid agent-seconds, same shape (equal to ``staffed`` while
      staffing is constant; shifts and breaks make them differ).
    """

    call_type: np.ndarray
    arrival: np.ndarray
    offered: np.ndarray
    outcome: np.ndarray
    wait: np.ndarray
    talk: np.ndarray
    wrap: np.ndarray
    group: np.ndarray
    staffed: np.ndarray
    scheduled: np.ndarray

    @classmethod
    def empty(cls, n_calls: int, n_groups: int, n_intervals: int) -> Observations:
        """Arrays for ``n_calls`` calls, every outcome still unknown (-1)."""
        return cls(
            call_type=np.zeros(n_calls, dtype=np.int32),
            arrival=np.zeros(n_calls),
            offered=np.full(n_calls, np.nan),
            outcome=np.full(n_calls, -1, dtype=np.int8),
            wait=np.full(n_calls, np.nan),
            talk=np.zeros(n_calls),
            wrap=np.zeros(n_calls),
            group=np.full(n_calls, -1, dtype=np.int32),
            staffed=np.zeros((n_groups, n_intervals)),
            scheduled=np.zeros((n_groups, n_intervals)),
        )

    @property
    def n_calls(self) -> int:
        return int(self.arrival.shape[0])

    def check_conservation(self) -> None:
        """Every arrival ends blocked, answered or abandoned — checked on every run."""
        known = (self.outcome >= BLOCKED) & (self.outcome <= ABANDONED)
        counts = np.bincount(self.outcome[known].astype(np.int64), minlength=3)
        if counts.sum() != self.n_calls:
            raise AssertionError(
                f"conservation violated: {self.n_calls} arrivals but outcomes {counts.tolist()}"
            )
        answered = self.outcome == ANSWERED
        if np.any(self.group[answered] < 0) or np.any(self.group[~answered] >= 0):
            raise AssertionError("conservation violated: answered calls without a group")
        queued = self.outcome != BLOCKED
        if np.any(np.isnan(self.wait[queued])) or np.any(self.wait[queued] < 0):
            raise AssertionError("conservation violated: a queued call has no valid wait")
