"""The compiled engine: one day of the contact center as a numba event loop.

This is `ccsim.models.center` (with `ccsim.models.routing` and
`ccsim.models.agents`) rewritten over typed arrays, step for step, so that it
gives the SimPy engine's observations call by call. Exactness rests on doing the
same floating-point operations in the same order, and on firing events in the
same order:

- **Event order.** SimPy fires events by (time, priority, event id), the id a
  global counter taken when the event is scheduled. Here every scheduled event
  takes a sequence number from one counter and the heap orders by (time, seq),
  so events at equal times fire in scheduling order, as in SimPy. The only
  URGENT events in the SimPy model are the processes' initialisations, all
  created before the run: they run first here too, in the same order (every
  agent in roster order, then the arrival process).
- **Times.** A SimPy timeout fires at ``now + delay``, where the model computes
  ``delay`` (``t - now`` for "wait until t"), so event times are computed by the
  same two operations, never taken as ``t`` directly.
- **Callbacks and processes.** Per-call steps are callbacks run when their
  timeout fires. An agent's day is a process; here a state machine per agent
  (its phase, `_agent_day`) resumed by an ``EV_AGENT`` event. ``Event.succeed()``
  (the call ends while a break, absence or log-out waits for it) schedules the
  resumption as a new event at the current time; so does the agent-free step.
- The process-termination events SimPy schedules have no callbacks and no effect
  on the order of the others; they are left out. Stale timers (the patience of
  an answered call) are kept: they fire and do nothing, and the last event's
  time is the clock ``close`` sees, as in SimPy.

The arrival process has one pending timeout at a time; it is kept out of the
heap (its time and sequence number are compared with the heap's top).

Queues are doubly linked lists (the calls of each type in offer order; the idle
agents of each group in the order they became idle): removing an abandoned call
or an agent who goes on break unlinks it, which leaves the others in exactly the
order of the SimPy deques with their lazy deletion.

**Why one long loop.** State lives in a few 2-D arrays, one row per call, agent,
call type or group, with columns named by the constants below. numba
reference-counts every array passed to a function (inlined or not) with atomic
operations that it cannot prune across branches; with helper functions per
routing step that cost more than the simulation itself. So the per-call steps
are written once each, as blocks of the event loop in `simulate`, run in a
fixed order (arrive, offer, take an idle agent, enqueue, agent free, next call,
answer); an event sets which blocks it needs, and their effects are ordered as
SimPy's nested calls order them. Timeouts scheduled while an event is handled
are collected in order and pushed onto the heap (taking their sequence numbers)
when it is done. Only steps off the hot path are functions: an agent's day (a
few events per agent), and the rarer steps of transfers, callbacks, chat,
outbound dials and the staffing cut by count. The by-count rule is written once,
here, and the SimPy model calls the same compiled functions (`relieve_ghost`).

(Measured again for issue 14: the loop split into functions of under 80 lines
over seven namedtuples of arrays gave the same numbers, but ran 46 times slower,
5.2 M → 0.11 M calls per CPU second, and compiled 2.5 times longer: numba
increfs every array of a structure at each call it does not inline. A single
reference-counted state object (a structref) might avoid it; not tried yet.)

The routing rules are not written here but in `ccsim.kernels.decisions`, shared
with the SimPy model; this loop calls their compiled twins. Everything here is
literal integer codes, not imports from the model modules: numba freezes globals
into its on-disk cache (tests/test_fast_engine.py checks the codes against the
model's). The cache of every function here is keyed on the decisions' file too
(`decisions.key_engine_caches`): a cached function is otherwise not recompiled
when a function it calls changes in another file.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ccsim.kernels import decisions
from ccsim.kernels.decisions import (  # the routing rules, shared with the SimPy model
    CALLBACK,
    FIRST,
    LONGEST_IDLE,
    OUTBOUND,
    PREFERENCE,
    RANDOM,
    RETRIAL,
    TRANSFER,
    call_before_jit,
    callback_before_jit,
    callback_overdue_jit,
    campaign_open_jit,
    chat_slot_free_jit,
    dial_allows_jit,
    draw_says_yes_jit,
    has_overflowed_jit,
    idle_before_jit,
    is_live_jit,
    line_free_jit,
    may_redial_jit,
    offers_callback_jit,
    outage_in_force_jit,
    overflow_in_time_jit,
    partial_before_jit,
    predicted_wait_jit,
    random_position_jit,
    reserve_allows_jit,
    sets_last_wait_jit,
    takes_type_jit,
    uses_own_handle_jit,
)

__all__ = ["FIRST", "RETRIAL", "TRANSFER", "CALLBACK", "OUTBOUND"]
__all__ += ["LONGEST_IDLE", "PREFERENCE", "RANDOM"]

# Outcome codes (ccsim.observations).
BLOCKED, ANSWERED, ABANDONED = 0, 1, 2
CALLBACK_REQUESTED, NOT_REACHED = 5, 6
# Agent plan steps (ccsim.models.agents).
BREAK, ABSENCE, LOG_OUT = 0, 1, 2

# Columns of the call arrays: cf (float64) and ci (int64), one row per leg (a
# caller's first call, then the redials, in the order they occur).
CF_OFFERED, CF_WAIT, CF_TALK, CF_WRAP = 0, 1, 2, 3  # observed
CF_IVR_TIME, CF_PATIENCE, CF_U, CF_HANDLE, CF_WRAP_IN = 4, 5, 6, 7, 8  # drawn
N_CF = 9
CI_TYPE, CI_VIA_IVR, CI_IVR_EXIT = 0, 1, 2  # drawn
CI_OUTCOME, CI_GROUP = 3, 4  # observed
CI_WAITING, CI_NEXT, CI_PREV, CI_AGENT = 5, 6, 7, 8  # its queue's links; its agent
CI_CALLER, CI_ATTEMPT = 9, 10  # the leg's caller (its first leg's row) and attempt
CI_HOLDS_LINE = 11  # it holds a phone line (`ccsim.models.legs.Legs.holds_line`)
N_CI = 12

# Columns of the agent arrays: af (float64) and ai (int64), one row per agent and
# roster plan (row p: plan p, and agent p). Plan columns are read at the plan's row,
# agent columns at the agent's: under the by-count staffing cut agents trade plans
# (``holder[p]`` is plan p's agent, see `relieve_ghost`).
AF_START, AF_END, AF_STEP_BEGAN = 0, 1, 5  # the plan
AF_IDLE_SINCE, AF_FLOOR_SINCE, AF_FREE_AT = 2, 3, 4  # the agent
N_AF = 6
AI_GROUP, AI_OPEN_END, AI_ABSENT_ALL, AI_STEP_LO, AI_STEP_HI = 0, 1, 2, 3, 4  # the plan
AI_PHASE, AI_STEP = 8, 9  # the plan's process
AI_BUSY, AI_ON_FLOOR, AI_LEAVE = 5, 6, 7  # the agent
AI_IDLE, AI_NEXT, AI_PREV = 10, 11, 12  # the agent in its group's idle pool, a linked list
AI_CHATS, AI_PARTIAL = 13, 14  # chats in progress; in chats with a free slot
N_AI = 15

# Columns of ti (int64), one row per call type: its queue, then its routing.
TI_HEAD, TI_TAIL, TI_WAITING = 0, 1, 2
TI_SELECTION, TI_INIT_LO, TI_INIT_HI, TI_OV_LO, TI_OV_HI = 3, 4, 5, 6, 7
TI_CB_HEAD, TI_CB_TAIL = 8, 9  # its callbacks waiting to be made (linked by CI_NEXT)
TI_CHAT = 10  # a chat: no phone line; agents take several at once
N_TI = 11
# Columns of gi (int64), one row per group: its idle pool, reserve and skill list.
GI_HEAD, GI_TAIL, GI_IDLE, GI_RESERVE, GI_SKILL_LO, GI_SKILL_HI = 0, 1, 2, 3, 4, 5
GI_BY_COUNT = 6  # its staffing cut is by count
GI_ON_FLOOR = 7  # agents on the floor (logged in, not away)
GI_CHAT_MAX = 8  # chats an agent handles at once
N_GI = 9
# Tables per (group, call type): gk (int64) and gkf (float64), [groups, types, 2].
GK_LOWER, GK_OWN = 0, 1  # a lower-priority skill (reserve applies); own handle times row
GKF_AFTER, GKF_FACTOR = 0, 1  # wait before the group may answer; handle time factor
# Columns of skills (int64), one row per (group, skill) in the group's order.
SK_TYPE, SK_TYPE_PRIO, SK_SKILL_PRIO = 0, 1, 2
# Outbound campaigns: camp_f (float64) and camp_i (int64), one row per campaign; its
# groups cgroups[cg_off[c]:cg_off[c + 1]]; a group's campaigns gcamp[gc_off[g]:...];
# its customers' draws out_connect, out_talk, out_wrap from out_off[c].
CAMP_START, CAMP_END, CAMP_CONNECT, CAMP_ATTEMPT = 0, 1, 2, 3
CAMP_CUSTOMERS, CAMP_THRESHOLD = 0, 1
# Callbacks per call type: cbf (float64), cbi (int64); none: CB_ON 0.
CBF_THRESHOLD, CBF_ACCEPT, CBF_REACH, CBF_DEADLINE, CBF_ATTEMPT, CBF_MEAN_HANDLE = range(6)
CBI_ON, CBI_LAST_WAIT = 0, 1  # offered at all; predictor: the last wait (else the queue)
# Columns of the overflow steps: ovi (int64), a range of glist.
OV_LO, OV_HI = 0, 1
# Columns of the plan steps: sf (float64) and si (int64).
SF_DUE, SF_ARG = 0, 1  # ARG: a break's length, an absence's end
SI_KIND, SI_PAID = 0, 1

# Event kinds; an event's data is ``payload * N_KINDS + kind``.
EV_LEAVE_IVR, EV_ABANDON, EV_OVERFLOW, EV_HANG_UP, EV_AGENT_FREE, EV_AGENT, EV_REDIAL = range(7)
EV_CAMPAIGN = 7  # an outbound campaign opens
N_KINDS = 8
# Phases of an agent's day: where its process resumes.
P_INIT, P_START, P_LOOP, P_DUE, P_LEAVE, P_BREAK, P_ABSENT, P_NEXT, P_DONE = range(9)
# What `_agent_day` asks of the event loop: take the agent out of its idle pool;
# make it available (then run its day on).
WANT_WITHDRAW, WANT_AVAILABLE = 1, 2
# Timeouts one step of the loop may schedule, besides a type's overflow steps: the
# patience, a talk, an agent's timer.
PENDING_SLACK = 4


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
def _campaign_for(g, now, gcamp, gc_off, camp_f, camp_i, dialed):
    """`ContactCenter.campaign_for`: the group's first campaign open now with
    customers left to dial, or -1."""
    for j in range(gc_off[g], gc_off[g + 1]):
        c = gcamp[j]
        start = camp_f[c, CAMP_START]
        if campaign_open_jit(now, start, camp_f[c, CAMP_END], dialed[c], camp_i[c, CAMP_CUSTOMERS]):
            return c
    return -1


@njit(cache=True)
def _may_dial(g, now, gi, gcamp, gc_off, camp_f, camp_i, dialed):
    """`ContactCenter.try_outbound`'s test: a campaign of the group is open and at
    least its threshold of the group's agents stay idle."""
    c = _campaign_for(g, now, gcamp, gc_off, camp_f, camp_i, dialed)
    return c >= 0 and dial_allows_jit(gi[g, GI_IDLE], camp_i[c, CAMP_THRESHOLD])


