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

Also here (required vs scheduled): `read_requirement` reads a requirement table
(``ccsim staff --out``'s staffing.csv) and `with_required` adds the required agents
and the over/under staffing to a run's per-interval rows.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.atomic import write_text
from ccsim.planning.analytic import erlang_a, erlang_c_agents
from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.model import IVR_HANG_UP, IVR_SELF_SERVICE, Scenario
from ccsim.scenario.periods import period_means
from ccsim.units import format_clock

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.batch.parallel import Backend
    from ccsim.batch.result import RunResult

__all__ = [
    "StaffingGoal",
    "StaffingResult",
    "erlang_agents",
    "find_staffing",
    "group_loads",
    "parse_target",
    "read_requirement",
    "staffed_document",
    "required_line",
    "required_staff",
    "type_rates",
    "with_required",
    "write_staffed",
]

#: Columns of the requirement table that `ccsim.planning.scheduling` (and `--required`) read.
REQUIREMENT_COLUMNS = ("group", "start", "erlang_agents", "required_agents")

_EPS = 1e-12  # an SL exactly at the target (0.8 as 4/5) counts as met


# --------------------------------------------------------------------------- the goal


@dataclass(frozen=True)
class StaffingGoal:
    """What every interval must reach: SL(``threshold``) >= ``target`` under the SL
    ``definition``, and abandon rate <= ``max_abandon`` (if given); in expectation
    (the mean over replications), or with ``confidence`` p: in at least a share p of
    the replications (both conditions in the same replication)."""

    threshold: float
    target: float
    definition: str = "offered"
    max_abandon: float | None = None
    confidence: float | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.target < 1.0:
            raise ValueError(f"the SL target must be in (0, 1), got {self.target}")
        if not self.threshold >= 0:
            raise ValueError(f"the SL threshold must be >= 0 s, got {self.threshold}")
        if self.max_abandon is not None and not 0.0 < self.max_abandon < 1.0:
            raise ValueError(f"the maximum abandon rate must be in (0, 1), got {self.max_abandon}")
        if self.confidence is not None and not 0.0 < self.confidence <= 1.0:
            raise ValueError(f"the confidence must be in (0, 1], got {self.confidence}")

    @classmethod
    def of(cls, scenario: Scenario, **changes: Any) -> StaffingGoal:
        """The scenario's own SL target, with ``changes`` (None values ignored)."""
        sl = scenario.service_level
        goal = cls(sl.threshold, sl.target, sl.definition)
        return dataclasses.replace(goal, **{k: v for k, v in changes.items() if v is not None})

    def describe(self) -> str:
        text = f"SL {100 * self.target:g}/{self.threshold:g}s ({self.definition})"
        if self.max_abandon is not None:
            text += f", abandon rate <= {100 * self.max_abandon:g}%"
        if self.confidence is None:
            return text + ", in expectation (mean over replications)"
        return text + f", met in >= {100 * self.confidence:g}% of replications"


_TARGET = re.compile(r"^\s*([\d.]+)\s*(%?)\s*/\s*([\d.]+)\s*(s?)\s*$")


def parse_target(text: str) -> tuple[float, float]:
    """``"80/20"`` -> ``(0.80, 20.0)``: the SL target as a fraction and the threshold in
    seconds (also ``80%/20s``, ``0.8/20``)."""
    m = _TARGET.match(text)
    if not m:
        raise ValueError(f"write the target as SL/SECONDS, such as 80/20, got {text!r}")
    level, threshold = float(m.group(1)), float(m.group(3))
    if level >= 1.0 or m.group(2):
        level /= 100.0
    if not 0.0 < level < 1.0:
        raise ValueError(f"the SL target must be between 0 and 100 %, got {text!r}")
    return level, threshold


# --------------------------------------------------------------------------- offered load


def type_rates(scenario: Scenario) -> np.ndarray:
    """Calls per second reaching each call type's queue, per interval: shape
    (call types, intervals). Own arrivals, plus the IVR's arrivals times the chance
    that its menu leads to the type, times the surges of the interval (weighted by the
    part of the interval they cover). Redials, transfers and busyness are left out."""
    h = scenario.horizon
    names = [c.name for c in scenario.call_types]
    rates = np.array([c.rates for c in scenario.call_types], dtype=float)
    ivr_rates = np.zeros(h.n_intervals)
    if scenario.ivr is not None:
        ivr_rates = np.array(scenario.ivr.rates, dtype=float)
    factor = np.ones((len(names) + 1, h.n_intervals))  # the last row: the IVR's arrivals
    starts = np.array(h.interval_starts())
    for e in scenario.events:
        if e.kind != "surge":
            continue
        ends = np.minimum(starts + h.interval, e.end)
        share = np.clip(ends - np.maximum(starts, e.start), 0, None) / h.interval
        rows = [names.index(t) for t in e.call_types] if e.call_types else range(len(names) + 1)
        for r in rows:
            factor[r] *= 1.0 + (e.factor - 1.0) * share
    rates *= factor[:-1]
    if scenario.ivr is not None:
        rates += np.outer(_ivr_reach(scenario), ivr_rates * factor[-1])
    return rates


def _ivr_reach(scenario: Scenario) -> np.ndarray:
    """P(an IVR caller reaches each call type's queue), from the menu tree (an
    absorbing Markov chain: nodes transient, call types and exits absorbing)."""
    ivr = scenario.ivr
    assert ivr is not None, "only called for a scenario with an IVR"
    nodes = [n.name for n in ivr.nodes]
    types = [c.name for c in scenario.call_types]
    q = np.zeros((len(nodes), len(nodes)))
    r = np.zeros((len(nodes), len(types)))
    for i, node in enumerate(ivr.nodes):
        for target, p in node.branches:
            if target in nodes:
                q[i, nodes.index(target)] += p
            elif target in types:
                r[i, types.index(target)] += p
            elif target not in (IVR_SELF_SERVICE, IVR_HANG_UP):
                raise ValueError(f"unknown IVR branch target {target!r}")
    absorbed = np.linalg.solve(np.eye(len(nodes)) - q, r)
    return absorbed[nodes.index(ivr.entry)]


def staffed_groups(scenario: Scenario) -> list[str]:
    """The groups the search staffs: every in-house group (outsourced partners, paid
    per call, keep their capacity)."""
    return [g.name for g in scenario.agent_groups if g.price_per_call is None]


def group_loads(scenario: Scenario, groups: Sequence[str] | None = None) -> dict[str, dict]:
    """Each staffed group's share of the offered load, per interval, for the Erlang start.

    A call type's load goes to the groups that answer it from the start (not its
    overflow groups) with the best priority for it among them, split evenly; a
    group's own handle time for the skill (a factor or a distribution) is used. Per
    group: ``lam`` (calls/s), ``aht`` (s, incl. wrap-up), ``load`` (Erlangs) and
    ``patience`` (the call-weighted mean patience of its types that have one, in s,
    or None) — arrays over the intervals — and ``erlang_model`` ("C" or "A" and why).
    """
    groups = list(groups) if groups is not None else staffed_groups(scenario)
    n = scenario.horizon.n_intervals
    rates = type_rates(scenario)
    by_name = {g.name: g for g in scenario.agent_groups}
    out = {
        g: {"lam": np.zeros(n), "work": np.zeros(n), "pat_w": np.zeros(n), "pat_lam": np.zeros(n)}
        for g in groups
    }
    kinds: dict[str, set[str]] = {g: set() for g in groups}
    for c, ct in enumerate(scenario.call_types):
        overflow = {g for step in ct.overflow for g in step.groups}
        first = [g for g in groups if ct.name in by_name[g].skills and g not in overflow]
        if not first:
            continue
        best = min(by_name[g].priority_of(ct.name) for g in first)
        first = [g for g in first if by_name[g].priority_of(ct.name) == best]
        talk = _mean_handle(ct, scenario.horizon)
        wrap = ct.wrap_up.mean if ct.wrap_up is not None else 0.0
        for g in first:
            lam = rates[c] / len(first)
            aht = _group_talk(by_name[g], ct.name, talk) + wrap
            d = out[g]
            d["lam"] += lam
            d["work"] += lam * aht
            if ct.patience is not None:
                d["pat_w"] += lam * _mean_patience(ct, scenario.horizon)
                d["pat_lam"] += lam
                kinds[g].update(_patience_kinds(ct))
    result = {}
    for g, d in out.items():
        lam = d["lam"]
        with np.errstate(invalid="ignore", divide="ignore"):
            aht = np.where(lam > 0, d["work"] / lam, 0.0)
            patience = np.where(d["pat_lam"] > 0, d["pat_w"] / d["pat_lam"], np.nan)
        if not kinds[g]:
            model = "C"
        elif kinds[g] == {"exponential"}:
            model = "A"
        else:
            model = "A (patience not exponential: Erlang A with its mean)"
        result[g] = {
            "lam": lam,
            "aht": aht,
            "load": lam * aht,
            "patience": patience,
            "erlang_model": model,
        }
    return result


def _mean_patience(ct, horizon) -> np.ndarray | float:
    """The type's mean patience, per interval when it is given per period."""
    if ct.patience_by_period:
        return np.array(period_means(ct.patience_by_period, horizon))
    return ct.patience.mean


def _patience_kinds(ct) -> set[str]:
    """The kinds of the type's patience (a period's each, when given per period)."""
    if ct.patience_by_period:
        return {p.dist.kind for p in ct.patience_by_period}
    return {ct.patience.kind}


def _mean_handle(ct, horizon) -> np.ndarray | float:
    """The type's mean talk time per interval (a forecast AHT or a per-period
    handle time replaces the mean)."""
    if ct.handle_time_by_period:
        return np.array(period_means(ct.handle_time_by_period, horizon))
    if ct.aht is None:
        return ct.handle_time.mean
    return np.array([ct.handle_time.mean if a is None else a for a in ct.aht], dtype=float)


def _group_talk(group, skill: str, talk):
    for name, dist in group.handle_time:
        if name == skill:
            return dist.mean
    for name, factor in group.handle_time_factor:
        if name == skill:
            return talk * factor
    return talk


def erlang_agents(lam: float, aht: float, patience: float | None, goal: StaffingGoal) -> int:
    """The fewest agents meeting ``goal`` in steady state: Erlang C without patience
    (``patience`` None or NaN), Erlang A (exponential patience of that mean) with it;
    0 without calls. The confidence of the goal is not used (Erlang gives means)."""
    if lam <= 0:
        return 0
    load = lam * aht
    if patience is None or math.isnan(patience):
        # Nobody abandons: every SL definition is P(wait <= T).
        return erlang_c_agents(load, aht, goal.threshold, goal.target)

    def meets(n: int) -> bool:
        a = erlang_a(n, lam, aht, patience)
        if goal.max_abandon is not None and a.p_abandon > goal.max_abandon + _EPS:
            return False
        return a.service_level(goal.threshold, goal.definition) >= goal.target - _EPS

    # Both KPIs improve with every agent: double up, then bisect.
    hi = max(1, math.ceil(load))
    while not meets(hi):
        hi *= 2
    lo = 0  # meets(lo) is false or lo is 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if meets(mid):
            hi = mid
        else:
            lo = mid
    return hi


# --------------------------------------------------------------------------- assessing a run


@dataclass
class Assessment:
    """Per interval of one simulated staffing: the KPIs and whether the goal is met."""

    sl: np.ndarray  # mean, NaN where no calls
    sl_ci: np.ndarray  # (n, 2), NaN without a CI
    abandon: np.ndarray
    abandon_ci: np.ndarray
    p_met: np.ndarray  # share of replications meeting the goal (NaN: no calls)
    met: np.ndarray  # bool
    shortfall: np.ndarray  # how far from the goal (0 where met)
    backlog: np.ndarray  # mean callers waiting at each interval boundary (n + 1)


def _figure(row: dict, key: str) -> tuple[float, float, float]:
    fig = row.get(key) or {}
    mean = fig.get("mean")
    ci = fig.get("ci95") or [None, None]
    low, high = ci[0], ci[1]
    return tuple(np.nan if v is None else float(v) for v in (mean, low, high))  # type: ignore[return-value]


def assess(result: RunResult, goal: StaffingGoal) -> Assessment:
    """Whether each interval of ``result`` meets ``goal`` (an interval without calls
    in every replication meets it: nobody was served badly)."""
    rows = result.summary["by_interval"]
    n = len(rows)
    sl = np.array([_figure(r, "service_level") for r in rows]).reshape(n, 3)
    ab = np.array([_figure(r, "abandon_rate") for r in rows]).reshape(n, 3)
    per_rep_sl = np.array(
        [[_nan(rep["by_interval"][i]["service_level"]) for i in range(n)] for rep in result.kpis]
    )
    per_rep_ab = np.array(
        [[_nan(rep["by_interval"][i]["abandon_rate"]) for i in range(n)] for rep in result.kpis]
    )
    ok = per_rep_sl >= goal.target - _EPS
    if goal.max_abandon is not None:
        ok &= ~(per_rep_ab > goal.max_abandon + _EPS)
    defined = ~np.isnan(per_rep_sl)
    counts = defined.sum(axis=0)
    with np.errstate(invalid="ignore"):
        p_met = np.where(counts > 0, (ok & defined).sum(axis=0) / np.maximum(counts, 1), np.nan)
    if goal.confidence is None:
        short = np.clip(goal.target - sl[:, 0], 0, None)
        if goal.max_abandon is not None:
            short += np.clip(ab[:, 0] - goal.max_abandon, 0, None)
    else:
        short = np.clip(goal.confidence - p_met, 0, None)
    short = np.nan_to_num(short, nan=0.0)
    short[short < _EPS] = 0.0
    return Assessment(
        sl=sl[:, 0],
        sl_ci=sl[:, 1:],
        abandon=ab[:, 0],
        abandon_ci=ab[:, 1:],
        p_met=p_met,
        met=short == 0.0,
        shortfall=short,
        backlog=_backlog(result) if result.observations else np.zeros(n + 1),
    )


def _nan(x: Any) -> float:
    return np.nan if x is None else float(x)


def _backlog(result: RunResult) -> np.ndarray:
    """Mean number of callers waiting in a queue at each interval boundary (start of
    every interval, and the end of the horizon), over the kept replications."""
    h = result.scenario.horizon
    edges = np.array([*h.interval_starts(), h.end])
    total = np.zeros(edges.size)
    for obs in result.observations:
        offered = np.asarray(obs.offered, dtype=float)
        left = offered + np.asarray(obs.wait, dtype=float)
        keep = ~np.isnan(left)
        offered, left = np.sort(offered[keep]), np.sort(left[keep])
        # waiting at t: offered before t, left (answered or abandoned) after t
        total += np.searchsorted(offered, edges, side="left") - np.searchsorted(
            left, edges, side="right"
        )
    return total / max(1, len(result.observations))


# --------------------------------------------------------------------------- the search


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
    from ccsim.batch.runner import run

    goal = goal or StaffingGoal.of(scenario)
    if replications < 2 and goal.confidence is not None:
        raise ValueError("a confidence needs at least 2 replications")
    seed = seed if seed is not None else (scenario.seed if scenario.seed is not None else 1)
    say = progress or (lambda _msg: None)
    h = scenario.horizon
    n = h.n_intervals
    names = staffed_groups(scenario)
    if not names:
        raise ValueError("the scenario has no in-house agent group to staff")
    loads = group_loads(scenario, names)
    erlang = np.array(
        [
            [
                erlang_agents(
                    float(loads[g]["lam"][i]),
                    float(loads[g]["aht"][i]),
                    float(loads[g]["patience"][i]),
                    goal,
                )
                for i in range(n)
            ]
            for g in names
        ],
        dtype=int,
    )
    searched = np.array(h.interval_starts()) >= h.start + h.warmup - 1e-9
    has_load = np.array([loads[g]["lam"] > 0 for g in names])
    rates = type_rates(scenario)
    skills = [set(next(a for a in scenario.agent_groups if a.name == g).skills) for g in names]
    # Groups that can help an interval: they answer a type with calls in it (or just before).
    busy_types = rates > 0
    busy_types[:, 1:] |= rates[:, :-1] > 0
    helpers = [
        [
            k
            for k, sk in enumerate(skills)
            if any(busy_types[c, i] for c, ct in enumerate(scenario.call_types) if ct.name in sk)
        ]
        for i in range(n)
    ]
    cost = np.array([_agent_cost(scenario, g) for g in names])
    floor = np.where(has_load & searched, 1, 0)
    floor = np.where(searched, floor, erlang)  # warm-up intervals stay as Erlang says
    cache: dict[bytes, tuple[RunResult, Assessment]] = {}

    def simulate(s: np.ndarray, on: int = seed) -> tuple[RunResult, Assessment]:
        key = s.tobytes() + on.to_bytes(8, "little")
        if key not in cache:
            r = run(
                _with_lines(scenario, names, s),
                replications,
                on,
                engine=engine,
                backend=backend,
                keep_observations=True,
            )
            a = assess(r, goal)
            r.observations = []  # the backlog is taken: free the calls
            cache[key] = (r, a)
        return cache[key]

    def total_cost(s: np.ndarray) -> float:
        return float((s * cost[:, None]).sum())

    check_seed = (seed * 7919 + 1) % 2**31  # independent of the search's numbers
    rechecked = False
    s = np.maximum(erlang, floor)
    erlang_run, erlang_a_ = simulate(s)
    best: np.ndarray | None = None
    # Agents added or removed at once per (group, interval): doubled after each
    # success in the same direction, back to 1 after a failure.
    up, down = np.ones_like(s), np.ones_like(s)
    turn = 0  # the group whose agents the next removal tries
    iterations, converged = 0, False
    while iterations < max_iterations:
        iterations += 1
        a = simulate(s)[1]
        missed = [i for i in range(n) if searched[i] and not a.met[i]]
        if missed:
            say(f"iteration {iterations}: {len(missed)} interval(s) miss the goal: add agents")
            s = _add(s, missed, a, floor, up, helpers, has_load, searched, cost, simulate)
            continue
        up[:] = 1
        if best is None or total_cost(s) <= total_cost(best):
            best = s.copy()
        removed = False
        for step in range(len(names)):
            k = (turn + step) % len(names)
            tried = [i for i in range(n) if searched[i] and s[k, i] > floor[k, i]]
            if not tried:
                continue
            turn = k + 1
            size = np.minimum(down[k, tried], s[k, tried] - floor[k, tried])
            trial = s.copy()
            trial[k, tried] -= size
            failed = [j for j in range(n) if searched[j] and not simulate(trial)[1].met[j]]
            kept = _blame(tried, failed)
            for i, d in zip(tried, size, strict=True):
                if i in kept:
                    trial[k, i] += d
                    if d == 1:
                        floor[k, i] = s[k, i]  # one agent less fails: the floor
                    down[k, i] = 1
                else:
                    down[k, i] = 2 * d
            say(
                f"iteration {iterations}: {names[k]}: fewer agents in {len(tried)} "
                f"interval(s), put back in {len(kept)}"
            )
            s = trial
            removed = True
            break
        if removed:
            continue
        if not verify:
            converged = True
            break
        # The search chose the fewest agents that met the goal on these random numbers,
        # so it favours lucky ones (the winner's curse): check on fresh numbers, and
        # where an interval misses there, add agents and search again.
        a = simulate(best, check_seed)[1]
        missed = [i for i in range(n) if searched[i] and not a.met[i]]
        if not missed:
            converged = True
            break
        say(f"iteration {iterations}: {len(missed)} interval(s) miss on fresh numbers: add")
        s = _add(best, missed, a, floor, up, helpers, has_load, searched, cost, simulate)
        best = None
        rechecked = True
    feasible = best is not None
    if best is None:
        best = s
    final_run, final_a = simulate(best)
    check = simulate(best, check_seed)[1] if verify else None
    notes = _notes(scenario, names, loads, goal, searched, converged, feasible, max_iterations)
    if rechecked:
        notes.append(
            f"the check on fresh random numbers (seed {check_seed}) added agents where the "
            "first answer missed"
        )
    table = _table(names, h, loads, erlang, best, searched, final_a, erlang_a_, check)
    return StaffingResult(
        scenario=scenario,
        goal=goal,
        table=table,
        staffed=_with_lines(scenario, names, best),
        result=final_run,
        erlang_result=erlang_run,
        replications=replications,
        seed=seed,
        iterations=iterations,
        simulations=len(cache),
        converged=converged,
        feasible=feasible,
        notes=notes,
        check_seed=check_seed if verify else None,
    )


def required_staff(scenario: Scenario, goal: StaffingGoal | None = None, **kwargs) -> pd.DataFrame:
    """The requirement table of `find_staffing` (group, start, erlang_agents,
    required_agents, offered_load): what shift scheduling covers."""
    return find_staffing(scenario, goal, **kwargs).requirement()


def _add(s, missed, a, floor, up, helpers, has_load, searched, cost, simulate) -> np.ndarray:
    """More agents in every missed interval (from the group that helps most per cost;
    ``up`` of them, doubled while the interval keeps missing), and one more in the
    interval before it when that left it a backlog."""
    s = s.copy()
    choice: dict[int, int] = {}
    contested = {i: helpers[i] for i in missed if len(helpers[i]) > 1}
    gains: dict[int, np.ndarray] = {}
    for k in sorted({k for ks in contested.values() for k in ks}):
        trial = s.copy()
        for i, ks in contested.items():
            if k in ks:
                trial[k, i] += 1
        gains[k] = a.shortfall - simulate(trial)[1].shortfall
    for i in missed:
        ks = helpers[i] or [int(np.argmax(has_load[:, i]))]
        if len(ks) == 1:
            choice[i] = ks[0]
        else:  # best gain per cost; with no measurable gain, the cheapest
            choice[i] = max(ks, key=lambda k: (gains[k][i] / cost[k], -cost[k]))
    b = a.backlog
    for i, k in choice.items():
        floor[k, i] = max(floor[k, i], s[k, i] + 1)  # this many missed: at least one more
        s[k, i] += up[k, i]
        up[k, i] *= 2
        if i > 0 and searched[i - 1] and b[i] >= 1.0 and b[i] >= b[i + 1] + 1.0:
            s[k, i - 1] += 1
    for i in range(s.shape[1]):
        if i not in choice:
            up[:, i] = 1
    return s


def _blame(tried: list[int], failed: list[int]) -> list[int]:
    """The intervals whose removed agent goes back: each failed interval blames its own
    removal, else the previous interval's, else the next one's, else the nearest."""
    kept: set[int] = set()
    for j in failed:
        for k in (j, j - 1, j + 1):
            if k in tried:
                kept.add(k)
                break
        else:
            kept.add(min(tried, key=lambda k: abs(k - j)))
    return sorted(kept)


def _agent_cost(scenario: Scenario, name: str) -> float:
    g = next(a for a in scenario.agent_groups if a.name == name)
    rate = scenario.costs.agent_hour if g.agent_hour is None else g.agent_hour
    if all(
        (scenario.costs.agent_hour if a.agent_hour is None else a.agent_hour) == 0
        for a in scenario.agent_groups
    ):
        return 1.0  # no costs given: count agents
    return max(rate, 1e-9)


def _with_lines(scenario: Scenario, names: Sequence[str], s: np.ndarray) -> Scenario:
    """``scenario`` with groups ``names`` staffed by the staffing lines ``s``."""
    lines = {g: tuple(int(x) for x in s[k]) for k, g in enumerate(names)}
    groups = tuple(
        dataclasses.replace(g, agents=0, agents_per_interval=lines[g.name], shifts=())
        if g.name in lines
        else g
        for g in scenario.agent_groups
    )
    return dataclasses.replace(scenario, agent_groups=groups)


def _notes(scenario, names, loads, goal, searched, converged, feasible, max_iterations):
    notes = []
    for g in names:
        notes.append(f"{g}: Erlang {loads[g]['erlang_model']}")
    notes.append("intervals without offered calls get 0 agents; any interval with calls at least 1")
    if not searched.all():
        notes.append("warm-up intervals keep the Erlang staffing (they are not searched)")
    if len(names) > 1:
        notes.append(
            "several groups: the Erlang start splits each call type's load over the groups "
            "answering it first at its best priority; the search decides on the interval's "
            "SL over all call types"
        )
    if any(c.retrial or c.transfer or c.callback for c in scenario.call_types):
        notes.append("Erlang start: redials, transfers and callbacks are not in the offered load")
    if any(g.shrinkage > 0 for g in scenario.agent_groups):
        notes.append(
            "shrinkage: the simulated answer is scheduled agents (absences included); "
            "the Erlang answer is agents on the floor"
        )
    if not feasible:
        notes.append(
            f"NOT FEASIBLE: some interval still missed the goal after {max_iterations}"
            " iterations; the table shows the last staffing tried"
        )
    elif not converged:
        notes.append(
            f"stopped after {max_iterations} iterations: every interval meets the "
            "goal, but some may still be able to drop an agent"
        )
    return notes


def _table(names, h, loads, erlang, best, searched, final, first, check) -> pd.DataFrame:
    import pandas as pd

    starts = [format_clock(t) for t in h.interval_starts()]
    rows = []
    for k, g in enumerate(names):
        for i, start in enumerate(starts):
            row = {
                "group": g,
                "start": start,
                "offered_load": float(loads[g]["load"][i]),
                "erlang_agents": int(erlang[k, i]),
                "required_agents": int(best[k, i]),
                "difference": int(best[k, i] - erlang[k, i]),
                "erlang_model": loads[g]["erlang_model"][0],
                "searched": bool(searched[i]),
            }
            for prefix, a in (("", final), ("erlang_", first)):
                row.update(
                    {
                        f"{prefix}service_level": a.sl[i],
                        f"{prefix}service_level_ci_low": a.sl_ci[i, 0],
                        f"{prefix}service_level_ci_high": a.sl_ci[i, 1],
                        f"{prefix}abandon_rate": a.abandon[i],
                        f"{prefix}abandon_rate_ci_low": a.abandon_ci[i, 0],
                        f"{prefix}abandon_rate_ci_high": a.abandon_ci[i, 1],
                        f"{prefix}p_target_met": a.p_met[i],
                        f"{prefix}target_met": bool(a.met[i]),
                    }
                )
            if check is not None:
                row["check_service_level"] = check.sl[i]
                row["check_abandon_rate"] = check.abandon[i]
                row["check_target_met"] = bool(check.met[i])
            rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- the staffed file


def staffed_document(
    data: dict,
    scenario: Scenario,
    lines: dict[str, Sequence[int]],
    *,
    base_dir: Path | None,
    out_dir: Path,
    scaled: bool = False,
) -> dict:
    """The scenario file's data (``data``, overrides applied) with each group of
    ``lines`` staffed by its staffing line (``agents: [..]``, shifts dropped), the
    files it names copied into ``out_dir/files/`` (a scenario reads only its folder);
    with ``scaled`` (``--scale-arrivals`` was used) every arrival is written as the
    volumes per interval of ``scenario``."""
    import copy

    doc = copy.deepcopy(data)
    for name, line in lines.items():
        group = doc["agent_groups"][name]
        group.pop("shifts", None)
        group["agents"] = [int(x) for x in line]
    if scaled:
        size = scenario.horizon.interval
        for ct in scenario.call_types:
            entry = doc["call_types"][ct.name]
            if entry.get("arrivals") is not None:
                if ct.aht is not None and any(a is not None for a in ct.aht):
                    raise ScenarioError(
                        "with --scale-arrivals, a forecast file with an aht column cannot be "
                        "written into staffed.yaml (its volumes would lose their AHT); scale "
                        "the forecast file instead",
                        path=("call_types", ct.name, "arrivals", "file"),
                        file=scenario.source,
                    )
                entry["arrivals"] = {"volumes": [round(r * size, 6) for r in ct.rates]}
        if scenario.ivr is not None:
            doc["ivr"]["arrivals"] = {"volumes": [round(r * size, 6) for r in scenario.ivr.rates]}

    copied: dict[Path, str] = {}

    def relocate(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "file" and isinstance(value, str) and base_dir is not None:
                    node[key] = _copy_beside(base_dir / value, out_dir, copied)
                else:
                    relocate(value)
        elif isinstance(node, list):
            for item in node:
                relocate(item)

    relocate(doc)
    return doc


def _copy_beside(source: Path, out_dir: Path, copied: dict[Path, str]) -> str:
    """Copy a file the scenario names into ``out_dir/files/`` and return its path
    relative to ``out_dir``: the written scenario then reads it from its own folder
    (scenarios read no file outside their folder, `ccsim.scenario.files`)."""
    import shutil

    from ccsim.atomic import atomic_path

    full = source.resolve()
    if full not in copied:
        name = full.name
        taken = set(copied.values())
        n = 1
        while f"files/{name}" in taken:
            n += 1
            name = f"{full.stem}_{n}{full.suffix}"
        (out_dir / "files").mkdir(parents=True, exist_ok=True)
        with atomic_path(out_dir / "files" / name) as tmp:
            shutil.copyfile(full, tmp)
        copied[full] = f"files/{name}"
    return copied[full]


def write_staffed(path: Path, doc: dict, note: str) -> Path:
    """Write ``doc`` as YAML, led by the comment ``note``."""
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    comment = "".join(f"# {line}\n" for line in note.splitlines())
    write_text(
        path,
        comment + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=None),
    )
    return path


# --------------------------------------------------------------------------- required vs scheduled


def read_requirement(path: str | Path, scenario: Scenario) -> pd.DataFrame:
    """A requirement table from CSV (``ccsim staff --out``'s staffing.csv, or any file
    with columns ``start`` ("HH:MM") and ``required_agents`` — or ``required`` /
    ``agents`` — and optionally ``group``), checked against ``scenario``: every group
    named exists, and each has every planning interval exactly once. Without a
    ``group`` column the requirement is for all groups together (group ""). Returns
    columns ``group``, ``start``, ``required_agents``."""
    import csv

    import pandas as pd

    path = Path(path)
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ScenarioError(f"cannot read the requirement file: {exc}", file=where) from None
    reader = csv.reader(text.splitlines())
    header = [h.strip().lower() for h in next(reader, [])]
    if "interval" in header and "start" not in header:  # the output tables' name for it
        header[header.index("interval")] = "start"
    column = next((c for c in ("required_agents", "required", "agents") if c in header), None)
    if "start" not in header or column is None:
        raise ScenarioError(
            "a requirement needs the columns start and required_agents (or required, agents);"
            f" has {', '.join(header) or 'none'}",
            file=where,
            line=1,
        )
    starts = [format_clock(t) for t in scenario.horizon.interval_starts()]
    groups = [g.name for g in scenario.agent_groups]
    seen: dict[str, dict[str, float]] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        row = dict(zip(header, (c.strip() for c in cells), strict=False))
        group = row.get("group", "")
        if "group" in header and group not in groups:
            raise ScenarioError(
                f"group: no agent group {group!r} in the scenario; it has {', '.join(groups)}",
                file=where,
                line=line,
            )
        start = row.get("start", "")
        if start not in starts:
            raise ScenarioError(
                f"start: {start!r} is not a planning interval of the scenario "
                f"({starts[0]} to {starts[-1]}, every {scenario.horizon.interval / 60:g} min)",
                file=where,
                line=line,
            )
        try:
            value = float(row.get(column, ""))
        except ValueError:
            value = math.nan
        if not value >= 0:
            raise ScenarioError(
                f"{column}: must be a number >= 0, got {row.get(column)!r}", file=where, line=line
            )
        per_group = seen.setdefault(group, {})
        if start in per_group:
            raise ScenarioError(
                f"start: interval {start} of {group or 'the requirement'} is given twice",
                file=where,
                line=line,
            )
        per_group[start] = value
    if not seen:
        raise ScenarioError("the requirement has no rows", file=where)
    for group, per_group in seen.items():
        missing = [s for s in starts if s not in per_group]
        if missing:
            raise ScenarioError(
                f"{group or 'the requirement'} lacks {len(missing)} interval(s) of the scenario, "
                f"first {missing[0]}",
                file=where,
            )
    return pd.DataFrame(
        [(g, s, per_group[s]) for g, per_group in seen.items() for s in starts],
        columns=["group", "start", "required_agents"],
    )


#: The per-interval figures `with_required` adds.
REQUIRED_KPIS = ("required", "over_under")


def with_required(result: RunResult, requirement: pd.DataFrame) -> RunResult:
    """``result`` with ``required`` (agents needed on the floor) and ``over_under``
    (available − required: agents on the floor, not on break, lunch or absent, minus
    the requirement; positive is over-staffing) in every per-interval row (all
    groups: the sum of the requirement) and in the per-group rows of the groups in
    ``requirement``. The over/under CI is the available agents' CI (shrinkage and
    break placement make it vary). Scheduled agents (on shift) are not coverage."""
    summary = dict(result.summary)
    n = len(summary["by_interval"])
    total = requirement.groupby("start", sort=False)["required_agents"].sum()

    def add(row: dict, required: float | None) -> dict:
        row = dict(row)
        floor = row.get("available_agents") or {}
        mean, ci = floor.get("mean"), floor.get("ci95")
        if required is None or mean is None:
            row["required"] = {"mean": required, "ci95": None}
            row["over_under"] = {"mean": None, "ci95": None}
            return row
        row["required"] = {"mean": float(required), "ci95": None}
        row["over_under"] = {
            "mean": mean - required,
            "ci95": None if ci is None else [ci[0] - required, ci[1] - required],
        }
        return row

    summary["by_interval"] = [
        add(row, float(total[row["start"]])) for row in summary["by_interval"][:n]
    ]
    per_group = {}
    for group, rows in summary["by_agent_group_interval"].items():
        mine = requirement[requirement["group"] == group].set_index("start")["required_agents"]
        per_group[group] = [
            add(row, float(mine[row["start"]]) if row["start"] in mine.index else None)
            for row in rows
        ]
    summary["by_agent_group_interval"] = per_group
    return dataclasses.replace(result, summary=summary)


def required_line(result: RunResult) -> list[float] | None:
    """The required agents per interval that `with_required` added, else None."""
    rows = result.summary["by_interval"]
    if not rows or "required" not in rows[0]:
        return None
    return [np.nan if r["required"]["mean"] is None else r["required"]["mean"] for r in rows]
