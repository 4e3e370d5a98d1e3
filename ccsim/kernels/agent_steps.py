"""The compiled engine's steps on the agent's side: an agent leaves its idle pool,
becomes free, takes the next work (the best waiting call, a callback, a dial) or
joins its idle pool; a call leaves its queue and is answered.

Each is `ccsim.models.center`'s (or `ccsim.models.routing`'s) step of the same
name over the engine's arrays; the rules they apply are `ccsim.kernels.decisions`'.
"""

from __future__ import annotations

from numba import njit

from ccsim.kernels.agent_day import ghost_leaves, relieve_ghost, schedule
from ccsim.kernels.decisions import (
    call_before_jit,
    has_overflowed_jit,
    key_engine_caches,
    reserve_allows_jit,
    sets_last_wait_jit,
    takes_type_jit,
    uses_own_handle_jit,
)
from ccsim.kernels.features import (
    campaign_for,
    may_dial,
    next_callback,
    update_partial,
)
from ccsim.kernels.state import (
    AF_FLOOR_SINCE,
    AF_FREE_AT,
    AF_IDLE_SINCE,
    AI_BUSY,
    AI_CHATS,
    AI_GROUP,
    AI_IDLE,
    AI_LEAVE,
    AI_NEXT,
    AI_ON_FLOOR,
    AI_PREV,
    ANSWERED,
    CF_HANDLE,
    CF_OFFERED,
    CF_TALK,
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
    EV_AGENT,
    EV_HANG_UP,
    F_NOW,
    GI_HEAD,
    GI_IDLE,
    GI_ON_FLOOR,
    GI_RESERVE,
    GI_SKILL_HI,
    GI_SKILL_LO,
    GI_TAIL,
    GK_LOWER,
    GK_OWN,
    GKF_AFTER,
    GKF_FACTOR,
    N_KINDS,
    S_ANSWER_AGENT,
    S_ANSWER_CALL,
    S_AVAIL,
    S_CALLBACK,
    S_CB_AGENT,
    S_CHAT_NEXT,
    S_DIAL_AGENT,
    S_DIAL_CAMP,
    S_FREE,
    S_READY,
    S_UNLINK,
    SK_SKILL_PRIO,
    SK_TYPE,
    SK_TYPE_PRIO,
    TI_CHAT,
    TI_HEAD,
    TI_TAIL,
    TI_WAITING,
    V_N_CB,
)


@njit(cache=True)
def withdraw(a, gi, ai):
    """Router.withdraw_agent: the idle agent leaves its group's idle pool."""
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


@njit(cache=True)
def agent_free(r, types, groups, roster):
    """`chat_done`, `agent_free` or `make_available`: who is ready for the next work
    (``S_READY``; ``S_CHAT_NEXT``: only another chat), after a ghost it relieves
    (`relieve_ghost`) and an overdue callback it makes (`Router.next_work`)."""
    s = r.s
    ai = roster.ai
    now = r.f[F_NOW]
    free = s[S_FREE]
    if free >= 0 and ai[free, AI_CHATS] > 0:  # chat_done
        ai[free, AI_CHATS] -= 1
        if ai[free, AI_CHATS] > 0:
            if ai[free, AI_LEAVE]:
                update_partial(free, ai, groups.gi)
            else:
                s[S_READY] = free
                s[S_CHAT_NEXT] = 1
            free = -1
        else:
            update_partial(free, ai, groups.gi)
    if free >= 0:  # agent_free
        ai[free, AI_BUSY] = 0
        roster.af[free, AF_FREE_AT] = now
        if ai[free, AI_LEAVE]:  # a break, absence or log-out waits: resume it
            ai[free, AI_LEAVE] = 0
            ghost_leaves(r.ghost, r.n_ghosts, free, ai[free, AI_GROUP])
            schedule(r, now, r.plan_of[free] * N_KINDS + EV_AGENT)
        else:
            s[S_READY] = free
    elif s[S_AVAIL] >= 0:  # make_available
        a = s[S_AVAIL]
        ai[a, AI_ON_FLOOR] = 1
        groups.gi[ai[a, AI_GROUP], GI_ON_FLOOR] += 1
        roster.af[a, AF_FLOOR_SINCE] = now
        s[S_READY] = a
    ready = s[S_READY]
    if ready < 0 or s[S_CHAT_NEXT]:
        return
    if r.n_ghosts[ai[ready, AI_GROUP]] > 0:  # by count: it leaves in a ghost's place
        stayer = relieve_ghost(r.holder, r.plan_of, r.ghost, r.n_ghosts, ai[:, AI_GROUP], ready)
        if stayer >= 0:
            ai[stayer, AI_LEAVE] = 0
            update_partial(stayer, ai, groups.gi)  # back to taking chats
            schedule(r, now, r.plan_of[ready] * N_KINDS + EV_AGENT)
            s[S_READY] = -1
            return
    if r.v[V_N_CB] > 0:  # next_work: overdue callbacks first
        s[S_CALLBACK] = next_callback(r, ai[ready, AI_GROUP], True, types, groups)
        if s[S_CALLBACK] >= 0:
            s[S_CB_AGENT] = ready
            s[S_READY] = -1


