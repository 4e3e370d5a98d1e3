"""Limits checked before anything is allocated: input sizes and the work a run asks for.

A scenario can ask for more than any machine holds (``agents: 9223372036854775808``,
``rate: 1e9/h``, ``--reps 99999999999999999999``) while every field on its own is a
valid number. Rather than let numpy or the engine find out with a MemoryError
after minutes, `check_work` estimates the work (calls per replication, agents,
memory) from the validated scenario and refuses what does not fit, with the
estimate in the message. ``ccsim --max-calls N`` (and ``--max-memory GB``) raise the
limits for those who mean it.

The caps on the files ccsim reads (their size, the YAML nesting depth and number of
keys, a spreadsheet's real extent) are here too, so they are documented in one place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.model import Distribution, Scenario

__all__ = [
    "LIMITS",
    "Limits",
    "Work",
    "check_work",
    "estimate_work",
    "reset_limits",
    "set_limits",
]

#: The memory one call costs while a replication runs: its draws, its observation
#: columns and, on the SimPy engine, its process (measured: ~0.5 KB; doubled).
BYTES_PER_CALL = 1_000
#: The memory one agent costs (its state in the engine, its rows in the roster).
BYTES_PER_AGENT = 2_000
#: The memory one stored KPI costs in a batch's results (a float in a dict, its key).
BYTES_PER_KPI = 100
#: KPIs kept per replication for each scope (day, type, group) and interval.
KPIS_PER_SCOPE = 30


@dataclass
class Limits:
    """What one run may ask for, and what a file ccsim reads may hold."""

    #: Calls (legs) one replication may be expected to hold.
    max_calls: int = 2_000_000
    #: Calls over all replications of a run.
    max_total_calls: int = 2_000_000_000
    #: Agents on duty at once, over all groups.
    max_agents: int = 200_000
    #: A shift template's ``min`` / ``max`` agents (the schedule lays out each one).
    max_shift_agents: int = 10_000
    #: The estimated memory of a run (one replication's calls, all replications' KPIs).
    max_memory: int = 2 * 1024**3
    #: Bytes of a scenario, sweep or shift-template file (YAML is parsed slowly).
    max_yaml_bytes: int = 2 * 1024**2
    #: Bytes of a table: a forecast, history or sample (CSV or .xlsx).
    max_file_bytes: int = 10 * 1024**2
    #: Nesting of YAML mappings and lists (a scenario needs about 8).
    max_depth: int = 50
    #: YAML nodes (keys, values, list items) in one document.
    max_nodes: int = 100_000
    #: Rows and columns of a spreadsheet's real extent.
    max_sheet_rows: int = 200_000
    max_sheet_columns: int = 200


LIMITS = Limits()


def reset_limits() -> None:
    """Back to the default limits."""
    for key, value in vars(Limits()).items():
        setattr(LIMITS, key, value)


def set_limits(**changes: int) -> None:
    """Raise (or lower) limits for this process: ``set_limits(max_calls=10**8)``."""
    for key, value in changes.items():
        if not hasattr(LIMITS, key):
            raise TypeError(f"no limit {key!r}")
        setattr(LIMITS, key, int(value))


@dataclass(frozen=True)
class Work:
    """What a run of a scenario is expected to hold."""

    calls: float  # calls (legs) of one replication, an upper estimate
    agents: float  # agents on duty at once, at most
    replications: int
    memory: float  # bytes

    def describe(self) -> str:
        return (
            f"about {_count(self.calls)} calls per replication, {_count(self.agents)} agents, "
            f"{self.replications:,} replication(s), {_bytes(self.memory)} of memory"
        )


def estimate_work(scenario: Scenario, replications: int | None = None) -> Work:
    """An upper estimate of the calls, agents and memory of ``replications`` replications."""
    reps = scenario.replications if replications is None else replications
    h = scenario.horizon
    offered = sum(sum(ct.rates) for ct in scenario.call_types) * h.interval
    if scenario.ivr is not None:
        offered += sum(scenario.ivr.rates) * h.interval
    surge = 1.0 + sum(max(0.0, e.rule.peak_arrival_factor(e) - 1.0) for e in scenario.events)
    legs = 1.0 + max(
        (
            (ct.retrial.max_attempts if ct.retrial else 0)
            + (1 if ct.transfer else 0)
            + (1 if ct.callback else 0)
            for ct in scenario.call_types
        ),
        default=0,
    )
    calls = offered * surge * _spread(scenario.busyness) * legs
    calls += sum(o.customers for o in scenario.outbound)
    agents = 0.0
    for g in scenario.agent_groups:
        on_duty = max(
            g.agents,
            max(g.agents_per_interval or (0,)),
            sum(s.agents for s in g.shifts),
        )
        agents += float(on_duty) * max(1, g.chat_max)
    scopes = 1 + len(scenario.call_types) + len(scenario.agent_groups)
    per_rep_kpis = (h.n_intervals + 1) * scopes * KPIS_PER_SCOPE * BYTES_PER_KPI
    memory = calls * BYTES_PER_CALL + agents * BYTES_PER_AGENT + float(reps) * per_rep_kpis
    return Work(calls=calls, agents=agents, replications=reps, memory=memory)


def check_work(scenario: Scenario, replications: int | None = None) -> Work:
    """The work estimate, or a `ScenarioError` when it exceeds `LIMITS` (saying which,
    by how much, and how to raise the limit)."""
    work = estimate_work(scenario, replications)
    total = work.calls * work.replications
    problems = []
    if not work.calls <= LIMITS.max_calls:
        problems.append(f"more than {_count(LIMITS.max_calls)} calls per replication")
    if not total <= LIMITS.max_total_calls:
        problems.append(f"more than {_count(LIMITS.max_total_calls)} calls in all")
    if not work.agents <= LIMITS.max_agents:
        problems.append(f"more than {_count(LIMITS.max_agents)} agents")
    if not work.memory <= LIMITS.max_memory:
        problems.append(f"more than {_bytes(LIMITS.max_memory)} of memory")
    if problems:
        raise ScenarioError(
            f"too much work: {work.describe()} ({'; '.join(problems)}); check the rates, "
            "agents and replications, or raise the limit with --max-calls N / --max-memory GB",
            file=scenario.source,
        )
    return work


def _spread(d: Distribution | None) -> float:
    """How far above 1 a day's busyness draw plausibly goes (mean + 4 sd)."""
    if d is None:
        return 1.0
    try:
        return max(1.0, d.mean + 4 * math.sqrt(d.variance))
    except (OverflowError, ValueError):
        return math.inf


def _count(x: float) -> str:
    if not math.isfinite(x):
        return "infinitely many"
    if x >= 1e12:
        return f"{x:.3g}"
    return f"{round(x):,}"


def _bytes(x: float) -> str:
    if not math.isfinite(x):
        return "unbounded"
    for unit, size in (("TB", 1024**4), ("GB", 1024**3), ("MB", 1024**2)):
        if x >= size:
            return f"{x / size:,.1f} {unit}" if x < 1e6 * size else f"{x / size:.3g} {unit}"
    return f"{x / 1024:,.0f} KB"
