"""The routing and agent decisions, written once for both engines.

Every rule that decides who takes which call is a small function here, over plain
numbers: the SimPy model (`ccsim.models.routing`, `ccsim.models.center`) calls the
plain Python functions, so it needs no compilation; the compiled event loop
(`ccsim.kernels.engine`) calls their numba twins (``<name>_jit``, compiled from the
very same functions). The engines keep their own data structures (deques in SimPy,
linked lists over arrays in the kernel) and walk the candidates in the same order;
which candidate wins, whether a group may answer, when a caller gives up, is
decided only here. A mistake in a rule therefore shows in both engines alike, and
only the independent tests (theory, properties, hand-worked days) can catch it.

The functions do not call one another (a compiled twin could not call a plain
function). Scalar arguments only: numba reference-counts array arguments, which on the event
loop's hot path would cost more than the decision itself; scalar functions are
inlined into the loop at no cost.

Codes are literals (numba freezes globals into its cache); tests check them
against the model's (`tests/test_fast_engine.py`). The kernel's cached machine
code includes these functions, so its cache is keyed on this file too
(`key_cache_on`).
"""

from __future__ import annotations

import os

from numba import njit

# Agent selection codes, in `ccsim.scenario.model.AGENT_SELECTIONS` order.
LONGEST_IDLE, PREFERENCE, RANDOM = 0, 1, 2
# Leg kinds (`ccsim.observations`).
FIRST, RETRIAL, TRANSFER, CALLBACK, OUTBOUND = 0, 1, 2, 3, 4


# -- Which idle agent takes an arriving call ----------------------------------------


def reserve_allows(idle: int, reserve: int, lower_skill: bool) -> bool:
    """Reservation: a group answers a call of one of its lower-priority skills only
    while more than ``reserve`` of its agents are idle, ``idle`` counting the agent
    who would answer. Its best-priority skills it always answers."""
    return not lower_skill or idle > reserve


def has_overflowed(now: float, offered: float, after: float) -> bool:
    """A call offered at ``offered`` may go to a group that answers its type only
    ``after`` its offer (0: from the start; an overflow step's wait)."""
    return not now < offered + after


def overflow_in_time(after: float, patience: float) -> bool:
    """An overflow step is timed only if it comes before the caller would hang up
    (the steps come in order of ``after``: the first that does not ends them)."""
    return after < patience


def idle_before(selection: int, since: float, best_since: float) -> bool:
    """Among the heads of the groups' idle pools (walked in the call type's group
    order), does this one, idle since ``since``, beat the best so far? Longest
    idle: idle strictly longer (ties: the group listed first). Preference: never
    (the first group of the preference list with an idle agent answers)."""
    return selection == LONGEST_IDLE and since < best_since


def random_position(u: float, pool: int) -> int:
    """Random selection: the position in the pool of ``pool`` idle agents (the
    groups' pools one after the other) picked by the call's uniform number ``u``."""
    return min(int(u * pool), pool - 1)


# -- Which waiting call a freed agent takes ------------------------------------------


def call_before(
    type_prio: int, skill_prio: int, offered: float, best_type: int, best_skill: int, best: float
) -> bool:
    """Among the head calls of a freed agent's skill queues: does this one beat the
    best so far? The best call-type priority first (VIP types have the lowest
    number), then the group's best skill priority, then the longest wait."""
    if type_prio != best_type:
        return type_prio < best_type
    if skill_prio != best_skill:
        return skill_prio < best_skill
    return offered < best


def takes_type(only_chat: bool, is_chat: bool) -> bool:
    """An agent already in chats takes only another chat; a free agent any type."""
    return is_chat or not only_chat


# -- Chat capacity -------------------------------------------------------------------


def chat_slot_free(chats: int, chat_max: int, leaving: bool) -> bool:
    """An agent in chats takes another while below its group's ``chat_max`` and not
    waiting to leave the floor."""
    return 0 < chats < chat_max and not leaving


def partial_before(chats: int, agent: int, best_chats: int, best_agent: int) -> bool:
    """A chat with no idle agent goes to the agent in chats with a free slot and the
    fewest chats in progress (ties: the lower agent number)."""
    return chats < best_chats or (chats == best_chats and agent < best_agent)


# -- Callers: redials, transfers, callbacks --------------------------------------------


def draw_says_yes(u: float, probability: float) -> bool:
    """A pre-drawn uniform number ``u`` says yes with ``probability``: a redial, a
    transfer, an accepted or reached callback, an outbound customer reached."""
    return u < probability


def is_live(leg: int) -> bool:
    """A caller's own call (first or redial): only these redial, transfer, and are
    offered a callback."""
    return leg == FIRST or leg == RETRIAL  # noqa: SIM109 (compiled too)


def may_redial(blocked: bool, after_blocked: bool, attempt: int, attempts: int) -> bool:
    """After a blocked or abandoned live leg (`is_live`), its caller may call again
    (then only if its draw says so): blocked callers only if ``after_blocked``; at
    most ``attempts`` calls in all (0: the type has no redials)."""
    return (not blocked or after_blocked) and attempt + 1 < attempts


def uses_own_handle(has_own: bool, leg: int) -> bool:
    """A group with its own handle-time distribution for the type talks its own
    drawn time, except on a transferred leg (which has its own)."""
    return has_own and leg != TRANSFER


