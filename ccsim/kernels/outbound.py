"""Callbacks and outbound dials in the compiled engine (`ccsim.models.center`:
`offer_callback`, `dial_callback`, `campaign_for`, `try_outbound`, `dial`,
`campaign_opens`; `ccsim.models.routing.Router`: `request_callback`,
`_next_callback`)."""

from __future__ import annotations

import numpy as np

from ccsim.kernels import decisions
from ccsim.kernels.calls import new_leg, release_line
from ccsim.kernels.decisions import (
    CALLBACK,
    OUTBOUND,
    callback_before_jit,
    callback_overdue_jit,
    campaign_open_jit,
    dial_allows_jit,
    draw_says_yes_jit,
    offers_callback_jit,
    predicted_wait_jit,
    reserve_allows_jit,
)
from ccsim.kernels.layout import (
    AI_BUSY,
    AI_GROUP,
    ANSWERED,
    CALLBACK_REQUESTED,
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
    GI_HEAD,
    GI_IDLE,
    GI_ON_FLOOR,
    GI_RESERVE,
    GI_SKILL_HI,
    GI_SKILL_LO,
    GK_LOWER,
    GKF_AFTER,
    N_KINDS,
    NOT_REACHED,
    S_CAMP_J,
    S_CAMP_OPEN,
    S_N_CB,
    S_N_LEGS,
    SK_TYPE,
    T_NOW,
    TI_CB_HEAD,
    TI_CB_TAIL,
    TI_INIT_HI,
    TI_INIT_LO,
    TI_WAITING,
    W_ANSWER_AGENT,
    W_ANSWER_CALL,
    W_CALLBACK,
    W_CB_AGENT,
    W_DIAL_AGENT,
    W_DIAL_CAMP,
    W_WITHDRAW,
    later,
    step,
)


@step
def campaign_for(g, now, outbound, dialed):
    """`ContactCenter.campaign_for`: the group's first campaign open now with
    customers left to dial, or -1."""
    camp_f, camp_i = outbound.camp_f, outbound.camp_i
    for j in range(outbound.gc_off[g], outbound.gc_off[g + 1]):
        c = outbound.gcamp[j]
        start = camp_f[c, CAMP_START]
        if campaign_open_jit(now, start, camp_f[c, CAMP_END], dialed[c], camp_i[c, CAMP_CUSTOMERS]):
            return c
    return -1


@step
def may_dial(g, now, gi, outbound, dialed):
    """`ContactCenter.try_outbound`'s test: a campaign of the group is open and at
    least its threshold of the group's agents stay idle."""
    c = campaign_for(g, now, outbound, dialed)
    return c >= 0 and dial_allows_jit(gi[g, GI_IDLE], outbound.camp_i[c, CAMP_THRESHOLD])


@step
def next_dialer(run, gi, outbound):
    """`campaign_opens`: the next idle agent (above the threshold) of the opening
    campaign's groups dials, one a step; False when none is left (it has opened)."""
    c = run.sv[S_CAMP_OPEN]
    now = run.tv[T_NOW]
    while run.sv[S_CAMP_J] < outbound.cg_off[c + 1]:
        g = outbound.cgroups[run.sv[S_CAMP_J]]
        cc = campaign_for(g, now, outbound, run.dialed)
        others = gi[g, GI_IDLE] - 1  # the dialing agent is one of the idle ones
        if dial_allows_jit(others, outbound.camp_i[c, CAMP_THRESHOLD]) and cc >= 0 and others >= 0:
            run.w[W_DIAL_AGENT] = gi[g, GI_HEAD]
            run.w[W_DIAL_CAMP] = cc
            run.w[W_WITHDRAW] = gi[g, GI_HEAD]
            return True
        run.sv[S_CAMP_J] += 1
    run.sv[S_CAMP_OPEN] = -1
    return False


@step
def dial(run, ai, legs, outbound):
    """`ContactCenter.dial`: a new leg, the agent's dial of the campaign's next
    customer (reached: a talk and wrap-up; else the attempt); free after it."""
    cf, ci = run.cf, run.ci
    c = run.sv[S_N_LEGS]
    if c >= legs.offered.shape[0]:
        raise RuntimeError("no room for a dial: leg capacity too small")
    run.sv[S_N_LEGS] = c + 1
    agent = run.w[W_DIAL_AGENT]
    camp = run.w[W_DIAL_CAMP]
    now = run.tv[T_NOW]
    i = outbound.out_off[camp] + run.dialed[camp]
    run.dialed[camp] += 1
    legs.leg_arrival[c] = now
    legs.leg_caller[c] = c
    legs.leg_kind[c] = OUTBOUND
    legs.leg_type[c] = -1
    cf[c, CF_OFFERED] = now
    cf[c, CF_WAIT] = 0.0
    ci[c, CI_GROUP] = ai[agent, AI_GROUP]
    if draw_says_yes_jit(outbound.out_connect[i], outbound.camp_f[camp, CAMP_CONNECT]):
        ci[c, CI_OUTCOME] = ANSWERED
        cf[c, CF_TALK] = outbound.out_talk[i]
        cf[c, CF_WRAP] = outbound.out_wrap[i]
    else:
        ci[c, CI_OUTCOME] = NOT_REACHED
        cf[c, CF_TALK] = outbound.camp_f[camp, CAMP_ATTEMPT]
        cf[c, CF_WRAP] = 0.0
    ai[agent, AI_BUSY] = 1
    later(run, now + (cf[c, CF_TALK] + cf[c, CF_WRAP]), agent * N_KINDS + EV_AGENT_FREE)