@njit(cache=True)
def best_call(r, g, chat_next, types, groups):
    """Router.next_call's choice: among the heads of the group's skills' queues
    (`call_before`), or -1; a head not yet eligible for the group (overflow) or
    held back by its reserve is skipped."""
    ti = types.ti
    gi = groups.gi
    skills = groups.skills
    now = r.f[F_NOW]
    best = -1
    best_tp = 0
    best_sp = 0
    best_offered = 0.0
    idle = gi[g, GI_IDLE] + 1  # with the agent who would answer
    for e in range(gi[g, GI_SKILL_LO], gi[g, GI_SKILL_HI]):
        t = skills[e, SK_TYPE]
        if ti[t, TI_WAITING] == 0 or not takes_type_jit(chat_next, ti[t, TI_CHAT] != 0):
            continue
        if not reserve_allows_jit(idle, gi[g, GI_RESERVE], groups.gk[g, t, GK_LOWER] != 0):
            continue
        head_offered = r.cf[ti[t, TI_HEAD], CF_OFFERED]
        if not has_overflowed_jit(now, head_offered, groups.gkf[g, t, GKF_AFTER]):
            continue
        tp = skills[e, SK_TYPE_PRIO]
        sp = skills[e, SK_SKILL_PRIO]
        if best < 0 or call_before_jit(tp, sp, head_offered, best_tp, best_sp, best_offered):
            best = t
            best_tp = tp
            best_sp = sp
            best_offered = head_offered
    return best


@njit(cache=True)
def next_call_or_idle(r, types, groups, roster, outbound):
    """`ContactCenter.next_call_or_idle`: the ready agent takes the best waiting
    call, else a callback, else (blended) dials, else joins its idle pool."""
    s = r.s
    ready = s[S_READY]
    chat_next = s[S_CHAT_NEXT] != 0
    g = roster.ai[ready, AI_GROUP]
    best = best_call(r, g, chat_next, types, groups)
    if best >= 0:
        s[S_UNLINK] = types.ti[best, TI_HEAD]
        s[S_ANSWER_CALL] = s[S_UNLINK]
        s[S_ANSWER_AGENT] = ready
    elif chat_next:  # no chat to take: it stays in its chats
        update_partial(ready, roster.ai, groups.gi)
    elif r.v[V_N_CB] > 0 and next_callback_into(r, g, ready, types, groups):
        pass  # no live call: a callback
    elif outbound.gc_off[g + 1] > outbound.gc_off[g] and may_dial(
        g, r.f[F_NOW], groups.gi, outbound, r.dialed
    ):  # try_outbound: no call to take, so it dials
        s[S_DIAL_AGENT] = ready
        s[S_DIAL_CAMP] = campaign_for(g, r.f[F_NOW], outbound, r.dialed)
    else:
        release(r, ready, g, groups.gi, roster)


@njit(cache=True)
def next_callback_into(r, g, ready, types, groups):
    """The oldest callback the ready agent may make, into ``S_CALLBACK``; False if none."""
    r.s[S_CALLBACK] = next_callback(r, g, False, types, groups)
    r.s[S_CB_AGENT] = ready
    return r.s[S_CALLBACK] >= 0


@njit(cache=True)
def release(r, a, g, gi, roster):
    """Router.release_agent: idle from now, at the back of the group's pool."""
    ai = roster.ai
    tail = gi[g, GI_TAIL]
    roster.af[a, AF_IDLE_SINCE] = r.f[F_NOW]
    ai[a, AI_IDLE] = 1
    ai[a, AI_NEXT] = -1
    ai[a, AI_PREV] = tail
    if tail >= 0:
        ai[tail, AI_NEXT] = a
    else:
        gi[g, GI_HEAD] = a
    gi[g, GI_TAIL] = a
    gi[g, GI_IDLE] += 1


@njit(cache=True)
def unlink(r, c, ti):
    """Router.remove_waiting: the call leaves its queue."""
    ci = r.ci
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


@njit(cache=True)
def answer(r, c, a, types, groups, roster, obs):
    """`ContactCenter.answer`: talk (the group's own or factored; a chat's factor
    for the agent's chats at once), then hang up."""
    cf = r.cf
    ci = r.ci
    ai = roster.ai
    now = r.f[F_NOW]
    g = ai[a, AI_GROUP]
    k = ci[c, CI_TYPE]
    ci[c, CI_OUTCOME] = ANSWERED
    cf[c, CF_WAIT] = now - cf[c, CF_OFFERED]
    ci[c, CI_GROUP] = g
    own = groups.gk[g, k, GK_OWN]
    if uses_own_handle_jit(own >= 0, obs.leg_kind[c]):  # drawn per caller
        talk_time = groups.own_handle[own, ci[c, CI_CALLER]]
    else:
        talk_time = cf[c, CF_HANDLE] * groups.gkf[g, k, GKF_FACTOR]
    if types.ti[k, TI_CHAT]:  # the agent's j-th chat at once takes its factor
        ai[a, AI_CHATS] += 1
        talk_time *= groups.chat_factors[g, ai[a, AI_CHATS] - 1]
        update_partial(a, ai, groups.gi)
    cf[c, CF_TALK] = talk_time
    cf[c, CF_WRAP] = cf[c, CF_WRAP_IN]
    if sets_last_wait_jit(obs.leg_kind[c]):
        r.last_wait[k] = cf[c, CF_WAIT]
    ai[a, AI_BUSY] = 1
    ci[c, CI_AGENT] = a
    schedule(r, now + talk_time, c * N_KINDS + EV_HANG_UP)


key_engine_caches(globals())
