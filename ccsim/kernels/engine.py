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
  (its phase, `ccsim.kernels.staffing.agent_day`) resumed by an ``EV_AGENT``
  event. ``Event.succeed()`` (the call ends while a break, absence or log-out
  waits for it) schedules the resumption as a new event at the current time; so
  does the agent-free step.
- The process-termination events SimPy schedules have no callbacks and no effect
  on the order of the others; they are left out. Stale timers (the patience of
  an answered call) are kept: they fire and do nothing, and the last event's
  time is the clock ``close`` sees, as in SimPy.

The arrival process has one pending timeout at a time; it is kept out of the
heap (its time and sequence number are compared with the heap's top).

**The loop** (`_loop`): schedule the last step's timeouts (`heap.schedule`),
find the next step in SimPy's order (`_next_step`: an agent's process going on,
the initialisations, the arrival process, the heap's first event), then run the
blocks it needs (`_blocks`), in a fixed order: an agent's day, arrive, redial,
offer (take an idle agent, or a callback, or enqueue), withdraw an agent, the
agent free or available, its next work, dial a callback or a customer, unlink,
answer, the after-call work. An event sets which blocks it needs in ``run.w``
(the step's blackboard, columns ``W_*``), and each block may set later ones:
their effects are ordered as SimPy's nested calls order them. Timeouts scheduled
while a step runs are collected in order (`layout.later`) and pushed onto the
heap, taking their sequence numbers, when it is done.

**State** is a few named structures (`ccsim.kernels.layout`): what the Python
side packs (`Draws`, `Legs`, `AgentTime`, `Staff`, `Routing`, `Outbound`,
`Day`; `structures` groups `ccsim.models.pack_calls.pack`'s arguments by their
field names), and what `simulate` allocates: `Run` (the legs' 2-D arrays ``cf``
and ``ci``, the counters, the clock, the blackboard, the pending timeouts),
`Heap` and `Cut`. Rows are calls, agents, call types or groups, with columns
named by the constants there. The steps live in modules by concern: `calls`
(arrive, hang up, abandon, redial, transfer), `router` (take an idle agent, the
queues, the next call, answer), `outbound` (callbacks and dials), `staffing`
(agent time, the staffing cut by count, an agent's day), `agents` (an agent
free or available, its next work), `heap`.

**As fast as one long loop.** The steps are compiled without numba's reference
counting and inlined by LLVM into `_loop` (`layout.step`), and the loop keeps its
counters, clock and blackboard on its stack (`layout.stack_ints`), so the machine
code is the long loop's again (why, with the numbers: `ccsim.kernels.layout`).
Measured against the long loop on the reference model, same machine, back to
back: the kernel alone within 4%, `simulate_day_fast` as fast; compiling it with
an empty cache 1.3 times longer (about 20 s against 15 s). Only `simulate` (which
allocates the state and keeps it alive for the day) and the functions the SimPy
model calls too (the staffing cut, `add_time`, the rules in
`ccsim.kernels.decisions`) use numba's runtime. The by-count rule is written
once, in `staffing`, and the SimPy model calls the same compiled functions
(`relieve_ghost`).

The routing rules are not written here but in `ccsim.kernels.decisions`, shared
with the SimPy model; the steps call their compiled twins. Everything here is
literal integer codes (`ccsim.kernels.layout`), not imports from the model
modules: numba freezes globals into its on-disk cache (tests/test_fast_engine.py
checks the codes against the model's). The cache of every compiled function of
the engine is keyed on all its source files (`decisions.key_engine_caches`): a
cached function is otherwise not recompiled when a function it calls changes in
another file.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ccsim.kernels import decisions
from ccsim.kernels.agents import agent_ready, next_work, run_agent
from ccsim.kernels.calls import (
    abandon,
    arrive,
    first_calls,
    hang_up,
    leave_ivr,
    maybe_redial,
    redial,
)
from ccsim.kernels.decisions import (  # the routing rules, shared with the SimPy model
    CALLBACK,
    FIRST,
    LONGEST_IDLE,
    OUTBOUND,
    PREFERENCE,
    RANDOM,
    RETRIAL,
    TRANSFER,
)
from ccsim.kernels.heap import heap_first, pop, schedule
from ccsim.kernels.layout import (
    ABANDONED,
    ABSENCE,
    AF_END,
    AF_FLOOR_SINCE,
    AF_FREE_AT,
    AF_START,
    AI_ABSENT_ALL,
    AI_GROUP,
    AI_IDLE,
    AI_ON_FLOOR,
    AI_OPEN_END,
    ANSWERED,
    BLOCKED,
    BREAK,
    CALLBACK_REQUESTED,
    CAMP_START,
    CF_OFFERED,
    CF_TALK,
    CF_WAIT,
    CF_WRAP,
    CI_AGENT,
    CI_GROUP,
    CI_NEXT,
    CI_OUTCOME,
    CI_WAITING,
    EV_ABANDON,
    EV_AGENT,
    EV_AGENT_FREE,
    EV_CAMPAIGN,
    EV_HANG_UP,
    EV_OVERFLOW,
    EV_REDIAL,
    LOG_OUT,
    N_CF,
    N_CI,
    N_KINDS,
    N_S,
    N_T,
    N_W,
    NOT_REACHED,
    OV_HI,
    OV_LO,
    PENDING_SLACK,
    S_AFTER_TRANSFER,
    S_ARR_PENDING,
    S_ARR_STARTED,
    S_ARR_WAIT,
    S_ARRIVING,
    S_CAMP_J,
    S_CAMP_OPEN,
    S_CAMP_STARTING,
    S_CONT,
    S_EVENTS,
    S_N_LEGS,
    S_NXT,
    S_STARTING,
    STRUCTURES,
    T_ARR_TIME,
    T_NOW,
    TI_CB_HEAD,
    TI_HEAD,
    W_AGENT_RUN,
    W_ANSWER_CALL,
    W_AVAIL,
    W_BLOCKED,
    W_BY_ARRIVALS,
    W_CALL,
    W_CALLBACK,
    W_CHAT_NEXT,
    W_DIAL_AGENT,
    W_FAILED,
    W_FREE,
    W_HI,
    W_LO,
    W_OFFER,
    W_OVER,
    W_READY,
    W_TRANSFERRED,
    W_UNLINK,
    W_WITHDRAW,
    Cut,
    Heap,
    Run,
    later,
    loop,
    stack_floats,
    stack_ints,
    step,
)
from ccsim.kernels.outbound import (
    dial,
    dial_callback,
    next_dialer,
)
from ccsim.kernels.router import (
    answer,
    offer,
    remove_waiting,
    withdraw_agent,
)
from ccsim.kernels.staffing import add_time

__all__ = ["FIRST", "RETRIAL", "TRANSFER", "CALLBACK", "OUTBOUND"]
__all__ += ["LONGEST_IDLE", "PREFERENCE", "RANDOM"]
__all__ += ["BLOCKED", "ANSWERED", "ABANDONED", "CALLBACK_REQUESTED", "NOT_REACHED"]
__all__ += ["BREAK", "ABSENCE", "LOG_OUT", "simulate", "structures"]

# What `_next_step` found: run the blocks; nothing more this step; no event left.
GO, SKIP, STOP = 0, 1, 2


def structures(args: dict) -> tuple:
    """`pack`'s arguments (by name) as the structures `simulate` takes, in its order:
    each field read from ``args`` by its name (`layout.STRUCTURES`)."""
    return tuple(s(**{name: args[name] for name in s._fields}) for s in STRUCTURES)


@step
def _on_event(run, data, draws, legs, routing, outbound):
    """What the popped event sets going; False if nothing more this step."""
    kind = data % N_KINDS
    x = data // N_KINDS
    if kind == EV_HANG_UP:
        hang_up(run, x, draws, legs, routing)
    elif kind == EV_ABANDON:
        abandon(run, x)
    elif kind == EV_AGENT_FREE:
        run.w[W_FREE] = x
    elif kind == EV_AGENT:
        run.w[W_AGENT_RUN] = x
    elif kind == EV_CAMPAIGN:
        run.sv[S_CAMP_OPEN] = x
        run.sv[S_CAMP_J] = outbound.cg_off[x]
        return False
    elif kind == EV_REDIAL:
        redial(run, x, draws, legs)
    elif kind == EV_OVERFLOW:
        n_steps = max(routing.ov_after.shape[0], 1)
        c = x // n_steps
        if run.ci[c, CI_WAITING]:
            run.w[W_OVER] = c
            run.w[W_LO] = routing.ovi[x % n_steps, OV_LO]
            run.w[W_HI] = routing.ovi[x % n_steps, OV_HI]
    else:  # EV_LEAVE_IVR
        leave_ivr(run, x)
    return True


@step
def _start_campaign(run, outbound):
    """A campaign's process starts: it waits for its start, or opens now."""
    c = run.sv[S_CAMP_STARTING]
    run.sv[S_CAMP_STARTING] = c + 1
    now = run.tv[T_NOW]
    start = outbound.camp_f[c, CAMP_START]
    if start > now:
        later(run, now + (start - now), c * N_KINDS + EV_CAMPAIGN)
    else:
        run.sv[S_CAMP_OPEN] = c
        run.sv[S_CAMP_J] = outbound.cg_off[c]


@step
def _next_step(run, heap, draws, legs, staff, routing, outbound):
    """What happens next, in SimPy's order: GO (run the blocks ``run.w`` asks for),
    SKIP (nothing more this step) or STOP (no event left)."""
    sv, w = run.sv, run.w
    arrival = draws.arrival
    if sv[S_CONT] >= 0:  # an agent's process goes on at once
        w[W_AGENT_RUN] = sv[S_CONT]
        sv[S_CONT] = -1
    elif sv[S_AFTER_TRANSFER] >= 0:  # hang_up goes on after offering the transferred leg
        w[W_FREE] = run.ci[sv[S_AFTER_TRANSFER], CI_AGENT]
        sv[S_AFTER_TRANSFER] = -1
    elif sv[S_CAMP_OPEN] >= 0:  # campaign_opens: its idle agents dial, one a step
        return GO if next_dialer(run, routing.gi, outbound) else SKIP
    elif sv[S_STARTING] < staff.ai.shape[0]:  # the processes' initialisation, in order
        w[W_AGENT_RUN] = sv[S_STARTING]
        sv[S_STARTING] += 1
    elif not sv[S_ARR_STARTED]:
        sv[S_ARR_STARTED] = 1
        if arrival.shape[0] > 0:
            sv[S_ARRIVING] = not arrival[0] > run.tv[T_NOW]
            sv[S_ARR_WAIT] = not sv[S_ARRIVING]
        return SKIP
    elif sv[S_ARRIVING]:
        w[W_CALL] = sv[S_NXT]
        w[W_BY_ARRIVALS] = 1
    elif sv[S_CAMP_STARTING] < outbound.camp_f.shape[0]:
        _start_campaign(run, outbound)
        return SKIP
    elif heap_first(run, heap):
        data = pop(run, heap)
        return GO if _on_event(run, data, draws, legs, routing, outbound) else SKIP
    elif sv[S_ARR_PENDING]:  # the arrival process's timeout
        run.tv[T_NOW] = run.tv[T_ARR_TIME]
        sv[S_ARR_PENDING] = 0
        sv[S_EVENTS] += 1
        w[W_CALL] = sv[S_NXT]
        w[W_BY_ARRIVALS] = 1
    else:
        return STOP
    return GO


@step
def _after_step(run, draws):
    """hang_up's after-call work once a transferred leg is offered; the arrival
    process goes on (the next call now, or a timeout)."""
    w, sv = run.w, run.sv
    now = run.tv[T_NOW]
    transferred = w[W_TRANSFERRED]
    if transferred >= 0:
        wrap_time = run.cf[transferred, CF_WRAP]
        if wrap_time > 0.0:
            later(run, now + wrap_time, run.ci[transferred, CI_AGENT] * N_KINDS + EV_AGENT_FREE)
        else:  # agent_free, as a step of its own (this one may have answered a call)
            sv[S_AFTER_TRANSFER] = transferred
    if w[W_BY_ARRIVALS]:
        n_calls = draws.arrival.shape[0]
        sv[S_NXT] += 1
        nxt = sv[S_NXT]
        sv[S_ARRIVING] = nxt < n_calls and not draws.arrival[nxt] > now
        sv[S_ARR_WAIT] = nxt < n_calls and not sv[S_ARRIVING]


@step
def _blocks(run, cut, draws, legs, times, staff, routing, outbound, day):
    """The step's blocks that ``run.w`` asks for, in the order SimPy's nested calls
    order their effects."""
    w, ai = run.w, staff.ai
    if w[W_AGENT_RUN] >= 0:
        run_agent(run, cut, staff, times, routing.gi, day)
    if w[W_CALL] >= 0:
        arrive(run, routing.ti, day)
    if w[W_FAILED] >= 0:
        maybe_redial(run, draws, legs, routing)
    if w[W_OFFER] >= 0 or w[W_OVER] >= 0:
        offer(run, draws, legs, staff, routing)
    if w[W_WITHDRAW] >= 0 and ai[w[W_WITHDRAW], AI_IDLE]:
        withdraw_agent(w[W_WITHDRAW], ai, routing.gi)
    if w[W_FREE] >= 0 or w[W_AVAIL] >= 0:
        agent_ready(run, cut, staff, routing.gi)
    if w[W_READY] >= 0:
        next_work(run, staff, routing, outbound)
    if w[W_CALLBACK] >= 0:
        dial_callback(run, ai, draws, routing.cbf)
    if w[W_DIAL_AGENT] >= 0:
        dial(run, ai, legs, outbound)
    if w[W_UNLINK] >= 0:
        remove_waiting(w[W_UNLINK], run, routing.ti)
    if w[W_ANSWER_CALL] >= 0:
        answer(run, draws, legs, staff, routing)
    if w[W_TRANSFERRED] >= 0 or w[W_BY_ARRIVALS]:
        _after_step(run, draws)


@loop
def _loop(run, heap, cut, draws, legs, times, staff, routing, outbound, day):
    """The event loop: schedule the last step's timeouts, find the next step, run
    its blocks; until no event is left. Its counters and clock (copied from and
    back to ``run``) and the step's blackboard live on its stack (in registers)."""
    on_stack = Run(
        run.cf, run.ci, stack_ints(N_S), stack_floats(N_T), stack_ints(N_W),
        run.pend_t, run.pend_d, run.last_wait, run.dialed,
    )  # fmt: skip
    sv, tv, w = on_stack.sv, on_stack.tv, on_stack.w
    for i in range(N_S):
        sv[i] = run.sv[i]
    tv[T_NOW] = run.tv[T_NOW]
    tv[T_ARR_TIME] = run.tv[T_ARR_TIME]
    while True:
        schedule(on_stack, heap, day, draws.arrival)
        for i in range(N_W):
            w[i] = -1
        w[W_BY_ARRIVALS] = 0
        w[W_BLOCKED] = 0
        w[W_CHAT_NEXT] = 0
        w[W_LO] = 0
        w[W_HI] = 0
        what = _next_step(on_stack, heap, draws, legs, staff, routing, outbound)
        if what == STOP:
            break
        if what == GO:
            _blocks(on_stack, cut, draws, legs, times, staff, routing, outbound, day)
    for i in range(N_S):
        run.sv[i] = sv[i]
    run.tv[T_NOW] = tv[T_NOW]
    run.tv[T_ARR_TIME] = tv[T_ARR_TIME]


@step
def _close(run, cut, legs, times, staff, ti, day):
    """close(): floor time to the end, the drain's overtime; the callers still
    waiting hang up when the center closes, callbacks never made are not reached;
    the scheduled time; the legs' observations."""
    ai, af, cf, ci = staff.ai, staff.af, run.cf, run.ci
    end, start, interval = day.end, day.start, day.interval
    closing = max(run.tv[T_NOW], end)
    for a in range(ai.shape[0]):
        g = ai[a, AI_GROUP]
        if ai[a, AI_ON_FLOOR]:
            add_time(times.staffed[g], af[a, AF_FLOOR_SINCE], closing, start, interval)
        if ai[a, AI_OPEN_END] and not ai[a, AI_ABSENT_ALL]:  # plan a
            times.overtime[g] += max(0.0, af[cut.holder[a], AF_FREE_AT] - end)
    for k in range(ti.shape[0]):
        c = ti[k, TI_HEAD]
        while c >= 0:
            ci[c, CI_OUTCOME] = ABANDONED
            cf[c, CF_WAIT] = closing - cf[c, CF_OFFERED]
            c = ci[c, CI_NEXT]
    for k in range(ti.shape[0]):
        c = ti[k, TI_CB_HEAD]
        while c >= 0:
            ci[c, CI_OUTCOME] = NOT_REACHED
            cf[c, CF_WAIT] = closing - cf[c, CF_OFFERED]
            ci[c, CI_GROUP] = -1
            c = ci[c, CI_NEXT]
    for a in range(ai.shape[0]):  # roster.scheduled_time
        add_time(times.scheduled[ai[a, AI_GROUP]], af[a, AF_START], af[a, AF_END], start, interval)
    n_legs = run.sv[S_N_LEGS]
    legs.n_out[0] = n_legs
    for c in range(n_legs):
        legs.offered[c] = cf[c, CF_OFFERED]
        legs.outcome[c] = ci[c, CI_OUTCOME]
        legs.wait[c] = cf[c, CF_WAIT]
        legs.talk[c] = cf[c, CF_TALK]
        legs.wrap[c] = cf[c, CF_WRAP]
        legs.group[c] = ci[c, CI_GROUP]


@njit(cache=True)
def simulate(draws, legs, times, staff, routing, outbound, day):
    """Run the day (`ccsim.models.center.simulate_day`); returns the events handled.

    Takes the structures of `ccsim.kernels.layout` (`structures` builds them from
    `ccsim.models.pack_calls.pack`'s arguments). The callers, sorted by arrival,
    come as ``draws``; ``legs`` (as in `Observations`) and ``times`` (the agent
    time) are filled in place. The agents are the rows of ``staff.ai`` /
    ``staff.af``, in roster order, each at phase ``P_INIT``.

    ``legs`` has room for every leg that may occur (`ccsim.models.legs.leg_capacity`):
    rows ``0 .. calls - 1`` are the callers' first calls, each redial, transfer,
    callback or dial takes the next row when it occurs (its ``leg_*`` columns are
    written then); ``legs.n_out[0]`` gets the number of legs.

    ``day.heap_capacity``: the most timeouts ever pending at once. An agent waits
    for one at a time; a leg has at most its patience, its overflow steps' timers
    and its talk (or wrap-up) pending, or its caller's redial; so ``agents + legs *
    (2 + most overflow steps of a type)`` is enough.
    """
    capacity = legs.offered.shape[0]
    pending = PENDING_SLACK + routing.ov_after.shape[0]
    run = Run(
        np.empty((capacity, N_CF), np.float64),
        np.empty((capacity, N_CI), np.int64),
        np.zeros(N_S, np.int64),
        np.zeros(N_T, np.float64),
        np.zeros(N_W, np.int64),  # (the loop keeps its own, on its stack)
        np.empty(pending, np.float64),
        np.empty(pending, np.int64),
        np.zeros(routing.ti.shape[0]),  # per type: the wait of its last answered leg
        np.zeros(outbound.camp_f.shape[0], np.int64),  # customers dialed, per campaign
    )
    run.sv[S_N_LEGS] = draws.arrival.shape[0]  # the callers' first calls, then the rest
    for s in (S_CONT, S_AFTER_TRANSFER, S_CAMP_OPEN):
        run.sv[s] = -1
    run.tv[T_NOW] = day.start
    first_calls(run, draws)
    n = day.heap_capacity
    heap = Heap(np.empty(n, np.float64), np.empty(n, np.int64), np.empty(n, np.int64))
    a = staff.ai.shape[0]
    g = routing.gi.shape[0]
    cut = Cut(
        np.arange(a),
        np.arange(a),
        np.zeros(a, np.int64),
        np.zeros(g, np.int64),
        np.zeros(1, np.int64),
    )
    _loop(run, heap, cut, draws, legs, times, staff, routing, outbound, day)
    _close(run, cut, legs, times, staff, routing.ti, day)
    return run.sv[S_EVENTS]


decisions.key_engine_caches(globals())
