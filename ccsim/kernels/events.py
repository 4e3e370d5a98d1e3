"""The compiled engine's events: what each one, when it fires, sets the step to do.

`on_event` is the callback SimPy runs when a timeout fires (`ccsim.models.center`:
``hang_up``, ``abandon``, ``leave_ivr``, ``overflow``, the redial, the agent's
process resuming, a campaign opening); the step's blocks then run
(`ccsim.kernels.steps.run_blocks`).
"""

from __future__ import annotations

from numba import njit

from ccsim.kernels.agent_day import (  # shared with the SimPy model
    schedule,
)
from ccsim.kernels.decisions import (
    RETRIAL,
    TRANSFER,
    dial_allows_jit,
    draw_says_yes_jit,
    is_live_jit,
    key_engine_caches,
)
from ccsim.kernels.features import campaign_for
from ccsim.kernels.state import (
    ABANDONED,
    CAMP_START,
    CAMP_THRESHOLD,
    CF_HANDLE,
    CF_IVR_TIME,
    CF_OFFERED,
    CF_WAIT,
    CF_WRAP,
    CF_WRAP_IN,
    CI_AGENT,
    CI_ATTEMPT,
    CI_CALLER,
    CI_HOLDS_LINE,
    CI_IVR_EXIT,
    CI_OUTCOME,
    CI_TYPE,
    CI_VIA_IVR,
    CI_WAITING,
    EV_ABANDON,
    EV_AGENT,
    EV_AGENT_FREE,
    EV_CAMPAIGN,
    EV_HANG_UP,
    EV_OVERFLOW,
    EV_REDIAL,
    F_NOW,
    GI_HEAD,
    GI_IDLE,
    N_KINDS,
    OV_HI,
    OV_LO,
    S_AGENT_RUN,
    S_CALL,
    S_DIAL_AGENT,
    S_DIAL_CAMP,
    S_FAILED,
    S_FREE,
    S_HI,
    S_LO,
    S_OFFER,
    S_OVER,
    S_TRANSFERRED,
    S_UNLINK,
    S_WITHDRAW,
    V_CAMP_J,
    V_CAMP_OPEN,
    V_CAMP_STARTING,
)
from ccsim.kernels.steps import new_leg, release_line, take_row

# What `next_step` found: a step to run, a step with no blocks, or the end.
RUN_STEP, SKIP_STEP, DONE = 0, 1, 2


@njit(cache=True)
def campaign_starts(r, outbound):
    """A campaign's process starts: it waits for the campaign's start, or opens now."""
    v = r.v
    c = v[V_CAMP_STARTING]
    v[V_CAMP_STARTING] += 1
    now = r.f[F_NOW]
    if outbound.camp_f[c, CAMP_START] > now:
        schedule(r, now + (outbound.camp_f[c, CAMP_START] - now), c * N_KINDS + EV_CAMPAIGN)
    else:
        v[V_CAMP_OPEN] = c
        v[V_CAMP_J] = outbound.cg_off[c]


@njit(cache=True)
def campaign_opens(r, groups, outbound):
    """`ContactCenter.campaign_opens`: the next idle agent of the campaign's groups
    dials while more than its threshold of them are idle, one agent a step."""
    v = r.v
    gi = groups.gi
    c = v[V_CAMP_OPEN]
    while v[V_CAMP_J] < outbound.cg_off[c + 1]:
        g = outbound.cgroups[v[V_CAMP_J]]
        cc = campaign_for(g, r.f[F_NOW], outbound, r.dialed)
        others = gi[g, GI_IDLE] - 1  # the dialing agent is one of the idle ones
        if dial_allows_jit(others, outbound.camp_i[c, CAMP_THRESHOLD]) and cc >= 0 and others >= 0:
            r.s[S_DIAL_AGENT] = gi[g, GI_HEAD]
            r.s[S_DIAL_CAMP] = cc
            r.s[S_WITHDRAW] = gi[g, GI_HEAD]
            return RUN_STEP
        v[V_CAMP_J] += 1
    v[V_CAMP_OPEN] = -1
    return SKIP_STEP


