"""The Router's steps in the compiled engine: which idle agent takes an offered
call, the queues, which waiting call a freed agent takes, the answer
(`ccsim.models.routing.Router`; `ccsim.models.center`: `offer`, `overflow`,
`next_call_or_idle`, `answer`). The rules themselves are `ccsim.kernels.decisions`.

Queues are doubly linked lists (the calls of each type in offer order; the idle
agents of each group in the order they became idle): removing an abandoned call or
an agent who goes on break unlinks it, which leaves the others in exactly the order
of the SimPy deques with their lazy deletion.
"""

from __future__ import annotations

import numpy as np

from ccsim.kernels import decisions
from ccsim.kernels.decisions import (
    RANDOM,
    call_before_jit,
    chat_slot_free_jit,
    has_overflowed_jit,
    idle_before_jit,
    is_live_jit,
    overflow_in_time_jit,
    partial_before_jit,
    random_position_jit,
    reserve_allows_jit,
    sets_last_wait_jit,
    takes_type_jit,
    uses_own_handle_jit,
)
from ccsim.kernels.layout import (
    AF_IDLE_SINCE,
    AI_BUSY,
    AI_CHATS,
    AI_GROUP,
    AI_IDLE,
    AI_LEAVE,
    AI_NEXT,
    AI_PARTIAL,
    AI_PREV,
    ANSWERED,
    CBI_ON,
    CF_HANDLE,
    CF_OFFERED,
    CF_PATIENCE,
    CF_TALK,
    CF_U,
    CF_WAIT,
    CF_WRAP,
    CF_WRAP_IN,
    CI_AGENT,
    CI_CALLER,
    CI_GROUP,
    CI_NEXT,
    CI_OUTCOME,
    CI_PREV,
    CI_TYPE,
    CI_WAITING,
    EV_ABANDON,
    EV_HANG_UP,
    EV_OVERFLOW,
    GI_CHAT_MAX,
    GI_HEAD,
    GI_IDLE,
    GI_RESERVE,
    GI_SKILL_HI,
    GI_SKILL_LO,
    GI_TAIL,
    GK_LOWER,
    GK_OWN,
    GKF_AFTER,
    GKF_FACTOR,
    N_KINDS,
    SK_SKILL_PRIO,
    SK_TYPE,
    SK_TYPE_PRIO,
    T_NOW,
    TI_CHAT,
    TI_HEAD,
    TI_INIT_HI,
    TI_INIT_LO,
    TI_OV_HI,
    TI_OV_LO,
    TI_SELECTION,
    TI_TAIL,
    TI_WAITING,
    W_ANSWER_AGENT,
    W_ANSWER_CALL,
    W_HI,
    W_LO,
    W_OFFER,
    W_OVER,
    W_UNLINK,
    W_WITHDRAW,
    later,
    step,
)
from ccsim.kernels.outbound import offer_callback


@step
def update_partial(a, ai, gi):
    """`ContactCenter._update_partial`: the agent has a free chat slot to offer."""
    chat_max = gi[ai[a, AI_GROUP], GI_CHAT_MAX]
    free_slot = chat_slot_free_jit(ai[a, AI_CHATS], chat_max, ai[a, AI_LEAVE] != 0)
    ai[a, AI_PARTIAL] = 1 if free_slot else 0


@step
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


@step
def _random_agent(u, k, lo, hi, ai, routing):
    """The random rule: a uniform pick (by ``u``) among the groups' idle agents, in
    order. A group may answer with idle agents, and for a lower-priority skill of
    its only with more than its reserve (Router._may_answer)."""
    gi, gk, glist = routing.gi, routing.gk, routing.glist
    pool = 0
    for j in range(lo, hi):
        g = glist[j]
        idle = gi[g, GI_IDLE]
        if idle > 0 and reserve_allows_jit(idle, gi[g, GI_RESERVE], gk[g, k, GK_LOWER] != 0):
            pool += idle
    if pool == 0:
        return -1
    pick = random_position_jit(u, pool)
    for j in range(lo, hi):
        g = glist[j]
        idle = gi[g, GI_IDLE]
        if idle == 0 or not reserve_allows_jit(idle, gi[g, GI_RESERVE], gk[g, k, GK_LOWER] != 0):
            continue
        if pick < idle:
            agent = gi[g, GI_HEAD]
            for _ in range(pick):
                agent = ai[agent, AI_NEXT]
            return agent
        pick -= idle
    return -1


