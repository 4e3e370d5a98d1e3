"""The callers of one replication, drawn once, before any engine runs.

Every random attribute of a call (when it arrives, how long the talk and the
after-call work last, how long the caller is willing to wait) is drawn here, in
batches, from the call type's own streams (`ccsim.streams`). Engines only read the
result, so every engine and every staffing or routing alternative run with the same
seed sees exactly the same callers: their differences are the scenario's, not noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccsim.kernels.draws import poisson_arrivals, sample, sample_by_period
from ccsim.observations import IVR_HANG_UP, SELF_SERVED
from ccsim.scenario.model import IVR_HANG_UP as IVR_HANG_UP_NAME
from ccsim.scenario.model import IVR_SELF_SERVICE, Scenario
from ccsim.streams import stream

__all__ = ["CallDraws", "draw_calls"]


#: Stream indices (within a purpose) beyond the call types' own 0..n-1, fixed so that
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
        wrap = sample(stream(seed, replication, "wrap_up", index), ct.wrap_up, n)
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


def draw_calls(scenario: Scenario, seed: int, replication: int) -> CallDraws:
    """Draw all callers of replication ``replication`` of the run with root ``seed``.

    Call type k uses streams ``("arrivals" | "handle" | "wrap_up" | "patience", k)``,
    each drawn in one batch in the type's arrival order, so adding a call type or
    changing anything but type k's own data leaves type k's callers unchanged.
    """
    horizon = scenario.horizon
    n_types = len(scenario.call_types)
    busy = busyness_factor(scenario, seed, replication)
    parts: list[tuple[np.ndarray, ...]] = []
    for k, ct in enumerate(scenario.call_types):
        if len(ct.rates) != horizon.n_intervals:
            raise ValueError(
                f"call type {ct.name!r} has {len(ct.rates)} rates but the horizon "
                f"has {horizon.n_intervals} intervals"
            )
        arrival = arrival_times(scenario, seed, replication, ct.rates, k, busy, ct.name)
        n = arrival.shape[0]
        handle, wrap, patience = _attributes(scenario, seed, replication, k, k, arrival)
        zeros = np.zeros(n)
        parts.append(
            (
                arrival,
                np.full(n, k, np.int32),
                handle,
                wrap,
                patience,
                zeros,
                zeros.astype(bool),
                np.full(n, -1, np.int8),
            )
        )
    if scenario.ivr is not None:
        parts.extend(_ivr_callers(scenario, seed, replication, busy))

    cols = [np.concatenate(c) for c in zip(*parts, strict=True)] if parts else None
    if cols is None or cols[0].size == 0:
        empty = np.empty(0)
        calls = CallDraws(empty, np.empty(0, np.int32), empty.copy(), empty.copy(), empty.copy())
        _outbound(scenario, seed, replication, calls)  # a campaign dials on a quiet day too
        return calls
    order = np.argsort(cols[0], kind="stable")
    arrival, call_type, handle, wrap, patience, ivr_time, via_ivr, ivr_exit = (
        c[order] for c in cols
    )
    calls = CallDraws(
        arrival=arrival,
        call_type=call_type,
        handle=handle,
        wrap=wrap,
        patience=patience,
        ivr_time=ivr_time,
        via_ivr=via_ivr,
        ivr_exit=ivr_exit,
        route_u=np.asarray(stream(seed, replication, "routing", 0).random(arrival.shape[0])),
    )
    for g, group in enumerate(scenario.agent_groups):
        for skill, dist in group.handle_time:
            k = scenario.call_type_index(skill)
            mine = calls.call_type == k
            own = np.full(calls.n_calls, np.nan)
            rng = stream(seed, replication, "handle", GROUP_HANDLE + g * n_types + k)
            own[mine] = sample(rng, dist, int(mine.sum()))
            calls.group_handle[(g, k)] = own
    _behaviours(scenario, seed, replication, calls)
    _outbound(scenario, seed, replication, calls)
    return calls


def _outbound(scenario: Scenario, seed: int, replication: int, calls: CallDraws) -> None:
    """Per outbound campaign, each customer's connect uniform, talk and wrap-up."""
    for c, campaign in enumerate(scenario.outbound):
        n = campaign.customers
        connect = stream(seed, replication, "outbound", c).random(n)
        talk = sample(stream(seed, replication, "outbound", 1000 + c), campaign.talk_time, n)
        wrap = (
            np.zeros(n)
            if campaign.wrap_up is None
            else sample(stream(seed, replication, "outbound", 2000 + c), campaign.wrap_up, n)
        )
        calls.outbound.append((connect, talk, wrap))


