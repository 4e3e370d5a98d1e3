"""The compiled engine's per-call steps, in the order the event loop runs them.

Each block is a step of `ccsim.models.center` (named in its docstring) over the
engine's arrays (`ccsim.kernels.state`). A step of the loop runs the blocks it
needs in one fixed order (`run_blocks`): arrive, redial, offer (an idle agent, a
callback or the queue), withdraw, free, next work, callback, dial, unlink,
answer, transfer's wrap-up; what each block needs is in ``Run.s``, set by the
event that started the step and by the blocks before it. Their effects are
ordered as SimPy's nested calls order them. The rules they apply are
`ccsim.kernels.decisions'`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ccsim.kernels.agent_day import agent_day, schedule
from ccsim.kernels.agent_steps import agent_free, answer, next_call_or_idle, unlink, withdraw
from ccsim.kernels.decisions import (
    CALLBACK,
    RANDOM,
    draw_says_yes_jit,
    idle_before_jit,
    is_live_jit,
    key_engine_caches,
    line_free_jit,
    may_redial_jit,
    outage_in_force_jit,
    overflow_in_time_jit,
    random_position_jit,
    reserve_allows_jit,
)
from ccsim.kernels.features import (
    callback_accepted,
    dial,
    dial_callback,
    partial_agent,
    push_callback,
)
from ccsim.kernels.state import (
    AF_IDLE_SINCE,
    AI_IDLE,
    AI_NEXT,
    BLOCKED,
    CALLBACK_REQUESTED,
    CBI_ON,
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
    CI_PREV,
    CI_TYPE,
    CI_VIA_IVR,
    CI_WAITING,
    EV_ABANDON,
    EV_AGENT_FREE,
    EV_LEAVE_IVR,
    EV_OVERFLOW,
    EV_REDIAL,
    F_NOW,
    GI_HEAD,
    GI_IDLE,
    GI_RESERVE,
    GK_LOWER,
    N_KINDS,
    S_AGENT_RUN,
    S_ANSWER_AGENT,
    S_ANSWER_CALL,
    S_AVAIL,
    S_BLOCKED,
    S_BY_ARRIVALS,
    S_CALL,
    S_CALLBACK,
    S_DIAL_AGENT,
    S_DIAL_CAMP,
    S_FAILED,
    S_HI,
    S_LO,
    S_OFFER,
    S_OVER,
    S_READY,
    S_TRANSFERRED,
    S_UNLINK,
    S_WITHDRAW,
    TI_CHAT,
    TI_HEAD,
    TI_INIT_HI,
    TI_INIT_LO,
    TI_OV_HI,
    TI_OV_LO,
    TI_SELECTION,
    TI_TAIL,
    TI_WAITING,
    V_AFTER_TRANSFER,
    V_ARR_WAIT,
    V_ARRIVING,
    V_CONT,
    V_LINES,
    V_N_LEGS,
    V_NXT,
    WANT_AVAILABLE,
    WANT_WITHDRAW,
)


@njit(cache=True)
def new_leg(r, c, caller, k, patience):
    """Row c: a new leg of ``caller`` for call type k (`ccsim.models.legs.Legs.add`):
    the first call's handle and wrap-up times and routing number, nothing observed."""
    cf = r.cf
    ci = r.ci
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
def release_line(r, c):
    """`ContactCenter.release_line`: leg c frees its phone line, if it holds one."""
    if r.ci[c, CI_HOLDS_LINE]:
        r.ci[c, CI_HOLDS_LINE] = 0
        r.v[V_LINES] -= 1


@njit(cache=True)
def take_row(r):
    """The next free row for a leg (a redial, transfer, callback or dial)."""
    c = r.v[V_N_LEGS]
    if c >= r.cf.shape[0]:
        raise RuntimeError("no room for a leg: leg capacity too small")
    r.v[V_N_LEGS] = c + 1
    return c


