"""The compiled engine's steps for callbacks, chats and outbound dials.

Each is `ccsim.models.center`'s step of the same name over the engine's arrays
(`ccsim.kernels.state`); the rules they apply are `ccsim.kernels.decisions`'.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ccsim.kernels.agent_day import schedule
from ccsim.kernels.decisions import (
    OUTBOUND,
    callback_before_jit,
    callback_overdue_jit,
    campaign_open_jit,
    chat_slot_free_jit,
    dial_allows_jit,
    draw_says_yes_jit,
    key_engine_caches,
    offers_callback_jit,
    partial_before_jit,
    predicted_wait_jit,
    reserve_allows_jit,
)
from ccsim.kernels.state import (
    AI_BUSY,
    AI_CHATS,
    AI_GROUP,
    AI_LEAVE,
    AI_PARTIAL,
    ANSWERED,
    CAMP_ATTEMPT,
    CAMP_CONNECT,
    CAMP_CUSTOMERS,
    CAMP_END,
    CAMP_START,
    CAMP_THRESHOLD,
    CBF_ACCEPT,
    CBF_ATTEMPT,
    CBF_DEADLINE,
    CBF_MEAN_HANDLE,
    CBF_REACH,
    CBF_THRESHOLD,
    CBI_LAST_WAIT,
    CF_OFFERED,
    CF_TALK,
    CF_WAIT,
    CF_WRAP,
    CI_CALLER,
    CI_GROUP,
    CI_NEXT,
    CI_OUTCOME,
    CI_TYPE,
    EV_AGENT_FREE,
    F_NOW,
    GI_CHAT_MAX,
    GI_IDLE,
    GI_ON_FLOOR,
    GI_RESERVE,
    GI_SKILL_HI,
    GI_SKILL_LO,
    GK_LOWER,
    GKF_AFTER,
    N_KINDS,
    NOT_REACHED,
    S_ANSWER_AGENT,
    S_ANSWER_CALL,
    S_CALLBACK,
    S_CB_AGENT,
    SK_TYPE,
    TI_CB_HEAD,
    TI_CB_TAIL,
    TI_INIT_HI,
    TI_INIT_LO,
    TI_WAITING,
    V_N_CB,
)

# -- Outbound ------------------------------------------------------------------------


@njit(cache=True)
def campaign_for(g, now, outbound, dialed):
    """`ContactCenter.campaign_for`: the group's first campaign open now with
    customers left to dial, or -1."""
    camp_f = outbound.camp_f
    for j in range(outbound.gc_off[g], outbound.gc_off[g + 1]):
        c = outbound.gcamp[j]
        customers = outbound.camp_i[c, CAMP_CUSTOMERS]
        if campaign_open_jit(now, camp_f[c, CAMP_START], camp_f[c, CAMP_END], dialed[c], customers):
            return c
    return -1


@njit(cache=True)
def may_dial(g, now, gi, outbound, dialed):
    """`ContactCenter.try_outbound`'s test: a campaign of the group is open and at
    least its threshold of the group's agents stay idle."""
    c = campaign_for(g, now, outbound, dialed)
    return c >= 0 and dial_allows_jit(gi[g, GI_IDLE], outbound.camp_i[c, CAMP_THRESHOLD])


@njit(cache=True)
def dial(r, c, agent, camp, outbound, roster, obs):
    """`ContactCenter.dial`: leg c is the agent's dial of the campaign's next customer
    (reached: a talk and wrap-up; else the attempt); the agent is free after it."""
    now = r.f[F_NOW]
    cf = r.cf
    i = outbound.out_off[camp] + r.dialed[camp]
    r.dialed[camp] += 1
    obs.leg_arrival[c] = now
    obs.leg_caller[c] = c
    obs.leg_kind[c] = OUTBOUND
    obs.leg_type[c] = -1
    cf[c, CF_OFFERED] = now
    cf[c, CF_WAIT] = 0.0
    r.ci[c, CI_GROUP] = roster.ai[agent, AI_GROUP]
    if draw_says_yes_jit(outbound.out_connect[i], outbound.camp_f[camp, CAMP_CONNECT]):
        r.ci[c, CI_OUTCOME] = ANSWERED
        cf[c, CF_TALK] = outbound.out_talk[i]
        cf[c, CF_WRAP] = outbound.out_wrap[i]
    else:
        r.ci[c, CI_OUTCOME] = NOT_REACHED
        cf[c, CF_TALK] = outbound.camp_f[camp, CAMP_ATTEMPT]
        cf[c, CF_WRAP] = 0.0
    roster.ai[agent, AI_BUSY] = 1
    schedule(r, now + (cf[c, CF_TALK] + cf[c, CF_WRAP]), agent * N_KINDS + EV_AGENT_FREE)


