"""The compiled engine's data layout: its codes, the columns of its state arrays,
the named structures its functions pass, and the decorator they are compiled with.

Everything here is a literal integer code, not an import from the model modules:
numba freezes globals into its on-disk cache (tests/test_fast_engine.py checks the
codes against the model's).

**How the steps are compiled** (`step`), so that the loop split into functions
of a few structures runs as fast as one long loop:

- *Without numba's runtime* (``_nrt=False``): numba counts references to every
  array a function receives or reads from a structure, with atomic operations it
  cannot prune across branches (the loop split so ran 46 times slower; a small
  step on three arrays costs 18 ns a call with the runtime, 5 ns without). The steps
  never allocate (numba refuses to compile one that does); they read and write
  the arrays `ccsim.kernels.engine.simulate` allocated and keeps alive.
- *Inlined by LLVM* (``forceinline``): a call passes every field of every
  structure, one machine word at a time (an array is 7 to 9), which costs more
  than a step's work (not inlined, the day ran 8 times slower); inlined, nothing.
  (numba's own IR inlining, ``inline="always"``, is as fast but took 42 s to
  compile, against 24 s, measured back to back with an empty cache.)
- *No Python wrappers* (``no_cpython_wrapper``, ``no_cfunc_wrapper``): only the
  loop calls them; the wrappers, unboxing dozens of arrays each, took 40 s to
  compile.

`loop` compiles the event loop itself: without the runtime, not inlined. It keeps
the day's counters, clock and the step's blackboard on its stack (`stack_ints`,
`stack_floats`), where LLVM keeps them in registers as it would locals: in arrays
the runtime allocated, every step read them from memory, and the day ran 12% slower.
"""

from __future__ import annotations

from collections import namedtuple

from numba import njit
from numba.core import cgutils, types
from numba.extending import intrinsic
from numba.np.arrayobj import make_array, populate_array

from ccsim.kernels import decisions

#: Compiles a step of the event loop: cached, without reference counting, inlined,
#: without wrappers (see above). A step must not allocate arrays.
step = njit(
    cache=True, _nrt=False, forceinline=True, no_cpython_wrapper=True, no_cfunc_wrapper=True
)
loop = njit(cache=True, _nrt=False, no_cpython_wrapper=True, no_cfunc_wrapper=True)

# Outcome codes (ccsim.observations).
BLOCKED, ANSWERED, ABANDONED = 0, 1, 2
CALLBACK_REQUESTED, NOT_REACHED = 5, 6
# Agent plan steps (ccsim.models.agents).
BREAK, ABSENCE, LOG_OUT = 0, 1, 2

# Columns of the call arrays: cf (float64) and ci (int64), one row per leg (a
# caller's first call, then the redials, in the order they occur).
CF_OFFERED, CF_WAIT, CF_TALK, CF_WRAP = 0, 1, 2, 3  # observed
CF_IVR_TIME, CF_PATIENCE, CF_U, CF_HANDLE, CF_WRAP_IN = 4, 5, 6, 7, 8  # drawn
N_CF = 9
CI_TYPE, CI_VIA_IVR, CI_IVR_EXIT = 0, 1, 2  # drawn
CI_OUTCOME, CI_GROUP = 3, 4  # observed
CI_WAITING, CI_NEXT, CI_PREV, CI_AGENT = 5, 6, 7, 8  # its queue's links; its agent
CI_CALLER, CI_ATTEMPT = 9, 10  # the leg's caller (its first leg's row) and attempt
CI_HOLDS_LINE = 11  # it holds a phone line (`ccsim.models.legs.Legs.holds_line`)
N_CI = 12

# Columns of the agent arrays: af (float64) and ai (int64), one row per agent and
# roster plan (row p: plan p, and agent p). Plan columns are read at the plan's row,
# agent columns at the agent's: under the by-count staffing cut agents trade plans
# (``holder[p]`` is plan p's agent, see `ccsim.kernels.staffing.relieve_ghost`).
AF_START, AF_END, AF_STEP_BEGAN = 0, 1, 5  # the plan
AF_IDLE_SINCE, AF_FLOOR_SINCE, AF_FREE_AT = 2, 3, 4  # the agent
N_AF = 6
AI_GROUP, AI_OPEN_END, AI_ABSENT_ALL, AI_STEP_LO, AI_STEP_HI = 0, 1, 2, 3, 4  # the plan
AI_PHASE, AI_STEP = 8, 9  # the plan's process
AI_BUSY, AI_ON_FLOOR, AI_LEAVE = 5, 6, 7  # the agent
AI_IDLE, AI_NEXT, AI_PREV = 10, 11, 12  # the agent in its group's idle pool, a linked list
AI_CHATS, AI_PARTIAL = 13, 14  # chats in progress; in chats with a free slot
N_AI = 15

