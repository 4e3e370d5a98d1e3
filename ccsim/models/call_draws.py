"""The day's callers as arrays (`CallDraws`), and the fixed stream indices their
draws use (`ccsim.models.calls.draw_calls` draws them)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: adding a call type never changes these numbers.
IVR_ARRIVALS = 10_000  # ("arrivals", IVR_ARRIVALS): callers arriving at the IVR
VIA_IVR = 1_000  # (purpose, VIA_IVR + k): attributes of IVR callers routed to type k
GROUP_HANDLE = 2_000  # ("handle", GROUP_HANDLE + g * n_types + k): group g's own handle time
SURGE = 20_000  # ("arrivals", SURGE + 1000 * event + k): extra or thinned arrivals of a surge
RETRY_DELAY, RETRY_PATIENCE = 1_000, 3_000  # ("retrial", … + k)


@dataclass
class CallDraws:
    """One entry per arriving call, sorted by arrival time (ties: direct calls in
    call-type order, then IVR callers).

    - ``arrival``: float64 seconds since midnight.
    - ``call_type``: int32 index into ``Scenario.call_types`` (for an IVR caller, the
      type the IVR routes it to; -1 if it leaves in the IVR).
    - ``handle``: float64 talk time.
    - ``wrap``: float64 after-call work (0 if the type has no ``wrap_up``).
    - ``patience``: float64 (``inf`` if the type has no ``patience``).
    - ``ivr_time``: time in the IVR (0 for direct calls); ``via_ivr``: bool.
    - ``ivr_exit``: for IVR callers who leave there, ``SELF_SERVED`` or
      ``IVR_HANG_UP``; -1 otherwise.
    - ``route_u``: a uniform number per call, for random agent selection.
    - ``group_handle``: {(group, type): talk times} for groups with their own
      handle-time distribution; aligned with the calls (NaN for other types).
    - Caller behaviours, aligned with the calls, NaN where the call's type has none:
      ``retry_u``, ``retry_delay``, ``retry_patience`` (one column per possible redial:
      the uniform deciding it, the delay before it, the patience on it);
      ``transfer_u``, ``transfer_handle``, ``transfer_wrap``, ``transfer_patience``
      (the transferred leg's attributes, drawn from the target type's distributions);
      ``callback_u`` (two columns: accept, reach).
    """

    arrival: np.ndarray
    call_type: np.ndarray
    handle: np.ndarray
    wrap: np.ndarray
    patience: np.ndarray
    ivr_time: np.ndarray = None  # type: ignore[assignment]
    via_ivr: np.ndarray = None  # type: ignore[assignment]
    ivr_exit: np.ndarray = None  # type: ignore[assignment]
    route_u: np.ndarray = None  # type: ignore[assignment]
    group_handle: dict = field(default_factory=dict)
    retry_u: np.ndarray = None  # type: ignore[assignment]
    retry_delay: np.ndarray = None  # type: ignore[assignment]
    retry_patience: np.ndarray = None  # type: ignore[assignment]
    transfer_u: np.ndarray = None  # type: ignore[assignment]
    transfer_handle: np.ndarray = None  # type: ignore[assignment]
    transfer_wrap: np.ndarray = None  # type: ignore[assignment]
    transfer_patience: np.ndarray = None  # type: ignore[assignment]
    callback_u: np.ndarray = None  # type: ignore[assignment]
    #: Per outbound campaign: (connect uniforms, talk times, wrap-ups), one per customer.
    outbound: list = field(default_factory=list)

    def __post_init__(self) -> None:
        n = self.arrival.shape[0]
        if self.ivr_time is None:
            self.ivr_time = np.zeros(n)
        if self.via_ivr is None:
            self.via_ivr = np.zeros(n, dtype=bool)
        if self.ivr_exit is None:
            self.ivr_exit = np.full(n, -1, dtype=np.int8)
        if self.route_u is None:
            self.route_u = np.zeros(n)
        for name in ("retry_u", "retry_delay", "retry_patience"):
            if getattr(self, name) is None:
                setattr(self, name, np.full((n, 0), np.nan))
        for name in ("transfer_u", "transfer_handle", "transfer_wrap", "transfer_patience"):
            if getattr(self, name) is None:
                setattr(self, name, np.full(n, np.nan))
        if self.callback_u is None:
            self.callback_u = np.full((n, 2), np.nan)

    @property
    def n_calls(self) -> int:
        return int(self.arrival.shape[0])
