"""Agents over the day: logging in, breaks, absences, logging out.

Each agent's day is one SimPy process that walks its `AgentPlan`. Whenever the
plan takes the agent away (a break, an absence, the end of the shift) while the
agent is on a call, the agent first finishes the call and its after-call work;
a break then lasts its full length, and time worked past the shift's end is
overtime.

The process walks a *plan*; the agent who holds it is ``center.holder[p]``. Under
the ``by_count`` staffing cut (`ccsim.models.staffing_cut`) agents of a group trade
plans, so the process looks its agent up at every step.
"""

from __future__ import annotations

from typing import Any

from ccsim.models.roster import AgentPlan, add_time

#: The `ccsim.models.center.ContactCenter` whose agent this is (typed loosely: the
#: center starts these processes, so this module does not import it back).
ContactCenter = Any

BREAK, ABSENCE, LOG_OUT = 0, 1, 2


def agent_day(center: ContactCenter, p: int, plan: AgentPlan):
    """The SimPy process of one agent's day: plan ``p`` of the roster."""
    env = center.env
    obs = center.obs
    h = center.scenario.horizon
    g = plan.group
    if plan.start > env.now:
        yield env.timeout(plan.start - env.now)
    if plan.absent_all_shift:
        add_time(obs.absent[g], plan.start, plan.end, h.start, h.interval)
        return
    center.make_available(center.holder[p])

    steps: list[tuple[float, int, Any]] = [
        (t, BREAK, (length, paid)) for t, length, paid in plan.breaks
    ]
    steps += [(t0, ABSENCE, t1) for t0, t1 in plan.absences]
    if not plan.open_end:
        steps.append((plan.end, LOG_OUT, None))
    steps.sort(key=lambda s: (s[0], s[1]))

    for due, kind, arg in steps:
        if due > env.now:
            yield env.timeout(due - env.now)
        # Waits for a call in progress to end.
        yield from center.take_off_floor(p, logging_out=kind == LOG_OUT)
        if kind == LOG_OUT:
            obs.overtime[g] += max(0.0, env.now - plan.end)
            return
        t0 = env.now
        if kind == BREAK:
            length, paid = arg
            yield env.timeout(length)
            add_time(obs.on_break[g], t0, env.now, h.start, h.interval)
            if not paid:
                add_time(obs.unpaid_break[g], t0, env.now, h.start, h.interval)
        else:
            if arg > env.now:
                yield env.timeout(arg - env.now)
            add_time(obs.absent[g], t0, env.now, h.start, h.interval)
        center.make_available(center.holder[p])
