"""The planner's Erlang calculator: Erlang B, C and A for given agents, and the agents
a goal needs, with a maximum occupancy and shrinkage (``ccsim erlang``).

The queueing formulas are those of `ccsim.planning.analytic` (the simulator's ground truth);
this module adds what a planner asks of them:

- `erlang_figures`: for ``n`` agents on the floor, P(blocked) (B), P(wait), service
  level, ASA, abandonment (A) and occupancy;
- `agents_needed`: the fewest agents on the floor meeting every part of an
  `ErlangGoal` (SL, ASA, abandonment, blocking, maximum occupancy), and the agents
  to schedule for it: ``ceil(on_floor / (1 - shrinkage))``.

Units: the arrival rate ``lam`` in calls per second, times in seconds. Models:
``B`` (M/M/n/n: a call finding every agent busy is lost), ``C`` (M/M/n: callers
wait for ever), ``A`` (M/M/n+M: exponential patience of mean ``patience``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from ccsim.planning.analytic import erlang_a, erlang_b, erlang_c

__all__ = [
    "MODELS",
    "ErlangFigures",
    "ErlangGoal",
    "agents_needed",
    "erlang_figures",
    "scheduled_agents",
]

MODELS = ("B", "C", "A")
_EPS = 1e-12
#: Agents searched at most (a goal no staffing meets, e.g. an ASA of 0).
MAX_AGENTS = 100_000


@dataclass(frozen=True)
class ErlangFigures:
    """Steady-state KPIs of ``agents`` agents on the floor. NaN where the model has no
    such figure (no queue in B, no service level at infinite waits)."""

    model: str
    agents: int
    load: float  # offered load, Erlangs
    p_block: float  # B: P(a call is lost); C, A: 0
    p_wait: float  # P(a call waits); B: NaN
    service_level: float  # P(answered within the threshold), per the SL definition
    asa_s: float  # mean wait of answered calls
    abandon_rate: float  # A: P(a caller hangs up); C: 0
    occupancy: float  # busy / available time

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ErlangGoal:
    """What the staffing must reach. ``target``/``threshold``: SL (a fraction within
    seconds); ``max_asa``, ``max_abandon``, ``max_block``, ``max_occupancy``: upper
    bounds (None: no bound). ``shrinkage``: the share of scheduled agents not on the
    floor (breaks, absence, training), in [0, 1)."""

    target: float | None = 0.8
    threshold: float = 20.0
    max_asa: float | None = None
    max_abandon: float | None = None
    max_block: float | None = None
    max_occupancy: float | None = None
    shrinkage: float = 0.0
    definition: str = "offered"

    def __post_init__(self) -> None:
        if self.target is not None and not 0.0 <= self.target < 1.0:
            raise ValueError(f"SL target must be in [0, 1), got {self.target!r}")
        if not 0.0 <= self.shrinkage < 1.0:
            raise ValueError(f"shrinkage must be in [0, 1), got {self.shrinkage!r}")
        if self.max_occupancy is not None and not 0.0 < self.max_occupancy <= 1.0:
            raise ValueError(f"max occupancy must be in (0, 1], got {self.max_occupancy!r}")
        for name in ("max_asa", "max_abandon", "max_block"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must be >= 0, got {value!r}")

    def describe(self) -> str:
        """``"SL 80% in 20 s, occupancy <= 85%, shrinkage 30%"``."""
        parts = []
        if self.target is not None:
            parts.append(f"SL {100 * self.target:g}% in {self.threshold:g} s")
        if self.max_asa is not None:
            parts.append(f"ASA <= {self.max_asa:g} s")
        if self.max_abandon is not None:
            parts.append(f"abandonment <= {100 * self.max_abandon:g}%")
        if self.max_block is not None:
            parts.append(f"blocking <= {100 * self.max_block:g}%")
        if self.max_occupancy is not None:
            parts.append(f"occupancy <= {100 * self.max_occupancy:g}%")
        if self.shrinkage:
            parts.append(f"shrinkage {100 * self.shrinkage:g}%")
        return ", ".join(parts) or "no goal"


def _check_model(model: str, patience: float | None) -> str:
    model = model.upper()
    if model not in MODELS:
        raise ValueError(f"unknown Erlang model {model!r}; allowed: B, C, A")
    if model == "A" and (patience is None or not patience > 0):
        raise ValueError("Erlang A needs the callers' mean patience (> 0 s)")
    return model


def erlang_figures(
    model: str,
    agents: int,
    lam: float,
    aht: float,
    threshold: float = 20.0,
    patience: float | None = None,
    definition: str = "offered",
) -> ErlangFigures:
    """The KPIs of ``agents`` agents under Erlang ``model`` (B, C or A)."""
    model = _check_model(model, patience)
    if agents < 0 or lam < 0 or not aht > 0:
        raise ValueError("agents and calls must be >= 0 and the handle time > 0")
    load = lam * aht
    nan = math.nan
    if model == "B":
        b = erlang_b(agents, load)
        occ = load * (1 - b) / agents if agents else nan
        return ErlangFigures(model, agents, load, b, nan, nan, nan, 0.0, occ)
    if model == "C":
        if agents == 0 or load >= agents:  # the queue grows without end
            return ErlangFigures(model, agents, load, 0.0, 1.0, 0.0, math.inf, 0.0, 1.0)
        c = erlang_c(agents, load)
        sl = 1.0 - c * math.exp(-(agents - load) * threshold / aht)
        asa = c * aht / (agents - load)
        return ErlangFigures(model, agents, load, 0.0, c, sl, asa, 0.0, load / agents)
    if agents == 0:
        return ErlangFigures(model, agents, load, 0.0, 1.0, 0.0, nan, 1.0 if lam else 0.0, nan)
    assert patience is not None  # Erlang A: the caller checked
    a = erlang_a(agents, lam, aht, patience)
    sl = a.service_level(threshold, definition) if lam > 0 else 1.0
    return ErlangFigures(model, agents, load, 0.0, a.p_wait, sl, a.asa, a.p_abandon, a.occupancy)


def _meets(f: ErlangFigures, goal: ErlangGoal) -> bool:
    """Whether figures ``f`` meet every part of ``goal``."""
    checks = []
    if f.model != "B" and goal.target is not None:
        checks.append(f.service_level >= goal.target - _EPS)
    if goal.max_asa is not None and f.model != "B":
        checks.append(f.asa_s <= goal.max_asa + _EPS)
    if goal.max_abandon is not None and f.model == "A":
        checks.append(f.abandon_rate <= goal.max_abandon + _EPS)
    if goal.max_block is not None and f.model == "B":
        checks.append(f.p_block <= goal.max_block + _EPS)
    if goal.max_occupancy is not None:
        checks.append(not f.occupancy > goal.max_occupancy + _EPS)
    return all(checks)


def agents_needed(
    model: str,
    lam: float,
    aht: float,
    goal: ErlangGoal,
    patience: float | None = None,
) -> int:
    """The fewest agents on the floor whose Erlang ``model`` figures meet ``goal``
    (0 without calls). Every KPI improves with each agent, so the search doubles up
    from the stable minimum, then bisects."""
    model = _check_model(model, patience)
    if model == "B" and goal.max_block is None and goal.max_occupancy is None:
        raise ValueError("Erlang B staffs to a maximum blocking (--max-block)")
    if lam <= 0:
        return 0
    load = lam * aht

    def meets(n: int) -> bool:
        f = erlang_figures(model, n, lam, aht, goal.threshold, patience, goal.definition)
        return _meets(f, goal)

    lo = math.floor(load) if model == "C" else 0  # meets(lo) is false (or lo is 0)
    lo = max(lo, 0)
    hi = max(1, lo + 1)
    while not meets(hi):
        lo, hi = hi, hi * 2
        if hi > MAX_AGENTS:
            raise ValueError(f"no staffing up to {MAX_AGENTS} agents meets {goal.describe()}")
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if meets(mid):
            hi = mid
        else:
            lo = mid
    return hi


def scheduled_agents(on_floor: int, shrinkage: float) -> int:
    """Agents to schedule so that ``on_floor`` remain after ``shrinkage``:
    ``ceil(on_floor / (1 - shrinkage))``."""
    if not 0.0 <= shrinkage < 1.0:
        raise ValueError(f"shrinkage must be in [0, 1), got {shrinkage!r}")
    return math.ceil(on_floor / (1.0 - shrinkage) - 1e-9)
