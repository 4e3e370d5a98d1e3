"""The SimPy model of one day in the contact center.

Call flow (design.md): arrival → trunk check (all lines busy ⇒ blocked) → IVR
for callers who come through it (menu time; self-service or hang-up end the call
there) → queue of its call type → answered by an eligible agent (routing rules in
`ccsim.models.routing`), or abandoned when its patience runs out → talk →
after-call work (the caller has hung up and freed the line; the agent is still
busy) → agent free.

The callers and all their random attributes come pre-drawn (`ccsim.models.calls`), so
the model makes no random draw of its own: two staffing plans see the same
callers, and another engine can reproduce this one call by call.

SimPy schedules everything. Agents' days are processes (`ccsim.models.agents`);
the per-call steps are plain callbacks on timeouts rather than one process per
call, the cheap way to use SimPy when a step never waits on more than one thing.
"""

from __future__ import annotations

import numpy as np
import simpy

from ccsim.kernels import staffing as cut
from ccsim.models.agents import agent_day
from ccsim.models.call_life import CallLife
from ccsim.models.callbacks_outbound import CallbacksOutbound
from ccsim.models.calls import CallDraws
from ccsim.models.floor import AgentFloor
from ccsim.models.legs import Legs
from ccsim.models.roster import build_roster, scheduled_time
from ccsim.models.routing import Router
from ccsim.observations import (
    Observations,
)
from ccsim.scenario.kinds.events import trunk_outages
from ccsim.scenario.model import Scenario


class ContactCenter(CallLife, CallbacksOutbound, AgentFloor):
    """Holds the day's state and records each leg's outcome into arrays.

    The steps live in the mixins: a call's life (`ccsim.models.call_life`),
    callbacks and outbound (`ccsim.models.callbacks_outbound`), the agents on the
    floor (`ccsim.models.floor`).
    """

    def __init__(
        self, env: simpy.Environment, scenario: Scenario, calls: CallDraws, plans: list
    ) -> None:
        self.env = env
        self.scenario = scenario
        self.calls = calls
        self.plans = plans
        self.legs = Legs(scenario, calls)
        self.obs = self.legs.obs
        self.trunks = scenario.trunks
        self.trunk_outages = trunk_outages(scenario.events)
        self.lines_busy = 0
        self.agent_group = [p.group for p in plans]
        self.router = Router(scenario, self.obs.offered, self.agent_group)
        types = [c.name for c in scenario.call_types]
        self.handle_factor = {
            (g, types.index(skill)): factor
            for g, group in enumerate(scenario.agent_groups)
            for skill, factor in group.handle_time_factor
        }
        self.types = scenario.call_types
        self.transfer_to = [
            types.index(c.transfer.to) if c.transfer else -1 for c in scenario.call_types
        ]
        self.mean_handle = [c.handle_time.mean for c in scenario.call_types]
        self.last_wait = [0.0] * len(types)
        # Per agent: on the floor since (None when off it), and a pending
        # request to leave the floor once the current call is done.
        self.on_floor_since: list[float | None] = [None] * len(plans)
        self.on_floor = [0] * len(scenario.agent_groups)
        self.busy = [False] * len(plans)
        self.active = [0] * len(plans)  # chats in progress per agent
        self.chat_max = [g.chat_max for g in scenario.agent_groups]
        groups = [g.name for g in scenario.agent_groups]
        # Outbound: customers dialed so far per campaign; campaigns per group.
        self.dialed = [0] * len(scenario.outbound)
        self.campaigns_of: list[list[int]] = [[] for _ in groups]
        for c, campaign in enumerate(scenario.outbound):
            for name in campaign.groups:
                self.campaigns_of[groups.index(name)].append(c)
        self.chat_factors = [g.chat_factors for g in scenario.agent_groups]
        self.leave_request: list[simpy.Event | None] = [None] * len(plans)
        self.free_at = [scenario.horizon.start] * len(plans)
        # The staffing cut: who holds which plan, and the ghosts (`cut.relieve_ghost`).
        self.by_count = [g.staffing_cut == "by_count" for g in scenario.agent_groups]
        self.cut = cut.new_cut_state(len(plans), len(groups))
        self.holder, self.plan_of, self.ghost, self.n_ghosts, self.ghost_counter = self.cut
        self.agent_group_array = np.asarray(self.agent_group, dtype=np.int64)

    # -- processes ---------------------------------------------------------
    def arrivals(self):
        """The one arrival process: walks the pre-drawn, sorted arrival times."""
        env = self.env
        for call, t in enumerate(self.calls.arrival.tolist()):
            if t > env.now:
                yield env.timeout(t - env.now)
            self.arrive(call)


def simulate_day(
    scenario: Scenario, calls: CallDraws, seed: int = 0, replication: int = 0
) -> Observations:
    """Run one replication of the day on SimPy and return its observations.

    Arrivals stop at the end of the horizon; agents on duty then stay until every
    offered call is answered or abandoned (the drain), so no call is lost.
    ``seed`` and ``replication`` select the shrinkage draws of the roster.
    """
    env = simpy.Environment(initial_time=scenario.horizon.start)
    plans = build_roster(scenario, seed, replication)
    center = ContactCenter(env, scenario, calls, plans)
    for agent, plan in enumerate(plans):
        env.process(agent_day(center, agent, plan))
    env.process(center.arrivals())
    for c in range(len(scenario.outbound)):
        env.process(center.campaign_opens(c))
    env.run()
    center.close()
    obs = center.legs.result()
    obs.scheduled[:] = scheduled_time(scenario, plans)
    obs.check_conservation()
    return obs
