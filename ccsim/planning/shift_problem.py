"""The shift scheduling problem: the slot grid (the greatest common divisor of every
time the templates use), every template at every start that fits the horizon (a
`ShiftOption`), and the agents to have on the floor in each slot. An interval no
option can cover is an error naming it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ccsim.planning.shift_requirement import _group
from ccsim.planning.shift_templates import ShiftTemplate, ShiftTemplates
from ccsim.scenario.model import Horizon, Scenario
from ccsim.units import format_clock, format_duration

#: At most this many slots in a day (a finer grid is more likely a slip in a template).
MAX_SLOTS = 5000


@dataclass(frozen=True)
class ShiftOption:
    """A template at one start: slots ``[first, first + n)`` of the grid, its break
    rules' allowed starts as slot offsets, and one agent's cost."""

    template: ShiftTemplate
    start: float
    first: int
    n: int
    break_offsets: tuple[tuple[int, ...], ...]
    break_slots: tuple[int, ...]
    cost: float


@dataclass
class ShiftProblem:
    """What the integer program and the baseline work on: the slot grid, the shift
    options and the agents to have on the floor in each slot."""

    horizon: Horizon
    slot: float
    options: list[ShiftOption]
    need: np.ndarray  # per slot
    notes: list[str] = field(default_factory=list)

    @property
    def slots_per_interval(self) -> int:
        return int(round(self.horizon.interval / self.slot))


def shift_problem(
    scenario: Scenario, group: str, templates: ShiftTemplates, planned: np.ndarray
) -> ShiftProblem:
    """The slot grid and every (template, start) that fits the horizon; an interval
    with a requirement that no option can cover is an error naming the intervals."""
    h = scenario.horizon
    g = _group(scenario, group)
    rate = g.agent_hour if g.agent_hour is not None else scenario.costs.agent_hour
    notes: list[str] = []
    if rate == 0 and any(t.per_hour is None and t.per_shift is None for t in templates.templates):
        rate = 1.0
        notes.append(
            "templates without a cost are costed at 1 per paid hour (the group has no"
            " agent_hour): the schedule minimises paid hours"
        )
    slot = _slot_length(h, templates)
    k = int(round(h.interval / slot))
    options: list[ShiftOption] = []
    for t in templates.templates:
        fitting = [s for s in t.starts if s >= h.start and s + t.length <= h.end]
        if not fitting:
            raise templates.error(
                f"no start lets a {format_duration(t.length)} shift lie within the horizon"
                f" ({format_clock(h.start)} to {format_clock(h.end)})",
                ("templates", t.name, "starts"),
            )
        if len(fitting) < len(t.starts):
            dropped = [format_clock(s) for s in t.starts if s not in fitting]
            notes.append(
                f"template {t.name}: starts {', '.join(dropped)} left out (the shift would not"
                " lie within the horizon)"
            )
        for s in fitting:
            options.append(
                ShiftOption(
                    template=t,
                    start=s,
                    first=int(round((s - h.start) / slot)),
                    n=int(round(t.length / slot)),
                    break_offsets=tuple(
                        tuple(int(round(o / slot)) for o in b.offsets(templates.break_step))
                        for b in t.breaks
                    ),
                    break_slots=tuple(int(round(b.length / slot)) for b in t.breaks),
                    cost=t.cost(rate),
                )
            )
    need = np.repeat(np.asarray(planned, dtype=int), k)
    problem = ShiftProblem(h, slot, options, need, notes)
    _check_coverable(problem, templates)
    return problem


def _slot_length(h: Horizon, templates: ShiftTemplates) -> float:
    """The greatest common divisor (whole seconds) of every time the program uses."""
    times = [h.interval, templates.break_step]
    for t in templates.templates:
        times += [t.length, *(abs(s - h.start) for s in t.starts)]
        for b in t.breaks:
            times += [b.length, *b.window]
    step = 0
    for x in times:
        if abs(x - round(x)) > 1e-6:
            raise templates.error(f"times must be whole seconds, got {x:g}s")
        step = math.gcd(step, int(round(x)))
    n_slots = int(round((h.end - h.start) / step))
    if n_slots > MAX_SLOTS:
        raise templates.error(
            f"the templates' times divide the day into {n_slots} slots of"
            f" {format_duration(step)}; at most {MAX_SLOTS}: use starts, lengths and breaks"
            " on a coarser grid (e.g. multiples of 5min)"
        )
    return float(step)


def _on_slots(o: ShiftOption, n_slots: int) -> np.ndarray:
    """Slots in which at least one agent of ``o`` can be on the floor (on shift and
    not on a break that every allowed placement puts there)."""
    on = np.zeros(n_slots, dtype=bool)
    on[o.first : o.first + o.n] = True
    for offsets, size in zip(o.break_offsets, o.break_slots, strict=True):
        forced_from, forced_to = max(offsets), min(offsets) + size
        if forced_from < forced_to:
            on[o.first + forced_from : o.first + forced_to] = False
    return on


def _check_coverable(problem: ShiftProblem, templates: ShiftTemplates) -> None:
    n_slots = problem.need.shape[0]
    can = np.zeros(n_slots, dtype=bool)
    for o in problem.options:
        can |= _on_slots(o, n_slots)
    k = problem.slots_per_interval
    bad = [
        i
        for i in range(n_slots // k)
        if problem.need[i * k] > 0 and not can[i * k : (i + 1) * k].all()
    ]
    if bad:
        h = problem.horizon
        where = ", ".join(
            f"{format_clock(h.start + i * h.interval)} ({problem.need[i * k]} agents)"
            for i in bad[:8]
        ) + (f" and {len(bad) - 8} more" if len(bad) > 8 else "")
        raise templates.error(
            f"no shift template covers the intervals {where}: add a template or a start time"
            " whose shift works then, or lower the requirement there"
        )
