"""The compiled engine: one day of the contact center as a numba event loop.

This is `ccsim.models.center` (with `ccsim.models.routing` and
`ccsim.models.agents`) over typed arrays, step for step, so that it gives the
SimPy engine's observations call by call. The routing rules themselves are not
rewritten: both engines call `ccsim.kernels.decisions`. Exactness rests on doing
the same floating-point operations in the same order, and on firing events in the
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
  (its phase, `ccsim.kernels.agent_day`) resumed by an ``EV_AGENT`` event.
  ``Event.succeed()`` (the call ends while a break, absence or log-out waits for
  it) schedules the resumption as a new event at the current time; so does the
  agent-free step.
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

**One step at a time.** Each turn of the loop (`simulate`) picks what happens next
(`next_step`: a process going on, an event off the heap, the arrival process)
and runs the per-call blocks it needs in a fixed order (`steps.run_blocks`), so
that their effects are ordered as SimPy's nested calls order them. Timeouts
scheduled during a step are collected in order and pushed onto the heap (taking
their sequence numbers) when it is done. State is a few named structures
(`ccsim.kernels.state`): numba passes a namedtuple of arrays to a function at no
cost, unlike dozens of positional arrays (each reference-counted).

Every kernel module keys its numba cache on all the engine's source files
(`decisions.key_engine_caches`): a function's cached machine code contains the
functions it calls from the other files.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ccsim.kernels.agent_day import (  # shared with the SimPy model
    add_time,
    become_ghost,
    cut_leaver,
    ghost_leaves,
    new_cut_state,
    relieve_ghost,
    trade_plans,
)
from ccsim.kernels.decisions import (
    CALLBACK,
    FIRST,
    LONGEST_IDLE,
    OUTBOUND,
    PREFERENCE,
    RANDOM,
    RETRIAL,
    TRANSFER,
    key_engine_caches,
)
from ccsim.kernels.events import (
    DONE,
    RUN_STEP,
    SKIP_STEP,
    campaign_opens,
    campaign_starts,
    on_event,
)
from ccsim.kernels.state import (
    ABANDONED,
    ABSENCE,
    AF_END,
    AF_FLOOR_SINCE,
    AF_FREE_AT,
    AF_START,
    AI_ABSENT_ALL,
    AI_GROUP,
    AI_ON_FLOOR,
    AI_OPEN_END,
    ANSWERED,
    BLOCKED,
    BREAK,
    CF_HANDLE,
    CF_IVR_TIME,
    CF_OFFERED,
    CF_PATIENCE,
    CF_TALK,
    CF_U,
    CF_WAIT,
    CF_WRAP,
    CF_WRAP_IN,
    CI_AGENT,
    CI_ATTEMPT,
    CI_CALLER,
    CI_GROUP,
    CI_HOLDS_LINE,
    CI_IVR_EXIT,
    CI_NEXT,
    CI_OUTCOME,
    CI_TYPE,
    CI_VIA_IVR,
    CI_WAITING,
    F_ARR_TIME,
    F_NOW,
    LOG_OUT,
    N_CF,
    N_CI,
    N_F,
    N_KINDS,
    N_S,
    N_V,
    NOT_REACHED,
    PENDING_SLACK,
    S_AGENT_RUN,
    S_BLOCKED,
    S_BY_ARRIVALS,
    S_CALL,
    S_CHAT_NEXT,
    S_FREE,
    S_HI,
    S_LO,
    TI_CB_HEAD,
    TI_HEAD,
    V_AFTER_TRANSFER,
    V_ARR_PENDING,
    V_ARR_SEQ,
    V_ARR_STARTED,
    V_ARR_WAIT,
    V_ARRIVING,
    V_CAMP_OPEN,
    V_CAMP_STARTING,
    V_CONT,
    V_EVENTS,
    V_N_LEGS,
    V_N_PEND,
    V_NXT,
    V_SEQ,
    V_SIZE,
    V_STARTING,
    Run,
)
from ccsim.kernels.steps import run_blocks

__all__ = ["simulate", "add_time", "new_cut_state", "relieve_ghost", "cut_leaver"]
__all__ += ["become_ghost", "ghost_leaves", "trade_plans", "FIRST", "RETRIAL", "TRANSFER"]
__all__ += ["CALLBACK", "OUTBOUND", "LONGEST_IDLE", "PREFERENCE", "RANDOM"]
__all__ += ["BLOCKED", "ANSWERED", "ABANDONED", "BREAK", "ABSENCE", "LOG_OUT"]


@njit(cache=True)
def simulate(callers, types, groups, roster, outbound, day, obs):
    """Run the day (`ccsim.models.center.simulate_day`); returns the events handled.

    The structures are `ccsim.kernels.state`'s, packed by `ccsim.models.fast`: the
    callers sorted by arrival, the routing tables per type and group, the roster
    (its agents at phase ``P_INIT``), the campaigns, the day's clock and trunks.
    ``obs`` gets the observed columns of `Observations` and the agent time, in
    place; it has room for every leg that may occur (`ccsim.models.legs.
    leg_capacity`): rows ``0 .. calls - 1`` are the callers' first calls, each
    redial, transfer, callback or dial takes the next row when it occurs.
    ``obs.n_out[0]`` gets the number of legs.

    ``day.heap_capacity``: the most timeouts ever pending at once. An agent waits
    for one at a time; a leg has at most its patience, its overflow steps' timers
    and its talk (or wrap-up) pending, or its caller's redial; so ``agents + legs
    * (2 + most overflow steps of a type)`` is enough.
    """
    r = new_run(callers, types, groups, roster, outbound, day, obs)
    while True:
        push_pending(r, callers.arrival)
        reset_step(r.s)
        status = next_step(r, callers, types, groups, roster, outbound, obs)
        if status == DONE:
            break
        if status == RUN_STEP:
            run_blocks(r, callers, types, groups, roster, outbound, obs, day)
    close(r, types, roster, obs, day)
    return r.v[V_EVENTS]


@njit(cache=True)
def new_run(callers, types, groups, roster, outbound, day, obs):
    """The run's working state: the callers' first calls as legs, an empty heap."""
    n_calls = callers.arrival.shape[0]
    capacity_legs = obs.offered.shape[0]
    n_agents = roster.ai.shape[0]
    cf = np.empty((capacity_legs, N_CF), np.float64)
    ci = np.empty((capacity_legs, N_CI), np.int64)
    for c in range(n_calls):
        cf[c, CF_OFFERED] = np.nan
        cf[c, CF_WAIT] = np.nan
        cf[c, CF_TALK] = 0.0
        cf[c, CF_WRAP] = 0.0
        cf[c, CF_IVR_TIME] = callers.ivr_time[c]
        cf[c, CF_PATIENCE] = callers.patience[c]
        cf[c, CF_U] = callers.route_u[c]
        cf[c, CF_HANDLE] = callers.handle[c]
        cf[c, CF_WRAP_IN] = callers.wrap_up[c]
        ci[c, :] = -1
        ci[c, CI_TYPE] = callers.call_type[c]
        ci[c, CI_VIA_IVR] = callers.via_ivr[c]
        ci[c, CI_IVR_EXIT] = callers.ivr_exit[c]
        ci[c, CI_WAITING] = 0
        ci[c, CI_CALLER] = c
        ci[c, CI_ATTEMPT] = 0
        ci[c, CI_HOLDS_LINE] = 0
    v = np.zeros(N_V, np.int64)
    v[V_N_LEGS] = n_calls
    v[V_CONT] = v[V_AFTER_TRANSFER] = v[V_CAMP_OPEN] = -1
    f = np.zeros(N_F, np.float64)
    f[F_NOW] = day.start
    pending = PENDING_SLACK + types.ov_after.shape[0]
    return Run(
        v, f, np.empty(N_S, np.int64), cf, ci,
        np.empty(day.heap_capacity, np.float64),
        np.empty(day.heap_capacity, np.int64),
        np.empty(day.heap_capacity, np.int64),
        np.empty(pending, np.float64), np.empty(pending, np.int64),
        np.zeros(types.ti.shape[0]),  # per type: the wait of its last answered leg
        np.zeros(outbound.camp_f.shape[0], np.int64),  # per campaign: dialed so far
        np.arange(n_agents), np.arange(n_agents), np.zeros(n_agents, np.int64),
        np.zeros(groups.gi.shape[0], np.int64), np.zeros(1, np.int64),
    )  # fmt: skip


@njit(cache=True)
def reset_step(s):
    """Nothing to do yet in this step."""
    s[:] = -1
    s[S_BY_ARRIVALS] = s[S_BLOCKED] = s[S_CHAT_NEXT] = s[S_LO] = s[S_HI] = 0


@njit(cache=True)
def push_pending(r, arrival):
    """Schedule the timeouts of the step just done, in order (Environment.schedule);
    then the arrival process's, if it is about to wait."""
    v = r.v
    ht, hs, hd = r.ht, r.hs, r.hd
    for q in range(v[V_N_PEND]):
        size = v[V_SIZE]
        if size >= ht.shape[0]:
            raise RuntimeError("event heap full: heap_capacity too small")
        t = r.pend_t[q]
        i = size
        v[V_SIZE] = size + 1
        while i > 0:  # sift up; every entry's seq is smaller, so ties stay above
            parent = (i - 1) >> 1
            if ht[parent] <= t:
                break
            ht[i] = ht[parent]
            hs[i] = hs[parent]
            hd[i] = hd[parent]
            i = parent
        ht[i] = t
        hs[i] = v[V_SEQ]
        hd[i] = r.pend_d[q]
        v[V_SEQ] += 1
    v[V_N_PEND] = 0
    if v[V_ARR_WAIT]:  # ContactCenter.arrivals: yield env.timeout(t - env.now)
        now = r.f[F_NOW]
        v[V_ARR_WAIT] = 0
        r.f[F_ARR_TIME] = now + (arrival[v[V_NXT]] - now)
        v[V_ARR_SEQ] = v[V_SEQ]
        v[V_SEQ] += 1
        v[V_ARR_PENDING] = 1