@step
def _longest_idle_agent(k, selection, lo, hi, af, routing):
    """Longest idle (ties: group order), or the first group with one (reserve
    permitting, as `_random_agent`)."""
    gi, gk, glist = routing.gi, routing.gk, routing.glist
    agent = -1
    best_since = 0.0
    for j in range(lo, hi):
        g = glist[j]
        idle = gi[g, GI_IDLE]
        if idle == 0 or not reserve_allows_jit(idle, gi[g, GI_RESERVE], gk[g, k, GK_LOWER] != 0):
            continue
        a = gi[g, GI_HEAD]
        if agent < 0 or idle_before_jit(selection, af[a, AF_IDLE_SINCE], best_since):
            agent = a
            best_since = af[a, AF_IDLE_SINCE]
    return agent


@step
def take_idle_agent(take, lo, hi, run, staff, routing):
    """`Router.take_idle_agent` for call ``take`` among the groups glist[lo:hi]; a
    chat may go to an agent in chats with a slot free (`agent_for`). -1 if none."""
    k = run.ci[take, CI_TYPE]
    selection = routing.ti[k, TI_SELECTION]
    if selection == RANDOM:
        agent = _random_agent(run.cf[take, CF_U], k, lo, hi, staff.ai, routing)
    else:
        agent = _longest_idle_agent(k, selection, lo, hi, staff.af, routing)
    if agent < 0 and routing.ti[k, TI_CHAT]:
        agent = _partial_agent(lo, hi, routing.glist, staff.ai)
    return agent


@step
def _append(rows, x, next_col, prev_col, ends, k, head_col, tail_col):
    """Row x joins the back of list k: a doubly linked list through columns
    ``next_col``/``prev_col`` of ``rows``, its ends in row k of ``ends``."""
    tail = ends[k, tail_col]
    rows[x, next_col] = -1
    rows[x, prev_col] = tail
    if tail >= 0:
        rows[tail, next_col] = x
    else:
        ends[k, head_col] = x
    ends[k, tail_col] = x


@step
def _unlink(rows, x, next_col, prev_col, ends, k, head_col, tail_col):
    """Row x leaves list k (as `_append`), the others keep their order."""
    prev = rows[x, prev_col]
    after = rows[x, next_col]
    if prev >= 0:
        rows[prev, next_col] = after
    else:
        ends[k, head_col] = after
    if after >= 0:
        rows[after, prev_col] = prev
    else:
        ends[k, tail_col] = prev


@step
def _enqueue(run, c, routing):
    """Router.enqueue, then the patience and overflow timers."""
    ci, ti = run.ci, routing.ti
    now = run.tv[T_NOW]
    k = ci[c, CI_TYPE]
    ci[c, CI_WAITING] = 1
    _append(ci, c, CI_NEXT, CI_PREV, ti, k, TI_HEAD, TI_TAIL)
    ti[k, TI_WAITING] += 1
    patience = run.cf[c, CF_PATIENCE]
    if patience != np.inf:
        later(run, now + patience, c * N_KINDS + EV_ABANDON)
    n_steps = max(routing.ov_after.shape[0], 1)
    for j in range(ti[k, TI_OV_LO], ti[k, TI_OV_HI]):
        if not overflow_in_time_jit(routing.ov_after[j], patience):
            break
        later(run, now + routing.ov_after[j], (c * n_steps + j) * N_KINDS + EV_OVERFLOW)


@step
def offer(run, draws, legs, staff, routing):
    """`offer` (a call offered to its groups) or `overflow` (a waiting call reaching
    an overflow step's groups): an idle agent answers; else the caller may take a
    callback; else an offered call waits in its queue."""
    w = run.w
    offered = w[W_OFFER]
    if offered >= 0:
        run.cf[offered, CF_OFFERED] = run.tv[T_NOW]
        take = offered
        k = run.ci[take, CI_TYPE]
        w[W_LO] = routing.ti[k, TI_INIT_LO]
        w[W_HI] = routing.ti[k, TI_INIT_HI]
    else:
        take = w[W_OVER]
        k = run.ci[take, CI_TYPE]
    agent = take_idle_agent(take, w[W_LO], w[W_HI], run, staff, routing)
    if agent >= 0:
        w[W_WITHDRAW] = agent
        w[W_ANSWER_CALL] = take
        w[W_ANSWER_AGENT] = agent
        if w[W_OVER] >= 0:
            w[W_UNLINK] = w[W_OVER]
        return
    if offered < 0:
        return
    if (
        routing.cbi[k, CBI_ON]
        and is_live_jit(legs.leg_kind[offered])
        and offer_callback(run, offered, k, draws, legs, routing)
    ):
        return
    _enqueue(run, offered, routing)


