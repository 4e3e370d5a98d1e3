"""The legs' steps in the compiled engine: a call arrives (trunks, IVR), waits out
its patience, ends (a transfer, or the after-call work), and its caller redials
(`ccsim.models.center`: `arrive`, `abandon`, `hang_up`, `maybe_transfer`,
`maybe_redial`; `ccsim.models.legs.Legs.add`).

Each step reads the event's leg and writes what comes next into ``run.w`` (the
blocks of `ccsim.kernels.engine.simulate`).
"""

from __future__ import annotations

import numpy as np

from ccsim.kernels import decisions
from ccsim.kernels.decisions import (
    RETRIAL,
    TRANSFER,
    draw_says_yes_jit,
    is_live_jit,
    line_free_jit,
    may_redial_jit,
    outage_in_force_jit,
)
from ccsim.kernels.layout import (
    ABANDONED,
    BLOCKED,
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
    EV_AGENT_FREE,
    EV_LEAVE_IVR,
    EV_REDIAL,
    N_KINDS,
    S_LINES,
    S_N_LEGS,
    T_NOW,
    TI_CHAT,
    W_BLOCKED,
    W_CALL,
    W_FAILED,
    W_FREE,
    W_OFFER,
    W_TRANSFERRED,
    W_UNLINK,
    later,
    step,
)


@step
def _nothing_yet(cf, ci, c, caller):
    """Row c, a leg of ``caller``: nothing observed, in no queue, no agent."""
    cf[c, CF_OFFERED] = np.nan
    cf[c, CF_WAIT] = np.nan
    cf[c, CF_TALK] = 0.0
    cf[c, CF_WRAP] = 0.0
    ci[c, CI_OUTCOME] = -1
    ci[c, CI_GROUP] = -1
    ci[c, CI_WAITING] = 0
    ci[c, CI_NEXT] = -1
    ci[c, CI_PREV] = -1
    ci[c, CI_AGENT] = -1
    ci[c, CI_CALLER] = caller
    ci[c, CI_ATTEMPT] = 0
    ci[c, CI_HOLDS_LINE] = 0


@step
def new_leg(cf, ci, c, caller, k, patience):
    """Row c: a new leg of ``caller`` for call type k (`ccsim.models.legs.Legs.add`):
    the first call's handle and wrap-up times and routing number, nothing observed."""
    _nothing_yet(cf, ci, c, caller)
    cf[c, CF_IVR_TIME] = 0.0
    cf[c, CF_PATIENCE] = patience
    cf[c, CF_U] = cf[caller, CF_U]
    cf[c, CF_HANDLE] = cf[caller, CF_HANDLE]
    cf[c, CF_WRAP_IN] = cf[caller, CF_WRAP_IN]
    ci[c, CI_TYPE] = k
    ci[c, CI_VIA_IVR] = 0
    ci[c, CI_IVR_EXIT] = -1


@step
def first_calls(run, draws):
    """Rows 0 .. calls - 1: the callers' first calls, as drawn."""
    cf, ci = run.cf, run.ci
    for c in range(draws.arrival.shape[0]):
        _nothing_yet(cf, ci, c, c)
        cf[c, CF_IVR_TIME] = draws.ivr_time[c]
        cf[c, CF_PATIENCE] = draws.patience[c]
        cf[c, CF_U] = draws.route_u[c]
        cf[c, CF_HANDLE] = draws.handle[c]
        cf[c, CF_WRAP_IN] = draws.wrap_up[c]
        ci[c, CI_TYPE] = draws.call_type[c]
        ci[c, CI_VIA_IVR] = draws.via_ivr[c]
        ci[c, CI_IVR_EXIT] = draws.ivr_exit[c]


@step
def release_line(run, c):
    """`ContactCenter.release_line`: the leg's phone line, if it holds one, is free."""
    if run.ci[c, CI_HOLDS_LINE]:
        run.ci[c, CI_HOLDS_LINE] = 0
        run.sv[S_LINES] -= 1


@step
def _transfer(run, x, draws, legs, routing):
    """`maybe_transfer`: a new leg on the same line, offered now (`Legs.add`)."""
    cf, ci = run.cf, run.ci
    k = ci[x, CI_TYPE]
    caller = ci[x, CI_CALLER]
    c = run.sv[S_N_LEGS]
    if c >= legs.offered.shape[0]:
        raise RuntimeError("no room for a transfer: leg capacity too small")
    run.sv[S_N_LEGS] = c + 1
    to = routing.transfer_to[k]
    new_leg(cf, ci, c, caller, to, draws.transfer_patience[caller])
    cf[c, CF_HANDLE] = draws.transfer_handle[caller]
    cf[c, CF_WRAP_IN] = draws.transfer_wrap[caller]
    legs.leg_arrival[c] = run.tv[T_NOW]
    legs.leg_type[c] = to
    legs.leg_caller[c] = caller
    legs.leg_kind[c] = TRANSFER
    ci[c, CI_HOLDS_LINE] = ci[x, CI_HOLDS_LINE]  # the caller's line, if any
    ci[x, CI_HOLDS_LINE] = 0
    run.w[W_OFFER] = c
    run.w[W_TRANSFERRED] = x  # its agent's after-call work, once the leg is offered