@njit(cache=True)
def pop_event(r):
    """Take the first event off the heap (smallest time, then seq): its data."""
    v = r.v
    ht, hs, hd = r.ht, r.hs, r.hd
    r.f[F_NOW] = ht[0]
    data = hd[0]
    size = v[V_SIZE] - 1
    v[V_SIZE] = size
    if size > 0:  # the last entry sifts down from the top
        t = ht[size]
        sq = hs[size]
        d = hd[size]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= size:
                break
            if c + 1 < size and (ht[c + 1] < ht[c] or (ht[c + 1] == ht[c] and hs[c + 1] < hs[c])):
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
    v[V_EVENTS] += 1
    return data


@njit(cache=True)
def next_step(r, callers, types, groups, roster, outbound, obs):
    """What happens next, in SimPy's order: a process that goes on at once, the
    processes' initialisations, the arrival process, then the first event (the
    heap's or the arrival process's timeout). Sets ``r.s``; returns `RUN_STEP`,
    `SKIP_STEP` (nothing for the blocks to do) or `DONE`."""
    v = r.v
    s = r.s
    arrival = callers.arrival
    if v[V_CONT] >= 0:
        s[S_AGENT_RUN] = v[V_CONT]
        v[V_CONT] = -1
    elif v[V_AFTER_TRANSFER] >= 0:  # hang_up goes on after offering the transferred leg
        s[S_FREE] = r.ci[v[V_AFTER_TRANSFER], CI_AGENT]
        v[V_AFTER_TRANSFER] = -1
    elif v[V_CAMP_OPEN] >= 0:
        return campaign_opens(r, groups, outbound)
    elif v[V_STARTING] < roster.ai.shape[0]:  # the processes' initialisation, in order
        s[S_AGENT_RUN] = v[V_STARTING]
        v[V_STARTING] += 1
    elif not v[V_ARR_STARTED]:
        v[V_ARR_STARTED] = 1
        if arrival.shape[0] > 0:
            v[V_ARRIVING] = not arrival[0] > r.f[F_NOW]
            v[V_ARR_WAIT] = not v[V_ARRIVING]
        return SKIP_STEP
    elif v[V_ARRIVING]:
        s[S_CALL] = v[V_NXT]
        s[S_BY_ARRIVALS] = 1
    elif v[V_CAMP_STARTING] < outbound.camp_f.shape[0]:
        campaign_starts(r, outbound)
        return SKIP_STEP
    elif v[V_SIZE] > 0 and (
        not v[V_ARR_PENDING]
        or r.ht[0] < r.f[F_ARR_TIME]
        or (r.ht[0] == r.f[F_ARR_TIME] and r.hs[0] < v[V_ARR_SEQ])
    ):
        data = pop_event(r)
        return on_event(r, data % N_KINDS, data // N_KINDS, callers, types, outbound, obs)
    elif v[V_ARR_PENDING]:  # the arrival process's timeout
        r.f[F_NOW] = r.f[F_ARR_TIME]
        v[V_ARR_PENDING] = 0
        v[V_EVENTS] += 1
        s[S_CALL] = v[V_NXT]
        s[S_BY_ARRIVALS] = 1
    else:
        return DONE
    return RUN_STEP


@njit(cache=True)
def close(r, types, roster, obs, day):
    """`ContactCenter.close`: floor time to the end, the drain's overtime; the callers
    still waiting hang up when the center closes; callbacks never made were not
    reached. Then the observed columns of the legs that occurred."""
    ai, af = roster.ai, roster.af
    cf, ci = r.cf, r.ci
    closing = max(r.f[F_NOW], day.end)
    for a in range(ai.shape[0]):
        g = ai[a, AI_GROUP]
        if ai[a, AI_ON_FLOOR]:
            add_time(obs.staffed[g], af[a, AF_FLOOR_SINCE], closing, day.start, day.interval)
        if ai[a, AI_OPEN_END] and not ai[a, AI_ABSENT_ALL]:  # plan a
            obs.overtime[g] += max(0.0, af[r.holder[a], AF_FREE_AT] - day.end)
    for k in range(types.ti.shape[0]):
        c = types.ti[k, TI_HEAD]
        while c >= 0:
            ci[c, CI_OUTCOME] = ABANDONED
            cf[c, CF_WAIT] = closing - cf[c, CF_OFFERED]
            c = ci[c, CI_NEXT]
    for k in range(types.ti.shape[0]):  # callbacks never made: not reached
        c = types.ti[k, TI_CB_HEAD]
        while c >= 0:
            ci[c, CI_OUTCOME] = NOT_REACHED
            cf[c, CF_WAIT] = closing - cf[c, CF_OFFERED]
            ci[c, CI_GROUP] = -1
            c = ci[c, CI_NEXT]
    for a in range(ai.shape[0]):  # roster.scheduled_time
        add_time(
            obs.scheduled[ai[a, AI_GROUP]], af[a, AF_START], af[a, AF_END], day.start, day.interval
        )
    n_legs = r.v[V_N_LEGS]
    obs.n_out[0] = n_legs
    for c in range(n_legs):
        obs.offered[c] = cf[c, CF_OFFERED]
        obs.outcome[c] = ci[c, CI_OUTCOME]
        obs.wait[c] = cf[c, CF_WAIT]
        obs.talk[c] = cf[c, CF_TALK]
        obs.wrap[c] = cf[c, CF_WRAP]
        obs.group[c] = ci[c, CI_GROUP]


key_engine_caches(globals())
