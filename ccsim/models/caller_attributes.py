"""Each caller's own attributes, drawn in bulk: talk, after-call work and patience
(by the period of the offer, scaled to the forecast AHT), and the behaviours of
redials, transfers and callbacks (`ccsim.models.calls.draw_calls`)."""

from __future__ import annotations

from typing import cast

import numpy as np

from ccsim.kernels.draws import sample, sample_by_period
from ccsim.models.call_draws import (
    RETRY_DELAY,
    RETRY_PATIENCE,
    CallDraws,
)
from ccsim.scenario.model import Scenario
from ccsim.streams import stream


def _attributes(
    scenario: Scenario, seed: int, replication: int, k: int, index: int, arrival, offer=None
):
    """Handle, wrap-up and patience of ``arrival.size`` callers of type k, from
    the streams of ``index`` (k for direct callers, VIA_IVR + k for IVR callers).
    ``offer``: when each is offered to the queue (default: on arrival), which picks
    the period of a per-period handle time or patience."""
    ct = scenario.call_types[k]
    n = arrival.shape[0]
    offer = arrival if offer is None else offer
    rng = stream(seed, replication, "handle", index)
    handle = draw_by_offer(rng, ct.handle_time, ct.handle_time_by_period, offer)
    if ct.aht is not None:
        handle *= _aht_scale(ct, arrival, scenario.horizon)
    if ct.wrap_up is None:
        wrap = np.zeros(n)
    else:
        wrap = sample(_lazy_stream(seed, replication, "wrap_up", index), ct.wrap_up, n)
    if ct.patience is None:
        patience = np.full(n, np.inf)
    else:
        rng = stream(seed, replication, "patience", index)
        patience = draw_by_offer(rng, ct.patience, ct.patience_by_period, offer)
    return handle, wrap, patience


def draw_by_offer(rng: np.random.Generator, dist, periods, offer: np.ndarray) -> np.ndarray:
    """One draw per call: from the period its offer time falls in when the scenario
    gives ``periods`` (see `ccsim.scenario.periods`), else from ``dist``."""
    if periods:
        return sample_by_period(rng, periods, offer)
    return sample(rng, dist, offer.shape[0])


def _behaviours(scenario: Scenario, seed: int, replication: int, calls: CallDraws) -> None:
    """Pre-draw what retrials, transfers and callbacks need, per call of each type."""
    n = calls.n_calls
    redials = max((c.retrial.max_attempts - 1 for c in scenario.call_types if c.retrial), default=0)
    if redials:  # else the columns stay empty, (n, 0)
        calls.retry_u = np.full((n, redials), np.nan)
        calls.retry_delay = np.full((n, redials), np.nan)
        calls.retry_patience = np.full((n, redials), np.nan)
    for k, ct in enumerate(scenario.call_types):
        if ct.retrial is None and ct.transfer is None and ct.callback is None:
            continue  # nothing to draw for this type's callers
        mine = np.flatnonzero(calls.call_type == k)
        m = mine.size
        # A redial or a transferred leg takes the period of the caller's first offer
        # (its own offer time is not known before the engine runs).
        offer = calls.arrival[mine] + calls.ivr_time[mine]
        if ct.retrial is not None and m:
            r = ct.retrial.max_attempts - 1
            calls.retry_u[mine, :r] = stream(seed, replication, "retrial", k).random((m, r))
            delay = sample(
                stream(seed, replication, "retrial", RETRY_DELAY + k), ct.retrial.delay, m * r
            )
            calls.retry_delay[mine, :r] = delay.reshape(m, r)
            if ct.patience is None:
                calls.retry_patience[mine, :r] = np.inf
            else:
                rng = stream(seed, replication, "retrial", RETRY_PATIENCE + k)
                drawn = draw_by_offer(rng, ct.patience, ct.patience_by_period, np.repeat(offer, r))
                calls.retry_patience[mine, :r] = drawn.reshape(m, r)
        if ct.transfer is not None and m:
            to = scenario.call_types[scenario.call_type_index(ct.transfer.to)]
            calls.transfer_u[mine] = stream(seed, replication, "transfer", k).random(m)
            calls.transfer_handle[mine] = draw_by_offer(
                stream(seed, replication, "transfer", 1000 + k),
                to.handle_time,
                to.handle_time_by_period,
                offer,
            )
            calls.transfer_wrap[mine] = (
                0.0
                if to.wrap_up is None
                else sample(stream(seed, replication, "transfer", 2000 + k), to.wrap_up, m)
            )
            calls.transfer_patience[mine] = (
                np.inf
                if to.patience is None
                else draw_by_offer(
                    stream(seed, replication, "transfer", 3000 + k),
                    to.patience,
                    to.patience_by_period,
                    offer,
                )
            )
        if ct.callback is not None and m:
            calls.callback_u[mine] = stream(seed, replication, "callback", k).random((m, 2))


def _aht_scale(ct, arrival: np.ndarray, horizon) -> np.ndarray:
    """Per call, forecast AHT of its interval / the distribution's mean (1 where not given)."""
    factors = np.array(
        [1.0 if a is None else a / ct.handle_time.mean for a in ct.aht], dtype=np.float64
    )
    idx = ((arrival - horizon.start) // horizon.interval).astype(np.int64)
    return factors[np.clip(idx, 0, factors.size - 1)]


def _lazy_stream(seed: int, replication: int, purpose: str, index: int) -> np.random.Generator:
    """`stream` made on first use (`_Lazy`), typed as the generator it stands for."""
    return cast(np.random.Generator, _Lazy(seed, replication, purpose, index))


class _Lazy:
    """The stream ``(seed, replication, purpose, index)``, made on first use: a
    fixed after-call work (``wrap_up: 30s``, a call type's or a campaign's) draws no
    numbers and so never pays for a generator."""

    __slots__ = ("address", "rng")

    def __init__(self, *address: object) -> None:
        self.address = address
        self.rng: np.random.Generator | None = None

    def __getattr__(self, name: str) -> object:
        if self.rng is None:
            self.rng = stream(*self.address)  # type: ignore[arg-type]
        return getattr(self.rng, name)
