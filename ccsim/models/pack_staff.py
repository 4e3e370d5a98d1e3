"""Packing the staffing side of a day for the compiled engine: the routing
tables, the roster's agents and their plan steps, the groups' handle times
(arrays for `ccsim.kernels.engine.simulate`, assembled by `ccsim.models.pack_calls.pack`)."""

from __future__ import annotations

import numpy as np

from ccsim.kernels import layout as k
from ccsim.models.agents import ABSENCE, BREAK, LOG_OUT
from ccsim.models.calls import CallDraws
from ccsim.models.roster import AgentPlan
from ccsim.models.routing import Router
from ccsim.scenario.model import Scenario


def _offsets(lists) -> np.ndarray:
    return np.cumsum([0] + [len(x) for x in lists]).astype(np.int64)


def _plan_steps(plan: AgentPlan) -> list[tuple[float, int, float, bool]]:
    """The plan's steps in `agent_day`'s order: (due, kind, length or end, paid)."""
    steps = [(t, BREAK, length, paid) for t, length, paid in plan.breaks]
    steps += [(t0, ABSENCE, t1, True) for t0, t1 in plan.absences]
    if not plan.open_end:
        steps.append((plan.end, LOG_OUT, 0.0, True))
    steps.sort(key=lambda s: (s[0], s[1]))
    return steps


def _routing(scenario: Scenario, agent_group: list[int]) -> dict[str, np.ndarray]:
    """The Router's tables as arrays."""
    r = Router(scenario, np.zeros(0), agent_group)
    n_types, n_groups = len(scenario.call_types), len(scenario.agent_groups)
    steps = [step for per_type in r.overflow for step in per_type]
    glists = list(r.initial_groups) + [groups for _, groups in steps]
    goff = _offsets(glists)
    step_off = _offsets(r.overflow)
    skill_off = _offsets(r.group_skills)

    ti = np.zeros((n_types, k.N_TI), dtype=np.int64)
    ti[:, k.TI_HEAD] = ti[:, k.TI_TAIL] = -1
    ti[:, k.TI_CB_HEAD] = ti[:, k.TI_CB_TAIL] = -1
    ti[:, k.TI_CHAT] = [c.channel == "chat" for c in scenario.call_types]
    ti[:, k.TI_SELECTION] = r.selection
    ti[:, k.TI_INIT_LO] = goff[:n_types]
    ti[:, k.TI_INIT_HI] = goff[1 : n_types + 1]
    ti[:, k.TI_OV_LO] = step_off[:-1]
    ti[:, k.TI_OV_HI] = step_off[1:]

    gi = np.zeros((n_groups, k.N_GI), dtype=np.int64)
    gi[:, k.GI_HEAD] = gi[:, k.GI_TAIL] = -1
    gi[:, k.GI_RESERVE] = r.reserve
    gi[:, k.GI_BY_COUNT] = [g.staffing_cut == "by_count" for g in scenario.agent_groups]
    gi[:, k.GI_CHAT_MAX] = [g.chat_max for g in scenario.agent_groups]
    gi[:, k.GI_SKILL_LO] = skill_off[:-1]
    gi[:, k.GI_SKILL_HI] = skill_off[1:]

    skills = np.array(
        [(t, tp, sp) for entries in r.group_skills for tp, sp, t in entries], dtype=np.int64
    ).reshape(-1, 3)
    ovi = np.zeros((len(steps), 2), dtype=np.int64)
    ovi[:, k.OV_LO] = goff[n_types:-1]
    ovi[:, k.OV_HI] = goff[n_types + 1 :]
    gk = np.zeros((n_groups, n_types, 2), dtype=np.int64)
    for g, types in enumerate(r.lower_skill):
        gk[g, sorted(types), k.GK_LOWER] = 1
    gkf = np.zeros((n_groups, n_types, 2))
    gkf[:, :, k.GKF_AFTER] = np.array(r.after, dtype=np.float64).reshape(n_types, n_groups).T
    return {
        "ti": ti,
        "gi": gi,
        "skills": skills,
        "glist": np.array([g for groups in glists for g in groups], dtype=np.int64),
        "ov_after": np.array([after for after, _ in steps], dtype=np.float64),
        "ovi": ovi,
        "gk": gk,
        "gkf": gkf,
    }


def _roster(scenario: Scenario, plans: list[AgentPlan]) -> dict[str, np.ndarray]:
    steps = [_plan_steps(p) for p in plans]
    flat = [s for per_agent in steps for s in per_agent]
    off = _offsets(steps)
    n = len(plans)
    ai = np.zeros((n, k.N_AI), dtype=np.int64)
    ai[:, k.AI_GROUP] = [p.group for p in plans]
    ai[:, k.AI_OPEN_END] = [p.open_end for p in plans]
    ai[:, k.AI_ABSENT_ALL] = [p.absent_all_shift for p in plans]
    ai[:, k.AI_STEP_LO] = off[:-1]
    ai[:, k.AI_STEP_HI] = off[1:]
    ai[:, k.AI_PHASE] = k.P_INIT
    ai[:, k.AI_NEXT] = ai[:, k.AI_PREV] = -1
    af = np.zeros((n, k.N_AF))
    af[:, k.AF_START] = [p.start for p in plans]
    af[:, k.AF_END] = [p.end for p in plans]
    af[:, k.AF_FREE_AT] = scenario.horizon.start
    sf = np.array([(s[0], s[2]) for s in flat], dtype=np.float64).reshape(-1, 2)
    si = np.array([(s[1], s[3]) for s in flat], dtype=np.int64).reshape(-1, 2)
    return {"ai": ai, "af": af, "sf": sf, "si": si}


def _handle_overrides(scenario: Scenario, calls: CallDraws, gk, gkf) -> np.ndarray:
    """Fill the groups' handle-time factors and own handle times into the (group,
    type) tables; returns the own handle times, one row per (group, type) that has
    them (`ContactCenter.answer`)."""
    types = [c.name for c in scenario.call_types]
    gkf[:, :, k.GKF_FACTOR] = 1.0
    for g, group in enumerate(scenario.agent_groups):
        for skill, f in group.handle_time_factor:
            gkf[g, types.index(skill), k.GKF_FACTOR] = f
    gk[:, :, k.GK_OWN] = -1
    own: list[np.ndarray] = []
    for (g, t), values in calls.group_handle.items():
        gk[g, t, k.GK_OWN] = len(own)
        own.append(np.asarray(values, dtype=np.float64))
    return np.array(own, dtype=np.float64).reshape(len(own), calls.n_calls)
