"""Packing the staffing side of a day for the compiled engine: the routing
tables, the roster's agents and their plan steps, the groups' handle times
(arrays for `ccsim.kernels.engine.simulate`, assembled by `ccsim.models.pack_calls.pack`).

What depends on the scenario alone is packed once per scenario (`per_scenario`)
and shared by its replications, read-only (``flags.writeable`` off: the kernel
is compiled for read-only arrays there, so a step that wrote one would not
compile); the kernel gets fresh copies of the tables it changes: the queues
(``ti``), the idle pools (``gi``) and the agents (``ai``, ``af``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ccsim.kernels import layout as k
from ccsim.models.agents import ABSENCE, BREAK, LOG_OUT
from ccsim.models.calls import CallDraws
from ccsim.models.roster import absences, absent_all_shift, roster_template
from ccsim.models.routing import Router
from ccsim.scenario.memo import per_scenario
from ccsim.scenario.model import Scenario


def _offsets(lists) -> np.ndarray:
    return np.cumsum([0] + [len(x) for x in lists]).astype(np.int64)


def frozen(arrays: dict) -> dict:
    """``arrays`` made read-only in place (shared by replications); returned."""
    for a in arrays.values():
        if isinstance(a, np.ndarray):
            a.flags.writeable = False
    return arrays


@per_scenario
def routing_tables(scenario: Scenario) -> dict[str, np.ndarray]:
    """The Router's tables as arrays, read-only; ``ti`` and ``gi`` are the queues'
    and idle pools' initial state, which `routing` copies for each day."""
    r = Router(scenario, np.zeros(0), [])
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
    gk[:, :, k.GK_OWN] = -1  # no own handle times (`routing` sets the day's)
    gkf = np.zeros((n_groups, n_types, 2))
    gkf[:, :, k.GKF_AFTER] = np.array(r.after, dtype=np.float64).reshape(n_types, n_groups).T
    _handle_factors(scenario, gkf)
    return frozen(
        {
            "ti": ti,
            "gi": gi,
            "skills": skills,
            "glist": np.array([g for groups in glists for g in groups], dtype=np.int64),
            "ov_after": np.array([after for after, _ in steps], dtype=np.float64),
            "ovi": ovi,
            "gk": gk,
            "gkf": gkf,
        }
    )


def _handle_factors(scenario: Scenario, gkf: np.ndarray) -> None:
    """Fill the groups' handle-time factors into the (group, type) table."""
    types = [c.name for c in scenario.call_types]
    gkf[:, :, k.GKF_FACTOR] = 1.0
    for g, group in enumerate(scenario.agent_groups):
        for skill, f in group.handle_time_factor:
            gkf[g, types.index(skill), k.GKF_FACTOR] = f


def routing(scenario: Scenario, calls: CallDraws) -> dict[str, np.ndarray]:
    """The day's routing tables (`routing_tables`, fresh queues and idle pools) and
    the groups' own handle times, one row per (group, type) that has them
    (`ContactCenter.answer`), its row in ``gk``."""
    out = dict(routing_tables(scenario))
    out["ti"] = out["ti"].copy()
    out["gi"] = out["gi"].copy()
    own: list[np.ndarray] = []
    if calls.group_handle:
        gk = out["gk"].copy()
        for (g, t), values in calls.group_handle.items():
            gk[g, t, k.GK_OWN] = len(own)
            own.append(np.asarray(values, dtype=np.float64))
        gk.flags.writeable = False
        out["gk"] = gk
    out["own_handle"] = np.array(own, dtype=np.float64).reshape(len(own), calls.n_calls)
    return out


_STEP_COLUMNS = ("plan", "due", "kind", "arg", "paid")


@dataclass(frozen=True)
class _StaffTemplate:
    """The roster's arrays before a replication's draws: the agents (``ai``, ``af``,
    to copy) and each agent's breaks and log-out as steps (``plan``, ``due``,
    ``kind``, ``arg``, ``paid``; in `agent_day`'s order, also as ``sf``/``si``)."""

    ai: np.ndarray
    af: np.ndarray
    steps: dict[str, np.ndarray]
    sf: np.ndarray
    si: np.ndarray