@njit(cache=True)
def _dial(
    c, agent, camp, now, dialed, camp_f, out_connect, out_talk, out_wrap, out_off, cf, ci, ai,
    leg_arrival, leg_type, leg_caller, leg_kind, pend_t, pend_d, n_pend,
):  # fmt: skip
    """`ContactCenter.dial`: leg c is the agent's dial of the campaign's next customer
    (reached: a talk and wrap-up; else the attempt); the agent is free after it."""
    i = out_off[camp] + dialed[camp]
    dialed[camp] += 1
    leg_arrival[c] = now
    leg_caller[c] = c
    leg_kind[c] = OUTBOUND
    leg_type[c] = -1
    cf[c, CF_OFFERED] = now
    cf[c, CF_WAIT] = 0.0
    ci[c, CI_GROUP] = ai[agent, AI_GROUP]
    if draw_says_yes_jit(out_connect[i], camp_f[camp, CAMP_CONNECT]):
        ci[c, CI_OUTCOME] = ANSWERED
        cf[c, CF_TALK] = out_talk[i]
        cf[c, CF_WRAP] = out_wrap[i]
    else:
        ci[c, CI_OUTCOME] = NOT_REACHED
        cf[c, CF_TALK] = camp_f[camp, CAMP_ATTEMPT]
        cf[c, CF_WRAP] = 0.0
    ai[agent, AI_BUSY] = 1
    pend_t[n_pend] = now + (cf[c, CF_TALK] + cf[c, CF_WRAP])
    pend_d[n_pend] = agent * N_KINDS + EV_AGENT_FREE
    return n_pend + 1


@njit(cache=True)
def _callback_accepted(
    row, k, ci, ti, gi, glist, cbf, cbi, last_wait, callback_u, callback_offered
):  # fmt: skip
    """`ContactCenter.offer_callback`'s decision: the predicted wait (`predicted_wait`)
    is over the threshold, the offer is recorded, and the caller accepts."""
    agents = 0
    for j in range(ti[k, TI_INIT_LO], ti[k, TI_INIT_HI]):
        agents += gi[glist[j], GI_ON_FLOOR]
    predicted = predicted_wait_jit(
        cbi[k, CBI_LAST_WAIT] != 0, last_wait[k], ti[k, TI_WAITING], cbf[k, CBF_MEAN_HANDLE], agents
    )
    if not offers_callback_jit(predicted, cbf[k, CBF_THRESHOLD]):
        return False
    callback_offered[row] = True
    return draw_says_yes_jit(callback_u[ci[row, CI_CALLER], 0], cbf[k, CBF_ACCEPT])