def predicted_wait(
    by_last_wait: bool, last_wait: float, waiting: int, mean_handle: float, agents: int
) -> float:
    """The wait a caller is told to expect: the last answered live call's wait, or
    the queue ahead of it times the mean handle time over the agents on the floor
    of the groups that answer the type from the start."""
    if by_last_wait:
        return last_wait
    return (waiting + 1) * mean_handle / max(1, agents)


def sets_last_wait(leg: int) -> bool:
    """Every answered leg but a transfer sets its type's last wait (the
    ``last_wait`` predictor)."""
    return leg != TRANSFER


def offers_callback(predicted: float, threshold: float) -> bool:
    """A callback is offered when the predicted wait is over the type's threshold."""
    return predicted > threshold


def callback_overdue(now: float, requested: float, deadline: float) -> bool:
    """A callback waiting since ``requested`` is overdue after ``deadline``: it then
    goes ahead of live calls."""
    return not now < requested + deadline


def callback_before(requested: float, best_requested: float) -> bool:
    """Among the heads of the callback queues, the oldest request is made first."""
    return requested < best_requested


# -- Outbound dialing -------------------------------------------------------------------


def campaign_open(now: float, start: float, end: float, dialed: int, customers: int) -> bool:
    """A campaign may dial: open now, and customers left to dial."""
    return start <= now < end and dialed < customers


def dial_allows(idle_others: int, threshold: int) -> bool:
    """An agent with no inbound work dials only if at least ``threshold`` other
    agents of its group stay idle for the inbound calls."""
    return idle_others >= threshold


# -- Trunks -------------------------------------------------------------------------


def outage_in_force(now: float, start: float, end: float) -> bool:
    """A trunk outage limits the lines over ``[start, end)``."""
    return start <= now < end


def line_free(busy: int, lines: float) -> bool:
    """A phone call finds a line (else it is blocked); ``lines`` may be ``inf``."""
    return busy < lines


# -- Compiled twins, for the event loop ------------------------------------------------

reserve_allows_jit = njit(cache=True)(reserve_allows)
has_overflowed_jit = njit(cache=True)(has_overflowed)
overflow_in_time_jit = njit(cache=True)(overflow_in_time)
idle_before_jit = njit(cache=True)(idle_before)
random_position_jit = njit(cache=True)(random_position)
call_before_jit = njit(cache=True)(call_before)
takes_type_jit = njit(cache=True)(takes_type)
chat_slot_free_jit = njit(cache=True)(chat_slot_free)
partial_before_jit = njit(cache=True)(partial_before)
draw_says_yes_jit = njit(cache=True)(draw_says_yes)
is_live_jit = njit(cache=True)(is_live)
may_redial_jit = njit(cache=True)(may_redial)
uses_own_handle_jit = njit(cache=True)(uses_own_handle)
predicted_wait_jit = njit(cache=True)(predicted_wait)
sets_last_wait_jit = njit(cache=True)(sets_last_wait)
offers_callback_jit = njit(cache=True)(offers_callback)
callback_overdue_jit = njit(cache=True)(callback_overdue)
callback_before_jit = njit(cache=True)(callback_before)
campaign_open_jit = njit(cache=True)(campaign_open)
dial_allows_jit = njit(cache=True)(dial_allows)
outage_in_force_jit = njit(cache=True)(outage_in_force)
line_free_jit = njit(cache=True)(line_free)


def key_cache_on(namespace: dict, *paths: str) -> None:
    """Key the on-disk cache of every compiled function of ``namespace`` (a module's
    globals) on the source files ``paths`` too, besides its own file.

    numba checks a cached function against its own source file only; a kernel that
    calls (and so contains the machine code of) these decisions would otherwise be
    loaded stale after a change here. The cache index stores a source stamp and is
    discarded when it differs: the stamp becomes every file's (mtime, size). This
    reaches into numba's cache object; if its shape changes, nothing is done (the
    kernels then go stale on a change here, as before).
    """
    from numba.core.dispatcher import Dispatcher

    stamps = tuple((os.stat(p).st_mtime, os.stat(p).st_size) for p in paths)
    for obj in list(namespace.values()):
        if not isinstance(obj, Dispatcher) or obj.py_func.__globals__ is not namespace:
            continue
        cache_file = getattr(getattr(obj, "_cache", None), "_cache_file", None)
        own = getattr(cache_file, "_source_stamp", None)
        if cache_file is not None and own is not None:
            cache_file._source_stamp = (own, *stamps)


#: The source files of the compiled engine: each one's cached functions may contain
#: code from the others (`key_engine_caches`).
ENGINE_SOURCES = (
    "decisions.py",
    "layout.py",
    "calls.py",
    "outbound.py",
    "router.py",
    "staffing.py",
    "agents.py",
    "heap.py",
    "engine.py",
)


def key_engine_caches(namespace: dict) -> None:
    """`key_cache_on` every source file of the compiled engine (`ENGINE_SOURCES`)."""
    here = os.path.dirname(os.path.abspath(__file__))
    key_cache_on(namespace, *(os.path.join(here, name) for name in ENGINE_SOURCES))