# Columns of ti (int64), one row per call type: its queue, then its routing.
TI_HEAD, TI_TAIL, TI_WAITING = 0, 1, 2
TI_SELECTION, TI_INIT_LO, TI_INIT_HI, TI_OV_LO, TI_OV_HI = 3, 4, 5, 6, 7
TI_CB_HEAD, TI_CB_TAIL = 8, 9  # its callbacks waiting to be made (linked by CI_NEXT)
TI_CHAT = 10  # a chat: no phone line; agents take several at once
N_TI = 11
# Columns of gi (int64), one row per group: its idle pool, reserve and skill list.
GI_HEAD, GI_TAIL, GI_IDLE, GI_RESERVE, GI_SKILL_LO, GI_SKILL_HI = 0, 1, 2, 3, 4, 5
GI_BY_COUNT = 6  # its staffing cut is by count
GI_ON_FLOOR = 7  # agents on the floor (logged in, not away)
GI_CHAT_MAX = 8  # chats an agent handles at once
N_GI = 9
# Tables per (group, call type): gk (int64) and gkf (float64), [groups, types, 2].
GK_LOWER, GK_OWN = 0, 1  # a lower-priority skill (reserve applies); own handle times row
GKF_AFTER, GKF_FACTOR = 0, 1  # wait before the group may answer; handle time factor
# Columns of skills (int64), one row per (group, skill) in the group's order.
SK_TYPE, SK_TYPE_PRIO, SK_SKILL_PRIO = 0, 1, 2
# Outbound campaigns: camp_f (float64) and camp_i (int64), one row per campaign; its
# groups cgroups[cg_off[c]:cg_off[c + 1]]; a group's campaigns gcamp[gc_off[g]:...];
# its customers' draws out_connect, out_talk, out_wrap from out_off[c].
CAMP_START, CAMP_END, CAMP_CONNECT, CAMP_ATTEMPT = 0, 1, 2, 3
CAMP_CUSTOMERS, CAMP_THRESHOLD = 0, 1
# Callbacks per call type: cbf (float64), cbi (int64); none: CB_ON 0.
CBF_THRESHOLD, CBF_ACCEPT, CBF_REACH, CBF_DEADLINE, CBF_ATTEMPT, CBF_MEAN_HANDLE = range(6)
CBI_ON, CBI_LAST_WAIT = 0, 1  # offered at all; predictor: the last wait (else the queue)
# Columns of the overflow steps: ovi (int64), a range of glist.
OV_LO, OV_HI = 0, 1
# Columns of the plan steps: sf (float64) and si (int64).
SF_DUE, SF_ARG = 0, 1  # ARG: a break's length, an absence's end
SI_KIND, SI_PAID = 0, 1

# Event kinds; an event's data is ``payload * N_KINDS + kind``.
EV_LEAVE_IVR, EV_ABANDON, EV_OVERFLOW, EV_HANG_UP, EV_AGENT_FREE, EV_AGENT, EV_REDIAL = range(7)
EV_CAMPAIGN = 7  # an outbound campaign opens
N_KINDS = 8
# Phases of an agent's day: where its process resumes.
P_INIT, P_START, P_LOOP, P_DUE, P_LEAVE, P_BREAK, P_ABSENT, P_NEXT, P_DONE = range(9)
# What `agent_day` asks of the event loop: take the agent out of its idle pool;
# make it available (then run its day on).
WANT_WITHDRAW, WANT_AVAILABLE = 1, 2
# Timeouts one step of the loop may schedule, besides a type's overflow steps: the
# patience, a talk, an agent's timer.
PENDING_SLACK = 4

# The loop's counters and flags, run.sv (int64). The arrival process: it has started
# (ARR_STARTED), its next call NXT arrives now (ARRIVING), it is about to wait for it
# (ARR_WAIT), it waits for its timeout at (tv[T_ARR_TIME], ARR_SEQ) (ARR_PENDING).
S_SIZE, S_SEQ, S_N_PEND, S_LINES, S_N_LEGS, S_EVENTS = 0, 1, 2, 3, 4, 5  # heap, lines, legs
S_STARTING, S_CONT, S_AFTER_TRANSFER = 6, 7, 8  # agents started; run on; a transfer's agent
S_CAMP_STARTING, S_CAMP_OPEN, S_CAMP_J = 9, 10, 11  # campaigns started; opening, at group
S_ARR_STARTED, S_NXT, S_ARRIVING, S_ARR_WAIT, S_ARR_PENDING, S_ARR_SEQ = range(12, 18)
S_N_CB = 18  # callbacks waiting to be made, all types
N_S = 19
# Its clock, run.tv (float64): now; the arrival process's timeout.
T_NOW, T_ARR_TIME = 0, 1
N_T = 2
# What the step in progress does, run.w (int64; -1 for none): the blocks it runs and
# their arguments, set by the event and by the blocks before (see `simulate`).
W_AGENT_RUN, W_CALL, W_BY_ARRIVALS, W_FAILED, W_BLOCKED = 0, 1, 2, 3, 4
W_OFFER, W_OVER, W_LO, W_HI, W_FREE, W_AVAIL, W_WITHDRAW, W_UNLINK = range(5, 13)
W_TRANSFERRED, W_CB_AGENT, W_DIAL_AGENT, W_DIAL_CAMP, W_TAKE = range(13, 18)
W_ANSWER_CALL, W_ANSWER_AGENT, W_READY, W_CHAT_NEXT, W_CALLBACK = range(18, 23)
N_W = 23