@njit(cache=True)
def _push_callback(c, k, ci, ti, n_cb):
    """Router.request_callback: at the back of the type's callbacks."""
    tail = ti[k, TI_CB_TAIL]
    ci[c, CI_NEXT] = -1
    if tail >= 0:
        ci[tail, CI_NEXT] = c
    else:
        ti[k, TI_CB_HEAD] = c
    ti[k, TI_CB_TAIL] = c
    n_cb[0] += 1


@njit(cache=True)
def _next_callback(g, now, overdue, ti, gi, gk, gkf, skills, cf, ci, cbf, n_cb):
    """Router._next_callback: pop the oldest callback of the group's skills it answers
    from the start (reserve permitting; only overdue ones if asked), or -1."""
    best_time = np.inf
    best = -1
    idle = gi[g, GI_IDLE] + 1  # with the agent who would call back
    for e in range(gi[g, GI_SKILL_LO], gi[g, GI_SKILL_HI]):
        t = skills[e, SK_TYPE]
        head = ti[t, TI_CB_HEAD]
        if head < 0 or gkf[g, t, GKF_AFTER] != 0.0:
            continue
        if not reserve_allows_jit(idle, gi[g, GI_RESERVE], gk[g, t, GK_LOWER] != 0):
            continue
        requested = cf[head, CF_OFFERED]
        if overdue and not callback_overdue_jit(now, requested, cbf[t, CBF_DEADLINE]):
            continue
        if callback_before_jit(requested, best_time):
            best_time = requested
            best = t
    if best < 0:
        return -1
    c = ti[best, TI_CB_HEAD]
    ti[best, TI_CB_HEAD] = ci[c, CI_NEXT]
    if ci[c, CI_NEXT] < 0:
        ti[best, TI_CB_TAIL] = -1
    n_cb[0] -= 1
    return c


@njit(cache=True)
def _update_partial(a, ai, gi):
    """`ContactCenter._update_partial`: the agent has a free chat slot to offer."""
    chat_max = gi[ai[a, AI_GROUP], GI_CHAT_MAX]
    free_slot = chat_slot_free_jit(ai[a, AI_CHATS], chat_max, ai[a, AI_LEAVE] != 0)
    ai[a, AI_PARTIAL] = 1 if free_slot else 0


@njit(cache=True)
def _partial_agent(lo, hi, glist, ai):
    """`Router.take_partial_agent`: the agent of glist[lo:hi] in chats with a free
    slot and the fewest chats (ties: the lower number), or -1."""
    best = -1
    for a in range(ai.shape[0]):
        if not ai[a, AI_PARTIAL]:
            continue
        mine = False
        for j in range(lo, hi):
            if glist[j] == ai[a, AI_GROUP]:
                mine = True
        if mine and (best < 0 or partial_before_jit(ai[a, AI_CHATS], a, ai[best, AI_CHATS], best)):
            best = a
    return best


@njit(cache=True)
def _new_leg(cf, ci, c, caller, k, patience):
    """Row c: a new leg of ``caller`` for call type k (`ccsim.models.legs.Legs.add`):
    the first call's handle and wrap-up times and routing number, nothing observed."""
    cf[c, CF_OFFERED] = np.nan
    cf[c, CF_WAIT] = np.nan
    cf[c, CF_TALK] = 0.0
    cf[c, CF_WRAP] = 0.0
    cf[c, CF_IVR_TIME] = 0.0
    cf[c, CF_PATIENCE] = patience
    cf[c, CF_U] = cf[caller, CF_U]
    cf[c, CF_HANDLE] = cf[caller, CF_HANDLE]
    cf[c, CF_WRAP_IN] = cf[caller, CF_WRAP_IN]
    ci[c, CI_TYPE] = k
    ci[c, CI_VIA_IVR] = 0
    ci[c, CI_IVR_EXIT] = -1
    ci[c, CI_OUTCOME] = -1
    ci[c, CI_GROUP] = -1
    ci[c, CI_WAITING] = 0
    ci[c, CI_NEXT] = -1
    ci[c, CI_PREV] = -1
    ci[c, CI_AGENT] = -1
    ci[c, CI_CALLER] = caller
    ci[c, CI_ATTEMPT] = 0
    ci[c, CI_HOLDS_LINE] = 0


@njit(cache=True)
def _busy_when_due(p, g, kind, ai, gi, cut):
    """``take_off_floor``: True if plan p's agent is on a call, and leaves when it
    ends. A log-out by count (`cut_leaver`): an idle agent of the group leaves in
    place of a busy one, or the busy one becomes a ghost. ``cut``: (holder,
    plan_of, ghost, n_ghosts, counter)."""
    holder, plan_of, ghost, n_ghosts, counter = cut
    agent = holder[p]
    by_count = gi[g, GI_BY_COUNT] and kind == LOG_OUT
    if by_count and ai[agent, AI_BUSY]:  # an idle agent leaves in its place
        idle = gi[g, GI_HEAD] if gi[g, GI_IDLE] > 0 else -1
        agent = cut_leaver(holder, plan_of, p, True, idle)
        if agent < 0:
            agent = holder[p]
    if not ai[agent, AI_BUSY]:
        return False
    ai[agent, AI_LEAVE] = 1
    ai[agent, AI_PARTIAL] = 0  # no new chats while leaving
    if by_count:
        become_ghost(ghost, n_ghosts, counter, agent, g)
    return True


@njit(cache=True)
def _step_begins(p, g, s, now, af, sf, si, overtime):
    """Off the floor: step s begins (a break or an absence, and the time it waits
    for, -1 if none) or the day ends (a log-out: its overtime). (phase, wait)."""
    kind = si[s, SI_KIND]
    if kind == LOG_OUT:
        overtime[g] += max(0.0, now - af[p, AF_END])
        return P_DONE, -1.0
    af[p, AF_STEP_BEGAN] = now
    if kind == BREAK:
        return P_BREAK, sf[s, SF_ARG]
    if sf[s, SF_ARG] > now:
        return P_ABSENT, sf[s, SF_ARG] - now
    return P_ABSENT, -1.0


@njit(cache=True)
def _add_break(on_break, unpaid_break, paid, began, now, start, interval):
    """A break's time: on break, and unpaid unless paid."""
    add_time(on_break, began, now, start, interval)
    if not paid:
        add_time(unpaid_break, began, now, start, interval)


