"""The rows and columns of the weekly integer program (`ccsim.planning.week_roster`
describes the model): classes of agents, their shifts per day, breaks, coverage,
rest, and the baseline's fixings."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ccsim.planning.week_classes import WeekClass, week_classes
from ccsim.planning.week_problem import WeekProblem
from ccsim.units import DAY

__all__ = ["Program", "build_program"]


@dataclass
class Program:
    """Sparse rows built column by column, and where each variable sits:
    ``w[k]`` per class, ``v[(k, d, o)]``, and per shift ``(d, o)`` its ``x`` and
    break placements ``[[(offset, var), ...] per break]``."""

    cost: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    rows: list[tuple[list[int], list[float], float, float]] = field(default_factory=list)
    classes: list[WeekClass] = field(default_factory=list)
    w: list[int] = field(default_factory=list)
    v: dict[tuple[int, int, int], int] = field(default_factory=dict)
    by_shift: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    shifts: dict[tuple[int, int], dict] = field(default_factory=dict)

    def var(self, cost: float = 0.0, upper: float = np.inf) -> int:
        self.cost.append(cost)
        self.lower.append(0.0)
        self.upper.append(upper)
        return len(self.cost) - 1

    def row(self, cols: list[int], vals: list[float], low: float, high: float) -> None:
        if cols:
            self.rows.append((cols, vals, low, high))


def build_program(problem: WeekProblem, fixed: dict | None = None) -> Program:
    """The program of ``problem``. ``fixed`` (the day-by-day baseline): ``{"sets":
    {(contract, days): agents}, "v": {(k, d, o): agents}}`` fixes how many agents
    work each set of days, and the shifts of days already planned."""
    p = Program()
    for c in problem.rules.contracts:
        first = len(p.classes)
        p.classes += week_classes(c, problem)
        ws = [p.var(0.0, float(c.max_agents)) for _ in p.classes[first:]]
        p.w += ws
        p.row(ws, [1.0] * len(ws), float(c.min_agents), float(c.max_agents))
    for k, cls in enumerate(p.classes):
        _class_rows(p, problem, k, cls)
    _day_rows(p, problem)
    if fixed is not None:
        _fix(p, fixed)
    return p


def _allowed(cls: WeekClass, problem: WeekProblem, d: int) -> list[int]:
    """Options of day d a class-``cls`` agent may work."""
    opts = problem.days[d].problem.options
    level = cls.hours[d]
    return [
        o
        for o, opt in enumerate(opts)
        if opt.template.name in cls.contract.templates
        and (level is None or abs(opt.template.paid_hours - level) < 1e-9)
    ]


def _class_rows(p: Program, problem: WeekProblem, k: int, cls: WeekClass) -> None:
    """``Σ_o v[k,d,o] = w[k]`` on each working day, and the rest rows."""
    working = [d for d, on in enumerate(cls.days) if on]
    for d in working:
        vs = []
        for o in _allowed(cls, problem, d):
            cost = problem.days[d].problem.options[o].cost
            p.v[(k, d, o)] = v = p.var(cost)
            p.by_shift.setdefault((d, o), []).append(v)
            vs.append(v)
        p.row([*vs, p.w[k]], [1.0] * len(vs) + [-1.0], 0.0, 0.0)
    rest = cls.contract.min_rest
    if rest <= 0:
        return
    cal = [int(round(dp.day.offset / DAY)) for dp in problem.days]
    for d, nxt in zip(working, working[1:], strict=False):
        _rest_rows(p, problem, k, (d, nxt), (cal[nxt] - cal[d]) * DAY, rest)


def _rest_rows(
    p: Program, problem: WeekProblem, k: int, pair: tuple[int, int], gap: float, rest: float
) -> None:
    d, nxt = pair
    today = [
        (opt.start + opt.template.length, p.v[(k, d, o)])
        for o, opt in enumerate(problem.days[d].problem.options)
        if (k, d, o) in p.v
    ]
    tomorrow = [
        (opt.start + gap, p.v[(k, nxt, o)])
        for o, opt in enumerate(problem.days[nxt].problem.options)
        if (k, nxt, o) in p.v
    ]
    for e in sorted({end for end, _ in today}):
        late = [v for end, v in today if end >= e]
        early = [v for start, v in tomorrow if start - e < rest - 1e-6]
        if early:
            n = len(late) + len(early)
            p.row([*late, *early, p.w[k]], [1.0] * n + [-1.0], -np.inf, 0.0)


def _day_rows(p: Program, problem: WeekProblem) -> None:
    """``x`` and break variables, their links, coverage, the templates' day counts."""
    for dp in problem.open_days:
        prob = dp.problem
        cover: list[tuple[list[int], list[float]]] = [([], []) for _ in range(prob.need.shape[0])]
        for o, opt in enumerate(prob.options):
            vs = p.by_shift.get((dp.index, o), [])
            if not vs:
                continue
            x = p.var()
            p.row([x, *vs], [1.0] + [-1.0] * len(vs), 0.0, 0.0)
            breaks = []
            for offsets in opt.break_offsets:
                bs = [(off, p.var()) for off in offsets]
                p.row([b for _, b in bs] + [x], [1.0] * len(bs) + [-1.0], 0.0, 0.0)
                breaks.append(bs)
            p.shifts[(dp.index, o)] = {"x": x, "breaks": breaks}
            for s in range(opt.first, opt.first + opt.n):
                cover[s][0].append(x)
                cover[s][1].append(1.0)
            for bs, size in zip(breaks, opt.break_slots, strict=True):
                for off, b in bs:
                    for s in range(opt.first + off, opt.first + off + size):
                        cover[s][0].append(b)
                        cover[s][1].append(-1.0)
        for s in np.nonzero(prob.need > 0)[0]:
            p.row(cover[s][0], cover[s][1], float(prob.need[s]), np.inf)
        _template_counts(p, problem, dp)


def _template_counts(p: Program, problem: WeekProblem, dp) -> None:
    for t in problem.templates.templates:
        if t.min_agents == 0 and t.max_agents is None:
            continue
        cols = [
            p.shifts[(dp.index, o)]["x"]
            for o, opt in enumerate(dp.problem.options)
            if opt.template is t and (dp.index, o) in p.shifts
        ]
        high = np.inf if t.max_agents is None else float(t.max_agents)
        p.row(cols, [1.0] * len(cols), float(t.min_agents), high)


def _fix(p: Program, fixed: dict) -> None:
    sets: dict[tuple[str, tuple[bool, ...]], list[int]] = {}
    for k, cls in enumerate(p.classes):
        sets.setdefault((cls.contract.name, cls.days), []).append(p.w[k])
    for key, ws in sets.items():
        n = float(fixed["sets"].get(key, 0))
        p.row(ws, [1.0] * len(ws), n, n)
    for key, n in fixed.get("v", {}).items():
        if key in p.v:
            p.lower[p.v[key]] = p.upper[p.v[key]] = float(n)
