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

import math

import numpy as np
import simpy

from ccsim.kernels import decisions as rule
from ccsim.kernels import engine as cut
from ccsim.models.agents import agent_day
from ccsim.models.calls import CallDraws
from ccsim.models.legs import CALLBACK, RETRIAL, TRANSFER, Legs
from ccsim.models.roster import add_time, build_roster, scheduled_time
from ccsim.models.routing import Router
from ccsim.observations import (
    ABANDONED,
    ANSWERED,
    BLOCKED,
    CALLBACK_REQUESTED,
    NOT_REACHED,
    Observations,
)
from ccsim.scenario.kinds.events import trunk_outages
from ccsim.scenario.model import Scenario


class ContactCenter:
    """Holds the day's state and records each leg's outcome into arrays."""

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

    # -- call steps --------------------------------------------------------
    def lines_now(self) -> float:
        """Working trunks now: the scenario's, less any trunk outage in force."""
        lines = math.inf if self.trunks is None else self.trunks
        now = self.env.now
        for start, end, trunks in self.trunk_outages:
            if rule.outage_in_force(now, start, end):
                lines = min(lines, trunks)
        return lines

    def arrive(self, row: int) -> None:
        obs, legs = self.obs, self.legs
        k = int(legs.call_type[row])
        if k >= 0 and self.router.is_chat[k]:
            self.offer(row)  # a chat uses no phone line
            return
        if not rule.line_free(self.lines_busy, self.lines_now()):
            obs.outcome[row] = BLOCKED
            if obs.via_ivr[row]:
                obs.call_type[row] = -1  # the IVR never decided its type
            self.maybe_redial(row, blocked=True)
            return
        self.lines_busy += 1
        legs.holds_line[row] = True
        if obs.via_ivr[row]:
            self.env.timeout(float(obs.ivr_time[row])).callbacks.append(
                lambda _ev: self.leave_ivr(row)
            )
        else:
            self.offer(row)

    def release_line(self, row: int) -> None:
        if self.legs.holds_line[row]:
            self.legs.holds_line[row] = False
            self.lines_busy -= 1

    def leave_ivr(self, row: int) -> None:
        exit_code = int(self.legs.ivr_exit[row])
        if exit_code >= 0:  # self-served or hung up in the IVR
            self.obs.outcome[row] = exit_code
            self.release_line(row)
        else:
            self.offer(row)

    def offer(self, row: int) -> None:
        env, obs, router, legs = self.env, self.obs, self.router, self.legs
        obs.offered[row] = env.now
        k = int(legs.call_type[row])
        u = float(legs.route_u[row])
        agent = self.agent_for(k, router.initial_groups[k], u)
        if agent >= 0:
            self.answer(row, agent)
            return
        live = rule.is_live(int(obs.leg[row]))
        if live and self.types[k].callback is not None and self.offer_callback(row, k):
            return
        router.enqueue(row, k)
        patience = float(legs.patience[row])
        if patience != math.inf:
            env.timeout(patience).callbacks.append(lambda _ev: self.abandon(row, k))
        for after, groups in router.overflow[k]:
            if not rule.overflow_in_time(after, patience):
                break
            env.timeout(after).callbacks.append(
                lambda _ev, groups=groups: self.overflow(row, k, groups, u)  # type: ignore[misc]
            )

    def overflow(self, row: int, k: int, groups: list[int], u: float) -> None:
        """The call has waited long enough for ``groups`` too: try their idle agents."""
        if not self.router.waiting[row]:
            return
        agent = self.agent_for(k, groups, u)
        if agent >= 0:
            self.router.remove_waiting(row, k)
            self.answer(row, agent)

    def agent_for(self, k: int, groups: list[int], u: float) -> int:
        """An agent of ``groups`` free for a call of type k: an idle one, or for a chat
        an agent in chats with a free slot (the fewest chats first); -1 if none."""
        agent = self.router.take_idle_agent(k, groups, u)
        if agent < 0 and self.router.is_chat[k]:
            agent = self.router.take_partial_agent(groups, self.active)
        return agent

    def abandon(self, row: int, k: int) -> None:
        if not self.router.remove_waiting(row, k):
            return  # answered before its patience ran out
        obs = self.obs
        obs.outcome[row] = ABANDONED
        obs.wait[row] = self.env.now - obs.offered[row]
        self.release_line(row)
        self.maybe_redial(row, blocked=False)

    def answer(self, row: int, agent: int) -> None:
        obs, legs = self.obs, self.legs
        g = self.agent_group[agent]
        k = int(legs.call_type[row])
        obs.outcome[row] = ANSWERED
        obs.wait[row] = self.env.now - obs.offered[row]
        obs.group[row] = g
        caller = int(obs.caller[row])
        own = self.calls.group_handle.get((g, k))
        leg = int(obs.leg[row])
        if own is not None and rule.uses_own_handle(True, leg):
            talk = float(own[caller])
        else:
            talk = float(legs.handle[row]) * self.handle_factor.get((g, k), 1.0)
        if self.router.is_chat[k]:
            self.active[agent] += 1
            talk *= self.chat_factors[g][self.active[agent] - 1]
            self._update_partial(agent)
        obs.talk[row] = talk
        obs.wrap[row] = legs.wrap[row]
        if rule.sets_last_wait(leg):
            self.last_wait[k] = float(obs.wait[row])
        self.busy[agent] = True
        self.env.timeout(talk).callbacks.append(lambda _ev: self.hang_up(row, agent))

    def hang_up(self, row: int, agent: int) -> None:
        """End of talk: the caller frees the line (or is transferred, keeping it);
        the agent starts after-call work."""
        if not self.maybe_transfer(row):
            self.release_line(row)
        wrap = float(self.obs.wrap[row])
        done = self.chat_done if self.router.is_chat[int(self.legs.call_type[row])] else None
        if done is None:
            done = self.agent_free
        if wrap > 0.0:
            self.env.timeout(wrap).callbacks.append(lambda _ev: done(agent))
        else:
            done(agent)

    # -- caller behaviours ---------------------------------------------------
    def maybe_redial(self, row: int, blocked: bool) -> None:
        """After a blocked or abandoned attempt, the caller may call again later."""
        obs, legs, calls = self.obs, self.legs, self.calls
        caller = int(obs.caller[row])
        k = int(legs.call_type[caller])
        retrial = self.types[k].retrial if k >= 0 else None
        if retrial is None:
            return
        attempt = int(obs.attempt[row])
        leg = int(obs.leg[row])
        if not rule.is_live(leg) or not rule.may_redial(
            blocked, retrial.after_blocked, attempt, retrial.max_attempts
        ):
            return
        if not rule.draw_says_yes(float(calls.retry_u[caller, attempt]), retrial.probability):
            return

        def redial(_ev) -> None:
            new = legs.add(caller, RETRIAL, self.env.now, k)
            obs.attempt[new] = attempt + 1
            legs.patience[new] = calls.retry_patience[caller, attempt]
            self.arrive(new)

        self.env.timeout(float(calls.retry_delay[caller, attempt])).callbacks.append(redial)

    def maybe_transfer(self, row: int) -> bool:
        """After talk, a share of a type's calls go on to another type (same caller,
        same line). A transferred leg is not transferred again."""
        obs, legs, calls = self.obs, self.legs, self.calls
        k = int(legs.call_type[row])
        transfer = self.types[k].transfer
        if transfer is None or not rule.is_live(int(obs.leg[row])):
            return False
        caller = int(obs.caller[row])
        if not rule.draw_says_yes(float(calls.transfer_u[caller]), transfer.probability):
            return False
        to = self.transfer_to[k]
        new = legs.add(caller, TRANSFER, self.env.now, to)
        legs.handle[new] = calls.transfer_handle[caller]
        legs.wrap[new] = calls.transfer_wrap[caller]
        legs.patience[new] = calls.transfer_patience[caller]
        legs.holds_line[new] = legs.holds_line[row]  # the caller's line, if any (not a chat's)
        legs.holds_line[row] = False
        self.offer(new)
        return True

    def predicted_wait(self, k: int) -> float:
        """The wait a caller of type k is told to expect (the callback's predictor)."""
        cb = self.types[k].callback
        assert cb is not None, "only called for a call type with callbacks"
        agents = sum(self.on_floor[g] for g in self.router.initial_groups[k])
        return rule.predicted_wait(
            cb.predictor == "last_wait",
            self.last_wait[k],
            self.router.n_waiting[k],
            self.mean_handle[k],
            agents,
        )

    def offer_callback(self, row: int, k: int) -> bool:
        """Offer a callback if the predicted wait is too long; True if accepted."""
        cb = self.types[k].callback
        assert cb is not None, "only called for a call type with callbacks"
        if not rule.offers_callback(self.predicted_wait(k), cb.threshold):
            return False
        obs, legs = self.obs, self.legs
        obs.callback_offered[row] = True
        caller = int(obs.caller[row])
        if not rule.draw_says_yes(float(self.calls.callback_u[caller, 0]), cb.accept):
            return False
        now = self.env.now
        obs.outcome[row] = CALLBACK_REQUESTED
        obs.wait[row] = 0.0
        self.release_line(row)
        new = legs.add(caller, CALLBACK, now, k)
        obs.offered[new] = now  # the request: the callback's wait runs from here
        agent = self.router.take_idle_agent(k, self.router.initial_groups[k], 0.0)
        if agent >= 0:
            self.dial_callback(new, agent)
        else:
            self.router.request_callback(new, k)
        return True

    def dial_callback(self, row: int, agent: int) -> None:
        """The agent calls the customer back: reached, a normal call; else the try."""
        obs, legs = self.obs, self.legs
        k = int(legs.call_type[row])
        cb = self.types[k].callback
        assert cb is not None, "only called for a call type with callbacks"
        caller = int(obs.caller[row])
        if rule.draw_says_yes(float(self.calls.callback_u[caller, 1]), cb.reach):
            self.answer(row, agent)
            return
        obs.outcome[row] = NOT_REACHED
        obs.wait[row] = self.env.now - obs.offered[row]
        obs.group[row] = self.agent_group[agent]
        obs.talk[row] = cb.attempt_time
        obs.wrap[row] = 0.0
        self.busy[agent] = True
        self.env.timeout(cb.attempt_time).callbacks.append(lambda _ev: self.agent_free(agent))

    # -- agents ------------------------------------------------------------
    def _update_partial(self, agent: int) -> None:
        """Keep the agent in its group's pool of chat agents with a free slot."""
        g = self.agent_group[agent]
        pool = self.router.partial[g]
        leaving = self.leave_request[agent] is not None
        if rule.chat_slot_free(self.active[agent], self.chat_max[g], leaving):
            pool.add(agent)
        else:
            pool.discard(agent)

    def chat_done(self, agent: int) -> None:
        """A chat (and its wrap-up) ended: take another chat, or become free."""
        self.active[agent] -= 1
        if self.active[agent] == 0:
            self._update_partial(agent)
            self.agent_free(agent)
            return
        if self.leave_request[agent] is None:
            row = self.router.next_call(self.agent_group[agent], self.env.now, only_chat=True)
            if row >= 0:
                self.answer(row, agent)
                return
        self._update_partial(agent)

    def agent_free(self, agent: int) -> None:
        self.busy[agent] = False
        self.free_at[agent] = self.env.now
        request = self.leave_request[agent]
        if request is not None:  # a break, absence or shift end was waiting for this call
            self.leave_request[agent] = None
            cut.ghost_leaves(self.ghost, self.n_ghosts, agent, self.agent_group[agent])
            request.succeed()
            return
        self.next_call_or_idle(agent)

    def relieve_ghost(self, agent: int) -> bool:
        """By count: a free agent leaves in place of the group's oldest ghost, whose
        shift-end process goes on now (`cut.relieve_ghost`); True if it did."""
        g = self.agent_group[agent]
        if not self.by_count[g] or not self.n_ghosts[g]:
            return False
        stayer = cut.relieve_ghost(
            self.holder, self.plan_of, self.ghost, self.n_ghosts, self.agent_group_array, agent
        )
        request = self.leave_request[stayer]
        self.leave_request[stayer] = None
        self._update_partial(stayer)  # back to taking chats
        request.succeed()
        return True

    def next_call_or_idle(self, agent: int) -> None:
        if self.relieve_ghost(agent):
            return
        row, is_callback = self.router.next_work(self.agent_group[agent], self.env.now)
        if row < 0:
            if not self.try_outbound(agent):
                self.router.release_agent(agent, self.env.now)
        elif is_callback:
            self.dial_callback(row, agent)
        else:
            self.answer(row, agent)

    # -- outbound ------------------------------------------------------------
    def campaign_for(self, group: int) -> int:
        """The group's campaign that may dial now (open, customers left), or -1."""
        now = self.env.now
        for c in self.campaigns_of[group]:
            campaign = self.scenario.outbound[c]
            if rule.campaign_open(
                now, campaign.start, campaign.end, self.dialed[c], campaign.customers
            ):
                return c
        return -1

    def try_outbound(self, agent: int) -> bool:
        """A free agent with no inbound call to take dials, if enough others stay idle."""
        g = self.agent_group[agent]
        if not self.campaigns_of[g]:
            return False
        c = self.campaign_for(g)
        if c < 0:
            return False
        if not rule.dial_allows(self.router.n_idle[g], self.scenario.outbound[c].idle_threshold):
            return False
        self.dial(agent, c)
        return True

    def dial(self, agent: int, c: int) -> None:
        campaign = self.scenario.outbound[c]
        connect, talk, wrap = self.calls.outbound[c]
        i = self.dialed[c]
        self.dialed[c] += 1
        obs = self.obs
        row = self.legs.add_outbound(self.env.now)
        obs.group[row] = self.agent_group[agent]
        if rule.draw_says_yes(float(connect[i]), campaign.connect):
            obs.outcome[row] = ANSWERED
            obs.talk[row], obs.wrap[row] = talk[i], wrap[i]
        else:
            obs.outcome[row] = NOT_REACHED
            obs.talk[row], obs.wrap[row] = campaign.attempt_time, 0.0
        self.busy[agent] = True
        self.env.timeout(float(obs.talk[row] + obs.wrap[row])).callbacks.append(
            lambda _ev: self.agent_free(agent)
        )

    def campaign_opens(self, c: int):
        """Process: at the campaign's start, idle blended agents begin dialing."""
        campaign = self.scenario.outbound[c]
        if campaign.start > self.env.now:
            yield self.env.timeout(campaign.start - self.env.now)
        names = [g.name for g in self.scenario.agent_groups]
        for name in campaign.groups:
            g = names.index(name)
            while (
                rule.dial_allows(self.router.n_idle[g] - 1, campaign.idle_threshold)
                and self.campaign_for(g) >= 0
            ):  # the dialing agent is one of the idle ones
                agent = self.router.longest_idle(g)
                if agent < 0:
                    break
                self.router.withdraw_agent(agent)
                self.dial(agent, self.campaign_for(g))

    def make_available(self, agent: int) -> None:
        """The agent is on the floor (logged in, not on break) and takes calls."""
        self.on_floor_since[agent] = self.env.now
        self.on_floor[self.agent_group[agent]] += 1
        self.next_call_or_idle(agent)

    def take_off_floor(self, p: int, logging_out: bool = False):
        """Process step: take plan p's agent off the floor, after the call in progress.

        A log-out by count (`cut.cut_leaver`): an idle agent of the group leaves
        in place of a busy one, or the busy one becomes a ghost."""
        agent = int(self.holder[p])
        g = self.agent_group[agent]
        by_count = logging_out and self.by_count[g]
        if by_count and self.busy[agent]:
            agent = int(
                cut.cut_leaver(self.holder, self.plan_of, p, True, self.router.longest_idle(g))
            )
        if agent < 0 or self.busy[agent]:
            agent = int(self.holder[p])
            request = self.env.event()
            self.leave_request[agent] = request
            if by_count:
                cut.become_ghost(self.ghost, self.n_ghosts, self.ghost_counter, agent, g)
            self._update_partial(agent)  # no new chats while leaving
            yield request
            agent = int(self.holder[p])  # another agent may have left in its place
        else:
            self.router.withdraw_agent(agent)
        self._record_floor_time(agent)
        self.on_floor_since[agent] = None
        self.on_floor[g] -= 1

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
        for agent in range(len(self.plans)):
            self._record_floor_time(agent, until=max(self.env.now, end))
        for p, plan in enumerate(self.plans):
            if plan.open_end and not plan.absent_all_shift:
                # Work past the end of the day, draining the queues, is overtime too.
                holder = int(self.holder[p])
                self.obs.overtime[plan.group] += max(0.0, self.free_at[holder] - end)
        closing = max(self.env.now, end)
        obs = self.obs
        for k, queue in enumerate(self.router.queues):
            for row in queue:
                if self.router.remove_waiting(row, k):
                    obs.outcome[row] = ABANDONED
                    obs.wait[row] = closing - obs.offered[row]
        for queue in self.router.callbacks:  # never called back: not reached
            for row in queue:
                obs.outcome[row] = NOT_REACHED
                obs.wait[row] = closing - obs.offered[row]
                obs.group[row] = -1


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
