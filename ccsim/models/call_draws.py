"""The day's callers as arrays (`CallDraws`), and the fixed stream indices their
draws use (`ccsim.models.calls.draw_calls` draws them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

#: adding a call type never changes these numbers.
IVR_ARRIVALS = 10_000  # ("arrivals", IVR_ARRIVALS): callers arriving at the IVR
VIA_IVR = 1_000  # (purpose, VIA_IVR + k): attributes of IVR callers routed to type k
GROUP_HANDLE = 2_000  # ("handle", GROUP_HANDLE + g * n_types + k): group g's own handle time
SURGE = 20_000  # ("arrivals", SURGE + 1000 * event + k): extra or thinned arrivals of a surge
RETRY_DELAY, RETRY_PATIENCE = 1_000, 3_000  # ("retrial", … + k)


class _NaNColumn:
    """A `CallDraws` column that is all NaN until set: made on first read, so a day
    whose engine never reads it (no transfers, no callbacks) never fills it. Read,
    it is an ordinary array of the instance's own, writable in place."""

    def __init__(self, width: int | None = None) -> None:
        self.width = width  # None: one value per call; w: (calls, w)

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return None  # the dataclass default: not given
        value = obj.__dict__.get(self.slot)
        if value is None:
            n = obj.arrival.shape[0]
            value = np.full((n,) if self.width is None else (n, self.width), np.nan)
            obj.__dict__[self.slot] = value
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = value


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
    transfer_u: np.ndarray = _NaNColumn()  # type: ignore[assignment]
    transfer_handle: np.ndarray = _NaNColumn()  # type: ignore[assignment]
    transfer_wrap: np.ndarray = _NaNColumn()  # type: ignore[assignment]
    transfer_patience: np.ndarray = _NaNColumn()  # type: ignore[assignment]
    callback_u: np.ndarray = _NaNColumn(2)  # type: ignore[assignment]
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
                setattr(self, name, np.empty((n, 0)))  # no redials: nothing to hold

    @property
    def n_calls(self) -> int:
        return int(self.arrival.shape[0])


class Part(NamedTuple):
    """Callers drawn together (one call type's direct callers, or the IVR callers
    routed to one type, or those leaving in the IVR), in arrival order. Its arrays
    are its own (no two share memory): `merge` may hand them on as they are.
    ``ivr_time`` None: 0 for each (direct callers); ``ivr_exit`` None: -1 for each."""

    arrival: np.ndarray
    call_type: int
    handle: np.ndarray
    wrap: np.ndarray
    patience: np.ndarray
    ivr_time: np.ndarray | None = None
    via_ivr: bool = False
    ivr_exit: np.ndarray | None = None


def merge(parts: list[Part]) -> tuple[np.ndarray, ...]:
    """The parts' callers as the columns of `CallDraws` (arrival, call_type, handle,
    wrap, patience, ivr_time, via_ivr, ivr_exit), sorted by arrival time; ties keep
    the parts' order (a stable sort).

    When the arrivals are already in order (one part: one call type, no IVR) the
    stable sort is the identity, so no column is sorted: the part's own arrays are
    the columns. Columns constant within a part are built from the part's value.
    """
    sizes = [p.arrival.shape[0] for p in parts]
    one = len(parts) == 1
    arrival = parts[0].arrival if one else np.concatenate([p.arrival for p in parts])
    n = arrival.shape[0]
    order = None if _rising(arrival) else np.argsort(arrival, kind="stable")

    def column(arrays: list[np.ndarray | None], fill: float | int, dtype: type) -> np.ndarray:
        if all(a is None for a in arrays):
            return np.full(n, fill, dtype)  # the same value for every call: no sort
        whole: np.ndarray
        if one:
            whole = arrays[0]  # type: ignore[assignment]  # not None: checked above
        else:
            pieces = zip(arrays, sizes, strict=True)
            whole = np.concatenate([np.full(k, fill, dtype) if a is None else a for a, k in pieces])
        return whole if order is None else whole[order]

    def constant(values: list, dtype: type) -> np.ndarray:
        if len(set(values)) == 1:
            return np.full(n, values[0], dtype)
        same: np.ndarray = np.repeat(np.array(values, dtype), sizes)
        return same if order is None else same[order]

    return (
        arrival if order is None else arrival[order],
        constant([p.call_type for p in parts], np.int32),
        column([p.handle for p in parts], 0.0, np.float64),
        column([p.wrap for p in parts], 0.0, np.float64),
        column([p.patience for p in parts], 0.0, np.float64),
        column([p.ivr_time for p in parts], 0.0, np.float64),
        constant([p.via_ivr for p in parts], np.bool_),
        column([p.ivr_exit for p in parts], -1, np.int8),
    )


def _rising(values: np.ndarray) -> bool:
    """Whether ``values`` never decrease (so a stable sort leaves them as they are)."""
    return bool(np.all(values[1:] >= values[:-1]))
