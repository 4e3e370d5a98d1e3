"""The agents on the floor of the SimPy contact center (`ContactCenter`): free
agents take the next call or idle, leave the floor, and the day closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ccsim.kernels import decisions as rule
from ccsim.kernels import staffing as cut
from ccsim.models.roster import add_time
from ccsim.observations import (
    ABANDONED,
    NOT_REACHED,
)


class AgentFloor:
    """The agents' steps of `ContactCenter`: on and off the floor, the close."""

    if TYPE_CHECKING:
        # The day's state is `ContactCenter`'s (set up in `ccsim.models.center`).
        def __getattr__(self, name: str) -> Any: ...

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