def busyness_factor(scenario: Scenario, seed: int, replication: int) -> float:
    """This replication's busyness: one draw that multiplies every arrival rate."""
    if scenario.busyness is None:
        return 1.0
    return float(sample(stream(seed, replication, "busyness", 0), scenario.busyness, 1)[0])


def arrival_times(
    scenario: Scenario,
    seed: int,
    replication: int,
    rates,
    index: int,
    busy: float = 1.0,
    call_type: str | None = None,
) -> np.ndarray:
    """A Poisson arrival stream: rates per interval × busyness, with surges.

    A surge ×f on ``[start, end)`` adds an independent Poisson stream of rate
    (f − 1)·λ there (f > 1), or keeps each arrival there with probability f
    (f < 1): both exact for a Poisson process. ``call_type`` None is the IVR,
    which only surges with events that name no call types.
    """
    h = scenario.horizon
    base = np.asarray(rates, dtype=np.float64) * busy
    arrival = poisson_arrivals(
        stream(seed, replication, "arrivals", index), base, h.start, h.interval
    )
    for e, event in enumerate(scenario.events):
        factor = event.rule.arrival_factor(event, call_type)
        if factor == 1.0:
            continue
        rng = stream(seed, replication, "arrivals", SURGE + 1000 * e + index % 1000)
        inside = (arrival >= event.start) & (arrival < event.end)
        if factor > 1.0:
            extra = poisson_arrivals(rng, base * (factor - 1.0), h.start, h.interval)
            extra = extra[(extra >= event.start) & (extra < event.end)]
            arrival = np.sort(np.concatenate([arrival, extra]), kind="stable")
        else:
            keep = ~inside | (rng.random(arrival.shape[0]) < factor)
            arrival = arrival[keep]
    return arrival


def _behaviours(scenario: Scenario, seed: int, replication: int, calls: CallDraws) -> None:
    """Pre-draw what retrials, transfers and callbacks need, per call of each type."""
    n = calls.n_calls
    redials = max((c.retrial.max_attempts - 1 for c in scenario.call_types if c.retrial), default=0)
    calls.retry_u = np.full((n, redials), np.nan)
    calls.retry_delay = np.full((n, redials), np.nan)
    calls.retry_patience = np.full((n, redials), np.nan)
    for k, ct in enumerate(scenario.call_types):
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


