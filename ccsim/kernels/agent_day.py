"""An agent's day in the compiled engine, and the staffing cut by count.

`agent_day` is `ccsim.models.agents.agent_day` as a state machine: the plan's
process resumes at its phase (``AI_PHASE``) when its ``EV_AGENT`` event fires, runs
until it waits again, and asks the event loop to take its agent out of the idle
pool or to make it available. `add_time` and the staffing cut by count are shared
with the SimPy model, which calls the same functions.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ccsim.kernels.decisions import key_engine_caches
from ccsim.kernels.state import (
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
    F_NOW,
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
    V_N_PEND,
    WANT_AVAILABLE,
    WANT_WITHDRAW,
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
    """(holder, plan_of, ghost, n_ghosts, counter): every agent on its own plan."""
    return (
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


@njit(cache=True)
def schedule(r, t, data):
    """A timeout at time ``t`` (computed as SimPy computes it), taken by the event
    loop once the step is done."""
    n = r.v[V_N_PEND]
    r.pend_t[n] = t
    r.pend_d[n] = data
    r.v[V_N_PEND] = n + 1


@njit(cache=True)
def agent_day(p, r, roster, groups, obs, day):
    """Run plan p's process (`ccsim.models.agents.agent_day`) until it waits.

    It resumes at its phase: the start of its shift, a step falling due, the call
    in progress ending (the step then goes ahead), the end of a break or absence,
    or just after the loop made it available. Its timeout goes to the pending
    ones; returns flags: ``WANT_WITHDRAW`` asks the loop to take the agent out of
    its idle pool (``take_off_floor``); ``WANT_AVAILABLE`` to make it available
    (``center.make_available``), then to call this again; both act on
    ``r.holder[p]``, the agent who holds the plan then.
    """
    ai = roster.ai
    now = r.f[F_NOW]
    phase = ai[p, AI_PHASE]
    want = 0
    wait = -1.0  # the timeout it waits for, if any
    stop = False
    while not stop:
        if phase == P_INIT:  # the process starts
            phase = P_START
            if roster.af[p, AF_START] > now:
                wait = roster.af[p, AF_START] - now
                stop = True
        elif phase == P_START:  # the shift starts
            phase, want = _shift_starts(p, roster, obs, day)
            stop = True
        elif phase == P_NEXT:  # available: on to the next step
            ai[p, AI_STEP] += 1
            phase = P_LOOP
        elif phase == P_LOOP:
            phase, wait, stop = _next_step_due(p, roster, now)
        elif phase == P_DUE:  # the step is due: take_off_floor, after the call in progress
            phase = P_LEAVE
            if _agent_busy_when_due(p, r, roster, groups):
                stop = True
            else:
                want |= WANT_WITHDRAW
        elif phase == P_LEAVE:  # off the floor from now
            phase, wait, stop = _leaves_floor(p, r, roster, groups, obs, day)
        elif phase == P_BREAK or phase == P_ABSENT:  # noqa: SIM109 (back from it)
            _back(p, phase, roster, obs, day, now)
            want |= WANT_AVAILABLE
            phase = P_NEXT
            stop = True
        else:  # P_DONE
            stop = True
    if wait >= 0.0:
        schedule(r, now + wait, p * N_KINDS + EV_AGENT)
    ai[p, AI_PHASE] = phase
    return want


@njit(cache=True)
def _shift_starts(p, roster, obs, day):
    """The shift starts: an agent absent all shift only counts as absent; the
    others are made available, before their first step. (phase, want)."""
    ai = roster.ai
    g = ai[p, AI_GROUP]
    if ai[p, AI_ABSENT_ALL]:
        af = roster.af
        add_time(obs.absent[g], af[p, AF_START], af[p, AF_END], day.start, day.interval)
        return P_DONE, 0
    ai[p, AI_STEP] = ai[p, AI_STEP_LO] - 1
    return P_NEXT, WANT_AVAILABLE


@njit(cache=True)
def _next_step_due(p, roster, now):
    """Wait for the plan's next step, if any: (phase, wait, stop)."""
    s = roster.ai[p, AI_STEP]
    if s >= roster.ai[p, AI_STEP_HI]:
        return P_DONE, -1.0, True
    if roster.sf[s, SF_DUE] > now:
        return P_DUE, roster.sf[s, SF_DUE] - now, True
    return P_DUE, -1.0, False


@njit(cache=True)
def _agent_busy_when_due(p, r, roster, groups):
    """``take_off_floor``: True if the plan's agent is on a call, and leaves when it
    ends. A log-out by count (`cut_leaver`): an idle agent of the group leaves in
    place of a busy one, or the busy one becomes a ghost."""
    ai = roster.ai
    gi = groups.gi
    g = ai[p, AI_GROUP]
    agent = r.holder[p]
    by_count = gi[g, GI_BY_COUNT] and roster.si[ai[p, AI_STEP], SI_KIND] == LOG_OUT
    if by_count and ai[agent, AI_BUSY]:  # an idle agent leaves in its place
        idle = gi[g, GI_HEAD] if gi[g, GI_IDLE] > 0 else -1
        agent = cut_leaver(r.holder, r.plan_of, p, True, idle)
        if agent < 0:
            agent = r.holder[p]
    if not ai[agent, AI_BUSY]:
        return False
    ai[agent, AI_LEAVE] = 1
    ai[agent, AI_PARTIAL] = 0  # no new chats while leaving
    if by_count:
        become_ghost(r.ghost, r.n_ghosts, r.counter, agent, g)
    return True


@njit(cache=True)
def _leaves_floor(p, r, roster, groups, obs, day):
    """The plan's agent is off the floor from now; the step begins (a break, an
    absence) or the day ends (a log-out: overtime). (phase, wait, stop)."""
    ai = roster.ai
    af = roster.af
    now = r.f[F_NOW]
    g = ai[p, AI_GROUP]
    agent = r.holder[p]
    if ai[agent, AI_ON_FLOOR]:
        add_time(obs.staffed[g], af[agent, AF_FLOOR_SINCE], now, day.start, day.interval)
    ai[agent, AI_ON_FLOOR] = 0
    groups.gi[g, GI_ON_FLOOR] -= 1
    s = ai[p, AI_STEP]
    kind = roster.si[s, SI_KIND]
    if kind == LOG_OUT:
        obs.overtime[g] += max(0.0, now - af[p, AF_END])
        return P_DONE, -1.0, True
    af[p, AF_STEP_BEGAN] = now
    if kind == BREAK:
        return P_BREAK, roster.sf[s, SF_ARG], True
    if roster.sf[s, SF_ARG] > now:
        return P_ABSENT, roster.sf[s, SF_ARG] - now, True
    return P_ABSENT, -1.0, False


@njit(cache=True)
def _back(p, phase, roster, obs, day, now):
    """Back from a break (on break, unpaid if so) or an absence: the time away."""
    g = roster.ai[p, AI_GROUP]
    began = roster.af[p, AF_STEP_BEGAN]
    if phase == P_BREAK:
        add_time(obs.on_break[g], began, now, day.start, day.interval)
        if not roster.si[roster.ai[p, AI_STEP], SI_PAID]:
            add_time(obs.unpaid_break[g], began, now, day.start, day.interval)
    else:
        add_time(obs.absent[g], began, now, day.start, day.interval)


key_engine_caches(globals())
