"""What one replication records: a compact row per call, plus staffing.

The engines fill these arrays and nothing else; every KPI is computed from them
afterwards (`ccsim.metrics`), so a run can be re-analysed without re-simulating.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Outcome codes of a leg. Every leg ends in exactly one of them.
BLOCKED, ANSWERED, ABANDONED, SELF_SERVED, IVR_HANG_UP = 0, 1, 2, 3, 4
#: The caller accepted a callback and hung up; the callback is a leg of its own,
#: which ends ANSWERED (customer reached) or NOT_REACHED.
CALLBACK_REQUESTED, NOT_REACHED = 5, 6
OUTCOMES = (
    "blocked",
    "answered",
    "abandoned",
    "self_served",
    "ivr_hang_up",
    "callback_requested",
    "not_reached",
)

#: Kinds of leg: a caller's first call, a redial, a transferred leg, a callback,
#: an outbound call of a campaign (reached: ANSWERED, else NOT_REACHED).
FIRST, RETRIAL, TRANSFER, CALLBACK, OUTBOUND = 0, 1, 2, 3, 4


@dataclass
class Observations:
    """One replication's record. Arrays of calls are aligned, one entry per *leg*:
    a caller's first call, and each redial, transferred leg or callback after it
    (``caller`` ties the legs of one caller together; ``leg`` says which kind).

    Times are absolute seconds since midnight (the horizon's clock).

    - ``call_type``: index into ``Scenario.call_types``; -1 for a call that never
      reached a queue from the IVR (self-served, hung up, or blocked before the IVR
      decided its type).
    - ``arrival``: when the call reached the center (trunk check).
    - ``ivr_time``: time spent in the IVR (0 for calls that come straight to a queue).
    - ``offered``: when it joined its queue (``nan`` if it never did).
    - ``outcome``: one of ``OUTCOMES`` (``BLOCKED`` … ``IVR_HANG_UP``).
    - ``via_ivr``: whether the call came through the IVR.
    - ``wait``: time in queue until answer or abandonment (``nan`` if never queued);
      for a callback leg, the time from the request to the agent's dial.
    - ``caller``: index of the caller (the row of its first leg); ``leg``: FIRST,
      RETRIAL, TRANSFER, CALLBACK or OUTBOUND (``call_type`` -1, ``wait`` 0);
      ``attempt``: 0 for the first call, n for the n-th redial.
    - ``callback_offered``: a callback was offered to this leg (accepted or not).
    - ``talk``: handle (talk) time if answered (for a callback not reached: the time
      the agent spent trying), else 0.
    - ``wrap``: after-call work if answered, else 0.
    - ``group``: index of the agent group that answered, ``-1`` otherwise.

    Agent time, agent-seconds per (group, planning interval), shape
    ``(n_groups, n_intervals)``; time after the horizon's end is not recorded here:

    - ``scheduled``: on shift by the roster (every agent of the roster, absent or not).
    - ``on_break``: on a break, as actually taken (a break delayed by a call moves).
    - ``unpaid_break``: the unpaid part of ``on_break``.
    - ``absent``: absent (shrinkage).
    - ``staffed``: logged in and available to take calls (on shift, not on break,
      not absent), including time spent finishing a call past a shift's end.
    - ``overtime``: per group, agent-seconds worked past the end of shifts to finish
      calls (anywhere in the day, drain included), shape ``(n_groups,)``.
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
    ivr_time: np.ndarray
    via_ivr: np.ndarray
    on_break: np.ndarray
    unpaid_break: np.ndarray
    absent: np.ndarray
    overtime: np.ndarray
    caller: np.ndarray = None  # type: ignore[assignment]
    leg: np.ndarray = None  # type: ignore[assignment]
    attempt: np.ndarray = None  # type: ignore[assignment]
    callback_offered: np.ndarray = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        n = self.arrival.shape[0]
        if self.caller is None:
            self.caller = np.arange(n, dtype=np.int64)
        if self.leg is None:
            self.leg = np.zeros(n, dtype=np.int8)
        if self.attempt is None:
            self.attempt = np.zeros(n, dtype=np.int16)
        if self.callback_offered is None:
            self.callback_offered = np.zeros(n, dtype=bool)

    def truncate(self, n: int) -> None:
        """Keep the first ``n`` legs (engines allocate room for legs that may not occur)."""
        for name in (
            "call_type",
            "arrival",
            "offered",
            "outcome",
            "wait",
            "talk",
            "wrap",
            "group",
            "ivr_time",
            "via_ivr",
            "caller",
            "leg",
            "attempt",
            "callback_offered",
        ):
            setattr(self, name, getattr(self, name)[:n])

    @classmethod
    def empty(
        cls, n_calls: int, n_groups: int, n_intervals: int, filled: bool = True
    ) -> Observations:
        """Arrays for ``n_calls`` calls, every outcome still unknown (-1). With
        ``filled`` False the columns an engine writes for every leg that occurs
        (type, arrival, offer, outcome, wait, talk, wrap-up, group) are left as
        allocated: the compiled engine writes them and cuts off the rest."""

        def column(fill: float, dtype: type = np.float64) -> np.ndarray:
            if filled:
                return np.full(n_calls, fill, dtype=dtype)
            return np.empty(n_calls, dtype=dtype)

        return cls(
            call_type=column(0, np.int32),
            arrival=column(0.0),
            offered=column(np.nan),
            outcome=column(-1, np.int8),
            wait=column(np.nan),
            talk=column(0.0),
            wrap=column(0.0),
            group=column(-1, np.int32),
            staffed=np.zeros((n_groups, n_intervals)),
            scheduled=np.zeros((n_groups, n_intervals)),
            ivr_time=np.zeros(n_calls),
            via_ivr=np.zeros(n_calls, dtype=bool),
            on_break=np.zeros((n_groups, n_intervals)),
            unpaid_break=np.zeros((n_groups, n_intervals)),
            absent=np.zeros((n_groups, n_intervals)),
            overtime=np.zeros(n_groups),
        )

    @property
    def n_calls(self) -> int:
        return int(self.arrival.shape[0])

    def check_conservation(self) -> None:
        """Every leg ends in one outcome — checked on every run: arrivals = blocked +
        answered + abandoned + self-served + IVR hang-ups + callback requests (and
        every callback leg is reached or not). A few passes over the legs, each a
        vectorised comparison (it runs once per replication, beside the kernel)."""
        outcome = self.outcome
        if outcome.shape[0] and (outcome.min() < BLOCKED or outcome.max() >= len(OUTCOMES)):
            known = (outcome >= BLOCKED) & (outcome < len(OUTCOMES))
            counts = np.bincount(outcome[known].astype(np.int64), minlength=len(OUTCOMES))
            raise AssertionError(
                f"conservation violated: {self.n_calls} arrivals but outcomes {counts.tolist()}"
            )
        # Answered legs and dialed callbacks/outbound calls have the agent's group; a
        # callback still waiting when the center closed is NOT_REACHED with none.
        answered = outcome == ANSWERED
        tried = outcome == NOT_REACHED
        has_group = self.group >= 0
        if np.any((has_group ^ answered) & ~tried):
            raise AssertionError("conservation violated: answered calls without a group")
        if tried.any() and np.any(tried & ~has_group & (self.leg != CALLBACK)):
            raise AssertionError("conservation violated: an outbound try without an agent")
        queued = answered | (outcome == ABANDONED)
        if np.any(queued & ~(self.wait >= 0)):  # nan or negative
            raise AssertionError("conservation violated: a queued call has no valid wait")


#: The columns of the per-call table, as ``ccsim run --trace`` writes them in calls.csv.
CALL_COLUMNS = [
    "replication",
    "caller",
    "leg",
    "attempt",
    "call_type",
    "arrival_s",
    "ivr_s",
    "offered_s",
    "outcome",
    "wait_s",
    "talk_s",
    "wrap_s",
    "group",
]
#: A leg's kind, by its code in `Observations.leg`.
LEGS = ("first", "retrial", "transfer", "callback", "outbound")
