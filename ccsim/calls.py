"""The callers of one replication, drawn once, before any engine runs.

Every random attribute of a call (when it arrives, how long the talk and the
after-call work last, how long the caller is willing to wait) is drawn here, in
batches, from the call type's own streams (`ccsim.streams`). Engines only read the
result, so every engine and every staffing or routing alternative run with the same
seed sees exactly the same callers: their differences are the scenario's, not noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ccsim.kernels.draws import poisson_arrivals, sample
from ccsim.scenario.model import Scenario
from ccsim.streams import stream

__all__ = ["CallDraws", "draw_calls"]


@dataclass
class CallDraws:
    """One entry per arriving call, sorted by arrival time (ties keep call-type order).

    - ``arrival``: float64 seconds since midnight.
    - ``call_type``: int32 index into ``Scenario.call_types``.
    - ``handle``: float64 talk time.
    - ``wrap``: float64 after-call work (0 if the type has no ``wrap_up``).
    - ``patience``: float64 (``inf`` if the type has no ``patience``).
    """

    arrival: np.ndarray
    call_type: np.ndarray
    handle: np.ndarray
    wrap: np.ndarray
    patience: np.ndarray

    @property
    def n_calls(self) -> int:
        return int(self.arrival.shape[0])


def draw_calls(scenario: Scenario, seed: int, replication: int) -> CallDraws:
    """Draw all callers of replication ``replication`` of the run with root ``seed``.

    Call type k uses streams ``("arrivals" | "handle" | "wrap_up" | "patience", k)``,
    each drawn in one batch in the type's arrival order, so adding a call type or
    changing anything but type k's own data leaves type k's callers unchanged.
    """
    horizon = scenario.horizon
    parts: list[tuple[np.ndarray, ...]] = []
    for k, ct in enumerate(scenario.call_types):
        if len(ct.rates) != horizon.n_intervals:
            raise ValueError(
                f"call type {ct.name!r} has {len(ct.rates)} rates but the horizon "
                f"has {horizon.n_intervals} intervals"
            )
        arrival = poisson_arrivals(
            stream(seed, replication, "arrivals", k),
            np.asarray(ct.rates, dtype=np.float64),
            horizon.start,
            horizon.interval,
        )
        n = arrival.shape[0]
        handle = sample(stream(seed, replication, "handle", k), ct.handle_time, n)
        if ct.aht is not None:
            handle *= _aht_scale(ct, arrival, horizon)
        if ct.wrap_up is None:
            wrap = np.zeros(n)
        else:
            wrap = sample(stream(seed, replication, "wrap_up", k), ct.wrap_up, n)
        if ct.patience is None:
            patience = np.full(n, np.inf)
        else:
            patience = sample(stream(seed, replication, "patience", k), ct.patience, n)
        call_type = np.full(n, k, dtype=np.int32)
        parts.append((arrival, call_type, handle, wrap, patience))

    if not parts:
        empty = np.empty(0)
        return CallDraws(empty, np.empty(0, np.int32), empty.copy(), empty.copy(), empty.copy())
    arrival, call_type, handle, wrap, patience = (
        np.concatenate(cols) for cols in zip(*parts, strict=True)
    )
    order = np.argsort(arrival, kind="stable")
    return CallDraws(
        arrival=arrival[order],
        call_type=call_type[order],
        handle=handle[order],
        wrap=wrap[order],
        patience=patience[order],
    )


def _aht_scale(ct, arrival: np.ndarray, horizon) -> np.ndarray:
    """Per call, forecast AHT of its interval / the distribution's mean (1 where not given)."""
    factors = np.array(
        [1.0 if a is None else a / ct.handle_time.mean for a in ct.aht], dtype=np.float64
    )
    idx = ((arrival - horizon.start) // horizon.interval).astype(np.int64)
    return factors[np.clip(idx, 0, factors.size - 1)]