# -- The structures the kernel's functions pass ----------------------------------
# Given by `ccsim.models.pack_calls.pack` (by field name, `structures`):

#: Per caller, drawn beforehand (`CallDraws`); own_handle: [(group, type) row, caller].
Draws = namedtuple(
    "Draws",
    "arrival call_type via_ivr ivr_time ivr_exit patience route_u handle wrap_up"
    " retry_u retry_delay retry_patience"
    " transfer_u transfer_handle transfer_wrap transfer_patience callback_u own_handle",
)
#: Per leg, observed (`Observations`), filled in place; n_out[0]: the legs that occurred.
Legs = namedtuple(
    "Legs",
    "leg_arrival leg_type leg_caller leg_kind leg_attempt leg_via_ivr leg_ivr_time"
    " offered outcome wait talk wrap group callback_offered n_out",
)
#: Agent time per group and interval (and overtime per group), filled in place.
AgentTime = namedtuple("AgentTime", "scheduled staffed on_break unpaid_break absent overtime")
#: The roster: agents and plans (ai, af) and the plans' steps (sf, si).
Staff = namedtuple("Staff", "ai af sf si")
#: The Router's tables, and per call type its redials, transfers and callbacks.
Routing = namedtuple(
    "Routing",
    "ti gi skills glist ov_after ovi gk gkf chat_factors cbf cbi"
    " retry_prob retry_blocked retry_max transfer_to transfer_prob",
)
#: The outbound campaigns and their customers' draws.
Outbound = namedtuple(
    "Outbound", "camp_f camp_i cgroups cg_off gcamp gc_off out_connect out_talk out_wrap out_off"
)
#: The day: the horizon, the trunks (``inf`` without a limit) and their outages
#: (start, end, trunks), and the most timeouts ever pending at once.
Day = namedtuple("Day", "start end interval trunks outages heap_capacity")
#: Every structure `simulate` takes, in its order.
STRUCTURES = (Draws, Legs, AgentTime, Staff, Routing, Outbound, Day)

# Made by `simulate`:

#: The step in progress: legs (cf, ci), counters (sv), clock (tv), its blocks (w),
#: its timeouts (pend_t, pend_d, in order), per type the last wait, per campaign the
#: customers dialed.
Run = namedtuple("Run", "cf ci sv tv w pend_t pend_d last_wait dialed")
#: The event heap: time, sequence number, data.
Heap = namedtuple("Heap", "ht hs hd")
#: The staffing cut by count (`ccsim.kernels.staffing.new_cut_state`).
Cut = namedtuple("Cut", "holder plan_of ghost n_ghosts counter")


def _on_stack(dtype):
    """An intrinsic: ``f(n)`` (n a constant) is an array of n ``dtype`` on the stack
    of the compiled function that calls it, with no owner to count references to."""

    @intrinsic
    def on_stack(typingctx, n):
        if not isinstance(n, types.IntegerLiteral):
            return None
        array = types.Array(dtype, 1, "C")
        count = n.literal_value

        def codegen(context, builder, sig, args):
            item = context.get_data_type(dtype)
            size = context.get_abi_sizeof(item)
            out = make_array(array)(context, builder)
            populate_array(
                out,
                data=cgutils.alloca_once(builder, item, size=count),
                shape=[context.get_constant(types.intp, count)],
                strides=[context.get_constant(types.intp, size)],
                itemsize=context.get_constant(types.intp, size),
                meminfo=None,
            )
            return out._getvalue()

        return array(n), codegen

    return on_stack


#: ``stack_ints(n)``, ``stack_floats(n)``: n int64 or float64 on the caller's stack
#: (n a constant), which LLVM keeps in registers when every index is a constant. Only
#: for `loop`: the array lives until it returns, and must not be kept beyond.
stack_ints = _on_stack(types.int64)
stack_floats = _on_stack(types.float64)


@step
def later(run, t, data):
    """Schedule a timeout at ``t`` once the step is done (`Environment.schedule`):
    the step's timeouts take their sequence numbers in the order they were asked."""
    n = run.sv[S_N_PEND]
    run.pend_t[n] = t
    run.pend_d[n] = data
    run.sv[S_N_PEND] = n + 1


decisions.key_engine_caches(globals())
