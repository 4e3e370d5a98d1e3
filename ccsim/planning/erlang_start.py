"""The Erlang start of the staffing search: the offered load of every call type and
staffed group per interval (`type_rates`, `group_loads`), and the fewest agents an
interval needs taken as a steady state of its own (`erlang_agents`: Erlang C without
patience, Erlang A with it)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ccsim.planning.analytic import erlang_a, erlang_c_agents
from ccsim.planning.staffing_goal import _EPS, StaffingGoal
from ccsim.scenario.kinds.dist_base import DistKind
from ccsim.scenario.model import IVR_HANG_UP, IVR_SELF_SERVICE, Scenario
from ccsim.scenario.periods import period_means


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
        ends = np.minimum(starts + h.interval, e.end)
        share = np.clip(ends - np.maximum(starts, e.start), 0, None) / h.interval
        for r, name in enumerate([*names, None]):  # None: the IVR's arrivals
            f = e.rule.arrival_factor(e, name)
            if f != 1.0:
                factor[r] *= 1.0 + (f - 1.0) * share
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
    kinds: dict[str, set[DistKind]] = {g: set() for g in groups}
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
        elif all(kind.memoryless for kind in kinds[g]):
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


def _patience_kinds(ct) -> set[DistKind]:
    """The kinds of the type's patience (a period's each, when given per period)."""
    if ct.patience_by_period:
        return {p.dist.rule for p in ct.patience_by_period}
    return {ct.patience.rule}


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