def _sorted_steps(steps: dict[str, np.ndarray], n: int) -> tuple:
    """The steps in `agent_day`'s order: by agent, due time and kind, else as
    given (a stable sort); as ``sf``, ``si`` and each agent's first step."""
    order = np.lexsort((steps["kind"], steps["due"], steps["plan"]))
    sf = np.empty((order.shape[0], 2))
    sf[:, k.SF_DUE] = steps["due"][order]
    sf[:, k.SF_ARG] = steps["arg"][order]
    si = np.empty((order.shape[0], 2), dtype=np.int64)
    si[:, k.SI_KIND] = steps["kind"][order]
    si[:, k.SI_PAID] = steps["paid"][order]
    off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(steps["plan"], minlength=n), out=off[1:])
    sf.flags.writeable = si.flags.writeable = False
    return sf, si, off


@per_scenario
def _staff_template(scenario: Scenario) -> _StaffTemplate:
    plans = roster_template(scenario).plans
    rows: list[tuple[int, float, int, float, bool]] = []
    for p, (_, _, end, open_end, breaks) in enumerate(plans):
        rows += [(p, t, BREAK, length, paid) for t, length, paid in breaks]
        if not open_end:
            rows.append((p, end, LOG_OUT, 0.0, True))
    columns = list(zip(*rows, strict=True)) or [()] * 5
    dtypes = (np.int64, np.float64, np.int64, np.float64, np.int64)
    steps = {
        name: np.array(col, dtype=dtype)
        for name, col, dtype in zip(_STEP_COLUMNS, columns, dtypes, strict=True)
    }
    n = len(plans)
    sf, si, off = _sorted_steps(steps, n)
    ai = np.zeros((n, k.N_AI), dtype=np.int64)
    ai[:, k.AI_GROUP] = [p[0] for p in plans]
    ai[:, k.AI_OPEN_END] = [p[3] for p in plans]
    ai[:, k.AI_STEP_LO] = off[:-1]
    ai[:, k.AI_STEP_HI] = off[1:]
    ai[:, k.AI_PHASE] = k.P_INIT
    ai[:, k.AI_NEXT] = ai[:, k.AI_PREV] = -1
    af = np.zeros((n, k.N_AF))
    af[:, k.AF_START] = [p[1] for p in plans]
    af[:, k.AF_END] = [p[2] for p in plans]
    af[:, k.AF_FREE_AT] = scenario.horizon.start
    frozen({"ai": ai, "af": af, **steps})
    return _StaffTemplate(ai, af, steps, sf, si)


def staff_arrays(scenario: Scenario, seed: int, replication: int) -> dict[str, np.ndarray]:
    """The roster (`ccsim.models.roster.build_roster`) as the kernel's arrays: the
    agents (``ai``, ``af``, fresh) and their plans' steps (``sf``, ``si``)."""
    template = _staff_template(scenario)
    absent = absent_all_shift(scenario, seed, replication)
    ai = template.ai.copy()
    ai[:, k.AI_ABSENT_ALL] = absent
    sf, si = template.sf, template.si
    away = absences(scenario, absent) if roster_template(scenario).away else []
    if away:
        p, t0, t1 = (np.array(col) for col in zip(*away, strict=True))
        s = template.steps
        steps = {
            "plan": np.concatenate((s["plan"], p.astype(np.int64))),
            "due": np.concatenate((s["due"], t0.astype(np.float64))),
            "kind": np.concatenate((s["kind"], np.full(len(away), ABSENCE, dtype=np.int64))),
            "arg": np.concatenate((s["arg"], t1.astype(np.float64))),
            "paid": np.concatenate((s["paid"], np.ones(len(away), dtype=np.int64))),
        }
        sf, si, off = _sorted_steps(steps, ai.shape[0])
        ai[:, k.AI_STEP_LO] = off[:-1]
        ai[:, k.AI_STEP_HI] = off[1:]
    return {"ai": ai, "af": template.af.copy(), "sf": sf, "si": si}
