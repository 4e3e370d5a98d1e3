"""The agents' steps in the compiled engine: a plan's day goes on, an agent is free
or made available and takes its next work (`ccsim.models.center`: `agent_free`,
`make_available`, `next_work`, `next_call_or_idle`)."""

from __future__ import annotations

from ccsim.kernels import decisions
from ccsim.kernels.layout import (
    AF_FLOOR_SINCE,
    AF_FREE_AT,
    AI_BUSY,
    AI_CHATS,
    AI_GROUP,
    AI_LEAVE,
    AI_ON_FLOOR,
    EV_AGENT,
    GI_ON_FLOOR,
    N_KINDS,
    S_CONT,
    S_N_CB,
    T_NOW,
    TI_HEAD,
    W_AGENT_RUN,
    W_ANSWER_AGENT,
    W_ANSWER_CALL,
    W_AVAIL,
    W_CALLBACK,
    W_CB_AGENT,
    W_CHAT_NEXT,
    W_DIAL_AGENT,
    W_DIAL_CAMP,
    W_FREE,
    W_READY,
    W_UNLINK,
    W_WITHDRAW,
    WANT_AVAILABLE,
    WANT_WITHDRAW,
    later,
    step,
)
from ccsim.kernels.outbound import campaign_for, may_dial, next_callback
from ccsim.kernels.router import next_call, release_agent, update_partial
from ccsim.kernels.staffing import agent_day, ghost_leaves, relieve_ghost


@step
def run_agent(run, cut, staff, times, gi, day):
    """A plan's day goes on (w[W_AGENT_RUN]: the plan)."""
    p = run.w[W_AGENT_RUN]
    want = agent_day(p, run, staff, times, gi, cut, day)
    if want & WANT_WITHDRAW:
        run.w[W_WITHDRAW] = cut.holder[p]
    if want & WANT_AVAILABLE:
        run.w[W_AVAIL] = cut.holder[p]
        run.sv[S_CONT] = p


@step
def agent_ready(run, cut, staff, gi):
    """An agent ends a chat (`chat_done`), a call (`agent_free`: a break, absence or
    log-out that waits for it resumes), or is made available (`make_available`):
    w[W_READY] it takes the next work (only a chat, W_CHAT_NEXT, if chats go on).
    By count, a ghost waiting to leave: the ready agent leaves in its place."""
    ai, af, w = staff.ai, staff.af, run.w
    now = run.tv[T_NOW]
    free = w[W_FREE]
    avail = w[W_AVAIL]
    if free >= 0 and ai[free, AI_CHATS] > 0:  # chat_done
        ai[free, AI_CHATS] -= 1
        if ai[free, AI_CHATS] > 0:
            if ai[free, AI_LEAVE]:
                update_partial(free, ai, gi)
            else:
                w[W_READY] = free
                w[W_CHAT_NEXT] = 1
            free = -1
        else:
            update_partial(free, ai, gi)
    if free >= 0:  # agent_free
        ai[free, AI_BUSY] = 0
        af[free, AF_FREE_AT] = now
        if ai[free, AI_LEAVE]:
            ai[free, AI_LEAVE] = 0
            ghost_leaves(cut.ghost, cut.n_ghosts, free, ai[free, AI_GROUP])
            later(run, now, cut.plan_of[free] * N_KINDS + EV_AGENT)
        else:
            w[W_READY] = free
    elif avail >= 0:  # make_available
        ai[avail, AI_ON_FLOOR] = 1
        gi[ai[avail, AI_GROUP], GI_ON_FLOOR] += 1
        af[avail, AF_FLOOR_SINCE] = now
        w[W_READY] = avail
    ready = w[W_READY]
    if ready >= 0 and not w[W_CHAT_NEXT] and cut.n_ghosts[ai[ready, AI_GROUP]] > 0:
        stayer = relieve_ghost(
            cut.holder, cut.plan_of, cut.ghost, cut.n_ghosts, ai[:, AI_GROUP], ready
        )
        if stayer >= 0:
            ai[stayer, AI_LEAVE] = 0
            update_partial(stayer, ai, gi)  # back to taking chats
            later(run, now, cut.plan_of[ready] * N_KINDS + EV_AGENT)
            w[W_READY] = -1


@step
def next_work(run, staff, routing, outbound):
    """`next_work` of the ready agent: an overdue callback first; else
    `next_call_or_idle`: the next call, else a callback, else a dial, else idle."""
    ai, w = staff.ai, run.w
    ready = w[W_READY]
    chat_next = w[W_CHAT_NEXT] != 0
    g = ai[ready, AI_GROUP]
    if not chat_next and run.sv[S_N_CB] > 0:
        w[W_CALLBACK] = next_callback(run, g, True, routing)
        if w[W_CALLBACK] >= 0:
            w[W_CB_AGENT] = ready
            return
    best = next_call(g, chat_next, run, routing)
    if best < 0 and chat_next:  # no chat to take: it stays in its chats
        update_partial(ready, ai, routing.gi)
    elif best < 0 and run.sv[S_N_CB] > 0:  # no live call: a callback
        w[W_CALLBACK] = next_callback(run, g, False, routing)
        w[W_CB_AGENT] = ready
    now = run.tv[T_NOW]
    if best >= 0:
        w[W_UNLINK] = routing.ti[best, TI_HEAD]
        w[W_ANSWER_CALL] = w[W_UNLINK]
        w[W_ANSWER_AGENT] = ready
    elif w[W_CALLBACK] >= 0 or chat_next:
        pass
    elif outbound.gc_off[g + 1] > outbound.gc_off[g] and may_dial(
        g, now, routing.gi, outbound, run.dialed
    ):  # try_outbound: no call to take, so it dials
        w[W_DIAL_AGENT] = ready
        w[W_DIAL_CAMP] = campaign_for(g, now, outbound, run.dialed)
    else:
        release_agent(ready, g, now, staff, routing.gi)


decisions.key_engine_caches(globals())
