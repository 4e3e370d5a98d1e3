"""Staffing per interval: the fewest agents that meet the service-level target.

Erlang calculators staff each planning interval as if it were a steady state of its
own. A real day is not: callers still waiting at the end of a busy interval take the
agents of the next one, abandonment changes the queue, several groups share calls.
`find_staffing` starts from the Erlang answer of every interval and corrects it by
simulation, on common random numbers (every staffing tried sees the same callers):

1. **Erlang start.** Per group and interval: Erlang C (no patience) or Erlang A
   (patience, with its mean when it is not exponential) on the interval's offered
   load (arrival rate × AHT incl. wrap-up), the fewest agents meeting the target.
2. **Add.** Simulate the day with that staffing line. Every interval that misses the
   target gets one agent more (with several groups: from the group whose extra agent
   helps that interval most per unit of cost, measured by one trial simulation per
   group). When the interval starts with a backlog from the previous one (more
   callers waiting at its start than at its end, one or more), the previous interval
   gets one agent more too. Repeat until every interval meets the target.
3. **Remove.** Take one agent out of every interval that may lose one (one group at a
   time), simulate, and put it back where an interval then misses (blaming the
   interval itself, else its neighbour); an interval that had to keep its agent is
   not tried again. Repeat until no agent can go.
4. **Check.** Steps 2-3 keep the fewest agents that met the target *on these random
   numbers*, which favours intervals where the numbers were lucky (the winner's
   curse). So the answer is simulated again on fresh random numbers (another seed,
   as many replications); an interval that misses there gets one agent more (kept
   from then on), and steps 2-4 repeat.

The answer is the lowest-cost staffing line that met the target on both sets of
random numbers. Monte Carlo error is not removed: decisions use the mean over the
replications (or, with a confidence, the share of replications meeting the target),
so another seed can still move an interval whose true SL is within the CI of the
target by an agent or more; more replications narrow that.
The algorithm and its limits are described in docs/staffing.md.

The pieces, each in its module (and importable from here too): the goal
(`ccsim.planning.staffing_goal`), the offered load and the Erlang start
(`ccsim.planning.erlang_start`), whether a simulated staffing meets the goal
(`ccsim.planning.assessment`), staffed.yaml (`ccsim.scenario.writing`) and
required vs scheduled agents (`ccsim.planning.requirement`: `read_requirement`,
`with_required`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ccsim.planning.assessment import Assessment, assess
from ccsim.planning.erlang_start import (
    erlang_agents,
    group_loads,
    staffed_groups,
    type_rates,
)
from ccsim.planning.requirement import (
    REQUIRED_KPIS,
    REQUIREMENT_COLUMNS,
    read_requirement,
    required_line,
    with_required,
)
from ccsim.planning.staffing_goal import StaffingGoal, parse_target
from ccsim.planning.staffing_moves import (
    _add,
    _agent_cost,
    _blame,
    _erlang_lines,
    _helpers,
    _with_lines,
)
from ccsim.planning.staffing_table import _notes, _table
from ccsim.scenario.model import Scenario
from ccsim.scenario.writing import staffed_document, write_staffed

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.batch.parallel import Backend
    from ccsim.batch.result import RunResult

__all__ = [
    "REQUIRED_KPIS",
    "REQUIREMENT_COLUMNS",
    "Assessment",
    "StaffingGoal",
    "StaffingResult",
    "assess",
    "erlang_agents",
    "find_staffing",
    "group_loads",
    "parse_target",
    "read_requirement",
    "staffed_document",
    "staffed_groups",
    "required_line",
    "required_staff",
    "type_rates",
    "with_required",
    "write_staffed",
]


@dataclass
class StaffingResult:
    """What `find_staffing` found.

    ``table``: one row per (group, interval) — see `find_staffing`. ``staffed``: the
    scenario with the found staffing lines; ``result`` its simulation (the one the
    table's KPIs come from); ``erlang_result`` the simulation of the per-interval Erlang
    staffing. ``converged``: every interval met the goal and no agent could be
    removed within ``max_iterations``.
    """

    scenario: Scenario
    goal: StaffingGoal
    table: pd.DataFrame
    staffed: Scenario
    result: RunResult
    erlang_result: RunResult
    replications: int
    seed: int
    iterations: int
    simulations: int
    converged: bool
    feasible: bool
    notes: list[str] = field(default_factory=list)
    #: The seed of the check on fresh random numbers (None: not checked).
    check_seed: int | None = None

    def requirement(self) -> pd.DataFrame:
        """The requirement per group and interval (`REQUIREMENT_COLUMNS` + offered load)."""
        return self.table[[*REQUIREMENT_COLUMNS, "offered_load"]].copy()


def find_staffing(
    scenario: Scenario,
    goal: StaffingGoal | None = None,
    *,
    replications: int = 20,
    seed: int | None = None,
    engine: str | None = None,
    backend: Backend | None = None,
    max_iterations: int = 50,
    verify: bool = True,
    progress: Callable[[str], None] | None = None,
) -> StaffingResult:
    """The fewest agents per interval (and group) meeting ``goal`` (default: the
    scenario's SL target, in expectation), by the algorithm of the module docstring.

    Every simulation runs ``replications`` replications from the same ``seed``
    (default: the scenario's, else 1), so staffing lines are compared on common random
    numbers. Warm-up intervals keep their Erlang staffing and are not searched.
    ``progress(message)`` is told what each step did.

    ``table`` columns: ``group``, ``start`` ("HH:MM"), ``offered_load`` (the group's
    share, Erlangs), ``erlang_agents``, ``required_agents`` (simulated), ``difference``
    (required − Erlang), ``erlang_model``, ``searched`` (False in the warm-up), and the
    interval's simulated KPIs (all groups together) with the required staffing:
    ``service_level`` (+ ``_ci_low``/``_ci_high``, its 95 % CI), ``abandon_rate`` (+ CI),
    ``p_target_met``, ``target_met``; with the Erlang staffing: ``erlang_`` + the
    same names; and with the required staffing on fresh random numbers (``verify``;
    seed ``check_seed``): ``check_service_level``, ``check_abandon_rate``,
    ``check_target_met``.
    """
    goal = goal or StaffingGoal.of(scenario)
    if replications < 2 and goal.confidence is not None:
        raise ValueError("a confidence needs at least 2 replications")
    seed = seed if seed is not None else (scenario.seed if scenario.seed is not None else 1)
    search = _Search(scenario, goal, replications, seed, engine, backend, progress)
    return search.answer(max_iterations, verify)


class _Search:
    """One staffing search (the module docstring's steps 2-4): the staffed groups,
    their Erlang start, the floors no line goes below, the step sizes and the cache of
    simulations (one per staffing line and seed)."""

    def __init__(
        self,
        scenario: Scenario,
        goal: StaffingGoal,
        replications: int,
        seed: int,
        engine: str | None,
        backend: Backend | None,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.scenario, self.goal, self.replications, self.seed = scenario, goal, replications, seed
        self.engine, self.backend = engine, backend
        self.say = progress or (lambda _msg: None)
        h = scenario.horizon
        self.n = h.n_intervals
        self.names = names = staffed_groups(scenario)
        if not names:
            raise ValueError("the scenario has no in-house agent group to staff")
        self.loads = group_loads(scenario, names)
        self.erlang = _erlang_lines(self.loads, names, self.n, goal)
        self.searched = np.array(h.interval_starts()) >= h.start + h.warmup - 1e-9
        self.has_load = np.array([self.loads[g]["lam"] > 0 for g in names])
        self.helpers = _helpers(scenario, names)
        self.cost = np.array([_agent_cost(scenario, g) for g in names])
        floor = np.where(self.has_load & self.searched, 1, 0)
        self.floor = np.where(self.searched, floor, self.erlang)  # warm-up stays as Erlang says
        self.cache: dict[bytes, tuple[RunResult, Assessment]] = {}
        self.check_seed = (seed * 7919 + 1) % 2**31  # independent of the search's numbers
        self.turn = 0  # the group whose agents the next removal tries

    def simulate(self, s: np.ndarray, on: int | None = None) -> tuple[RunResult, Assessment]:
        """The run of staffing lines ``s`` on seed ``on`` (default: the search's), and
        its assessment; each is simulated once."""
        from ccsim.batch.runner import run

        on = self.seed if on is None else on
        key = s.tobytes() + on.to_bytes(8, "little")
        if key not in self.cache:
            r = run(
                _with_lines(self.scenario, self.names, s),
                self.replications,
                on,
                engine=self.engine,
                backend=self.backend,
                keep_observations=True,
            )
            a = assess(r, self.goal)
            r.observations = []  # the backlog is taken: free the calls
            self.cache[key] = (r, a)
        return self.cache[key]

    def total_cost(self, s: np.ndarray) -> float:
        return float((s * self.cost[:, None]).sum())

    def missed(self, a: Assessment) -> list[int]:
        return [i for i in range(self.n) if self.searched[i] and not a.met[i]]

    def add(self, s: np.ndarray, missed: list[int], a: Assessment) -> np.ndarray:
        return _add(
            s, missed, a, self.floor, self.up, self.helpers, self.has_load, self.searched,
            self.cost, self.simulate,
        )  # fmt: skip

    def search(self, max_iterations: int, verify: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """Add, remove and check (steps 2-4) until nothing changes or ``max_iterations``:
        the last staffing tried and the best one that met the goal (None: none did)."""
        s = np.maximum(self.erlang, self.floor)
        self.erlang_run, self.erlang_assessment = self.simulate(s)
        best: np.ndarray | None = None
        # Agents added or removed at once per (group, interval): doubled after each
        # success in the same direction, back to 1 after a failure.
        self.up, self.down = np.ones_like(s), np.ones_like(s)
        self.iterations, self.converged, self.rechecked = 0, False, False
        while self.iterations < max_iterations:
            self.iterations += 1
            a = self.simulate(s)[1]
            missed = self.missed(a)
            if missed:
                self.say(
                    f"iteration {self.iterations}: {len(missed)} interval(s) miss the goal:"
                    " add agents"
                )
                s = self.add(s, missed, a)
                continue
            self.up[:] = 1
            if best is None or self.total_cost(s) <= self.total_cost(best):
                best = s.copy()
            fewer = self.remove(s)
            if fewer is not None:
                s = fewer
                continue
            if not verify:
                self.converged = True
                break
            # The search chose the fewest agents that met the goal on these random
            # numbers, so it favours lucky ones (the winner's curse): check on fresh
            # numbers, and where an interval misses there, add agents and search again.
            a = self.simulate(best, self.check_seed)[1]
            missed = self.missed(a)
            if not missed:
                self.converged = True
                break
            self.say(
                f"iteration {self.iterations}: {len(missed)} interval(s) miss on fresh numbers: add"
            )
            s = self.add(best, missed, a)
            best = None
            self.rechecked = True
        return s, best

    def remove(self, s: np.ndarray) -> np.ndarray | None:
        """One agent fewer (or ``down`` of them) in every interval of the next group
        that may lose one, put back where an interval then misses; None when no
        group has an agent to try."""
        n, names, floor = self.n, self.names, self.floor
        for step in range(len(names)):
            k = (self.turn + step) % len(names)
            tried = [i for i in range(n) if self.searched[i] and s[k, i] > floor[k, i]]
            if not tried:
                continue
            self.turn = k + 1
            size = np.minimum(self.down[k, tried], s[k, tried] - floor[k, tried])
            trial = s.copy()
            trial[k, tried] -= size
            failed = [
                j for j in range(n) if self.searched[j] and not self.simulate(trial)[1].met[j]
            ]
            kept = _blame(tried, failed)
            for i, d in zip(tried, size, strict=True):
                if i in kept:
                    trial[k, i] += d
                    if d == 1:
                        floor[k, i] = s[k, i]  # one agent less fails: the floor
                    self.down[k, i] = 1
                else:
                    self.down[k, i] = 2 * d
            self.say(
                f"iteration {self.iterations}: {names[k]}: fewer agents in {len(tried)} "
                f"interval(s), put back in {len(kept)}"
            )
            return trial
        return None

    def answer(self, max_iterations: int, verify: bool) -> StaffingResult:
        """Search, then simulate the answer once more (and check it on fresh numbers)."""
        s, best = self.search(max_iterations, verify)
        feasible = best is not None
        if best is None:
            best = s
        final_run, final_a = self.simulate(best)
        check = self.simulate(best, self.check_seed)[1] if verify else None
        scenario, names = self.scenario, self.names
        notes = _notes(
            scenario, names, self.loads, self.goal, self.searched, self.converged, feasible,
            max_iterations,
        )  # fmt: skip
        if self.rechecked:
            notes.append(
                f"the check on fresh random numbers (seed {self.check_seed}) added agents where"
                " the first answer missed"
            )
        table = _table(
            names, scenario.horizon, self.loads, self.erlang, best, self.searched, final_a,
            self.erlang_assessment, check,
        )  # fmt: skip
        return StaffingResult(
            scenario=scenario,
            goal=self.goal,
            table=table,
            staffed=_with_lines(scenario, names, best),
            result=final_run,
            erlang_result=self.erlang_run,
            replications=self.replications,
            seed=self.seed,
            iterations=self.iterations,
            simulations=len(self.cache),
            converged=self.converged,
            feasible=feasible,
            notes=notes,
            check_seed=self.check_seed if verify else None,
        )


def required_staff(scenario: Scenario, goal: StaffingGoal | None = None, **kwargs) -> pd.DataFrame:
    """The requirement table of `find_staffing` (group, start, erlang_agents,
    required_agents, offered_load): what shift scheduling covers."""
    return find_staffing(scenario, goal, **kwargs).requirement()


# --------------------------------------------------------------------------- the staffed file


# --------------------------------------------------------------------------- required vs scheduled