@step
def _callback_accepted(run, row, k, draws, legs, routing):
    """`ContactCenter.offer_callback`'s decision: the predicted wait (`predicted_wait`)
    is over the threshold, the offer is recorded, and the caller accepts."""
    ti, cbf = routing.ti, routing.cbf
    agents = 0
    for j in range(ti[k, TI_INIT_LO], ti[k, TI_INIT_HI]):
        agents += routing.gi[routing.glist[j], GI_ON_FLOOR]
    predicted = predicted_wait_jit(
        routing.cbi[k, CBI_LAST_WAIT] != 0,
        run.last_wait[k],
        ti[k, TI_WAITING],
        cbf[k, CBF_MEAN_HANDLE],
        agents,
    )
    if not offers_callback_jit(predicted, cbf[k, CBF_THRESHOLD]):
        return False
    legs.callback_offered[row] = True
    return draw_says_yes_jit(draws.callback_u[run.ci[row, CI_CALLER], 0], cbf[k, CBF_ACCEPT])


@step
def offer_callback(run, offer, k, draws, legs, routing):
    """`offer_callback`: if the caller accepts, it hangs up and a callback leg waits
    its turn (`Router.request_callback`: at the back of the type's callbacks)."""
    if not _callback_accepted(run, offer, k, draws, legs, routing):
        return False
    cf, ci, ti = run.cf, run.ci, routing.ti
    now = run.tv[T_NOW]
    ci[offer, CI_OUTCOME] = CALLBACK_REQUESTED
    cf[offer, CF_WAIT] = 0.0
    release_line(run, offer)
    c = run.sv[S_N_LEGS]
    if c >= legs.offered.shape[0]:
        raise RuntimeError("no room for a callback: leg capacity too small")
    run.sv[S_N_LEGS] = c + 1
    caller = ci[offer, CI_CALLER]
    new_leg(cf, ci, c, caller, k, np.inf)
    cf[c, CF_OFFERED] = now
    legs.leg_arrival[c] = now
    legs.leg_type[c] = k
    legs.leg_caller[c] = caller
    legs.leg_kind[c] = CALLBACK
    tail = ti[k, TI_CB_TAIL]
    ci[c, CI_NEXT] = -1
    if tail >= 0:
        ci[tail, CI_NEXT] = c
    else:
        ti[k, TI_CB_HEAD] = c
    ti[k, TI_CB_TAIL] = c
    run.sv[S_N_CB] += 1
    return True


@step
def next_callback(run, g, overdue, routing):
    """Router._next_callback: pop the oldest callback of the group's skills it answers
    from the start (reserve permitting; only overdue ones if asked), or -1."""
    ti, gi, skills = routing.ti, routing.gi, routing.skills
    now = run.tv[T_NOW]
    best_time = np.inf
    best = -1
    idle = gi[g, GI_IDLE] + 1  # with the agent who would call back
    for e in range(gi[g, GI_SKILL_LO], gi[g, GI_SKILL_HI]):
        t = skills[e, SK_TYPE]
        head = ti[t, TI_CB_HEAD]
        if head < 0 or routing.gkf[g, t, GKF_AFTER] != 0.0:
            continue
        if not reserve_allows_jit(idle, gi[g, GI_RESERVE], routing.gk[g, t, GK_LOWER] != 0):
            continue
        requested = run.cf[head, CF_OFFERED]
        if overdue and not callback_overdue_jit(now, requested, routing.cbf[t, CBF_DEADLINE]):
            continue
        if callback_before_jit(requested, best_time):
            best_time = requested
            best = t
    if best < 0:
        return -1
    c = ti[best, TI_CB_HEAD]
    ti[best, TI_CB_HEAD] = run.ci[c, CI_NEXT]
    if run.ci[c, CI_NEXT] < 0:
        ti[best, TI_CB_TAIL] = -1
    run.sv[S_N_CB] -= 1
    return c


@step
def dial_callback(run, ai, draws, cbf):
    """`dial_callback`: reached, a call like any (answered); else the attempt."""
    cf, ci = run.cf, run.ci
    c = run.w[W_CALLBACK]
    agent = run.w[W_CB_AGENT]
    k = ci[c, CI_TYPE]
    if draw_says_yes_jit(draws.callback_u[ci[c, CI_CALLER], 1], cbf[k, CBF_REACH]):
        run.w[W_ANSWER_CALL] = c
        run.w[W_ANSWER_AGENT] = agent
        return
    now = run.tv[T_NOW]
    ci[c, CI_OUTCOME] = NOT_REACHED
    cf[c, CF_WAIT] = now - cf[c, CF_OFFERED]
    ci[c, CI_GROUP] = ai[agent, AI_GROUP]
    cf[c, CF_TALK] = cbf[k, CBF_ATTEMPT]
    cf[c, CF_WRAP] = 0.0
    ai[agent, AI_BUSY] = 1
    later(run, now + cbf[k, CBF_ATTEMPT], agent * N_KINDS + EV_AGENT_FREE)


decisions.key_engine_caches(globals())
