"""Callbacks and outbound dials in the SimPy contact center (`ContactCenter`):
the callback offer and its dial, and the outbound campaigns' dials.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ccsim.kernels import decisions as rule
from ccsim.models.legs import CALLBACK
from ccsim.observations import (
    ANSWERED,
    CALLBACK_REQUESTED,
    NOT_REACHED,
)


class CallbacksOutbound:
    """The callback and outbound steps of `ContactCenter`."""

    if TYPE_CHECKING:
        # The day's state is `ContactCenter`'s (set up in `ccsim.models.center`).
        def __getattr__(self, name: str) -> Any: ...

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
