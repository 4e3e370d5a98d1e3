"""The SimPy model of one day in the contact center.

Call flow (design.md): arrival → trunk check (all lines busy ⇒ blocked) → queue
of its call type → answered by an eligible agent, or abandoned when its patience
runs out → talk → after-call work (the caller has hung up and freed the line;
the agent is still busy) → agent free.

The callers and all their random attributes come pre-drawn (`ccsim.calls`), so
the model makes no random draw of its own: two staffing plans see the same
callers, and another engine can reproduce this one call by call.

SimPy schedules everything; the per-call steps are plain callbacks on timeouts
rather than one process per call, which is the cheap way to use SimPy when a
step never has to wait on more than one thing.
"""

from __future__ import annotations

import simpy

from ccsim.calls import CallDraws
from ccsim.models.routing import Router
from ccsim.models.staffing import constant_staffing
from ccsim.observations import ABANDONED, ANSWERED, BLOCKED, Observations
from ccsim.scenario.model import Scenario


class ContactCenter:
    """Holds the day's state and records each call's outcome into arrays."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, calls: CallDraws) -> None:
        self.env = env
        self.scenario = scenario
        self.calls = calls
        n = calls.arrival.shape[0]
        self.obs = Observations.empty(n, len(scenario.agent_groups), scenario.horizon.n_intervals)
        self.obs.call_type[:] = calls.call_type
        self.obs.arrival[:] = calls.arrival
        self.trunks = scenario.trunks
        self.lines_busy = 0
        type_index = {c.name: k for k, c in enumerate(scenario.call_types)}
        self.router = Router(
            group_skills=[[type_index[s] for s in g.skills] for g in scenario.agent_groups],
            group_sizes=[g.agents for g in scenario.agent_groups],
            n_call_types=len(scenario.call_types),
            offered=self.obs.offered,
            start=scenario.horizon.start,
        )

    # -- processes ---------------------------------------------------------
    def arrivals(self):
        """The one arrival process: walks the pre-drawn, sorted arrival times."""
        env = self.env
        for call, t in enumerate(self.calls.arrival.tolist()):
            if t > env.now:
                yield env.timeout(t - env.now)
            self.arrive(call)

    # -- call steps --------------------------------------------------------
    def arrive(self, call: int) -> None:
        obs = self.obs
        if self.trunks is not None and self.lines_busy >= self.trunks:
            obs.outcome[call] = BLOCKED
            return
        self.lines_busy += 1
        now = self.env.now
        obs.offered[call] = now
        call_type = int(self.calls.call_type[call])
        group, agent = self.router.take_idle_agent(call_type)
        if group >= 0:
            self.answer(call, group, agent)
            return
        self.router.enqueue(call, call_type)
        patience = float(self.calls.patience[call])
        if patience != float("inf"):
            self.env.timeout(patience).callbacks.append(
                lambda _ev, call=call, call_type=call_type: self.abandon(call, call_type)
            )

    def abandon(self, call: int, call_type: int) -> None:
        if not self.router.remove_waiting(call, call_type):
            return  # answered before its patience ran out
        obs = self.obs
        obs.outcome[call] = ABANDONED
        obs.wait[call] = self.env.now - obs.offered[call]
        self.lines_busy -= 1

    def answer(self, call: int, group: int, agent: int) -> None:
        obs = self.obs
        obs.outcome[call] = ANSWERED
        obs.wait[call] = self.env.now - obs.offered[call]
        obs.group[call] = group
        talk = float(self.calls.handle[call])
        obs.talk[call] = talk
        obs.wrap[call] = self.calls.wrap[call]
        self.env.timeout(talk).callbacks.append(lambda _ev: self.hang_up(call, group, agent))

    def hang_up(self, call: int, group: int, agent: int) -> None:
        """End of talk: the caller frees the line; the agent starts after-call work."""
        self.lines_busy -= 1
        wrap = float(self.calls.wrap[call])
        if wrap > 0.0:
            self.env.timeout(wrap).callbacks.append(lambda _ev: self.agent_free(group, agent))
        else:
            self.agent_free(group, agent)

    def agent_free(self, group: int, agent: int) -> None:
        call = self.router.next_call(group)
        if call >= 0:
            self.answer(call, group, agent)
        else:
            self.router.release_agent(group, agent, self.env.now)


def simulate_day(scenario: Scenario, calls: CallDraws) -> Observations:
    """Run one replication of the day on SimPy and return its observations.

    Arrivals stop at the end of the horizon; the model then runs until every
    offered call is answered or abandoned (the drain), so no call is lost.
    """
    env = simpy.Environment(initial_time=scenario.horizon.start)
    center = ContactCenter(env, scenario, calls)
    env.process(center.arrivals())
    env.run()
    obs = center.obs
    obs.staffed[:], obs.scheduled[:] = constant_staffing(scenario)
    obs.check_conservation()
    return obs
