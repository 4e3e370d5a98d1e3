"""The compiled engine's state: column numbers of its arrays and the structures
that hold them.

The day's state is a few named structures (namedtuples of arrays, which numba
passes to the kernel's functions at no cost) rather than dozens of positional
arrays: the inputs `Callers`, `Types`, `Groups`, `Roster`, `Outbound`, `Day`; the
outputs `Observed`; and the run's own working state `Run`. Inside them, the 2-D
arrays have one row per leg, agent, call type or group, with columns named by the
constants below. Literal integer codes, not imports from the model modules: numba
freezes globals into its cache (tests/test_fast_engine.py checks them against the
model's).
"""

from __future__ import annotations

from collections import namedtuple

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
# (``holder[p]`` is plan p's agent, see `relieve_ghost`).
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
# What `_agent_day` asks of the event loop: take the agent out of its idle pool;
# make it available (then run its day on).
WANT_WITHDRAW, WANT_AVAILABLE = 1, 2
# Timeouts one step of the loop may schedule, besides a type's overflow steps: the
# patience, a talk, an agent's timer.
PENDING_SLACK = 4

# The run's long-lived scalars, in ``Run.v`` (int64) and ``Run.f`` (float64).
V_N_PEND, V_SIZE, V_SEQ, V_N_LEGS, V_LINES, V_EVENTS = 0, 1, 2, 3, 4, 5  # timeouts, legs
V_STARTING, V_CONT, V_AFTER_TRANSFER = 6, 7, 8  # processes starting, going on
V_CAMP_STARTING, V_CAMP_OPEN, V_CAMP_J = 9, 10, 11  # campaigns starting, opening
V_ARR_STARTED, V_NXT, V_ARRIVING, V_ARR_WAIT, V_ARR_PENDING, V_ARR_SEQ = range(12, 18)
V_N_CB = 18  # callbacks waiting to be made, all types
N_V = 19
F_NOW, F_ARR_TIME = 0, 1
N_F = 2

# What one step of the loop does, in ``Run.s`` (int64; -1: nothing, flags 0/1). Set
# by the event (or process) that starts the step, and by the blocks as they run.
S_AGENT_RUN = 0  # a plan whose agent's day goes on
S_CALL, S_BY_ARRIVALS = 1, 2  # a call arriving; brought by the arrival process
S_FAILED, S_BLOCKED = 3, 4  # a leg blocked or abandoned: its caller may redial
S_OFFER, S_OVER, S_LO, S_HI = 5, 6, 7, 8  # offered; at an overflow step, to glist[lo:hi]
S_FREE, S_AVAIL, S_WITHDRAW, S_UNLINK = 9, 10, 11, 12  # agents freed, available, ...
S_TRANSFERRED, S_CB_AGENT, S_DIAL_AGENT, S_DIAL_CAMP = 13, 14, 15, 16
S_TAKE, S_ANSWER_CALL, S_ANSWER_AGENT = 17, 18, 19  # looking for an agent; answered
S_READY, S_CHAT_NEXT, S_CALLBACK = 20, 21, 22  # an agent who takes the next call
N_S = 23

#: The callers' draws, one row per caller (`ccsim.calls.CallDraws`).
Callers = namedtuple(
    "Callers",
    "arrival call_type via_ivr ivr_time ivr_exit patience route_u handle wrap_up "
    "retry_u retry_delay retry_patience transfer_u transfer_handle transfer_wrap "
    "transfer_patience callback_u",
)
#: Per call type: its queue and routing (``ti``), redials, transfers, callbacks, and
#: the overflow steps with their group lists.
Types = namedtuple(
    "Types",
    "ti retry_prob retry_blocked retry_max transfer_to transfer_prob cbf cbi ov_after ovi glist",
)
#: Per group: its idle pool and skills (``gi``, ``skills``), the (group, type) tables.
Groups = namedtuple("Groups", "gi skills gk gkf own_handle chat_factors")
#: The roster's plans and agents, and their steps.
Roster = namedtuple("Roster", "ai af sf si")
#: The outbound campaigns and their customers' draws.
Outbound = namedtuple(
    "Outbound",
    "camp_f camp_i cgroups cg_off gcamp gc_off out_connect out_talk out_wrap out_off",
)
#: The day: its clock (start, end, interval), trunks and their outages.
Day = namedtuple("Day", "start end interval trunks outages heap_capacity")
#: What the run fills in: the columns of `Observations`, by their names.
Observed = namedtuple(
    "Observed",
    "offered outcome wait talk wrap group leg_arrival leg_type leg_caller leg_kind "
    "leg_attempt leg_via_ivr leg_ivr_time callback_offered scheduled staffed on_break "
    "unpaid_break absent overtime n_out",
)
#: The run's working state: scalars (``v``, ``f``), the step (``s``), the legs
#: (``cf``, ``ci``), the event heap and the timeouts pending, per type the last wait,
#: per campaign the customers dialed, and the staffing cut's state.
Run = namedtuple(
    "Run",
    "v f s cf ci ht hs hd pend_t pend_d last_wait dialed holder plan_of ghost n_ghosts counter",
)