@njit(cache=True)
def _agent_day(
    p, now, ai, af, sf, si, staffed, on_break, unpaid_break, absent, overtime, start, interval,
    pend_t, pend_d, n_pend, gi, cut_holder, cut_plan_of, cut_ghost, cut_n_ghosts, cut_counter,
):  # fmt: skip
    """Run plan p's process (`ccsim.models.agents.agent_day`) until it waits: it
    resumes at its phase (shift start, a step due, the call in progress ending, back
    from a break or absence, just made available). Its timeout goes to the pending
    ones; returns their count and flags: ``WANT_WITHDRAW`` (take ``cut_holder[p]``
    out of its idle pool) and ``WANT_AVAILABLE`` (make it available, then call this
    again)."""
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
                add_time(absent[g], af[p, AF_START], af[p, AF_END], start, interval)
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
            cut = (cut_holder, cut_plan_of, cut_ghost, cut_n_ghosts, cut_counter)
            if _busy_when_due(p, g, si[s, SI_KIND], ai, gi, cut):
                break
            want |= WANT_WITHDRAW
        elif phase == P_LEAVE:  # off the floor from now
            agent = cut_holder[p]
            if ai[agent, AI_ON_FLOOR]:
                add_time(staffed[g], af[agent, AF_FLOOR_SINCE], now, start, interval)
            ai[agent, AI_ON_FLOOR] = 0
            gi[g, GI_ON_FLOOR] -= 1
            phase, wait = _step_begins(p, g, s, now, af, sf, si, overtime)
            if phase != P_ABSENT or wait >= 0.0:
                break
        elif phase == P_BREAK or phase == P_ABSENT:  # noqa: SIM109 (back from it)
            began = af[p, AF_STEP_BEGAN]
            if phase == P_ABSENT:
                add_time(absent[g], began, now, start, interval)
            else:  # on break (and unpaid, if so)
                _add_break(
                    on_break[g], unpaid_break[g], si[s, SI_PAID], began, now, start, interval
                )
            want |= WANT_AVAILABLE
            phase = P_NEXT
            break
        else:  # P_DONE
            break
    if wait >= 0.0:
        pend_t[n_pend] = now + wait
        pend_d[n_pend] = p * N_KINDS + EV_AGENT
        n_pend += 1
    ai[p, AI_PHASE] = phase
    ai[p, AI_STEP] = s
    return n_pend, want