@njit(cache=True)
def run_blocks(r, callers, types, groups, roster, outbound, obs, day):
    """One step of the loop: the blocks it needs, in their fixed order."""
    s = r.s
    if s[S_AGENT_RUN] >= 0:  # a plan's day goes on
        want = agent_day(s[S_AGENT_RUN], r, roster, groups, obs, day)
        if want & WANT_WITHDRAW:
            s[S_WITHDRAW] = r.holder[s[S_AGENT_RUN]]
        if want & WANT_AVAILABLE:
            s[S_AVAIL] = r.holder[s[S_AGENT_RUN]]
            r.v[V_CONT] = s[S_AGENT_RUN]
    if s[S_CALL] >= 0:
        arrive(r, types, day)
    if s[S_FAILED] >= 0:
        maybe_redial(r, callers, types, obs)
    if s[S_OFFER] >= 0 or s[S_OVER] >= 0:
        offer(r, callers, types, groups, roster, obs)
    if s[S_WITHDRAW] >= 0 and roster.ai[s[S_WITHDRAW], AI_IDLE]:
        withdraw(s[S_WITHDRAW], groups.gi, roster.ai)
    agent_free(r, types, groups, roster)
    if s[S_READY] >= 0:
        next_call_or_idle(r, types, groups, roster, outbound)
    if s[S_CALLBACK] >= 0:
        dial_callback(r, types, callers, roster)
    if s[S_DIAL_AGENT] >= 0:  # the campaign's next customer, on a leg of its own
        c = take_row(r)
        dial(r, c, s[S_DIAL_AGENT], s[S_DIAL_CAMP], outbound, roster, obs)
    if s[S_UNLINK] >= 0:
        unlink(r, s[S_UNLINK], types.ti)
    if s[S_ANSWER_CALL] >= 0:
        answer(r, s[S_ANSWER_CALL], s[S_ANSWER_AGENT], types, groups, roster, obs)
    if s[S_TRANSFERRED] >= 0:  # hang_up's after-call work, after the new leg's offer
        x = s[S_TRANSFERRED]
        wrap_time = r.cf[x, CF_WRAP]
        if wrap_time > 0.0:
            schedule(r, r.f[F_NOW] + wrap_time, r.ci[x, CI_AGENT] * N_KINDS + EV_AGENT_FREE)
        else:  # agent_free, as a step of its own (this one may have answered a call)
            r.v[V_AFTER_TRANSFER] = x
    if s[S_BY_ARRIVALS]:  # the arrival process goes on: the next call now, or a timeout
        v = r.v
        v[V_NXT] += 1
        more = v[V_NXT] < callers.arrival.shape[0]
        v[V_ARRIVING] = more and not callers.arrival[v[V_NXT]] > r.f[F_NOW]
        v[V_ARR_WAIT] = more and not v[V_ARRIVING]


@njit(cache=True)
def arrive(r, types, day):
    """`ContactCenter.arrive`: a chat is offered at once; a phone call needs a line
    (`lines_now`: trunks less outages), then goes through the IVR or is offered."""
    s = r.s
    call = s[S_CALL]
    k = r.ci[call, CI_TYPE]
    if k >= 0 and types.ti[k, TI_CHAT]:
        s[S_OFFER] = call  # a chat uses no phone line
        return
    now = r.f[F_NOW]
    capacity = day.trunks
    outages = day.outages
    for o in range(outages.shape[0]):
        if outage_in_force_jit(now, outages[o, 0], outages[o, 1]):
            capacity = min(capacity, outages[o, 2])
    if not line_free_jit(r.v[V_LINES], capacity):
        r.ci[call, CI_OUTCOME] = BLOCKED
        s[S_FAILED] = call
        s[S_BLOCKED] = 1
        return
    r.v[V_LINES] += 1
    r.ci[call, CI_HOLDS_LINE] = 1
    if r.ci[call, CI_VIA_IVR]:
        schedule(r, now + r.cf[call, CF_IVR_TIME], call * N_KINDS + EV_LEAVE_IVR)
    else:
        s[S_OFFER] = call


@njit(cache=True)
def maybe_redial(r, callers, types, obs):
    """`ContactCenter.maybe_redial`: the caller calls again after a delay, or not."""
    failed = r.s[S_FAILED]
    caller = r.ci[failed, CI_CALLER]
    k = r.ci[caller, CI_TYPE]
    attempt = r.ci[failed, CI_ATTEMPT]
    if (
        k >= 0
        and is_live_jit(obs.leg_kind[failed])
        and may_redial_jit(r.s[S_BLOCKED] != 0, types.retry_blocked[k], attempt, types.retry_max[k])
        and draw_says_yes_jit(callers.retry_u[caller, attempt], types.retry_prob[k])
    ):
        delay = callers.retry_delay[caller, attempt]
        schedule(r, r.f[F_NOW] + delay, failed * N_KINDS + EV_REDIAL)


