"""The exact steady-state figures of a scenario that is a textbook queue.

A scenario with one call type answered by one agent group, Poisson arrivals at one
rate all day, exponential handle times without wrap-up, a fixed headcount and
either no abandonment or exponential patience *is* M/M/n (Erlang C) or M/M/n+M
(Erlang A). For it the run can show, beside what it measured, what queueing theory
says in steady state: P(wait > 0), the service level, ASA and the abandon rate.
(A finite day from an empty start sits a little below these figures; a warm-up
or a long horizon closes the gap.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ccsim.scenario.model import Scenario

__all__ = ["TheoryReference", "theory_reference"]


@dataclass(frozen=True)
class TheoryReference:
    """Steady-state KPIs of the queue the scenario describes (`theory_reference`)."""

    model: str  # "Erlang C" or "Erlang A"
    agents: int
    load: float  # offered Erlangs
    p_wait: float
    service_level: float  # under the scenario's definition and threshold
    asa_s: float
    abandon_rate: float

    def as_dict(self) -> dict[str, float | int | str]:
        return dict(self.__dict__)


def _is_mm_n(scenario: Scenario) -> bool:
    """Whether the scenario is one M/M/n(+M) queue, nothing else in it."""
    if len(scenario.call_types) != 1 or len(scenario.agent_groups) != 1:
        return False
    ct, g = scenario.call_types[0], scenario.agent_groups[0]
    simple_call = (
        ct.handle_time.rule.memoryless
        and (ct.wrap_up is None or ct.wrap_up.mean == 0)
        and (ct.patience is None or ct.patience.rule.memoryless)
        and ct.retrial is None
        and ct.callback is None
        and ct.transfer is None
        and ct.channel == "voice"
        and ct.aht is None
        and not ct.handle_time_by_period
        and not ct.patience_by_period
        and len(set(ct.rates)) == 1
        and ct.rates[0] > 0
    )
    agents = g.agents_per_interval or (g.agents,)
    simple_group = (
        not g.shifts
        and len(set(agents)) == 1
        and agents[0] > 0
        and g.shrinkage == 0
        and not g.handle_time_factor
        and not g.handle_time
        and g.reserve == 0
        and g.chat_max == 1
    )
    simple_center = (
        scenario.trunks is None
        and scenario.ivr is None
        and not scenario.absences
        and scenario.busyness is None
        and not scenario.events
        and not scenario.outbound
    )
    return simple_call and simple_group and simple_center


def theory_reference(scenario: Scenario) -> TheoryReference | None:
    """Erlang C / A steady-state KPIs of ``scenario``, or None when it is not a single
    M/M/n(+M) queue (or an Erlang C queue is overloaded: no steady state)."""
    if not _is_mm_n(scenario):
        return None
    ct, g = scenario.call_types[0], scenario.agent_groups[0]
    n = (g.agents_per_interval or (g.agents,))[0]
    lam, aht = ct.rates[0], ct.handle_time.mean
    patience = math.inf if ct.patience is None else ct.patience.mean
    if math.isinf(patience) and lam * aht >= n:
        return None
    # Here, not at the top: scipy's integrate and optimize take ~0.4 s to import, and
    # every run asks this question of its scenario, most of them not textbook queues.
    from ccsim.planning.analytic import erlang_a

    m = erlang_a(n, lam, aht, patience)
    sl = scenario.service_level
    return TheoryReference(
        model="Erlang C" if math.isinf(patience) else "Erlang A",
        agents=n,
        load=lam * aht,
        p_wait=m.p_wait,
        service_level=m.service_level(sl.threshold, sl.definition),
        asa_s=m.asa,
        abandon_rate=m.p_abandon,
    )