@njit(cache=True)
def simulate(
    arrival,
    call_type,
    via_ivr,
    ivr_time,
    ivr_exit,
    patience,
    route_u,
    handle,
    wrap_up,
    retry_prob,
    retry_blocked,
    retry_max,
    retry_u,
    retry_delay,
    retry_patience,
    transfer_to,
    transfer_prob,
    transfer_u,
    transfer_handle,
    transfer_wrap,
    transfer_patience,
    leg_arrival,
    leg_type,
    leg_caller,
    leg_kind,
    leg_attempt,
    leg_via_ivr,
    leg_ivr_time,
    offered,
    outcome,
    wait,
    talk,
    wrap,
    group,
    scheduled,
    staffed,
    on_break,
    unpaid_break,
    absent,
    overtime,
    ai,
    af,
    ti,
    gi,
    skills,
    glist,
    ov_after,
    ovi,
    gk,
    gkf,
    own_handle,
    sf,
    si,
    trunks,
    outages,
    start,
    end,
    interval,
    heap_capacity,
    chat_factors,
    cbf,
    cbi,
    callback_u,
    callback_offered,
    camp_f,
    camp_i,
    cgroups,
    cg_off,
    gcamp,
    gc_off,
    out_connect,
    out_talk,
    out_wrap,
    out_off,
    n_out,
):
    """Run the day (`ccsim.models.center.simulate_day`); returns the events handled.

    The callers, sorted by ``arrival``, come as `CallDraws` columns; their observed
    columns (``offered`` … ``group``, as in `Observations`) and the agent time
    (``scheduled`` … ``overtime``) are filled in place. The agents are the rows of
    ``ai`` / ``af``, in roster order, each at phase ``P_INIT``; ``ti``, ``gi`` and
    the rest are the routing tables (see `ccsim.models.fast`). ``trunks`` is
    ``inf`` without a limit; ``outages`` rows are (start, end, trunks).

    Redials (`ContactCenter.maybe_redial`): per call type ``retry_prob``,
    ``retry_blocked`` (after a block too) and ``retry_max`` (attempts in all, 0
    without redials); per caller and redial the pre-drawn ``retry_u``,
    ``retry_delay`` and ``retry_patience``. The observed arrays (``offered`` …
    ``group``, and the ``leg_*`` columns of `Observations`) have room for every leg
    that may occur (`ccsim.models.legs.leg_capacity`): rows ``0 .. calls - 1`` are
    the callers' first calls, each redial takes the next row when it occurs (its
    ``leg_*`` columns are written then). ``n_out[0]`` gets the number of legs.

    ``heap_capacity``: the most timeouts ever pending at once. An agent waits for
    one at a time; a leg has at most its patience, its overflow steps' timers and
    its talk (or wrap-up) pending, or its caller's redial; so ``agents + legs *
    (2 + most overflow steps of a type)`` is enough.
    """
    n_calls = arrival.shape[0]
    capacity_legs = offered.shape[0]
    n_legs = n_calls  # legs so far: the callers' first calls, then each redial
    n_agents = ai.shape[0]
    n_steps = max(ov_after.shape[0], 1)
    # The legs, one row each (a leg's numbers side by side in memory); the callers'
    # first calls first, a redial's row filled when it occurs.
    cf = np.empty((capacity_legs, N_CF), np.float64)
    ci = np.empty((capacity_legs, N_CI), np.int64)
    for c in range(n_calls):
        cf[c, CF_OFFERED] = np.nan
        cf[c, CF_WAIT] = np.nan
        cf[c, CF_TALK] = 0.0
        cf[c, CF_WRAP] = 0.0
        cf[c, CF_IVR_TIME] = ivr_time[c]
        cf[c, CF_PATIENCE] = patience[c]
        cf[c, CF_U] = route_u[c]
        cf[c, CF_HANDLE] = handle[c]
        cf[c, CF_WRAP_IN] = wrap_up[c]
        ci[c, CI_TYPE] = call_type[c]
        ci[c, CI_VIA_IVR] = via_ivr[c]
        ci[c, CI_IVR_EXIT] = ivr_exit[c]
        ci[c, CI_OUTCOME] = -1
        ci[c, CI_GROUP] = -1
        ci[c, CI_WAITING] = 0
        ci[c, CI_NEXT] = -1
        ci[c, CI_PREV] = -1
        ci[c, CI_AGENT] = -1
        ci[c, CI_CALLER] = c
        ci[c, CI_ATTEMPT] = 0
        ci[c, CI_HOLDS_LINE] = 0
    # The event heap: time, sequence number, data.
    ht = np.empty(heap_capacity, np.float64)
    hs = np.empty(heap_capacity, np.int64)
    hd = np.empty(heap_capacity, np.int64)
    size = 0
    seq = 0
    # Timeouts scheduled by the step in progress, in order: (time, data).
    pend_t = np.empty(PENDING_SLACK + ov_after.shape[0], np.float64)
    pend_d = np.empty(PENDING_SLACK + ov_after.shape[0], np.int64)
    n_pend = 0
    # The staffing cut's state (`new_cut_state`).
    cut_holder = np.arange(n_agents)
    cut_plan_of = np.arange(n_agents)
    cut_ghost = np.zeros(n_agents, np.int64)
    cut_n_ghosts = np.zeros(gi.shape[0], np.int64)
    cut_counter = np.zeros(1, np.int64)
    lines = 0  # lines busy (trunks)
    now = start
    n_events = 0

    starting = 0  # agents before this one have started their process
    cont = -1  # an agent whose process goes on at once (it was just made available)
    after_transfer = -1  # a transferred leg whose agent's after-call work comes next
    last_wait = np.zeros(ti.shape[0])  # per type: the wait of its last answered leg
    n_cb = np.zeros(1, np.int64)  # callbacks waiting to be made, all types
    n_camp = camp_f.shape[0]
    dialed = np.zeros(n_camp, np.int64)  # customers dialed so far, per campaign
    camp_starting = 0  # campaigns before this one have started their process
    camp_open = -1  # a campaign opening: idle agents of its groups dial, one a step
    camp_j = 0  # ... now at its group cgroups[camp_j]
    arrivals_started = False
    nxt = 0  # the arrival process's next call
    arriving = False  # the arrival process runs: call nxt arrives now
    arr_wait = False  # it is about to wait for call nxt (after this step's timeouts)
    arr_pending = False  # it waits, for its timeout at (arr_time, arr_seq)
    arr_time = 0.0
    arr_seq = 0

    while True:
        # -- Schedule the timeouts of the step just done, in order (Environment.schedule).
        for q in range(n_pend):
            if size >= heap_capacity:
                raise RuntimeError("event heap full: heap_capacity too small")
            t = pend_t[q]
            i = size
            size += 1
            while i > 0:  # sift up; every entry's seq is smaller, so ties stay above
                parent = (i - 1) >> 1
                if ht[parent] <= t:
                    break
                ht[i] = ht[parent]
                hs[i] = hs[parent]
                hd[i] = hd[parent]
                i = parent
            ht[i] = t
            hs[i] = seq
            hd[i] = pend_d[q]
            seq += 1
        n_pend = 0
        if arr_wait:  # ContactCenter.arrivals: yield env.timeout(t - env.now)
            arr_wait = False
            arr_time = now + (arrival[nxt] - now)
            arr_seq = seq
            seq += 1
            arr_pending = True

        # -- What happens next: the blocks below that this step needs.
        agent_run = -1  # an agent whose process runs (agent_day)
        call = -1  # a call arriving (arrive)
        by_arrivals = False  # ... brought by the arrival process (else a redial)
        failed = -1  # a leg just blocked or abandoned: its caller may redial
        blocked = False
        offer = -1  # a call offered to the agents (offer)
        over = -1  # a waiting call reaching an overflow step (overflow)
        lo = 0  # the step's groups: glist[lo:hi]
        hi = 0
        free = -1  # an agent free after a call (agent_free)
        avail = -1  # an agent made available (make_available)
        withdraw = -1  # an agent leaving its idle pool (Router.withdraw_agent)
        unlink = -1  # a call leaving its queue (Router.remove_waiting)
        transferred = -1  # a leg just transferred (hang_up)
        cb_agent = -1  # the agent who makes a callback
        dial_agent = -1  # an agent who dials a customer of campaign dial_camp (dial)
        dial_camp = -1
        if cont >= 0:
            agent_run = cont
            cont = -1
        elif after_transfer >= 0:  # hang_up goes on after offering the transferred leg
            free = ci[after_transfer, CI_AGENT]
            after_transfer = -1
        elif camp_open >= 0:  # campaign_opens: the next idle agent above the threshold dials
            c = camp_open
            while camp_j < cg_off[c + 1]:
                g = cgroups[camp_j]
                cc = _campaign_for(g, now, gcamp, gc_off, camp_f, camp_i, dialed)
                # the dialing agent is one of the idle ones
                others = gi[g, GI_IDLE] - 1
                if dial_allows_jit(others, camp_i[c, CAMP_THRESHOLD]) and cc >= 0 and others >= 0:
                    dial_agent = gi[g, GI_HEAD]
                    dial_camp = cc
                    withdraw = dial_agent
                    break
                camp_j += 1
            if dial_agent < 0:
                camp_open = -1
                continue
        elif starting < n_agents:  # the processes' initialisation, in order
            agent_run = starting
            starting += 1
        elif not arrivals_started:
            arrivals_started = True
            if n_calls > 0:
                arriving = not arrival[0] > now
                arr_wait = not arriving
            continue
        elif arriving:
            call = nxt
            by_arrivals = True
        elif camp_starting < n_camp:  # a campaign's process starts: it waits, or opens now
            c = camp_starting
            camp_starting += 1
            if camp_f[c, CAMP_START] > now:
                pend_t[n_pend] = now + (camp_f[c, CAMP_START] - now)
                pend_d[n_pend] = c * N_KINDS + EV_CAMPAIGN
                n_pend += 1
            else:
                camp_open = c
                camp_j = cg_off[c]
            continue
        elif size > 0 and (
            not arr_pending or ht[0] < arr_time or (ht[0] == arr_time and hs[0] < arr_seq)
        ):
            # Pop the first event (smallest time, then seq).
            now = ht[0]
            data = hd[0]
            size -= 1
            if size > 0:  # the last entry sifts down from the top
                t = ht[size]
                sq = hs[size]
                d = hd[size]
                i = 0
                while True:
                    c = 2 * i + 1
                    if c >= size:
                        break
                    if c + 1 < size and (
                        ht[c + 1] < ht[c] or (ht[c + 1] == ht[c] and hs[c + 1] < hs[c])
                    ):
                        c += 1
                    if ht[c] < t or (ht[c] == t and hs[c] < sq):
                        ht[i] = ht[c]
                        hs[i] = hs[c]
                        hd[i] = hd[c]
                        i = c
                    else:
                        break
                ht[i] = t
                hs[i] = sq
                hd[i] = d
            n_events += 1
            kind = data % N_KINDS
            x = data // N_KINDS
            if kind == EV_HANG_UP:  # end of talk: maybe a transfer; after-call work starts
                k = ci[x, CI_TYPE]
                caller = ci[x, CI_CALLER]
                if (
                    transfer_to[k] >= 0
                    and is_live_jit(leg_kind[x])
                    and draw_says_yes_jit(transfer_u[caller], transfer_prob[k])
                ):  # maybe_transfer: a new leg on the same line, offered now (Legs.add)
                    if n_legs >= capacity_legs:
                        raise RuntimeError("no room for a transfer: leg capacity too small")
                    c = n_legs
                    n_legs += 1
                    _new_leg(cf, ci, c, caller, transfer_to[k], transfer_patience[caller])
                    cf[c, CF_HANDLE] = transfer_handle[caller]
                    cf[c, CF_WRAP_IN] = transfer_wrap[caller]
                    leg_arrival[c] = now
                    leg_type[c] = transfer_to[k]
                    leg_caller[c] = caller
                    leg_kind[c] = TRANSFER
                    ci[c, CI_HOLDS_LINE] = ci[x, CI_HOLDS_LINE]  # the caller's line, if any
                    ci[x, CI_HOLDS_LINE] = 0
                    offer = c
                    transferred = x  # its agent's after-call work, once the leg is offered
                else:
                    if ci[x, CI_HOLDS_LINE]:  # release_line
                        ci[x, CI_HOLDS_LINE] = 0
                        lines -= 1
                    wrap_time = cf[x, CF_WRAP]
                    if wrap_time > 0.0:
                        pend_t[n_pend] = now + wrap_time
                        pend_d[n_pend] = ci[x, CI_AGENT] * N_KINDS + EV_AGENT_FREE
                        n_pend += 1
                    else:
                        free = ci[x, CI_AGENT]
            elif kind == EV_ABANDON:
                if ci[x, CI_WAITING]:  # else answered before its patience ran out
                    unlink = x
                    ci[x, CI_OUTCOME] = ABANDONED
                    cf[x, CF_WAIT] = now - cf[x, CF_OFFERED]
                    if ci[x, CI_HOLDS_LINE]:  # release_line
                        ci[x, CI_HOLDS_LINE] = 0
                        lines -= 1
                    failed = x
            elif kind == EV_AGENT_FREE:
                free = x
            elif kind == EV_AGENT:
                agent_run = x
            elif kind == EV_CAMPAIGN:
                camp_open = x
                camp_j = cg_off[x]
                continue
            elif kind == EV_REDIAL:  # maybe_redial's redial: a new leg (Legs.add), arriving
                if n_legs >= capacity_legs:
                    raise RuntimeError("no room for a redial: leg capacity too small")
                c = n_legs
                n_legs += 1
                caller = ci[x, CI_CALLER]
                attempt = ci[x, CI_ATTEMPT]
                _new_leg(cf, ci, c, caller, ci[caller, CI_TYPE], retry_patience[caller, attempt])
                cf[c, CF_IVR_TIME] = cf[caller, CF_IVR_TIME]  # it comes back the same way
                ci[c, CI_VIA_IVR] = ci[caller, CI_VIA_IVR]
                ci[c, CI_IVR_EXIT] = ci[caller, CI_IVR_EXIT]
                ci[c, CI_ATTEMPT] = attempt + 1
                leg_arrival[c] = now
                leg_type[c] = ci[caller, CI_TYPE]
                leg_caller[c] = caller
                leg_kind[c] = RETRIAL
                leg_attempt[c] = attempt + 1
                leg_via_ivr[c] = ci[caller, CI_VIA_IVR]
                leg_ivr_time[c] = cf[caller, CF_IVR_TIME]
                call = c
            elif kind == EV_OVERFLOW:
                c = x // n_steps
                if ci[c, CI_WAITING]:
                    over = c
                    lo = ovi[x % n_steps, OV_LO]
                    hi = ovi[x % n_steps, OV_HI]
            elif ci[x, CI_IVR_EXIT] >= 0:  # EV_LEAVE_IVR: self-served or hung up there
                ci[x, CI_OUTCOME] = ci[x, CI_IVR_EXIT]
                ci[x, CI_HOLDS_LINE] = 0  # release_line
                lines -= 1
            else:  # EV_LEAVE_IVR, on to the queue
                offer = x
        elif arr_pending:  # the arrival process's timeout
            now = arr_time
            arr_pending = False
            n_events += 1
            call = nxt
            by_arrivals = True
        else:
            break

        if agent_run >= 0:  # a plan's day goes on (agent_run: the plan)
            n_pend, want = _agent_day(
                agent_run, now, ai, af, sf, si, staffed, on_break, unpaid_break, absent, overtime,
                start, interval, pend_t, pend_d, n_pend,
                gi, cut_holder, cut_plan_of, cut_ghost, cut_n_ghosts, cut_counter,
            )  # fmt: skip
            if want & WANT_WITHDRAW:
                withdraw = cut_holder[agent_run]
            if want & WANT_AVAILABLE:
                avail = cut_holder[agent_run]
                cont = agent_run

        if call >= 0 and ci[call, CI_TYPE] >= 0 and ti[ci[call, CI_TYPE], TI_CHAT]:
            offer = call  # a chat uses no phone line
            call = -1
        if call >= 0:  # arrive: the trunk check (lines_now), then the IVR or the queue
            capacity = trunks
            for o in range(outages.shape[0]):
                if outage_in_force_jit(now, outages[o, 0], outages[o, 1]):
                    capacity = min(capacity, outages[o, 2])
            if not line_free_jit(lines, capacity):
                ci[call, CI_OUTCOME] = BLOCKED
                failed = call
                blocked = True
            else:
                lines += 1
                ci[call, CI_HOLDS_LINE] = 1
                if ci[call, CI_VIA_IVR]:
                    pend_t[n_pend] = now + cf[call, CF_IVR_TIME]
                    pend_d[n_pend] = call * N_KINDS + EV_LEAVE_IVR
                    n_pend += 1
                else:
                    offer = call

        if failed >= 0:  # maybe_redial: the caller calls again after a delay, or not
            caller = ci[failed, CI_CALLER]
            k = ci[caller, CI_TYPE]
            attempt = ci[failed, CI_ATTEMPT]
            if (
                k >= 0
                and is_live_jit(leg_kind[failed])
                and may_redial_jit(blocked, retry_blocked[k], attempt, retry_max[k])
                and draw_says_yes_jit(retry_u[caller, attempt], retry_prob[k])
            ):
                pend_t[n_pend] = now + retry_delay[caller, attempt]
                pend_d[n_pend] = failed * N_KINDS + EV_REDIAL
                n_pend += 1

        take = -1  # a call looking for an idle agent of glist[lo:hi]
        answer_call = -1  # answer(answer_call, answer_agent)
        answer_agent = -1
        if offer >= 0:
            cf[offer, CF_OFFERED] = now
            take = offer
            lo = ti[ci[offer, CI_TYPE], TI_INIT_LO]
            hi = ti[ci[offer, CI_TYPE], TI_INIT_HI]
        elif over >= 0:
            take = over
        if take >= 0:  # Router.take_idle_agent
            k = ci[take, CI_TYPE]
            selection = ti[k, TI_SELECTION]
            agent = -1
            # A group may answer with idle agents, and for a lower-priority skill of its
            # only with more than its reserve (Router._may_answer).
            if selection == RANDOM:  # the pool: the groups' idle agents, in order
                pool = 0
                for j in range(lo, hi):
                    g = glist[j]
                    idle = gi[g, GI_IDLE]
                    if idle > 0 and reserve_allows_jit(
                        idle, gi[g, GI_RESERVE], gk[g, k, GK_LOWER] != 0
                    ):
                        pool += idle
                if pool > 0:
                    pick = random_position_jit(cf[take, CF_U], pool)
                    for j in range(lo, hi):
                        g = glist[j]
                        idle = gi[g, GI_IDLE]
                        if idle == 0 or not reserve_allows_jit(
                            idle, gi[g, GI_RESERVE], gk[g, k, GK_LOWER] != 0
                        ):
                            continue
                        if pick < idle:
                            agent = gi[g, GI_HEAD]
                            for _ in range(pick):
                                agent = ai[agent, AI_NEXT]
                            break
                        pick -= idle
            else:  # longest idle (ties: group order), or the first group with one
                best_since = 0.0
                for j in range(lo, hi):
                    g = glist[j]
                    idle = gi[g, GI_IDLE]
                    if idle == 0 or not reserve_allows_jit(
                        idle, gi[g, GI_RESERVE], gk[g, k, GK_LOWER] != 0
                    ):
                        continue
                    a = gi[g, GI_HEAD]
                    if agent < 0 or idle_before_jit(selection, af[a, AF_IDLE_SINCE], best_since):
                        agent = a
                        best_since = af[a, AF_IDLE_SINCE]
            if agent < 0 and ti[k, TI_CHAT]:  # agent_for: an agent in chats, a slot free
                agent = _partial_agent(lo, hi, glist, ai)
            if agent >= 0:
                withdraw = agent
                answer_call = take
                answer_agent = agent
                if over >= 0:
                    unlink = over
            elif (
                offer >= 0
                and cbi[k, CBI_ON]
                and is_live_jit(leg_kind[offer])
                and _callback_accepted(
                    offer,
                    k,
                    ci,
                    ti,
                    gi,
                    glist,
                    cbf,
                    cbi,
                    last_wait,
                    callback_u,
                    callback_offered,
                )
            ):  # offer_callback: the caller hangs up; a callback leg waits its turn
                ci[offer, CI_OUTCOME] = CALLBACK_REQUESTED
                cf[offer, CF_WAIT] = 0.0
                if ci[offer, CI_HOLDS_LINE]:  # release_line
                    ci[offer, CI_HOLDS_LINE] = 0
                    lines -= 1
                if n_legs >= capacity_legs:
                    raise RuntimeError("no room for a callback: leg capacity too small")
                c = n_legs
                n_legs += 1
                caller = ci[offer, CI_CALLER]
                _new_leg(cf, ci, c, caller, k, np.inf)
                cf[c, CF_OFFERED] = now
                leg_arrival[c] = now
                leg_type[c] = k
                leg_caller[c] = caller
                leg_kind[c] = CALLBACK
                _push_callback(c, k, ci, ti, n_cb)
            elif offer >= 0:  # Router.enqueue, then the patience and overflow timers
                c = offer
                tail = ti[k, TI_TAIL]
                ci[c, CI_WAITING] = 1
                ci[c, CI_NEXT] = -1
                ci[c, CI_PREV] = tail
                if tail >= 0:
                    ci[tail, CI_NEXT] = c
                else:
                    ti[k, TI_HEAD] = c
                ti[k, TI_TAIL] = c
                ti[k, TI_WAITING] += 1
                patience = cf[c, CF_PATIENCE]
                if patience != np.inf:
                    pend_t[n_pend] = now + patience
                    pend_d[n_pend] = c * N_KINDS + EV_ABANDON
                    n_pend += 1
                for j in range(ti[k, TI_OV_LO], ti[k, TI_OV_HI]):
                    if not overflow_in_time_jit(ov_after[j], patience):
                        break
                    pend_t[n_pend] = now + ov_after[j]
                    pend_d[n_pend] = (c * n_steps + j) * N_KINDS + EV_OVERFLOW
                    n_pend += 1

        if withdraw >= 0 and ai[withdraw, AI_IDLE]:  # Router.withdraw_agent
            a = withdraw
            g = ai[a, AI_GROUP]
            ai[a, AI_IDLE] = 0
            prev = ai[a, AI_PREV]
            after = ai[a, AI_NEXT]
            if prev >= 0:
                ai[prev, AI_NEXT] = after
            else:
                gi[g, GI_HEAD] = after
            if after >= 0:
                ai[after, AI_PREV] = prev
            else:
                gi[g, GI_TAIL] = prev
            gi[g, GI_IDLE] -= 1

        ready = -1  # an agent who takes the next call or becomes idle
        chat_next = False  # ready has chats still in progress: it takes only a chat
        if free >= 0 and ai[free, AI_CHATS] > 0:  # chat_done
            ai[free, AI_CHATS] -= 1
            if ai[free, AI_CHATS] > 0:
                if ai[free, AI_LEAVE]:
                    _update_partial(free, ai, gi)
                else:
                    ready = free
                    chat_next = True
                free = -1
            else:
                _update_partial(free, ai, gi)
        if free >= 0:  # agent_free
            ai[free, AI_BUSY] = 0
            af[free, AF_FREE_AT] = now
            if ai[free, AI_LEAVE]:  # a break, absence or log-out waits: resume it
                ai[free, AI_LEAVE] = 0
                ghost_leaves(cut_ghost, cut_n_ghosts, free, ai[free, AI_GROUP])
                pend_t[n_pend] = now
                pend_d[n_pend] = cut_plan_of[free] * N_KINDS + EV_AGENT
                n_pend += 1
            else:
                ready = free
        elif avail >= 0:  # make_available
            ai[avail, AI_ON_FLOOR] = 1
            gi[ai[avail, AI_GROUP], GI_ON_FLOOR] += 1
            af[avail, AF_FLOOR_SINCE] = now
            ready = avail
        if ready >= 0 and not chat_next and cut_n_ghosts[ai[ready, AI_GROUP]] > 0:
            # By count, a ghost waits to leave: the ready agent leaves in its place.
            stayer = relieve_ghost(
                cut_holder, cut_plan_of, cut_ghost, cut_n_ghosts, ai[:, AI_GROUP], ready
            )
            if stayer >= 0:
                ai[stayer, AI_LEAVE] = 0
                _update_partial(stayer, ai, gi)  # back to taking chats
                pend_t[n_pend] = now
                pend_d[n_pend] = cut_plan_of[ready] * N_KINDS + EV_AGENT
                n_pend += 1
                ready = -1
        callback = -1  # a callback the ready agent makes (dial_callback)
        if ready >= 0 and not chat_next and n_cb[0] > 0:  # next_work: overdue callbacks first
            callback = _next_callback(
                ai[ready, AI_GROUP], now, True, ti, gi, gk, gkf, skills, cf, ci, cbf, n_cb
            )
            if callback >= 0:
                cb_agent = ready
                ready = -1
        if ready >= 0:  # next_call_or_idle
            g = ai[ready, AI_GROUP]
            # Router.next_call: among the heads of the group's skills' queues, the best
            # call-type priority, then skill priority, then the longest wait; a head not
            # yet eligible for the group (overflow) is skipped.
            best = -1
            best_tp = 0
            best_sp = 0
            best_offered = 0.0
            idle = gi[g, GI_IDLE] + 1  # with the agent who would answer
            for e in range(gi[g, GI_SKILL_LO], gi[g, GI_SKILL_HI]):
                t = skills[e, SK_TYPE]
                if ti[t, TI_WAITING] == 0 or not takes_type_jit(chat_next, ti[t, TI_CHAT] != 0):
                    continue
                if not reserve_allows_jit(idle, gi[g, GI_RESERVE], gk[g, t, GK_LOWER] != 0):
                    continue
                head_offered = cf[ti[t, TI_HEAD], CF_OFFERED]
                if not has_overflowed_jit(now, head_offered, gkf[g, t, GKF_AFTER]):
                    continue
                tp = skills[e, SK_TYPE_PRIO]
                sp = skills[e, SK_SKILL_PRIO]
                if best < 0 or call_before_jit(
                    tp, sp, head_offered, best_tp, best_sp, best_offered
                ):
                    best = t
                    best_tp = tp
                    best_sp = sp
                    best_offered = head_offered
            if best < 0 and chat_next:  # no chat to take: it stays in its chats
                _update_partial(ready, ai, gi)
            elif best < 0 and n_cb[0] > 0:  # no live call: a callback
                callback = _next_callback(g, now, False, ti, gi, gk, gkf, skills, cf, ci, cbf, n_cb)
                cb_agent = ready
            if best >= 0:
                unlink = ti[best, TI_HEAD]
                answer_call = unlink
                answer_agent = ready
            elif callback >= 0 or chat_next:
                pass
            elif gc_off[g + 1] > gc_off[g] and _may_dial(
                g, now, gi, gcamp, gc_off, camp_f, camp_i, dialed
            ):  # try_outbound: no call to take, so it dials
                dial_agent = ready
                dial_camp = _campaign_for(g, now, gcamp, gc_off, camp_f, camp_i, dialed)
            else:  # Router.release_agent: idle from now, at the back of the pool
                tail = gi[g, GI_TAIL]
                af[ready, AF_IDLE_SINCE] = now
                ai[ready, AI_IDLE] = 1
                ai[ready, AI_NEXT] = -1
                ai[ready, AI_PREV] = tail
                if tail >= 0:
                    ai[tail, AI_NEXT] = ready
                else:
                    gi[g, GI_HEAD] = ready
                gi[g, GI_TAIL] = ready
                gi[g, GI_IDLE] += 1

        if callback >= 0:  # dial_callback: reached, a call like any; else the attempt
            c = callback
            k = ci[c, CI_TYPE]
            if draw_says_yes_jit(callback_u[ci[c, CI_CALLER], 1], cbf[k, CBF_REACH]):
                answer_call = c
                answer_agent = cb_agent
            else:
                ci[c, CI_OUTCOME] = NOT_REACHED
                cf[c, CF_WAIT] = now - cf[c, CF_OFFERED]
                ci[c, CI_GROUP] = ai[cb_agent, AI_GROUP]
                cf[c, CF_TALK] = cbf[k, CBF_ATTEMPT]
                cf[c, CF_WRAP] = 0.0
                ai[cb_agent, AI_BUSY] = 1
                pend_t[n_pend] = now + cbf[k, CBF_ATTEMPT]
                pend_d[n_pend] = cb_agent * N_KINDS + EV_AGENT_FREE
                n_pend += 1

        if dial_agent >= 0:  # dial: the campaign's next customer, on a leg of its own
            if n_legs >= capacity_legs:
                raise RuntimeError("no room for a dial: leg capacity too small")
            c = n_legs
            n_legs += 1
            n_pend = _dial(
                c, dial_agent, dial_camp, now, dialed, camp_f, out_connect, out_talk, out_wrap,
                out_off, cf, ci, ai, leg_arrival, leg_type, leg_caller, leg_kind, pend_t, pend_d,
                n_pend,
            )  # fmt: skip

        if unlink >= 0:  # Router.remove_waiting
            c = unlink
            k = ci[c, CI_TYPE]
            ci[c, CI_WAITING] = 0
            prev = ci[c, CI_PREV]
            after = ci[c, CI_NEXT]
            if prev >= 0:
                ci[prev, CI_NEXT] = after
            else:
                ti[k, TI_HEAD] = after
            if after >= 0:
                ci[after, CI_PREV] = prev
            else:
                ti[k, TI_TAIL] = prev
            ti[k, TI_WAITING] -= 1

        if answer_call >= 0:  # answer: talk (the group's own or factored), then hang up
            c = answer_call
            a = answer_agent
            g = ai[a, AI_GROUP]
            k = ci[c, CI_TYPE]
            ci[c, CI_OUTCOME] = ANSWERED
            cf[c, CF_WAIT] = now - cf[c, CF_OFFERED]
            ci[c, CI_GROUP] = g
            if uses_own_handle_jit(gk[g, k, GK_OWN] >= 0, leg_kind[c]):  # drawn per caller
                talk_time = own_handle[gk[g, k, GK_OWN], ci[c, CI_CALLER]]
            else:
                talk_time = cf[c, CF_HANDLE] * gkf[g, k, GKF_FACTOR]
            if ti[k, TI_CHAT]:  # the agent's j-th chat at once takes its factor
                ai[a, AI_CHATS] += 1
                talk_time *= chat_factors[g, ai[a, AI_CHATS] - 1]
                _update_partial(a, ai, gi)
            cf[c, CF_TALK] = talk_time
            cf[c, CF_WRAP] = cf[c, CF_WRAP_IN]
            if sets_last_wait_jit(leg_kind[c]):
                last_wait[k] = cf[c, CF_WAIT]
            ai[a, AI_BUSY] = 1
            ci[c, CI_AGENT] = a
            pend_t[n_pend] = now + talk_time
            pend_d[n_pend] = c * N_KINDS + EV_HANG_UP
            n_pend += 1

        if transferred >= 0:  # hang_up's after-call work, after the transferred leg's offer
            wrap_time = cf[transferred, CF_WRAP]
            if wrap_time > 0.0:
                pend_t[n_pend] = now + wrap_time
                pend_d[n_pend] = ci[transferred, CI_AGENT] * N_KINDS + EV_AGENT_FREE
                n_pend += 1
            else:  # agent_free, as a step of its own (this one may have answered a call)
                after_transfer = transferred

        if by_arrivals:  # the arrival process goes on: the next call now, or a timeout
            nxt += 1
            arriving = nxt < n_calls and not arrival[nxt] > now
            arr_wait = nxt < n_calls and not arriving

    # close(): floor time to the end, the drain's overtime; the callers still
    # waiting hang up when the center closes.
    closing = max(now, end)
    for a in range(n_agents):
        g = ai[a, AI_GROUP]
        if ai[a, AI_ON_FLOOR]:
            add_time(staffed[g], af[a, AF_FLOOR_SINCE], closing, start, interval)
        if ai[a, AI_OPEN_END] and not ai[a, AI_ABSENT_ALL]:  # plan a
            overtime[g] += max(0.0, af[cut_holder[a], AF_FREE_AT] - end)
    for k in range(ti.shape[0]):
        c = ti[k, TI_HEAD]
        while c >= 0:
            ci[c, CI_OUTCOME] = ABANDONED
            cf[c, CF_WAIT] = closing - cf[c, CF_OFFERED]
            c = ci[c, CI_NEXT]
    for k in range(ti.shape[0]):  # callbacks never made: not reached
        c = ti[k, TI_CB_HEAD]
        while c >= 0:
            ci[c, CI_OUTCOME] = NOT_REACHED
            cf[c, CF_WAIT] = closing - cf[c, CF_OFFERED]
            ci[c, CI_GROUP] = -1
            c = ci[c, CI_NEXT]
    for a in range(n_agents):  # roster.scheduled_time
        add_time(scheduled[ai[a, AI_GROUP]], af[a, AF_START], af[a, AF_END], start, interval)
    n_out[0] = n_legs
    for c in range(n_legs):
        offered[c] = cf[c, CF_OFFERED]
        outcome[c] = ci[c, CI_OUTCOME]
        wait[c] = cf[c, CF_WAIT]
        talk[c] = cf[c, CF_TALK]
        wrap[c] = cf[c, CF_WRAP]
        group[c] = ci[c, CI_GROUP]
    return n_events


decisions.key_engine_caches(globals())
