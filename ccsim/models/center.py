"""The SimPy model of one day in the contact center.

Call flow (design.md): arrival → trunk check (all lines busy ⇒ blocked) → IVR
for callers who come through it (menu time; self-service or hang-up end the call
there) → queue of its call type → answered by an eligible agent (routing rules in
`ccsim.models.routing`), or abandoned when its patience runs out → talk →
after-call work (the caller has hung up and freed the line; the agent is still
busy) → agent free.

The callers and all their random attributes come pre-drawn (`ccsim.calls`), so
the model makes no random draw of its own: two staffing plans see the same
callers, and another engine can reproduce this one call by call.

SimPy schedules everything. Agents' days are processes (`ccsim.models.agents`);
the per-call steps are plain callbacks on timeouts rather than one process per
call, the cheap way to use SimPy when a step never waits on more than one thing.
"""

from __future__ import annotations

import math

import simpy

from ccsim.calls import CallDraws
from ccsim.models.agents import agent_day
from ccsim.models.roster import add_time, build_roster, scheduled_time
from ccsim.models.routing import Router
from ccsim.observations import ABANDONED, ANSWERED, BLOCKED, Observations
from ccsim.scenario.model import Scenario


class ContactCenter:
    """Holds the day's state and records each call's outcome into arrays."""

    def __init__(
        self, env: simpy.Environment, scenario: Scenario, calls: CallDraws, plans: list
    ) -> None:
        self.env = env
        self.scenario = scenario
        self.calls = calls
        self.plans = plans
        h = scenario.horizon
        n = calls.n_calls
        self.obs = Observations.empty(n, len(scenario.agent_groups), h.n_intervals)
        self.obs.call_type[:] = calls.call_type
        self.obs.arrival[:] = calls.arrival
        self.obs.ivr_time[:] = calls.ivr_time
        self.obs.via_ivr[:] = calls.via_ivr
        self.trunks = scenario.trunks
        self.lines_busy = 0
        self.agent_group = [p.group for p in plans]
        self.router = Router(scenario, self.obs.offered, self.agent_group)
        types = [c.name for c in scenario.call_types]
        self.handle_factor = {
            (g, types.index(skill)): factor
            for g, group in enumerate(scenario.agent_groups)
            for skill, factor in group.handle_time_factor
        }
        # Per agent: on the floor since (None when off it), and a pending
        # request to leave the floor once the current call is done.
        self.on_floor_since: list[float | None] = [None] * len(plans)
        self.busy = [False] * len(plans)
        self.leave_request: list[simpy.Event | None] = [None] * len(plans)
        self.free_at = [scenario.horizon.start] * len(plans)

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
        calls = self.calls
        if self.trunks is not None and self.lines_busy >= self.trunks:
            self.obs.outcome[call] = BLOCKED
            if calls.via_ivr[call]:
                self.obs.call_type[call] = -1  # the IVR never decided its type
            return
        self.lines_busy += 1
        if calls.via_ivr[call]:
            self.env.timeout(float(calls.ivr_time[call])).callbacks.append(
                lambda _ev: self.leave_ivr(call)
            )
        else:
            self.offer(call)

    def leave_ivr(self, call: int) -> None:
        exit_code = int(self.calls.ivr_exit[call])
        if exit_code >= 0:  # self-served or hung up in the IVR
            self.obs.outcome[call] = exit_code
            self.lines_busy -= 1
        else:
            self.offer(call)

    def offer(self, call: int) -> None:
        env, obs, router = self.env, self.obs, self.router
        obs.offered[call] = env.now
        k = int(self.calls.call_type[call])
        u = float(self.calls.route_u[call])
        agent = router.take_idle_agent(k, router.initial_groups[k], u)
        if agent >= 0:
            self.answer(call, agent)
            return
        router.enqueue(call, k)
        patience = float(self.calls.patience[call])
        if patience != math.inf:
            env.timeout(patience).callbacks.append(lambda _ev: self.abandon(call, k))
        for after, groups in router.overflow[k]:
            if after >= patience:
                break
            env.timeout(after).callbacks.append(
                lambda _ev, groups=groups: self.overflow(call, k, groups, u)
            )

    def overflow(self, call: int, k: int, groups: list[int], u: float) -> None:
        """The call has waited long enough for ``groups`` too: try their idle agents."""
        if not self.router.waiting[call]:
            return
        agent = self.router.take_idle_agent(k, groups, u)
        if agent >= 0:
            self.router.remove_waiting(call, k)
            self.answer(call, agent)

    def abandon(self, call: int, k: int) -> None:
        if not self.router.remove_waiting(call, k):
            return  # answered before its patience ran out
        obs = self.obs
        obs.outcome[call] = ABANDONED
        obs.wait[call] = self.env.now - obs.offered[call]
        self.lines_busy -= 1

    def answer(self, call: int, agent: int) -> None:
        obs, calls = self.obs, self.calls
        g = self.agent_group[agent]
        k = int(calls.call_type[call])
        obs.outcome[call] = ANSWERED
        obs.wait[call] = self.env.now - obs.offered[call]
        obs.group[call] = g
        own = calls.group_handle.get((g, k))
        if own is not None:
            talk = float(own[call])
        else:
            talk = float(calls.handle[call]) * self.handle_factor.get((g, k), 1.0)
        obs.talk[call] = talk
        obs.wrap[call] = calls.wrap[call]
        self.busy[agent] = True
        self.env.timeout(talk).callbacks.append(lambda _ev: self.hang_up(call, agent))

    def hang_up(self, call: int, agent: int) -> None:
        """End of talk: the caller frees the line; the agent starts after-call work."""
        self.lines_busy -= 1
        wrap = float(self.obs.wrap[call])
        if wrap > 0.0:
            self.env.timeout(wrap).callbacks.append(lambda _ev: self.agent_free(agent))
        else:
            self.agent_free(agent)

    # -- agents ------------------------------------------------------------
    def agent_free(self, agent: int) -> None:
        self.busy[agent] = False
        self.free_at[agent] = self.env.now
        request = self.leave_request[agent]
        if request is not None:  # a break, absence or shift end was waiting for this call
            self.leave_request[agent] = None
            request.succeed()
            return
        self.next_call_or_idle(agent)

    def next_call_or_idle(self, agent: int) -> None:
        call = self.router.next_call(self.agent_group[agent], self.env.now)
        if call >= 0:
            self.answer(call, agent)
        else:
            self.router.release_agent(agent, self.env.now)

    def make_available(self, agent: int) -> None:
        """The agent is on the floor (logged in, not on break) and takes calls."""
        self.on_floor_since[agent] = self.env.now
        self.next_call_or_idle(agent)

    def take_off_floor(self, agent: int):
        """Process step: take the agent off the floor, after the call in progress."""
        if self.busy[agent]:
            request = self.env.event()
            self.leave_request[agent] = request
            yield request
        else:
            self.router.withdraw_agent(agent)
        self._record_floor_time(agent)
        self.on_floor_since[agent] = None

    def _record_floor_time(self, agent: int, until: float | None = None) -> None:
        since = self.on_floor_since[agent]
        if since is not None:
            h = self.scenario.horizon
            until = self.env.now if until is None else until
            add_time(self.obs.staffed[self.agent_group[agent]], since, until, h.start, h.interval)

    def close(self) -> None:
        """End of the run: count floor time, and close the queues.

        Callers still waiting now have no agent left who could ever answer them (a
        caller with finite patience would have left by its own timer): they hang
        up when the center closes, and count as abandoned. Agents on duty at the
        end of the horizon worked until their last call ended: overtime.
        """
        end = self.scenario.horizon.end
        for agent, plan in enumerate(self.plans):
            self._record_floor_time(agent, until=max(self.env.now, end))
            if plan.open_end and not plan.absent_all_shift:
                # Work past the end of the day, draining the queues, is overtime too.
                self.obs.overtime[plan.group] += max(0.0, self.free_at[agent] - end)
        closing = max(self.env.now, end)
        obs = self.obs
        for k, queue in enumerate(self.router.queues):
            for call in queue:
                if self.router.remove_waiting(call, k):
                    obs.outcome[call] = ABANDONED
                    obs.wait[call] = closing - obs.offered[call]


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
    env.run()
    center.close()
    obs = center.obs
    obs.scheduled[:] = scheduled_time(scenario, plans)
    obs.check_conservation()
    return obs
