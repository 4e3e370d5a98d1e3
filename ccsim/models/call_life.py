"""A call's life in the SimPy contact center: arrival, trunk check, IVR, offer to
the queues, answer, abandon, hang-up, redial and transfer (`ContactCenter`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ccsim.kernels import decisions as rule
from ccsim.models.legs import RETRIAL, TRANSFER
from ccsim.observations import (
    ABANDONED,
    ANSWERED,
    BLOCKED,
)


class CallLife:
    """The per-call steps of `ContactCenter`: callbacks on SimPy timeouts."""

    if TYPE_CHECKING:
        # The day's state is `ContactCenter`'s (set up in `ccsim.models.center`).
        lines_busy: int

        def __getattr__(self, name: str) -> Any: ...

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
