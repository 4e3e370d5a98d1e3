"""The ACD: queues per call type, pools of idle agents, and the routing rules.

Two decisions, deterministic unless a call type asks for random selection, so
that two engines can agree call by call. The rules themselves (reservation,
overflow, which candidate wins) are the shared functions of
`ccsim.kernels.decisions`, which the compiled engine calls too; this module keeps
the queues and walks them:

- **A call that finds eligible agents idle** goes to one of them by its type's
  ``agent_selection``: the agent idle the longest (ties: group order), the first
  group of its ``preference`` list with an idle agent (longest idle within it), or
  uniformly at random (with the call's pre-drawn uniform number).
- **An agent who becomes free** takes, among the queues of its skills, the head
  call with the best call-type priority, then the best skill priority of its
  group, then the longest wait (FCFS).

Eligibility: a group that has the skill answers the type from the start, unless
it is named in an overflow step, in which case only calls that have waited the
step's ``after``. Reservation: a group answers skills that are not its
best-priority ones only while more than ``reserve`` of its agents are idle
(counting the agent who would answer).

Callbacks wait in a queue of their own per call type, behind live calls: a free
agent takes a callback only when no live call it could take is waiting, except a
callback that has waited its type's ``deadline``, which goes ahead of live calls.
Only groups eligible from the start (not overflow groups) make callbacks.

Calls and agents leave the queues lazily: an abandoned call, or an agent who went
on break while idle, is only marked stale and skipped when it reaches the head.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from ccsim.kernels import decisions as rule
from ccsim.scenario.model import AGENT_SELECTIONS, Scenario


class Router:
    """Queues of waiting calls and idle agents, indexed by call type and group."""

    def __init__(self, scenario: Scenario, offered: np.ndarray, agent_group: list[int]) -> None:
        types = [c.name for c in scenario.call_types]
        groups = [g.name for g in scenario.agent_groups]
        n_types, n_groups = len(types), len(groups)
        self.offered = offered
        self.queues: list[deque[int]] = [deque() for _ in range(n_types)]
        self.n_waiting = [0] * n_types
        self.waiting = np.zeros(offered.shape[0], dtype=bool)
        self.callbacks: list[deque[int]] = [deque() for _ in range(n_types)]
        self.is_chat = [c.channel == "chat" for c in scenario.call_types]
        # Agents with some chats in progress and a free slot, per group.
        self.partial: list[set[int]] = [set() for _ in range(n_groups)]
        self.deadline = [
            c.callback.deadline if c.callback and c.callback.deadline else math.inf
            for c in scenario.call_types
        ]

        self.type_priority = [c.priority for c in scenario.call_types]
        # Selection codes: rule.LONGEST_IDLE, rule.PREFERENCE, rule.RANDOM.
        self.selection = [AGENT_SELECTIONS.index(c.agent_selection) for c in scenario.call_types]
        # after[t][g]: how long a call of type t waits before group g may answer it.
        self.after = [[math.inf] * n_groups for _ in range(n_types)]
        for g, group in enumerate(scenario.agent_groups):
            for skill in group.skills:
                self.after[types.index(skill)][g] = 0.0
        self.overflow: list[list[tuple[float, list[int]]]] = []
        for t, ct in enumerate(scenario.call_types):
            steps = []
            for step in ct.overflow:
                idx = [groups.index(name) for name in step.groups]
                for g in idx:
                    self.after[t][g] = step.after
                steps.append((step.after, idx))
            self.overflow.append(steps)
        self.initial_groups: list[list[int]] = []
        for t, ct in enumerate(scenario.call_types):
            eligible = [g for g in range(n_groups) if self.after[t][g] == 0.0]
            if ct.agent_selection == "preference":
                order = [groups.index(n) for n in ct.preference]
                eligible = [g for g in order if g in eligible] + [
                    g for g in eligible if g not in order
                ]
            self.initial_groups.append(eligible)

        # Per group: (type priority, skill priority, type) in preference order.
        self.group_skills: list[list[tuple[int, int, int]]] = []
        self.lower_skill: list[set[int]] = []  # skills answered only above the reserve
        self.reserve = [g.reserve for g in scenario.agent_groups]
        for group in scenario.agent_groups:
            entries = sorted(
                (self.type_priority[types.index(s)], group.priority_of(s), types.index(s))
                for s in group.skills
            )
            self.group_skills.append(entries)
            best = min((group.priority_of(s) for s in group.skills), default=1)
            self.lower_skill.append(
                {types.index(s) for s in group.skills if group.priority_of(s) > best}
            )

        # Idle agents of each group, longest idle first: (idle since, agent, token).
        self.agent_group = agent_group
        self.token = [0] * len(agent_group)
        self.is_idle = [False] * len(agent_group)
        self.idle: list[deque[tuple[float, int, int]]] = [deque() for _ in range(n_groups)]
        self.n_idle = [0] * n_groups

    # -- calls -------------------------------------------------------------
    def enqueue(self, call: int, call_type: int) -> None:
        self.queues[call_type].append(call)
        self.waiting[call] = True
        self.n_waiting[call_type] += 1

    def remove_waiting(self, call: int, call_type: int) -> bool:
        """Take a waiting call out (abandoned, or answered by overflow); False if gone."""
        if not self.waiting[call]:
            return False
        self.waiting[call] = False
        self.n_waiting[call_type] -= 1
        return True

    def request_callback(self, row: int, call_type: int) -> None:
        self.callbacks[call_type].append(row)

    def _next_callback(self, group: int, now: float, overdue: bool) -> int:
        """Pop the oldest callback of the group's skills (only overdue ones if asked)."""
        best_time, best_type = math.inf, -1
        idle = self.n_idle[group] + 1  # with the agent who would call back
        for _, _, t in self.group_skills[group]:
            queue = self.callbacks[t]
            if not queue or self.after[t][group] != 0.0:
                continue
            if not rule.reserve_allows(idle, self.reserve[group], t in self.lower_skill[group]):
                continue
            requested = self.offered[queue[0]]
            if overdue and not rule.callback_overdue(now, requested, self.deadline[t]):
                continue
            if rule.callback_before(requested, best_time):
                best_time, best_type = requested, t
        return self.callbacks[best_type].popleft() if best_type >= 0 else -1

    def next_work(self, group: int, now: float) -> tuple[int, bool]:
        """What a free agent of ``group`` does next: (row, is_callback), row -1 if nothing."""
        if self.has_callbacks:
            row = self._next_callback(group, now, overdue=True)
            if row >= 0:
                return row, True
        row = self.next_call(group, now)
        if row >= 0 or not self.has_callbacks:
            return row, False
        row = self._next_callback(group, now, overdue=False)
        return row, row >= 0

    @property
    def has_callbacks(self) -> bool:
        return any(self.callbacks)

    def next_call(self, group: int, now: float, only_chat: bool = False) -> int:
        """Pop the live call a free agent of ``group`` should take now, or -1
        (``only_chat``: an agent already in chats takes only another chat)."""
        best_type, best = -1, (0, 0, 0.0)  # (type priority, skill priority, offered)
        idle = self.n_idle[group] + 1  # with the agent who would answer
        for type_prio, skill_prio, t in self.group_skills[group]:
            if self.n_waiting[t] == 0 or not rule.takes_type(only_chat, self.is_chat[t]):
                continue
            if not rule.reserve_allows(idle, self.reserve[group], t in self.lower_skill[group]):
                continue
            queue = self.queues[t]
            while not self.waiting[queue[0]]:
                queue.popleft()
            head_offered = float(self.offered[queue[0]])
            if not rule.has_overflowed(now, head_offered, self.after[t][group]):
                continue  # the head has not overflowed to this group yet (nor anyone behind)
            if best_type < 0 or rule.call_before(type_prio, skill_prio, head_offered, *best):
                best_type, best = t, (type_prio, skill_prio, head_offered)
        if best_type < 0:
            return -1
        call = self.queues[best_type].popleft()
        self.waiting[call] = False
        self.n_waiting[best_type] -= 1
        return call

    # -- agents ------------------------------------------------------------
    def longest_idle(self, g: int) -> int:
        """The agent of group g idle the longest, or -1 (it stays in the pool)."""
        front = self._front(g)
        return -1 if front is None else front[1]

    def _front(self, g: int) -> tuple[float, int, int] | None:
        pool = self.idle[g]
        while pool and (not self.is_idle[pool[0][1]] or self.token[pool[0][1]] != pool[0][2]):
            pool.popleft()
        return pool[0] if pool else None

    def _may_answer(self, g: int, call_type: int) -> bool:
        if self.n_idle[g] == 0:
            return False
        return rule.reserve_allows(
            self.n_idle[g], self.reserve[g], call_type in self.lower_skill[g]
        )

    def take_idle_agent(self, call_type: int, groups: list[int], u: float) -> int:
        """Take an idle agent of ``groups`` for a call of ``call_type``, or -1."""
        selection = self.selection[call_type]
        if selection == rule.RANDOM:
            pool = [
                entry[1]
                for g in groups
                if self._may_answer(g, call_type)
                for entry in self.idle[g]
                if self.is_idle[entry[1]] and self.token[entry[1]] == entry[2]
            ]
            if not pool:
                return -1
            agent = pool[rule.random_position(u, len(pool))]
        else:
            best = None
            for g in groups:
                if not self._may_answer(g, call_type):
                    continue
                front = self._front(g)
                if front is None:
                    continue
                if best is None or rule.idle_before(selection, front[0], best[0]):
                    best = front
            if best is None:
                return -1
            agent = best[1]
        self.withdraw_agent(agent)
        return agent

    def take_partial_agent(self, groups: list[int], active: list[int]) -> int:
        """For a chat: the agent of ``groups`` in chats with the fewest in progress
        (ties: the lower agent number), or -1."""
        best = -1
        for g in groups:
            for a in self.partial[g]:
                if best < 0 or rule.partial_before(active[a], a, active[best], best):
                    best = a
        return best

    def release_agent(self, agent: int, now: float) -> None:
        """The agent is idle from ``now`` and joins the back of its group's pool."""
        g = self.agent_group[agent]
        self.token[agent] += 1
        self.is_idle[agent] = True
        self.idle[g].append((now, agent, self.token[agent]))
        self.n_idle[g] += 1

    def withdraw_agent(self, agent: int) -> None:
        """An idle agent stops being available (answers, goes on break, logs out)."""
        if self.is_idle[agent]:
            self.is_idle[agent] = False
            self.token[agent] += 1
            self.n_idle[self.agent_group[agent]] -= 1
