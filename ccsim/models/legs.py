"""Legs: a caller's first call and the redials, transfers and callbacks after it.

Every leg is a row of the replication's `Observations`; the arrays are allocated
for the most legs the pre-drawn callers could produce and cut to the legs that
did occur at the end. The attributes a leg needs at run time (its talk time,
patience, …) live here, beside the observation arrays.
"""

from __future__ import annotations

import numpy as np

from ccsim.models.calls import CallDraws
from ccsim.observations import CALLBACK, FIRST, OUTBOUND, RETRIAL, TRANSFER, Observations
from ccsim.scenario.memo import per_scenario
from ccsim.scenario.model import Scenario


@per_scenario
def _extra_legs(scenario: Scenario) -> tuple[np.ndarray, int]:
    """Per call type, the legs a caller may make after its first call (its possible
    redials, one transfer, one callback); and the outbound dials of the day."""
    per_caller = np.array(
        [
            (ct.retrial.max_attempts - 1 if ct.retrial else 0)
            + (1 if ct.transfer else 0)
            + (1 if ct.callback else 0)
            for ct in scenario.call_types
        ],
        dtype=np.int64,
    )
    per_caller.flags.writeable = False
    return per_caller, sum(c.customers for c in scenario.outbound)


def leg_capacity(scenario: Scenario, calls: CallDraws) -> int:
    """The most legs the callers could make: one each, plus per caller of a type
    its possible redials, one transfer and one callback; and every outbound dial."""
    per_caller, dials = _extra_legs(scenario)
    extra = 0
    if per_caller.any():
        types = calls.call_type
        counts = np.bincount(types[types >= 0], minlength=per_caller.shape[0])
        extra = int(per_caller @ counts)
    return calls.n_calls + extra + dials


class Legs:
    """Run-time attributes of every leg, and room for the legs still to come."""

    def __init__(self, scenario: Scenario, calls: CallDraws) -> None:
        n = calls.n_calls
        self.obs = obs = empty_observations(scenario, calls)
        cap = obs.outcome.shape[0]
        self.call_type = np.full(cap, -1, dtype=np.int64)  # the type it queues for
        self.call_type[:n] = calls.call_type
        self.handle = np.zeros(cap)
        self.handle[:n] = calls.handle
        self.wrap = np.zeros(cap)
        self.wrap[:n] = calls.wrap
        self.patience = np.full(cap, np.inf)
        self.patience[:n] = calls.patience
        self.ivr_exit = np.full(cap, -1, dtype=np.int8)
        self.ivr_exit[:n] = calls.ivr_exit
        self.route_u = np.zeros(cap)
        self.route_u[:n] = calls.route_u
        self.holds_line = np.zeros(cap, dtype=bool)
        self.n = n

    def add(self, caller: int, kind: int, now: float, call_type: int) -> int:
        """A new leg of ``caller`` starting ``now``: a copy of its first call's
        attributes, for the engine to adjust. Returns its row."""
        row = self.n
        self.n += 1
        obs = self.obs
        obs.caller[row] = caller
        obs.leg[row] = kind
        obs.arrival[row] = now
        obs.call_type[row] = call_type
        self.call_type[row] = call_type
        self.route_u[row] = self.route_u[caller]
        if kind in (RETRIAL, CALLBACK):
            self.handle[row] = self.handle[caller]
            self.wrap[row] = self.wrap[caller]
        if kind == RETRIAL:  # comes back the way the first call came
            obs.via_ivr[row] = obs.via_ivr[caller]
            obs.ivr_time[row] = obs.ivr_time[caller]
            self.ivr_exit[row] = self.ivr_exit[caller]
        return row

    def add_outbound(self, now: float) -> int:
        """A new outbound leg: its own caller, no call type, dialed ``now``."""
        row = self.n
        self.n += 1
        obs = self.obs
        obs.caller[row] = row
        obs.leg[row] = OUTBOUND
        obs.arrival[row] = obs.offered[row] = now
        obs.wait[row] = 0.0
        obs.call_type[row] = -1
        return row

    def result(self) -> Observations:
        self.obs.truncate(self.n)
        return self.obs


__all__ = [
    "CALLBACK",
    "FIRST",
    "OUTBOUND",
    "Legs",
    "RETRIAL",
    "TRANSFER",
    "empty_observations",
    "kernel_observations",
    "leg_capacity",
]


def empty_observations(scenario: Scenario, calls: CallDraws) -> Observations:
    """`Observations` with room for every leg that may occur (`Legs`), the callers'
    first calls in the first rows, with their drawn columns filled in."""
    obs = _first_calls(scenario, calls, filled=True)
    obs.caller[calls.n_calls :] = -1
    return obs


def kernel_observations(scenario: Scenario, calls: CallDraws) -> Observations:
    """`empty_observations` for the compiled engine, allocated without filling
    what the kernel writes for every leg that occurs (its outcome, offer, wait,
    talk, wrap-up and group, at the end of the day; a new leg's type, arrival,
    caller and kind when it starts): the other legs are cut off (`truncate`)."""
    return _first_calls(scenario, calls, filled=False)


def _first_calls(scenario: Scenario, calls: CallDraws, filled: bool) -> Observations:
    """`Observations.empty` with room for every leg, the callers' drawn columns in
    the first rows (a first call is its own caller: ``caller`` counts up)."""
    n = calls.n_calls
    cap = leg_capacity(scenario, calls)
    obs = Observations.empty(cap, len(scenario.agent_groups), scenario.horizon.n_intervals, filled)
    obs.call_type[:n] = calls.call_type
    obs.arrival[:n] = calls.arrival
    obs.ivr_time[:n] = calls.ivr_time
    obs.via_ivr[:n] = calls.via_ivr
    return obs
