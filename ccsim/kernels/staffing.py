"""Staffing in the compiled engine: agent time, the staffing cut by count, and an
agent's day (`ccsim.models.agents.agent_day`) as a state machine.

The agent-time split (`add_time_py`) and the staffing cut are written once, here:
the SimPy model calls the same functions (`ccsim.models.roster.add_time`,
`ccsim.models.floor`), the event loop their compiled twins.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ccsim.kernels import decisions
from ccsim.kernels.layout import (
    AF_END,
    AF_FLOOR_SINCE,
    AF_START,
    AF_STEP_BEGAN,
    AI_ABSENT_ALL,
    AI_BUSY,
    AI_GROUP,
    AI_LEAVE,
    AI_ON_FLOOR,
    AI_PARTIAL,
    AI_PHASE,
    AI_STEP,
    AI_STEP_HI,
    AI_STEP_LO,
    BREAK,
    EV_AGENT,
    GI_BY_COUNT,
    GI_HEAD,
    GI_IDLE,
    GI_ON_FLOOR,
    LOG_OUT,
    N_KINDS,
    P_ABSENT,
    P_BREAK,
    P_DONE,
    P_DUE,
    P_INIT,
    P_LEAVE,
    P_LOOP,
    P_NEXT,
    P_START,
    SF_ARG,
    SF_DUE,
    SI_KIND,
    SI_PAID,
    T_NOW,
    WANT_AVAILABLE,
    WANT_WITHDRAW,
    Cut,
    later,
    step,
)


def add_time_py(row, t0, t1, start, interval) -> None:
    """Add the span ``[t0, t1)`` to ``row`` split exactly over the planning intervals.

    Time outside the horizon (before its start, after its last interval) is dropped.
    Both engines count agent time with it: the SimPy model calls this plain function
    (`ccsim.models.roster.add_time`), the kernel its compiled twin `add_time`.
    """
    n = row.shape[0]
    end = start + n * interval
    t0 = max(t0, start)
    t1 = min(t1, end)
    if t1 <= t0:
        return
    i0 = int((t0 - start) // interval)
    i1 = min(int((t1 - start) // interval), n - 1)
    if i0 == i1:
        row[i0] += t1 - t0
        return
    row[i0] += start + (i0 + 1) * interval - t0
    for i in range(i0 + 1, i1):
        row[i] += interval
    row[i1] += t1 - (start + i1 * interval)


add_time = njit(cache=True)(add_time_py)


# -- The staffing cut by count (`AgentGroup.staffing_cut`), for both engines -----
#
# Written once here and called by the event loop below and by the SimPy model
# (`ccsim.models.center`). State, one structure of small arrays (`new_cut_state`):
# ``holder[p]`` the agent who holds roster plan p, ``plan_of[a]`` the plan agent a
# holds; ``ghost[a]`` > 0 (the order it became one) for a busy agent whose plan
# logged out under ``by_count`` and who leaves when its call ends; ``n_ghosts[g]``
# per group; ``counter[0]`` the last order given. Agents of a group trade plans, so
# the count falls exactly as the plans say while identities are free: at a log-out
# an idle agent leaves in a busy one's place, and an agent who becomes free while
# the group has a ghost leaves in the ghost's place (the ghost stays, on the plan
# the free agent held). So no call starts while the busy agents are at or above
# the headcount, and each agent finishing a call above it leaves.


def new_cut_state(n_agents: int, n_groups: int):
    """`Cut` (holder, plan_of, ghost, n_ghosts, counter): every agent on its own plan."""
    return Cut(
        np.arange(n_agents, dtype=np.int64),
        np.arange(n_agents, dtype=np.int64),
        np.zeros(n_agents, dtype=np.int64),
        np.zeros(n_groups, dtype=np.int64),
        np.zeros(1, dtype=np.int64),
    )


@njit(cache=True)
def trade_plans(holder, plan_of, a, b):
    """Agents a and b (of one group) swap their plans."""
    pa = plan_of[a]
    pb = plan_of[b]
    holder[pa] = b
    holder[pb] = a
    plan_of[a] = pb
    plan_of[b] = pa


@njit(cache=True)
def cut_leaver(holder, plan_of, p, busy, idle_agent):
    """Plan p logs out under ``by_count``: the agent who leaves now. Its own agent
    if free; else ``idle_agent`` (the group's agent idle the longest, -1 if none),
    who takes plan p while the busy one goes on with the idle one's plan; -1 when
    nobody idle can leave (the busy agent then becomes a ghost)."""
    a = holder[p]
    if not busy:
        return a
    if idle_agent < 0:
        return -1
    trade_plans(holder, plan_of, a, idle_agent)
    return idle_agent


@njit(cache=True)
def become_ghost(ghost, n_ghosts, counter, agent, g):
    """The busy agent leaves when its call ends (unless an agent relieves it)."""
    counter[0] += 1
    ghost[agent] = counter[0]
    n_ghosts[g] += 1


@njit(cache=True)
def ghost_leaves(ghost, n_ghosts, agent, g):
    """The ghost's call ended: it leaves now, no longer a ghost. False if not one."""
    if ghost[agent] == 0:
        return False
    ghost[agent] = 0
    n_ghosts[g] -= 1
    return True


@njit(cache=True)
def relieve_ghost(holder, plan_of, ghost, n_ghosts, agent_group, agent):
    """Agent becomes free: if its group has ghosts, it takes the oldest one's plan
    and leaves in its place (the ghost keeps working, on the agent's plan). Returns
    that ghost, or -1 if none (the plan now logging out is ``plan_of[agent]``)."""
    g = agent_group[agent]
    if n_ghosts[g] == 0:
        return -1
    oldest = -1
    for a in range(ghost.shape[0]):
        if ghost[a] > 0 and agent_group[a] == g and (oldest < 0 or ghost[a] < ghost[oldest]):
            oldest = a
    ghost[oldest] = 0
    n_ghosts[g] -= 1
    trade_plans(holder, plan_of, agent, oldest)
    return oldest


@step
def _busy_when_due(p, g, kind, ai, gi, cut):
    """``take_off_floor``: True if plan p's agent is on a call, and leaves when it
    ends. A log-out by count (`cut_leaver`): an idle agent of the group leaves in
    place of a busy one, or the busy one becomes a ghost."""
    agent = cut.holder[p]
    by_count = gi[g, GI_BY_COUNT] and kind == LOG_OUT
    if by_count and ai[agent, AI_BUSY]:  # an idle agent leaves in its place
        idle = gi[g, GI_HEAD] if gi[g, GI_IDLE] > 0 else -1
        agent = cut_leaver(cut.holder, cut.plan_of, p, True, idle)
        if agent < 0:
            agent = cut.holder[p]
    if not ai[agent, AI_BUSY]:
        return False
    ai[agent, AI_LEAVE] = 1
    ai[agent, AI_PARTIAL] = 0  # no new chats while leaving
    if by_count:
        become_ghost(cut.ghost, cut.n_ghosts, cut.counter, agent, g)
    return True


@step
def _step_begins(p, g, s, now, staff, overtime):
    """Off the floor: step s begins (a break or an absence, and the time it waits
    for, -1 if none) or the day ends (a log-out: its overtime). (phase, wait)."""
    kind = staff.si[s, SI_KIND]
    if kind == LOG_OUT:
        overtime[g] += max(0.0, now - staff.af[p, AF_END])
        return P_DONE, -1.0
    staff.af[p, AF_STEP_BEGAN] = now
    if kind == BREAK:
        return P_BREAK, staff.sf[s, SF_ARG]
    if staff.sf[s, SF_ARG] > now:
        return P_ABSENT, staff.sf[s, SF_ARG] - now
    return P_ABSENT, -1.0


@step
def _leave_floor(p, g, s, now, staff, times, gi, cut, day):
    """P_LEAVE: plan p's agent is off the floor from now; its step begins."""
    ai = staff.ai
    agent = cut.holder[p]
    if ai[agent, AI_ON_FLOOR]:
        add_time(times.staffed[g], staff.af[agent, AF_FLOOR_SINCE], now, day.start, day.interval)
    ai[agent, AI_ON_FLOOR] = 0
    gi[g, GI_ON_FLOOR] -= 1
    return _step_begins(p, g, s, now, staff, times.overtime)


@step
def _back(p, g, s, phase, now, staff, times, day):
    """Back from a break (on break, and unpaid unless paid) or an absence."""
    began = staff.af[p, AF_STEP_BEGAN]
    if phase == P_ABSENT:
        add_time(times.absent[g], began, now, day.start, day.interval)
        return
    add_time(times.on_break[g], began, now, day.start, day.interval)
    if not staff.si[s, SI_PAID]:
        add_time(times.unpaid_break[g], began, now, day.start, day.interval)


@step
def agent_day(p, run, staff, times, gi, cut, day):
    """Run plan p's process (`ccsim.models.agents.agent_day`) until it waits: it
    resumes at its phase (shift start, a step due, the call in progress ending, back
    from a break or absence, just made available). Its timeout goes to the pending
    ones; returns flags: ``WANT_WITHDRAW`` (take ``cut.holder[p]`` out of its idle
    pool) and ``WANT_AVAILABLE`` (make it available, then call this again)."""
    ai, af, sf = staff.ai, staff.af, staff.sf
    now = run.tv[T_NOW]
    g = ai[p, AI_GROUP]
    phase = ai[p, AI_PHASE]
    s = ai[p, AI_STEP]
    want = 0
    wait = -1.0  # the timeout it waits for, if any
    while True:
        if phase == P_INIT:  # the process starts
            phase = P_START
            if af[p, AF_START] > now:
                wait = af[p, AF_START] - now
                break
        elif phase == P_START:  # the shift starts
            if ai[p, AI_ABSENT_ALL]:
                add_time(times.absent[g], af[p, AF_START], af[p, AF_END], day.start, day.interval)
                phase = P_DONE
                break
            want = WANT_AVAILABLE
            s = ai[p, AI_STEP_LO] - 1
            phase = P_NEXT
            break
        elif phase == P_NEXT:  # available: on to the next step
            s += 1
            phase = P_LOOP
        elif phase == P_LOOP:
            if s >= ai[p, AI_STEP_HI]:
                phase = P_DONE
                break
            phase = P_DUE
            if sf[s, SF_DUE] > now:
                wait = sf[s, SF_DUE] - now
                break
        elif phase == P_DUE:  # the step is due: take_off_floor, after the call in progress
            phase = P_LEAVE
            if _busy_when_due(p, g, staff.si[s, SI_KIND], ai, gi, cut):
                break
            want |= WANT_WITHDRAW
        elif phase == P_LEAVE:  # off the floor from now
            phase, wait = _leave_floor(p, g, s, now, staff, times, gi, cut, day)
            if phase != P_ABSENT or wait >= 0.0:
                break
        elif phase == P_BREAK or phase == P_ABSENT:  # noqa: SIM109 (back from it)
            _back(p, g, s, phase, now, staff, times, day)
            want |= WANT_AVAILABLE
            phase = P_NEXT
            break
        else:  # P_DONE
            break
    if wait >= 0.0:
        later(run, now + wait, p * N_KINDS + EV_AGENT)
    ai[p, AI_PHASE] = phase
    ai[p, AI_STEP] = s
    return want


decisions.key_engine_caches(globals())