def _ivr_callers(
    scenario: Scenario, seed: int, replication: int, busy: float
) -> list[tuple[Any, ...]]:
    """IVR arrivals, their path through the menu tree, and the attributes of those
    routed to a call type (one part per call type, plus one for those who leave)."""
    assert scenario.ivr is not None, "only called for a scenario with an IVR"
    arrival = arrival_times(scenario, seed, replication, scenario.ivr.rates, IVR_ARRIVALS, busy)
    ivr_time, target = ivr_paths(
        scenario,
        arrival.shape[0],
        stream(seed, replication, "ivr", 0),
        stream(seed, replication, "ivr", 1),
    )
    # While self-service is down, callers who would have self-served queue instead.
    for event in scenario.events:
        to = event.rule.self_service_to(event)
        if to is not None:
            leaving = arrival + ivr_time
            down = (
                (target == SELF_SERVICE_TARGET) & (leaving >= event.start) & (leaving < event.end)
            )
            target[down] = scenario.call_type_index(to)
    parts = []
    for k in range(len(scenario.call_types)):
        mine = target == k
        a = arrival[mine]
        handle, wrap, patience = _attributes(
            scenario, seed, replication, k, VIA_IVR + k, a, a + ivr_time[mine]
        )
        n = a.shape[0]
        parts.append(
            (
                a,
                np.full(n, k, np.int32),
                handle,
                wrap,
                patience,
                ivr_time[mine],
                np.ones(n, bool),
                np.full(n, -1, np.int8),
            )
        )
    left = target < 0
    n = int(left.sum())
    exit_code = np.where(target[left] == SELF_SERVICE_TARGET, SELF_SERVED, IVR_HANG_UP)
    zeros = np.zeros(n)
    parts.append(
        (
            arrival[left],
            np.full(n, -1, np.int32),
            zeros,
            zeros,
            np.full(n, np.inf),
            ivr_time[left],
            np.ones(n, bool),
            exit_code.astype(np.int8),
        )
    )
    return parts


SELF_SERVICE_TARGET, HANG_UP_TARGET = -1, -2
_MAX_IVR_STEPS = 100_000


def ivr_paths(
    scenario: Scenario, n: int, durations: np.random.Generator, branches: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Walk ``n`` callers through the IVR tree: total IVR time and where each ends.

    Targets: a call type index, ``SELF_SERVICE_TARGET`` or ``HANG_UP_TARGET``. Nodes
    are visited in rounds (every caller takes one step per round, nodes in the
    order given), each round's durations and branch choices drawn in batches.
    """
    ivr = scenario.ivr
    assert ivr is not None, "only called for a scenario with an IVR"
    names = [node.name for node in ivr.nodes]
    types = [c.name for c in scenario.call_types]
    node_of = np.full(n, names.index(ivr.entry), dtype=np.int64)
    total = np.zeros(n)
    target = np.zeros(n, dtype=np.int64)
    active = np.ones(n, dtype=bool)
    # Branch tables: cumulative probabilities and encoded destinations per node.
    tables = []
    for node in ivr.nodes:
        cum = np.cumsum([p for _, p in node.branches])
        cum[-1] = 1.0
        dest = []
        for to, _ in node.branches:
            if to == IVR_SELF_SERVICE:
                dest.append(("exit", SELF_SERVICE_TARGET))
            elif to == IVR_HANG_UP_NAME:
                dest.append(("exit", HANG_UP_TARGET))
            elif to in types:
                dest.append(("exit", types.index(to)))
            else:
                dest.append(("node", names.index(to)))
        tables.append((cum, dest))
    for _ in range(_MAX_IVR_STEPS):
        if not active.any():
            break
        at = np.where(active, node_of, -1)  # where each caller is at the start of the round
        for j, node in enumerate(ivr.nodes):
            here = np.flatnonzero(at == j)
            if here.size == 0:
                continue
            total[here] += sample(durations, node.duration, here.size)
            cum, dest = tables[j]
            choice = np.searchsorted(cum, branches.random(here.size), side="right")
            choice = np.minimum(choice, len(dest) - 1)
            for b, (kind, value) in enumerate(dest):
                sel = here[choice == b]
                if kind == "node":
                    node_of[sel] = value
                else:
                    target[sel] = value
                    active[sel] = False
    else:
        raise RuntimeError("IVR walk did not end: a menu loop keeps callers forever")
    return total, target


def _aht_scale(ct, arrival: np.ndarray, horizon) -> np.ndarray:
    """Per call, forecast AHT of its interval / the distribution's mean (1 where not given)."""
    factors = np.array(
        [1.0 if a is None else a / ct.handle_time.mean for a in ct.aht], dtype=np.float64
    )
    idx = ((arrival - horizon.start) // horizon.interval).astype(np.int64)
    return factors[np.clip(idx, 0, factors.size - 1)]