# -- Callbacks -----------------------------------------------------------------------


@njit(cache=True)
def callback_accepted(r, row, k, types, groups, callers, obs):
    """`ContactCenter.offer_callback`'s decision: the predicted wait (`predicted_wait`)
    is over the threshold, the offer is recorded, and the caller accepts."""
    ti = types.ti
    cbf = types.cbf
    agents = 0
    for j in range(ti[k, TI_INIT_LO], ti[k, TI_INIT_HI]):
        agents += groups.gi[types.glist[j], GI_ON_FLOOR]
    by_last = types.cbi[k, CBI_LAST_WAIT] != 0
    mean = cbf[k, CBF_MEAN_HANDLE]
    predicted = predicted_wait_jit(by_last, r.last_wait[k], ti[k, TI_WAITING], mean, agents)
    if not offers_callback_jit(predicted, cbf[k, CBF_THRESHOLD]):
        return False
    obs.callback_offered[row] = True
    return draw_says_yes_jit(callers.callback_u[r.ci[row, CI_CALLER], 0], cbf[k, CBF_ACCEPT])


@njit(cache=True)
def push_callback(r, c, k, ti):
    """Router.request_callback: at the back of the type's callbacks."""
    tail = ti[k, TI_CB_TAIL]
    r.ci[c, CI_NEXT] = -1
    if tail >= 0:
        r.ci[tail, CI_NEXT] = c
    else:
        ti[k, TI_CB_HEAD] = c
    ti[k, TI_CB_TAIL] = c
    r.v[V_N_CB] += 1


@njit(cache=True)
def next_callback(r, g, overdue, types, groups):
    """Router._next_callback: pop the oldest callback of the group's skills it answers
    from the start (reserve permitting; only overdue ones if asked), or -1."""
    ti = types.ti
    gi = groups.gi
    now = r.f[F_NOW]
    best_time = np.inf
    best = -1
    idle = gi[g, GI_IDLE] + 1  # with the agent who would call back
    for e in range(gi[g, GI_SKILL_LO], gi[g, GI_SKILL_HI]):
        t = groups.skills[e, SK_TYPE]
        head = ti[t, TI_CB_HEAD]
        if head < 0 or groups.gkf[g, t, GKF_AFTER] != 0.0:
            continue
        if not reserve_allows_jit(idle, gi[g, GI_RESERVE], groups.gk[g, t, GK_LOWER] != 0):
            continue
        requested = r.cf[head, CF_OFFERED]
        if overdue and not callback_overdue_jit(now, requested, types.cbf[t, CBF_DEADLINE]):
            continue
        if callback_before_jit(requested, best_time):
            best_time = requested
            best = t
    if best < 0:
        return -1
    c = ti[best, TI_CB_HEAD]
    ti[best, TI_CB_HEAD] = r.ci[c, CI_NEXT]
    if r.ci[c, CI_NEXT] < 0:
        ti[best, TI_CB_TAIL] = -1
    r.v[V_N_CB] -= 1
    return c


@njit(cache=True)
def dial_callback(r, types, callers, roster):
    """`ContactCenter.dial_callback`: reached, a call like any (answered this step);
    else the attempt, after which the agent is free."""
    c = r.s[S_CALLBACK]
    agent = r.s[S_CB_AGENT]
    now = r.f[F_NOW]
    k = r.ci[c, CI_TYPE]
    cbf = types.cbf
    if draw_says_yes_jit(callers.callback_u[r.ci[c, CI_CALLER], 1], cbf[k, CBF_REACH]):
        r.s[S_ANSWER_CALL] = c
        r.s[S_ANSWER_AGENT] = agent
        return
    r.ci[c, CI_OUTCOME] = NOT_REACHED
    r.cf[c, CF_WAIT] = now - r.cf[c, CF_OFFERED]
    r.ci[c, CI_GROUP] = roster.ai[agent, AI_GROUP]
    r.cf[c, CF_TALK] = cbf[k, CBF_ATTEMPT]
    r.cf[c, CF_WRAP] = 0.0
    roster.ai[agent, AI_BUSY] = 1
    schedule(r, now + cbf[k, CBF_ATTEMPT], agent * N_KINDS + EV_AGENT_FREE)


# -- Chats ---------------------------------------------------------------------------


@njit(cache=True)
def update_partial(a, ai, gi):
    """`ContactCenter._update_partial`: the agent has a free chat slot to offer."""
    chat_max = gi[ai[a, AI_GROUP], GI_CHAT_MAX]
    free_slot = chat_slot_free_jit(ai[a, AI_CHATS], chat_max, ai[a, AI_LEAVE] != 0)
    ai[a, AI_PARTIAL] = 1 if free_slot else 0


@njit(cache=True)
def partial_agent(lo, hi, glist, ai):
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


key_engine_caches(globals())