@njit(cache=True)
def on_event(r, kind, x, callers, types, outbound, obs):
    """An event fires (its payload ``x``): what the step must do."""
    s = r.s
    ci = r.ci
    if kind == EV_HANG_UP:
        hang_up(r, x, callers, types, obs)
    elif kind == EV_ABANDON:
        if ci[x, CI_WAITING]:  # else answered before its patience ran out
            s[S_UNLINK] = x
            ci[x, CI_OUTCOME] = ABANDONED
            r.cf[x, CF_WAIT] = r.f[F_NOW] - r.cf[x, CF_OFFERED]
            release_line(r, x)
            s[S_FAILED] = x
    elif kind == EV_AGENT_FREE:
        s[S_FREE] = x
    elif kind == EV_AGENT:
        s[S_AGENT_RUN] = x
    elif kind == EV_CAMPAIGN:
        r.v[V_CAMP_OPEN] = x
        r.v[V_CAMP_J] = outbound.cg_off[x]
        return SKIP_STEP
    elif kind == EV_REDIAL:
        s[S_CALL] = redial(r, x, callers, obs)
    elif kind == EV_OVERFLOW:
        n_steps = max(types.ov_after.shape[0], 1)
        c = x // n_steps
        if ci[c, CI_WAITING]:
            s[S_OVER] = c
            s[S_LO] = types.ovi[x % n_steps, OV_LO]
            s[S_HI] = types.ovi[x % n_steps, OV_HI]
    elif ci[x, CI_IVR_EXIT] >= 0:  # EV_LEAVE_IVR: self-served or hung up there
        ci[x, CI_OUTCOME] = ci[x, CI_IVR_EXIT]
        release_line(r, x)
    else:  # EV_LEAVE_IVR, on to the queue
        s[S_OFFER] = x
    return RUN_STEP


@njit(cache=True)
def hang_up(r, x, callers, types, obs):
    """`ContactCenter.hang_up`: end of talk; `maybe_transfer` (a new leg on the same
    line, offered now; the agent's after-call work after it), else the line is
    freed and the after-call work starts."""
    now = r.f[F_NOW]
    k = r.ci[x, CI_TYPE]
    caller = r.ci[x, CI_CALLER]
    to = types.transfer_to[k]
    if (
        to >= 0
        and is_live_jit(obs.leg_kind[x])
        and draw_says_yes_jit(callers.transfer_u[caller], types.transfer_prob[k])
    ):
        c = take_row(r)
        new_leg(r, c, caller, to, callers.transfer_patience[caller])
        r.cf[c, CF_HANDLE] = callers.transfer_handle[caller]
        r.cf[c, CF_WRAP_IN] = callers.transfer_wrap[caller]
        obs.leg_arrival[c] = now
        obs.leg_type[c] = to
        obs.leg_caller[c] = caller
        obs.leg_kind[c] = TRANSFER
        r.ci[c, CI_HOLDS_LINE] = r.ci[x, CI_HOLDS_LINE]  # the caller's line goes with it
        r.ci[x, CI_HOLDS_LINE] = 0
        r.s[S_OFFER] = c
        r.s[S_TRANSFERRED] = x  # its agent's after-call work, once the leg is offered
        return
    release_line(r, x)
    wrap_time = r.cf[x, CF_WRAP]
    if wrap_time > 0.0:
        schedule(r, now + wrap_time, r.ci[x, CI_AGENT] * N_KINDS + EV_AGENT_FREE)
    else:
        r.s[S_FREE] = r.ci[x, CI_AGENT]


@njit(cache=True)
def redial(r, x, callers, obs):
    """`maybe_redial`'s redial: a new leg (`Legs.add`) of leg x's caller, arriving
    now the way the first call came; returns its row."""
    c = take_row(r)
    caller = r.ci[x, CI_CALLER]
    attempt = r.ci[x, CI_ATTEMPT]
    k = r.ci[caller, CI_TYPE]
    new_leg(r, c, caller, k, callers.retry_patience[caller, attempt])
    r.cf[c, CF_IVR_TIME] = r.cf[caller, CF_IVR_TIME]  # it comes back the same way
    r.ci[c, CI_VIA_IVR] = r.ci[caller, CI_VIA_IVR]
    r.ci[c, CI_IVR_EXIT] = r.ci[caller, CI_IVR_EXIT]
    r.ci[c, CI_ATTEMPT] = attempt + 1
    obs.leg_arrival[c] = r.f[F_NOW]
    obs.leg_type[c] = k
    obs.leg_caller[c] = caller
    obs.leg_kind[c] = RETRIAL
    obs.leg_attempt[c] = attempt + 1
    obs.leg_via_ivr[c] = r.ci[caller, CI_VIA_IVR]
    obs.leg_ivr_time[c] = r.cf[caller, CF_IVR_TIME]
    return c


key_engine_caches(globals())
