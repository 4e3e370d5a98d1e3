"""The ACD: queues per call type and the pools of idle agents.

Two decisions, both deterministic so that two engines can agree call by call:

- a call that arrives to find eligible agents idle goes to the one that has been
  idle the longest (ties: lower group index, then lower agent number);
- an agent who becomes free takes the longest-waiting call among the queues of
  its skills (FCFS across its skills).

Abandoned calls are not searched for and removed from their queue; they are
marked gone and skipped when they reach the head (lazy deletion), which keeps
both operations O(number of groups or skills).
"""

from __future__ import annotations

from collections import deque

import numpy as np


class Router:
    """Queues of waiting calls and idle agents, indexed by call type and group."""

    def __init__(
        self,
        group_skills: list[list[int]],
        group_sizes: list[int],
        n_call_types: int,
        offered: np.ndarray,
        start: float,
    ) -> None:
        self.group_skills = group_skills
        self.offered = offered
        self.queues: list[deque[int]] = [deque() for _ in range(n_call_types)]
        self.n_waiting = [0] * n_call_types
        self.waiting = np.zeros(offered.shape[0], dtype=bool)
        # For each call type, the groups that can answer it.
        self.groups_for_type: list[list[int]] = [
            [g for g, skills in enumerate(group_skills) if k in skills] for k in range(n_call_types)
        ]
        # Idle agents of each group, longest idle first: (idle since, agent number).
        self.idle: list[deque[tuple[float, int]]] = [
            deque((start, a) for a in range(size)) for size in group_sizes
        ]

    # -- calls -------------------------------------------------------------
    def enqueue(self, call: int, call_type: int) -> None:
        self.queues[call_type].append(call)
        self.waiting[call] = True
        self.n_waiting[call_type] += 1

    def remove_waiting(self, call: int, call_type: int) -> bool:
        """Mark a waiting call gone (it abandoned); False if it was no longer waiting."""
        if not self.waiting[call]:
            return False
        self.waiting[call] = False
        self.n_waiting[call_type] -= 1
        return True

    def next_call(self, group: int) -> int:
        """Pop the longest-waiting call a free agent of ``group`` can take, or -1."""
        best_type, best_time = -1, np.inf
        for k in self.group_skills[group]:
            if self.n_waiting[k] == 0:
                continue
            queue = self.queues[k]
            while not self.waiting[queue[0]]:
                queue.popleft()
            t = self.offered[queue[0]]
            if t < best_time:
                best_type, best_time = k, t
        if best_type < 0:
            return -1
        call = self.queues[best_type].popleft()
        self.waiting[call] = False
        self.n_waiting[best_type] -= 1
        return call

    # -- agents ------------------------------------------------------------
    def take_idle_agent(self, call_type: int) -> tuple[int, int]:
        """Take the longest-idle agent eligible for ``call_type``: (group, agent) or (-1, -1)."""
        best_group, best_since = -1, np.inf
        for g in self.groups_for_type[call_type]:
            pool = self.idle[g]
            if pool and pool[0][0] < best_since:
                best_group, best_since = g, pool[0][0]
        if best_group < 0:
            return -1, -1
        return best_group, self.idle[best_group].popleft()[1]

    def release_agent(self, group: int, agent: int, now: float) -> None:
        self.idle[group].append((now, agent))