@step
def hang_up(run, x, draws, legs, routing):
    """End of leg x's talk: maybe a transfer; the after-call work starts."""
    k = run.ci[x, CI_TYPE]
    caller = run.ci[x, CI_CALLER]
    if (
        routing.transfer_to[k] >= 0
        and is_live_jit(legs.leg_kind[x])
        and draw_says_yes_jit(draws.transfer_u[caller], routing.transfer_prob[k])
    ):
        _transfer(run, x, draws, legs, routing)
        return
    release_line(run, x)
    wrap_time = run.cf[x, CF_WRAP]
    if wrap_time > 0.0:
        later(run, run.tv[T_NOW] + wrap_time, run.ci[x, CI_AGENT] * N_KINDS + EV_AGENT_FREE)
    else:
        run.w[W_FREE] = run.ci[x, CI_AGENT]


@step
def abandon(run, x):
    """Leg x's patience ran out: it hangs up if still waiting (else it was answered)."""
    if run.ci[x, CI_WAITING]:
        run.w[W_UNLINK] = x
        run.ci[x, CI_OUTCOME] = ABANDONED
        run.cf[x, CF_WAIT] = run.tv[T_NOW] - run.cf[x, CF_OFFERED]
        release_line(run, x)
        run.w[W_FAILED] = x


@step
def redial(run, x, draws, legs):
    """`maybe_redial`'s redial of leg x's caller: a new leg (`Legs.add`), arriving."""
    cf, ci = run.cf, run.ci
    c = run.sv[S_N_LEGS]
    if c >= legs.offered.shape[0]:
        raise RuntimeError("no room for a redial: leg capacity too small")
    run.sv[S_N_LEGS] = c + 1
    caller = ci[x, CI_CALLER]
    attempt = ci[x, CI_ATTEMPT]
    new_leg(cf, ci, c, caller, ci[caller, CI_TYPE], draws.retry_patience[caller, attempt])
    cf[c, CF_IVR_TIME] = cf[caller, CF_IVR_TIME]  # it comes back the same way
    ci[c, CI_VIA_IVR] = ci[caller, CI_VIA_IVR]
    ci[c, CI_IVR_EXIT] = ci[caller, CI_IVR_EXIT]
    ci[c, CI_ATTEMPT] = attempt + 1
    legs.leg_arrival[c] = run.tv[T_NOW]
    legs.leg_type[c] = ci[caller, CI_TYPE]
    legs.leg_caller[c] = caller
    legs.leg_kind[c] = RETRIAL
    legs.leg_attempt[c] = attempt + 1
    legs.leg_via_ivr[c] = ci[caller, CI_VIA_IVR]
    legs.leg_ivr_time[c] = cf[caller, CF_IVR_TIME]
    run.w[W_CALL] = c


@step
def leave_ivr(run, x):
    """Leg x leaves the IVR: self-served or hung up there, or on to the queue."""
    if run.ci[x, CI_IVR_EXIT] >= 0:
        run.ci[x, CI_OUTCOME] = run.ci[x, CI_IVR_EXIT]
        run.ci[x, CI_HOLDS_LINE] = 0  # release_line
        run.sv[S_LINES] -= 1
    else:
        run.w[W_OFFER] = x


@step
def arrive(run, ti, day):
    """`ContactCenter.arrive`: the trunk check (`lines_now`), then the IVR or the
    queue; a chat uses no phone line."""
    call = run.w[W_CALL]
    if _is_chat(run, call, ti):
        run.w[W_OFFER] = call
        return
    now = run.tv[T_NOW]
    capacity = day.trunks
    outages = day.outages
    for o in range(outages.shape[0]):
        if outage_in_force_jit(now, outages[o, 0], outages[o, 1]):
            capacity = min(capacity, outages[o, 2])
    if not line_free_jit(run.sv[S_LINES], capacity):
        run.ci[call, CI_OUTCOME] = BLOCKED
        run.w[W_FAILED] = call
        run.w[W_BLOCKED] = 1
        return
    run.sv[S_LINES] += 1
    run.ci[call, CI_HOLDS_LINE] = 1
    if run.ci[call, CI_VIA_IVR]:
        later(run, now + run.cf[call, CF_IVR_TIME], call * N_KINDS + EV_LEAVE_IVR)
    else:
        run.w[W_OFFER] = call


@step
def _is_chat(run, call, ti):
    """The call is a chat (a type that uses no phone line)."""
    k = run.ci[call, CI_TYPE]
    return k >= 0 and ti[k, TI_CHAT] != 0


@step
def maybe_redial(run, draws, legs, routing):
    """`maybe_redial`: the failed leg's caller calls again after a delay, or not."""
    failed = run.w[W_FAILED]
    caller = run.ci[failed, CI_CALLER]
    k = run.ci[caller, CI_TYPE]
    attempt = run.ci[failed, CI_ATTEMPT]
    if (
        k >= 0
        and is_live_jit(legs.leg_kind[failed])
        and may_redial_jit(
            run.w[W_BLOCKED] != 0, routing.retry_blocked[k], attempt, routing.retry_max[k]
        )
        and draw_says_yes_jit(draws.retry_u[caller, attempt], routing.retry_prob[k])
    ):
        later(run, run.tv[T_NOW] + draws.retry_delay[caller, attempt], failed * N_KINDS + EV_REDIAL)


decisions.key_engine_caches(globals())