@step
def withdraw_agent(a, ai, gi):
    """Router.withdraw_agent: agent a leaves its group's idle pool."""
    g = ai[a, AI_GROUP]
    ai[a, AI_IDLE] = 0
    _unlink(ai, a, AI_NEXT, AI_PREV, gi, g, GI_HEAD, GI_TAIL)
    gi[g, GI_IDLE] -= 1


@step
def release_agent(a, g, now, staff, gi):
    """Router.release_agent: idle from now, at the back of the group's pool."""
    staff.af[a, AF_IDLE_SINCE] = now
    staff.ai[a, AI_IDLE] = 1
    _append(staff.ai, a, AI_NEXT, AI_PREV, gi, g, GI_HEAD, GI_TAIL)
    gi[g, GI_IDLE] += 1


@step
def next_call(g, chat_next, run, routing):
    """Router.next_call: among the heads of the group's skills' queues, the best
    call-type priority, then skill priority, then the longest wait; a head not yet
    eligible for the group (overflow) is skipped. Its call type, or -1."""
    ti, gi, skills, gk, gkf = routing.ti, routing.gi, routing.skills, routing.gk, routing.gkf
    now = run.tv[T_NOW]
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
        head_offered = run.cf[ti[t, TI_HEAD], CF_OFFERED]
        if not has_overflowed_jit(now, head_offered, gkf[g, t, GKF_AFTER]):
            continue
        tp = skills[e, SK_TYPE_PRIO]
        sp = skills[e, SK_SKILL_PRIO]
        if best < 0 or call_before_jit(tp, sp, head_offered, best_tp, best_sp, best_offered):
            best = t
            best_tp = tp
            best_sp = sp
            best_offered = head_offered
    return best


@step
def remove_waiting(c, run, ti):
    """Router.remove_waiting: call c leaves its queue."""
    ci = run.ci
    k = ci[c, CI_TYPE]
    ci[c, CI_WAITING] = 0
    _unlink(ci, c, CI_NEXT, CI_PREV, ti, k, TI_HEAD, TI_TAIL)
    ti[k, TI_WAITING] -= 1


@step
def answer(run, draws, legs, staff, routing):
    """`ContactCenter.answer`: talk (the group's own handle time or the call's,
    factored; a chat's by the agent's chats at once), then hang up."""
    cf, ci, ai = run.cf, run.ci, staff.ai
    c = run.w[W_ANSWER_CALL]
    a = run.w[W_ANSWER_AGENT]
    now = run.tv[T_NOW]
    g = ai[a, AI_GROUP]
    k = ci[c, CI_TYPE]
    ci[c, CI_OUTCOME] = ANSWERED
    cf[c, CF_WAIT] = now - cf[c, CF_OFFERED]
    ci[c, CI_GROUP] = g
    own = routing.gk[g, k, GK_OWN]
    if uses_own_handle_jit(own >= 0, legs.leg_kind[c]):  # drawn per caller
        talk_time = draws.own_handle[own, ci[c, CI_CALLER]]
    else:
        talk_time = cf[c, CF_HANDLE] * routing.gkf[g, k, GKF_FACTOR]
    if routing.ti[k, TI_CHAT]:  # the agent's j-th chat at once takes its factor
        ai[a, AI_CHATS] += 1
        talk_time *= routing.chat_factors[g, ai[a, AI_CHATS] - 1]
        update_partial(a, ai, routing.gi)
    cf[c, CF_TALK] = talk_time
    cf[c, CF_WRAP] = cf[c, CF_WRAP_IN]
    if sets_last_wait_jit(legs.leg_kind[c]):
        run.last_wait[k] = cf[c, CF_WAIT]
    ai[a, AI_BUSY] = 1
    ci[c, CI_AGENT] = a
    later(run, now + talk_time, c * N_KINDS + EV_HANG_UP)


decisions.key_engine_caches(globals())