@njit(cache=True)
def take_idle_agent(k, lo, hi, u, types, groups, roster):
    """`Router.take_idle_agent`: an idle agent of the groups glist[lo:hi] for a call
    of type k, by the type's selection, or -1. A group may answer with idle agents,
    and for a lower-priority skill of its only with more than its reserve."""
    glist = types.glist
    gi = groups.gi
    selection = types.ti[k, TI_SELECTION]
    agent = -1
    pool = 0  # random: the groups' idle agents, in order
    best_since = 0.0
    for j in range(lo, hi):
        g = glist[j]
        idle = gi[g, GI_IDLE]
        lower = groups.gk[g, k, GK_LOWER] != 0
        if idle == 0 or not reserve_allows_jit(idle, gi[g, GI_RESERVE], lower):
            continue
        if selection == RANDOM:
            pool += idle
            continue
        a = gi[g, GI_HEAD]
        if agent < 0 or idle_before_jit(selection, roster.af[a, AF_IDLE_SINCE], best_since):
            agent = a
            best_since = roster.af[a, AF_IDLE_SINCE]
    if pool == 0:
        return agent
    pick = random_position_jit(u, pool)
    for j in range(lo, hi):
        g = glist[j]
        idle = gi[g, GI_IDLE]
        lower = groups.gk[g, k, GK_LOWER] != 0
        if idle == 0 or not reserve_allows_jit(idle, gi[g, GI_RESERVE], lower):
            continue
        if pick < idle:
            agent = gi[g, GI_HEAD]
            for _ in range(pick):
                agent = roster.ai[agent, AI_NEXT]
            return agent
        pick -= idle
    return -1


@njit(cache=True)
def offer(r, callers, types, groups, roster, obs):
    """`ContactCenter.offer` (a new offer: it waits from now) or `overflow` (a waiting
    call reaches an overflow step): an agent takes it (`agent_for`), or a callback
    is offered, or it joins its queue with its patience and overflow timers."""
    s = r.s
    c = s[S_OFFER]
    if c >= 0:
        r.cf[c, CF_OFFERED] = r.f[F_NOW]
        k = r.ci[c, CI_TYPE]
        s[S_LO] = types.ti[k, TI_INIT_LO]
        s[S_HI] = types.ti[k, TI_INIT_HI]
    else:
        c = s[S_OVER]
    k = r.ci[c, CI_TYPE]
    agent = take_idle_agent(k, s[S_LO], s[S_HI], r.cf[c, CF_U], types, groups, roster)
    if agent < 0 and types.ti[k, TI_CHAT]:  # agent_for: an agent in chats, a slot free
        agent = partial_agent(s[S_LO], s[S_HI], types.glist, roster.ai)
    if agent >= 0:
        s[S_WITHDRAW] = agent
        s[S_ANSWER_CALL] = c
        s[S_ANSWER_AGENT] = agent
        if s[S_OVER] >= 0:
            s[S_UNLINK] = c
    elif s[S_OFFER] < 0:
        pass  # the overflow step found nobody: the call waits on
    elif (
        types.cbi[k, CBI_ON]
        and is_live_jit(obs.leg_kind[c])
        and callback_accepted(r, c, k, types, groups, callers, obs)
    ):
        request_callback(r, c, k, types, obs)
    else:
        enqueue(r, c, k, types)


@njit(cache=True)
def request_callback(r, c, k, types, obs):
    """`ContactCenter.offer_callback`, accepted: the caller hangs up; a callback leg
    waits its turn from now."""
    now = r.f[F_NOW]
    r.ci[c, CI_OUTCOME] = CALLBACK_REQUESTED
    r.cf[c, CF_WAIT] = 0.0
    release_line(r, c)
    new = take_row(r)
    caller = r.ci[c, CI_CALLER]
    new_leg(r, new, caller, k, np.inf)
    r.cf[new, CF_OFFERED] = now
    obs.leg_arrival[new] = now
    obs.leg_type[new] = k
    obs.leg_caller[new] = caller
    obs.leg_kind[new] = CALLBACK
    push_callback(r, new, k, types.ti)


@njit(cache=True)
def enqueue(r, c, k, types):
    """Router.enqueue, then the patience and overflow timers."""
    ti = types.ti
    ci = r.ci
    now = r.f[F_NOW]
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
    patience = r.cf[c, CF_PATIENCE]
    if patience != np.inf:
        schedule(r, now + patience, c * N_KINDS + EV_ABANDON)
    n_steps = max(types.ov_after.shape[0], 1)
    for j in range(ti[k, TI_OV_LO], ti[k, TI_OV_HI]):
        if not overflow_in_time_jit(types.ov_after[j], patience):
            break
        schedule(r, now + types.ov_after[j], (c * n_steps + j) * N_KINDS + EV_OVERFLOW)


key_engine_caches(globals())
