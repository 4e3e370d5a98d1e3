"""When callers arrive: the Poisson arrival streams (rates × busyness, with
surges), and the callers coming through the IVR and the paths they take there
(`ccsim.models.calls.draw_calls`)."""

from __future__ import annotations

import numpy as np

from ccsim.kernels.draws import poisson_arrivals, sample
from ccsim.models.call_draws import (
    IVR_ARRIVALS,
    SURGE,
    VIA_IVR,
    Part,
)
from ccsim.models.caller_attributes import _attributes
from ccsim.observations import IVR_HANG_UP, SELF_SERVED
from ccsim.scenario.model import IVR_HANG_UP as IVR_HANG_UP_NAME
from ccsim.scenario.model import IVR_SELF_SERVICE, Scenario
from ccsim.streams import stream


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


def _ivr_callers(scenario: Scenario, seed: int, replication: int, busy: float) -> list[Part]:
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
    parts: list[Part] = []
    for k in range(len(scenario.call_types)):
        mine = target == k
        a = arrival[mine]
        handle, wrap, patience = _attributes(
            scenario, seed, replication, k, VIA_IVR + k, a, a + ivr_time[mine]
        )
        parts.append(Part(a, k, handle, wrap, patience, ivr_time[mine], True))
    left = target < 0
    n = int(left.sum())
    exit_code = np.where(target[left] == SELF_SERVICE_TARGET, SELF_SERVED, IVR_HANG_UP)
    parts.append(
        Part(
            arrival[left],
            -1,
            np.zeros(n),
            np.zeros(n),
            np.full(n, np.inf),
            ivr_time[left],
            True,
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
